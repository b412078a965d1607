"""Story 4: the case shipped without wheels — the make-good is on the order, within limits."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from rapport.cases.models import CaseEvent, Notification
from rapport.lib.errors import ActionError, Conflict
from rapport.outreach.actions.incidents import NotAllowed
from rapport.outreach.actions.make_goods import (
    approval_limit,
    decide_make_good,
    record_make_good,
    set_approval_limit,
)
from rapport.outreach.models import MakeGood, MakeGoodStatus
from rapport.outreach.selectors import make_good_totals, make_goods_of_customer
from rapport.people.actions.customers import create_customer
from rapport.people.actions.notes import add_asset
from rapport.routing.actions.opening import open_case
from tests.conftest import World


def test_the_wheels_make_good_is_recorded_against_the_order(world: World) -> None:
    oliver = create_customer(name="Oliver Grant", by=None, owner=world.agent)
    order = add_asset(
        customer=oliver,
        name="Carbon flight case, custom fit",
        kind="order",
        reference="ORD-2291",
        attributes={"wheels": "WK-7"},
        by=None,
    )
    case = open_case(
        customer=oliver,
        subject="Case arrived without its wheels",
        channel="phone",
        text="It came without the wheels, and I fly to Vienna on Monday.",
        by=world.agent,
        team=world.clinic,
    )
    set_approval_limit(agent=None, currency="CAD", amount="100", by=world.supervisor)

    part = record_make_good(
        case=case,
        by=world.agent,
        kind="part_next_day",
        description="Wheel kit WK-7 sent by express",
        reason="Missing part",
        asset=order,
    )
    credit = record_make_good(
        case=case,
        by=world.agent,
        kind="credit",
        description="Credit for the trouble",
        reason="missing  part",
        amount="60",
        currency="cad",
        asset=order,
    )

    assert part.status == credit.status == MakeGoodStatus.APPROVED
    assert credit.approved_by == world.agent and credit.amount == Decimal("60.00")
    assert (credit.currency, credit.reason) == ("CAD", "missing part")
    on_order = list(MakeGood.objects.filter(asset=order).order_by("pk"))
    assert on_order == [part, credit]
    assert make_goods_of_customer(oliver.pk) == [credit, part]
    event = CaseEvent.objects.filter(case=case, kind="make_good").order_by("pk").last()
    assert event is not None and event.after["amount"] == "60.00" and event.actor == world.agent


def test_over_the_limit_waits_for_a_supervisor(world: World) -> None:
    set_approval_limit(agent=None, currency="EUR", amount="50", by=world.supervisor)
    set_approval_limit(agent=world.colleague, currency="EUR", amount="500", by=world.supervisor)
    assert approval_limit(world.agent, "EUR") == Decimal("50")
    assert approval_limit(world.colleague, "EUR") == Decimal("500")
    assert approval_limit(world.agent, "USD") == Decimal("0")  # no limit set: all need approval
    assert approval_limit(world.supervisor, "EUR") is None

    big = record_make_good(
        case=world.case,
        by=world.agent,
        kind="refund",
        description="Refund of the night visit",
        reason="long wait",
        amount="120",
        currency="EUR",
    )
    assert big.status == MakeGoodStatus.PENDING and big.approved_by is None
    alert = Notification.objects.get(agent=world.supervisor, kind="make_good_approval")
    assert "120.00 EUR" in alert.text and "Dr. Ana Ortiz" in alert.text
    # Within the colleague's own limit, and a supervisor is never limited.
    assert (
        record_make_good(
            case=world.case,
            by=world.colleague,
            kind="refund",
            description="Refund",
            reason="long wait",
            amount="120",
            currency="EUR",
        ).status
        == MakeGoodStatus.APPROVED
    )
    assert (
        record_make_good(
            case=world.case,
            by=world.supervisor,
            kind="goodwill",
            description="Flowers",
            reason="long wait",
            amount="9000",
            currency="EUR",
        ).status
        == MakeGoodStatus.APPROVED
    )

    with pytest.raises(NotAllowed):
        decide_make_good(make_good=big, by=world.agent, approve=True)
    decided = decide_make_good(make_good=big, by=world.supervisor, approve=True, note="Fair")
    assert decided.status == MakeGoodStatus.APPROVED and decided.approved_by == world.supervisor
    assert CaseEvent.objects.filter(case=world.case, kind="make_good_approved").exists()
    told = Notification.objects.get(agent=world.agent, kind="make_good_approved")
    assert "Fair" in told.text
    with pytest.raises(Conflict):
        decide_make_good(make_good=big, by=world.supervisor, approve=False)


def test_declined_make_goods_do_not_count_and_totals_group_by_period_and_reason(
    world: World,
) -> None:
    start = timezone.now().replace(day=15, hour=12)
    with time_machine.travel(start - timedelta(days=40), tick=False):
        record_make_good(
            case=world.case,
            by=world.supervisor,
            kind="credit",
            description="Credit",
            reason="late",
            amount="10",
            currency="EUR",
        )
    with time_machine.travel(start, tick=False):
        for amount in ("20", "5.50"):
            record_make_good(
                case=world.case,
                by=world.supervisor,
                kind="credit",
                description="Credit",
                reason="late",
                amount=amount,
                currency="EUR",
            )
        record_make_good(
            case=world.case,
            by=world.supervisor,
            kind="credit",
            description="Credit",
            reason="late",
            amount="7",
            currency="USD",
        )
        declined = record_make_good(
            case=world.case,
            by=world.agent,
            kind="refund",
            description="Refund",
            reason="late",
            amount="99",
            currency="EUR",
        )
        decide_make_good(make_good=declined, by=world.supervisor, approve=False)

    rows = make_good_totals(
        MakeGood.objects.all(),
        since=start - timedelta(days=60),
        until=start + timedelta(days=1),
        period="month",
    )
    summary = [(r.period.month, r.reason, r.currency, r.count, r.amount) for r in rows]
    month = start.month
    earlier = (start - timedelta(days=40)).month
    assert summary == [
        (month, "late", "EUR", 2, Decimal("25.50")),
        (month, "late", "USD", 1, Decimal("7.00")),
        (earlier, "late", "EUR", 1, Decimal("10.00")),
    ]


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [
        ("10", "", "currency"),
        ("10", "EURO", "currency"),
        ("-1", "EUR", "amount"),
        ("1.234", "EUR", "amount"),
        ("1.5", "JPY", "amount"),
        ("abc", "EUR", "amount"),
    ],
)
def test_amounts_are_checked(world: World, amount: str, currency: str, field: str) -> None:
    with pytest.raises(ActionError) as caught:
        record_make_good(
            case=world.case,
            by=world.agent,
            kind="credit",
            description="Credit",
            reason="late",
            amount=amount,
            currency=currency,
        )
    assert caught.value.field == field


def test_an_order_of_another_customer_is_refused(world: World) -> None:
    stranger = create_customer(name="Stranger", by=None)
    their_order = add_asset(customer=stranger, name="Order", reference="ORD-1", by=None)
    with pytest.raises(ActionError, match="another customer"):
        record_make_good(
            case=world.case,
            by=world.agent,
            kind="replacement",
            description="New lid",
            reason="broken",
            asset=their_order,
        )
