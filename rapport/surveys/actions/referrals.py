"""A promoter's referral link, used: the friend's case opens with a named owner (continuity
first: the referrer's own owner when routing agrees), and the recommendation is recorded as
word of mouth on the referrer's relationship (`care.WordOfMouth`, counted per owner)."""

from __future__ import annotations

from django.db import transaction

from rapport.care.actions.word_of_mouth import record_word_of_mouth
from rapport.cases.models import Case
from rapport.lib.errors import ActionError
from rapport.people.actions.customers import create_claimed_customer
from rapport.people.models import Customer
from rapport.routing.actions.opening import open_case

REFERRAL_TAG = "referral"
# How a recommendation through the link is told apart in the word-of-mouth records.
REFERRAL_NOTE = "their referral link"


@transaction.atomic
def refer_a_friend(*, referrer: Customer, name: str, email: str, about: str) -> Case:
    """The friend's own words open their case (web, tagged `referral`), in the business the
    referrer last dealt with; what they typed is kept unverified, like any public form."""
    if not name.strip():
        raise ActionError("Tell us your name.", field="name")
    if not about.strip():
        raise ActionError("Tell us in a few words how we can help.", field="about")
    friend = create_claimed_customer(
        name=name.strip(), identities=[("email", email)], source="a referral link"
    )
    last = Case.objects.filter(customer=referrer).order_by("-created_at").first()
    case = open_case(
        customer=friend,
        subject=f"Recommended by a customer: {' '.join(about.split())[:80]}",
        channel="web",
        text=about,
        by=None,
        tags=[REFERRAL_TAG],
        brand=last.brand if last is not None else None,
    )
    record_word_of_mouth(by=None, referrer=referrer, referred=friend, note=REFERRAL_NOTE)
    return case
