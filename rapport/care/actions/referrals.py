"""Warm referrals: handing a customer to a specialist and back.

A referral's promise is the specialist's acknowledgement (owned by the referring agent until it
comes); it is an ordinary `Promise` row, so the scheduler reminds and escalates it like any
other."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rapport.care.actions.promises import create_promise
from rapport.care.models import (
    REFERRAL_TRANSITIONS,
    Promise,
    PromiseKind,
    PromiseStatus,
    Referral,
    ReferralState,
    Urgency,
)
from rapport.cases.actions.assignment import assign_case
from rapport.cases.actions.events import notify_agent, record_case_event
from rapport.cases.actions.messages import reply
from rapport.cases.models import Case, CaseEventKind, Message, NotificationKind
from rapport.cases.rules import check_works_for
from rapport.lib.errors import ActionError, Conflict
from rapport.people.models import Agent, Team

# How soon the specialist must acknowledge, by urgency.
ACKNOWLEDGE_WITHIN = {
    Urgency.URGENT: timedelta(hours=1),
    Urgency.SOON: timedelta(days=1),
    Urgency.ROUTINE: timedelta(days=3),
}


MAX_BRIEF = 4000


def _brief(text: str, field: str, *, required: bool = True) -> str:
    clean = text.strip()
    if required and not clean:
        raise ActionError("The brief needs this part: the specialist reads it first.", field=field)
    if len(clean) > MAX_BRIEF:
        raise ActionError(f"Keep this under {MAX_BRIEF:,} characters.", field=field)
    return clean


@transaction.atomic
def refer_case(
    *,
    case: Case,
    by: Agent,
    situation: str,
    needs: str,
    tried: str = "",
    urgency: str = Urgency.SOON,
    to_agent: Agent | None = None,
    to_team: Team | None = None,
    provider_name: str = "",
    provider_organization: str = "",
    provider_phone: str = "",
    provider_email: str = "",
    now: datetime | None = None,
) -> Referral:
    """Refer the case to another agent, a team, or an outside provider, with a brief."""
    if urgency not in Urgency.values:
        raise ActionError(f"{urgency!r} is not an urgency.", field="urgency")
    targets = sum(bool(t) for t in (to_agent, to_team, provider_name.strip()))
    if targets != 1:
        raise ActionError(
            "Refer to one specialist: an agent, a team, or an outside provider by name.",
            field="to_agent",
        )
    if to_agent is not None and to_agent.pk == by.pk:
        raise ActionError("Refer the case to someone else.", field="to_agent")
    check_works_for(
        case.brand, owner=to_agent, team=to_team, owner_field="to_agent", team_field="to_team"
    )
    external = to_agent is None and to_team is None
    if external and not (provider_phone.strip() or provider_email.strip()):
        raise ActionError("Give the provider's phone or email.", field="provider_phone")
    at = now or timezone.now()
    referral = Referral(
        to_agent=to_agent,
        to_team=to_team,
        provider_name=provider_name.strip()[:200],
        provider_organization=provider_organization.strip()[:200],
        provider_phone=provider_phone.strip()[:32],
        provider_email=provider_email.strip()[:254],
        situation=_brief(situation, "situation"),
        tried=_brief(tried, "tried", required=False),
        needs=_brief(needs, "needs"),
        urgency=urgency,
        referred_by=by,
        return_to=case.owner or by,
    )
    due = at + ACKNOWLEDGE_WITHIN[Urgency(urgency)]
    referral.promise = create_promise(
        kind=PromiseKind.REFERRAL,
        case=case,
        owner=by,
        due_at=due,
        purpose=f"{referral.specialist_name} acknowledges the referral",
        by=by,
        now=at,
    )
    referral.full_clean(exclude=["promise", "referred_by", "return_to"])
    referral.save()
    record_case_event(
        case,
        by=by,
        kind=CaseEventKind.REFERRED,
        after={
            "referral": referral.pk,
            "to": referral.specialist_name,
            "urgency": urgency,
            "acknowledge_by": due.isoformat(),
        },
        reason=referral.needs[:500],
    )
    recipients = [to_agent] if to_agent else []
    if to_team is not None:
        recipients = list(to_team.members.filter(user__is_active=True).exclude(pk=by.pk))
    label = "Urgent referral" if urgency == Urgency.URGENT else "Referral"
    for agent in recipients:
        notify_agent(
            agent=agent,
            case=case,
            kind=NotificationKind.REFERRAL,
            at=at,
            text=f"{label} from {by.display_name}: {case.customer.name} — {referral.needs[:200]}",
        )
    return referral


def _move(referral: Referral, *, to: str) -> None:
    current = Referral.objects.filter(pk=referral.pk).values_list("state", flat=True).get()
    if to not in REFERRAL_TRANSITIONS[current]:
        raise ActionError(
            f"This referral is {ReferralState(current).label.lower()}; it cannot be "
            f"{ReferralState(to).label.lower()} now."
        )
    if not Referral.objects.filter(pk=referral.pk, state=current).update(state=to):
        raise Conflict("Someone else updated this referral at the same moment. Reload.")


def may_act_as_specialist(agent: Agent, referral: Referral) -> bool:
    if agent.is_supervisor or referral.is_external:
        return True
    if referral.to_agent_id is not None:
        return agent.pk == referral.to_agent_id
    return referral.to_team is not None and referral.to_team.members.filter(pk=agent.pk).exists()


@transaction.atomic
def acknowledge_referral(*, referral: Referral, by: Agent, note: str = "") -> Referral:
    """The specialist takes it: the promise is kept and, inside the desk, the case is theirs
    until they hand it back. For an outside provider the referring agent records it."""
    if not may_act_as_specialist(by, referral):
        raise ActionError("Only the specialist it was referred to can acknowledge it.")
    _move(referral, to=ReferralState.ACKNOWLEDGED)
    now = timezone.now()
    promise = Promise.objects.get(pk=referral.promise_id)
    late = now > promise.due_at
    Promise.objects.filter(
        pk=promise.pk, status__in=(PromiseStatus.OPEN, PromiseStatus.MISSED)
    ).update(
        status=PromiseStatus.KEPT,
        kept_at=now,
        late=late,
        outcome_notes=note.strip(),
        updated_at=now,
    )
    Referral.objects.filter(pk=referral.pk).update(acknowledged_by=by, acknowledged_at=now)
    case = Case.objects.get(pk=promise.case_id)
    record_case_event(
        case,
        by=by,
        kind=CaseEventKind.REFERRAL_ACKNOWLEDGED,
        after={"referral": referral.pk, "late": late},
        reason=note,
    )
    if not referral.is_external and case.owner_id != by.pk:
        assign_case(case=case, owner=by, by=by, reason=f"Referred by {referral.referred_by}")
    if referral.referred_by is not None and referral.referred_by.pk != by.pk:
        notify_agent(
            agent=referral.referred_by,
            case=case,
            kind=NotificationKind.REFERRAL_ACKNOWLEDGED,
            at=now,
            text=f"{by.display_name} has acknowledged your referral of {case.customer.name}.",
        )
    referral.refresh_from_db()
    return referral


@transaction.atomic
def hand_back_referral(*, referral: Referral, by: Agent, note: str) -> Referral:
    """The specialist is done: the case returns to the agent who referred it, with a note."""
    if not note.strip():
        raise ActionError(
            "Say what was done, for the person who takes the case back.", field="note"
        )
    if not may_act_as_specialist(by, referral):
        raise ActionError("Only the specialist it was referred to can hand it back.")
    _move(referral, to=ReferralState.HANDED_BACK)
    now = timezone.now()
    Referral.objects.filter(pk=referral.pk).update(handed_back_at=now, handback_note=note.strip())
    case = Case.objects.get(pk=referral.promise.case_id)
    record_case_event(
        case,
        by=by,
        kind=CaseEventKind.REFERRAL_HANDED_BACK,
        after={"referral": referral.pk},
        reason=note,
    )
    owner = referral.return_to
    if owner is not None and case.owner_id != owner.pk:
        assign_case(
            case=case,
            owner=owner,
            by=by,
            reason=f"Handed back by {by.display_name}",
            tell_owner=False,  # told below, with the specialist's note
        )
    if owner is not None and owner.pk != by.pk:
        notify_agent(
            agent=owner,
            case=case,
            kind=NotificationKind.REFERRAL_HANDED_BACK,
            at=now,
            text=f"{by.display_name} handed {case.customer.name} back to you: {note.strip()[:300]}",
        )
    referral.refresh_from_db()
    return referral


def say_when(at: datetime, *, timezone_name: str, now: datetime) -> str:
    tz = ZoneInfo(timezone_name)
    local, today = at.astimezone(tz), now.astimezone(tz).date()
    days = (local.date() - today).days
    day = (
        "today"
        if days == 0
        else "tomorrow"
        if days == 1
        else f"on {local:%A}"
        if 1 < days < 7
        else f"on {local:%-d %B}"
    )
    return f"{day} at {local:%-H:%M}"


def draft_introduction(referral: Referral, *, now: datetime) -> str:
    """The message the customer's own agent sends: who will see them, when, and that the
    specialist already knows the story. The agent edits it before sending."""
    customer = referral.promise.customer
    appointment = (
        referral.appointments.select_related("promise").order_by("promise__due_at").first()
    )
    who = referral.specialist_name
    if appointment is not None:
        when = say_when(
            appointment.promise.due_at, timezone_name=appointment.promise.timezone, now=now
        )
        plan = f"I've asked {who} to see you {when} at {appointment.location}."
    else:
        plan = f"I've asked {who} to help you with this, and they will be in touch."
    contact = ""
    if referral.is_external:
        ways = " or ".join(x for x in (referral.provider_phone, referral.provider_email) if x)
        contact = f" You can reach them on {ways}."
    return (
        f"Hello {customer.greeting_name},\n\n{plan} I've told them what has happened and what we"
        f" have tried, so you won't have to explain it all again.{contact}\n\nI'm still here for"
        " you: reply to this message or call me any time."
    )


@transaction.atomic
def send_introduction(*, referral: Referral, by: Agent, text: str) -> Message:
    """The introduction goes out as the agent's own signed reply on the case."""
    case = Case.objects.get(pk=referral.promise.case_id)
    message = reply(case=case, text=text, by=by)
    Referral.objects.filter(pk=referral.pk).update(introduction=message)
    record_case_event(
        case, by=by, kind=CaseEventKind.REFERRAL_INTRODUCED, after={"referral": referral.pk}
    )
    return message


def referrals_waiting_for(agent: Agent) -> list[Referral]:
    """Referrals sent to this agent (or their teams) that nobody has acknowledged yet."""
    return list(
        Referral.objects.filter(state=ReferralState.SENT)
        .filter(Q(to_agent=agent) | Q(to_team__members=agent))
        .select_related("promise__customer", "promise__case", "referred_by")
        .order_by("promise__due_at")
        .distinct()[:50]
    )
