"""The outbox's writes: what is recorded about a message's delivery only ever moves forward."""

from __future__ import annotations

import pytest

from rapport.cases.actions.messages import reply
from rapport.cases.models import DeliveryStatus, Message
from rapport.mail.actions.outbox import mark_delivery
from tests.conftest import World


def queued(world: World) -> Message:
    message = reply(case=world.case, text="Bring her in at six.", by=world.agent, channel="email")
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED
    return message


def status_of(message: Message) -> tuple[str, str]:
    message.refresh_from_db()
    return message.delivery_status, message.delivery_error


@pytest.mark.parametrize("start", [DeliveryStatus.QUEUED, DeliveryStatus.SENDING])
@pytest.mark.parametrize("end", [DeliveryStatus.SENT, DeliveryStatus.FAILED])
def test_a_queued_or_sending_message_is_settled(world: World, start: str, end: str) -> None:
    message = queued(world)
    Message.objects.filter(pk=message.pk).update(delivery_status=start)

    mark_delivery(message=message, status=end, error="" if end == DeliveryStatus.SENT else "550")
    assert status_of(message)[0] == end


def test_a_late_failure_never_overwrites_sent(world: World) -> None:
    # Two workers: one sent the reply; the other, slow, gives up on it afterwards.
    message = queued(world)
    mark_delivery(message=message, status=DeliveryStatus.SENT)

    mark_delivery(message=message, status=DeliveryStatus.FAILED, error="Timed out")
    assert status_of(message) == (DeliveryStatus.SENT, "")


def test_a_failed_message_is_not_marked_sent_later(world: World) -> None:
    message = queued(world)
    mark_delivery(message=message, status=DeliveryStatus.FAILED, error="550 No such user")

    mark_delivery(message=message, status=DeliveryStatus.SENT)
    assert status_of(message) == (DeliveryStatus.FAILED, "550 No such user")
