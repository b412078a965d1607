"""Where things happen, the pages that show them are nudged after commit: a case's page, its
team's queue and its owner (an audit event, a message taken in), and an agent's notifications."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import TestCase

from rapport.cases.actions.events import notify_agent
from rapport.cases.actions.messages import reply
from rapport.cases.models import NotificationKind
from rapport.lib import nudges
from rapport.routing.actions.opening import receive_message
from tests.conftest import World


@pytest.fixture
def sent(monkeypatch: Any) -> list[tuple[str, dict[str, Any]]]:
    """What reached the channel layer (the layer itself is tested through the consumer)."""
    seen: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(nudges, "_send", seen.extend)
    return seen


def test_a_reply_nudges_the_case_its_team_and_its_owner_after_commit(
    world: World, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    case = world.case
    with TestCase.captureOnCommitCallbacks(execute=True):
        reply(case=case, text="Honey in warm water.", by=world.colleague)
        assert sent == []  # not before the commit
    payload = {"type": "case", "case": case.pk}
    assert {group for group, said in sent if said == payload} == {
        f"case.{case.pk}",
        f"team.{world.clinic.pk}",
        f"agent.{world.agent.pk}",
    }


def test_a_customers_message_nudges_the_case_and_tells_the_owners_notifications(
    world: World, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        receive_message(case=world.case, text="Still coughing.", channel="email")
    assert (f"case.{world.case.pk}", {"type": "case", "case": world.case.pk}) in sent
    assert (f"agent.{world.agent.pk}", {"type": "notifications"}) in sent


def test_nothing_is_sent_when_the_write_rolls_back(
    world: World, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    with (
        TestCase.captureOnCommitCallbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_agent(agent=world.agent, kind=NotificationKind.NEW_CASE, text="x")
        raise RuntimeError("the write fails")
    assert sent == []


def test_a_layer_that_fails_loses_the_nudge_not_the_write(world: World, monkeypatch: Any) -> None:
    class Broken:
        async def group_send(self, group: str, message: dict[str, Any]) -> None:
            raise ConnectionError("redis is down")

    monkeypatch.setattr(nudges, "get_channel_layer", Broken)
    with TestCase.captureOnCommitCallbacks(execute=True):
        notice = notify_agent(agent=world.agent, kind=NotificationKind.NEW_CASE, text="x")
    assert notice.pk is not None
