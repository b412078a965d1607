"""/insights: what matters, measured — starting with time to a named human."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import AwareDatetime

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS
from rapport.api.schemas.base import Input
from rapport.cases.access import cases_for_agent
from rapport.insights import selectors

router = Router(tags=["insights"])


class TimeToHumanOut(Schema):
    since: datetime
    until: datetime
    cases: int
    answered: int
    median_minutes: float | None
    p90_minutes: float | None
    within_target: float | None
    by_channel: dict[str, float]


class WindowQuery(Input):
    since: AwareDatetime | None = Field(None, description="Default: 7 days before `until`.")
    until: AwareDatetime | None = Field(None, description="Default: now.")


def _window(window: WindowQuery) -> tuple[datetime, datetime]:
    default_since, default_until = selectors.default_window(timezone.now())
    return window.since or default_since, window.until or default_until


@router.get(
    "/time-to-human",
    response={200: TimeToHumanOut, **READ_ERRORS},
    summary="Time to a named human",
)
@supervisor_required
def time_to_human(request: HttpRequest, window: Query[WindowQuery]) -> TimeToHumanOut:
    """Arrival to the first human action the customer could see, over new cases in the window
    (default: the last 7 days). Supervisors only."""
    agent = agent_of(request)
    since, until = _window(window)
    stats = selectors.time_to_human(cases_for_agent(agent), since=since, until=until)
    return TimeToHumanOut(since=since, until=until, **stats.as_dict())  # type: ignore[arg-type]


class SavedReplyCountOut(Schema):
    id: int
    title: str
    used: int
    sent_unchanged: int


class SavedReplyUseOut(Schema):
    since: datetime
    until: datetime
    replies: int = Field(description="Replies agents sent to customers in the window.")
    from_saved_replies: int = Field(description="Of those, started from a saved reply.")
    sent_unchanged: int = Field(
        description="Of those, sent word for word (only where the business allows it)."
    )
    by_saved_reply: list[SavedReplyCountOut] = Field(description="The ten most used.")


@router.get(
    "/saved-replies",
    response={200: SavedReplyUseOut, **READ_ERRORS},
    summary="Saved replies used and sent unchanged",
)
@supervisor_required
def saved_reply_use(request: HttpRequest, window: Query[WindowQuery]) -> SavedReplyUseOut:
    """Replies sent in the window (default: the last 7 days), how many started from a saved
    reply and how many of those went out unchanged. Supervisors only."""
    agent = agent_of(request)
    since, until = _window(window)
    use = selectors.saved_reply_use(cases_for_agent(agent), since=since, until=until)
    return SavedReplyUseOut(
        since=since,
        until=until,
        replies=use.replies,
        from_saved_replies=use.from_saved_replies,
        sent_unchanged=use.sent_unchanged,
        by_saved_reply=[SavedReplyCountOut(**row) for row in use.by_saved_reply],  # type: ignore[arg-type]
    )
