"""Opening a case, and a customer's message arriving on one: the only ways a case begins.

Every case is opened by `open_cases`: a customer's new case with their first message (email
intake, the web, the API, the command line, a logged call), a message split off another case
(`split_message`), and the desk's own cases when it reaches out (incident outreach). Each is
settled before it is written (a named owner, triage of the customer's words, service-level
deadlines), so no case begins without them. Each comes in a batch form (`open_cases`,
`receive_messages`), which email intake and outreach use to write a batch with one statement per
table, and a single form, which is a batch of one. Every case in a batch is settled exactly as it
would be alone and in that order, so each routing decision sees the ones before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any, ParamSpec

from django.db import transaction
from django.utils import timezone

from rapport.cases.actions.events import (
    NewCaseEvent,
    NewNotification,
    notify_agents,
    record_case_event,
    record_case_events,
)
from rapport.cases.models import (
    Case,
    CaseEventKind,
    DeliveryStatus,
    Direction,
    Initiative,
    Message,
    NotificationKind,
    Priority,
    Status,
)
from rapport.cases.nudging import case_changed
from rapport.cases.rules import check_works_for, clean_body, clean_tags, default_team, preview
from rapport.lib.bulk import insert_each, update_each
from rapport.lib.errors import ActionError
from rapport.people.models import Agent, Brand, Channel, Customer, Team
from rapport.routing import deadlines
from rapport.routing.service import decide, first_team_id, loads_cache, needs_for, on_shift
from rapport.triage import service as triage_service
from rapport.triage.signals import HistoryItem

# -- New cases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """A case to open (see `open_case_with_message`): with the customer's first message
    (`text`), with a message of theirs already stored on another case (`moved`, a split), or,
    when the desk reaches out (`initiative=DESK`), with the desk's note of why (`text`)."""

    customer: Customer
    subject: str
    channel: str
    text: str
    by: Agent | None
    html: str = ""
    priority: str = Priority.NORMAL
    owner: Agent | None = None
    team: Team | None = None
    tags: tuple[str, ...] = ()
    external_id: str = ""
    received_at: datetime | None = None
    route: bool = False
    first_contact: bool = False  # the customer was created for this message: nobody helped yet
    brand: Brand | None = None  # the business it came to (its address, its contact page)
    moved: Message | None = None  # a customer's message moved here from another case
    initiative: str = Initiative.CUSTOMER  # DESK: nobody waits on an answer, so no deadlines
    status: str = Status.NEW
    audit: Mapping[str, Any] = field(default_factory=dict)  # more for the "opened" event
    reason: str = ""  # for the "opened" event


@dataclass(frozen=True)
class Opened:
    case: Case
    message: Message  # the case's first message: the customer's, or the desk's note


@transaction.atomic
def open_case_with_message(
    *,
    customer: Customer,
    subject: str,
    channel: str,
    text: str,
    by: Agent | None,
    html: str = "",
    priority: str = Priority.NORMAL,
    owner: Agent | None = None,
    team: Team | None = None,
    tags: Iterable[str] = (),
    external_id: str = "",
    received_at: datetime | None = None,
    route: bool = False,
    brand: Brand | None = None,
) -> Opened:
    """A new case with the customer's first message; it has a named owner from the start.

    `by` is who recorded it. Without an explicit `owner`, an agent who logs a case (a call, a
    walk-in) owns it, unless `route` asks for the desk to choose, as for a relayed message.
    The owner, triage and deadlines are settled before the case is written, so it is written
    once, complete.
    """
    opening = Opening(
        customer=customer,
        subject=subject,
        channel=channel,
        text=text,
        by=by,
        html=html,
        priority=priority,
        owner=owner,
        team=team,
        tags=tuple(clean_tags(tags)),  # refused here, before anything is written
        external_id=external_id,
        received_at=received_at,
        route=route,
        brand=brand,
    )
    return open_cases(openings=[opening])[0]


@dataclass(eq=False)
class _Plan:
    opening: Opening
    case: Case
    body: str
    html: str
    now: datetime
    routed: dict[str, Any]
    reason: str = ""

    @property
    def heard(self) -> bool:
        """The case begins with the customer's words: triaged, and someone owes them an answer."""
        return self.opening.initiative == Initiative.CUSTOMER


@transaction.atomic(savepoint=False)  # a batch: the caller's transaction or savepoint holds it
def open_cases(*, openings: Sequence[Opening]) -> list[Opened]:
    """New cases, each settled as `open_case_with_message` settles one, in order; written with
    one statement per table."""
    if not openings:
        return []
    plans = [_plan(opening) for opening in openings]
    routed = [plan for plan in plans if plan.case.owner_id is None]
    needs = needs_for(
        [plan.case for plan in routed],
        first_contact={plan.case.customer_id for plan in routed if plan.opening.first_contact},
    )
    # None of these cases is written yet: routing counts them as it assigns them.
    with loads_cache.holding():
        for plan, need in zip(routed, needs, strict=True):
            decision = decide(plan.case, now=timezone.now(), need=need)
            relationship_owner = plan.case.customer.owner_id
            if decision is None and plan.case.brand_id is not None:
                # Nobody works for this business yet: it waits, never goes to another one.
                plan.routed = {"rule": "unassigned"}
                plan.reason = f"Nobody works for {plan.case.brand} yet"
                continue
            if decision is None:  # a desk with no agents yet: fall back to the relationship owner
                plan.case.owner_id = relationship_owner
                plan.routed = {"rule": "relationship_owner" if relationship_owner else "unassigned"}
                plan.reason = "No agents to route to" if relationship_owner is None else ""
            else:
                plan.case.owner_id = decision.agent_id
                plan.routed = {
                    "rule": str(decision.rule),
                    "pickup_at": decision.pickup_at.isoformat(),
                }
                plan.reason = decision.reason
                plan.case.pickup_at = decision.pickup_at
            owner_id = plan.case.owner_id
            if owner_id is not None:
                if plan.case.team_id is None:
                    plan.case.team_id = first_team_id(owner_id, plan.case.brand_id)
                # A stand-in holds the case until the person who knows the customer is back.
                if relationship_owner is not None and relationship_owner != owner_id:
                    plan.case.return_to_id = relationship_owner
    owners = Agent.objects.select_related("site").in_bulk(
        {plan.case.owner_id for plan in routed if plan.case.owner_id is not None}
    )
    heard = [plan for plan in plans if plan.heard]
    for plan, (said_at, history) in zip(heard, _histories(heard), strict=True):
        case, now = plan.case, plan.now
        if plan in routed and case.owner_id is not None:
            case.owner = owners[case.owner_id]
        can_call = case.owner is not None and on_shift(case.owner, now)
        read = triage_service.read(
            case,
            text=plan.body,
            channel=case.origin_channel,
            now=said_at,
            phone_available=can_call,
            history=history,
        )
        for name, value in triage_service.as_case_fields(case, read, now=now).items():
            setattr(case, name, value)  # the deadlines below see the signals
        for name, value in deadlines.on_open(case, now=now).items():
            setattr(case, name, value)
    cases = insert_each(Case, [plan.case for plan in plans])
    messages = _first_messages(plans)
    triage_service.record_signals(
        [(m, plan.case.triage) for plan, m in zip(plans, messages, strict=True) if plan.heard]
    )
    record_case_events(
        NewCaseEvent(
            case=plan.case,
            kind=CaseEventKind.OPENED,
            by=plan.opening.by,
            after={
                "owner": plan.case.owner_id,
                "channel": plan.opening.channel,
                "priority": plan.opening.priority,
                **plan.routed,
                **plan.opening.audit,
            },
            reason="; ".join(r for r in (plan.opening.reason, plan.reason) if r),
        )
        for plan in plans
    )
    _tell_relationship_owners(cases)
    _tell_owners(plans)
    return [Opened(case, message) for case, message in zip(cases, messages, strict=True)]


def _tell_owners(plans: Sequence[_Plan]) -> None:
    """The owner of a new case hears of it, unless they opened it themself."""
    _tell(
        NotificationKind.NEW_CASE,
        (
            (plan.case, f"{plan.case.customer.name}: {plan.case.reference} {plan.case.subject}")
            for plan in plans
            if plan.opening.by is None or plan.opening.by.pk != plan.case.owner_id
        ),
    )


def _tell(kind: NotificationKind, notes: Iterable[tuple[Case, str]]) -> None:
    """Each case's owner (if it has one) is told the text beside it."""
    notify_agents(
        NewNotification(agent_id=case.owner_id, case=case, kind=kind, text=text)
        for case, text in notes
        if case.owner_id is not None
    )


def _histories(plans: Sequence[_Plan]) -> list[tuple[datetime, list[HistoryItem]]]:
    """When each customer said what opens their case, and what they said before it on any of
    their cases: one query for new messages; a moved message is read as of its arrival."""
    fresh = [plan for plan in plans if plan.opening.moved is None]
    earlier = iter(
        triage_service.histories([plan.case for plan in fresh], now=min(p.now for p in fresh))
        if fresh
        else []
    )
    result = []
    for plan in plans:
        moved = plan.opening.moved
        if moved is None:
            result.append((plan.now, next(earlier)))
            continue
        said = moved.created_at
        before = triage_service.histories([plan.case], now=said, until=said)[0]
        result.append((said, [item for item in before if item.at < said]))
    return result


def _first_messages(plans: Sequence[_Plan]) -> list[Message]:
    """Each case's first message: the customer's (written, or moved from its case), or the
    desk's note of why it reaches out."""
    written = iter(
        insert_each(
            Message,
            [_first_message(plan) for plan in plans if plan.opening.moved is None],
        )
    )
    first = []
    for plan in plans:
        moved = plan.opening.moved
        if moved is None:
            first.append(next(written))
            continue
        Message.objects.filter(pk=moved.pk).update(case=plan.case)
        moved.case = plan.case
        first.append(moved)
    return first


def _first_message(plan: _Plan) -> Message:
    if plan.heard:
        return Message(
            case=plan.case,
            customer=plan.opening.customer,
            direction=Direction.INBOUND,
            channel=plan.opening.channel,
            text=plan.body,
            html=plan.html,
            external_id=plan.opening.external_id or None,
            delivery_status=DeliveryStatus.RECEIVED,
            created_at=plan.now,
        )
    return Message(  # the desk's note, written by the system for the person who asked
        case=plan.case,
        customer=plan.opening.customer,
        direction=Direction.NOTE,
        channel=Channel.SYSTEM,
        text=plan.body,
        created_at=plan.now,
    )


def _tell_relationship_owners(cases: Sequence[Case]) -> None:
    """The person who knows a customer hears of each new case of theirs that someone else has
    (and can open it: access follows the relationship)."""
    elsewhere = [
        (case, known_by)
        for case in cases
        if (known_by := case.customer.owner_id) is not None and case.owner_id != known_by
    ]
    if not elsewhere:
        return
    teams = dict(
        Team.objects.filter(pk__in={c.team_id for c, _ in elsewhere}).values_list("pk", "name")
    )
    names = dict(
        Agent.objects.filter(pk__in={c.owner_id for c, _ in elsewhere}).values_list(
            "pk", "display_name"
        )
    )
    notes = []
    for case, known_by in elsewhere:
        holder = names.get(case.owner_id, "nobody yet") if case.owner_id else "nobody yet"
        if case.team_id in teams:
            holder += f" ({teams[case.team_id]})"
        text = (
            f"{case.customer.name} has a new case {case.reference} {case.subject}, with {holder}."
        )
        notes.append(
            NewNotification(
                agent_id=known_by, case=case, kind=NotificationKind.CUSTOMER_CASE, text=text
            )
        )
    notify_agents(notes)


def _plan(opening: Opening) -> _Plan:
    """The case as it will be written, before routing; checks what was asked."""
    if opening.channel not in Channel.values:
        raise ActionError(f"{opening.channel!r} is not a channel.", field="channel")
    if opening.priority not in Priority.values:
        raise ActionError(f"{opening.priority!r} is not a priority.", field="priority")
    if opening.initiative not in Initiative.values:
        raise ActionError(f"{opening.initiative!r} is not an initiative.")
    if opening.status not in (Status.NEW, Status.OPEN):
        raise ActionError("A case begins new or open.", field="status")
    moved = opening.moved
    if moved is None:
        body, safe_html = clean_body(opening.text, opening.html)
    elif moved.direction != Direction.INBOUND or opening.initiative != Initiative.CUSTOMER:
        raise ActionError("Only a customer's message can start a new case.")
    elif moved.customer_id != opening.customer.pk:
        raise ActionError("The message is another customer's.")
    else:
        body, safe_html = moved.text, moved.html
    subject = " ".join(opening.subject.split())[:300] or preview(body)[:80]
    # An agent who logs a case (a call, a walk-in) is serving the customer and owns it; a case
    # the customer opened is routed to a named person at once, continuity first.
    explicit_owner = opening.owner or (None if opening.route else opening.by)
    now = opening.received_at or timezone.now()
    team = opening.team or default_team(explicit_owner, opening.brand)
    brand_id = opening.brand.pk if opening.brand is not None else (team.brand_id if team else None)
    check_works_for(opening.brand, team=team, owner=opening.owner)
    case = Case(
        customer=opening.customer,
        subject=subject,
        status=opening.status,
        initiative=opening.initiative,
        priority=opening.priority,
        owner=explicit_owner,
        team=team,
        brand_id=brand_id,
        origin_channel=opening.channel,
        tags=clean_tags(opening.tags),
        last_message_preview=preview(body),
        created_at=now,
        updated_at=now,
    )
    routed: dict[str, Any] = {}
    if explicit_owner is not None:
        routed = {"rule": "explicit" if opening.owner else "logged_by"}
        case.pickup_at = now
    return _Plan(opening, case, body, safe_html, now, routed)


P = ParamSpec("P")


def _the_case(opens: Callable[P, Opened]) -> Callable[P, Case]:
    @wraps(opens)
    def open_only(*args: P.args, **kwargs: P.kwargs) -> Case:
        return opens(*args, **kwargs).case

    return open_only


open_case = _the_case(open_case_with_message)


@transaction.atomic
def split_message(*, message: Message, by: Agent, subject: str = "") -> Case:
    """Move one customer message into a case of its own, opened as every case is: kept by the
    case's owner and team (routed when it has no owner), triaged, with its own deadlines."""
    origin = Case.objects.select_for_update().get(pk=message.case_id)
    opening = Opening(
        customer=origin.customer,
        subject=subject,
        channel=message.channel,
        text="",  # the moved message's own
        by=by,
        priority=origin.priority,
        owner=origin.owner,
        team=origin.team,
        route=True,
        brand=origin.brand,
        moved=message,
        status=Status.OPEN,
        audit={"split_from": origin.pk, "message": message.pk},
        reason=f"Split from case #{origin.pk}",
    )
    new_case = open_cases(openings=[opening])[0].case
    Case.objects.filter(pk=origin.pk).update(updated_at=new_case.created_at)
    record_case_event(
        origin, by=by, kind=CaseEventKind.SPLIT, after={"message": message.pk, "case": new_case.pk}
    )
    return new_case


# -- Messages on existing cases ------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """A customer's message on an existing case (see `receive_message`)."""

    case: Case
    text: str
    channel: str
    html: str = ""
    external_id: str = ""
    received_at: datetime | None = None


@transaction.atomic
def receive_message(
    *,
    case: Case,
    text: str,
    channel: str,
    html: str = "",
    external_id: str = "",
    received_at: datetime | None = None,
) -> Message:
    """A customer's message on an existing case; a resolved case opens again."""
    incoming = Incoming(case, text, channel, html, external_id, received_at)
    return receive_messages(incoming=[incoming])[0]


@transaction.atomic(savepoint=False)  # a batch: the caller's transaction or savepoint holds it
def receive_messages(*, incoming: Sequence[Incoming]) -> list[Message]:
    """Messages on existing cases, one a case, each as `receive_message` takes it."""
    if not incoming:
        return []
    ids = [item.case.pk for item in incoming]
    if len(set(ids)) != len(ids):
        raise ActionError("A batch holds one message a case; send the others in the next.")
    bodies = [clean_body(item.text, item.html) for item in incoming]
    # The owners and their sites: triage asks whether they can call, deadlines use their hours.
    # Locked in id order, so two workers locking overlapping cases never wait on each other.
    locked = Case.objects.select_for_update(of=("self",)).select_related("owner__site")
    cases = {case.pk: case for case in locked.filter(pk__in=ids).order_by("pk")}
    for item in incoming:
        if item.case.pk not in cases:
            raise ActionError(f"Case #{item.case.pk} no longer exists.")
        if cases[item.case.pk].status == Status.CLOSED:
            raise ActionError("This case is closed; open a new case for the customer instead.")
    # What each customer said before these, on any of their cases.
    earlier = triage_service.histories(
        [cases[pk] for pk in ids],
        now=min((item.received_at or timezone.now()) for item in incoming),
    )
    histories = dict(zip(ids, earlier, strict=True))
    written = insert_each(
        Message,
        [
            Message(
                case=cases[item.case.pk],
                customer_id=cases[item.case.pk].customer_id,
                direction=Direction.INBOUND,
                channel=item.channel,
                text=body,
                html=safe_html,
                external_id=item.external_id or None,
                delivery_status=DeliveryStatus.RECEIVED,
                created_at=item.received_at or timezone.now(),
            )
            for item, (body, safe_html) in zip(incoming, bodies, strict=True)
        ],
    )
    changed: set[str] = set()
    events: list[NewCaseEvent] = []
    readings: list[tuple[Message, dict[str, Any]]] = []
    for item, message in zip(incoming, written, strict=True):
        case, now = cases[item.case.pk], message.created_at
        fields: dict[str, Any] = {"updated_at": now, "last_message_preview": preview(message.text)}
        read = triage_service.read(
            case,
            text=message.text,
            channel=item.channel,
            now=now,
            phone_available=case.owner is not None and on_shift(case.owner, now),
            history=histories[case.pk],
        )
        triaged = triage_service.as_case_fields(case, read, now=now)
        readings.append((message, triaged["triage"]))
        for name, value in triaged.items():
            setattr(case, name, value)  # deadlines below see the fresh signals
        fields.update(triaged)
        fields.update(deadlines.on_customer_message(case, now=now))
        if case.status in (Status.RESOLVED, Status.WAITING_CUSTOMER):
            fields["status"] = Status.OPEN
            events.append(
                NewCaseEvent(
                    case=case,
                    kind=CaseEventKind.STATUS,
                    by=None,
                    before={"status": case.status},
                    after={"status": Status.OPEN},
                    reason="The customer wrote again",
                )
            )
        for name, value in fields.items():
            setattr(case, name, value)
        changed.update(fields)
    record_case_events(events)
    triage_service.record_signals(readings)
    case_changed(cases.values())  # a message taken in is news without an event
    # Every case was read under its row lock in this transaction, so writing back the fields
    # any of them changed leaves the others' values as they were.
    update_each(Case, list(cases.values()), sorted(changed))
    _tell(
        NotificationKind.CUSTOMER_WROTE,
        [
            (case, f"{case.reference} {case.subject}: {preview(message.text)}")
            for message in written
            for case in [cases[message.case_id]]
        ],
    )
    return written
