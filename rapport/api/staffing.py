"""/staffing: how many people the promises need — one interval's arithmetic, and the week ahead
per site against who is on shift (supervisors)."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from rapport.api.auth import supervisor_required
from rapport.api.customers import READ_ERRORS
from rapport.api.schemas.base import Input
from rapport.insights import staffing
from rapport.insights.erlang import Load, StaffingError, outcome, required
from rapport.lib.errors import ActionError
from rapport.people.models import Site

router = Router(tags=["staffing"])


class IntervalQuery(Input):
    arrivals: float = Field(description="Contacts arriving in the interval.")
    interval_minutes: float = Field(description="The interval's length, e.g. 30.")
    aht_seconds: float = Field(description="Average handle time.")
    target_seconds: float = Field(description="Answered within this many seconds.")
    service_level: float = Field(description="Share answered in time, e.g. 0.8.")
    max_occupancy: float = 1.0
    shrinkage: float = 0.0
    concurrency: float = Field(1.0, description="Chats one person holds at once.")
    patience_seconds: float | None = Field(
        None, description="Mean wait before hanging up: Erlang A instead of Erlang C."
    )
    agents: int | None = Field(None, description="What this many agents on duty give.")


class IntervalOut(Schema):
    agents: int
    scheduled_agents: int
    probability_of_waiting: float
    service_level: float
    average_speed_of_answer_seconds: float
    occupancy: float
    probability_of_abandoning: float | None = Field(
        None, description="Erlang A only (with patience_seconds)."
    )


@router.get(
    "/interval",
    response={200: IntervalOut, **READ_ERRORS},
    summary="Agents one interval needs (Erlang C / Erlang A)",
)
def interval(request: HttpRequest, query: Query[IntervalQuery]) -> IntervalOut:
    """The same answer as `rapport staffing --json`: the fewest agents meeting the service level
    within the maximum occupancy, or what `agents` give. A load the agents cannot carry, or a
    nonsense input, is a 400 saying what was wrong."""
    try:
        load = Load(
            arrivals=query.arrivals,
            interval_seconds=query.interval_minutes * 60.0,
            aht_seconds=query.aht_seconds,
            target_seconds=query.target_seconds,
            service_level=query.service_level,
            max_occupancy=query.max_occupancy,
            shrinkage=query.shrinkage,
            concurrency=query.concurrency,
            patience_seconds=query.patience_seconds,
        )
        result = required(load) if query.agents is None else outcome(load, query.agents)
    except StaffingError as exc:
        raise ActionError(str(exc)) from exc
    return IntervalOut(**result.as_dict())  # type: ignore[arg-type]


DEFAULTS = staffing.Assumptions()


class PlanQuery(Input):
    site: int | None = Field(None, description="One site's id; default every site.")
    weeks: int = Field(DEFAULTS.weeks, description="Weeks of history the forecast averages.")
    volume_percent: float = Field(
        DEFAULTS.volume_percent, description="What if volume were this share of usual."
    )
    phone_aht_seconds: float = DEFAULTS.phone_aht_seconds
    chat_aht_seconds: float = DEFAULTS.chat_aht_seconds
    chat_concurrency: float = DEFAULTS.chat_concurrency
    written_aht_seconds: float = Field(
        DEFAULTS.written_aht_seconds, description="Email, web form, SMS, social."
    )
    call_aht_seconds: float = Field(
        DEFAULTS.call_aht_seconds, description="A callback, follow-up or outreach call."
    )
    target_seconds: float = DEFAULTS.target_seconds
    service_level: float = DEFAULTS.service_level
    max_occupancy: float = DEFAULTS.max_occupancy
    shrinkage: float = DEFAULTS.shrinkage


class HourOut(Schema):
    start: datetime = Field(description="The hour's start, in the site's time zone.")
    arrivals: dict[str, float] = Field(description="Forecast contacts per channel.")
    calls_promised: int
    replies_owed: int
    outreach: float
    needed: int = Field(description="People on duty the hour needs.")
    scheduled: int = Field(description="People to roster, with shrinkage.")
    on_shift: int
    at_risk: bool


class SitePlanOut(Schema):
    site_id: int
    site: str
    timezone: str
    hours_at_risk: int
    hours: list[HourOut]


class PlanOut(Schema):
    generated_at: datetime
    sites: list[SitePlanOut]


def assumptions_from(query: PlanQuery) -> staffing.Assumptions:
    values = query.dict(exclude={"site"})
    try:
        return staffing.Assumptions(**values)
    except StaffingError as exc:
        raise ActionError(str(exc)) from exc


@router.get(
    "/plan",
    response={200: PlanOut, **READ_ERRORS},
    summary="The week ahead: people needed against people on shift",
)
@supervisor_required
def week_plan(request: HttpRequest, query: Query[PlanQuery]) -> PlanOut:
    """Each site's next seven days from today's midnight (its own zone), hour by hour: the
    forecast from the desk's history, the work already promised, the people needed and those on
    shift. Supervisors only."""
    assumptions = assumptions_from(query)
    sites = None
    if query.site is not None:
        site = Site.objects.filter(pk=query.site).first()
        if site is None:
            raise Http404("No such site")
        sites = [site]
    now = timezone.now()
    try:
        plans = staffing.plan(now=now, assumptions=assumptions, sites=sites)
    except StaffingError as exc:  # e.g. a what-if volume no number of people could answer
        raise ActionError(str(exc)) from exc
    return PlanOut(
        generated_at=now,
        sites=[
            SitePlanOut(
                site_id=p.site.pk,
                site=p.site.name,
                timezone=p.site.timezone,
                hours_at_risk=p.hours_at_risk,
                hours=[
                    HourOut(
                        start=h.start,
                        arrivals=h.arrivals,
                        calls_promised=h.calls_promised,
                        replies_owed=h.replies_owed,
                        outreach=h.outreach,
                        needed=h.needed,
                        scheduled=h.scheduled,
                        on_shift=h.on_shift,
                        at_risk=h.at_risk,
                    )
                    for h in p.hours
                ],
            )
            for p in plans
        ],
    )
