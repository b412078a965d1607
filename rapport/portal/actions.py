"""What a customer can do for themselves on the contact page: ask a person to call them, or
write to one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction

from rapport.care.actions.callbacks import book_callback
from rapport.care.models import Promise
from rapport.cases.attachments import Upload, attach, check_uploads
from rapport.lib.errors import ActionError
from rapport.people.actions.customers import create_claimed_customer
from rapport.people.models import Brand, Channel
from rapport.routing.actions.opening import Opened, open_case, open_case_with_message


@transaction.atomic
def request_callback(
    *,
    name: str,
    phone: str,
    about: str,
    email: str = "",
    window_start: datetime | None = None,
    timezone_name: str = "",
    brand: Brand | None = None,
) -> Promise:
    """A customer asks for a call: their case opens with a named owner and an honest window."""
    if not name.strip():
        raise ActionError(
            "Tell us your name so the person calling knows who to ask for.", field="name"
        )
    if not about.strip():
        raise ActionError("Tell us in a few words what it is about.", field="about")
    # Anyone can type anything here: what was typed is kept on a new record, unverified, and
    # never attached to (or answered as) a customer it matches; an agent confirms the match.
    typed = [("phone", phone)] + ([("email", email)] if email.strip() else [])
    customer = create_claimed_customer(
        name=name.strip(),
        identities=typed,
        source="the contact page",
        timezone_name=timezone_name,
    )
    case = open_case(
        customer=customer,
        subject=f"Call me back: {' '.join(about.split())[:80]}",
        channel="web",
        text=about,
        by=None,
        tags=["callback-request"],
        brand=brand,
    )
    return book_callback(case=case, by=None, window_start=window_start)


@transaction.atomic
def send_message(
    *,
    name: str,
    email: str,
    text: str,
    attachments: Sequence[Upload] = (),
    timezone_name: str = "",
    brand: Brand | None = None,
) -> Opened:
    """A visitor's message opens a case on channel web through the one opening path (triage,
    a named owner, deadlines), with the file they sent. What they typed is kept on a new,
    unverified record, as for a call-back: nobody is written to at an address anyone could
    have typed until a person has confirmed it."""
    if not name.strip():
        raise ActionError("Tell us your name so we know who to answer.", field="name")
    body = text.strip()
    if not body:
        raise ActionError("Write your message: it is empty.", field="text")
    if not email.strip():
        raise ActionError("Give an email address we can answer you at.", field="email")
    check_uploads(
        attachments,
        most=1,
        each=settings.RAPPORT_CONTACT_ATTACHMENT_MAX_BYTES,
        field="attachment",
    )
    customer = create_claimed_customer(
        name=name.strip(),
        identities=[("email", email)],
        source="the contact page",
        timezone_name=timezone_name,
    )
    opened = open_case_with_message(
        customer=customer,
        subject=" ".join(body.split())[:80],
        channel=Channel.WEB,
        text=body,
        by=None,
        brand=brand,
    )
    attach(opened.message, attachments)
    return opened
