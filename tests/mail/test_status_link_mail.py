"""Every acknowledgment and every reply to a customer ends with their case's status link, over
real SMTP; the link in the mail opens the case, and stops once an agent revokes it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from rapport.cases.actions.messages import reply
from rapport.cases.actions.status_links import revoke_status_links
from rapport.cases.models import Case
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail
from tests.mail.smtp_sink import Sink, sink

__all__ = ["sink"]

OnCommit = Callable[..., Any]
LINK = re.compile(r"(https?://\S+/status/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _acknowledge(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.RAPPORT_EMAIL_ACKNOWLEDGE = True


def _text(sink: Sink) -> str:
    body = sink.only().message.get_body(preferencelist=("plain",))
    assert body is not None
    text: str = body.get_content()
    return text


def _opens(text: str) -> str:
    found = LINK.search(text)
    assert found is not None, text
    path = "/" + found.group(1).split("/", 3)[3]
    page = Client().get(path)
    assert page.status_code == 200, page.status_code
    return page.content.decode()


def test_the_acknowledgment_carries_a_link_that_opens_the_case(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _, row = ingest(
            make_mail(sender="Tom Reed <tom.reed@example.org>", subject="Broken latch on my case")
        )
    assert row.case_id is not None
    case = Case.objects.get(pk=row.case_id)
    text = _text(sink)
    assert f"Your case #{case.pk} (read it, answer it or ask us to call you):" in text
    assert "This link is for you alone and works until" in text
    assert "Broken latch on my case" in _opens(text)


def test_a_reply_carries_a_link_and_revoking_stops_it(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reply(case=world.case, text="Honey in warm water.", by=world.agent, channel="email")
    text = _text(sink)
    assert text.index("Honey in warm water.") < text.index("/status/")
    assert "Honey in warm water." in _opens(text)
    revoke_status_links(case=world.case, by=world.agent)
    found = LINK.search(text)
    assert found is not None
    gone = Client().get("/" + found.group(1).split("/", 3)[3])
    assert 'id="link-gone"' in gone.content.decode() and "Honey" not in gone.content.decode()
