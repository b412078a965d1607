"""The care sweeps act once per promise, however often or by however many workers they run."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from rapport.care.actions.promises import schedule_follow_up
from rapport.care.models import Promise, PromiseStatus
from rapport.care.sweeps import escalate_missed, remind_due
from rapport.cases.models import CaseEvent, Notification
from rapport.jobs.models import DeferredItem
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


def test_a_promise_that_keeps_failing_is_put_off_not_retried_every_tick(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    poisoned, fine = promises(world, 2)
    # A zone the tz database no longer has (as it dropped US/Pacific-New): this reminder raises.
    Promise.objects.filter(pk=poisoned.pk).update(timezone="Atlantis/Poseidonia")
    now = DUE + timedelta(minutes=5)
    with caplog.at_level(logging.ERROR, logger="rapport.scheduler"):
        first = remind_due(now=now)
    assert first == {"reminded": [fine.pk], "appointments": [], "deferred": [poisoned.pk]}
    assert "Sweep promise_reminders failed on item" in caplog.text
    poisoned.refresh_from_db()
    assert poisoned.reminded_at is None  # its claim was rolled back with it
    held = DeferredItem.objects.get(sweep="promise_reminders", item=poisoned.pk)
    assert (held.failures, held.retry_at) == (1, now + timedelta(minutes=1))
    assert held.error.startswith("ZoneInfoNotFoundError")

    # The next ticks leave it alone until its time, then it fails again and waits twice as long.
    assert remind_due(now=now + timedelta(seconds=30))["deferred"] == []
    later = now + timedelta(minutes=1)
    assert remind_due(now=later)["deferred"] == [poisoned.pk]
    held.refresh_from_db()
    assert (held.failures, held.retry_at) == (2, later + timedelta(minutes=2))

    out = StringIO()
    call_command("sweep", stdout=out)  # what an operator sees
    assert f"put off: promise_reminders #{poisoned.pk} failed 2 time(s)" in out.getvalue()
    scripted = StringIO()
    call_command("sweep", "--json", stdout=scripted)  # what an operator's script reads
    [reported] = json.loads(scripted.getvalue())["put_off"]
    assert reported == {
        "sweep": "promise_reminders",
        "kind": "promise",
        "item": poisoned.pk,
        "reference": f"Promise #{poisoned.pk}",
        "reason": "ZoneInfoNotFoundError: 'No time zone found with key Atlantis/Poseidonia'",
        "failures": 2,
        "first_failed_at": now.isoformat(),
        "last_failed_at": later.isoformat(),
        "retry_at": (later + timedelta(minutes=2)).isoformat(),
    }

    # Mended, it is reminded at its next try and forgotten.
    Promise.objects.filter(pk=poisoned.pk).update(timezone="Europe/Madrid")
    done = remind_due(now=later + timedelta(minutes=2))
    assert done["reminded"] == [poisoned.pk] and done["deferred"] == []
    assert not DeferredItem.objects.exists()
    assert Notification.objects.filter(kind="follow_up_due").count() == 2


def test_a_missed_promise_that_fails_to_escalate_is_put_off(world: World) -> None:
    poisoned, fine = promises(world, 2)
    Promise.objects.filter(pk=poisoned.pk).update(timezone="Atlantis/Poseidonia")
    late = DUE + timedelta(days=1)
    assert escalate_missed(now=late) == {"missed": [fine.pk], "deferred": [poisoned.pk]}
    poisoned.refresh_from_db()
    assert poisoned.status == PromiseStatus.OPEN  # not marked missed behind anyone's back
    assert escalate_missed(now=late + timedelta(seconds=30)) == {"missed": [], "deferred": []}


def test_a_put_off_promise_at_the_head_never_takes_the_batch(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    poisoned, fine = promises(world, 2)
    Promise.objects.filter(pk=poisoned.pk).update(timezone="Atlantis/Poseidonia")
    monkeypatch.setattr("rapport.care.sweeps.BATCH", 1)
    now = DUE + timedelta(minutes=5)
    assert remind_due(now=now) == {"reminded": [], "appointments": [], "deferred": [poisoned.pk]}
    # Put off, it is still the first due: the one-item batch is read again past it.
    assert remind_due(now=now + timedelta(seconds=30))["reminded"] == [fine.pk]
