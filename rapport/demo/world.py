"""The demo world: six businesses from DESIGN.md's stories, their agents and customers.

Everything is created through the actions, as a person or a channel would. Actions stamp most
rows with the current time (a reply is written "now"), so to spread the history over past weeks
each step is run through `Builder.at(when, ...)`, which afterwards moves the rows that step
created to `when` with a bulk `update()`. That is the only place outside the actions that
writes domain rows, and it only ever touches timestamps of demo data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from rapport.cases import actions as case_actions
from rapport.cases.models import (
    Call,
    CallDirection,
    CallOutcome,
    Case,
    CaseEvent,
    DeliveryStatus,
    Direction,
    Message,
    Priority,
    Status,
)
from rapport.people import actions as people_actions
from rapport.people.models import Agent, Asset, Customer, CustomerEvent, RapportNote, Site, Team

PASSWORD = "rapport-demo"  # noqa: S105 -- printed for the demo sign-in on purpose
SUPERVISOR = "supervisor"
T = TypeVar("T")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def _hours(start: str, end: str, days: tuple[str, ...] = WEEKDAYS) -> dict[str, list[list[str]]]:
    return {day: [[start, end]] for day in days}


ALL_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

SITES = [
    # name, time zone, country
    ("Madrid", "Europe/Madrid", "ES"),
    ("Toronto", "America/Toronto", "CA"),
    ("Manila", "Asia/Manila", "PH"),
]

# username, display name, site, signature, working hours, skills, teams
AGENTS: list[tuple[str, str, str, str, dict[str, list[list[str]]], list[str], list[str]]] = [
    (
        "ana",
        "Dr. Ana Ortiz",
        "Madrid",
        "Night Clinic · +34 911 234 567 · open 20:00-08:00",
        _hours("20:00", "08:00", ALL_WEEK),
        ["vet", "emergency"],
        ["night-clinic"],
    ),
    (
        "ben",
        "Dr. Ben Hale",
        "Madrid",
        "Night Clinic · regular vet, days",
        _hours("09:00", "17:00"),
        ["vet", "puppies"],
        ["night-clinic"],
    ),
    (
        "lucia",
        "Dr. Lucía Navarro",
        "Madrid",
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


@dataclass
class Result:
    created: bool
    usernames: list[str] = field(default_factory=list)


def is_loaded() -> bool:
    return get_user_model().objects.filter(username=SUPERVISOR).exists()


def load(*, now: datetime | None = None) -> Result:
    """Load the demo world once; a second run changes nothing."""
    usernames = [SUPERVISOR, *(row[0] for row in AGENTS)]
    if is_loaded():
        return Result(created=False, usernames=usernames)
    with transaction.atomic():
        Builder(now or timezone.now()).build()
    return Result(created=True, usernames=usernames)


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
        """Run an action, then date the messages, calls and audit rows it wrote to `when`."""
        marks = {
            model: model.objects.aggregate(last=Max("pk"))["last"] or 0
            for model in (Message, CaseEvent, CustomerEvent, RapportNote, Asset)
        }
        result = action(**kwargs)
        for model, last in marks.items():
            model.objects.filter(pk__gt=last).update(created_at=when)
        if isinstance(result, Message) and result.direction == Direction.OUTBOUND:
            # A demo never emails anyone: the reply counts as delivered when it was written.
            case_actions.mark_delivery(message=result, status=DeliveryStatus.SENT)
        return result

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
            people_actions.create_customer,
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
            case_actions.open_case,
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
            case_actions.receive_message,
            case=case,
            text=text,
            channel=channel or case.origin_channel,
            received_at=when,
        )

    def reply(self, case: Case, who: str, text: str, *, when: datetime) -> None:
        self.at(when, case_actions.reply, case=case, text=text, by=self.agents[who])

    def note(self, case: Case, who: str, text: str, *, when: datetime) -> None:
        self.at(when, case_actions.add_note, case=case, text=text, by=self.agents[who])

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
            case_actions.log_call,
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
            when, case_actions.change_status, case=case, to=to, by=self.agents[who], reason=reason
        )

    def assign(self, case: Case, to: str, who: str, *, when: datetime, reason: str) -> None:
        self.at(
            when,
            case_actions.assign_case,
            case=case,
            owner=self.agents[to],
            by=self.agents[who],
            reason=reason,
        )

    def remember(self, customer: Customer, who: str, text: str, *, when: datetime) -> None:
        self.at(
            when,
            people_actions.add_rapport_note,
            customer=customer,
            text=text,
            by=self.agents[who],
        )

    def own(self, customer: Customer, who: str, name: str, *, when: datetime, **kw: Any) -> Asset:
        return self.at(
            when, people_actions.add_asset, customer=customer, name=name, by=self.agents[who], **kw
        )

    # --- the world ------------------------------------------------------------------------

    def build(self) -> None:
        from rapport.demo import stories

        self.organisation()
        for story in stories.ALL:
            story(self)
        self.settle_case_timestamps()

    def organisation(self) -> None:
        for name, tz, country in SITES:
            self.sites[name] = people_actions.create_site(
                name=name, timezone_name=tz, country=country
            )
        for username, display, site, signature, hours, skills, _teams in AGENTS:
            self.agents[username] = people_actions.create_agent(
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
        self.agents[SUPERVISOR] = people_actions.create_agent(
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
            self.teams[slug] = people_actions.create_team(name=name, slug=slug, members=members)

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
                case=case, kind="status", after__status=Status.RESOLVED
            ).aggregate(at=Max("created_at"))["at"]
            stamps = [t for t in (last_message, last_call, last_event) if t is not None]
            responses = [t for t in (first_reply, first_call) if t is not None]
            fresh = Case.objects.get(pk=case.pk)
            Case.objects.filter(pk=case.pk).update(
                updated_at=max(stamps),
                first_response_at=min(responses) if responses else None,
                resolved_at=resolved if fresh.status == Status.RESOLVED else None,
            )
