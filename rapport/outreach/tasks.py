"""Thin jobs: load by id, call the action."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(import_id: int) -> str:
    # On the worker, when it runs: outreach.imports imports this module to queue the job.
    from rapport.outreach.actions.imports import import_audience

    return str(import_audience(import_id).status)
