"""The calendar invitation for an appointment (RFC 5545, METHOD:REQUEST), built with icalendar."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Rapport//Care appointments//EN"


def invitation(
    *,
    uid: str,
    sequence: int,
    starts_at: datetime,
    ends_at: datetime,
    timezone: str,
    summary: str,
    location: str,
    description: str,
    organizer_name: str,
    organizer_email: str,
    attendee_name: str,
    attendee_email: str,
    stamp: datetime,
) -> str:
    """DTSTART/DTEND carry the appointment's own TZID, with the VTIMEZONE definition included,
    so the customer's calendar shows the right hour wherever they are. No attendee is named
    when `attendee_email` is "" (the customer has no address to write to yet)."""
    tz = ZoneInfo(timezone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    cal.add("calscale", "GREGORIAN")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at.astimezone(tz))
    event.add("dtend", ends_at.astimezone(tz))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("status", "CONFIRMED")
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText(organizer_name)
    event["organizer"] = organizer
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["cn"] = vText(attendee_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    cal.add_missing_timezones()
    payload: bytes = cal.to_ical()
    return payload.decode()


def organizer_email(email: str) -> str:
    return email or settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
