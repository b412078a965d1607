"""A small desk whose insights are computed by hand (see each case's comment), shared by the
insights tests. T0 is 2026-11-20 09:00 UTC; the figures are read at NOW = T0 + 7 h."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import time_machine

from rapport.cases.actions.messages import log_call, reply
from rapport.cases.actions.status import change_status
from rapport.cases.models import Case
from rapport.routing.actions.opening import open_case
from tests.conftest import World

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=7)
M = timedelta(minutes=1)


@dataclass
class Desk:
    a: Case
    b: Case
    c: Case
    d: Case
    e: Case
    f: Case


def opened(
    world: World,
    *,
    at: timedelta,
    channel: str,
    due: timedelta,
    priority: str = "normal",
    dental: bool = False,
    owner: bool = True,
) -> Case:
    with time_machine.travel(T0 + at, tick=False):
        case = open_case(customer=world.customer, subject="", channel=channel, text="Hi", by=None)
    Case.objects.filter(pk=case.pk).update(
        first_response_due_at=T0 + at + due,
        next_response_due_at=T0 + at + due,
        priority=priority,
        team=world.dental if dental else world.clinic,
        owner=world.colleague if owner else None,
    )
    case.refresh_from_db()
    return case


def answered(world: World, case: Case, *, at: timedelta) -> None:
    with time_machine.travel(T0 + at, tick=False):
        if case.origin_channel == "phone":
            log_call(case=case, by=world.colleague, direction="outbound", outcome="reached")
        else:
            reply(case=case, text="Hello Maria, Ben here.", by=world.colleague)


def build(world: World) -> Desk:
    # The fixture's own case (opened today, long after T0) plays no part: closed.
    change_status(case=world.case, to="closed", by=world.agent)
    a = opened(world, at=0 * M, channel="email", due=15 * M)
    b = opened(world, at=20 * M, channel="chat", due=5 * M)
    c = opened(world, at=40 * M, channel="email", due=30 * M)
    d = opened(world, at=60 * M, channel="phone", due=240 * M, priority="high", dental=True)
    e = opened(world, at=300 * M, channel="email", due=480 * M)
    f = opened(world, at=390 * M, channel="chat", due=5 * M, priority="urgent", owner=False)
    answered(world, a, at=10 * M)  # waited 10 min (under 15-min deadline): on time
    answered(world, b, at=24 * M)  # 4 min (deadline 5): on time
    answered(world, c, at=100 * M)  # 60 min (deadline 30): late; exactly an hour: "1-4 h"
    answered(world, d, at=360 * M)  # 300 min (deadline 240): late
    # e: not answered, its deadline (T0 + 13 h) still to come; f: not answered, past it.
    return Desk(a, b, c, d, e, f)
