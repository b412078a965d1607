"""What triage raised on each customer message is kept (`MessageSignal`) as the message is
triaged, on a new case and on an existing one; and cases triaged before are filled in."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

from rapport.cases.models import Case, Message
from rapport.routing.actions.opening import open_case, receive_message
from rapport.triage.models import MessageSignal
from rapport.triage.reasons import reason_kind, signal_kinds
from tests.conftest import World


def kept(message: Message) -> set[tuple[str, str]]:
    return set(MessageSignal.objects.filter(message=message).values_list("signal", "kind"))


def test_reason_kinds() -> None:
    assert reason_kind('upset: "so fed up" (frustration)') == "frustration"
    assert reason_kind('upset: "it (really) hurts" (distress or fear)') == "distress or fear"
    assert reason_kind('upset: learned (0.91): "awful"; like: "…" (anger)') == "learned"
    assert reason_kind("upset: something else") == "other"
    stored = {"signals": {"upset": ['upset: "a" (anger)', 'upset: "b" (anger)'], "loop": []}}
    assert signal_kinds(stored) == [("upset", "anger"), ("loop", "other")]
    assert signal_kinds({}) == []


def test_signals_kept_on_a_new_case_and_a_reply_from_the_customer(world: World) -> None:
    case = open_case(
        customer=world.customer,
        subject="Refund",
        channel="email",
        text="This is ridiculous. I have written three times and nobody answers!",
        by=None,
    )
    first = Message.objects.get(case=case, direction="in")
    signals = kept(first)
    assert ("upset", "anger") in signals
    assert {signal for signal, _ in signals} == set(case.triage["signals"])
    calm = receive_message(case=case, text="Thanks, all sorted now.", channel="email")
    assert not kept(calm) or "upset" not in {s for s, _ in kept(calm)}
    assert MessageSignal.objects.filter(message=first, case=case).count() == len(signals)


def test_cases_triaged_before_are_filled_from_their_stored_reading(world: World) -> None:
    message = Message.objects.filter(case=world.case, direction="in").latest("created_at")
    MessageSignal.objects.all().delete()
    Case.objects.filter(pk=world.case.pk).update(
        triage={"signals": {"upset": ['upset: "ridiculous" (anger)'], "urgent": []}}
    )
    backfill = import_module("rapport.triage.migrations.0004_backfill_message_signals").backfill
    backfill(apps, None)
    assert kept(message) == {("upset", "anger"), ("urgent", "other")}
    row = MessageSignal.objects.filter(message=message).first()
    assert row is not None and row.at == message.created_at
    backfill(apps, None)  # run twice: nothing doubled
    assert MessageSignal.objects.count() == 2
