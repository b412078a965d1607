"""rapport.lib.bulk: rows written by `insert_each` and `update_each` are the rows the ORM writes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from rapport.cases.models import Case, CaseEvent, Priority, Status
from rapport.lib.bulk import insert_each, update_each
from rapport.mail.models import InboundEmail
from rapport.people.models import Customer

pytestmark = pytest.mark.django_db

WHEN = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def _inbound(n: int) -> InboundEmail:
    return InboundEmail(
        raw=b"From: a@example.com\r\n\r\n\x00\xff" + str(n).encode(),
        size=20,
        source="pipe",
        envelope_to=[f"desk+{n}@example.org"],
        received_at=WHEN,
        message_id=f"<m{n}@example.com>",
        sender="a@example.com",
        subject=f"Subject {n} — café",
        parse_errors=["x"] if n % 2 else [],
    )


def _stored(model: type[Model], pk: Any) -> dict[str, Any]:
    values = model._default_manager.filter(pk=pk).values().get()
    values.pop("id")
    return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in values.items()}


def test_inserted_rows_equal_bulk_created_ones_and_get_their_keys() -> None:
    ours = insert_each(InboundEmail, [_inbound(n) for n in range(3)])
    theirs = InboundEmail.objects.bulk_create([_inbound(n) for n in range(3)])
    assert all(row.pk is not None and not row._state.adding for row in ours)
    assert len({row.pk for row in ours + theirs}) == 6
    for mine, reference in zip(ours, theirs, strict=True):
        assert _stored(InboundEmail, mine.pk) == _stored(InboundEmail, reference.pk)
    assert InboundEmail.objects.get(pk=ours[1].pk).raw == b"From: a@example.com\r\n\r\n\x00\xff1"
    assert InboundEmail.objects.get(pk=ours[2].pk).subject == "Subject 2 — café"


def test_related_objects_saved_after_assignment_give_their_keys() -> None:
    customer = Customer(name="Ana Ortiz")
    case = Case(customer=customer, subject="Puppy cough", created_at=WHEN, updated_at=WHEN)
    insert_each(Customer, [customer])  # saved after it was assigned to the case
    insert_each(Case, [case])
    event = insert_each(CaseEvent, [CaseEvent(case=case, kind="opened", after={"a": [1]})])[0]
    stored = CaseEvent.objects.get(pk=event.pk)
    assert stored.case_id == case.pk
    assert stored.case.customer_id == customer.pk
    assert stored.after == {"a": [1]}
    assert stored.created_at is not None


def test_unsaved_related_objects_are_refused_as_bulk_create_refuses_them() -> None:
    case = Case(customer=Customer(name="Nobody"), subject="x")
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_each(Case, [case])


def test_many_rows_go_in_chunks_the_database_accepts() -> None:
    rows = [_inbound(n) for n in range(250)]
    with CaptureQueriesContext(connection) as queries:
        insert_each(InboundEmail, rows)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    columns = [f for f in InboundEmail._meta.concrete_fields if not f.primary_key]
    per_statement = connection.ops.bulk_batch_size(columns, rows)
    # SQLite takes 999 variables a statement (several statements here), PostgreSQL 65,535.
    assert len(inserts) == -(-250 // per_statement)
    assert len(inserts) > 1 or connection.vendor == "postgresql"
    assert InboundEmail.objects.count() == 250
    assert sorted(r.pk for r in rows) == sorted(InboundEmail.objects.values_list("pk", flat=True))


def test_a_failing_row_fails_the_statement() -> None:
    insert_each(InboundEmail, [_inbound(1)])
    first = _inbound(2)
    first.claim = "<same@x>"
    second = _inbound(3)
    second.claim = "<same@x>"
    with pytest.raises(IntegrityError):
        insert_each(InboundEmail, [first, second])


def test_nothing_to_insert_writes_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert insert_each(InboundEmail, []) == []
    assert queries.captured_queries == []


def test_update_each_writes_each_rows_own_values_with_a_condition() -> None:
    rows = insert_each(InboundEmail, [_inbound(n) for n in range(3)])
    for n, row in enumerate(rows):
        row.reason = f"reason {n}"
        row.attempts = n
    rows[2].status = "processed"
    InboundEmail.objects.filter(pk=rows[2].pk).update(status="processed")
    changed = update_each(
        InboundEmail, rows, ["reason", "attempts"], where="status = %s", params=["received"]
    )
    assert changed == 2
    stored = {r.pk: (r.reason, r.attempts) for r in InboundEmail.objects.all()}
    assert stored[rows[0].pk] == ("reason 0", 0)
    assert stored[rows[1].pk] == ("reason 1", 1)
    assert stored[rows[2].pk] == ("", 0)  # its status no longer matched


def test_cases_with_choices_keys_and_json_are_written_as_bulk_create_writes_them() -> None:
    customer = insert_each(Customer, [Customer(name="Ana Ortiz", language="es")])[0]

    def case() -> Case:
        return Case(
            customer=customer,
            subject="Puppy cough — ça va",
            status=Status.WAITING_CUSTOMER,
            priority=Priority.HIGH,
            tags=["vet", "night"],
            triage={"urgent": True, "reasons": ["x"]},
            created_at=WHEN,
            updated_at=WHEN,
        )

    ours = insert_each(Case, [case(), case()])
    theirs = Case.objects.bulk_create([case(), case()])
    for mine, reference in zip(ours, theirs, strict=True):
        assert _stored(Case, mine.pk) == _stored(Case, reference.pk)
    stored = Case.objects.get(pk=ours[0].pk)
    assert (stored.status, stored.priority, stored.tags) == (
        "waiting_customer",
        "high",
        ["vet", "night"],
    )
    assert stored.customer_id == customer.pk
