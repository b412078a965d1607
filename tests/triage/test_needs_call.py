"""The union head ("needs a call"): a message no rule and no signal's head raises, yet reading
like someone who needs a person, is steered to a call with the words that weighed most."""

from __future__ import annotations

import pytest

from rapport.triage import inputs, learned, learning
from rapport.triage.explain import _notes
from rapport.triage.signals import triage

# Hand-written for this test (not from any data file): worded as no rule knows.
AT_THE_END = "Everything has stopped working since this morning and I have no idea what to do"


def test_the_union_head_raises_a_call_no_rule_knows() -> None:
    by_rules = triage(AT_THE_END, model=learned.RULES_ONLY)
    assert by_rules.recommended_contact == "reply", by_rules.reasons

    result = triage(AT_THE_END)
    assert not (result.urgent or result.upset or result.wants_human), result.reasons
    assert result.recommended_contact == "call"
    assert result.priority == "high"
    [reason] = result.reasons
    assert reason.startswith("contact: call — reads like someone who needs a person (0.")
    assert '"stopped working"' in reason
    # The case page and the API read it through the contact's notes.
    assert _notes(result.reasons)["contact call"][0].startswith("reads like someone")


def test_nobody_to_call_now_makes_it_a_callback() -> None:
    result = triage(AT_THE_END, phone_available=False)
    assert result.recommended_contact == "callback"
    assert result.reasons[0].startswith("contact: callback — reads like someone")


def test_a_declined_call_keeps_the_reply() -> None:
    result = triage(AT_THE_END + ". Please don't call me, email is fine.")
    assert result.recommended_contact == "reply", result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Could you tell me what time the shop opens on Saturday?",
        "Is the blue model also available in a larger size?",
    ],
)
def test_a_neutral_question_stays_a_reply(text: str) -> None:
    result = triage(text)
    assert result.recommended_contact == "reply", result.reasons
    assert result.priority == "normal"
    assert result.reasons == []


def test_the_shipped_union_threshold_reaches_the_recall_on_cross_validation() -> None:
    model = learned.load_shipped()
    assert model.heads[-1] == inputs.CALL_HEAD
    figures = model.figures["signals"][inputs.CALL_HEAD]
    assert figures["combined"]["recall"] >= learning.CALL_RECALL
    assert model.thresholds[-1] == figures["threshold"]
