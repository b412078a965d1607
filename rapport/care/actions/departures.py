"""When someone leaves the desk, the promises they still had to keep get a new named owner.

Subscribed to routing's `on_agent_deactivated`, inside the deactivation's transaction: a promise
nobody can take refuses the whole deactivation, as an open case nobody can take does.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.timezone import localtime

from rapport.care.models import UNKEPT, Promise, Referral
from rapport.cases.actions.events import notify_agent, record_case_event
from rapport.cases.models import CaseEventKind, NotificationKind
from rapport.lib.errors import ActionError
from rapport.people.models import Agent
from rapport.routing.hooks import AgentDeactivated


def hand_over_promises(event: AgentDeactivated) -> None:
    """Each open or missed promise of theirs goes to whoever now has its case, else to whoever
    now looks after its customer, else to the supervisor's choice; each with a case event and a
    notification to the new owner. A referral waiting to hand a case back to them hands it back
    to the case's owner instead."""
    leaver = event.done.agent
    promises = (
        Promise.objects.filter(owner=leaver, status__in=UNKEPT)
        .select_related("case__owner__user", "customer__owner__user")
        .order_by("due_at", "pk")
    )
    reason = f"{leaver.display_name} was deactivated"
    for promise in promises:
        successor = _successor(promise, leaver=leaver, chosen=event.hand_over_to)
        if successor is None:
            raise ActionError(
                f"Nobody can keep the promise to {promise.customer.name} ({promise.purpose}) "
                f"due {date_format(localtime(promise.due_at), 'DATETIME_FORMAT')}: choose "
                f"who takes {leaver.display_name}'s work, then deactivate them."
            )
        Promise.objects.filter(pk=promise.pk).update(owner=successor, updated_at=event.at)
        record_case_event(
            promise.case,
            kind=CaseEventKind.PROMISE_HANDED_OVER,
            by=event.by,
            before={"promise": promise.pk, "owner": leaver.pk},
            after={"promise": promise.pk, "owner": successor.pk},
            reason=reason,
            at=event.at,
        )
        notify_agent(
            agent=successor,
            kind=NotificationKind.PROMISE_HANDED_OVER,
            text=f"{promise.get_kind_display()} for {promise.customer.name} "
            f"({promise.purpose}) is yours to keep now: {reason}.",
            case=promise.case,
            at=event.at,
        )
        event.done.promises[promise.pk] = successor
    for referral in Referral.objects.filter(return_to=leaver).select_related("promise__case"):
        case_owner = referral.promise.case.owner
        back_to = case_owner if _can_take(case_owner, leaver) else event.hand_over_to
        Referral.objects.filter(pk=referral.pk).update(return_to=back_to)


def _successor(promise: Promise, *, leaver: Agent, chosen: Agent | None) -> Agent | None:
    for candidate in (promise.case.owner, promise.customer.owner, chosen):
        if _can_take(candidate, leaver):
            return candidate
    return None


def _can_take(agent: Agent | None, leaver: Agent) -> bool:
    return agent is not None and agent.pk != leaver.pk and agent.user.is_active
