"""ingest_post: dedup, matching a handle to a customer, threading, a new public case routed to a
named owner at once, triage, and the social first-response targets."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from rapport.cases.models import CaseEvent, CaseEventKind, Message, Status
from rapport.lib.errors import ActionError
from rapport.people.actions.identities import add_identity
from rapport.people.models import Brand, Customer, Identity, IdentityKind
from rapport.social.actions.ingest import PostTooLarge, ingest_post
from rapport.social.models import ResponseTarget, SocialPost
from tests.conftest import World
from tests.social.posts import ON_MASTODON

POST = ON_MASTODON
pytestmark = pytest.mark.usefixtures("at_now")


def test_an_unknown_handle_opens_a_public_case_with_a_named_owner(world: World) -> None:
    result = ingest_post(post=POST, source="webhook")

    assert result.outcome == "new_case"
    case = result.case
    assert case.origin_channel == "social"
    assert "public" in case.tags
    assert case.owner is not None  # routed to a named person at once
    assert result.customer.name == "Maria L."
    identity = Identity.objects.get(customer=result.customer, kind=IdentityKind.SOCIAL)
    assert identity.value == "mastodon:maria@social.example"
    assert identity.is_verified
    post = SocialPost.objects.get()
    assert (post.case, post.customer, post.source) == (case, result.customer, "webhook")
    assert post.message is not None and post.message.text == POST.text
    assert post.message.channel == "social" and post.message.external_id == "mastodon:109999"
    opened = CaseEvent.objects.get(case=case, kind=CaseEventKind.OPENED)
    assert opened.after["platform"] == "mastodon"
    # Routed by the desk to a named person at once, not left for someone to pick.
    assert opened.after["owner"] == case.owner_id
    assert opened.after["rule"] not in ("unassigned", "explicit", "logged_by")
    assert case.triage  # triaged through the one intake


def test_the_same_post_twice_is_a_duplicate_that_changes_nothing(world: World) -> None:
    first = ingest_post(post=POST, source="webhook")
    messages = Message.objects.count()

    again = ingest_post(post=replace(POST, text="edited later"), source="import")

    assert again.outcome == "duplicate"
    assert (again.case, again.customer) == (first.case, first.customer)
    assert Message.objects.count() == messages
    assert SocialPost.objects.get().source == "webhook"


def test_a_known_handle_is_matched_to_its_customer(world: World) -> None:
    add_identity(
        customer=world.customer, kind="social", value="mastodon:@maria@social.example", by=None
    )
    result = ingest_post(post=POST, source="webhook")

    assert result.customer == world.customer
    assert Customer.objects.filter(name="Maria L.").count() == 0


def test_a_reply_to_their_own_post_threads_on_its_case(world: World) -> None:
    first = ingest_post(post=POST, source="webhook")
    reply = replace(POST, post_id="110000", text="Any news?", in_reply_to="109999")

    result = ingest_post(post=reply, source="webhook")

    assert result.outcome == "threaded"
    assert result.case == first.case
    assert first.case.messages.count() == 2


def test_someone_elses_reply_to_a_post_opens_their_own_case(world: World) -> None:
    first = ingest_post(post=POST, source="webhook")
    friend = replace(
        POST,
        post_id="110000",
        author_handle="pat@other.example",
        author_name="Pat",
        text="Same here, two weeks!",
        in_reply_to="109999",
    )

    result = ingest_post(post=friend, source="webhook")

    assert result.outcome == "new_case"
    assert result.customer != first.customer and result.case.customer == result.customer
    assert first.case.messages.count() == 1


def test_the_customers_open_social_case_takes_their_next_post(world: World) -> None:
    first = ingest_post(post=POST, source="webhook")
    later = replace(POST, post_id="110001", text="Still nothing.", in_reply_to="")

    result = ingest_post(post=later, source="poll")

    assert (result.outcome, result.case) == ("threaded", first.case)


def test_a_resolved_case_reopens_and_a_closed_one_gives_way_to_a_new_case(world: World) -> None:
    first = ingest_post(post=POST, source="webhook")
    type(first.case).objects.filter(pk=first.case.pk).update(status=Status.CLOSED)

    result = ingest_post(post=replace(POST, post_id="2", in_reply_to="109999"), source="webhook")

    assert result.outcome == "new_case"
    assert result.case != first.case


def test_a_public_post_gets_the_public_response_target(world: World, settings: object) -> None:
    settings.RAPPORT_SOCIAL_RESPONSE_MINUTES = 30  # type: ignore[attr-defined]
    result = ingest_post(post=replace(POST, text="Where is my parcel?"), source="webhook")

    case = result.case
    assert case.first_response_due_at == POST.posted_at + timedelta(minutes=30)
    assert SocialPost.objects.get().response_target == ResponseTarget.PUBLIC_POST


def test_a_review_gets_the_review_response_target(world: World, settings: object) -> None:
    settings.RAPPORT_SOCIAL_REVIEW_RESPONSE_HOURS = 48  # type: ignore[attr-defined]
    review = replace(
        POST, platform="trustpilot", post_id="r-1", text="Friendly staff, slow refunds.", rating=3
    )
    result = ingest_post(post=review, source="import")

    post = SocialPost.objects.get()
    assert post.is_review and post.rating == 3
    assert post.response_target == ResponseTarget.REVIEW
    assert result.case.first_response_due_at == review.posted_at + timedelta(hours=48)
    assert result.case.subject.startswith("3-star review on trustpilot")


def test_an_urgent_post_is_triaged_and_recommends_a_call_when_the_customer_has_a_phone(
    world: World,
) -> None:
    add_identity(
        customer=world.customer, kind="social", value="mastodon:@maria@social.example", by=None
    )
    urgent = replace(
        POST,
        post_id="u-1",
        text="URGENT: you charged my card twice and my rent is due today. Call me!",
    )
    result = ingest_post(post=urgent, source="webhook")

    triage = result.case.triage
    assert triage["urgent"] is True
    assert result.case.priority in ("high", "urgent")
    assert triage["recommended_contact"] in ("call", "callback")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"platform": "Not A Slug!"}, "platform"),
        ({"post_id": ""}, "post_id"),
        ({"author_handle": "two words"}, "author_handle"),
        ({"text": "   "}, "text"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"rating": 6}, "rating"),
        ({"rating": 0}, "rating"),
        ({"posted_at": datetime(2026, 12, 7, 9, 0)}, "posted_at"),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_a_bad_field_is_refused_by_name_and_nothing_is_written(
    world: World, change: dict[str, object], field: str
) -> None:
    with pytest.raises(ActionError) as refused:
        ingest_post(post=replace(POST, **change), source="webhook")  # type: ignore[arg-type]
    assert refused.value.field == field
    assert not SocialPost.objects.exists()


def test_a_huge_text_is_refused_as_too_large(world: World, settings: object) -> None:
    settings.RAPPORT_SOCIAL_MAX_TEXT = 1000  # type: ignore[attr-defined]
    with pytest.raises(PostTooLarge) as refused:
        ingest_post(post=replace(POST, text="x" * 1001), source="webhook")
    assert refused.value.status_code == 413
    assert not SocialPost.objects.exists()


def test_a_reply_to_a_post_of_another_business_does_not_thread_into_its_case(
    world: World,
) -> None:
    """The author's first post went to one business; their reply to it, sent to another, opens
    a case of that other business (a tester's reply threaded across businesses)."""
    night = Brand.objects.create(name="Night Clinic", slug="night")
    dental = Brand.objects.create(name="Dental", slug="dental")
    first = ingest_post(post=POST, source="webhook", brand=night)
    answer = replace(POST, post_id="110000", in_reply_to=POST.post_id, text="Still nothing.")
    second = ingest_post(post=answer, source="webhook", brand=dental)
    assert second.outcome == "new_case"
    assert second.case != first.case and second.case.brand == dental


def test_a_handle_with_a_non_ascii_lookalike_letter_is_refused(world: World) -> None:
    """A dotless i matched [a-z] case-insensitively: "mar" + dotless i + "a" became a second
    customer who looks like "maria"."""
    with pytest.raises(ActionError):
        ingest_post(post=replace(POST, author_handle="mar\u0131a"), source="webhook")
    assert not SocialPost.objects.exists()
