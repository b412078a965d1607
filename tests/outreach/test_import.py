"""Affected customers from a CSV: stored raw, imported by the worker, bad rows by line number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from rapport.lib.errors import ActionError
from rapport.outreach.actions import imports
from rapport.outreach.actions.imports import import_audience, start_import
from rapport.outreach.actions.incidents import NotAllowed, create_incident
from rapport.outreach.actions.tasks import create_tasks
from rapport.outreach.models import AudienceImport, ImportStatus, Incident, OutreachTask
from rapport.people.models import Customer, Identity
from tests.conftest import World
from tests.outreach.conftest import today_iso


def manifest() -> str:
    return (
        "Name,Email,Phone,departure_date,tags\n"
        # A customer new to the desk has no time zone of their own yet: UTC's today counts.
        f"Rosa Delgado,rosa.delgado@example.com,+34 699 112 233,{today_iso('UTC')},\n"
        "Marco Bellini,marco.bellini@example.it,,,medical\n"
        "Nobody at all,,,,\n"
        "Bad Email,not-an-email,,,\n"
        '"Jun\nSantos",jun.santos@example.ph,+63 917 123 4567,,\n'
        "Maria Lopez,MARIA.LOPEZ@example.com,,,\n"
    )


@pytest.fixture
def incident(world: World) -> Incident:
    return create_incident(title="Flight AU 482 cancelled", team=world.clinic, by=world.supervisor)


def test_a_bad_row_is_reported_by_line_and_never_loses_the_rest(
    world: World, incident: Incident, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(
            incident=incident,
            content=manifest().encode(),
            filename="au482.csv",
            by=world.supervisor,
        )
    job.refresh_from_db()

    assert job.status == ImportStatus.DONE and job.total_rows == 6
    assert (job.processed_rows, job.added) == (6, 4)
    assert [e["line"] for e in job.errors] == [4, 5]
    assert job.errors[0]["message"] == "no email or phone"
    assert "not an email address" in job.errors[1]["message"]
    tasks = {
        t.customer.name: t
        for t in OutreachTask.objects.filter(incident=incident).select_related("customer")
    }
    assert set(tasks) == {"Rosa Delgado", "Marco Bellini", "Jun\nSantos", "Maria Lopez"}
    # An existing customer is matched by their address, not duplicated.
    assert tasks["Maria Lopez"].customer_id == world.customer.pk
    assert Customer.objects.filter(name="Maria Lopez").count() == 1
    # The CSV's own columns feed the priority rules; the phone is kept for the call.
    assert (tasks["Rosa Delgado"].tier, tasks["Rosa Delgado"].reasons) == (1, ["travelling today"])
    assert (tasks["Marco Bellini"].tier, tasks["Marco Bellini"].reasons[0]) == (1, "medical need")
    assert tasks["Rosa Delgado"].source == "csv line 2"
    assert Identity.objects.filter(customer=tasks["Rosa Delgado"].customer, kind="phone").exists()

    # Running the job again does nothing twice.
    assert import_audience(job.pk).added == 4
    assert OutreachTask.objects.filter(incident=incident).count() == 4


def test_progress_moves_in_batches_while_the_file_is_read(
    world: World, incident: Incident, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = "".join(f"P{i},p{i}@example.com,\n" for i in range(7))
    job = start_import(incident=incident, content=f"name,email,phone\n{rows}", by=world.supervisor)
    assert job.status == ImportStatus.QUEUED and job.percent == 0
    seen: list[int] = []
    original = create_tasks

    def spy(**kwargs: Any) -> Any:
        seen.append(AudienceImport.objects.get(pk=job.pk).processed_rows)
        return original(**kwargs)

    monkeypatch.setattr(imports, "IMPORT_BATCH", 3)
    monkeypatch.setattr(imports, "create_tasks", spy)
    done = import_audience(job.pk)
    assert seen == [0, 3, 6] and done.added == 7 and done.percent == 100


def test_the_file_must_name_its_columns_and_only_supervisors_import(
    world: World, incident: Incident
) -> None:
    with pytest.raises(ActionError, match="name the columns"):
        start_import(incident=incident, content=b"Rosa,rosa@example.com\n", by=world.supervisor)
    with pytest.raises(ActionError, match="UTF-8"):
        start_import(incident=incident, content=b"name,email\n\xff\xfe", by=world.supervisor)
    with pytest.raises(NotAllowed):
        start_import(incident=incident, content=b"name,email\n", by=world.agent)


def test_command_imports_and_reports_bad_lines(
    world: World, incident: Incident, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "au482.csv"
    path.write_text(manifest())
    with pytest.raises(SystemExit) as exited:
        call_command("incident_import", str(path), "--incident", str(incident.pk), "--as", "sam")
    assert exited.value.code == 1
    out, err = capsys.readouterr()
    assert "line 4: no email or phone" in err and "line 5:" in err
    assert "4 customers added" in out
    assert OutreachTask.objects.filter(incident=incident).count() == 4
