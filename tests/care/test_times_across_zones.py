"""One rule for time: a time typed with a zone is that zone's time in every form, shown in the
zone named beside it to every viewer, and the customer's email and .ics say what the page says.

Ana types from Madrid; her customers are in Lisbon and Toronto; the supervisor reads from Tokyo.
"""

from __future__ import annotations

import email
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import time_machine
from django.core import mail
from django.test import Client

from rapport.care.actions.callbacks import book_callback
from rapport.care.models import Appointment, Promise
from rapport.people.models import Agent, Customer
from tests.conftest import World

NOW = datetime(2027, 7, 12, 8, 0, tzinfo=UTC)  # a Monday in summer time


def _in(world: World, zone: str) -> None:
    Customer.objects.filter(pk=world.customer.pk).update(timezone=zone)
    world.customer.refresh_from_db()
    world.case.refresh_from_db()


def test_an_appointment_typed_for_lisbon_is_lisbons_time_in_the_email_and_the_ics(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _in(world, "Europe/Lisbon")
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.agent).post(  # Ana's own zone is Madrid
            f"/care/cases/{world.case.pk}/appointment/",
            {
                "starts_at": "2027-07-15T09:00",
                "duration_minutes": "30",
                "timezone": "Europe/Lisbon",
                "with_agent": world.colleague.pk,
                "location": "Lisbon clinic",
            },
        )
    assert response.status_code == 302, response.content.decode()
    appointment = Appointment.objects.select_related("promise").get()
    assert appointment.promise.due_at == datetime(2027, 7, 15, 8, 0, tzinfo=UTC)
    [sent] = mail.outbox
    assert "(Thursday 15 July 2027, 09:00 Europe/Lisbon)" in sent.body
    parsed = email.message_from_bytes(sent.message().as_bytes())
    [part] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    calendar = icalendar.Calendar.from_ical(payload)
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime(2027, 7, 15, 9, 0, tzinfo=ZoneInfo("Europe/Lisbon"))
    assert str(event["dtstart"].params["TZID"]) == "Europe/Lisbon"


def test_a_time_the_clocks_skip_is_refused_on_the_form_not_moved(world: World) -> None:
    _in(world, "Europe/Lisbon")
    with time_machine.travel(datetime(2027, 3, 20, 9, 0, tzinfo=UTC), tick=False):
        response = world.client_for(world.agent).post(
            f"/care/cases/{world.case.pk}/appointment/",
            {
                "starts_at": "2027-03-28T01:30",  # Lisbon goes from 01:00 to 02:00
                "duration_minutes": "30",
                "timezone": "Europe/Lisbon",
                "location": "Lisbon clinic",
            },
        )
    assert response.status_code == 400
    assert "01:30 does not exist on Sunday 28 March 2027 in Europe/Lisbon" in (
        response.content.decode()
    )
    assert not Appointment.objects.exists()


def test_a_callback_time_on_the_contact_page_is_the_visitors_own(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        response = Client().post(  # a stranger, with their browser in Toronto
            "/contact/",
            {
                "name": "Jonas Berg",
                "phone": "+1 416 555 0199",
                "about": "My order arrived damaged",
                "when": "2027-07-13T10:00",
                "timezone": "America/Toronto",
            },
        )
    assert response.status_code == 200, response.content.decode()
    promise = Promise.objects.get()
    assert promise.due_at == datetime(2027, 7, 13, 14, 0, tzinfo=UTC)  # 10:00 EDT
    assert "10:00" in response.content.decode()


def test_a_promise_shows_the_same_time_to_every_viewer_in_the_customers_zone(
    world: World,
) -> None:
    _in(world, "America/Toronto")
    Agent.objects.filter(pk=world.supervisor.pk).update(timezone="Asia/Tokyo")
    world.supervisor.refresh_from_db()
    with time_machine.travel(NOW, tick=False):
        book_callback(
            case=world.case,
            by=world.agent,
            window_start=datetime(2027, 7, 13, 14, 0, tzinfo=ZoneInfo("America/Toronto")),
        )
        pages = [
            world.client_for(viewer).get(f"/cases/{world.case.pk}/").content.decode()
            for viewer in (world.agent, world.supervisor)
        ]
    for page in pages:
        assert "Tue 13 Jul 14:00" in page and "America/Toronto" in page
        assert "Tue 13 Jul 20:00" not in page and "Wed 14 Jul 03:00" not in page


def test_without_the_agents_own_words_the_invitation_is_the_desks_not_signed_by_them(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.agent).post(
            f"/care/cases/{world.case.pk}/appointment/",
            {
                "starts_at": "2027-07-15T09:00",
                "duration_minutes": "30",
                "timezone": "Europe/Madrid",
                "location": "Night clinic",
                "with_agent": world.colleague.pk,
            },
        )
    assert response.status_code == 302, response.content.decode()
    [sent] = mail.outbox
    assert "Dr. Ana Ortiz" not in sent.body and sent.body.split("\n\nYour case #")[
        0
    ].rstrip().endswith("— Rapport")
    assert sent.body.startswith("Hello Maria,")
    invite = Appointment.objects.select_related("invite").get().invite
    assert invite is not None and invite.author_id is None
