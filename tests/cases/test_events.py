"""The audit trail and agents' notices: one way to write each, kinds from one enum."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

import rapport
from rapport.cases.actions.events import (
    NewCaseEvent,
    NewNotification,
    notify_agent,
    notify_agents,
    record_case_event,
    record_case_events,
)
from rapport.cases.models import CaseEvent, CaseEventKind, Notification, NotificationKind
from tests.conftest import World

WRITER = Path(rapport.__file__).parent / "cases" / "actions" / "events.py"


def _fields(event: CaseEvent) -> tuple[object, ...]:
    return (
        event.case_id,
        event.actor_id,
        event.kind,
        event.before,
        event.after,
        event.reason,
        event.created_at,
    )


def test_a_batch_writes_the_rows_one_at_a_time_would(world: World) -> None:
    at = timezone.now() - timedelta(hours=1)
    before, after, reason = {"status": "open"}, {"status": "resolved"}, "x" * 600
    one = record_case_event(
        world.case,
        kind=CaseEventKind.STATUS,
        by=world.agent,
        before=before,
        after=after,
        reason=reason,
        at=at,
    )
    record_case_events(
        [
            NewCaseEvent(
                case=world.case,
                kind=CaseEventKind.STATUS,
                by=world.agent,
                before=before,
                after=after,
                reason=reason,
            )
        ],
        at=at,
    )
    alone, batched = CaseEvent.objects.filter(kind="status").order_by("pk")
    assert alone.pk == one.pk
    assert _fields(alone) == _fields(batched)
    assert alone.reason == "x" * 500 and alone.created_at == at
    assert alone.before == before and alone.after == after


def test_notices_one_or_many_are_the_same_rows(world: World) -> None:
    at = timezone.now()
    notify_agent(
        agent=world.agent, kind=NotificationKind.HANDOVER, text="y" * 600, case=world.case, at=at
    )
    notify_agents(
        [
            NewNotification(
                agent_id=who.pk, kind=NotificationKind.HANDOVER, text="y" * 600, case=world.case
            )
            for who in (world.agent, world.colleague)
        ],
        at=at,
    )
    rows = Notification.objects.filter(kind="handover").order_by("pk")
    assert [(n.agent_id, n.case_id, n.text, n.created_at) for n in rows] == [
        (world.agent.pk, world.case.pk, "y" * 500, at),
        (world.agent.pk, world.case.pk, "y" * 500, at),
        (world.colleague.pk, world.case.pk, "y" * 500, at),
    ]


def _writes(tree: ast.AST, models: set[str]) -> list[int]:
    """Lines that make a row of `models`: `CaseEvent(...)`, `Notification.objects.create(...)`,
    `insert_each(CaseEvent, ...)` and the like."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Name) and func.id in models) or (
            isinstance(func, ast.Attribute)
            and func.attr in {"create", "bulk_create", "get_or_create"}
            and isinstance(func.value, ast.Attribute)
            and isinstance(func.value.value, ast.Name)
            and func.value.value.id in models
        ):
            lines.append(node.lineno)
        elif any(isinstance(arg, ast.Name) and arg.id in models for arg in node.args[:1]):
            lines.append(node.lineno)  # insert_each(CaseEvent, rows)
    return lines


@pytest.mark.parametrize(
    ("writer", "models"),
    [
        (WRITER, {"CaseEvent", "Notification"}),
        (WRITER.parents[2] / "people" / "actions" / "events.py", {"CustomerEvent"}),
        (WRITER.parents[2] / "outreach" / "actions" / "incidents.py", {"IncidentEvent"}),
    ],
    ids=["case-events-and-notices", "customer-events", "incident-events"],
)
def test_only_the_events_module_writes_events_and_notices(writer: Path, models: set[str]) -> None:
    root = WRITER.parents[2]
    found: dict[str, list[int]] = {}
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if path == writer or "/migrations/" in f"/{name}":
            continue
        if lines := _writes(ast.parse(path.read_text(), filename=name), models):
            found[name] = lines
    assert found == {}


def test_the_api_documents_the_stored_event_kinds() -> None:
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    kind = schemas["EventOut"]["properties"]["kind"]
    enum = schemas[kind["$ref"].rsplit("/", 1)[1]]["enum"] if "$ref" in kind else kind["enum"]
    assert enum == [k.value for k in CaseEventKind]
    assert {"opened", "status", "assigned", "priority", "merged", "split"} <= set(enum)
