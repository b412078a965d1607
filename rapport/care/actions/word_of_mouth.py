"""Word of mouth: who recommended us to whom, so referrals can be counted per relationship."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.care.models import WordOfMouth
from rapport.lib.errors import ActionError
from rapport.people.actions.events import record_customer_event
from rapport.people.models import Agent, Customer, CustomerEventKind


@transaction.atomic
def record_word_of_mouth(
    *,
    by: Agent | None,
    referrer: Customer | None = None,
    referrer_text: str = "",
    referred: Customer | None = None,
    referred_text: str = "",
    on: date | None = None,
    note: str = "",
) -> WordOfMouth:
    """ "Who referred you?" / "did you recommend us?": one person recommending us to another
    (`by` None: the customer's own referral link, rapport/surveys)."""
    referrer_text, referred_text = referrer_text.strip()[:200], referred_text.strip()[:200]
    if referrer is None and not referrer_text:
        raise ActionError("Say who recommended us.", field="referrer")
    if referred is None and not referred_text:
        raise ActionError("Say who was recommended to us.", field="referred")
    if referrer is None and referred is None:
        raise ActionError("One of the two must be a customer on file.", field="referrer")
    if referrer is not None and referred is not None and referrer.pk == referred.pk:
        raise ActionError("A customer cannot refer themselves.", field="referred")
    row = WordOfMouth.objects.create(
        referrer=referrer,
        referrer_text="" if referrer else referrer_text,
        referred=referred,
        referred_text="" if referred else referred_text,
        on=on or timezone.localdate(),
        note=note.strip()[:300],
        recorded_by=by,
    )
    # "from" is a keyword in Python, so the details go in as a mapping.
    details: dict[str, Any] = {"row": row.pk, "from": row.referrer_name, "to": row.referred_name}
    for customer in (referrer, referred):
        if customer is not None:
            record_customer_event(customer, kind=CustomerEventKind.WORD_OF_MOUTH, by=by, **details)
    return row
