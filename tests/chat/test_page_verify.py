"""The returning visitor's email code on the /chat/ page without JavaScript: the panel's forms
post to the page, which runs the widget API's actions and shows what happened."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from rapport.chat.models import Conversation
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_without_javascript_the_visitor_asks_for_a_code_and_types_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    browser = Client()
    assert 'id="chat-verify"' in browser.get("/chat/").content.decode()  # hidden until a chat
    browser.post(
        "/chat/", {"text": "Is the prescription ready?", "email": "maria.lopez@example.com"}
    )
    page = browser.get("/chat/").content.decode()
    assert "Written to us before?" in page and 'value="maria.lopez@example.com"' in page
    with django_capture_on_commit_callbacks(execute=True):
        asked = browser.post("/chat/", {"do": "email", "email": ""})
    body = asked.content.decode()
    assert "We sent a code to maria.lopez@example.com. Type it below." in body
    assert 'id="chat-verify-code" hidden' not in body
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert code is not None
    wrong = browser.post("/chat/", {"do": "code", "code": "12345x"})
    assert wrong.status_code == 422
    assert "That code is not right. 4 tries left." in wrong.content.decode()
    done = browser.post("/chat/", {"do": "code", "code": code.group(1)})
    assert done.status_code == 200
    assert "Your email maria.lopez@example.com is verified." in done.content.decode()
    conversation = Conversation.objects.get()
    assert conversation.verified_at is not None
    assert conversation.case.customer_id == world.customer.pk
    assert "Written to us before?" not in browser.get("/chat/").content.decode()
