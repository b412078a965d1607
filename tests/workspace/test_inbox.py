from __future__ import annotations

import datetime as dt
import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.cases.actions.status import change_status
from rapport.cases.models import Case, Status
from rapport.routing.actions.opening import open_case
from rapport.triage.actions.corrections import correct_signal
from tests.conftest import World, dental_case
from tests.workspace.helpers import HTMX, assert_login_required, every_page, make_cases


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-case-id="(\d+)"', html)]


def test_mine_shows_my_active_cases_with_row_details(world: World) -> None:
    world.case.customer.preferred_name = "Mari"
    world.case.customer.save(update_fields=["preferred_name"])
    response = world.client_for(world.agent).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _ids(html) == [world.case.pk]
    for text in (
        f"#{world.case.pk}",
        "Puppy coughing at night",
        "Maria Lopez",
        "(Mari)",
        "New",
        "Normal",
        "Dr. Ana Ortiz",
        "Phone",
        "Mila (10 weeks)",
    ):
        assert text in html


def test_views_mine_team_recent(world: World) -> None:
    theirs = make_cases(world, 2, owners=[world.colleague])
    change_status(case=world.case, to=Status.CLOSED, by=world.agent)
    client = world.client_for(world.agent)
    assert _ids(client.get("/").content.decode()) == []  # closed cases leave "mine"
    team = _ids(client.get("/?view=team").content.decode())
    assert set(team) == {c.pk for c in theirs}
    recent = _ids(client.get("/?view=recent").content.decode())
    assert recent[0] == world.case.pk and len(recent) == 3  # closed cases still in "recent"


def test_due_today_uses_the_agents_timezone_and_includes_overdue(world: World) -> None:
    cases = make_cases(world, 3, owners=[world.agent])
    now = timezone.now()
    later = now + timedelta(days=3)
    Case.objects.update(first_response_due_at=later, next_response_due_at=later)
    Case.objects.filter(pk=cases[0].pk).update(next_response_due_at=now - timedelta(hours=2))
    Case.objects.filter(pk=cases[1].pk).update(first_response_due_at=now + timedelta(minutes=1))
    html = world.client_for(world.agent).get("/?view=due").content.decode()
    assert set(_ids(html)) == {cases[0].pk, cases[1].pk}


def test_filters_and_search(world: World) -> None:
    cases = make_cases(world, 4)
    client = world.client_for(world.agent)
    chat = _ids(client.get("/?view=recent&channel=chat").content.decode())
    assert set(chat) == {cases[0].pk, cases[2].pk}
    owned = _ids(client.get(f"/?view=recent&owner={world.colleague.pk}").content.decode())
    assert set(owned) == {cases[1].pk, cases[3].pk}
    assert _ids(client.get("/?view=recent&priority=urgent").content.decode()) == []
    assert _ids(client.get(f"/?view=recent&status=new&team={world.clinic.pk}").content.decode())
    found = _ids(client.get("/?view=recent&q=coughing").content.decode())
    assert found == [world.case.pk]


def test_htmx_filter_change_returns_only_the_list(world: World) -> None:
    response = world.client_for(world.agent).get("/?view=recent&q=puppy", headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="case-list"')
    assert "<html" not in html and _ids(html) == [world.case.pk]


def test_keyset_pages_without_a_total(world: World, settings: Any) -> None:
    settings.RAPPORT_PAGE_SIZE = 5
    cases = make_cases(world, 7)
    client = world.client_for(world.agent)
    first = client.get("/?view=recent")
    html = first.content.decode()
    assert len(_ids(html)) == 5 and 'id="next-page"' in html
    next_url = first.context["next_query"]
    second = client.get(f"/?{next_url}").content.decode()
    seen = _ids(html) + _ids(second)
    assert sorted(seen) == sorted([c.pk for c in cases] + [world.case.pk])
    assert 'id="next-page"' not in second


def test_outsider_sees_no_clinic_cases(world: World) -> None:
    dental = dental_case(world)
    html = world.client_for(world.outsider).get("/?view=recent").content.decode()
    assert _ids(html) == [dental.pk]
    assert "Puppy coughing" not in html
    searched = world.client_for(world.outsider).get("/?view=recent&q=puppy").content.decode()
    assert _ids(searched) == []


def test_anonymous_is_redirected(db: None) -> None:
    assert_login_required("/")


def test_query_count_does_not_grow_with_rows(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = world.client_for(world.agent)
    with CaptureQueriesContext(connection) as few:
        client.get("/?view=recent")
    make_cases(world, 30, owners=[world.agent, world.colleague, world.supervisor])
    # Session, user, agent, the owner and team menus, the agent's teams, the rows, the agent's
    # saved views, the unread notifications.
    with django_assert_max_num_queries(9), CaptureQueriesContext(connection) as many:
        response = client.get("/?view=recent")
    assert len(_ids(response.content.decode())) == 31
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not any("COUNT(" in q["sql"].upper() for q in many.captured_queries)


def test_due_today_ends_at_midnight_in_the_agents_timezone(world: World) -> None:
    utc = dt.UTC
    cases = make_cases(world, 2, owners=[world.agent])
    later = dt.datetime(2030, 1, 1, tzinfo=utc)
    Case.objects.update(first_response_due_at=later, next_response_due_at=later)
    # 21:00 in Madrid: 23:30 Madrid is today, 00:30 Madrid tomorrow is not (same UTC day).
    Case.objects.filter(pk=cases[0].pk).update(
        next_response_due_at=dt.datetime(2026, 3, 10, 22, 30, tzinfo=utc)
    )
    Case.objects.filter(pk=cases[1].pk).update(
        next_response_due_at=dt.datetime(2026, 3, 10, 23, 30, tzinfo=utc)
    )
    client = world.client_for(world.agent)
    with time_machine.travel(dt.datetime(2026, 3, 10, 20, 0, tzinfo=utc), tick=False):
        html = client.get("/?view=due").content.decode()
    assert _ids(html) == [cases[0].pk]


def test_keyset_pages_through_cases_updated_at_the_same_instant(
    world: World, settings: Any
) -> None:
    settings.RAPPORT_PAGE_SIZE = 5
    cases = make_cases(world, 11)
    Case.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    seen = every_page(world.client_for(world.colleague), "view=team", pages=4)
    assert seen == sorted([c.pk for c in cases] + [world.case.pk], reverse=True)


def _upset_asking_for_a_person(world: World) -> Case:
    return open_case(
        customer=world.customer,
        subject="Still broken",
        channel="chat",
        text="Third time I write!!! Nobody answers. Let me talk to a real person.",
        by=None,
        owner=world.agent,
    )


def test_rows_show_triage_signals_with_reasons_and_the_deadline(world: World) -> None:
    _upset_asking_for_a_person(world)
    page = world.client_for(world.agent).get("/?view=mine").content.decode()
    assert 'data-signal="wants_human"' in page and 'data-signal="upset"' in page
    assert 'class="signal-chip call-first"' in page
    assert "talk to a real person" in page  # the reason, as the chip's tooltip
    assert "answer by" in page


def test_due_today_puts_the_most_pressing_first_and_pages_by_the_deadline(
    world: World, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.RAPPORT_PAGE_SIZE = 2
    # Nine in the morning where the agent works: every deadline below falls on their today.
    zone = ZoneInfo(world.agent.timezone)
    morning = datetime.combine(timezone.now().astimezone(zone).date(), time(9), tzinfo=zone)
    with time_machine.travel(morning, tick=False):
        _due_today_pages(world, django_assert_max_num_queries)


def _due_today_pages(world: World, django_assert_max_num_queries: Any) -> None:
    cases = make_cases(world, 5, owners=[world.agent])
    now = timezone.now().replace(microsecond=0)
    Case.objects.update(first_response_due_at=None, next_response_due_at=None)
    due = {
        cases[0].pk: now + timedelta(hours=3),
        cases[1].pk: now - timedelta(hours=1),  # overdue: first
        cases[2].pk: now + timedelta(hours=3),  # the same instant as cases[0]: by id
        cases[4].pk: now + timedelta(hours=2),
    }
    for pk, at in due.items():
        Case.objects.filter(pk=pk).update(next_response_due_at=at, first_response_at=now)
    # Nobody has answered cases[3] yet: its first answer is due in 30 minutes, whatever the
    # next-response deadline says.
    Case.objects.filter(pk=cases[3].pk).update(
        first_response_at=None,
        first_response_due_at=now + timedelta(minutes=30),
        next_response_due_at=now + timedelta(hours=5),
    )
    client = world.client_for(world.agent)
    seen: list[int] = []
    query = "view=due"
    for _ in range(4):
        with django_assert_max_num_queries(9):
            response = client.get(f"/?{query}")
        seen += _ids(response.content.decode())
        query = response.context["next_query"]
        if not query:
            break
    first, then = sorted([cases[0].pk, cases[2].pk])
    assert seen == [cases[1].pk, cases[3].pk, cases[4].pk, first, then]


def test_rows_show_the_signals_as_agents_corrected_them(world: World) -> None:
    case = _upset_asking_for_a_person(world)
    correct_signal(agent=world.agent, case=case, signal="upset", value=False)
    correct_signal(agent=world.agent, case=case, signal="compliment", value=True)
    page = world.client_for(world.agent).get("/?view=mine").content.decode()
    assert 'data-signal="upset"' not in page
    assert 'data-signal="wants_human"' in page and 'data-signal="compliment"' in page
    assert "corrected by Dr. Ana Ortiz" in page  # the tooltip of a signal only an agent saw
