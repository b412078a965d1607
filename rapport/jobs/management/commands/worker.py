"""`rapport worker`: runs background tasks from the database queue until stopped.

The loop is django-tasks-db's own worker (claiming, running and recording each task) with
Rapport's defaults: every queue, no autoreload. `tick()` runs once per poll before a task is
claimed; the scheduler loop for things that come due (follow-ups, callbacks, SLA deadlines)
plugs in there, so one process does both.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import time
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.db import close_old_connections
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.exceptions import InvalidTaskBackendError
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from rapport.jobs import rq_worker
from rapport.jobs.scheduler import run_sweeps
from rapport.lib.process import settle_after_start

logger = logging.getLogger("rapport.worker")
HANDLED_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, name)
)


class RapportWorker(Worker):
    """django-tasks-db's worker with a hook for periodic work between tasks."""

    next_sweep = 0.0

    def tick(self) -> None:
        """The scheduler: every RAPPORT_SWEEP_SECONDS, act on whatever has come due."""
        if time.monotonic() < self.next_sweep:
            return
        self.next_sweep = time.monotonic() + settings.RAPPORT_SWEEP_SECONDS
        try:
            run_sweeps(now=timezone.now())
        except Exception:
            # A failing sweep must not stop task processing; it is retried next tick.
            logger.exception("Scheduled sweep failed")

    def claim_next(self) -> DBTaskResult[Any, Any] | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        # Every ready task is locked during this transaction, so it stays as short as possible.
        with exclusive_transaction(tasks.db):
            try:
                task_result: DBTaskResult[Any, Any] | None = tasks.get_locked()
            except OperationalError as exc:
                if "is locked" not in str(exc):
                    raise
                task_result = None  # another worker holds the lock; try again next poll
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def run(self) -> None:
        logger.info("Worker %s started (queues: %s)", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            # Spread a pool of workers started together (not cryptographic).
            time.sleep(random.random())  # noqa: S311
        while self.running:
            self.tick()
            task_result = self.claim_next()
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch:
                logger.info("Queue drained; worker %s exits.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Ran %d tasks; worker %s exits.", self._run_tasks, self.worker_id)
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)
        logger.info("Worker %s stopped.", self.worker_id)


def _configured_backend(name: str) -> str:
    try:
        task_backends[name]
    except InvalidTaskBackendError as exc:
        raise ArgumentTypeError(exc.args[0]) from exc
    return name


class Command(DbWorkerCommand):
    help = "Run background tasks (email delivery and other jobs) until stopped."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # An option added again replaces the one of the same name (--backend, below).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # Rapport's defaults: every queue, and no autoreload (a reload can cut a task short).
        parser.set_defaults(queue_name="*", reload=False)
        parser.add_argument(
            "--backend",
            nargs="?",
            default=DEFAULT_TASK_BACKEND_ALIAS,
            # Any configured backend (the database worker's takes database ones only): the
            # Redis queue is worked by RQ below.
            type=_configured_backend,
            dest="backend_name",
            help="The backend to operate on (default: %(default)r)",
        )
        parser.add_argument(
            "--no-fork",
            action="store_true",
            help="Redis queue only: run each task in the worker process instead of a fork.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity: int = options["verbosity"]
        self.configure_logging(verbosity)
        settle_after_start()
        logger.setLevel(logging.CRITICAL if verbosity == 0 else logging.INFO)
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
            queue = options["queue_name"]
            rq_worker.run(
                queues=[] if queue == "*" else queue.split(","),
                burst=options["batch"],
                fork=not options["no_fork"],
            )
            return
        worker = RapportWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            # A drain-and-exit run is not part of a herd of pollers; no need to wait.
            startup_delay=options["startup_delay"] and not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if options["reload"] and not options["batch"]:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloaded child handles signals
            run_with_reloader(worker.run)
            return
        # SIGTERM/SIGINT finish the running task, then exit; a second one aborts it.
        previous = {sig: signal.getsignal(sig) for sig in HANDLED_SIGNALS}
        worker.configure_signals()
        try:
            worker.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
