"""The care sweeps act once per promise, however often or by however many workers they run."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from rapport.care.actions import schedule_follow_up
from rapport.care.models import Promise, PromiseStatus
from rapport.care.sweeps import escalate_missed, remind_due
from rapport.cases.models import CaseEvent, Notification
from tests.conftest import World

DUE = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)


def promises(world: World, count: int) -> list[Promise]:
    return [
        schedule_follow_up(
            case=world.case,
            by=world.agent,
            due_at=DUE + timedelta(minutes=i),
            purpose=f"Call {i}",
            now=DUE - timedelta(days=1),
        )
        for i in range(count)
    ]


def test_reminders_once_and_only_when_due(world: World) -> None:
    made = promises(world, 3)
    assert remind_due(now=DUE - timedelta(seconds=1))["reminded"] == []
    assert remind_due(now=DUE + timedelta(minutes=1))["reminded"] == [made[0].pk, made[1].pk]
    assert remind_due(now=DUE + timedelta(minutes=1))["reminded"] == []
    assert remind_due(now=DUE + timedelta(hours=1))["reminded"] == [made[2].pk]
    assert Notification.objects.filter(kind="follow_up_due", agent=world.agent).count() == 3


def test_kept_and_cancelled_promises_are_never_escalated(world: World) -> None:
    kept, cancelled, open_ = promises(world, 3)
    Promise.objects.filter(pk=kept.pk).update(status=PromiseStatus.KEPT)
    Promise.objects.filter(pk=cancelled.pk).update(status=PromiseStatus.CANCELLED)
    assert escalate_missed(now=DUE + timedelta(days=1))["missed"] == [open_.pk]


def test_sweep_command_reports_care_sweeps(world: World) -> None:
    promises(world, 1)
    out = StringIO()
    call_command("sweep", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert "promise_reminders" in result and "promise_escalation" in result


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_never_double_act(world: World) -> None:
    made = promises(world, 12)
    late = DUE + timedelta(days=1)
    barrier = threading.Barrier(2)
    results: list[dict[str, list[int]]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            reminded = remind_due(now=late)
            missed = escalate_missed(now=late)
            results.append({**reminded, **missed})
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection, so the test DB can be dropped

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = sorted(p.pk for p in made)
    assert sorted(results[0]["reminded"] + results[1]["reminded"]) == ids
    assert sorted(results[0]["missed"] + results[1]["missed"]) == ids
    assert Notification.objects.filter(kind="follow_up_due").count() == 12
    # Owner and supervisor per missed promise (the owner is also the customer's deputy).
    assert Notification.objects.filter(kind="promise_missed").count() == 24
    assert CaseEvent.objects.filter(kind="promise_missed").count() == 12
