"""Make-goods: what was done to make it right, approved within limits."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rapport.cases.actions.events import (
    NewNotification,
    notify_agent,
    notify_agents,
    record_case_event,
)
from rapport.cases.models import Case, CaseEventKind, NotificationKind
from rapport.lib.errors import ActionError, Conflict
from rapport.outreach.actions.incidents import require_supervisor
from rapport.outreach.models import (
    MAKE_GOOD_TRANSITIONS,
    ApprovalLimit,
    MakeGood,
    MakeGoodKind,
    MakeGoodStatus,
)
from rapport.outreach.money import clean_amount, clean_currency
from rapport.people.models import Agent, Asset


def approval_limit(agent: Agent, currency: str) -> Decimal | None:
    """What `agent` may give in `currency` without approval; None means no limit (supervisor).

    The agent's own limit, else the desk default, else nothing: until a supervisor sets limits,
    every make-good with an amount waits for approval.
    """
    if agent.is_supervisor:
        return None
    own, default = None, None
    for agent_id, amount in (
        ApprovalLimit.objects.filter(currency=currency)
        .filter(Q(agent=agent) | Q(agent__isnull=True))
        .values_list("agent_id", "amount")
    ):
        if agent_id is None:
            default = amount
        else:
            own = amount
    return own if own is not None else (default if default is not None else Decimal("0"))


@transaction.atomic
def record_make_good(
    *,
    case: Case,
    by: Agent,
    kind: str,
    description: str,
    reason: str,
    amount: Decimal | str | int = Decimal("0"),
    currency: str = "",
    asset: Asset | None = None,
) -> MakeGood:
    """What was done to make it right. Over the agent's limit it waits for a supervisor."""
    if kind not in MakeGoodKind.values:
        raise ActionError(f"{kind!r} is not a kind of make-good.", field="kind")
    description = " ".join(description.split())
    if not description:
        raise ActionError(
            "Say what was done (e.g. wheel kit WK-7 sent express).", field="description"
        )
    if len(description) > 500:
        raise ActionError("Keep the description under 500 characters.", field="description")
    reason = " ".join(reason.split()).lower()
    if not reason or len(reason) > 100:
        raise ActionError("Give the reason in a few words (e.g. missing part).", field="reason")
    code = clean_currency(currency) if currency.strip() else ""
    value = clean_amount(amount, code or "EUR")
    if value > 0 and not code:
        raise ActionError("An amount needs its currency (e.g. CAD).", field="currency")
    if asset is not None and asset.customer_id != case.customer_id:
        raise ActionError("That order or asset belongs to another customer.", field="asset")
    limit = approval_limit(by, code) if value > 0 else None
    needs_approval = limit is not None and value > limit
    now = timezone.now()
    make_good = MakeGood.objects.create(
        case=case,
        customer_id=case.customer_id,
        asset=asset,
        kind=kind,
        description=description,
        reason=reason,
        amount=value,
        currency=code,
        status=MakeGoodStatus.PENDING if needs_approval else MakeGoodStatus.APPROVED,
        recorded_by=by,
        approved_by=None if needs_approval else by,
        decided_at=None if needs_approval else now,
        created_at=now,
    )
    record_case_event(
        case,
        kind=CaseEventKind.MAKE_GOOD,
        by=by,
        after={
            "make_good": make_good.pk,
            "kind": kind,
            "amount": str(value),
            "currency": code,
            "status": make_good.status,
        },
        reason=description,
    )
    if needs_approval:
        text = (
            f"{by.display_name} asks to approve {value} {code} ({make_good.get_kind_display()})"
            f" for {case.customer.name} on case #{case.pk}: {description}"
        )
        notify_agents(
            NewNotification(
                agent_id=supervisor.pk,
                case=case,
                kind=NotificationKind.MAKE_GOOD_APPROVAL,
                text=text,
            )
            for supervisor in Agent.objects.filter(is_supervisor=True, user__is_active=True)
        )
    return make_good


@transaction.atomic
def decide_make_good(*, make_good: MakeGood, by: Agent, approve: bool, note: str = "") -> MakeGood:
    """A supervisor approves or declines a make-good that was over its recorder's limit."""
    require_supervisor(by, "approve or decline a make-good")
    to = MakeGoodStatus.APPROVED if approve else MakeGoodStatus.DECLINED
    current = MakeGood.objects.filter(pk=make_good.pk).values_list("status", flat=True).get()
    if to not in MAKE_GOOD_TRANSITIONS[current]:
        raise Conflict(
            f"This make-good is already {MakeGoodStatus(current).label.lower()}; reload the page."
        )
    now = timezone.now()
    changed = MakeGood.objects.filter(pk=make_good.pk, status=current).update(
        status=to, approved_by=by, decided_at=now, decision_note=note.strip()[:500]
    )
    if not changed:
        raise Conflict("Someone else decided this make-good at the same moment; reload the page.")
    make_good.refresh_from_db()
    record_case_event(
        make_good.case,
        kind=CaseEventKind.MAKE_GOOD_APPROVED if approve else CaseEventKind.MAKE_GOOD_DECLINED,
        by=by,
        before={"status": current},
        after={"make_good": make_good.pk, "status": to},
        reason=note,
    )
    recorder = make_good.recorded_by
    if recorder is not None and recorder.pk != by.pk:
        verb = "approved" if approve else "declined"
        notify_agent(
            agent=recorder,
            case=make_good.case,
            kind=(
                NotificationKind.MAKE_GOOD_APPROVED
                if approve
                else NotificationKind.MAKE_GOOD_DECLINED
            ),
            text=(
                f"{by.display_name} {verb} {make_good.amount} {make_good.currency} on case "
                f"#{make_good.case_id}" + (f": {note.strip()}" if note.strip() else ".")
            ),
        )
    return make_good


@transaction.atomic
def set_approval_limit(
    *, agent: Agent | None, currency: str, amount: Decimal | str | int, by: Agent
) -> ApprovalLimit:
    """Up to how much `agent` (None: everyone without their own limit) may give unapproved."""
    require_supervisor(by, "set approval limits")
    code = clean_currency(currency)
    value = clean_amount(amount, code)
    limit, _ = ApprovalLimit.objects.update_or_create(
        agent=agent, currency=code, defaults={"amount": value, "updated_at": timezone.now()}
    )
    return limit
