"""Deadlines that come due: warn the owner, offer the case to the deputy or team and alert
the supervisor when a deadline passes, and hand cases back to owners who have returned.

Every step is compare-and-set on the case row, so two workers sweeping at the same moment
never act twice on the same deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from rapport.cases.actions.assignment import assign_case
from rapport.cases.actions.events import NewNotification, notify_agents, record_case_event
from rapport.cases.models import ACTIVE_STATUSES, Case, CaseEventKind, NotificationKind
from rapport.jobs.items import SweepItems
from rapport.people.models import Agent
from rapport.routing.service import on_shift

BATCH = 500


@dataclass
class SweepResult:
    warned: list[int] = field(default_factory=list)
    breached: list[int] = field(default_factory=list)
    returned: list[int] = field(default_factory=list)
    # Cases whose step raised: rolled back, put off and tried again later.
    deferred: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        return {
            "warned": self.warned,
            "breached": self.breached,
            "returned": self.returned,
            "deferred": self.deferred,
        }


def sweep_deadlines(*, now: datetime) -> dict[str, list[int]]:
    """The scheduler's "sla" sweep."""
    return sweep(now=now).as_dict()


def sweep(*, now: datetime) -> SweepResult:
    result = SweepResult()
    warn_before = timedelta(minutes=settings.RAPPORT_SLA_WARN_MINUTES)
    active = Case.objects.filter(status__in=ACTIVE_STATUSES)
    at_risk = active.filter(
        next_response_due_at__gt=now,
        next_response_due_at__lte=now + warn_before,
        sla_warned_at__isnull=True,
    )
    # Each case on its own: one that raises is rolled back alone and put off (SweepItems).
    warnings = SweepItems("sla_warning", now=now)
    at_risk = at_risk.exclude(pk__in=warnings.put_off())
    for case in at_risk.select_related("owner", "customer").order_by("next_response_due_at")[
        :BATCH
    ]:
        with warnings.attempt(case.pk):
            if _warn(case, now=now):
                result.warned.append(case.pk)
    breaches = SweepItems("sla_breach", now=now)
    overdue = active.filter(next_response_due_at__lte=now, sla_breached_at__isnull=True).exclude(
        pk__in=breaches.put_off()
    )
    for case in overdue.select_related("owner", "customer__deputy__user", "team").order_by(
        "next_response_due_at"
    )[:BATCH]:
        with breaches.attempt(case.pk):
            if _breach(case, now=now):
                result.breached.append(case.pk)
    returns = SweepItems("owner_return", now=now)
    result.returned = return_to_owners(now=now, items=returns)
    result.deferred = [*warnings.deferred, *breaches.deferred, *returns.deferred]
    return result


def _claim(case: Case, *, step: str, now: datetime) -> bool:
    column = f"sla_{step}_at"
    lookup: dict[str, object] = {"pk": case.pk, f"{column}__isnull": True}
    return bool(Case.objects.filter(**lookup).update(**{column: now}))


def _when(due: datetime | None, agent: Agent) -> str:
    """The deadline on the reader's own clock, with the zone named beside it."""
    if due is None:
        return "soon"
    return f"{due.astimezone(ZoneInfo(agent.timezone)):%H:%M} {agent.timezone}"


@transaction.atomic
def _warn(case: Case, *, now: datetime) -> bool:
    if case.owner is None:
        return False
    # An owner off shift cannot answer in time: warn who is working and could.
    told = [case.owner] if on_shift(case.owner, now) else _offer_to(case, now=now)
    if not _claim(case, step="warned", now=now):
        return False
    notify_agents(
        (
            NewNotification(
                agent_id=agent.pk,
                case=case,
                kind=NotificationKind.SLA_AT_RISK,
                text=f"{case.customer.greeting_name} is waiting: answer case #{case.pk} "
                f"by {_when(case.next_response_due_at, agent)}"
                + (
                    "."
                    if agent.pk == case.owner_id
                    else f" ({case.owner.display_name} is off shift)."
                ),
            )
            for agent in told
        ),
        at=now,
    )
    record_case_event(
        case,
        kind=CaseEventKind.SLA_AT_RISK,
        by=None,
        after={"due": str(case.next_response_due_at), "told": [a.pk for a in told]},
    )
    return True


@transaction.atomic
def _breach(case: Case, *, now: datetime) -> bool:
    if not _claim(case, step="breached", now=now):
        return False
    who = f"{case.customer.name} has waited past the deadline on case #{case.pk}"
    offered = _offer_to(case, now=now)
    supervisors = Agent.objects.filter(is_supervisor=True, user__is_active=True)
    alerted = [agent for agent in supervisors.select_related("site") if on_shift(agent, now)]
    owner_name = case.owner.display_name if case.owner else "Nobody"
    notify_agents(
        [
            *(
                NewNotification(
                    agent_id=agent.pk,
                    case=case,
                    kind=NotificationKind.SLA_OFFER,
                    text=f"{who}. {owner_name} has not answered yet: can you take it?",
                )
                for agent in offered
            ),
            *(
                NewNotification(
                    agent_id=supervisor.pk,
                    case=case,
                    kind=NotificationKind.SLA_BREACHED,
                    text=f"{who}.",
                )
                for supervisor in alerted
            ),
        ],
        at=now,
    )
    record_case_event(
        case,
        kind=CaseEventKind.SLA_BREACHED,
        by=None,
        after={
            "offered_to": [a.pk for a in offered],
            "supervisors": [a.pk for a in alerted],
            "due": str(case.next_response_due_at),
        },
    )
    return True


def _offer_to(case: Case, *, now: datetime) -> list[Agent]:
    """The customer's deputy first; without one on shift, the rest of the case's team who are
    on shift now."""
    deputy = case.customer.deputy
    if (
        deputy is not None
        and deputy.pk != case.owner_id
        and deputy.user.is_active  # a deactivated deputy would leave the offer with nobody
        and on_shift(deputy, now)
    ):
        return [deputy]
    if case.team is None:
        return []
    members = case.team.members.filter(user__is_active=True).select_related("site").order_by("pk")
    return [agent for agent in members if agent.pk != case.owner_id and on_shift(agent, now)]


def return_to_owners(*, now: datetime, items: SweepItems) -> list[int]:
    """Cases a stand-in held while the relationship owner was away go back to them."""
    if not settings.RAPPORT_RETURN_TO_OWNER:
        return []
    waiting = (
        Case.objects.filter(status__in=ACTIVE_STATUSES, return_to__isnull=False)
        .filter(~Q(owner=F("return_to")))
        .exclude(pk__in=items.put_off())
        .select_related("return_to__site")
        .order_by("pk")[:BATCH]
    )
    returned = []
    for case in waiting:
        with items.attempt(case.pk):
            owner = case.return_to
            if owner is None or not on_shift(owner, now):
                continue
            if Case.objects.filter(pk=case.pk, return_to=owner).update(return_to=None):
                assign_case(case=case, owner=owner, by=None, reason=f"{owner.display_name} is back")
                returned.append(case.pk)
    return returned
