"""Affected customers from an uploaded CSV: stored raw, imported by a worker, bad rows kept."""

from __future__ import annotations

import csv
import io
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rapport.lib.errors import ActionError
from rapport.outreach.actions.incidents import record_incident_event, require_supervisor
from rapport.outreach.actions.tasks import Affected, create_tasks
from rapport.outreach.models import (
    AudienceImport,
    ImportStatus,
    Incident,
    IncidentEventKind,
    IncidentStatus,
)
from rapport.outreach.tasks import run_import
from rapport.people.actions.customers import find_or_create_customer
from rapport.people.actions.identities import add_identity, normalise_identity
from rapport.people.models import Agent, Customer, Identity, IdentityKind

MAX_CSV_BYTES = 10 * 1024 * 1024


IMPORT_BATCH = 50  # rows per transaction: tasks appear on the board while the file imports


@transaction.atomic
def start_import(
    *, incident: Incident, by: Agent, content: str | bytes, filename: str = ""
) -> AudienceImport:
    """Store the file raw and queue the import; the page polls its progress."""
    require_supervisor(by, "import affected customers")
    if incident.status != IncidentStatus.OPEN:
        raise ActionError("This incident is closed.")
    if isinstance(content, bytes):
        if len(content) > MAX_CSV_BYTES:
            raise ActionError("The file is larger than 10 MB; split it.", field="file")
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ActionError(
                "Save the file as UTF-8 CSV and upload it again.", field="file"
            ) from exc
    header = _header(content)
    if not {"email", "phone"} & set(header):
        raise ActionError(
            "The first line must name the columns, with an email or phone column "
            "(e.g. name,email,phone).",
            field="file",
        )
    total = max(sum(1 for _ in csv.reader(io.StringIO(content))) - 1, 0)
    job = AudienceImport.objects.create(
        incident=incident, filename=filename[:255], content=content, created_by=by, total_rows=total
    )
    record_incident_event(
        incident,
        by=by,
        kind=IncidentEventKind.IMPORT_STARTED,
        import_id=job.pk,
        filename=filename,
        rows=total,
    )
    transaction.on_commit(partial(run_import.enqueue, job.pk))
    return job


def _header(content: str) -> list[str]:
    first = next(csv.reader(io.StringIO(content)), [])
    return [column.strip().lower() for column in first]


KNOWN_COLUMNS = {"email", "phone", "name"}


def import_audience(import_id: int) -> AudienceImport:
    """The worker's part: claim the import, read every row, report bad rows by line number.

    Rows are committed in batches, so the board fills up and the progress counter moves while
    the file is read; a bad row is recorded and skipped, never losing the rest.
    """
    claimed = AudienceImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    job = AudienceImport.objects.select_related("incident", "created_by").get(pk=import_id)
    if not claimed:
        return job  # another worker has it, or it already ran
    errors: list[dict[str, Any]] = []
    processed = added = 0
    try:
        reader = csv.reader(io.StringIO(job.content))
        header = [column.strip().lower() for column in next(reader, [])]
        batch: list[Affected] = []
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                errors.append({"line": reader.line_num, "message": f"unreadable: {exc}"})
                processed += 1
                continue
            processed += 1
            if not any(cell.strip() for cell in row):
                continue
            try:
                with transaction.atomic():
                    batch.append(
                        _affected_from_row(header, row, reader.line_num, by=job.created_by)
                    )
            except ActionError as exc:
                errors.append({"line": reader.line_num, "message": exc.message})
            if processed % IMPORT_BATCH == 0:
                added += _flush(job, batch, processed, errors)
                batch = []
        added += _flush(job, batch, processed, errors)
    except Exception as exc:
        AudienceImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            failure=str(exc)[:500],
            errors=errors,
            finished_at=timezone.now(),
        )
        raise
    AudienceImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        processed_rows=processed,
        errors=errors,
        finished_at=timezone.now(),
    )
    record_incident_event(
        job.incident,
        by=job.created_by,
        kind=IncidentEventKind.IMPORT_DONE,
        import_id=job.pk,
        added=added,
        bad_rows=len(errors),
    )
    job.refresh_from_db()
    return job


def _flush(
    job: AudienceImport, batch: list[Affected], processed: int, errors: list[dict[str, Any]]
) -> int:
    added = (
        create_tasks(incident=job.incident, affected=batch, by=job.created_by).added if batch else 0
    )
    AudienceImport.objects.filter(pk=job.pk).update(
        processed_rows=processed, added=F("added") + added, errors=errors
    )
    return added


def _affected_from_row(
    header: list[str], row: list[str], line: int, *, by: Agent | None
) -> Affected:
    values = {
        header[i]: cell.strip() for i, cell in enumerate(row) if i < len(header) and header[i]
    }
    if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
        raise ActionError(f"{len(row)} columns, but the header names {len(header)}")
    email, phone, name = values.get("email", ""), values.get("phone", ""), values.get("name", "")
    if not email and not phone:
        raise ActionError("no email or phone")
    customer: Customer | None = None
    if email:
        customer, _ = find_or_create_customer(
            kind=IdentityKind.EMAIL, value=email, name=name, by=by
        )
    if phone:
        number = normalise_identity(IdentityKind.PHONE, phone, by=by)
        owner = (
            Identity.objects.filter(kind=IdentityKind.PHONE, value=number)
            .filter(verified_at__isnull=False)  # an unverified claim is nobody's number
            .values_list("customer_id", flat=True)
            .first()
        )
        if customer is None:
            customer, _ = find_or_create_customer(
                kind=IdentityKind.PHONE, value=phone, name=name, by=by
            )
        elif owner is None:
            add_identity(customer=customer, kind=IdentityKind.PHONE, value=number, by=by)
        elif owner != customer.pk:
            raise ActionError(
                f"{email} and {phone} belong to two different customers (#{customer.pk} and "
                f"#{owner}); merge them first"
            )
    if customer is None:  # pragma: no cover - email or phone found or created one above
        raise ActionError("no customer for this row")
    extras = {key: value for key, value in values.items() if key not in KNOWN_COLUMNS and value}
    reference = extras.get("reference", extras.get("booking", extras.get("order", "")))
    return Affected(customer.pk, f"csv line {line}", reference=reference, details=extras)
