"""The outbox's writes: what is recorded about a message's delivery only ever moves forward."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rapport.cases.actions.messages import reply
from rapport.cases.models import DeliveryStatus, Message
from rapport.mail.actions import outbox
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


def test_only_a_settling_status_settles_a_delivery(world: World) -> None:
    message = queued(world)
    with pytest.raises(ValueError, match="does not settle"):
        mark_delivery(message=message, status=DeliveryStatus.QUEUED)


OUTBOX = Path(outbox.__file__)


def _queues(tree: ast.AST) -> list[int]:
    """Lines that make a message to the customer (`Message(..., direction=Direction.OUTBOUND)`,
    `Message.objects.create(...)` likewise) or queue its delivery job by hand."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        makes_message = (isinstance(func, ast.Name) and func.id == "Message") or (
            isinstance(func, ast.Attribute)
            and func.attr in {"create", "get_or_create", "update_or_create"}
            and ast.unparse(func.value) == "Message.objects"
        )
        outbound = any(
            keyword.arg == "direction" and ast.unparse(keyword.value) == "Direction.OUTBOUND"
            for keyword in node.keywords
        )
        enqueues = isinstance(func, ast.Attribute) and ast.unparse(func).startswith(
            "deliver_message."
        )
        if (makes_message and outbound) or enqueues:
            lines.append(node.lineno)
    return lines


def _outside(tree: ast.Module, function: str) -> ast.Module:
    """`tree` without the top-level function named `function` (which may make the message)."""
    kept = [
        node
        for node in tree.body
        if not (isinstance(node, ast.FunctionDef) and node.name == function)
    ]
    assert len(kept) == len(tree.body) - 1, f"{function} is gone: update this test"
    return ast.Module(body=kept, type_ignores=[])


def test_only_the_outbox_queues_a_message_to_the_customer() -> None:
    """Mail's outbox, or the one other registered transport: chat's `queue_chat_reply`, which
    delivers by storing the line in the customer's conversation (rapport/cases/transports.py)."""
    root = OUTBOX.parents[2]
    # The outbound sweep re-queues a lost job (its message is already an outbox row).
    allowed = {OUTBOX, root / "mail" / "outbound.py"}
    chat = root / "chat" / "actions" / "conversations.py"
    found: dict[str, list[int]] = {}
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if path in allowed or "/migrations/" in f"/{name}":
            continue
        tree = ast.parse(path.read_text(), filename=name)
        if path == chat:
            tree = _outside(tree, "queue_chat_reply")
        if lines := _queues(tree):
            found[name] = lines
    assert found == {}
