"""The collision check before a reply goes out: what arrived since the agent's newest seen
message holds the reply, and nothing is written."""

from __future__ import annotations

import pytest

from rapport.cases.actions.messages import NewSinceSeen, add_note, reply
from rapport.cases.models import CaseEvent, CaseEventKind, Direction, Message
from rapport.lib.errors import ActionError
from rapport.routing.actions.opening import open_case, receive_message
from tests.conftest import World


def _newest(world: World) -> int:
    return Message.objects.filter(case=world.case).latest("pk").pk


def test_a_colleagues_reply_since_holds_mine(world: World) -> None:
    seen = _newest(world)
    theirs = reply(case=world.case, text="Bring Mila in at nine.", by=world.colleague)
    with pytest.raises(NewSinceSeen) as held:
        reply(case=world.case, text="Honey in warm water.", by=world.agent, seen_message_id=seen)
    assert held.value.status_code == 409
    assert [m.pk for m in held.value.arrived] == [theirs.pk]
    assert "Dr. Ben Hale replied" in held.value.message
    assert "not sent" in held.value.message
    assert list(
        Message.objects.filter(direction=Direction.OUTBOUND).values_list("author", flat=True)
    ) == [world.colleague.pk]
    assert not CaseEvent.objects.filter(kind=CaseEventKind.REPLIED, actor=world.agent).exists()


def test_the_customer_writing_and_a_note_since_hold_it_too(world: World) -> None:
    seen = _newest(world)
    note = add_note(case=world.case, text="Owner sounds worried.", by=world.colleague)
    inbound = receive_message(
        case=world.case, text="She is coughing again.", channel="email", external_id="<x@y>"
    )
    with pytest.raises(NewSinceSeen) as held:
        reply(case=world.case, text="Hello", by=world.agent, seen_message_id=seen)
    assert [m.pk for m in held.value.arrived] == [note.pk, inbound.pk]
    assert "Maria Lopez wrote" in held.value.message
    assert "Dr. Ben Hale added an internal note" in held.value.message


def test_sending_as_is_after_seeing_them_goes_out(world: World) -> None:
    seen = _newest(world)
    theirs = reply(case=world.case, text="Bring Mila in at nine.", by=world.colleague)
    with pytest.raises(NewSinceSeen):
        reply(case=world.case, text="Hello", by=world.agent, seen_message_id=seen)
    mine = reply(case=world.case, text="Hello", by=world.agent, seen_message_id=theirs.pk)
    assert mine.author == world.agent


def test_my_own_messages_since_do_not_hold_it(world: World) -> None:
    seen = _newest(world)
    add_note(case=world.case, text="Called the owner, no answer.", by=world.agent)
    reply(case=world.case, text="First", by=world.agent, seen_message_id=seen)
    reply(case=world.case, text="Second", by=world.agent, seen_message_id=seen)
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 2


def test_without_a_seen_id_there_is_no_check(world: World) -> None:
    reply(case=world.case, text="Bring Mila in at nine.", by=world.colleague)
    assert reply(case=world.case, text="Hello", by=world.agent).author == world.agent


def test_messages_on_the_customers_other_cases_do_not_hold_it(world: World) -> None:
    seen = _newest(world)
    open_case(
        customer=world.customer,
        subject="Another need",
        channel="email",
        text="And the cat?",
        by=world.colleague,
        owner=world.colleague,
        team=world.clinic,
    )
    assert reply(case=world.case, text="Hello", by=world.agent, seen_message_id=seen)


def test_the_same_reply_again_from_the_same_seen_message_is_refused(world: World) -> None:
    """A double-submit: the same text from the same newest message seen is not sent twice;
    a different text (or the same after seeing the first) is."""
    seen = _newest(world)
    first = reply(
        case=world.case, text="Honey in warm water.", by=world.agent, seen_message_id=seen
    )
    with pytest.raises(ActionError, match="already sent this reply"):
        reply(case=world.case, text="Honey  in warm water.\n", by=world.agent, seen_message_id=seen)
    reply(case=world.case, text="And rest.", by=world.agent, seen_message_id=seen)
    reply(case=world.case, text="Honey in warm water.", by=world.agent, seen_message_id=first.pk)
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 3
