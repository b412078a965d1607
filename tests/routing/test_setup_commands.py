"""`rapport site-hours`, `site-closure` and `sla-policy`: what deadlines and routing count with,
set from the command line, and seen by the next case at once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from rapport.people.models import Site
from rapport.routing.actions.opening import open_case
from rapport.routing.models import Closure, SlaPolicy
from tests.conftest import World

MONDAY_NOON_MADRID = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


def run(command: str, *args: str, **options: object) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


def site(world: World) -> Site:
    assert world.night_site is not None
    return world.night_site


def test_site_hours_are_set_shown_and_cleared(world: World) -> None:
    name = site(world).name
    said = run("site_hours", name, hours="mon-fri 08:00-13:00, 15:00-19:00; sat 09:00-13:00")
    assert said.strip().endswith(
        "mon 08:00-13:00, 15:00-19:00; tue 08:00-13:00, 15:00-19:00; wed 08:00-13:00, "
        "15:00-19:00; thu 08:00-13:00, 15:00-19:00; fri 08:00-13:00, 15:00-19:00; "
        "sat 09:00-13:00"
    )
    site(world).refresh_from_db()
    assert site(world).working_hours["sat"] == [["09:00", "13:00"]]
    assert "sun" not in site(world).working_hours
    page = Client().get("/contact/").content.decode()
    assert "Sat 09:00 to 13:00" in page and "Sun" not in page  # the public contact page
    assert run("site_hours", name, around_the_clock=True).strip().endswith("around the clock")
    site(world).refresh_from_db()
    assert site(world).working_hours == {}


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        ("mon-fri", "has no hours"),
        ("funday 09:00-17:00", "'funday' is not a day"),
        ("mon 9-17", "is not a time of day"),
        ("mon 09:00", "is not a shift"),
        ("mon 09:00-09:00", "has no length"),
    ],
)
def test_bad_hours_are_refused_and_the_old_ones_kept(
    world: World, hours: str, problem: str
) -> None:
    run("site_hours", site(world).name, hours="mon 08:00-12:00")
    with pytest.raises(CommandError, match=problem):
        run("site_hours", site(world).name, hours=hours)
    site(world).refresh_from_db()
    assert site(world).working_hours == {"mon": [["08:00", "12:00"]]}


def test_closures_are_added_listed_and_removed(world: World) -> None:
    name = site(world).name
    said = run("site_closure", name, "2026-12-24", reason="staff party")
    assert "2026-12-24  staff party" in said
    assert Closure.objects.get(site=site(world)).day == date(2026, 12, 24)
    run("site_closure", name, "2026-12-24", remove=True)
    assert not Closure.objects.exists()
    with pytest.raises(CommandError, match="was not closed"):
        run("site_closure", name, "2026-12-24", remove=True)
    with pytest.raises(CommandError, match="is not a date"):
        run("site_closure", name, "24/12/2026")
    with pytest.raises(CommandError, match="no site called"):
        run("site_closure", "Atlantis", "2026-12-24")


@time_machine.travel(MONDAY_NOON_MADRID, tick=False)
def test_an_sla_policy_sets_the_next_cases_deadline(world: World) -> None:
    said = run(
        "sla_policy", "normal", channel="email", first="1h30m", next="2h", resolution="3d",
        around_the_clock=True,
    )  # fmt: skip
    assert "normal  email   first 1h30m, next 2h, resolved 3d (around the clock)" in said
    case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    assert case.first_response_due_at == MONDAY_NOON_MADRID + timedelta(minutes=90)
    run("sla_policy", "normal", channel="email", remove=True)
    assert not SlaPolicy.objects.exists()
    assert "built-in targets apply" in run("sla_policy")


def test_bad_sla_input_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="Give --next, --resolution"):
        run("sla_policy", "urgent", first="30m")
    with pytest.raises(CommandError, match="is not a duration"):
        run("sla_policy", "urgent", first="half an hour", next="1h", resolution="1d")
    with pytest.raises(CommandError, match="not a channel"):
        run("sla_policy", "urgent", channel="fax", first="30m", next="1h", resolution="1d")
    with pytest.raises(CommandError, match="cannot be due after the resolution"):
        run("sla_policy", "urgent", first="2d", next="1h", resolution="1d")
    with pytest.raises(CommandError, match="between 1 minute and a year"):
        run("sla_policy", "urgent", first="0m", next="1h", resolution="1d")
    assert not SlaPolicy.objects.exists()
