"""The reply form's collision check: a reply is held when others wrote since the page showed
the case, the agent sees what arrived and keeps the text, and sending again sends it."""

from __future__ import annotations

import re

from rapport.cases.actions.messages import add_note, reply
from rapport.cases.models import Direction, Message
from rapport.routing.actions.opening import receive_message
from tests.conftest import World
from tests.workspace.helpers import HTMX


def _seen_on_page(html: str) -> int:
    found = re.search(r'name="seen_message" id="reply-seen" value="(\d+)"', html)
    assert found, "the reply form carries the newest message seen"
    return int(found.group(1))


def _mine(world: World) -> int:
    return Message.objects.filter(author=world.agent, direction=Direction.OUTBOUND).count()


def test_the_page_carries_the_newest_message_of_the_case(world: World) -> None:
    client = world.client_for(world.agent)
    newest = Message.objects.filter(case=world.case).latest("pk").pk
    assert _seen_on_page(client.get(f"/cases/{world.case.pk}/").content.decode()) == newest


def test_htmx_reply_is_held_with_what_arrived_and_sent_on_the_second_press(world: World) -> None:
    client = world.client_for(world.agent)
    seen = _seen_on_page(client.get(f"/cases/{world.case.pk}/").content.decode())
    theirs = reply(case=world.case, text="Bring Mila in at nine <b>sharp</b>.", by=world.colleague)
    form = {"text": "Honey in warm water.", "channel": "email", "seen_message": seen}
    held = client.post(f"/cases/{world.case.pk}/reply/", form, headers=HTMX)
    assert held.status_code == 409
    html = held.content.decode()
    assert html.lstrip().startswith('<div id="timeline"')
    assert f'data-message-id="{theirs.pk}"' in html  # in the timeline and in the alert
    assert "Your reply was not sent: Dr. Ben Hale replied while you were writing." in html
    assert "Bring Mila in at nine &lt;b&gt;sharp&lt;/b&gt;." in html
    assert f'id="reply-seen" value="{theirs.pk}" hx-swap-oob="true"' in html
    assert _mine(world) == 0
    form["seen_message"] = theirs.pk
    sent = client.post(f"/cases/{world.case.pk}/reply/", form, headers=HTMX)
    assert sent.status_code == 200
    assert "Reply queued to go out by email." in sent.content.decode()
    assert _mine(world) == 1


def test_a_plain_post_shows_the_page_again_with_the_text_kept(world: World) -> None:
    client = world.client_for(world.agent)
    seen = _seen_on_page(client.get(f"/cases/{world.case.pk}/").content.decode())
    note = add_note(case=world.case, text="Owner called, very worried.", by=world.colleague)
    inbound = receive_message(case=world.case, text="Still coughing!", channel="email")
    held = client.post(
        f"/cases/{world.case.pk}/reply/",
        {"text": "Honey in warm water.", "channel": "email", "seen_message": seen},
    )
    assert held.status_code == 409
    html = held.content.decode()
    assert "Dr. Ben Hale added an internal note; Maria Lopez wrote while you were writing" in html
    assert ">Honey in warm water.</textarea>" in html
    assert '<option value="email" selected>' in html
    assert _seen_on_page(html) == inbound.pk > note.pk
    assert _mine(world) == 0


def test_no_check_without_the_field_and_none_for_my_own_messages(world: World) -> None:
    client = world.client_for(world.agent)
    seen = _seen_on_page(client.get(f"/cases/{world.case.pk}/").content.decode())
    add_note(case=world.case, text="Tried calling.", by=world.agent)
    form = {"text": "Hello", "channel": "email", "seen_message": seen}
    assert client.post(f"/cases/{world.case.pk}/reply/", form, headers=HTMX).status_code == 200
    reply(case=world.case, text="Bring Mila in.", by=world.colleague)
    unchecked = {"text": "Hello again", "channel": "email"}
    assert client.post(f"/cases/{world.case.pk}/reply/", unchecked, headers=HTMX).status_code == 200
    assert _mine(world) == 2


def test_the_outsider_still_gets_404(world: World) -> None:
    response = world.client_for(world.outsider).post(
        f"/cases/{world.case.pk}/reply/", {"text": "Hi", "seen_message": 0}
    )
    assert response.status_code == 404
