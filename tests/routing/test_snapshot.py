"""The routing and SLA configuration is remembered for RAPPORT_ROUTING_LOAD_TTL seconds per
process (the suite otherwise runs with 0); a change saved in the process forgets it at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import Settings

from rapport.people.models import Availability
from rapport.routing import snapshot
from rapport.routing.actions.opening import open_case
from rapport.routing.models import SlaPolicy
from rapport.routing.service import load_candidates
from tests.conftest import World


@pytest.fixture(autouse=True)
def remembering(settings: Settings) -> Iterator[None]:
    settings.RAPPORT_ROUTING_LOAD_TTL = 300
    snapshot.forget()
    yield
    snapshot.forget()


def customer_writes(world: World) -> int | None:
    case = open_case(
        customer=world.customer, subject="", channel="email", text="Mila again", by=None
    )
    return case.owner_id


def test_the_agents_are_read_once_within_the_ttl(world: World) -> None:
    load_candidates(now=timezone.now())
    with CaptureQueriesContext(connection) as reads:
        candidates = load_candidates(now=timezone.now())
    assert {c.agent_id for c in candidates} >= {world.agent.pk, world.colleague.pk}
    assert not [q for q in reads.captured_queries if "people_agent" in q["sql"]]


def test_an_agent_going_away_is_seen_by_the_next_decision(world: World) -> None:
    assert customer_writes(world) == world.colleague.pk  # the relationship owner, remembered
    world.colleague.availability = Availability.AWAY
    world.colleague.save(update_fields=["availability"])
    assert customer_writes(world) == world.agent.pk  # the deputy, not a stale snapshot


def test_an_edited_policy_sets_the_next_deadline(world: World) -> None:
    before = timezone.now()
    open_case(customer=world.customer, subject="", channel="email", text="Hello", by=None)
    SlaPolicy.objects.create(
        priority="normal",
        channel="email",
        first_response_minutes=7,
        next_response_minutes=7,
        resolution_minutes=60,
        business_hours=False,
    )
    case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    assert case.first_response_due_at is not None
    assert case.first_response_due_at <= before + timedelta(minutes=8)
