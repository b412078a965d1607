"""Who hears that a case changed: the case's page, its team's queue and its owner, after commit.

Called by the write layer where cases change (each audit event, each message taken in); the
nudge only makes open pages fetch now (`rapport/lib/nudges.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rapport.cases.models import Case
from rapport.lib.nudges import agent_group, case_group, nudge_each, team_group


def case_changed(cases: Iterable[Case]) -> None:
    nudges: list[tuple[str, dict[str, Any]]] = []
    for case in cases:
        payload = {"type": "case", "case": case.pk}
        nudges.append((case_group(case.pk), payload))
        if case.team_id is not None:
            nudges.append((team_group(case.team_id), payload))
        if case.owner_id is not None:
            nudges.append((agent_group(case.owner_id), payload))
    nudge_each(nudges)


def agents_notified(agent_ids: Iterable[int]) -> None:
    nudge_each((agent_group(pk), {"type": "notifications"}) for pk in agent_ids)
