"""A case page without the desk's socket (served over WSGI, it polls) sees the chat customer
typing: its presence poll says "Maria is typing…" while the widget says so, and stops saying it
a few seconds after they stop."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.chat.conftest import BASE, start_chat
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_presence_poll_says_the_chat_customer_is_typing(world: World) -> None:
    maria, token, conversation = start_chat()
    agent = world.client_for(world.supervisor)
    poll = f"/cases/{conversation.case_id}/presence/"
    page = agent.get(f"/cases/{conversation.case_id}/").content.decode()
    assert 'hx-trigger="load, every 3s' in page  # a chat's page without the socket polls often
    assert "is typing" not in agent.post(poll).content.decode()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert maria.post(f"{BASE}/{token}/typing", {}).status_code == 204
        said = agent.post(poll).content.decode()
        assert f'data-agent-id="chat-{conversation.pk}"' in said
        assert "Maria is typing…" in said
        clock.shift(timedelta(seconds=settings.RAPPORT_CHAT_TYPING_SECONDS + 1))
        assert "is typing" not in agent.post(poll).content.decode()


def test_a_case_that_is_no_chat_says_no_customer_typing_and_polls_as_before(world: World) -> None:
    agent = world.client_for(world.agent)
    page = agent.get(f"/cases/{world.case.pk}/").content.decode()
    assert 'hx-trigger="load, every 10s' in page
    assert "is typing" not in agent.post(f"/cases/{world.case.pk}/presence/").content.decode()
