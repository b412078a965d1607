"""Reads of the desk's service levels by id: "missing" is a 404 (supervisors set them, and the
pages that name one are theirs)."""

from __future__ import annotations

from rapport.lib.access import one
from rapport.routing.models import SlaPolicy


def sla_policy_by_id(policy_id: int) -> SlaPolicy:
    return one(SlaPolicy.objects.all(), policy_id, what="policy")
