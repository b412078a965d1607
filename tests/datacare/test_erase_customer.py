"""Erasure: no trace of the person in the database (byte for byte on SQLite), the files or the
search index; the statistics unchanged; the erasure itself audited without personal data."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rapport.care.models import Promise, PromiseStatus
from rapport.cases.actions.customers import customer_for_address
from rapport.cases.models import Call, Case, Message
from rapport.cases.search import search_cases
from rapport.chat.actions.conversations import start_conversation
from rapport.chat.actions.verification import send_code
from rapport.chat.models import ChatEntry, EmailCode, EntryKind
from rapport.datacare.actions.erasure import ERASED_NAME, erase_customer
from rapport.insights.selectors import time_to_human
from rapport.mail.actions.outbox import queue_outbound_message
from rapport.mail.models import InboundEmail
from rapport.outreach.actions.imports import start_import
from rapport.outreach.actions.incidents import create_incident
from rapport.outreach.models import AudienceImport, MakeGood, OutreachTask
from rapport.people.actions.agents import create_agent
from rapport.people.models import Customer, CustomerEvent, Identity
from tests.api.conftest import ApiClient
from tests.conftest import World
from tests.datacare.conftest import Rich
from tests.datacare.dump import database_bytes, files_bytes


def _statistics() -> dict[str, Any]:
    now = timezone.now()
    stats = time_to_human(Case.objects.all(), since=now - timedelta(days=1), until=now)
    return {
        "cases": Case.objects.count(),
        "messages": Message.objects.count(),
        "calls": Call.objects.count(),
        "call_seconds": sorted(Call.objects.values_list("duration_seconds", flat=True)),
        "promises": Promise.objects.count(),
        "make_goods": MakeGood.objects.count(),
        "first_responses": sorted(
            str(at) for at in Case.objects.values_list("first_response_at", flat=True)
        ),
        "time_to_human": stats.as_dict(),
    }


def _import_audience(world: World, rich: Rich) -> str:
    """An incident whose uploaded list names them among others; returns a seat only theirs."""
    incident = create_incident(title="Flight cancelled", by=world.supervisor)
    seat = f"14C{rich.secrets[4]}"
    other = f"Carla {rich.bystander_words}Other"
    start_import(
        incident=incident,
        by=world.supervisor,
        content=(
            "name,email,phone,seat\n"
            f"{rich.secrets[0]},{rich.secrets[2]},{rich.secrets[3]},{seat}\n"
            f"{other},carla.other@example.org,,22A\n"
        ),
    )
    assert OutreachTask.objects.filter(customer=rich.customer, details__seat=seat).exists()
    return seat


def _assert_no_trace(rich: Rich, files_root: Path) -> None:
    dump = database_bytes().lower()
    files = files_bytes(files_root).lower()
    for secret in rich.secrets:
        assert secret.lower().encode() not in dump, f"{secret!r} is still in the database"
        assert secret.lower().encode() not in files, f"{secret!r} is still in the files"
    # The same search finds what was not erased: the grep is not blind.
    assert rich.bystander_words.lower().encode() in dump


@pytest.mark.django_db(transaction=True)
def test_command_erases_every_trace_and_keeps_the_statistics(
    world: World, rich: Rich, files_root: Path
) -> None:
    word = rich.secrets[4]  # Kiwi<tag>, in the mail body, notes and replies
    rich.secrets.append(_import_audience(world, rich))
    # An agent of another team types their address: a likely duplicate, and a merge suggestion
    # naming them goes to the people who serve them.
    stranger = create_agent(username="sol", display_name="Sol Stranger", password="x" * 12)
    walk_in = customer_for_address(kind="email", value=rich.secrets[2], name="Walk-in", by=stranger)
    assert walk_in.pk != rich.customer.pk
    assert search_cases(Case.objects.all(), word).count() == 1
    assert list(files_root.rglob("*.txt"))
    dump = database_bytes().lower()
    for secret in rich.secrets:  # every one is there to be found before
        assert secret.lower().encode() in dump, secret
    before = _statistics()

    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_customer", str(rich.customer.pk))
    assert Customer.objects.get(pk=rich.customer.pk).name == rich.secrets[0]

    call_command("erase_customer", str(rich.customer.pk), "--yes")

    _assert_no_trace(rich, files_root)
    assert not [p for p in files_root.rglob("*") if p.is_file()]
    assert search_cases(Case.objects.all(), word).count() == 0
    assert search_cases(Case.objects.all(), rich.secrets[1]).count() == 0
    assert _statistics() == before
    customer = Customer.objects.get(pk=rich.customer.pk)
    assert customer.name == ERASED_NAME
    assert not Identity.objects.filter(customer=customer).exists()
    assert not InboundEmail.objects.filter(pk=rich.inbound.pk).exists()
    assert Case.objects.get(pk=rich.case.pk).status == "closed"
    assert not Promise.objects.filter(customer=customer, status=PromiseStatus.OPEN).exists()
    # The erasure is audited: who (the command line), which customer, how many rows.
    (event,) = CustomerEvent.objects.filter(customer=customer)
    assert event.kind == "erased" and event.actor is None
    assert event.data["via"] == "cli"
    # The mail, the note, the reply, and the outreach case's opening message.
    assert (event.data["counts"]["cases"], event.data["counts"]["messages"]) == (2, 4)
    assert event.data["counts"]["attachments"] == 1
    assert event.data["counts"]["inbound_emails"] == 1
    # The bystander keeps everything, and so does the other passenger of the uploaded list.
    assert Identity.objects.filter(customer=rich.bystander).count() == 1
    (upload,) = AudienceImport.objects.all()
    assert upload.content.splitlines()[1:] == [
        f"Carla {rich.bystander_words}Other,carla.other@example.org,,22A"
    ]


def test_web_erasure_needs_a_supervisor_and_the_typed_confirmation(
    world: World, rich: Rich
) -> None:
    url = f"/datacare/customers/{rich.customer.pk}/erase/"
    page = f"/datacare/customers/{rich.customer.pk}/"
    assert world.client_for(world.agent).get(page).status_code == 404
    assert (
        world.client_for(world.agent)
        .post(url, {"confirm": f"erase {rich.customer.pk}"})
        .status_code
        == 404
    )
    supervisor = world.client_for(world.supervisor)
    assert f"erase {rich.customer.pk}" in supervisor.get(page).content.decode()
    response = supervisor.post(url, {"confirm": "erase"}, follow=True)
    assert "Nothing was erased" in response.content.decode()
    assert Customer.objects.get(pk=rich.customer.pk).name == rich.secrets[0]

    response = supervisor.post(url, {"confirm": f"Erase #{rich.customer.pk}"}, follow=True)
    assert response.status_code == 200
    assert f"Customer #{rich.customer.pk} was erased" in response.content.decode()
    assert Customer.objects.get(pk=rich.customer.pk).name == ERASED_NAME
    event = CustomerEvent.objects.get(customer=rich.customer, kind="erased")
    assert (event.actor, event.data["via"]) == (world.supervisor, "web")
    assert not any(s.lower() in json.dumps(event.data).lower() for s in rich.secrets)


def test_api_erasure_is_for_supervisors_and_needs_the_id_again(
    world: World, rich: Rich, api_as: Any
) -> None:
    path = f"/customers/{rich.customer.pk}/erase"
    agent: ApiClient = api_as(world.agent)
    assert agent.post(path, {"confirm": rich.customer.pk}).status_code == 404
    supervisor: ApiClient = api_as(world.supervisor)
    wrong = supervisor.post(path, {"confirm": rich.customer.pk + 1})
    assert wrong.status_code == 400
    assert wrong.json()["error"]["field"] == "confirm"
    assert Customer.objects.get(pk=rich.customer.pk).name == rich.secrets[0]
    response = supervisor.post(path, {"confirm": rich.customer.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["customer_id"] == rich.customer.pk
    assert body["erased"]["identities"] == 2
    assert Customer.objects.get(pk=rich.customer.pk).name == ERASED_NAME


@pytest.mark.django_db(transaction=True)
def test_a_mail_subject_naming_them_is_erased_too(
    world: World, rich: Rich, files_root: Path
) -> None:
    # The contact form's callback mail and an appointment invitation carry words in the subject.
    queue_outbound_message(
        case=rich.case,
        by=world.agent,
        text="We will call you back.",
        subject=f"Call me back: {rich.secrets[4]} is ill",
    )
    erase_customer(customer=rich.customer, by=world.supervisor, via="web")
    assert not Message.objects.filter(case=rich.case).exclude(subject="").exists()
    _assert_no_trace(rich, files_root)


@pytest.mark.django_db(transaction=True)
def test_a_chat_visitors_name_email_and_codes_are_erased(world: World, files_root: Path) -> None:
    tag = secrets.token_hex(4)
    name, email = f"Yara Chatty{tag}", f"yara.{tag}@example.net"
    started = start_conversation(
        text=f"Hello, my hamster Nib{tag} is ill",
        visitor_id=f"visitor-{tag}",
        brand=None,
        name=name,
        email=email,
    )
    conversation = started.conversation
    send_code(conversation=conversation, email=email, now=timezone.now())
    ChatEntry.objects.create(
        conversation=conversation,
        seq=conversation.last_seq + 100,
        kind=EntryKind.SYSTEM,
        text=f"We will call {name} back",
    )
    assert EmailCode.objects.filter(conversation=conversation).exists()
    customer = Customer.objects.get(cases__conversations=conversation)
    erase_customer(customer=customer, by=world.supervisor, via="command")
    conversation.refresh_from_db()
    assert (conversation.name, conversation.email) == ("", "")
    assert not EmailCode.objects.filter(conversation=conversation).exists()
    dump = database_bytes().lower()
    for secret in (f"Chatty{tag}", email, f"Nib{tag}"):
        assert secret.lower().encode() not in dump, f"{secret!r} is still in the database"
