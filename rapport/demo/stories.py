"""The six businesses' stories (DESIGN.md), told through the actions by `Builder`."""

from __future__ import annotations

from datetime import time, timedelta

from rapport.care.actions.appointments import book_appointment
from rapport.care.actions.callbacks import book_callback
from rapport.care.actions.promises import (
    create_follow_up_policy,
    record_outcome,
    schedule_follow_up,
)
from rapport.care.actions.referrals import (
    acknowledge_referral,
    draft_introduction,
    hand_back_referral,
    refer_case,
    send_introduction,
)
from rapport.care.actions.word_of_mouth import record_word_of_mouth
from rapport.care.models import Outcome, Urgency
from rapport.care.windows import local_day_at
from rapport.cases.models import CallDirection, Priority, Status
from rapport.demo.airline import airline
from rapport.demo.world import SUPERVISOR, Builder
from rapport.outreach.actions.make_goods import decide_make_good, record_make_good
from rapport.outreach.models import MakeGoodKind


def night_clinic(b: Builder) -> None:
    """Story 1: the coughing puppy, seen by the night doctor who is not her regular vet."""
    maria = b.customer(
        "Maria Lopez",
        [("email", "maria.lopez@example.com"), ("phone", "+34 612 345 678")],
        since=b.ago(days=40),
        owner="ben",
        deputy="ana",
        preferred_name="Maria",
        timezone_name="Europe/Madrid",
        preferred_channel="phone",
    )
    b.remember(maria, "ben", "Puppy Mila, 10-week yellow lab", when=b.ago(days=21))
    b.remember(maria, "ben", "Prefers a call after 6 pm", when=b.ago(days=21))
    first = b.open(
        maria,
        "First vaccination for Mila",
        "Hello, we just brought home Mila, a yellow lab puppy. When should she have her "
        "first vaccinations?",
        channel="email",
        when=b.ago(days=21, hours=5),
        owner="ben",
    )
    b.reply(
        first,
        "ben",
        "Congratulations on Mila! At 8-10 weeks she is due her first shots. I have a slot "
        "on Thursday at 10:00 — shall I book it?",
        when=b.ago(days=21, hours=3),
    )
    b.write(first, "Thursday 10:00 is perfect, thank you!", when=b.ago(days=21, hours=1))
    b.note(
        first,
        "ben",
        "Vaccinated (DHPP #1). Weight 4.1 kg. Next shot in 3 weeks.",
        when=b.ago(days=18, hours=20),
    )
    b.status(first, Status.RESOLVED, "ben", when=b.ago(days=18, hours=19))
    night = b.open(
        maria,
        "Puppy coughing at night",
        "Mila has been coughing since last night, a dry honking cough. She is still eating. "
        "Should I bring her in now?",
        channel="phone",
        when=b.ago(hours=14),
        owner="ana",
        logged_by="ana",
        priority=Priority.HIGH,
        tags=("puppy", "night"),
    )
    b.call(
        night,
        "ana",
        "Worried owner; advised to come in. Not her regular vet (Dr. Hale).",
        when=b.ago(hours=14),
        minutes=6,
        direction=CallDirection.INBOUND,
        phone="+34612345678",
    )
    b.note(
        night,
        "ana",
        "Night visit: mild kennel cough, lungs clear, no fever (38.6 °C). Prescribed cough "
        "syrup for 7 days. Follow-up call tomorrow: is the cough better? Owner may call any "
        "time, night line +34 911 234 567.",
        when=b.ago(hours=12, minutes=30),
    )
    # Closing the loop is the clinic's policy: a night visit gets a call the next day at 10:00
    # the owner's time, by the doctor who saw the patient (here Dr. Ortiz, not the regular vet).
    b.at(
        b.ago(days=30),
        create_follow_up_policy,
        name="Night visit: call the next day",
        purpose="Next-day call after the night visit: is the patient better?",
        script="Is the cough better? Eating, drinking, any fever? Remind them the night line "
        "is open any time: +34 911 234 567.",
        tags=["night"],
        at_time=time(10, 0),
    )
    b.status(
        night,
        Status.RESOLVED,
        "ana",
        when=b.ago(hours=12),
        reason="Seen at the night clinic; follow-up call tomorrow",
    )


def dental(b: Builder) -> None:
    """Story 2: a traveller in pain, referred to a specialist; later refers family."""
    tom = b.customer(
        "Tom Becker",
        [("phone", "+49 151 23456789"), ("email", "tom.becker@example.net")],
        since=b.ago(days=200),
        owner="lucia",
        timezone_name="Europe/Berlin",
        preferred_channel="phone",
    )
    b.remember(
        tom, "lucia", "Travels a lot for work; reach him on his mobile", when=b.ago(days=200)
    )
    called = b.ago(days=9, hours=3)
    pain = b.open(
        tom,
        "Severe tooth pain while travelling",
        "I'm in Lisbon for work and the pain in my lower left molar is unbearable. I can't "
        "sleep. Please, I need help today.",
        channel="phone",
        when=called,
        owner="lucia",
        logged_by="lucia",
        priority=Priority.URGENT,
        tags=("urgent", "pain"),
    )
    b.call(
        pain,
        "lucia",
        "Stayed on the line with him. Likely irreversible pulpitis. Referred to Dr. Iris "
        "Kwan (endodontist); booked tomorrow 09:30 during the call, invite sent.",
        when=called,
        minutes=22,
        direction=CallDirection.INBOUND,
        phone="+4915123456789",
    )
    # During the call: a warm referral with a brief, the specialist's office confirms at once,
    # and the appointment is booked; its .ics invite goes through the outbox (marked sent here).
    during = called + timedelta(minutes=15)
    referral = b.at(
        during,
        refer_case,
        case=pain,
        by=b.agents["lucia"],
        situation="Severe pain in the lower left first molar since yesterday, worse at night "
        "and with heat; he is in Lisbon for work until Friday.",
        tried="Ibuprofen 400 mg (no relief). Old deep filling on 36 from 2019.",
        needs="Probable irreversible pulpitis: assessment and root canal treatment on 36 "
        "tomorrow morning if you can.",
        urgency=Urgency.URGENT,
        provider_name="Dr. Iris Kwan",
        provider_organization="Clínica Endo Lisboa",
        provider_phone="+351 21 555 0147",
        provider_email="iris.kwan@endolisboa.example",
        now=during,
    )
    b.at(
        during + timedelta(minutes=3),
        acknowledge_referral,
        referral=referral,
        by=b.agents["lucia"],
        note="Dr. Kwan's office confirmed on the phone: tomorrow 09:30.",
    )
    starts = local_day_at(during, timezone="Europe/Lisbon", days=1, clock=time(9, 30))
    appointment = b.at(
        during + timedelta(minutes=5),
        book_appointment,
        case=pain,
        by=b.agents["lucia"],
        starts_at=starts,
        duration=timedelta(minutes=90),
        location="Clínica Endo Lisboa, Av. da Liberdade 110, Lisbon",
        timezone_name="Europe/Lisbon",
        referral=referral,
        now=during + timedelta(minutes=5),
    )
    b.at(
        during + timedelta(minutes=8),
        send_introduction,
        referral=referral,
        by=b.agents["lucia"],
        text=draft_introduction(referral, now=during + timedelta(minutes=8)),
    )
    b.note(
        pain,
        "lucia",
        "Referral: Dr. Iris Kwan, endodontics, tomorrow 09:30. "
        "Ibuprofen 600 mg until then. Call him after the appointment.",
        when=during + timedelta(minutes=10),
    )
    arrived = starts + timedelta(minutes=5)
    b.at(
        arrived,
        record_outcome,
        promise=appointment.promise,
        by=b.agents["lucia"],
        outcome=Outcome.REACHED_FINE,
        notes="Dr. Kwan's clinic: Tom arrived on time.",
        now=arrived,
    )
    b.at(
        appointment.ends_at + timedelta(hours=1),
        hand_back_referral,
        referral=referral,
        by=b.agents["lucia"],
        note="Dr. Kwan: root canal on 36 done, temporary filling. Crown at Sonrisa in 3 weeks.",
    )
    # The call the day after the appointment, scheduled when it was booked.
    follow_up = appointment.promise.follow_ups.get()
    spoke = follow_up.due_at + timedelta(minutes=3)
    b.call(pain, "lucia", "Root canal done, pain gone. Very grateful.", when=spoke, minutes=4)
    b.at(
        spoke,
        record_outcome,
        promise=follow_up,
        by=b.agents["lucia"],
        outcome=Outcome.REACHED_FINE,
        notes="Pain gone; crown appointment in three weeks.",
        now=spoke,
    )
    b.status(pain, Status.RESOLVED, "lucia", when=spoke + timedelta(minutes=5))

    referral_case = b.open(
        tom,
        "My sister would like an appointment",
        "After how you helped me in Lisbon, my sister Anna wants to switch to your practice. "
        "Could you find her a check-up slot?",
        channel="email",
        when=b.ago(days=3, hours=6),
        owner="lucia",
        tags=("referral",),
    )
    anna = b.customer(
        "Anna Becker",
        [("email", "anna.becker@example.net")],
        since=b.ago(days=3, hours=5),
        owner="lucia",
        timezone_name="Europe/Madrid",
    )
    b.at(
        b.ago(days=3, hours=5),
        record_word_of_mouth,
        by=b.agents["lucia"],
        referrer=tom,
        referred=anna,
        on=b.ago(days=3, hours=5).date(),
        note="Tom's sister; switched to us after his emergency in Lisbon",
    )
    b.reply(
        referral_case,
        "lucia",
        "How kind of you, Tom. I've booked Anna for a check-up "
        "next Tuesday at 16:00; the invite is on its way to her.",
        when=b.ago(days=3, hours=4),
    )
    b.status(
        referral_case,
        Status.RESOLVED,
        "lucia",
        when=b.ago(days=3, hours=4),
        reason="Referral recorded: sister Anna",
    )


def software(b: Builder) -> None:
    """Story 3 (a glitch, wants a person) and story 4 (three agents, three sites)."""
    jordan = b.customer(
        "Jordan Kim",
        [("email", "jordan@kimdesign.example"), ("external", "chat:visitor-8812")],
        since=b.ago(days=90),
        owner="priya",
        deputy="dev",
        organization="Kim Design Studio",
        timezone_name="America/Toronto",
        preferred_channel="chat",
    )
    glitch = b.open(
        jordan,
        "Invoices export fails — wants a real person",
        "Your export keeps failing with 'error 500' and I have 40 invoices due today. "
        "I've tried the bot three times. I just want to talk to a real person, please.",
        channel="chat",
        when=b.ago(hours=2, minutes=10),
        owner="priya",
        priority=Priority.URGENT,
        tags=("export", "wants-human"),
    )
    b.reply(
        glitch,
        "priya",
        "Hi Jordan, I'm Priya — a person, not a bot. I can see the failed exports on your "
        "account. I'll call you at your studio number in the next 5 minutes; if you'd rather, "
        "call us on +1 416 555 0199.",
        when=b.ago(hours=2, minutes=6),
    )
    b.call(
        glitch,
        "priya",
        "Walked through a CSV export as a workaround; engineering "
        "ticket filed for the PDF export bug.",
        when=b.ago(hours=1, minutes=55),
        minutes=12,
    )
    b.status(
        glitch,
        Status.WAITING_US,
        "priya",
        when=b.ago(hours=1, minutes=40),
        reason="Waiting on the export fix",
    )
    # "Call me instead": a callback in an honest window with a named person (continuity first).
    b.at(
        b.ago(minutes=5),
        book_callback,
        case=glitch,
        by=b.agents["priya"],
        purpose="Call Jordan back when the PDF export fix is live and export the invoices together",
        now=b.now,
    )

    hana = b.customer(
        "Hana Sato",
        [("email", "hana.sato@northwind.example"), ("social", "x:@hanasato")],
        since=b.ago(days=300),
        owner="dev",
        deputy="elena",
        organization="Northwind Labs",
        timezone_name="Asia/Tokyo",
    )
    b.own(
        hana,
        "dev",
        "Ledgerly Sync Pro",
        kind="licence",
        reference="LIC-44-0917",
        attributes={"version": "4.2.1", "os": "macOS 14.5", "seats": 25},
        when=b.ago(days=300),
    )
    b.remember(
        hana,
        "dev",
        "Runs finance for a 25-person lab; month-end is her crunch",
        when=b.ago(days=120),
    )
    old = b.open(
        hana,
        "Can't add a new seat",
        "Adding our 25th user fails with 'licence full'.",
        channel="email",
        when=b.ago(days=120),
        owner="dev",
    )
    b.reply(
        old,
        "dev",
        "Fixed: your licence now allows 25 seats.",
        when=b.ago(days=119, hours=20),
    )
    b.status(old, Status.CLOSED, "dev", when=b.ago(days=110))
    sync = b.open(
        hana,
        "Sync stalls at 87% after upgrading to 4.2",
        "Since the 4.2 upgrade our sync stops at 87% every time. Logs attached in the next "
        "mail. Month-end closes on Friday.",
        channel="email",
        when=b.ago(days=2, hours=12),
        owner="priya",
        priority=Priority.HIGH,
        tags=("sync", "4.2"),
    )
    b.reply(
        sync,
        "priya",
        "Thanks Hana — I'm on it. Could you send the sync log from Settings → Diagnostics?",
        when=b.ago(days=2, hours=11, minutes=30),
    )
    b.write(
        sync,
        "Here is the log. It stops at the same ledger every time.",
        when=b.ago(days=2, hours=10),
    )
    b.note(
        sync,
        "priya",
        "Tried: cache reset, re-login, 4.2.1 hotfix. Still stalls. "
        "Handing to Dev (Manila) for the overnight shift.",
        when=b.ago(days=2, hours=8),
    )
    b.assign(
        sync,
        "dev",
        "priya",
        when=b.ago(days=2, hours=8),
        reason="Follow the sun: Manila picks up",
    )
    b.note(
        sync,
        "dev",
        "Reproduced with her ledger export: a 2019 entry with a NULL "
        "currency breaks the 4.2 migration. Needs a DB fix; Elena (Madrid) next.",
        when=b.ago(days=2, hours=5),
    )
    b.assign(sync, "elena", "dev", when=b.ago(days=2, hours=4), reason="Needs the database fix")
    b.reply(
        sync,
        "elena",
        "Hana, we found it: one 2019 entry without a currency. I've "
        "repaired it on our side — please run sync once more.",
        when=b.ago(days=2, hours=3),
    )
    b.write(sync, "It went through! 100%. Thank you all.", when=b.ago(days=2, hours=2))
    b.status(sync, Status.RESOLVED, "elena", when=b.ago(days=2, hours=1, minutes=50))


def consumer_care(b: Builder) -> None:
    """Story 4: a compliment gets a personal reply within the hour."""
    alice = b.customer(
        "Alice Martin",
        [("email", "alice.martin@example.org"), ("social", "instagram:@alice.studies")],
        since=b.ago(days=6),
        owner="nora",
        timezone_name="America/Toronto",
    )
    compliment = b.open(
        alice,
        "Your mint gum got me through my exams",
        "Just wanted to say thank you — a pack of your spearmint gum got me through six "
        "exams this week. Passed all of them!",
        channel="email",
        when=b.ago(days=1, hours=5),
        owner="nora",
    )
    b.reply(
        compliment,
        "nora",
        "Alice, congratulations on passing all six! Your note made our whole team smile. "
        "A little celebration pack is on its way to you.",
        when=b.ago(days=1, hours=4, minutes=20),
    )
    b.remember(
        alice,
        "nora",
        "Student; just passed her exams (spearmint fan)",
        when=b.ago(days=1, hours=4),
    )
    b.status(compliment, Status.RESOLVED, "nora", when=b.ago(days=1, hours=4))


def workshop(b: Builder) -> None:
    """Story 4: a case shipped without wheels; the dimensions are on file for next time."""
    oliver = b.customer(
        "Oliver Grant",
        [("email", "oliver.grant@example.com"), ("phone", "+1 647 555 0142")],
        since=b.ago(days=60),
        owner="jonas",
        timezone_name="America/Toronto",
        preferred_channel="phone",
    )
    b.own(
        oliver,
        "jonas",
        "Cello dimensions",
        kind="instrument",
        attributes={
            "instrument": "cello (4/4, 1921 Mirecourt)",
            "body length": "75.5 cm",
            "upper bout": "34.5 cm",
            "lower bout": "44 cm",
            "rib depth": "12.5 cm",
            "total length": "123 cm",
            "bridge height": "8.9 cm",
        },
        when=b.ago(days=58),
    )
    order_asset = b.own(
        oliver,
        "jonas",
        "Carbon flight case, custom fit",
        kind="order",
        reference="ORD-2291",
        attributes={"colour": "midnight blue", "wheels": "WK-7"},
        when=b.ago(days=58),
    )
    b.remember(oliver, "jonas", "Principal cellist; tours in spring", when=b.ago(days=58))
    order = b.open(
        oliver,
        "Custom flight case for my cello",
        "I'd like a custom case for my cello; measurements below.",
        channel="email",
        when=b.ago(days=58, hours=2),
        owner="jonas",
    )
    b.reply(
        order,
        "jonas",
        "Thanks Oliver — dimensions are on file; your case ships in four weeks.",
        when=b.ago(days=58),
    )
    b.status(order, Status.RESOLVED, "jonas", when=b.ago(days=57))
    wheels = b.open(
        oliver,
        "Case arrived without its wheels",
        "The case is beautiful but it came without the wheels, and I fly to Vienna on Monday.",
        channel="phone",
        when=b.ago(days=4, hours=7),
        owner="jonas",
        logged_by="jonas",
        priority=Priority.HIGH,
        tags=("make-good", "ORD-2291"),
    )
    b.call(
        wheels,
        "jonas",
        "Apologised. Wheel kit WK-7 ships tomorrow by express; "
        "credit of CA$60 recorded against ORD-2291.",
        when=b.ago(days=4, hours=7),
        minutes=8,
        direction=CallDirection.INBOUND,
        phone="+16475550142",
    )
    b.note(
        wheels,
        "jonas",
        "Make-good: wheel kit WK-7 (express) + CA$60 credit on ORD-2291.",
        when=b.ago(days=4, hours=6, minutes=50),
    )
    # Recorded against the order: the part needs nobody's approval; the credit is over
    # Jonas's limit, so the supervisor approves it.
    b.at(
        b.ago(days=4, hours=6, minutes=45),
        record_make_good,
        case=wheels,
        by=b.agents["jonas"],
        kind=MakeGoodKind.PART_NEXT_DAY,
        description="Wheel kit WK-7 sent next day by express",
        reason="missing part",
        asset=order_asset,
    )
    credit = b.at(
        b.ago(days=4, hours=6, minutes=44),
        record_make_good,
        case=wheels,
        by=b.agents["jonas"],
        kind=MakeGoodKind.CREDIT,
        description="Credit on ORD-2291 for the case shipped without its wheels",
        reason="missing part",
        amount="60.00",
        currency="CAD",
        asset=order_asset,
    )
    b.at(
        b.ago(days=4, hours=6),
        decide_make_good,
        make_good=credit,
        by=b.agents[SUPERVISOR],
        approve=True,
        note="Right call: he flies to Vienna on Monday.",
    )
    b.write(
        wheels,
        "The wheels arrived, fitted in two minutes. Thank you!",
        channel="email",
        when=b.ago(days=2, hours=20),
    )
    b.status(wheels, Status.RESOLVED, "jonas", when=b.ago(days=2, hours=19))
    # Due today, so Jonas's "Calls due" list is not empty on the first look.
    b.at(
        b.ago(days=2, hours=19),
        schedule_follow_up,
        case=wheels,
        by=b.agents["jonas"],
        due_at=b.later_today("America/Toronto", clock=time(14, 0)),
        purpose="Did the wheels hold up on the Vienna trip?",
        script="Ask how the case travelled; check the wheel kit is firmly fitted. His "
        "dimensions are on file for the next order.",
        now=b.ago(days=2, hours=19),
    )


ALL = (night_clinic, dental, software, consumer_care, workshop, airline)
