"""`rapport demo` loads the stories' world once, through the actions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from rapport.care.models import (
    Appointment,
    Promise,
    PromiseKind,
    PromiseStatus,
    Referral,
    ReferralState,
    WordOfMouth,
)
from rapport.care.selectors import calls_due
from rapport.cases.access import cases_for_agent
from rapport.cases.models import Call, Case, CaseEvent, DeliveryStatus, Direction, Message, Status
from rapport.cases.search import search_cases
from rapport.outreach.models import (
    Incident,
    MakeGood,
    MakeGoodKind,
    MakeGoodStatus,
    OutreachStatus,
    OutreachTask,
)
from rapport.people.models import Agent, Asset, Brand, Customer, RapportNote, Site

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Agent,
            Site,
            Customer,
            Case,
            Message,
            Call,
            CaseEvent,
            RapportNote,
            Asset,
            Promise,
            Referral,
            Appointment,
            WordOfMouth,
            MakeGood,
            Incident,
            OutreachTask,
        )
    }


@pytest.mark.django_db
def test_demo_loads_the_stories_once() -> None:
    output = run_demo()
    assert "supervisor" in output and "rapport-demo" in output and "ana" in output

    supervisor = Agent.objects.get(user__username="supervisor")
    assert supervisor.is_supervisor
    # Signing in goes through django-axes, which needs the request to count failures.
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="supervisor", password="rapport-demo") is not None
    assert authenticate(request, username="ana", password="rapport-demo") is not None
    assert Site.objects.values("timezone").distinct().count() == 3
    # Six businesses, each with its own contact page saying when a person is there.
    assert Brand.objects.count() == 6
    chooser = Client().get("/contact/").content.decode()
    assert 'href="/contact/workshop/"' in chooser and 'href="/contact/night-clinic/"' in chooser
    contact = Client().get("/contact/workshop/").content.decode()
    assert "Talk to a person at Forte Cases" in contact and "+1 416 555 0123" in contact
    assert "<b>Toronto</b>" in contact and "Fri 07:30 to 16:00" in contact
    assert "Manila" not in contact
    clinic = Client().get("/contact/night-clinic/").content.decode()
    assert "<b>Night Clinic Madrid</b>" in clinic and "Open around the clock" in clinic
    assert Site.objects.get(name="Night Clinic Madrid").working_hours == {}

    maria = Customer.objects.get(name="Maria Lopez")
    assert maria.owner and maria.owner.display_name == "Dr. Ben Hale"
    assert maria.deputy and maria.deputy.display_name == "Dr. Ana Ortiz"
    assert maria.rapport_notes.filter(text__contains="Mila, 10-week yellow lab").exists()
    night = Case.objects.get(subject="Puppy coughing at night")
    assert night.owner == maria.deputy  # the night doctor, not the regular vet
    assert night.status == Status.RESOLVED
    assert night.messages.filter(direction=Direction.NOTE, text__contains="Follow-up").exists()

    dimensions = Asset.objects.get(name="Cello dimensions")
    assert dimensions.attributes["body length"] == "75.5 cm"
    assert Case.objects.filter(subject="Case arrived without its wheels").exists()
    assert Case.objects.filter(subject__contains="real person", priority="urgent").exists()

    # History spread over past weeks, not all stamped "now".
    oldest = Message.objects.order_by("created_at").first()
    newest = Message.objects.order_by("-created_at").first()
    assert oldest and newest and (newest.created_at - oldest.created_at).days > 30
    # Nobody is emailed: demo replies count as delivered.
    assert not Message.objects.filter(delivery_status=DeliveryStatus.QUEUED).exists()

    # The data is searchable and visible through the normal access rules.
    ana = Agent.objects.get(user__username="ana")
    assert set(search_cases(cases_for_agent(ana), "Mila")) == set(
        Case.objects.filter(customer=maria)
    )
    carlo = Agent.objects.get(user__username="carlo")
    assert not search_cases(cases_for_agent(carlo), "Mila").exists()

    before = counts()
    second = run_demo()
    assert "already loaded" in second
    assert counts() == before


def local_day(at: datetime, zone: str) -> Any:
    return at.astimezone(ZoneInfo(zone)).date()


@pytest.mark.django_db
def test_demo_stories_keep_their_promises(
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run_demo()
    now = timezone.now()
    ana = Agent.objects.get(user__username="ana")

    # Story 1: the night doctor owns the next-day call, tomorrow 10:00 the owner's time.
    night = Case.objects.get(subject="Puppy coughing at night")
    follow_up = Promise.objects.get(case=night, kind=PromiseKind.FOLLOW_UP)
    assert follow_up.owner == ana and follow_up.status == PromiseStatus.OPEN
    due = follow_up.due_at.astimezone(ZoneInfo("Europe/Madrid"))
    assert due.time() == time(10, 0)
    assert due.date() == local_day(now, "Europe/Madrid") + timedelta(days=1)
    assert follow_up not in calls_due(ana, now=now)
    assert follow_up in calls_due(ana, now=follow_up.due_at - timedelta(hours=1))
    # ...and somebody has a call due today, so the page is not empty on the first look.
    jonas = Agent.objects.get(user__username="jonas")
    today = calls_due(jonas, now=now)
    assert [p.customer.name for p in today] == ["Oliver Grant"]
    assert local_day(today[0].due_at, jonas.timezone) == local_day(now, jonas.timezone)

    # Story 2: referral to a specialist, appointment with an invite, and word of mouth.
    tom = Customer.objects.get(name="Tom Becker")
    referral = Referral.objects.get(promise__customer=tom)
    assert referral.provider_name == "Dr. Iris Kwan"
    assert referral.state == ReferralState.HANDED_BACK
    appointment = Appointment.objects.get(referral=referral)
    assert appointment.promise.timezone == "Europe/Lisbon"
    assert appointment.invite is not None
    assert appointment.invite.delivery_status == DeliveryStatus.SENT
    assert appointment.promise.follow_ups.get().status == PromiseStatus.KEPT
    assert WordOfMouth.objects.get(referrer=tom).referred_name == "Anna Becker"

    # Story 3: the customer who wanted a real person has a callback with a named agent.
    glitch = Case.objects.get(subject__contains="real person")
    callback = Promise.objects.get(case=glitch, kind=PromiseKind.CALLBACK)
    assert callback.owner is not None and callback.window_end is not None
    assert callback.due_at >= now - timedelta(minutes=10)

    # Story 4: the wheel kit and the credit are recorded against the order, approved.
    order = Asset.objects.get(reference="ORD-2291")
    make_goods = {m.kind: m for m in MakeGood.objects.filter(asset=order)}
    assert set(make_goods) == {MakeGoodKind.PART_NEXT_DAY, MakeGoodKind.CREDIT}
    credit = make_goods[MakeGoodKind.CREDIT]
    assert (credit.amount, credit.currency) == (Decimal("60.00"), "CAD")
    assert all(m.status == MakeGoodStatus.APPROVED for m in make_goods.values())
    assert credit.approved_by is not None and credit.approved_by.is_supervisor

    # Story 5: every passenger of AU 482 has a person reaching out; a few are done.
    incident = Incident.objects.get(title__contains="AU 482")
    tasks = OutreachTask.objects.filter(incident=incident)
    assert tasks.count() == 30
    assert not tasks.filter(owner__isnull=True).exists()
    assert set(tasks.values_list("owner__user__username", flat=True)) <= {"carlo", "grace"}
    board = Counter(tasks.values_list("status", flat=True))
    assert board[OutreachStatus.REACHED] >= 3 and board[OutreachStatus.ATTEMPTED] >= 2
    assert board[OutreachStatus.NOT_YET] > 10
    rosa = tasks.get(customer__name="Rosa Delgado")
    assert rosa.tier == 1 and rosa.status == OutreachStatus.REACHED and rosa.outcome == "rebooked"
    assert all(
        Case.objects.get(pk=t.case_id).status == Status.RESOLVED
        for t in tasks.filter(status=OutreachStatus.REACHED)
    )

    # Nobody is emailed: every outbound message counts as sent and no mail left the process.
    assert not Message.objects.filter(delivery_status=DeliveryStatus.QUEUED).exists()
    assert mail.outbox == []

    # Backdated steps stay in the past; due times stay ahead.
    assert not Message.objects.filter(created_at__gt=now).exists()
    assert not Promise.objects.filter(created_at__gt=now).exists()

    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        assert "already loaded" in run_demo()
    assert counts() == before
