"""Story 2: a traveller in pain calls their dentist; triage flags it; the dentist refers them to
a specialist and books the appointment during the call (an .ics invite goes out); a next-day
follow-up is scheduled; later the customer refers family, and it is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from icalendar import Calendar

from rapport.care.actions.appointments import book_appointment
from rapport.care.actions.referrals import (
    acknowledge_referral,
    draft_introduction,
    hand_back_referral,
    refer_case,
    send_introduction,
)
from rapport.care.actions.word_of_mouth import record_word_of_mouth
from rapport.care.models import Promise, PromiseKind, PromiseStatus, WordOfMouth
from rapport.care.sweeps import remind_due
from rapport.cases.models import DeliveryStatus, Message, Notification
from rapport.people.actions.agents import create_agent
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case
from tests.conftest import PASSWORD, World

CALL = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # Monday 17:00 in Madrid
MADRID = ZoneInfo("Europe/Madrid")


def test_urgent_referral_with_appointment_invite_follow_up_and_family_referral(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    dentist = world.outsider  # Olga Dent, dental team
    dentist.user.email = "olga@smiles.example"
    dentist.user.save(update_fields=["email"])
    lee = create_agent(
        username="lee", display_name="Dr. Lee", password=PASSWORD, timezone_name="Europe/Madrid"
    )
    traveller = create_customer(
        name="Tom Reed",
        by=dentist,
        identities=[("email", "tom.reed@example.com"), ("phone", "+1 212 555 0199")],
        timezone_name="America/New_York",
        owner=dentist,
    )
    with time_machine.travel(CALL, tick=False):
        case = open_case(
            customer=traveller,
            subject="Tooth pain abroad",
            channel="phone",
            text="I'm travelling in Madrid and I'm in terrible pain, my face is swollen. "
            "This is unbearable!!! I don't know what to do.",
            by=dentist,
            team=world.dental,
        )
    assert case.triage["urgent"] and case.triage["upset"]
    # The case page proposes a callback proactively.
    page = world.client_for(dentist).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="care-offer-callback"' in page

    with time_machine.travel(CALL + timedelta(minutes=5), tick=False):
        referral = refer_case(
            case=case,
            by=dentist,
            to_agent=lee,
            situation="Swollen face, severe pain in lower left molar since yesterday.",
            tried="Ibuprofen 400 mg; no relief.",
            needs="Same-day or next-morning emergency visit in Madrid.",
            urgency="urgent",
        )
    assert referral.promise.due_at == CALL + timedelta(minutes=5, hours=1)
    ask = Notification.objects.get(kind="referral", agent=lee)
    assert ask.text.startswith("Urgent referral from Olga Dent: Tom Reed")
    with time_machine.travel(CALL + timedelta(minutes=15), tick=False):
        acknowledge_referral(referral=referral, by=lee, note="Can see him tomorrow at 9")
    referral.promise.refresh_from_db()
    assert referral.promise.status == PromiseStatus.KEPT and not referral.promise.late
    case.refresh_from_db()
    assert case.owner_id == lee.pk

    starts = datetime(2026, 3, 3, 9, 0, tzinfo=MADRID)
    with (
        time_machine.travel(CALL + timedelta(minutes=20), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        appointment = book_appointment(
            case=case,
            by=dentist,
            starts_at=starts,
            duration=timedelta(minutes=45),
            location="Clínica Dental Sol, Calle Mayor 1, Madrid",
            with_agent=lee,
            timezone_name="Europe/Madrid",
            referral=referral,
            note="Tom, I've booked you in with Dr. Lee first thing tomorrow; he knows the story.",
        )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["tom.reed@example.com"] and "Dr. Lee" in sent.subject
    assert sent.body.startswith("Tom, I've booked you in with Dr. Lee first thing tomorrow")
    assert "tomorrow at 9:00" in sent.body and sent.body.split("\n\nYour case #")[
        0
    ].rstrip().endswith("— Olga Dent")
    parts = [a for a in sent.attachments if not isinstance(a, tuple)]
    assert len(parts) == 1 and parts[0].get_content_type() == "text/calendar"
    assert parts[0].get_param("method") == "REQUEST"
    ics = parts[0].get_payload(decode=True)
    calendar = Calendar.from_ical(ics)
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == appointment.uid
    start = event.decoded("DTSTART")
    assert start == starts and str(start.tzinfo) == "Europe/Madrid"
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert event.decoded("DTEND") == starts + timedelta(minutes=45)
    assert str(event["ORGANIZER"]) == "mailto:olga@smiles.example"
    assert event["ORGANIZER"].params["CN"] == "Olga Dent"
    assert str(event["ATTENDEE"]) == "mailto:tom.reed@example.com"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Madrid"
    appointment.invite.refresh_from_db()  # type: ignore[union-attr]
    assert appointment.invite.delivery_status == DeliveryStatus.SENT  # type: ignore[union-attr]

    follow_up = Promise.objects.get(kind=PromiseKind.FOLLOW_UP, case=case)
    # The day after the appointment, 10:00 in the traveller's own zone (New York).
    assert follow_up.after_id == appointment.promise_id and follow_up.owner_id == dentist.pk
    assert follow_up.due_at == datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("America/New_York"))

    # The introduction from the customer's own agent, drafted with the appointment in it.
    with time_machine.travel(CALL + timedelta(minutes=21), tick=False):
        draft = draft_introduction(referral, now=CALL + timedelta(minutes=21))
        assert "I've asked Dr. Lee to see you tomorrow at 9:00 at Clínica Dental Sol" in draft
        intro = send_introduction(referral=referral, by=dentist, text=draft)
    assert intro.text.endswith("— Olga Dent") and intro.author_id == dentist.pk

    # Booked less than a day ahead: the reminder goes out two hours before, by email and to Lee.

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_due(now=starts - timedelta(hours=2, minutes=1))["appointments"] == []
        done = remind_due(now=starts - timedelta(hours=2))
    assert done["appointments"] == [appointment.promise_id]
    assert "A reminder: your appointment with Dr. Lee is today at 9:00" in mail.outbox[0].body
    # Written by the worker, so signed by the desk as what it is, never as the booking dentist.
    reminder = Message.objects.filter(case=case, text__contains="A reminder:").get()
    assert reminder.author is None and "sent automatically" in reminder.text
    assert "— Olga Dent" not in reminder.text and "Olga Dent" not in mail.outbox[0].body
    assert Notification.objects.filter(kind="appointment_due", agent=lee).count() == 1

    # Afterwards the specialist hands the case back to the dentist.
    hand_back_referral(referral=referral, by=lee, note="Drained abscess; antibiotics for 7 days")
    case.refresh_from_db()
    assert case.owner_id == dentist.pk

    # Later: Tom recommends his sister; it is counted for this relationship.
    sister = create_customer(name="Anna Reed", by=dentist, timezone_name="America/New_York")
    record_word_of_mouth(by=dentist, referrer=traveller, referred=sister, note="his sister")
    row = WordOfMouth.objects.get()
    assert (row.referrer_id, row.referred_id) == (traveller.pk, sister.pk)
    api = world.client_for(dentist)
    counts = api.get("/api/v1/care/word-of-mouth/counts").json()
    assert counts["by_customer"] == [{"name": "Tom Reed", "count": 1}]
    assert counts["by_owner"] == [{"name": "Olga Dent", "count": 1}]
