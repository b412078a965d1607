"""Each sweep of the scheduler runs on its own: one that raises never stops the others."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from rapport.care.actions.promises import schedule_follow_up
from rapport.care.models import Promise
from rapport.cases.models import Notification
from rapport.jobs import scheduler
from rapport.jobs.scheduler import register_sweep, run_sweeps
from tests.conftest import World

DUE = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)


def broken_sla(*, now: datetime) -> Mapping[str, Any]:
    raise RuntimeError("relation routing_slapolicy does not exist")


@pytest.fixture
def sla_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    # "sla" runs before the care sweeps: the first sweep failing on every tick.
    monkeypatch.setitem(scheduler.SWEEPS, "sla", broken_sla)


def due_follow_up(world: World) -> Promise:
    return schedule_follow_up(
        case=world.case, by=world.agent, due_at=DUE, purpose="Is Mila eating?", now=DUE
    )


def test_a_failing_sweep_does_not_stop_the_others(
    world: World, sla_breaks: None, caplog: pytest.LogCaptureFixture
) -> None:
    promise = due_follow_up(world)
    with caplog.at_level(logging.ERROR, logger="rapport.scheduler"):
        results = run_sweeps(now=DUE + timedelta(minutes=1))
    assert results["sla"] == {"error": "RuntimeError: relation routing_slapolicy does not exist"}
    assert results["promise_reminders"]["reminded"] == [promise.pk]
    assert list(results) == list(scheduler.SWEEPS)  # every sweep ran
    assert Notification.objects.filter(kind="follow_up_due", agent=world.agent).count() == 1
    assert "Sweep sla failed" in caplog.text
    assert "routing_slapolicy" in caplog.text  # the traceback is in the log


def test_sweep_command_runs_the_rest_and_exits_with_an_error(
    world: World, sla_breaks: None
) -> None:
    promise = due_follow_up(world)
    Promise.objects.filter(pk=promise.pk).update(remind_at=DUE - timedelta(days=3650))
    out = StringIO()
    with pytest.raises(CommandError, match=r"1 sweep\(s\) failed: sla"):
        call_command("sweep", stdout=out)
    lines = out.getvalue().splitlines()
    assert "sla: failed (RuntimeError: relation routing_slapolicy does not exist)" in lines
    assert "promise_reminders: 1 reminded" in lines


@pytest.mark.django_db(transaction=True)
def test_the_worker_tick_runs_every_sweep_past_a_failing_one(
    world: World, sla_breaks: None, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    promise = due_follow_up(world)
    Promise.objects.filter(pk=promise.pk).update(remind_at=DUE - timedelta(days=3650))
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())
    promise.refresh_from_db()
    assert promise.reminded_at is not None


def test_two_sweeps_of_one_name_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="'sla'"):
        register_sweep("sla", broken_sla)
    register_sweep("sla", scheduler.SWEEPS["sla"])  # the same one again (ready() twice) is fine
