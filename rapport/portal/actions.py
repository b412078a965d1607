"""What a customer can do for themselves on the contact page: ask a person to call them."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from rapport.care.actions.callbacks import book_callback
from rapport.care.models import Promise
from rapport.lib.errors import ActionError
from rapport.people.actions.customers import create_claimed_customer
from rapport.people.models import Brand
from rapport.routing.actions.opening import open_case


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
