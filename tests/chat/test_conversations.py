"""The chat's actions: numbered lines without gaps, however many write at once; a chat routed
as any case is, with the agents' concurrent-chat limit counted; read state never claimed."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from rapport.cases.actions.messages import reply
from rapport.cases.actions.status import change_status
from rapport.cases.attachments import Upload
from rapport.cases.models import Attachment, Case, Status
from rapport.chat.actions.conversations import (
    add_system_line,
    agent_saw,
    customer_says,
    start_conversation,
)
from rapport.chat.models import ChatEntry, Conversation
from rapport.lib.errors import ActionError
from rapport.people.models import Agent
from tests.conftest import World


def _start(text: str = "Hello", **fields: str) -> Conversation:
    return start_conversation(text=text, visitor_id="v1", brand=None, **fields).conversation


@pytest.mark.django_db(transaction=True)
def test_lines_written_at_once_by_both_sides_are_numbered_without_gaps(world: World) -> None:
    conversation = _start()
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def customer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(5):
                customer_says(conversation=conversation, text=f"customer {n}.{i}")
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    def agent() -> None:
        try:
            barrier.wait()
            for i in range(5):
                reply(case=conversation.case, text=f"agent {i}", by=world.agent, channel="chat")
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=customer, args=(n,)) for n in range(3)]
    threads.append(threading.Thread(target=agent))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    seqs = list(ChatEntry.objects.filter(conversation=conversation).values_list("seq", flat=True))
    assert sorted(seqs) == list(range(1, 23))  # with the line saying Ana joined
    assert Conversation.objects.get(pk=conversation.pk).last_seq == 22


@pytest.mark.django_db
def test_a_chat_goes_to_the_customers_owner_then_their_deputy_at_their_chat_limit(
    world: World,
) -> None:
    # Maria's regular vet is Ben (owner), Ana her deputy. A returning Maria who gives her
    # address is routed to Ben at once, before she has proven it is her.
    first = _start(email="maria.lopez@example.com")
    assert first.case.owner == world.colleague
    Agent.objects.filter(pk=world.colleague.pk).update(chat_capacity=1)
    second = _start(email="maria.lopez@example.com")
    assert second.case.owner == world.agent  # Ben holds one chat, his limit: the deputy
    # The history is not joined: the chat's customer is a new, unverified record.
    assert first.case.customer != world.customer
    assert first.case.customer.likely_duplicate_of == world.customer


@pytest.mark.django_db
def test_an_anonymous_chat_has_a_customer_of_its_own(world: World) -> None:
    conversation = _start()
    assert conversation.case.customer.name == "Chat visitor"
    assert not conversation.case.customer.identities.exists()


@pytest.mark.django_db
def test_a_line_on_a_closed_case_goes_on_in_a_new_case(world: World) -> None:
    conversation = _start()
    case = conversation.case
    for to in (Status.RESOLVED, Status.CLOSED):
        change_status(case=Case.objects.get(pk=case.pk), to=to, by=world.supervisor)
    entry = customer_says(conversation=conversation, text="One more thing")
    conversation.refresh_from_db()
    assert conversation.case_id != case.pk
    assert entry.seq == 2 and entry.message is not None
    assert entry.message.case_id == conversation.case_id


@pytest.mark.django_db
def test_a_file_from_the_customer_is_stored_on_their_message(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    conversation = _start()
    photo = Upload(filename="../mila.png", content_type="image/png", data=b"\x89PNG" + b"0" * 10)
    entry = customer_says(conversation=conversation, text="", attachments=[photo])
    assert entry.message is not None and entry.message.text == "Sent mila.png"
    assert Attachment.objects.get(message=entry.message).filename == "mila.png"
    settings.RAPPORT_CHAT_ATTACHMENT_MAX_BYTES = 1024
    big = Upload(filename="scan.pdf", content_type="application/pdf", data=b"0" * 2048)
    with pytest.raises(ActionError, match=r"scan.pdf is 2\.0.KB; a file may be at most 1\.0.KB"):
        customer_says(conversation=conversation, text="", attachments=[big])
    script = Upload(filename="run.js", content_type="text/javascript", data=b"alert(1)")
    with pytest.raises(ActionError, match=r"“run\.js” cannot be sent here"):
        customer_says(conversation=conversation, text="see", attachments=[script])


@pytest.mark.django_db
def test_system_lines_and_the_agents_read_mark(world: World) -> None:
    conversation = _start()
    line = add_system_line(conversation=conversation, text="Dr. Ana Ortiz has joined")
    assert (line.seq, line.kind, line.message) == (2, "system", None)
    assert agent_saw(conversation=conversation, seq=5) == 2
    assert agent_saw(conversation=conversation, seq=1) == 2
