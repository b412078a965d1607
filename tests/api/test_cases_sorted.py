"""GET /cases?sort=: the inbox's orders over the API, urgent first, paged by cursor."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rapport.cases.models import Case, Priority
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World
from tests.workspace.helpers import make_cases


def test_priority_order_pages_with_urgent_first(world: World, api: ApiClient) -> None:
    cases = make_cases(world, 4, owners=[world.agent])
    now = timezone.now()
    priorities = [Priority.LOW, Priority.HIGH, Priority.URGENT, Priority.NORMAL]
    for i, (case, priority) in enumerate(zip(cases, priorities, strict=True)):
        Case.objects.filter(pk=case.pk).update(
            priority=priority, updated_at=now - timedelta(minutes=i)
        )
    Case.objects.filter(pk=world.case.pk).update(
        priority=Priority.NORMAL, updated_at=now - timedelta(hours=1)
    )
    seen: list[int] = []
    cursor = None
    for _ in range(5):
        query = {"sort": "priority", "limit": 2, "owner": "me"}
        if cursor:
            query["cursor"] = cursor
        body = api.get("/cases", **query).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next"]
        if not cursor:
            break
    assert seen == [cases[2].pk, cases[1].pk, cases[3].pk, world.case.pk, cases[0].pk]


def test_without_sort_the_order_is_as_before(world: World, api: ApiClient) -> None:
    (urgent,) = make_cases(world, 1, owners=[world.agent])
    Case.objects.filter(pk=urgent.pk).update(
        priority=Priority.URGENT, updated_at=timezone.now() - timedelta(days=1)
    )
    ids = [item["id"] for item in api.get("/cases", owner="me").json()["items"]]
    assert ids == [world.case.pk, urgent.pk]
    ids = [item["id"] for item in api.get("/cases", owner="me", sort="updated").json()["items"]]
    assert ids == [urgent.pk, world.case.pk]


def test_a_bad_sort_or_cursor_is_refused(world: World, api: ApiClient) -> None:
    assert_error(api.get("/cases", sort="sideways"), 422, "validation_error", field="sort")
    make_cases(world, 2, owners=[world.agent])
    # The cursor of the plain order is not one of "due": refused, not a crash.
    plain = api.get("/cases", limit=1).json()["next"]
    assert_error(api.get("/cases", sort="due", cursor=plain), 400, "bad_request", field="cursor")
    assert_error(api.get("/cases", sort="due", cursor="bm9wZQ"), 400, "bad_request", field="cursor")
