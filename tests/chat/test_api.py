"""The widget's HTTP API, shapes exactly as docs/chat.md (and issue 16) names them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rapport.cases.actions.messages import reply
from rapport.cases.models import Case, Direction, Message
from rapport.chat.models import ChatEntry, Conversation
from rapport.people.models import Brand, Channel
from tests.chat.conftest import BASE, Visitor
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_visitor_starts_a_chat_and_gets_a_token_a_case_and_a_cookie(world: World) -> None:
    visitor = Visitor()
    response = visitor.start("Mila is coughing <b>again</b>", name="Maria")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"conversation", "case_id", "seq"}
    assert body["seq"] == 1
    assert isinstance(body["conversation"], str) and len(body["conversation"]) >= 40
    case = Case.objects.get(pk=body["case_id"])
    assert case.origin_channel == Channel.CHAT
    assert case.owner is not None  # a named person at once
    cookie = response.cookies["rapport_chat_visitor"]
    assert cookie["httponly"] and cookie.value
    conversation = Conversation.objects.get(case=case)
    # Only the token's hash is kept.
    assert body["conversation"] not in conversation.token_hash
    message = Message.objects.get(case=case)
    assert (
        message.direction == Direction.INBOUND and message.text == "Mila is coughing <b>again</b>"
    )


def test_reading_returns_the_lines_after_the_cursor_in_the_exact_shape(world: World) -> None:
    visitor = Visitor()
    token = visitor.start("First", name="Maria").json()["conversation"]
    assert visitor.say(token, "Second").json() == {"seq": 2}
    case = Conversation.objects.get().case
    reply(case=case, text="Hello Maria, I am here.", by=world.agent, channel="chat")
    body = visitor.read(token, after=1).json()
    assert set(body) == {
        "messages",
        "agent",
        "wait_seconds",
        "queue_position",
        "agent_seen_seq",
        "agent_typing",
        "email",
        "verified",
        "offers",
        "outside_hours",
    }
    assert body["wait_seconds"] is None and body["queue_position"] is None
    assert [set(m) for m in body["messages"]] == [
        {"seq", "direction", "author", "text", "sent_at", "files"}
    ] * 3
    assert [(m["seq"], m["direction"], m["author"], m["text"]) for m in body["messages"]] == [
        (2, "in", "Maria", "Second"),
        (3, "system", "", "Ana has joined"),
        (4, "out", "Dr. Ana Ortiz", "Hello Maria, I am here."),
    ]
    # The person who joined (who wrote), whoever routing named the owner.
    assert body["agent"] == {"name": "Dr. Ana Ortiz"}
    assert visitor.read(token, after=4).json()["messages"] == []


def test_an_unknown_token_and_another_visitors_token_are_both_404(world: World) -> None:
    maria, stranger = Visitor(), Visitor()
    token = maria.start().json()["conversation"]
    stranger.start("My own chat")  # the stranger's browser has its own visitor cookie
    assert maria.read("x" * 43).status_code == 404
    assert stranger.read(token).status_code == 404
    assert stranger.say(token, "Hijack").status_code == 404
    assert maria.read(token).status_code == 200


def test_the_token_is_the_key_and_the_visitor_cookie_only_narrows_it(world: World) -> None:
    """What docs/chat.md ("Who can reach a conversation") says: the token alone reaches it from
    a browser with no visitor cookie (an iframe whose third-party cookies are blocked keeps only
    the token); a browser with another visitor's cookie is refused; the cookie alone names no
    conversation."""
    maria = Visitor()
    token = maria.start("Hello").json()["conversation"]
    no_cookie = Visitor()
    assert no_cookie.read(token).status_code == 200
    assert no_cookie.say(token, "From the other tab").status_code == 201
    # Maria's cookie without the token reaches nothing: the page with no conversation cookie
    # starts afresh.
    page = maria.client.get("/chat/")
    assert page.status_code == 200 and "From the other tab" not in page.content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"text": 5}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({"text": "hi", "email": "not an address"}, "email"),
        ({"text": "hi", "brand": "nope"}, "brand"),
    ],
)
def test_bad_input_is_a_clear_422_and_stores_nothing(
    world: World, body: dict[str, Any], field: str
) -> None:
    response = Visitor().post(BASE, body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert response.json()["error"]["message"]
    assert not Conversation.objects.exists()


def test_a_body_that_is_not_json_is_refused(world: World) -> None:
    client = Client()
    assert client.post(BASE, {"text": "hi"}).status_code == 415  # a form post: not the widget
    response = client.post(BASE, "{nope", content_type="application/json")
    assert response.status_code == 422


def test_the_same_line_posted_twice_with_its_client_id_is_stored_once(world: World) -> None:
    visitor = Visitor()
    token = visitor.start(client_id="c-1").json()["conversation"]
    first = visitor.say(token, "Are you there?", client_id="c-2").json()
    again = visitor.say(token, "Are you there?", client_id="c-2").json()
    assert first == again == {"seq": 2}
    assert ChatEntry.objects.count() == 2
    assert Message.objects.filter(text="Are you there?").count() == 1


def test_the_same_client_id_with_other_text_is_a_clear_409_and_changes_nothing(
    world: World,
) -> None:
    """A retry repeats its line; another line under a used id is a client's bug, said aloud
    rather than answered with the first line's seq as if it had been stored."""
    visitor = Visitor()
    token = visitor.start(client_id="c-1").json()["conversation"]
    assert visitor.say(token, "Are you there?", client_id="c-2").status_code == 201
    clash = visitor.say(token, "My cat is not eating", client_id="c-2")
    assert clash.status_code == 409
    assert clash.json()["error"]["code"] == "conflict"
    assert clash.json()["error"]["field"] == "client_id"
    assert "c-2" in clash.json()["error"]["message"]
    assert Message.objects.filter(text="My cat is not eating").count() == 0
    assert ChatEntry.objects.count() == 2
    # The opening line's id too, and whitespace alone is the same text.
    assert visitor.say(token, "other", client_id="c-1").status_code == 409
    assert visitor.say(token, "  Are you there?\n", client_id="c-2").json() == {"seq": 2}


def test_html_is_stored_and_returned_as_text(world: World) -> None:
    visitor = Visitor()
    token = visitor.start("<script>alert(1)</script>").json()["conversation"]
    response = visitor.read(token)
    assert response["Content-Type"] == "application/json"
    assert response.json()["messages"][0]["text"] == "<script>alert(1)</script>"


def test_cors_only_for_the_brands_own_sites_and_other_sites_cannot_post(world: World) -> None:
    Brand.objects.create(
        name="Night Clinic", slug="night", chat_origins=["https://www.nightclinic.example"]
    )
    allowed = Visitor(origin="https://www.nightclinic.example")
    response = allowed.start()
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == "https://www.nightclinic.example"
    token = response.json()["conversation"]
    hostile = Visitor(origin="https://evil.example")
    hostile.client.cookies = allowed.client.cookies
    refused = hostile.say(token, "Written by another site")
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused
    assert Visitor(origin="https://evil.example").start().status_code == 403
    preflight = allowed.client.options(
        f"{BASE}/{token}/messages", headers={"Origin": "https://www.nightclinic.example"}
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"


def test_several_businesses_need_the_brand_named(world: World) -> None:
    Brand.objects.create(name="One", slug="one")
    Brand.objects.create(name="Two", slug="two")
    assert Visitor().start().json()["error"]["field"] == "brand"
    started = Visitor().start(brand="two").json()
    brand = Conversation.objects.get(case_id=started["case_id"]).brand
    assert brand is not None and brand.slug == "two"


def test_the_customer_marks_lines_seen_and_replies_become_read(world: World) -> None:
    visitor = Visitor()
    token = visitor.start().json()["conversation"]
    case = Conversation.objects.get().case
    sent = reply(case=case, text="Hi, Ana here.", by=world.agent, channel="chat")
    sent.refresh_from_db()
    assert sent.delivery_status == "delivered"
    assert visitor.saw(token, 99).json() == {"seq": 3}  # never past the last line
    sent.refresh_from_db()
    assert sent.delivery_status == "read"
    assert visitor.saw(token, 1).json() == {"seq": 3}  # never back
    assert visitor.saw(token, -1).status_code == 422


def test_reading_an_answered_chat_does_not_read_the_desks_routing_state(
    world: World, django_assert_max_num_queries: Any
) -> None:
    """Every nudge makes each customer's widget fetch: once a person has answered there is no
    queue to tell of (wait and position are null), and the fetch reads only the conversation,
    its new lines, who joined and their files — it read the routing state of every agent
    (7 queries more) on each fetch, the chat bench's heaviest request after the reply itself."""
    visitor = Visitor()
    token = visitor.start().json()["conversation"]
    case = Conversation.objects.get().case
    reply(case=case, text="Hi, Ana here.", by=world.agent, channel="chat")
    with django_assert_max_num_queries(5):
        answer = visitor.read(token, after=1).json()
    assert answer["wait_seconds"] is None and answer["queue_position"] is None
    assert answer["agent"] == {"name": world.agent.display_name}
    assert [line["text"] for line in answer["messages"] if line["direction"] == "out"] == [
        "Hi, Ana here."
    ]


def test_a_start_sent_twice_with_its_client_id_returns_the_same_conversation(
    world: World,
) -> None:
    """A lost answer or a double tap: the widget sends its first line again with the same
    client_id. One case, one conversation, the same token (the second time without the
    cookie the lost answer would have set)."""
    cases = Case.objects.count()
    first = Visitor().start("My parcel never came", client_id="start-7f3a")
    again = Visitor().start("My parcel never came", client_id="start-7f3a")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert Case.objects.count() == cases + 1 and Conversation.objects.count() == 1
    assert Message.objects.filter(text="My parcel never came").count() == 1
    # The repeat's cookie is the first browser's, so the token works from it.
    assert again.cookies["rapport_chat_visitor"].value
    retried = Visitor()
    retried.start("My parcel never came", client_id="start-7f3a")
    assert retried.read(first.json()["conversation"]).status_code == 200


def test_a_start_with_a_used_client_id_and_other_text_is_a_409(world: World) -> None:
    visitor = Visitor()
    cases = Case.objects.count()
    assert visitor.start("My parcel never came", client_id="start-7f3a").status_code == 201
    clash = visitor.start("Where is my refund?", client_id="start-7f3a")
    assert clash.status_code == 409
    assert clash.json()["error"]["field"] == "client_id"
    assert Case.objects.count() == cases + 1
    # Another browser (its own cookie) cannot take the conversation with the id alone.
    other = Visitor()
    other.start("Hello", client_id="other-start")
    assert other.start("My parcel never came", client_id="start-7f3a").status_code == 409
    assert Conversation.objects.count() == 2
