"""The scheduler: one place that finds everything that has come due and acts on it.

Each sweep finds due work with indexed `*_due_at` queries and claims every item with a
compare-and-set update, so any number of workers can sweep at once and a restart loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

logger = logging.getLogger("rapport.scheduler")


def _sla(now: datetime) -> dict[str, Any]:
    from rapport.routing.escalation import sweep

    return sweep(now=now).as_dict()


def _intake(now: datetime) -> dict[str, Any]:
    from rapport.mail.actions.intake import sweep_intake

    return sweep_intake(now=now)


def _promise_reminders(now: datetime) -> dict[str, Any]:
    from rapport.care.sweeps import remind_due

    return remind_due(now=now)


def _promise_escalation(now: datetime) -> dict[str, Any]:
    from rapport.care.sweeps import escalate_missed

    return escalate_missed(now=now)


def _outbox(now: datetime) -> dict[str, Any]:
    from rapport.mail.outbound import sweep_outbox

    return sweep_outbox(now=now)


SWEEPS: dict[str, Callable[[datetime], dict[str, Any]]] = {
    "sla": _sla,
    "intake": _intake,
    "promise_reminders": _promise_reminders,
    "promise_escalation": _promise_escalation,
    "outbox": _outbox,
}


def register_sweep(name: str, sweep: Callable[[datetime], dict[str, Any]]) -> None:
    """A feature adds its own sweep (from its AppConfig.ready): the core never imports it."""
    SWEEPS[name] = sweep


def run_sweeps(*, now: datetime) -> dict[str, dict[str, Any]]:
    results = {}
    for name, sweep in SWEEPS.items():
        results[name] = sweep(now)
        acted = {key: len(value) for key, value in results[name].items() if value}
        if acted:
            logger.info("Sweep %s: %s", name, acted)
    return results
