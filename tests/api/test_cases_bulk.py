"""POST /cases/bulk: one change to many cases, each audited; refusals never fail the request."""

from __future__ import annotations

from typing import Any

from rapport.cases.actions.bulk import MAX_BULK_CASES
from rapport.cases.models import Case, CaseEvent, CaseEventKind, Notification, Status
from rapport.people.actions.customers import create_customer
from rapport.people.models import Team
from rapport.routing.actions.opening import open_case
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World, dental_case
from tests.workspace.helpers import make_cases


def not_theirs(world: World) -> Case:
    """A dental case of a customer nobody at the clinic looks after."""
    return dental_case(world, create_customer(name="Tom Baker", by=world.outsider))


def test_assign_three_cases_each_audited_and_the_owner_told(world: World, api: ApiClient) -> None:
    cases = make_cases(world, 3, owners=[world.agent])
    ids = [c.pk for c in cases]
    response = api.post(
        "/cases/bulk",
        {"case_ids": ids, "action": "assign", "owner_id": world.colleague.pk, "reason": "rota"},
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"done": ids, "refused": []}
    assert set(Case.objects.filter(pk__in=ids).values_list("owner_id", flat=True)) == {
        world.colleague.pk
    }
    events = CaseEvent.objects.filter(case_id__in=ids, kind=CaseEventKind.ASSIGNED)
    assert sorted(e.case_id for e in events) == sorted(ids)
    assert {e.reason for e in events} == {"rota"}
    assert {e.actor_id for e in events} == {world.agent.pk}
    assert Notification.objects.filter(agent=world.colleague, case_id__in=ids).count() == 3


def test_a_case_you_may_not_touch_or_that_is_missing_is_refused_the_rest_done(
    world: World, api: ApiClient
) -> None:
    theirs = not_theirs(world)
    response = api.post(
        "/cases/bulk",
        {"case_ids": [world.case.pk, theirs.pk, 999_999], "action": "tag", "tag": "Vaccines"},
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "done": [world.case.pk],
        "refused": [
            {"id": theirs.pk, "reason": f"There is no case #{theirs.pk} you can open."},
            {"id": 999_999, "reason": "There is no case #999999 you can open."},
        ],
    }
    world.case.refresh_from_db()
    theirs.refresh_from_db()
    assert world.case.tags == ["vaccines"]
    assert theirs.tags == []


def test_status_refused_by_its_transition_keeps_the_others_done(
    world: World, api: ApiClient
) -> None:
    open_one, closed = make_cases(world, 2)
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    response = api.post(
        "/cases/bulk",
        {
            "case_ids": [open_one.pk, closed.pk, open_one.pk],
            "action": "status",
            "status": "resolved",
        },
    )
    assert response.json() == {
        "done": [open_one.pk],
        "refused": [{"id": closed.pk, "reason": "A closed case cannot become resolved."}],
    }
    open_one.refresh_from_db()
    assert open_one.status == Status.RESOLVED
    assert CaseEvent.objects.filter(case=open_one, kind=CaseEventKind.STATUS).count() == 1


def test_move_to_team_keeps_the_owner(world: World, api: ApiClient) -> None:
    night = Team.objects.create(name="Night shift", slug="night")
    night.members.add(world.agent)
    response = api.post(
        "/cases/bulk", {"case_ids": [world.case.pk], "action": "team", "team_id": night.pk}
    )
    assert response.json() == {"done": [world.case.pk], "refused": []}
    world.case.refresh_from_db()
    assert (world.case.team_id, world.case.owner_id) == (night.pk, world.agent.pk)
    event = CaseEvent.objects.get(case=world.case, kind=CaseEventKind.ASSIGNED)
    assert event.before == {"owner": world.agent.pk, "team": world.clinic.pk}
    assert event.after == {"owner": world.agent.pk, "team": night.pk}


def test_merge_into_one_case_refuses_itself_and_other_customers(
    world: World, api: ApiClient
) -> None:
    first, second = (
        open_case(
            customer=world.customer,
            subject=f"Mila again {i}",
            channel="email",
            text="Still coughing",
            by=None,
            owner=world.agent,
            team=world.clinic,
        )
        for i in range(2)
    )
    stranger = make_cases(world, 1)[0]
    response = api.post(
        "/cases/bulk",
        {
            "case_ids": [first.pk, second.pk, world.case.pk, stranger.pk],
            "action": "merge",
            "into_case_id": world.case.pk,
        },
    )
    body = response.json()
    assert body["done"] == [first.pk, second.pk]
    assert body["refused"] == [
        {"id": world.case.pk, "reason": "A case cannot be merged into itself."},
        {
            "id": stranger.pk,
            "reason": "Only cases of the same customer can be merged; merge the customers first.",
        },
    ]
    assert set(Case.objects.filter(merged_into=world.case).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_the_value_an_action_needs_is_asked_for_and_nothing_changes(
    world: World, api: ApiClient, api_as: Any
) -> None:
    ids = [world.case.pk]
    assert_error(
        api.post("/cases/bulk", {"case_ids": ids, "action": "assign"}),
        400,
        "bad_request",
        field="owner_id",
    )
    assert_error(
        api.post("/cases/bulk", {"case_ids": ids, "action": "assign", "owner_id": 999_999}),
        400,
        "bad_request",
        field="owner_id",
    )
    # A target case the agent may not open is named like a missing one.
    theirs = not_theirs(world)
    assert_error(
        api.post("/cases/bulk", {"case_ids": ids, "action": "merge", "into_case_id": theirs.pk}),
        400,
        "bad_request",
        field="into_case_id",
    )
    assert_error(
        api.post("/cases/bulk", {"case_ids": ids, "action": "tag", "tag": "  "}),
        400,
        "bad_request",
        field="tag",
    )
    assert_error(
        api.post("/cases/bulk", {"case_ids": [], "action": "tag", "tag": "x"}),
        422,
        "validation_error",
        field="case_ids",
    )
    assert_error(
        api.post("/cases/bulk", {"case_ids": ids, "action": "delete"}),
        422,
        "validation_error",
        field="action",
    )
    assert not CaseEvent.objects.filter(
        case=world.case, kind__in=[CaseEventKind.ASSIGNED, CaseEventKind.TAGS]
    ).exists()


def test_anonymous_is_refused(world: World) -> None:
    assert_error(
        ApiClient(None).post("/cases/bulk", {"case_ids": [world.case.pk], "action": "tag"}),
        401,
        "unauthorized",
    )


def test_more_cases_than_one_change_takes_are_refused_as_on_the_web(
    world: World, api: ApiClient
) -> None:
    ids = list(range(1, MAX_BULK_CASES + 2))
    response = api.post("/cases/bulk", {"case_ids": ids, "action": "tag", "tag": "x"})
    assert_error(response, 422, "validation_error", field="case_ids")
    assert response.json()["error"]["message"] == (
        f"case_ids: Select at most {MAX_BULK_CASES} cases at once "
        f"({MAX_BULK_CASES + 1} are selected)."
    )
    schema = api.get("/openapi.json").json()["components"]["schemas"]["BulkIn"]
    assert schema["properties"]["case_ids"]["maxItems"] == MAX_BULK_CASES
