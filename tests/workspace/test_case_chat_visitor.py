"""The case page says how a chat's visitor is known (anonymous, email given and not verified,
verified by email code) and lets the agent merge the visitor into a customer in one step,
through the desk's one customer merge (web and API), telling the customer nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from rapport.cases.models import Case, Direction, Message
from rapport.chat.models import ChatEntry, Conversation
from rapport.mail.models import AgentMail
from rapport.people.models import Customer, CustomerEvent, CustomerEventKind
from tests.chat.conftest import BASE, Visitor
from tests.conftest import World

pytestmark = pytest.mark.django_db


def chat(world: World, capture: Any, **fields: Any) -> tuple[Visitor, str, Case]:
    visitor = Visitor()
    with capture(execute=True):
        token = visitor.start("Hello, it's about Mila again", **fields).json()["conversation"]
    conversation = Conversation.objects.order_by("-pk").first()
    assert conversation is not None
    return visitor, token, conversation.case


def owner_client(world: World, case: Case) -> Client:
    owner = Case.objects.select_related("owner").get(pk=case.pk).owner
    assert owner is not None
    return world.client_for(owner)


def card(client: Client, case: Case) -> str:
    page = client.get(f"/cases/{case.pk}/").content.decode()
    start = page.index('id="chat-visitor"')
    return page[start : page.index("</section>", start)]


def test_the_agent_sees_given_not_verified_then_verified_by_email_code(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    visitor, token, case = chat(
        world, django_capture_on_commit_callbacks, email="maria.lopez@example.com"
    )
    client = owner_client(world, case)
    shown = card(client, case)
    assert 'data-state="unverified"' in shown and "Email given, not verified" in shown
    assert "maria.lopez@example.com" in shown
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(f"{BASE}/{token}/email", {})
    code = next(w for w in str(mail.outbox[-1].body).split() if w.isdigit() and len(w) == 6)
    assert visitor.post(f"{BASE}/{token}/verify", {"code": code}).status_code == 200
    case.refresh_from_db()
    assert case.customer_id == world.customer.pk
    shown = card(owner_client(world, case), case)
    assert 'data-state="verified"' in shown and "Verified by email code" in shown
    assert 'id="chat-visitor-merge"' not in shown  # nothing left to merge


def test_an_anonymous_chat_is_merged_from_the_case_page_and_the_customer_is_told_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    visitor, token, case = chat(world, django_capture_on_commit_callbacks)
    client = owner_client(world, case)
    shown = card(client, case)
    assert 'data-state="anonymous"' in shown and 'id="chat-visitor-merge"' in shown
    anonymous = case.customer_id
    entries, outbound, mails = (
        ChatEntry.objects.count(),
        Message.objects.filter(direction=Direction.OUTBOUND).count(),
        AgentMail.objects.count(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        merged = client.post(
            f"/customers/{anonymous}/merge/",
            {"target": world.customer.pk, "next": f"/cases/{case.pk}/"},
        )
    assert merged.status_code == 302 and merged["Location"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.customer_id == world.customer.pk
    assert Customer.objects.get(pk=anonymous).merged_into_id == world.customer.pk
    assert CustomerEvent.objects.filter(
        customer=world.customer, kind=CustomerEventKind.MERGED
    ).exists()
    # Told nothing: no chat line, no message, no mail.
    assert ChatEntry.objects.count() == entries
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == outbound
    assert AgentMail.objects.count() == mails and mail.outbox == []
    assert [m["text"] for m in visitor.read(token).json()["messages"]] == [
        "Hello, it's about Mila again"
    ]


def test_the_api_merges_a_chat_visitor_with_the_existing_merge(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _, _, case = chat(world, django_capture_on_commit_callbacks)
    token = world.token_for(world.supervisor)
    answer = Client().post(
        f"/api/v1/customers/{case.customer_id}/merge",
        json.dumps({"into": world.customer.pk}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.content
    assert Case.objects.get(pk=case.pk).customer_id == world.customer.pk
    assert mail.outbox == []


def test_an_agent_of_another_team_neither_sees_nor_merges_the_visitor(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _, _, case = chat(world, django_capture_on_commit_callbacks)
    outsider = world.client_for(world.outsider)
    assert outsider.get(f"/cases/{case.pk}/").status_code == 404
    refused = outsider.post(f"/customers/{case.customer_id}/merge/", {"target": world.customer.pk})
    assert refused.status_code == 404
    assert Case.objects.get(pk=case.pk).customer_id != world.customer.pk


def test_a_case_no_chat_opened_has_no_visitor_card(world: World) -> None:
    page = world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode()
    assert 'id="chat-visitor"' not in page
