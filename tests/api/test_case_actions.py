"""Writes on a case: reply, note, call, status (compare-and-set), owner, priority, resolve,
merge, and splitting a message into a case of its own."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from rapport.cases.models import Call, Case, CaseEvent, DeliveryStatus, Message, Status
from rapport.routing.actions.opening import open_case, receive_message
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World, clinic_case_of_a_stranger


def test_reply_is_signed_and_sent(
    world: World, api: ApiClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/cases/{world.case.pk}/replies", {"text": "Bring Mila at 10.", "channel": "email"}
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["direction"] == "out"
    assert body["author"]["id"] == world.agent.pk
    assert body["text"].startswith("Bring Mila at 10.\n\n— Dr. Ana Ortiz")
    message = Message.objects.get(pk=body["id"])
    assert message.delivery_status == DeliveryStatus.SENT
    assert mail.outbox[0].to == ["maria.lopez@example.com"]


def test_reply_validation(world: World, api: ApiClient) -> None:
    url = f"/cases/{world.case.pk}/replies"
    assert_error(api.post(url, {"text": "  "}), 400, "bad_request", field="text")
    assert_error(api.post(url, {}), 422, "validation_error", field="text")
    assert_error(api.post(url, {"text": "x", "channel": "pigeon"}), 422, "validation_error")


def test_internal_note(world: World, api: ApiClient) -> None:
    response = api.post(f"/cases/{world.case.pk}/notes", {"text": "Owner sounded worried."})
    assert response.status_code == 201
    assert response.json()["direction"] == "note"
    assert response.json()["delivery_status"] == "n/a"


def test_log_a_call(world: World, api: ApiClient) -> None:
    response = api.post(
        f"/cases/{world.case.pk}/calls",
        {
            "direction": "outbound",
            "outcome": "reached",
            "notes": "Cough easing.",
            "phone": "+34612345678",
            "duration_seconds": 240,
            "started_at": "2025-03-01T09:30:00+01:00",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["started_at"] == "2025-03-01T08:30:00Z"
    assert body["duration_seconds"] == 240
    assert Call.objects.get(pk=body["id"]).agent == world.agent


def test_a_call_time_needs_an_offset_and_cannot_be_in_the_future(
    world: World, api: ApiClient
) -> None:
    url = f"/cases/{world.case.pk}/calls"
    call = {"direction": "outbound", "outcome": "reached"}
    naive = api.post(url, call | {"started_at": "2025-03-01T09:30:00"})
    assert_error(naive, 422, "validation_error", field="started_at")
    future = api.post(url, call | {"started_at": "2199-01-01T00:00:00Z"})
    assert_error(future, 400, "bad_request", field="started_at")


def test_change_status_with_reason(world: World, api: ApiClient) -> None:
    response = api.post(
        f"/cases/{world.case.pk}/status",
        {"status": "waiting_us", "reason": "Lab results pending", "expected": "new"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "waiting_us"
    event = CaseEvent.objects.get(case=world.case, kind="status")
    assert event.reason == "Lab results pending" and event.actor == world.agent


def test_a_stale_status_change_is_409(world: World, api: ApiClient, api_as: Any) -> None:
    colleague = api_as(world.colleague)
    url = f"/cases/{world.case.pk}/status"
    assert colleague.post(url, {"status": "open", "expected": "new"}).status_code == 200
    stale = api.post(url, {"status": "resolved", "expected": "new"})
    error = assert_error(stale, 409, "conflict")
    assert "someone else changed it" in error["message"]
    world.case.refresh_from_db()
    assert world.case.status == Status.OPEN


def test_a_forbidden_transition_is_400(world: World, api: ApiClient) -> None:
    url = f"/cases/{world.case.pk}/status"
    assert api.post(url, {"status": "closed"}).status_code == 200
    error = assert_error(api.post(url, {"status": "open"}), 400, "bad_request", field="status")
    assert "closed case cannot become open" in error["message"]


def test_assign_an_owner(world: World, api: ApiClient) -> None:
    response = api.post(
        f"/cases/{world.case.pk}/owner",
        {"owner_id": world.colleague.pk, "reason": "Mila's regular vet"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["owner"]["id"] == world.colleague.pk
    assert CaseEvent.objects.get(case=world.case, kind="assigned").reason == "Mila's regular vet"
    missing = api.post(f"/cases/{world.case.pk}/owner", {"owner_id": 999999})
    assert_error(missing, 400, "bad_request", field="owner_id")


def test_handing_a_case_to_another_team_answers_then_hides_it(world: World, api: ApiClient) -> None:
    case = clinic_case_of_a_stranger(world)
    response = api.post(
        f"/cases/{case.pk}/owner",
        {"owner_id": world.outsider.pk, "team_id": world.dental.pk, "reason": "Dental issue"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["team"]["slug"] == "dental"
    assert body["you_can_open"] is False
    assert body["what_next"].startswith(f"Olga Dent (Dental) now owns case #{case.pk}")
    assert "you can no longer open it" in body["what_next"]
    assert_error(api.get(f"/cases/{case.pk}"), 404, "not_found")


def test_handing_over_a_case_you_still_open_says_so(world: World, api: ApiClient) -> None:
    response = api.post(f"/cases/{world.case.pk}/owner", {"owner_id": world.outsider.pk})
    body = response.json()
    assert body["you_can_open"] is True
    assert "you still open it as the customer's deputy" in body["what_next"]
    assert api.get(f"/cases/{world.case.pk}").status_code == 200


def test_priority_and_resolve(world: World, api: ApiClient) -> None:
    response = api.post(
        f"/cases/{world.case.pk}/priority", {"priority": "urgent", "reason": "Breathing"}
    )
    assert response.json()["priority"] == "urgent"
    resolved = api.post(f"/cases/{world.case.pk}/resolve", {"reason": "Cough gone"})
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_at"] is not None


def test_merge_cases(world: World, api: ApiClient) -> None:
    duplicate = open_case(
        customer=world.customer,
        subject="Re: coughing",
        channel="email",
        text="Also she sneezes",
        by=world.agent,
        team=world.clinic,
    )
    response = api.post(
        f"/cases/{duplicate.pk}/merge", {"into": world.case.pk, "reason": "Same need"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["id"] == world.case.pk
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.merged_into_id == world.case.pk
    assert Message.objects.filter(case=world.case).count() == 2
    missing = api.post(f"/cases/{world.case.pk}/merge", {"into": 999999})
    assert_error(missing, 400, "bad_request", field="into")


def test_split_a_message_into_a_new_case(world: World, api: ApiClient) -> None:
    second = receive_message(case=world.case, text="Also: invoice question", channel="email")
    response = api.post(f"/messages/{second.pk}/split", {"subject": "Invoice"})
    assert response.status_code == 201, response.content
    new_case = response.json()
    assert new_case["subject"] == "Invoice" and new_case["id"] != world.case.pk
    assert Message.objects.get(pk=second.pk).case_id == new_case["id"]
    note = api.post(f"/cases/{world.case.pk}/notes", {"text": "internal"}).json()
    refused = api.post(f"/messages/{note['id']}/split", {})
    assert_error(refused, 400, "bad_request")


WRITES: list[tuple[str, dict[str, Any]]] = [
    ("/replies", {"text": "hi"}),
    ("/notes", {"text": "hi"}),
    ("/calls", {"direction": "outbound", "outcome": "reached"}),
    ("/status", {"status": "open"}),
    ("/owner", {"owner_id": 0}),
    ("/priority", {"priority": "low"}),
    ("/tags", {"tags": ["leak"]}),
    ("/resolve", {}),
    ("/merge", {"into": 0}),
]


@pytest.mark.parametrize(("path", "body"), WRITES)
def test_the_outsider_cannot_write_on_a_clinic_case(
    world: World, api_as: Any, path: str, body: dict[str, Any]
) -> None:
    before = (Message.objects.count(), Call.objects.count(), CaseEvent.objects.count())
    method = "put" if path == "/tags" else "post"
    response = getattr(api_as(world.outsider), method)(f"/cases/{world.case.pk}{path}", body)
    assert_error(response, 404, "not_found")
    anonymous = getattr(ApiClient(None), method)(f"/cases/{world.case.pk}{path}", body)
    assert_error(anonymous, 401, "unauthorized")
    assert (Message.objects.count(), Call.objects.count(), CaseEvent.objects.count()) == before
    case = Case.objects.get(pk=world.case.pk)
    assert (case.status, case.priority, case.owner_id) == ("new", "normal", world.agent.pk)
    assert case.tags == []


def test_the_outsider_cannot_split_a_clinic_message(world: World, api_as: Any) -> None:
    message = Message.objects.get(case=world.case)
    response = api_as(world.outsider).post(f"/messages/{message.pk}/split", {})
    assert_error(response, 404, "not_found")
    assert Case.objects.count() == 1


def test_tags_are_set_and_a_colleagues_change_meanwhile_is_kept(
    world: World, api: ApiClient
) -> None:
    response = api.put(f"/cases/{world.case.pk}/tags", {"tags": [" Billing ", "refund", "refund"]})
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["billing", "refund"]
    event = CaseEvent.objects.filter(case=world.case, kind="tags").get()
    assert (event.actor_id, event.before, event.after) == (
        world.agent.pk,
        {"tags": []},
        {"tags": ["billing", "refund"]},
    )
    # A colleague adds "vip" meanwhile; this agent, who saw billing+refund, drops refund.
    Case.objects.filter(pk=world.case.pk).update(tags=["billing", "refund", "vip"])
    kept = api.put(
        f"/cases/{world.case.pk}/tags", {"tags": ["billing"], "seen": ["billing", "refund"]}
    )
    assert kept.json()["tags"] == ["billing", "vip"]
    cleared = api.put(f"/cases/{world.case.pk}/tags", {"tags": []})
    assert cleared.json()["tags"] == []
    assert Case.objects.get(pk=world.case.pk).tags == []


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "validation_error"),
        ({"tags": "billing"}, 422, "validation_error"),
        ({"tags": [1, 2]}, 422, "validation_error"),
        ({"tags": [None]}, 422, "validation_error"),
        ({"tags": ["x" * 51]}, 422, "validation_error"),
        ({"tags": ["bad\x00tag"]}, 422, "validation_error"),
        ({"tags": ["t"] * 201}, 422, "validation_error"),
        ({"tags": ["ok"], "seen": ["s"] * 201}, 422, "validation_error"),
        ({"tags": [f"tag-{n}" for n in range(51)]}, 400, "bad_request"),
    ],
    ids=[
        "missing",
        "not-a-list",
        "numbers",
        "null",
        "too-long",
        "nul",
        "too-many-items",
        "seen-too-long",
        "over-the-tag-limit",
    ],
)
def test_hostile_tags_are_refused_and_nothing_changes(
    world: World, api: ApiClient, body: dict[str, Any], status: int, code: str
) -> None:
    Case.objects.filter(pk=world.case.pk).update(tags=["kept"])
    response = api.put(f"/cases/{world.case.pk}/tags", body)
    assert_error(response, status, code)
    assert Case.objects.get(pk=world.case.pk).tags == ["kept"]
    assert not CaseEvent.objects.filter(case=world.case, kind="tags").exists()


def test_fifty_distinct_tags_fit_and_duplicates_do_not_count(world: World, api: ApiClient) -> None:
    tags = [f"tag-{n:02}" for n in range(50)]
    response = api.put(f"/cases/{world.case.pk}/tags", {"tags": tags + [t.upper() for t in tags]})
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == tags


def test_a_reply_is_held_when_a_colleague_wrote_since_the_message_seen(
    world: World, api: ApiClient, api_as: Any
) -> None:
    url = f"/cases/{world.case.pk}/replies"
    seen = Message.objects.filter(case=world.case).latest("pk").pk
    theirs = api_as(world.colleague).post(url, {"text": "Bring Mila in at nine."}).json()
    held = api.post(url, {"text": "Honey in warm water.", "seen_message_id": seen})
    assert held.status_code == 409, held.content
    body = held.json()
    assert body["error"]["code"] == "conflict"
    assert body["error"]["field"] == "seen_message_id"
    assert "Dr. Ben Hale replied" in body["error"]["message"]
    assert [m["id"] for m in body["messages"]] == [theirs["id"]]
    assert body["messages"][0]["text"].startswith("Bring Mila in at nine.")
    assert Message.objects.filter(author=world.agent, direction="out").count() == 0
    sent = api.post(url, {"text": "Honey in warm water.", "seen_message_id": theirs["id"]})
    assert sent.status_code == 201, sent.content
    assert_error(api.post(url, {"text": "x", "seen_message_id": -1}), 422, "validation_error")
