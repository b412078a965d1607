"""A correction is an agent's word on what triage read: on a case triage never read there is
nothing to correct, and a word on an earlier message is kept for training without changing what
the case shows about its newest message (found walking the desk, issue 15)."""

from __future__ import annotations

import pytest

from rapport.cases.models import Case, CaseEvent
from rapport.lib.errors import ActionError
from rapport.routing.actions.opening import receive_message
from rapport.routing.actions.starting import start_case
from rapport.triage.actions.corrections import correct_signal
from rapport.triage.models import TriageCorrection
from tests.conftest import World
from tests.triage.helpers import CALM, URGENT, clinic_case


def test_a_case_triage_never_read_has_nothing_to_correct(world: World) -> None:
    # The desk wrote first: no customer words, so triage read nothing and the case shows none.
    case = start_case(
        by=world.agent,
        customer=world.customer,
        first="outbound_call",
        text="Called about the booster; left a voicemail.",
        owner=world.agent,
        team=world.clinic,
    ).case
    assert case.triage == {}
    with pytest.raises(ActionError, match="nothing to correct"):
        correct_signal(agent=world.agent, case=case, signal="urgent", value=True)
    case.refresh_from_db()
    assert case.triage == {} and case.priority == "normal"
    assert not TriageCorrection.objects.exists()
    assert not CaseEvent.objects.filter(case=case, kind="triage_corrected").exists()


def test_a_word_on_an_earlier_message_leaves_the_newest_reading_alone(world: World) -> None:
    case = clinic_case(world, CALM)
    first = case.messages.get()
    newest = receive_message(case=case, text="Thanks, all sorted now!", channel="email")
    case.refresh_from_db()
    shown, priority = case.triage, case.priority

    correction = correct_signal(
        agent=world.agent, case=case, signal="upset", value=True, message=first
    )
    assert (correction.message, correction.value) == (first, True)  # kept for training
    case.refresh_from_db()
    assert case.triage == shown and case.priority == priority
    event = CaseEvent.objects.get(case=case, kind="triage_corrected")
    assert event.after == {"signal": "upset", "value": True, "message_id": first.pk}
    assert "earlier message" in event.reason

    # The newest message's word is what the case shows.
    correct_signal(agent=world.agent, case=case, signal="upset", value=True, message=newest)
    case.refresh_from_db()
    assert case.triage["corrected"]["upset"]["value"] is True
    assert case.priority == "high"


def test_a_case_opened_by_a_call_is_corrected_on_what_the_caller_said(world: World) -> None:
    # Triage read the caller's words: they are corrected like a message.
    case = start_case(
        by=world.agent,
        customer=world.customer,
        first="inbound_call",
        text=URGENT,
        owner=world.agent,
        team=world.clinic,
    ).case
    assert case.triage["urgent"] is True
    correct_signal(agent=world.agent, case=case, signal="urgent", value=False)
    assert Case.objects.get(pk=case.pk).triage["corrected"]["urgent"]["value"] is False
