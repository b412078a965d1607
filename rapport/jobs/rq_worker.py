"""`rapport worker` with TASKS_BACKEND=redis: an RQ worker plus the scheduler loop beside it."""

from __future__ import annotations

import logging
import threading

import django_rq
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django_tasks_rq.backend import Job
from rq import SimpleWorker, Worker

from rapport.jobs.scheduler import run_sweeps

logger = logging.getLogger("rapport.worker")


def _sweep_once() -> None:
    try:
        run_sweeps(now=timezone.now())
    except Exception:
        # A failing sweep must not stop task processing; it is retried next time.
        logger.exception("Scheduled sweep failed")
    finally:
        close_old_connections()


def run(*, queues: list[str], burst: bool, fork: bool) -> bool:
    """Work the Redis queues until stopped (or, with `burst`, until they are empty)."""
    stop = threading.Event()

    def scheduler_loop() -> None:
        while not stop.is_set():
            _sweep_once()
            stop.wait(settings.RAPPORT_SWEEP_SECONDS)

    if burst:
        _sweep_once()
    else:
        threading.Thread(target=scheduler_loop, name="rapport-scheduler", daemon=True).start()
    worker_class: type[Worker] = Worker if fork else SimpleWorker  # type: ignore[assignment]
    worker = django_rq.get_worker(
        *(queues or ["default"]), job_class=Job, worker_class=worker_class
    )
    try:
        # RQ handles SIGTERM/SIGINT itself: a warm shutdown that finishes the job in hand.
        return bool(worker.work(burst=burst, with_scheduler=not burst))
    finally:
        stop.set()
