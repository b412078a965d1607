"""Whether a resolved case earns a CSAT: only when a person really helped. Four queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from rapport.cases.models import Call, CallDirection, CallOutcome, Case, Direction, Message
from rapport.people.models import Agent
from rapport.surveys.models import SkipReason

SPAM_TAG = "spam"
# A reached call this long (seconds) is a real conversation, however few words were written.
REAL_CALL_SECONDS = 60


@dataclass(frozen=True)
class Verdict:
    helper: Agent | None  # the last person who wrote or called
    skip_reason: str  # "" when a CSAT may be sent


def csat_verdict(case: Case, *, resolved_by: Agent | None) -> Verdict:
    """Who helped, and why no CSAT goes out if none may: merged, spam, resolved automatically,
    no agent wrote or called, we wrote first and they never answered, or too short to ask."""
    early = (
        SkipReason.MERGED
        if case.merged_into_id is not None
        else SkipReason.SPAM
        if SPAM_TAG in (case.tags or [])
        else SkipReason.AUTO_RESOLVED
        if resolved_by is None
        else ""
    )
    if early:
        return Verdict(None, early)
    wrote = (
        Message.objects.filter(case=case, direction=Direction.OUTBOUND, author__isnull=False)
        .select_related("author")
        .order_by("-created_at", "-pk")
        .first()
    )
    called = (
        Call.objects.filter(case=case, agent__isnull=False, outcome=CallOutcome.REACHED)
        .select_related("agent")
        .order_by("-started_at", "-pk")
        .first()
    )
    helpers = [
        (m.created_at, m.author) for m in [wrote] if m is not None and m.author is not None
    ] + [(c.started_at, c.agent) for c in [called] if c is not None and c.agent is not None]
    if not helpers:
        return Verdict(None, SkipReason.NO_HUMAN_HELP)
    helper = max(helpers, key=lambda pair: pair[0])[1]
    words = sum(
        len(text.split())
        for text in Message.objects.filter(case=case, direction=Direction.INBOUND).values_list(
            "text", flat=True
        )
    )
    customer_called = Call.objects.filter(case=case, direction=CallDirection.INBOUND).exists()
    if not words and not customer_called:
        return Verdict(helper, SkipReason.OUTBOUND_ONLY)
    real_call = Call.objects.filter(
        Q(outcome=CallOutcome.REACHED), case=case, duration_seconds__gte=REAL_CALL_SECONDS
    ).exists()
    if words < settings.RAPPORT_SURVEY_MIN_WORDS and not real_call:
        return Verdict(helper, SkipReason.TOO_SHORT)
    return Verdict(helper, SkipReason.NONE)
