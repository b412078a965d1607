"""The inbox's orders: recently updated, priority, due soonest, waiting longest; an urgent case
still to be done is first in each, and every order pages by keyset without losing a row."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.cases.models import Case, Message, Priority, Status
from tests.conftest import World
from tests.workspace.helpers import HTMX, every_page, inbox_ids, make_cases

SORTS = ("updated", "priority", "due", "waiting")


def _said(case: Case, direction: str, at: datetime) -> None:
    """A message on the case's timeline at `at` (in: from the customer; out: our reply)."""
    Message.objects.create(
        case=case,
        customer_id=case.customer_id,
        direction=direction,
        channel="email",
        text=f"{direction} at {at}",
        created_at=at,
    )


def _desk(world: World) -> dict[str, Case]:
    """Five clinic cases with known priorities, deadlines, replies and update times."""
    now = timezone.now().replace(microsecond=0)
    old, recent, quiet, answered, urgent = make_cases(world, 5, owners=[world.agent])
    Message.objects.filter(case__in=[old, recent, quiet, answered, urgent]).update(
        created_at=now - timedelta(days=9)
    )
    # The customer wrote again (after our reply) three days ago on `old`, an hour ago on `recent`.
    _said(old, "out", now - timedelta(days=4))
    _said(old, "in", now - timedelta(days=3))
    _said(old, "in", now - timedelta(days=1))
    _said(recent, "out", now - timedelta(days=2))
    _said(recent, "in", now - timedelta(hours=1))
    # `answered` had our reply last: nobody waits on it.
    _said(answered, "out", now - timedelta(hours=2))
    # `quiet` was never answered: waiting since its first message, nine days ago.
    rows = {
        old: (Priority.LOW, now - timedelta(minutes=1), now + timedelta(hours=5)),
        recent: (Priority.HIGH, now - timedelta(minutes=2), now + timedelta(hours=1)),
        quiet: (Priority.NORMAL, now - timedelta(minutes=3), None),
        answered: (Priority.NORMAL, now - timedelta(minutes=4), now + timedelta(hours=3)),
        urgent: (Priority.URGENT, now - timedelta(days=30), now + timedelta(days=2)),
    }
    for case, (priority, updated, due) in rows.items():
        Case.objects.filter(pk=case.pk).update(
            priority=priority,
            updated_at=updated,
            next_response_due_at=due,
            first_response_due_at=None,
            first_response_at=now - timedelta(days=8),
            status=Status.OPEN,
        )
    Case.objects.filter(pk=world.case.pk).update(status=Status.RESOLVED)
    return {"old": old, "recent": recent, "quiet": quiet, "answered": answered, "urgent": urgent}


def _order(world: World, query: str) -> list[int]:
    return inbox_ids(world.client_for(world.agent).get(f"/?{query}", headers=HTMX).content.decode())


def test_each_order_puts_the_urgent_case_first(world: World) -> None:
    c = {name: case.pk for name, case in _desk(world).items()}
    assert _order(world, "view=mine") == [
        c["urgent"],
        c["old"],
        c["recent"],
        c["quiet"],
        c["answered"],
    ]
    assert _order(world, "view=mine&sort=priority") == [
        c["urgent"],
        c["recent"],
        c["quiet"],
        c["answered"],
        c["old"],
    ]
    # No deadline comes last.
    assert _order(world, "view=mine&sort=due") == [
        c["urgent"],
        c["recent"],
        c["answered"],
        c["old"],
        c["quiet"],
    ]
    # The customer's first message since our last reply, oldest first; nobody waiting last.
    assert _order(world, "view=mine&sort=waiting") == [
        c["urgent"],
        c["quiet"],
        c["old"],
        c["recent"],
        c["answered"],
    ]


def test_an_urgent_case_that_is_done_is_not_pinned(world: World) -> None:
    c = {name: case.pk for name, case in _desk(world).items()}
    Case.objects.filter(pk=c["urgent"]).update(status=Status.RESOLVED)
    recent = _order(world, "view=recent")
    assert recent[-1] == c["urgent"]  # updated a month ago, no longer to be done
    assert c["urgent"] not in _order(world, "view=mine&sort=priority")


@pytest.mark.parametrize("sort", SORTS)
def test_pages_hold_every_case_once_in_the_same_order(
    world: World, settings: Any, sort: str
) -> None:
    _desk(world)
    extra = make_cases(world, 4, owners=[world.agent])
    # Ties on every key: the id decides.
    Case.objects.filter(pk__in=[c.pk for c in extra]).update(
        updated_at=timezone.now() - timedelta(minutes=2),
        next_response_due_at=None,
        priority=Priority.URGENT,
    )
    whole = _order(world, f"view=mine&sort={sort}")
    assert len(whole) == 9
    settings.RAPPORT_PAGE_SIZE = 2
    assert every_page(world.client_for(world.agent), f"view=mine&sort={sort}", pages=10) == whole


@pytest.mark.parametrize("sort", SORTS)
def test_query_count_does_not_grow_with_rows(
    world: World, sort: str, django_assert_max_num_queries: Any
) -> None:
    client = world.client_for(world.agent)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/?view=team&sort={sort}")
    _desk(world)
    make_cases(world, 20, owners=[world.agent, world.colleague])
    with django_assert_max_num_queries(9), CaptureQueriesContext(connection) as many:
        response = client.get(f"/?view=team&sort={sort}")
    assert len(inbox_ids(response.content.decode())) == 25
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_order_select_shows_the_order_in_use(world: World) -> None:
    client = world.client_for(world.agent)
    page = client.get("/?view=due").content.decode()
    assert '<option value="due" selected>Order: due soonest</option>' in page
    page = client.get("/?view=mine&sort=waiting").content.decode()
    assert '<option value="waiting" selected>Order: waiting longest</option>' in page


def test_a_bad_order_or_position_is_refused_or_ignored_never_a_crash(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.get("/?sort=sideways")
    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()
    for after in ("0_x_1", "1_2026-01-01T00:00:00+00:00_99999999999999999999999", "garbage"):
        response = client.get("/", {"view": "mine", "sort": "updated", "after": after})
        assert response.status_code == 200
        assert world.case.pk in inbox_ids(response.content.decode())


@pytest.mark.parametrize("size", [1, 2, 4])
def test_the_first_page_places_one_old_urgent_case_above_newer_ones(
    world: World, settings: Any, size: int
) -> None:
    # The first page reads the urgent cases straight and walks the rest once (agents): one urgent
    # case a month old must still lead, and the newer ones follow it in their order.
    c = _desk(world)
    whole = _order(world, "view=mine")
    assert whole[0] == c["urgent"].pk and len(whole) == 5
    settings.RAPPORT_PAGE_SIZE = size
    assert _order(world, "view=mine") == whole[:size]
    assert every_page(world.client_for(world.agent), "view=mine", pages=10) == whole
