"""Live pages: the inbox's list, the case's timeline and the unread notifications, polled with
ETags: 304 while nothing changed, the fragment when something did; the wrong person refused; a
tab left polling neither counts as activity nor keeps a session alive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.cases.actions.events import mark_notifications_read, notify_agent
from rapport.cases.actions.messages import add_note, reply
from rapport.cases.models import NotificationKind
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import receive_message
from rapport.workspace import live
from tests.conftest import PASSWORD, World, dental_case
from tests.workspace.helpers import HTMX, assert_login_required, make_cases, new_team_case


def _poll(client: Client, url: str, etag: str | None = None) -> Any:
    headers = dict(HTMX)
    if etag:
        headers["If-None-Match"] = etag
    return client.get(url, headers=headers)


def test_the_case_timeline_is_304_until_a_colleague_writes(world: World) -> None:
    client = world.client_for(world.agent)
    url = f"/cases/{world.case.pk}/live/"
    first = _poll(client, url)
    assert first.status_code == 200
    assert first.content.decode().lstrip().startswith('<div id="timeline"')
    assert first["Cache-Control"] == "private, no-cache" or "no-cache" in first["Cache-Control"]
    etag = first["ETag"]
    # The split forms carry a CSRF token masked afresh each time: the ETag does not move.
    again = _poll(client, url, etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    theirs = reply(case=world.case, text="Bring Mila in at nine.", by=world.colleague)
    changed = _poll(client, url, etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert f'data-message-id="{theirs.pk}"' in changed.content.decode()
    assert _poll(client, url, changed["ETag"]).status_code == 304


def test_the_customer_writing_and_a_note_change_the_timeline_too(world: World) -> None:
    client = world.client_for(world.agent)
    url = f"/cases/{world.case.pk}/live/"
    etag = _poll(client, url)["ETag"]
    receive_message(case=world.case, text="Still coughing.", channel="email")
    etag2 = _poll(client, url, etag)["ETag"]
    assert etag2 != etag
    add_note(case=world.case, text="Owner worried.", by=world.colleague)
    assert _poll(client, url, etag2).status_code == 200


def test_a_new_case_appears_in_the_inbox_list(world: World) -> None:
    client = world.client_for(world.agent)
    url = "/live/inbox/?view=team"
    first = _poll(client, url)
    assert first.status_code == 200
    assert first.content.decode().lstrip().startswith('<div id="case-list"')
    assert _poll(client, url, first["ETag"]).status_code == 304
    new = new_team_case(world)
    changed = _poll(client, url, first["ETag"])
    assert changed.status_code == 200
    assert f'data-case-id="{new.pk}"' in changed.content.decode()
    # The view's filters apply: the dental team's new case is not in Ana's list.
    other = dental_case(world)
    assert f'data-case-id="{other.pk}"' not in _poll(client, url).content.decode()


def test_live_lists_keep_the_pages_query_counts(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = world.client_for(world.agent)
    make_cases(world, 5)
    with CaptureQueriesContext(connection) as few:
        etag = _poll(client, "/live/inbox/?view=team")["ETag"]
    make_cases(world, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _poll(client, "/live/inbox/?view=team", etag).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _poll(client, "/live/inbox/?view=team").status_code == 200


def test_the_wrong_person_is_refused(world: World) -> None:
    outsider = world.client_for(world.outsider)
    assert _poll(outsider, f"/cases/{world.case.pk}/live/").status_code == 404
    assert f'data-case-id="{world.case.pk}"' not in (
        _poll(outsider, "/live/inbox/?view=recent").content.decode()
    )
    for url in (f"/cases/{world.case.pk}/live/", "/live/inbox/", "/notifications/live/"):
        assert_login_required(url)
    assert world.client_for(world.agent).post("/notifications/live/").status_code == 405


def test_the_supervisor_sees_any_case_live(world: World) -> None:
    response = _poll(world.client_for(world.supervisor), f"/cases/{world.case.pk}/live/")
    assert response.status_code == 200


def test_unread_notifications_for_the_count_and_the_browser(world: World) -> None:
    client = world.client_for(world.agent)
    empty = _poll(client, "/notifications/live/")
    assert empty.json() == {"unread": "", "items": []}
    assert _poll(client, "/notifications/live/", empty["ETag"]).status_code == 304
    told = notify_agent(
        agent=world.agent,
        kind=NotificationKind.HANDOVER,
        text="Case #1 is yours now.",
        case=world.case,
    )
    foreign = dental_case(world, create_customer(name="Tom Vega", by=None))
    other = notify_agent(
        agent=world.agent, kind=NotificationKind.HANDOVER, text="Tooth", case=foreign
    )
    changed = _poll(client, "/notifications/live/", empty["ETag"])
    assert changed.status_code == 200
    assert changed.json() == {
        "unread": "2",
        "items": [
            # A case Ana may not open links to the list instead.
            {"id": other.pk, "text": "Tooth", "url": "/notifications/"},
            {"id": told.pk, "text": "Case #1 is yours now.", "url": f"/cases/{world.case.pk}/"},
        ],
    }
    theirs = _poll(world.client_for(world.colleague), "/notifications/live/").json()["items"]
    assert {n["id"] for n in theirs}.isdisjoint({told.pk, other.pk})
    mark_notifications_read(agent=world.agent)
    assert _poll(client, "/notifications/live/", changed["ETag"]).json()["unread"] == ""


def test_polling_neither_counts_as_activity_nor_keeps_the_session(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        assert client.post("/login/", {"username": "ana", "password": PASSWORD}).status_code == 302
    for minutes in (20, 40, 55):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            for url in ("/live/inbox/", f"/cases/{world.case.pk}/live/", "/notifications/live/"):
                assert _poll(client, url).status_code == 200
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        response = _poll(client, "/live/inbox/")
    assert response.status_code == 204 and response["HX-Redirect"] == "/login/"


def test_the_pages_say_where_to_poll(world: World, settings: Any) -> None:
    settings.RAPPORT_LIVE_POLL_SECONDS = 7
    client = world.client_for(world.agent)
    inbox = client.get("/").content.decode()
    assert 'data-live-url="/live/inbox/" data-live-swap="case-list"' in inbox
    assert (
        'data-live-poll="7"' in inbox and 'data-notifications-url="/notifications/live/"' in inbox
    )
    case = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert f'data-live-url="/cases/{world.case.pk}/live/" data-live-swap="timeline"' in case
    assert "live.js" in case
    assert "data-notifications-url" not in Client().get("/login/").content.decode()


def test_the_inbox_list_stays_304_as_minutes_pass_and_a_304_renders_nothing(
    world: World,
) -> None:
    client = world.client_for(world.agent)
    url = "/live/inbox/?view=team"
    # Within one period of relative times (live.RELATIVE_TIMES_EVERY), "now" becomes
    # "3 minutes ago" on the page; nothing the list shows has changed.
    # The next period starts within ten minutes: well inside the session's idle timeout (an
    # hour), which a start an hour ahead crossed when the test ran in an hour's first minutes.
    every = live.RELATIVE_TIMES_EVERY
    period = int(timezone.now().timestamp()) // every + 1
    start = datetime.fromtimestamp(period * every + 60, tz=UTC)
    with time_machine.travel(start, tick=False):
        first = _poll(client, url)
    assert first.status_code == 200
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        again = _poll(client, url, first["ETag"])
        assert again.status_code == 304
        assert again.templates == []  # the list was not rendered to be compared
        assert again["ETag"] == first["ETag"]
        world.case.refresh_from_db()
        new_team_case(world)
        assert _poll(client, url, first["ETag"]).status_code == 200
