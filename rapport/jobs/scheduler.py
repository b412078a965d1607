"""The scheduler: one place that finds everything that has come due and acts on it.

Each feature registers its sweeps from its own `AppConfig.ready` (`register_sweep`); jobs imports
no Rapport app. A sweep finds due work with indexed `*_due_at` queries and claims every item with
a compare-and-set update, so any number of workers can sweep at once and a restart loses nothing.

Each sweep runs on its own: one that raises is logged and reported in its result
(`{"error": ...}`), and the sweeps after it still run. Inside a sweep each item runs on its own
too (`rapport.jobs.items.SweepItems`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("rapport.scheduler")


class Sweep(Protocol):
    """Act on what has come due at `now`; answer what was done, e.g. {"reminded": [ids]}."""

    def __call__(self, *, now: datetime) -> Mapping[str, Any]: ...


# Run in the order registered (the order of INSTALLED_APPS).
SWEEPS: dict[str, Sweep] = {}


def register_sweep(name: str, sweep: Sweep) -> None:
    """A feature adds its sweep (from its AppConfig.ready): the scheduler never imports it."""
    if name == "put_off":  # `rapport sweep --json` reports the items put off under this key
        raise ImproperlyConfigured("A sweep cannot be called 'put_off'.")
    if SWEEPS.get(name, sweep) is not sweep:
        raise ImproperlyConfigured(f"Two sweeps are registered as {name!r}.")
    SWEEPS[name] = sweep


def run_sweeps(*, now: datetime) -> dict[str, dict[str, Any]]:
    """Every sweep once. A failing sweep is logged and answers {"error": "..."}: the others run."""
    results: dict[str, dict[str, Any]] = {}
    for name, sweep in list(SWEEPS.items()):
        try:
            results[name] = dict(sweep(now=now))
        except Exception as exc:
            logger.exception("Sweep %s failed; the other sweeps go on, and it runs again", name)
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        acted = {key: len(value) for key, value in results[name].items() if value}
        if acted:
            logger.info("Sweep %s: %s", name, acted)
    return results


def failed_sweeps(results: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The sweeps of a `run_sweeps` result that raised, with their error."""
    return {name: str(result["error"]) for name, result in results.items() if "error" in result}
