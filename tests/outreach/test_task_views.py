"""The outreach task page: who, why, the phone number, the draft to make one's own, the call."""

from __future__ import annotations

from typing import Any

from rapport.cases.models import Call
from rapport.outreach.actions.incidents import create_incident
from rapport.outreach.actions.tasks import add_audience, draft_text
from rapport.outreach.models import OutreachTask
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def _task(world: World) -> OutreachTask:
    incident = create_incident(
        title="Clinic closed by a flood", team=world.clinic, by=world.supervisor
    )
    add_audience(incident=incident, customers=[world.customer], by=world.supervisor)
    return OutreachTask.objects.get(incident=incident)


def test_task_page_shows_the_draft_in_the_composer_and_a_phone_link(world: World) -> None:
    task = _task(world)
    page = world.client_for(world.colleague).get(f"/outreach/tasks/{task.pk}/").content.decode()
    assert 'href="tel:+34612345678"' in page
    assert "Hi Maria," in page and "Dr. Ben Hale" in page
    assert "— Dr. Ben Hale" in page  # the signature it will carry
    assert "do not reply" not in page.lower()
    assert world.client_for(world.outsider).get(f"/outreach/tasks/{task.pk}/").status_code == 404
    assert_login_required(f"/outreach/tasks/{task.pk}/")


def test_logging_the_call_and_outcome_in_one_step(world: World) -> None:
    task = _task(world)
    url = f"/outreach/tasks/{task.pk}/call/"
    form = {
        "call_outcome": "reached",
        "outcome": "rebooked",
        "notes": "Moved to Thursday",
        "duration_minutes": "4",
        "expected": "not_yet",
    }
    assert world.client_for(world.outsider).post(url, form).status_code == 404
    assert_login_required(url, method="post")
    response = world.client_for(world.colleague).post(url, form)
    assert response.status_code == 302
    assert response["Location"] == f"/outreach/{task.incident_id}/?show=mine"
    task.refresh_from_db()
    assert (task.status, task.outcome) == ("reached", "rebooked")
    assert Call.objects.get(case=task.case).duration_seconds == 240
    # The same form again, from the stale page, is refused rather than double-counted.
    again = world.client_for(world.agent).post(url, form, follow=True)
    assert "someone else recorded it" in again.content.decode()


def test_the_unedited_draft_is_not_sent(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    task = _task(world)
    url = f"/outreach/tasks/{task.pk}/message/"
    draft = draft_text(task, world.colleague)
    refused = world.client_for(world.colleague).post(url, {"text": draft}, follow=True)
    assert "Make it personal" in refused.content.decode()
    mine = "Hi Maria, it's Ben. The clinic is flooded; Mila's check-up moves to Thursday at 10."
    with django_capture_on_commit_callbacks(execute=True):
        sent = world.client_for(world.colleague).post(url, {"text": mine})
    assert sent.status_code == 302
    task.refresh_from_db()
    assert task.status == "attempted"
    assert world.client_for(world.outsider).post(url, {"text": mine}).status_code == 404


def test_result_form_records_a_reached_customer(world: World) -> None:
    task = _task(world)
    url = f"/outreach/tasks/{task.pk}/result/"
    response = world.client_for(world.agent).post(
        url, {"status": "reached", "outcome": "declined", "note": "Wrote back: no need"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.outcome) == ("reached", "declined")
    assert world.client_for(world.outsider).post(url, {"status": "failed"}).status_code == 404
