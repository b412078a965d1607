"""The week-ahead staffing plan against a small desk worked out by hand, across a DST change.

The night clinic (Europe/Madrid) on Wednesday 25 March 2026; Spain moves its clocks forward on
Sunday the 29th at 02:00, so the plan's Sunday has no 02:00 and the Monday after is CEST while
the history it repeats was CET.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from rapport.care.actions.promises import create_promise
from rapport.care.models import PromiseKind
from rapport.cases.models import Case, Initiative
from rapport.insights import staffing
from rapport.insights.erlang import StaffingError
from rapport.people.actions.agents import create_agent
from rapport.people.models import Site
from rapport.routing.actions.opening import open_case
from tests.conftest import PASSWORD, World

MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 3, 25, 11, 0, tzinfo=UTC)  # Wednesday, 12:00 in Madrid
WEEKDAYS = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=MADRID)


def _cases(world: World, *, at: datetime, n: int, channel: str = "phone") -> None:
    for i in range(n):
        with time_machine.travel(at + timedelta(minutes=i), tick=False):
            open_case(
                customer=world.customer,
                subject="",
                channel=channel,
                text=f"Question {i}",
                by=None,
                owner=world.agent,
                team=world.clinic,
            )


def _hour(plan: staffing.SitePlan, at: datetime) -> staffing.Hour:
    for hour in plan.hours:
        if hour.start == at:
            return hour
    raise AssertionError(f"no hour starting {at}")


@pytest.fixture
def desk(world: World) -> World:
    world.agent.working_hours = WEEKDAYS
    world.agent.save()
    # The logged call the fixture opened today must not count: only the weeks before now do.
    Case.objects.all().delete()
    # Two Mondays ago and last Monday, 10:30-10:39 Madrid: 10 calls each, 10 a week on average.
    _cases(world, at=_local(16, 10, 30), n=10)
    _cases(world, at=_local(23, 10, 30), n=10)
    # Outreach the desk started is not customers' demand.
    Case.objects.filter(pk=Case.objects.order_by("pk").first().pk).update(  # type: ignore[union-attr]
        initiative=Initiative.DESK
    )
    return world


def test_the_forecast_repeats_each_local_hour_of_the_week_across_dst(desk: World) -> None:
    with time_machine.travel(NOW, tick=False):
        [plan] = staffing.plan(
            now=NOW, assumptions=staffing.Assumptions(weeks=2), sites=[desk.night_site]
        )
    # 19 customer-started calls over two weeks: 9.5 a week at Monday 10:00 local, CET or CEST.
    monday = _hour(plan, _local(30, 10))
    assert monday.start.utcoffset() == timedelta(hours=2)
    assert monday.arrivals == {"phone": 9.5}
    assert _hour(plan, _local(30, 11)).arrivals == {}
    # 9.5 calls of 6 minutes in an hour is 0.95 Erlangs: 2 people answer 72% within 60 s,
    # 3 answer 94%; the target is 80%, so 3 on duty, 5 rostered with 30% shrinkage.
    assert monday.needed == 3
    assert monday.scheduled == 5
    assert monday.on_shift == 1
    assert monday.at_risk and monday.short_by == 4


def test_the_days_run_from_todays_local_midnight_and_the_skipped_hour_is_empty(desk: World) -> None:
    [plan] = staffing.plan(now=NOW, assumptions=staffing.Assumptions(), sites=[desk.night_site])
    assert plan.hours[0].start == _local(25, 0)
    assert len(plan.hours) == 7 * 24 - 1  # the night the clocks go forward
    days = plan.days()
    assert [day.day for day, _ in days] == [25, 26, 27, 28, 29, 30, 31]
    sunday = dict(days)[_local(29, 0).date()]
    assert sunday[2] is None
    assert sunday[1] is not None and sunday[3] is not None


def test_promised_calls_and_owed_replies_land_in_their_hour_overdue_ones_now(
    desk: World,
) -> None:
    case = Case.objects.filter(initiative=Initiative.CUSTOMER).first()
    assert case is not None
    create_promise(
        kind=PromiseKind.CALLBACK,
        case=case,
        owner=desk.agent,
        due_at=_local(26, 15, 10),
        purpose="Call Maria back",
        by=desk.agent,
    )
    with time_machine.travel(_local(24, 9), tick=False):
        mail = open_case(
            customer=desk.customer,
            subject="Invoice",
            channel="email",
            text="Invoice",
            by=None,
            owner=desk.agent,
            team=desk.clinic,
        )
    late = open_case(
        customer=desk.customer,
        subject="Late",
        channel="web",
        text="Where is my answer?",
        by=None,
        owner=desk.agent,
        team=desk.clinic,
    )
    Case.objects.filter(pk=mail.pk).update(next_response_due_at=_local(27, 9, 20))
    Case.objects.filter(pk=late.pk).update(next_response_due_at=_local(24, 18))
    [plan] = staffing.plan(now=NOW, assumptions=staffing.Assumptions(), sites=[desk.night_site])
    thursday = _hour(plan, _local(26, 15))
    assert thursday.calls_promised == 1
    # One 5-minute call at 85% occupancy: one person on duty, two rostered.
    assert (thursday.needed, thursday.scheduled, thursday.on_shift) == (1, 2, 1)
    assert _hour(plan, _local(27, 9)).replies_owed == 1
    assert _hour(plan, _local(25, 12)).replies_owed == 1  # overdue: owed in the current hour
    assert sum(h.replies_owed for h in plan.hours) == 2


def test_on_shift_counts_the_sites_active_people_by_their_hours(desk: World) -> None:
    elsewhere = Site.objects.create(name="Day clinic", timezone="Europe/London")
    create_agent(username="eve", display_name="Eve", password=PASSWORD, site=elsewhere)
    gone = create_agent(username="gil", display_name="Gil", password=PASSWORD, site=desk.night_site)
    gone.user.is_active = False
    gone.user.save()
    # No hours of her own: the site's hours (Wednesday 10:30-14:00) are hers.
    desk.night_site.working_hours = {"wed": [["10:30", "14:00"]]}
    desk.night_site.save()
    create_agent(username="ida", display_name="Ida", password=PASSWORD, site=desk.night_site)
    [plan] = staffing.plan(now=NOW, assumptions=staffing.Assumptions(), sites=[desk.night_site])
    assert _hour(plan, _local(25, 9)).on_shift == 1  # Ana (from 09:00)
    assert _hour(plan, _local(25, 10)).on_shift == 2  # and Ida: 10:30-11:00 is half the hour
    assert _hour(plan, _local(25, 13)).on_shift == 2
    assert _hour(plan, _local(25, 14)).on_shift == 1
    assert _hour(plan, _local(28, 10)).on_shift == 0  # Saturday
    assert _hour(plan, _local(25, 9)).scheduled == 0  # nothing forecast on a Wednesday
    assert not _hour(plan, _local(25, 9)).at_risk


def test_what_if_volume_scales_the_forecast(desk: World) -> None:
    double = staffing.Assumptions(weeks=2, volume_percent=200)
    [plan] = staffing.plan(now=NOW, assumptions=double, sites=[desk.night_site])
    assert _hour(plan, _local(30, 10)).arrivals == {"phone": 19.0}
    none = staffing.Assumptions(weeks=2, volume_percent=0)
    [quiet] = staffing.plan(now=NOW, assumptions=none, sites=[desk.night_site])
    assert quiet.hours_at_risk == 0


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"weeks": 0}, "Weeks"),
        ({"volume_percent": -5}, "Volume"),
        ({"shrinkage": 1.0}, "Shrinkage"),
        ({"service_level": 80}, "service level"),
        ({"phone_aht_seconds": 0}, "handle time"),
    ],
)
def test_nonsense_assumptions_are_refused(changes: dict[str, float], said: str) -> None:
    with pytest.raises(StaffingError, match=said):
        staffing.Assumptions(**changes)  # type: ignore[arg-type]


def test_queries_do_not_grow_with_sites_or_agents(desk: World) -> None:
    def count(sites: QuerySet[Site]) -> int:
        with CaptureQueriesContext(connection) as queries:
            staffing.plan(now=NOW, assumptions=staffing.Assumptions(), sites=list(sites))
        return len(queries)

    one = count(Site.objects.filter(pk=desk.night_site.pk))
    for i in range(3):
        site = Site.objects.create(name=f"Site {i}", timezone="America/New_York")
        for j in range(3):
            create_agent(
                username=f"a{i}{j}", display_name=f"A {i}{j}", password=PASSWORD, site=site
            )
    four = count(Site.objects.all())
    # A handful per site (history, promises, replies, outreach), none per agent or hour.
    assert one <= 8
    assert four - one <= 3 * 5
