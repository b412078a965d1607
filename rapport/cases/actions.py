"""The only functions that change cases: atomic, audited, side effects queued on commit.

Opening a case and a customer's message arriving live in `rapport.cases.arrivals` (with their
batch forms for email intake) and are offered here too, where the rest of the write layer is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.cases import transports
from rapport.cases.access import may_open_case_for
from rapport.cases.arrivals import (
    MAX_TEXT,
    Opened,
    check_works_for,
    clean_body,
    clean_tags,
    default_team,
    open_case,
    open_case_with_message,
    preview,
    receive_message,
)
from rapport.cases.attachments import Upload, attach, check_uploads
from rapport.cases.models import (
    TRANSITIONS,
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
from rapport.lib.errors import ActionError, Conflict
from rapport.people.actions import (
    create_likely_duplicate,
    find_or_create_customer,
    known_customers,
    normalise_identity,
)
from rapport.people.models import Agent, Channel, Customer, Team
from rapport.routing import deadlines

__all__ = [  # the arrivals' actions, offered beside the others
    "MAX_TEXT",
    "Opened",
    "open_case",
    "open_case_with_message",
    "receive_message",
]


def _event(
    case: Case,
    *,
    by: Agent | None,
    kind: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=by, kind=kind, before=before or {}, after=after or {}, reason=reason[:500]
    )


def signed(text: str, agent: Agent) -> str:
    """The reply as the customer reads it: signed by the named person who wrote it."""
    signature = agent.signature.strip()
    closing = f"{agent.display_name}\n{signature}" if signature else agent.display_name
    return f"{text.rstrip()}\n\n— {closing}"


@transaction.atomic
def reply(
    *,
    case: Case,
    text: str,
    by: Agent,
    channel: str | None = None,
    attachments: Sequence[Upload] = (),
) -> Message:
    """A reply to the customer, signed with the agent's name and sent by the worker (with its
    files, when the channel carries them)."""
    from rapport.cases.tasks import deliver_message

    body, _ = clean_body(text)
    check_uploads(attachments)
    case = Case.objects.select_for_update().select_related("customer").get(pk=case.pk)
    if case.status == Status.CLOSED:
        raise ActionError("This case is closed; replies go on a new case.")
    by_channel = transports.reply_channel(case, channel)
    now = timezone.now()
    message = Message.objects.create(
        case=case,
        customer_id=case.customer_id,
        direction=Direction.OUTBOUND,
        channel=by_channel,
        author=by,
        text=signed(body, by),
        delivery_status=DeliveryStatus.QUEUED,
        created_at=now,
    )
    fields: dict[str, Any] = {"updated_at": now, "last_message_preview": preview(body)}
    if case.first_response_at is None:
        fields["first_response_at"] = now
    if case.status in (Status.NEW, Status.OPEN, Status.WAITING_US):
        fields["status"] = Status.WAITING_CUSTOMER
    waiting = fields.get("status", case.status) == Status.WAITING_CUSTOMER
    fields.update(deadlines.on_human_response(case, now=now, waiting_on_customer=waiting))
    Case.objects.filter(pk=case.pk).update(**fields)
    attach(message, attachments)
    _event(case, by=by, kind="replied", after={"message": message.pk})
    transaction.on_commit(partial(deliver_message.enqueue, message.pk))
    return message


@transaction.atomic
def add_note(*, case: Case, text: str, by: Agent, attachments: Sequence[Upload] = ()) -> Message:
    body, _ = clean_body(text)
    check_uploads(attachments)
    note = Message.objects.create(
        case=case,
        customer_id=case.customer_id,
        direction=Direction.NOTE,
        channel=Channel.SYSTEM,
        author=by,
        text=body,
    )
    attach(note, attachments)
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    return note


@transaction.atomic
def log_call(
    *,
    case: Case,
    by: Agent,
    direction: str,
    outcome: str,
    notes: str = "",
    phone: str = "",
    duration_seconds: int = 0,
    started_at: datetime | None = None,
) -> Call:
    if direction not in CallDirection.values:
        raise ActionError(f"{direction!r} is not a call direction.", field="direction")
    if outcome not in CallOutcome.values:
        raise ActionError(f"{outcome!r} is not a call outcome.", field="outcome")
    if duration_seconds < 0 or duration_seconds > 24 * 3600:
        raise ActionError("A call lasts between 0 seconds and 24 hours.", field="duration_seconds")
    now = timezone.now()
    if started_at is not None and started_at > now:
        raise ActionError("A call cannot be logged in the future.", field="started_at")
    call = Call.objects.create(
        case=case,
        customer_id=case.customer_id,
        agent=by,
        direction=direction,
        phone=phone,
        outcome=outcome,
        notes=notes.strip(),
        duration_seconds=duration_seconds,
        started_at=started_at or now,
    )
    fields: dict[str, Any] = {"updated_at": now}
    # A call that reached the customer is a human response.
    if outcome == CallOutcome.REACHED:
        fields.update(deadlines.on_human_response(case, now=now, waiting_on_customer=False))
    Case.objects.filter(pk=case.pk).update(**fields)
    _event(case, by=by, kind="call", after={"call": call.pk, "outcome": outcome})
    return call


@transaction.atomic
def change_status(
    *,
    case: Case,
    to: str,
    by: Agent | None,
    reason: str = "",
    expected: str | None = None,
) -> Case:
    """Compare-and-set: a change made on a stale page is refused rather than lost."""
    if to not in Status.values:
        raise ActionError(f"{to!r} is not a status.", field="status")
    current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).get()
    if expected is not None and expected != current:
        raise Conflict(
            f"The case is now {Status(current).label.lower()}, not {Status(expected).label.lower()}"
            " — someone else changed it. Reload and try again."
        )
    if to == current:
        return case
    if to not in TRANSITIONS[current]:
        raise ActionError(
            f"A {Status(current).label.lower()} case cannot become {Status(to).label.lower()}.",
            field="status",
        )
    now = timezone.now()
    fields: dict[str, Any] = {"status": to, "updated_at": now}
    if to == Status.RESOLVED:
        fields["resolved_at"] = now
    elif current in (Status.RESOLVED,) and to == Status.OPEN:
        fields["resolved_at"] = None
    fresh = Case.objects.select_related("owner__site").get(pk=case.pk)
    fields.update(deadlines.on_status(fresh, to=to, now=now))
    if not Case.objects.filter(pk=case.pk, status=current).update(**fields):
        raise Conflict("Someone else changed this case at the same moment. Reload and try again.")
    _event(
        case, by=by, kind="status", before={"status": current}, after={"status": to}, reason=reason
    )
    if to == Status.RESOLVED:
        # Close the loop: follow-up policies schedule the next-day call, owned by the person who
        # resolved the case, in this same transaction (a refused resolution schedules nothing).
        from rapport.care.actions import on_case_resolved

        on_case_resolved(case_id=case.pk, by=by)
    case.refresh_from_db()
    return case


def resolve_case(*, case: Case, by: Agent | None, reason: str = "") -> Case:
    return change_status(case=case, to=Status.RESOLVED, by=by, reason=reason)


@transaction.atomic
def change_priority(*, case: Case, to: str, by: Agent | None, reason: str = "") -> Case:
    if to not in Priority.values:
        raise ActionError(f"{to!r} is not a priority.", field="priority")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.priority == to:
        return case
    before = case.priority
    case.priority, case.updated_at = to, timezone.now()
    # A person's judgement wins over triage from now on; the audit row keeps the reason.
    case.priority_overridden = by is not None
    case.save(update_fields=["priority", "updated_at", "priority_overridden"])
    _event(
        case,
        by=by,
        kind="priority",
        before={"priority": before},
        after={"priority": to},
        reason=reason,
    )
    return case


@transaction.atomic
def assign_case(
    *,
    case: Case,
    owner: Agent,
    by: Agent | None,
    reason: str = "",
    team: Team | None = None,
    tell_owner: bool = True,
) -> Case:
    """Give the case to a named person; the reason is kept in the audit trail. A person handed
    a case by someone else is notified, unless the caller tells them itself (`tell_owner`)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.owner_id == owner.pk and (team is None or case.team_id == team.pk):
        return case
    check_works_for(case.brand, owner=owner, team=team)
    before = {"owner": case.owner_id, "team": case.team_id}
    case.owner = owner
    if team is not None:
        case.team = team
    elif case.team_id is None or not owner.teams.filter(pk=case.team_id).exists():
        case.team = default_team(owner, case.brand) or case.team
    case.updated_at = timezone.now()
    case.save(update_fields=["owner", "team", "updated_at"])
    _event(
        case,
        by=by,
        kind="assigned",
        before=before,
        after={"owner": owner.pk, "team": case.team_id},
        reason=reason,
    )
    if tell_owner and by is not None and by.pk != owner.pk:
        why = f": {reason.strip()}" if reason.strip() else "."
        notify_agent(
            agent=owner,
            kind="handover",
            text=f"{by.display_name} handed you case {case.reference} {case.subject}{why}",
            case=case,
        )
    return case


@transaction.atomic
def set_tags(*, case: Case, tags: Iterable[str], by: Agent | None) -> Case:
    clean = clean_tags(tags)
    before = list(case.tags)
    case.tags = clean
    case.updated_at = timezone.now()
    case.save(update_fields=["tags", "updated_at"])
    _event(case, by=by, kind="tags", before={"tags": before}, after={"tags": clean})
    return case


@transaction.atomic
def split_message(*, message: Message, by: Agent, subject: str = "") -> Case:
    """Move one customer message (and what came after it in reply) into a case of its own."""
    if message.direction != Direction.INBOUND:
        raise ActionError("Only a customer's message can start a new case.")
    origin = message.case
    new_case = Case.objects.create(
        customer_id=message.customer_id,
        subject=" ".join(subject.split())[:300] or preview(message.text)[:80],
        priority=origin.priority,
        owner=origin.owner,
        team=origin.team,
        origin_channel=message.channel,
        last_message_preview=preview(message.text),
        status=Status.OPEN,
    )
    Message.objects.filter(pk=message.pk).update(case=new_case)
    now = timezone.now()
    Case.objects.filter(pk=origin.pk).update(updated_at=now)
    _event(origin, by=by, kind="split", after={"message": message.pk, "case": new_case.pk})
    _event(
        new_case,
        by=by,
        kind="opened",
        after={"split_from": origin.pk, "message": message.pk},
        reason=f"Split from case #{origin.pk}",
    )
    return new_case


@transaction.atomic
def merge_cases(*, source: Case, target: Case, by: Agent | None, reason: str = "") -> Case:
    """All messages, calls and events of `source` move to `target`; `source` is closed."""
    if source.pk == target.pk:
        raise ActionError("A case cannot be merged into itself.")
    locked = {
        c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.customer_id != target.customer_id:
        raise ActionError(
            "Only cases of the same customer can be merged; merge the customers first."
        )
    if source.merged_into_id is not None:
        raise ActionError(f"Case #{source.pk} was already merged into #{source.merged_into_id}.")
    if target.status == Status.CLOSED:
        raise ActionError(f"Case #{target.pk} is closed; merge into an active case.")
    moved = {
        "messages": Message.objects.filter(case=source).update(case=target),
        "calls": Call.objects.filter(case=source).update(case=target),
    }
    now = timezone.now()
    Case.objects.filter(pk=source.pk).update(
        status=Status.CLOSED, merged_into=target, updated_at=now
    )
    target.tags = sorted(set(target.tags) | set(source.tags))
    target.updated_at = now
    if target.first_response_at is None and source.first_response_at is not None:
        target.first_response_at = source.first_response_at
    target.save(update_fields=["tags", "updated_at", "first_response_at"])
    _event(
        source,
        by=by,
        kind="merged_into",
        before={"status": source.status},
        after={"case": target.pk, "status": Status.CLOSED},
        reason=reason,
    )
    _event(target, by=by, kind="merged", after={"case": source.pk, **moved}, reason=reason)
    target.refresh_from_db()
    return target


def mark_delivery(*, message: Message, status: str, error: str = "") -> None:
    """Record what happened to an outbound message (compare-and-set from queued)."""
    Message.objects.filter(pk=message.pk).exclude(delivery_status=status).update(
        delivery_status=status, delivery_error=error[:500]
    )


def mark_notifications_read(*, agent: Agent) -> int:
    """Everything the agent has been told so far counts as seen."""
    from rapport.cases.models import Notification

    return Notification.objects.filter(agent=agent, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def customer_for_address(*, kind: str, value: str, name: str, by: Agent) -> Customer:
    """The customer an agent means by an address they typed: its holder when the agent may file
    a case on them (`may_open_case_for`), a new customer with it when nobody holds it; else a
    new customer without it, a likely duplicate, and the holder's owner and deputy are asked
    whether to merge the two. The holder is never shown to the agent."""
    normalised = normalise_identity(kind, value)
    holder = known_customers(kind=kind, values=[normalised]).get(normalised)
    if holder is None or may_open_case_for(by, holder):
        return find_or_create_customer(kind=kind, value=normalised, name=name, by=by)[0]
    customer = create_likely_duplicate(name=name, kind=kind, value=normalised, of=holder, by=by)
    team = default_team(by)
    opener = f"{by.display_name} ({team})" if team is not None else by.display_name
    text = (
        f"{opener} typed {normalised}, the address of your customer {holder.name} "
        f"(#{holder.pk}), for a new case, and it was filed under a new customer #{customer.pk}. "
        f"If it is the same person, a supervisor can merge #{customer.pk} into #{holder.pk}."
    )
    told = {agent_id for agent_id in (holder.owner_id, holder.deputy_id) if agent_id is not None}
    people = (
        Agent.objects.filter(pk__in=told)
        if told
        else Agent.objects.filter(is_supervisor=True, user__is_active=True)  # nobody's own
    )
    for agent in people.order_by("pk"):
        notify_agent(agent=agent, kind="merge_suggestion", text=text)
    return customer


@transaction.atomic
def notify_agent(*, agent: Agent, kind: str, text: str, case: Case | None = None) -> None:
    """Tell a named person something they must act on now (a bounced reply, a deadline)."""
    from rapport.cases.models import Notification

    Notification.objects.create(agent=agent, case=case, kind=kind[:40], text=text[:500])
