from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from rapport.cases.access import Scope, cases_for_agent, newest_cases_for_agent
from rapport.cases.models import ACTIVE_STATUSES, Case, Status
from rapport.people.models import Agent
from tests.conftest import World, dental_case
from tests.workspace.helpers import make_cases


def _newest(
    agent: Agent,
    limit: int,
    *,
    where: Q,
    statuses: Sequence[str] | None = None,
    scope: Scope = "all",
) -> list[int]:
    slices = newest_cases_for_agent(agent, where=where, statuses=statuses, limit=limit, scope=scope)
    if not slices:
        return []
    cases = Case.objects.filter(pk__in=slices[0].union(*slices[1:]))
    return list(cases.order_by("-updated_at", "-pk").values_list("pk", flat=True)[:limit])


def _expected(
    agent: Agent, limit: int, where: Q, statuses: Sequence[str] | None = None
) -> list[int]:
    cases = cases_for_agent(agent).filter(where)
    if statuses is not None:
        cases = cases.filter(status__in=statuses)
    return list(cases.order_by("-updated_at", "-pk").values_list("pk", flat=True)[:limit])


@pytest.fixture
def desk(world: World) -> list[Case]:
    """Clinic cases owned by agent, colleague and outsider; mixed statuses; tied timestamps."""
    cases = make_cases(world, 12, owners=[world.agent, world.colleague, world.outsider])
    base = timezone.now() - timedelta(days=1)
    statuses = [Status.NEW, Status.OPEN, Status.RESOLVED, Status.CLOSED]
    for i, case in enumerate(cases):
        # Pairs share an instant, so ties are broken by id.
        Case.objects.filter(pk=case.pk).update(
            updated_at=base + timedelta(minutes=i // 2), status=statuses[i % len(statuses)]
        )
    # A dental case the clinic must not see (the outsider also owns some clinic cases above).
    dental_case(world)
    return cases


@pytest.mark.parametrize("limit", [1, 3, 5, 50])
@pytest.mark.parametrize("persona", ["agent", "outsider", "supervisor"])
def test_same_cases_in_the_same_order_as_the_plain_query(
    world: World, desk: list[Case], persona: str, limit: int
) -> None:
    agent = getattr(world, persona)
    Case.objects.filter(pk__in=[c.pk for c in desk[::3]]).update(
        next_response_due_at=timezone.now()
    )
    soon = timezone.now() + timedelta(hours=1)
    asks: list[tuple[Q, list[str] | None]] = [
        (Q(), None),
        (Q(), list(ACTIVE_STATUSES)),
        (Q(owner=agent), list(ACTIVE_STATUSES)),
        (Q(team_id__in=[world.clinic.pk]), [Status.CLOSED]),
        (Q(origin_channel="chat"), None),
        (Q(next_response_due_at__lt=soon) | Q(first_response_due_at__lt=soon), ["new"]),
    ]
    for where, statuses in asks:
        assert _newest(agent, limit, where=where, statuses=statuses) == _expected(
            agent, limit, where, statuses
        )


@pytest.mark.parametrize("limit", [1, 3, 50])
@pytest.mark.parametrize("persona", ["agent", "outsider", "supervisor"])
def test_own_or_team_scope_reads_what_the_whole_walk_reads(
    world: World, desk: list[Case], persona: str, limit: int
) -> None:
    # "mine" and "team" walk only the owner's or the teams' slices: the same cases.
    agent = getattr(world, persona)
    teams = list(agent.teams.values_list("pk", flat=True))
    for statuses in (None, list(ACTIVE_STATUSES), [Status.CLOSED]):
        own, team = Q(owner=agent), Q(team_id__in=teams)
        assert _newest(agent, limit, where=own, statuses=statuses, scope="own") == _expected(
            agent, limit, own, statuses
        )
        assert _newest(agent, limit, where=team, statuses=statuses, scope="teams") == _expected(
            agent, limit, team, statuses
        )


def test_a_case_of_my_team_that_i_own_counts_once(world: World, desk: list[Case]) -> None:
    mine = [c.pk for c in desk if c.owner_id == world.agent.pk]
    newest = _newest(world.agent, 50, where=Q(owner=world.agent))
    assert sorted(newest) == sorted([*mine, world.case.pk])
    assert len(newest) == len(set(newest))


def test_the_customers_owner_and_deputy_see_all_of_the_customers_cases(
    world: World, desk: list[Case]
) -> None:
    dental = Case.objects.get(subject="Tooth")  # Maria's, filed with the dental team
    for persona in (world.colleague, world.agent):  # her owner and her deputy, both clinic
        person = Agent.objects.get(pk=persona.pk)
        assert dental.pk in set(_newest(person, 50, where=Q()))
        assert cases_for_agent(person).filter(pk=dental.pk).exists()
    assert dental.pk in set(_newest(world.outsider, 50, where=Q()))  # her own team's


def test_outsider_sees_only_dental_and_own_cases(world: World, desk: list[Case]) -> None:
    seen = set(_newest(world.outsider, 50, where=Q()))
    visible = Case.objects.filter(Q(team=world.dental) | Q(owner=world.outsider))
    assert seen == set(visible.values_list("pk", flat=True))
    assert world.case.pk not in seen


def test_an_agent_without_teams_sees_what_they_own(world: World, desk: list[Case]) -> None:
    world.clinic.members.remove(world.colleague)
    colleague = Agent.objects.get(pk=world.colleague.pk)  # no cached team ids
    # Their own cases, and every case of Maria, whose owner they are (the dental one too).
    owned = Case.objects.filter(Q(owner=colleague) | Q(customer=world.customer))
    assert set(_newest(colleague, 50, where=Q())) == set(owned.values_list("pk", flat=True))
    assert _newest(colleague, 50, where=Q(team_id__in=[])) == []
