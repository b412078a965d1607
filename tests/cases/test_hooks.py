"""The core's hooks: a feature reacts to a core change without the core importing it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rapport.care.actions.promises import schedule_policy_follow_up
from rapport.cases.actions.status import resolve_case
from rapport.cases.hooks import CaseResolved, Hook, on_case_resolved
from rapport.cases.models import Case, Status
from tests.conftest import World


@pytest.fixture
def heard() -> Iterator[list[CaseResolved]]:
    events: list[CaseResolved] = []
    on_case_resolved.subscribe(events.append)
    yield events
    on_case_resolved.unsubscribe(events.append)


def test_resolving_a_case_tells_the_subscribers_who_resolved_it(
    world: World, heard: list[CaseResolved]
) -> None:
    resolve_case(case=world.case, by=world.agent)
    assert heard == [CaseResolved(case_id=world.case.pk, by=world.agent)]


def test_a_subscriber_that_raises_refuses_the_resolution(world: World) -> None:
    def refuse(event: CaseResolved) -> None:
        raise RuntimeError("no follow-up policy table")

    on_case_resolved.subscribe(refuse)
    try:
        with pytest.raises(RuntimeError):
            resolve_case(case=world.case, by=world.agent)
    finally:
        on_case_resolved.unsubscribe(refuse)
    assert Case.objects.get(pk=world.case.pk).status != Status.RESOLVED  # rolled back with it


def test_care_subscribes_its_follow_up_policies() -> None:
    assert schedule_policy_follow_up in on_case_resolved.receivers


def test_subscribers_run_in_order_and_once_each() -> None:
    hook: Hook[int] = Hook("test")
    calls: list[str] = []

    def first(n: int) -> None:
        calls.append(f"first {n}")

    def second(n: int) -> None:
        calls.append(f"second {n}")

    hook.subscribe(first)
    hook.subscribe(second)
    hook.subscribe(first)  # an AppConfig.ready that runs twice
    hook.send(7)
    assert calls == ["first 7", "second 7"]
