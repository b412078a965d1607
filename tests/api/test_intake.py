"""/intake: inbound email for supervisors, and processing a failed one again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from rapport.cases.models import Case
from rapport.mail import waves
from rapport.mail.models import InboundEmail
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail


@pytest.fixture(autouse=True)
def _files(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _failed(monkeypatch: pytest.MonkeyPatch, message_id: str = "<f@m.ex>") -> InboundEmail:
    def broken(**kwargs: Any) -> Case:
        raise RuntimeError("routing table is missing")

    with monkeypatch.context() as patch:
        patch.setattr(waves, "open_cases", broken)
        return ingest(make_mail(message_id=message_id))[1]


def test_supervisor_lists_mail_that_needs_attention(
    world: World, api_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = _failed(monkeypatch)
    rejected = ingest(b"not mail")[1]
    ingest(make_mail(message_id="<ok@m.ex>"))
    body = api_as(world.supervisor).get("/intake").json()
    assert [item["id"] for item in body["items"]] == [rejected.pk, failed.pk]
    item = body["items"][1]
    assert item["status"] == "failed"
    assert item["outcome"] == "failed"
    assert item["attempts"] == 1
    assert item["error"].startswith("RuntimeError: routing table is missing")
    assert item["message_id"] == "<f@m.ex>"
    assert item["retry_at"] is not None
    assert body["next"] is None
    processed = api_as(world.supervisor).get("/intake", status="processed").json()
    assert [i["outcome"] for i in processed["items"]] == ["new_case"]


def test_pages_newest_first(world: World, api_as: Any) -> None:
    for i in range(3):
        ingest(make_mail(message_id=f"<p{i}@m.ex>", subject=f"topic {i}"))
    client = api_as(world.supervisor)
    first = client.get("/intake", status="processed", limit=2).json()
    rest = client.get("/intake", status="processed", limit=2, cursor=first["next"]).json()
    ids = [i["message_id"] for i in first["items"] + rest["items"]]
    assert ids == ["<p2@m.ex>", "<p1@m.ex>", "<p0@m.ex>"]
    assert rest["next"] is None


def test_an_unknown_status_is_a_validation_error(world: World, api_as: Any) -> None:
    assert_error(api_as(world.supervisor).get("/intake", status="lost"), 422, "validation_error")


def test_retry_processes_it_again(
    world: World,
    api_as: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    failed = _failed(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.supervisor).post(f"/intake/{failed.pk}/retry")
    assert response.status_code == 202
    assert response.json()["status"] == "received"
    after = api_as(world.supervisor).get(f"/intake/{failed.pk}").json()
    assert (after["status"], after["outcome"], after["attempts"]) == ("processed", "new_case", 2)
    assert after["case_id"] is not None
    again = api_as(world.supervisor).post(f"/intake/{failed.pk}/retry")
    assert_error(again, 400, "bad_request")


def test_agents_and_anonymous_are_refused(
    world: World, api_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = _failed(monkeypatch)
    for agent in (world.agent, world.outsider):
        client = api_as(agent)
        assert_error(client.get("/intake"), 404, "not_found")
        assert_error(client.post(f"/intake/{failed.pk}/retry"), 404, "not_found")
        assert_error(client.get(f"/intake/{failed.pk}"), 404, "not_found")
    assert_error(ApiClient(None).get("/intake"), 401, "unauthorized")
    assert InboundEmail.objects.get(pk=failed.pk).status == "failed"


def test_an_agent_reads_the_mail_of_a_case_they_see(world: World, api_as: Any) -> None:
    raw = make_mail(subject=f"[#{world.case.pk}] better")
    _, row = ingest(raw)
    detail = api_as(world.agent).get(f"/intake/{row.pk}").json()
    assert (detail["outcome"], detail["case_id"]) == ("threaded", world.case.pk)
    response = Client().get(
        f"/api/v1/intake/{row.pk}/raw",
        headers={"Authorization": f"Bearer {world.token_for(world.agent)}"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response.content == raw
    assert_error(api_as(world.outsider).get(f"/intake/{row.pk}/raw"), 404, "not_found")
