"""The demo world: six businesses from DESIGN.md's stories, their agents and customers.

Everything is created through the actions, as a person or a channel would. Actions stamp most
rows with the current time (a reply is written "now"), so to spread the history over past weeks
each step is run through `Builder.at(when, ...)`, which afterwards moves the rows that step
created (and the "it happened now" stamps it wrote, such as a promise's `kept_at`) to `when`
with a bulk `update()`. That is the only place outside the actions that writes domain rows, and
it only ever touches timestamps of demo data. Due times (a follow-up call tomorrow at 10:00) are
never moved: they are relative to when the demo is loaded, so the calls are on today's lists.

A demo never emails anyone: every outbound message a step queues (a reply, a calendar invite)
is marked sent when it was written, so the worker that later picks up its delivery job skips it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Max, Min
from django.utils import timezone

from rapport.care.models import Promise, Referral, WordOfMouth
from rapport.cases.actions import assignment
from rapport.cases.actions import messages as case_messages
from rapport.cases.actions import status as case_status
from rapport.cases.models import (
    Call,
    CallDirection,
    CallOutcome,
    Case,
    CaseEvent,
    CaseEventKind,
    DeliveryStatus,
    Direction,
    Message,
    Priority,
    Status,
    first_response,
)
from rapport.lib.hours import hours_from_text
from rapport.mail.actions.outbox import mark_delivery
from rapport.outreach.models import Incident, IncidentEvent, MakeGood, OutreachTask
from rapport.people.actions.agents import create_agent, create_site, create_team
from rapport.people.actions.customers import create_customer
from rapport.people.actions.notes import add_asset, add_rapport_note
from rapport.people.models import (
    Agent,
    Asset,
    Brand,
    Customer,
    CustomerEvent,
    RapportNote,
    Site,
    Team,
)
from rapport.routing.actions import desk as routing_actions
from rapport.routing.actions.opening import open_case, receive_message

PASSWORD = "rapport-demo"  # noqa: S105 -- printed for the demo sign-in on purpose
SUPERVISOR = "supervisor"
T = TypeVar("T")

# Rows a step creates: their `created_at` becomes the step's time.
CREATED: tuple[type[models.Model], ...] = (
    Message,
    Call,
    CaseEvent,
    CustomerEvent,
    RapportNote,
    Asset,
    Case,
    Promise,
    WordOfMouth,
    MakeGood,
    Incident,
    IncidentEvent,
    OutreachTask,
)
# "It happened now" stamps a step writes on new or existing rows (never due times).
HAPPENED: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (Call, ("started_at",)),
    (Promise, ("updated_at", "kept_at")),
    (Referral, ("acknowledged_at", "handed_back_at")),
    (MakeGood, ("decided_at",)),
    (OutreachTask, ("updated_at", "last_attempt_at", "reached_at")),
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def _hours(start: str, end: str, days: tuple[str, ...] = WEEKDAYS) -> dict[str, list[list[str]]]:
    return {day: [[start, end]] for day in days}


ALL_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# The six businesses the demo desk serves: each a brand with its own contact page
# (/contact/<slug>/), phone number, inbound address, site(s) and team.
BRANDS = [
    # slug, name, phone, inbound address
    ("night-clinic", "Night Clinic", "+34 911 234 567", "nightclinic@rapport.localhost"),
    ("dental", "Sonrisa Dental", "+34 910 555 010", "hola@sonrisa.rapport.localhost"),
    ("software", "Ledgerly", "+1 416 555 0100", "support@ledgerly.rapport.localhost"),
    ("consumer-care", "Chewbright", "+1 416 555 0111", "care@chewbright.rapport.localhost"),
    ("workshop", "Forte Cases", "+1 416 555 0123", "workshop@forte.rapport.localhost"),
    ("airline", "Aurora Air", "+63 2 8555 0199", "care@aurora-air.rapport.localhost"),
]

SITES = [
    # name, time zone, country, opening hours ("" = around the clock), brand slug (None: shared)
    ("Madrid", "Europe/Madrid", "ES", "mon-fri 08:30-18:00", None),
    ("Night Clinic Madrid", "Europe/Madrid", "ES", "", "night-clinic"),
    ("Sonrisa Dental Madrid", "Europe/Madrid", "ES", "mon-fri 08:30-18:00", "dental"),
    ("Toronto", "America/Toronto", "CA", "mon-fri 07:30-16:00", None),
    ("Manila", "Asia/Manila", "PH", "mon-sun 06:00-22:00", None),
]

# username, display name, site, signature, working hours, skills, teams
AGENTS: list[tuple[str, str, str, str, dict[str, list[list[str]]], list[str], list[str]]] = [
    (
        "ana",
        "Dr. Ana Ortiz",
        "Night Clinic Madrid",
        "Night Clinic · +34 911 234 567 · open 20:00-08:00",
        _hours("20:00", "08:00", ALL_WEEK),
        ["vet", "emergency"],
        ["night-clinic"],
    ),
    (
        "ben",
        "Dr. Ben Hale",
        "Night Clinic Madrid",
        "Night Clinic · regular vet, days",
        _hours("09:00", "17:00"),
        ["vet", "puppies"],
        ["night-clinic"],
    ),
    (
        "lucia",
        "Dr. Lucía Navarro",
        "Sonrisa Dental Madrid",
        "Sonrisa Dental · +34 910 555 010",
        _hours("08:30", "18:00"),
        ["dentist", "emergency"],
        ["dental"],
    ),
    (
        "priya",
        "Priya Shah",
        "Toronto",
        "Ledgerly Support · a real person, every time",
        _hours("09:00", "17:00"),
        ["software", "billing", "chat"],
        ["software"],
    ),
    (
        "dev",
        "Dev Patel",
        "Manila",
        "Ledgerly Support · second line",
        _hours("08:00", "16:00"),
        ["software", "sync", "api"],
        ["software"],
    ),
    (
        "elena",
        "Elena Petrova",
        "Madrid",
        "Ledgerly Support · engineering liaison",
        _hours("10:00", "18:00"),
        ["software", "sync", "database"],
        ["software"],
    ),
    (
        "nora",
        "Nora Fitzgerald",
        "Toronto",
        "Chewbright Consumer Care",
        _hours("08:00", "16:00"),
        ["consumer", "email"],
        ["consumer-care"],
    ),
    (
        "jonas",
        "Jonas Weber",
        "Toronto",
        "Forte Cases · workshop +1 416 555 0123",
        _hours("07:30", "15:30"),
        ["cases", "orders", "repairs"],
        ["workshop"],
    ),
    (
        "carlo",
        "Carlo Reyes",
        "Manila",
        "Aurora Air Customer Care",
        _hours("06:00", "14:00", ALL_WEEK),
        ["airline", "rebooking", "tagalog"],
        ["airline"],
    ),
    (
        "grace",
        "Grace Tan",
        "Manila",
        "Aurora Air Customer Care",
        _hours("14:00", "22:00", ALL_WEEK),
        ["airline", "rebooking", "refunds"],
        ["airline"],
    ),
]

TEAMS = [
    ("night-clinic", "Night Clinic"),
    ("dental", "Sonrisa Dental"),
    ("software", "Ledgerly Support"),
    ("consumer-care", "Chewbright Consumer Care"),
    ("workshop", "Forte Cases Workshop"),
    ("airline", "Aurora Air Care"),
]


class Builder:
    def __init__(self, now: datetime) -> None:
        self.now = now.replace(second=0, microsecond=0)
        self.sites: dict[str, Site] = {}
        self.teams: dict[str, Team] = {}
        self.agents: dict[str, Agent] = {}
        self.cases: list[Case] = []

    # --- time -----------------------------------------------------------------------------

    def ago(self, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        return self.now - timedelta(days=days, hours=hours, minutes=minutes)

    def at(self, when: datetime, action: Callable[..., T], **kwargs: Any) -> T:
        """Run an action, then date the rows and "it happened now" stamps it wrote to `when`."""
        marks = {
            model: model._default_manager.aggregate(last=Max("pk"))["last"] or 0
            for model in CREATED
        }
        started = timezone.now()
        result = action(**kwargs)
        for model, last in marks.items():
            model._default_manager.filter(pk__gt=last).update(created_at=when)
        for model, stamps in HAPPENED:
            for stamp in stamps:
                model._default_manager.filter(**{f"{stamp}__gte": started}).update(**{stamp: when})
        # A demo never emails anyone: what the step queued counts as delivered when written.
        for message in Message.objects.filter(
            pk__gt=marks[Message],
            direction=Direction.OUTBOUND,
            delivery_status=DeliveryStatus.QUEUED,
        ):
            mark_delivery(message=message, status=DeliveryStatus.SENT)
        return result

    def local(self, timezone_name: str, *, days: int = 0, clock: time) -> datetime:
        """`days` after today, at `clock` wall-clock time in `timezone_name` (aware, UTC)."""
        tz = ZoneInfo(timezone_name)
        day = self.now.astimezone(tz).date() + timedelta(days=days)
        return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)

    def later_today(self, timezone_name: str, *, clock: time) -> datetime:
        """Today at `clock` there, or soon if that has passed, but never after today ends:
        a call that shows on today's list however late the demo is loaded."""
        tz = ZoneInfo(timezone_name)
        soon = self.now + timedelta(minutes=30)
        due = max(self.local(timezone_name, clock=clock), soon)
        if due.astimezone(tz).date() != self.now.astimezone(tz).date():
            due = self.now
        return due

    # --- building blocks ------------------------------------------------------------------

    def customer(
        self,
        name: str,
        identities: list[tuple[str, str]],
        *,
        since: datetime,
        owner: str | None = None,
        deputy: str | None = None,
        **extra: Any,
    ) -> Customer:
        customer = self.at(
            since,
            create_customer,
            name=name,
            by=self.agents[owner] if owner else None,
            identities=identities,
            owner=self.agents[owner] if owner else None,
            deputy=self.agents[deputy] if deputy else None,
            **extra,
        )
        Customer.objects.filter(pk=customer.pk).update(created_at=since, updated_at=since)
        return customer

    def open(
        self,
        customer: Customer,
        subject: str,
        text: str,
        *,
        channel: str,
        when: datetime,
        owner: str,
        logged_by: str | None = None,
        priority: str = Priority.NORMAL,
        tags: tuple[str, ...] = (),
    ) -> Case:
        case = self.at(
            when,
            open_case,
            customer=customer,
            subject=subject,
            text=text,
            channel=channel,
            by=self.agents[logged_by] if logged_by else None,
            owner=self.agents[owner],
            priority=priority,
            tags=tags,
            received_at=when,
        )
        self.cases.append(case)
        return case

    def write(self, case: Case, text: str, *, when: datetime, channel: str | None = None) -> None:
        self.at(
            when,
            receive_message,
            case=case,
            text=text,
            channel=channel or case.origin_channel,
            received_at=when,
        )

    def reply(self, case: Case, who: str, text: str, *, when: datetime) -> None:
        self.at(when, case_messages.reply, case=case, text=text, by=self.agents[who])

    def note(self, case: Case, who: str, text: str, *, when: datetime) -> None:
        self.at(when, case_messages.add_note, case=case, text=text, by=self.agents[who])

    def call(
        self,
        case: Case,
        who: str,
        notes: str,
        *,
        when: datetime,
        minutes: float,
        direction: str = CallDirection.OUTBOUND,
        outcome: str = CallOutcome.REACHED,
        phone: str = "",
    ) -> None:
        self.at(
            when,
            case_messages.log_call,
            case=case,
            by=self.agents[who],
            direction=direction,
            outcome=outcome,
            notes=notes,
            phone=phone,
            duration_seconds=int(minutes * 60),
            started_at=when,
        )

    def status(self, case: Case, to: str, who: str, *, when: datetime, reason: str = "") -> None:
        self.at(
            when, case_status.change_status, case=case, to=to, by=self.agents[who], reason=reason
        )

    def assign(self, case: Case, to: str, who: str, *, when: datetime, reason: str) -> None:
        self.at(
            when,
            assignment.assign_case,
            case=case,
            owner=self.agents[to],
            by=self.agents[who],
            reason=reason,
        )

    def remember(self, customer: Customer, who: str, text: str, *, when: datetime) -> None:
        self.at(
            when,
            add_rapport_note,
            customer=customer,
            text=text,
            by=self.agents[who],
        )

    def own(self, customer: Customer, who: str, name: str, *, when: datetime, **kw: Any) -> Asset:
        return self.at(when, add_asset, customer=customer, name=name, by=self.agents[who], **kw)

    # --- the world ------------------------------------------------------------------------

    def organisation(self) -> None:
        brands = {
            slug: Brand.objects.create(name=name, slug=slug, phone=phone, email_addresses=[address])
            for slug, name, phone, address in BRANDS
        }
        for name, tz, country, opening, brand in SITES:
            self.sites[name] = create_site(name=name, timezone_name=tz, country=country)
            if brand is not None:
                Site.objects.filter(pk=self.sites[name].pk).update(brand=brands[brand])
            if opening:
                routing_actions.set_site_hours(
                    site=self.sites[name], working_hours=hours_from_text(opening), by=None
                )
        for username, display, site, signature, hours, skills, _teams in AGENTS:
            self.agents[username] = create_agent(
                username=username,
                display_name=display,
                password=PASSWORD,
                email=f"{username}@rapport.localhost",
                site=self.sites[site],
                timezone_name=self.sites[site].timezone,
                signature=signature,
                skills=skills,
                working_hours=hours,
            )
        self.agents[SUPERVISOR] = create_agent(
            username=SUPERVISOR,
            display_name="Sam Rivera",
            password=PASSWORD,
            email="supervisor@rapport.localhost",
            site=self.sites["Madrid"],
            timezone_name="Europe/Madrid",
            is_supervisor=True,
            signature="Customer service lead",
            working_hours=_hours("09:00", "18:00"),
        )
        for slug, name in TEAMS:
            members = [self.agents[row[0]] for row in AGENTS if slug in row[6]]
            self.teams[slug] = create_team(name=name, slug=slug, members=members)
            self.teams[slug].brand = brands[slug]
            self.teams[slug].save(update_fields=["brand"])

    # --- after the stories --------------------------------------------------------------

    def settle_case_timestamps(self) -> None:
        """Cases' own times follow their backdated messages, calls and status changes."""
        for case in self.cases:
            messages = Message.objects.filter(case=case)
            last_message = messages.aggregate(at=Max("created_at"))["at"]
            last_call = Call.objects.filter(case=case).aggregate(at=Max("started_at"))["at"]
            last_event = CaseEvent.objects.filter(case=case).aggregate(at=Max("created_at"))["at"]
            first_reply = messages.filter(direction=Direction.OUTBOUND).aggregate(
                at=Min("created_at")
            )["at"]
            first_call = Call.objects.filter(case=case, outcome=CallOutcome.REACHED).aggregate(
                at=Min("started_at")
            )["at"]
            resolved = CaseEvent.objects.filter(
                case=case, kind=CaseEventKind.STATUS, after__status=Status.RESOLVED
            ).aggregate(at=Max("created_at"))["at"]
            stamps = [t for t in (last_message, last_call, last_event) if t is not None]
            responses = [t for t in (first_reply, first_call) if t is not None]
            fresh = Case.objects.get(pk=case.pk)
            Case.objects.filter(pk=case.pk).update(
                updated_at=max(stamps),
                **first_response(fresh, min(responses) if responses else None),
                resolved_at=resolved if fresh.status == Status.RESOLVED else None,
            )
