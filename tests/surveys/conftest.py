"""Surveys on top of `world`: Maria's case answered by Dr. Ana Ortiz by email, then resolved."""

from __future__ import annotations

from datetime import datetime

import time_machine

from rapport.cases.actions.messages import reply
from rapport.cases.actions.status import resolve_case
from rapport.cases.models import Case
from rapport.jobs.scheduler import run_sweeps
from rapport.people.models import Agent
from rapport.routing.actions.opening import open_case
from rapport.surveys.models import Survey, SurveyKind
from tests.conftest import World


def helped_and_resolved(
    world: World, at: datetime, case: Case | None = None, by: Agent | None = None
) -> Survey:
    """Ana replies and resolves at `at` (frozen); the case's CSAT as decided."""
    case = case or world.case
    agent = by or world.agent
    with time_machine.travel(at, tick=False):
        reply(case=case, text="Give her the syrup twice a day; call us if it gets worse.", by=agent)
        resolve_case(case=case, by=agent)
    return Survey.objects.get(case=case, kind=SurveyKind.CSAT)


def sweep_at(at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        run_sweeps(now=at)


def another_case(world: World) -> Case:
    """A second clinic case of Maria's, asked by email, owned by Ana."""
    return open_case(
        customer=world.customer,
        subject="Food",
        channel="email",
        text="Which puppy food do you recommend for a labrador?",
        by=None,
        owner=world.agent,
        team=world.clinic,
    )
