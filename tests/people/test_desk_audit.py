"""Every change to the desk's settings leaves a row in the security audit: who (or the command
line), and what changed from what to what; the supervisor reads them on Sign-ins."""

from __future__ import annotations

from datetime import date, time, timedelta
from io import StringIO

from django.core.management import call_command

from rapport.care.actions.promises import create_follow_up_policy, update_follow_up_policy
from rapport.people.actions.agents import create_brand, update_site
from rapport.people.models import SecurityEvent, SecurityEventKind
from rapport.routing.actions.desk import add_closure, set_site_hours, set_sla_policy
from tests.conftest import World


def _audit() -> list[tuple[str | None, str]]:
    rows = SecurityEvent.objects.filter(kind=SecurityEventKind.DESK_CHANGED).order_by("id")
    return [(e.actor.display_name if e.actor else None, e.detail) for e in rows]


def test_each_change_says_who_and_what_changed(world: World) -> None:
    sam = world.supervisor
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=sam)
    site = world.night_site
    update_site(
        site, name="Night clinic", timezone_name="Europe/Madrid", country="ES", region="MD",
        brand=brand, by=sam,
    )  # fmt: skip
    set_site_hours(site=site, working_hours={"mon": [["20:00", "08:00"]]}, by=sam)
    add_closure(site=site, day=date(2026, 12, 24), reason="party", by=sam)
    set_sla_policy(
        priority="urgent",
        first_response=timedelta(minutes=30),
        next_response=timedelta(hours=1),
        resolution=timedelta(hours=8),
        by=sam,
    )
    policy = create_follow_up_policy(name="Visit", purpose="How is Mila?", by=sam)
    update_follow_up_policy(
        policy, name="Visit", purpose="How is Mila?", script="", tags=[], team=None,
        priority="", triage_signal="", delay_days=2, at_time=time(10), channel="phone",
        active=False, by=sam,
    )  # fmt: skip
    assert _audit() == [
        ("Sam Reyes", "Business Sonrisa added (/contact/sonrisa/)"),
        ("Sam Reyes", "Site Night clinic: region: none → MD; brand: none → Sonrisa"),
        ("Sam Reyes", "Site Night clinic: hours: around the clock → mon 20:00-08:00"),
        ("Sam Reyes", "Site Night clinic: closed on 2026-12-24 (party)"),
        ("Sam Reyes", "Service level urgent any channel: first 30 min, next 60 min, "
                      "resolved 480 min (opening hours)"),
        ("Sam Reyes", "Follow-up policy Visit added: How is Mila?"),
        ("Sam Reyes", "Follow-up policy Visit: delay days: 1 → 2; active: True → False"),
    ]  # fmt: skip


def test_the_command_line_is_named_and_the_supervisor_reads_it(world: World) -> None:
    call_command("create_site", "Lisbon", timezone="Europe/Lisbon", stdout=StringIO())
    assert _audit() == [(None, "Site Lisbon added (Europe/Lisbon) (command line)")]
    client = world.client_for(world.supervisor)
    client.post(
        f"/supervisor/desk/teams/{world.clinic.pk}/",
        {"name": "Clinic", "members": [world.agent.pk]},
    )
    page = client.get("/supervisor/security/").content.decode()
    assert 'data-event-kind="desk_changed"' in page
    assert "Team clinic: members: Dr. Ana Ortiz, Dr. Ben Hale → Dr. Ana Ortiz" in page
    assert "(by Sam Reyes)" in page
