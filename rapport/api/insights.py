"""/insights: what matters, measured — starting with time to a named human."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import AwareDatetime

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS
from rapport.api.schemas import Input
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
    default_since, default_until = selectors.default_window(timezone.now())
    since, until = window.since or default_since, window.until or default_until
    stats = selectors.time_to_human(cases_for_agent(agent), since=since, until=until)
    return TimeToHumanOut(since=since, until=until, **stats.as_dict())  # type: ignore[arg-type]
