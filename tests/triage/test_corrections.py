from __future__ import annotations

import pytest
from django.http import Http404

from rapport.cases.actions.status import change_priority
from rapport.cases.models import Case, CaseEvent
from rapport.lib.errors import ActionError
from rapport.triage.actions.corrections import correct_signal
from rapport.triage.models import TriageCorrection
from tests.conftest import World
from tests.triage.helpers import CALM, clinic_case


def test_not_urgent_is_stored_audited_and_lowers_what_triage_raised(world: World) -> None:
    case = clinic_case(world)
    assert case.priority == "urgent"
    correction = correct_signal(agent=world.agent, case=case, signal="urgent", value=False)
    assert (correction.signal, correction.value, correction.agent) == ("urgent", False, world.agent)
    assert correction.message == case.messages.get()
    case.refresh_from_db()
    assert case.priority == "normal" and not case.priority_overridden
    assert case.triage["corrected"]["urgent"]["value"] is False
    assert case.triage["corrected"]["urgent"]["by"] == "Dr. Ana Ortiz"
    assert case.triage["recommended_contact"] == "reply"
    event = CaseEvent.objects.get(case=case, kind="triage_corrected")
    assert event.actor == world.agent
    assert event.reason == "not urgent; priority urgent -> normal"
    assert event.before == {"signal": "urgent", "value": True}
    priority = CaseEvent.objects.get(case=case, kind="priority")
    assert priority.after == {"priority": "normal"} and priority.actor is None


def test_the_same_correction_twice_is_one(world: World) -> None:
    case = clinic_case(world)
    first = correct_signal(agent=world.agent, case=case, signal="urgent", value=False)
    again = correct_signal(agent=world.agent, case=case, signal="urgent", value=False)
    assert first.pk == again.pk
    assert TriageCorrection.objects.count() == 1
    assert CaseEvent.objects.filter(kind="triage_corrected").count() == 1


def test_a_changed_mind_replaces_the_earlier_word_and_raises_again(world: World) -> None:
    case = clinic_case(world)
    correct_signal(agent=world.agent, case=case, signal="urgent", value=False)
    correct_signal(agent=world.agent, case=case, signal="urgent", value=True)
    assert TriageCorrection.objects.get().value is True
    case.refresh_from_db()
    assert case.priority == "urgent"
    assert CaseEvent.objects.filter(kind="triage_corrected").count() == 2
    # A colleague's word is their own record.
    correct_signal(agent=world.colleague, case=case, signal="urgent", value=False)
    assert TriageCorrection.objects.count() == 2


def test_was_upset_raises_a_calm_case(world: World) -> None:
    case = clinic_case(world, CALM)
    correct_signal(agent=world.agent, case=case, signal="upset", value=True)
    case.refresh_from_db()
    assert case.priority == "high"
    assert case.triage["recommended_contact"] == "call"


def test_a_hand_set_priority_stays_and_the_event_says_so(world: World) -> None:
    case = clinic_case(world)
    change_priority(case=case, to="urgent", by=world.agent, reason="I know this family")
    change_priority(case=case, to="high", by=world.agent)
    change_priority(case=case, to="urgent", by=world.agent)
    correct_signal(agent=world.agent, case=case, signal="urgent", value=False)
    case.refresh_from_db()
    assert case.priority == "urgent" and case.priority_overridden
    event = CaseEvent.objects.get(kind="triage_corrected")
    assert event.reason == "not urgent; priority stays urgent: set by hand"


def test_the_model_that_decided_is_kept(world: World) -> None:
    case = clinic_case(world)
    Case.objects.filter(pk=case.pk).update(
        triage={**case.triage, "model": {"name": "desk", "version": "3"}}
    )
    correction = correct_signal(agent=world.agent, case=case, signal="urgent", value=False)
    assert (correction.model_name, correction.model_version) == ("desk", "3")


def test_another_teams_case_is_refused(world: World) -> None:
    case = clinic_case(world)
    with pytest.raises(Http404):
        correct_signal(agent=world.outsider, case=case, signal="urgent", value=False)
    assert not TriageCorrection.objects.exists()


def test_unknown_signal_and_foreign_message_are_refused(world: World) -> None:
    case = clinic_case(world)
    with pytest.raises(ActionError, match="not a triage signal"):
        correct_signal(agent=world.agent, case=case, signal="sad", value=True)
    with pytest.raises(ActionError, match="customer's messages on this case"):
        correct_signal(
            agent=world.agent,
            case=case,
            signal="upset",
            value=True,
            message=world.case.messages.first(),
        )
    assert not TriageCorrection.objects.exists()
