"""Threading lookups by Message-ID use their index even on a desk where little is email."""

from __future__ import annotations

from django.db import connection, transaction

from rapport.cases.models import Direction, Message
from rapport.mail.matching import match_message_ids
from tests.conftest import World


def test_messages_without_a_channel_id_store_null(world: World) -> None:
    chat = Message.objects.get(case=world.case)
    assert chat.external_id is None  # not "", which filled the index with one value


def test_the_lookup_uses_the_partial_index_after_analyze(world: World) -> None:
    Message.objects.bulk_create(
        Message(
            case=world.case,
            customer=world.customer,
            direction=Direction.INBOUND,
            channel="chat",
            text=f"chat {i}",
        )
        for i in range(2000)
    )
    Message.objects.bulk_create(
        Message(
            case=world.case,
            customer=world.customer,
            direction=Direction.INBOUND,
            channel="email",
            text=f"mail {i}",
            external_id=f"<m{i}@mail.example>",
        )
        for i in range(20)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            # Tiny tables read faster whole; forbid that to see whether the index can serve.
            cursor.execute("SET LOCAL enable_seqscan = off")
        wanted = ["<m7@mail.example>", "<nobody@mail.example>"]
        plan = Message.objects.filter(external_id__in=wanted).values_list("case_id").explain()
        match = match_message_ids([("in_reply_to", "<m7@mail.example>")])
    assert "message_external_id" in plan, plan
    assert match is not None and match.case.pk == world.case.pk
