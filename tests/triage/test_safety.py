"""Safety before thrift: harm to health or safety, money being taken, losing access and a
deadline within a day are named kinds of urgent that steer the contact to a call."""

from __future__ import annotations

import pytest

from rapport.triage.signals import triage


@pytest.mark.parametrize(
    ("text", "safety", "kind"),
    [
        # health or safety, people and pets, in plain words
        ("my husband passed out in the kitchen and he's very pale", "health", "health or safety"),
        ("Bella has been throwing up all night and now there's blood in her stool", "health", ""),
        ("our cat keeps straining to pee and nothing comes out", "health", "health or safety"),
        ("He fell off the ladder and hit his head, he's confused", "health", "health or safety"),
        ("The charger started smoking and melted the socket", "health", "health or safety"),
        ("I've run out of my insulin and the delivery hasn't arrived", "health", ""),
        ("the lift is stuck between floors and my mum is trapped inside", "health", ""),
        ("the driver threatened to hurt me when I asked for a receipt", "health", ""),
        # money being taken
        ("There are three charges on my statement that I don't recognise", "money", ""),
        ("£400 was taken from my account this morning and it wasn't me", "money", ""),
        ("You keep charging my card every week even though I cancelled", "money", ""),
        ("somebody is trying to log into my account from another country", "money", ""),
        ("I got a password reset code I never requested", "money", "money being taken"),
        # losing access
        ("My account has been locked and I can't pay my staff", "access", "losing access"),
        ("We've had no power since 6am and the freezer is full", "access", "losing access"),
        ("the verification code never arrives so I can't get in", "access", "losing access"),
        ("The card reader isn't working, we can't take a single sale", "access", ""),
        ("grandad's talking funny and one side of his mouth is drooping", "health", ""),
        ("my husband went grey and sweaty and says his left arm aches", "health", ""),
        ("the kettle went over her arm ten minutes ago and the skin is blistering", "health", ""),
        ("I'm 34 weeks and the baby has barely moved today", "health", ""),
        ("My 17 year old has used my card on your app, 43 purchases today", "money", ""),
        ("The freezer is reading 4°C and climbing, £3,000 of stock in it", "access", ""),
        ("my son's got a bead stuck up his nose and it's gone further in", "health", ""),
        ("plaster from the ceiling has fallen on the cot overnight", "health", ""),
        ("production line 2 has stopped, 40 staff standing idle", "access", ""),
        ("the smart lock has locked us OUT and my insulin is inside", "access", ""),
        # a deadline within a day
        ("Our flight leaves in 3 hours and the booking shows cancelled", "deadline", ""),
        (
            "the school trip leaves at 7am tomorrow and the card posted 2 weeks ago hasn't come",
            "deadline",
            "",
        ),
        ("I need the signed contract by 5pm today or we lose the house", "deadline", ""),
    ],
)
def test_safety_kinds_are_named_and_steer_to_a_call(text: str, safety: str, kind: str) -> None:
    result = triage(text)
    assert result.urgent, result.reasons
    assert result.priority == "urgent"
    assert safety in result.safety, (result.safety, result.reasons)
    assert result.recommended_contact == "call"
    if kind:
        assert any(f"({kind})" in reason for reason in result.urgent_reasons), result.reasons


def test_a_deadline_later_in_the_week_is_urgent_but_not_a_safety_kind() -> None:
    result = triage("Our wedding is next Saturday and the rings haven't shipped")
    assert result.urgent
    assert result.safety == ()


def test_nobody_on_the_phone_makes_it_a_callback() -> None:
    result = triage(
        "Someone has been using my card, there are payments I never made", phone_available=False
    )
    assert result.safety == ("money",)
    assert result.recommended_contact == "callback"


def test_safety_beats_a_signal_that_would_say_reply() -> None:
    # Thanks and praise would be a reply; money being taken is a call.
    result = triage("Thanks for the quick delivery! Also there's a charge I don't recognise.")
    assert not result.compliment
    assert result.recommended_contact == "call"


@pytest.mark.parametrize(
    "text",
    [
        # resolved or long past
        "Max was bleeding after the op but he's fine now, thank you all",
        "Mi perro estuvo vomitando sangre, pero ya está bien gracias a vosotros",
        "My card was cloned last year, so I'd like to know about your security features.",
        "We had no power for a day a few weeks ago and the freezer survived.",
        "Hace unos meses me bloquearon la cuenta; ¿cómo activo la verificación en dos pasos?",
        # negation
        "No me han cobrado nada raro, solo quiero la factura de marzo.",
        "I haven't been charged twice, I just want to check the amount",
        "There is no charge I don't recognise, the statement is fine",
        "The app isn't down for me, I just can't find the export button",
        # no rush for what is not a safety matter
        "No rush - I'd like the invoice by Friday if possible.",
        "Sin prisa, pero me gustaría tenerlo para el viernes.",
        # past fear is a memory, not an emergency
        "I was so scared when Coco collapsed last year; thank you for everything you did.",
        # taken back, mild, or no deadline at all
        "Sorry, false alarm about the smoke alarm earlier, it was just the toast!",
        "perdón, falsa alarma con lo del detector de humo, era la tostada. todo bien",
        "I had a mild allergic reaction to the cream which has gone now, can I return it?",
        "Thank you for squeezing Alfie in, the vomiting stopped and he's eating. Stars!",
        "Need to cancel my 3pm appointment tomorrow please",
        "Necesito anular la cita de mañana a las 15h",
        "La boda se ha aplazado, cambiad el envío urgente por el normal.",
        "Still no hot water at number 4, can someone let me know when?",
        "bit of a fashion emergency lol - does the green dress come in a 12?",
        "I was charged twice but it was my own fault, I clicked pay again.",
        # everyday words that are not emergencies
        "I'd like to book a non-smoking room for two nights.",
        "Please can somebody try to change my delivery address?",
        "Quiero agua sin gas en mi pedido, por favor.",
        "No estoy seguro de qué talla pedir.",
    ],
)
def test_hard_negatives(text: str) -> None:
    result = triage(text)
    assert not result.urgent, result.reasons
    assert result.safety == ()


def test_call_me_today_asks_for_a_call_and_names_no_deadline() -> None:
    result = triage("I need someone to call me today about the school place, please")
    assert result.wants_human
    assert not result.urgent, result.reasons


def test_it_wont_stop_bleeding_is_not_a_negation() -> None:
    assert triage("the cut on his paw won't stop bleeding").safety == ("health",)
    assert triage("No para de sangrar la herida de la pata").safety == ("health",)


def test_a_settled_problem_told_again_is_still_urgent() -> None:
    result = triage("It was fixed last month, but the water is pouring through the ceiling again")
    assert result.urgent
    assert "health" in result.safety


@pytest.mark.parametrize(
    "text",
    [
        "Please don't phone me, I'm at work. My dog ate a whole bar of chocolate.",
        "No me llamen, no puedo hablar. Mi madre se ha desmayado y no reacciona.",
    ],
)
def test_a_declined_call_gives_way_to_health_or_safety(text: str) -> None:
    result = triage(text)
    assert result.safety == ("health",)
    assert result.recommended_contact == "call"
    assert any("despite" in r and "(health or safety at risk)" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("text", "safety"),
    [
        ("Don't call me, I'm in meetings all day - there are payments I never made.", "money"),
        ("No me llamen, prefiero por escrito: no puedo entrar en mi cuenta.", "access"),
    ],
)
def test_a_declined_call_wins_for_money_access_and_deadlines(text: str, safety: str) -> None:
    result = triage(text)
    assert result.priority == "urgent"
    assert result.safety == (safety,)
    assert result.recommended_contact == "reply"
    assert any(r.startswith("contact: reply (") and "urgent:" in r for r in result.reasons)


def test_a_declined_call_with_a_request_for_a_person_is_a_call() -> None:
    result = triage("No need to call, but I want to speak to a manager about the fraud on my card")
    assert result.recommended_contact == "call"
