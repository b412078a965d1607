"""The live queue against the hand-computed dataset (tests/insights/dataset.py)."""

from __future__ import annotations

from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import ApiClient
from tests.conftest import World
from tests.insights.dataset import NOW, build

PAGE = "/supervisor/insights/queue/"


def _body(world: World, **params: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        response = ApiClient(world.token_for(world.supervisor)).get("/insights/queue", **params)
    assert response.status_code == 200, response.content
    return response.json()


def _rows(body: dict[str, Any], name: str) -> list[list[Any]]:
    return next(t["rows"] for t in body["tables"] if t["name"] == name)


def test_who_waits_the_longest_first_for_whom(world: World) -> None:
    desk = build(world)
    body = _body(world)
    # Owed an answer now: e (since T0 + 5 h, Ben's) and f (since T0 + 6.5 h, nobody's).
    assert _rows(body, "waiting") == [
        [desk.e.reference, "Maria Lopez", "Normal", "Email", "2026-11-20 14:00", 120,
         "Dr. Ben Hale", "Clinic", "no"],
        [desk.f.reference, "Maria Lopez", "Urgent", "Chat", "2026-11-20 15:30", 30,
         "nobody", "Clinic", "yes"],
    ]  # fmt: skip
    figures = {f["key"]: f["value"] for f in body["figures"]}
    assert figures == {"waiting": 2, "past_deadline": 1, "no_owner": 1, "longest_wait_minutes": 120}
    assert _rows(body, "by-owner") == [["Dr. Ben Hale", 1], ["nobody", 1]]
    assert _rows(body, "by-team") == [["Clinic", 2]]
    assert _body(world, team=world.dental.pk)["data"] == {"waiting": 0, "past_deadline": 0}


def test_the_page_lists_them_in_a_fixed_number_of_queries(world: World) -> None:
    client = world.client_for(world.supervisor)
    client.get(PAGE)

    def count() -> int:
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as seen:
            page = client.get(PAGE)
        assert page.status_code == 200
        return len(seen)

    empty = count()
    build(world)
    assert count() == empty == 13  # 4 auth, 1 notifications, 4 filter lists, 4 for the queue
    with time_machine.travel(NOW, tick=False):
        html = client.get(PAGE).content.decode()
    assert "Customers waiting per owner" in html and 'role="img"' in html
    # Live: no period to choose, and the page says so.
    assert 'name="since"' not in html and "the period does not apply" in html
    assert world.client_for(world.agent).get(PAGE).status_code == 404
    assert world.client_for(world.supervisor).get("/supervisor/insights/nope/").status_code == 404


def test_the_api_answers_in_a_fixed_number_of_queries_and_knows_its_questions(
    world: World,
) -> None:
    api = ApiClient(world.token_for(world.supervisor))

    def count() -> int:
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as seen:
            assert api.get("/insights/queue").status_code == 200
        return len(seen)

    count()  # the token's last use is written once (then throttled)
    empty = count()
    build(world)
    assert count() == empty == 5  # the token; four for the queue
    missing = api.get("/insights/no-such-question")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert ApiClient(world.token_for(world.agent)).get("/insights/queue").status_code == 404
