"""/mail/intake/ (supervisors), the retry button, and the original of a received mail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.cases.models import Case
from rapport.mail import waves
from rapport.mail.models import InboundEmail, InboundStatus
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail

pytestmark = pytest.mark.django_db
URL = "/mail/intake/"


@pytest.fixture(autouse=True)
def _files(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _failed(monkeypatch: pytest.MonkeyPatch, n: int = 1, first: int = 0) -> list[InboundEmail]:
    def broken(**kwargs: Any) -> Case:
        raise RuntimeError("routing table is missing")

    with monkeypatch.context() as patch:
        patch.setattr(waves, "open_cases", broken)
        return [
            ingest(make_mail(subject=f"failing {i}", message_id=f"<f{i}@m.ex>"))[1]
            for i in range(first, first + n)
        ]


def _rejected() -> InboundEmail:
    return ingest(b"\x00\x01 garbage")[1]


def test_supervisor_sees_failed_and_rejected_mail_with_the_error(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    (failed,) = _failed(monkeypatch)
    rejected = _rejected()
    processed = ingest(make_mail(subject="fine", message_id="<ok@m.ex>"))[1]
    response = world.client_for(world.supervisor).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-inbound-id="{failed.pk}"' in page
    assert f'data-inbound-id="{rejected.pk}"' in page
    assert f'data-inbound-id="{processed.pk}"' not in page
    assert "RuntimeError: routing table is missing" in page
    assert "unparseable" in page
    assert f"/mail/intake/{failed.pk}/retry/" in page
    assert f"/mail/inbound/{failed.pk}/raw/" in page
    # Other filters list other statuses.
    processed_page = world.client_for(world.supervisor).get(URL, {"status": "processed"})
    assert f'data-inbound-id="{processed.pk}"' in processed_page.content.decode()


def test_the_page_costs_the_same_queries_for_many_rows(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = world.client_for(world.supervisor)
    _failed(monkeypatch, 1)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    _failed(monkeypatch, 8, first=1)
    _rejected()
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.content.decode().count("data-inbound-id=") == 10
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not any('"raw"' in q["sql"] for q in many.captured_queries)


@pytest.mark.parametrize("who", ["agent", "outsider"])
def test_agents_get_404(world: World, who: str) -> None:
    assert world.client_for(getattr(world, who)).get(URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_retry_processes_the_mail_again(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    (failed,) = _failed(monkeypatch)
    client = world.client_for(world.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/mail/intake/{failed.pk}/retry/", follow=True)
    assert response.status_code == 200
    assert "being processed again" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == InboundStatus.PROCESSED
    assert failed.outcome == "new_case"
    assert failed.attempts == 2


def test_retrying_processed_mail_is_refused_with_a_message(world: World) -> None:
    _, row = ingest(make_mail())
    response = world.client_for(world.supervisor).post(f"/mail/intake/{row.pk}/retry/", follow=True)
    assert "Only failed, rejected or quarantined mail" in response.content.decode()


@pytest.mark.parametrize("who", ["agent", "outsider"])
def test_agents_cannot_retry(world: World, monkeypatch: pytest.MonkeyPatch, who: str) -> None:
    (failed,) = _failed(monkeypatch)
    response = world.client_for(getattr(world, who)).post(f"/mail/intake/{failed.pk}/retry/")
    assert response.status_code == 404
    failed.refresh_from_db()
    assert failed.status == InboundStatus.FAILED


def test_retry_needs_post(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    (failed,) = _failed(monkeypatch)
    client = world.client_for(world.supervisor)
    assert client.get(f"/mail/intake/{failed.pk}/retry/").status_code == 405


# -- the original, one click away -----------------------------------------------------------------


def test_an_agent_who_sees_the_case_reads_and_downloads_the_original(world: World) -> None:
    raw = make_mail(
        subject=f"[#{world.case.pk}] update",
        body="Better today.\n\nOn Mon, Ana wrote:\n> How is Mila?",
    )
    result, row = ingest(raw)
    assert result.case_id == world.case.pk
    client = world.client_for(world.agent)
    shown = client.get(f"/mail/inbound/{row.pk}/raw/")
    assert shown.status_code == 200
    assert shown["Content-Type"] == "text/plain; charset=utf-8"
    assert "> How is Mila?" in shown.content.decode()  # the quoted history is all there
    download = client.get(f"/mail/inbound/{row.pk}/raw/", {"download": "1"})
    assert download["Content-Type"] == "message/rfc822"
    assert download.content == raw
    assert row.case_message_id is not None
    by_message = client.get(f"/mail/messages/{row.case_message_id}/original/", {"download": "1"})
    assert by_message.content == raw


def test_the_original_is_404_for_an_agent_of_another_team(world: World) -> None:
    _, row = ingest(make_mail(subject=f"[#{world.case.pk}] update"))
    client = world.client_for(world.outsider)
    assert client.get(f"/mail/inbound/{row.pk}/raw/").status_code == 404
    assert client.get(f"/mail/messages/{row.case_message_id}/original/").status_code == 404
    assert Client().get(f"/mail/inbound/{row.pk}/raw/").status_code == 302


def test_mail_on_no_case_is_for_supervisors_only(world: World) -> None:
    row = _rejected()
    assert world.client_for(world.agent).get(f"/mail/inbound/{row.pk}/raw/").status_code == 404
    shown = world.client_for(world.supervisor).get(f"/mail/inbound/{row.pk}/raw/")
    assert shown.status_code == 200


def test_a_message_that_did_not_come_by_email_has_no_original(world: World) -> None:
    first = world.case.messages.get()
    response = world.client_for(world.agent).get(f"/mail/messages/{first.pk}/original/")
    assert response.status_code == 404
