"""A post's author found by their account's own id before their handle: a changed handle finds the
same customer and case (and the customer's record says so), a handle re-used by another account
does not join its former holder's history, an identity known before ids were kept takes the first
one it sees, merged customers' accounts follow the survivor, and the migration's backfill."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.apps import apps

from rapport.cases.actions.customers import merge_customers
from rapport.cases.models import CaseEvent, CaseEventKind
from rapport.lib.errors import ActionError
from rapport.people.actions.identities import add_identity
from rapport.people.models import Customer, CustomerEvent, CustomerEventKind, Identity
from rapport.social.actions.ingest import IncomingPost, IngestResult, ingest_post
from rapport.social.models import SocialPost
from tests.conftest import World
from tests.social.posts import NOW, ON_BLUESKY, ON_MASTODON

MARIA = replace(
    ON_BLUESKY, post_id="at://did:plc:maria/app.bsky.feed.post/0", author_id="did:plc:maria"
)
pytestmark = pytest.mark.usefixtures("at_now")


def later(
    n: int,
    *,
    author_handle: str = MARIA.author_handle,
    author_id: str = MARIA.author_id,
    author_name: str = MARIA.author_name,
) -> IngestResult:
    """Maria's next post, `n` minutes after the first, by the author given (her, unless said)."""
    post = replace(
        MARIA,
        post_id=f"at://did:plc:maria/app.bsky.feed.post/{n}",
        author_handle=author_handle,
        author_id=author_id,
        author_name=author_name,
        text=f"Still waiting ({n})",
        posted_at=MARIA.posted_at + timedelta(minutes=n),
    )
    return ingest_post(post=post, source="poll")


def social(customer: Customer) -> list[tuple[str, str]]:
    return list(
        Identity.objects.filter(customer=customer, kind="social")
        .order_by("pk")
        .values_list("value", "account_id")
    )


def test_a_new_author_is_kept_with_their_account(world: World) -> None:
    taken = ingest_post(post=MARIA, source="poll")

    assert social(taken.customer) == [("bluesky:maria.bsky.social", "bluesky:did:plc:maria")]
    assert SocialPost.objects.get().author_id == "did:plc:maria"


def test_a_changed_handle_finds_the_same_customer_and_case(world: World) -> None:
    first = ingest_post(post=MARIA, source="poll")
    customers = Customer.objects.count()

    renamed = later(1, author_handle="maria-l.bsky.social")

    assert (renamed.outcome, renamed.case, renamed.customer) == (
        "threaded",
        first.case,
        first.customer,
    )
    assert social(first.customer) == [("bluesky:maria-l.bsky.social", "bluesky:did:plc:maria")]
    event = CustomerEvent.objects.get(
        customer=first.customer, kind=CustomerEventKind.HANDLE_CHANGED
    )
    assert event.data == {
        "identity": "social:bluesky:maria.bsky.social",
        "now": "social:bluesky:maria-l.bsky.social",
    }
    # Said on her case, where the agent reads the post under its new name.
    noted = CaseEvent.objects.get(case=first.case, kind=CaseEventKind.SOCIAL_HANDLE)
    assert (noted.before, noted.after) == (
        {"handle": "@maria.bsky.social"},
        {"handle": "@maria-l.bsky.social", "platform": "bluesky"},
    )
    page = world.client_for(world.supervisor).get(f"/cases/{first.case.pk}/")
    assert "Now @maria-l.bsky.social on bluesky (was @maria.bsky.social)" in page.content.decode()
    # A post naming no account (the webhook's, an import's) finds her by the new handle.
    untold = later(2, author_handle="@maria-l.bsky.social", author_id="")
    assert (untold.case, untold.customer) == (first.case, first.customer)
    assert Customer.objects.count() == customers


def test_a_handle_taken_by_another_account_is_a_new_customer(world: World) -> None:
    first = ingest_post(post=MARIA, source="poll")

    stranger = later(1, author_id="did:plc:someoneelse", author_name="Not Maria")

    assert stranger.outcome == "new_case"
    assert stranger.customer != first.customer and stranger.case != first.case
    assert stranger.customer.name == "Not Maria"
    assert first.case.messages.count() == 1  # nothing joined Maria's history
    assert social(stranger.customer) == [
        ("bluesky:maria.bsky.social", "bluesky:did:plc:someoneelse")
    ]
    # Maria's identity gave the handle up but kept her account: no post by handle finds it.
    [(value, account)] = social(first.customer)
    assert value.startswith("bluesky:maria.bsky.social (not theirs since 2026-12-07, #")
    assert account == "bluesky:did:plc:maria"
    assert CustomerEvent.objects.filter(
        customer=first.customer, kind=CustomerEventKind.HANDLE_CHANGED
    ).exists()
    # Her account posting under its new handle is still her, on her case.
    back = later(2, author_handle="maria-l.bsky.social")
    assert (back.outcome, back.case, back.customer) == ("threaded", first.case, first.customer)
    assert social(first.customer) == [("bluesky:maria-l.bsky.social", "bluesky:did:plc:maria")]
    # The handle alone now finds its present holder.
    untold = later(3, author_id="")
    assert untold.customer == stranger.customer


def test_a_handle_an_account_takes_over_is_given_up_by_its_former_holder(world: World) -> None:
    """Maria renames to a handle another known account held: it is hers now, theirs no more."""
    first = ingest_post(post=MARIA, source="poll")
    other = later(1, author_handle="ana.bsky.social", author_id="did:plc:ana")

    renamed = later(2, author_handle="ana.bsky.social")

    assert (renamed.case, renamed.customer) == (first.case, first.customer)
    assert social(first.customer) == [("bluesky:ana.bsky.social", "bluesky:did:plc:maria")]
    [(value, account)] = social(other.customer)
    assert value.startswith("bluesky:ana.bsky.social (not theirs since")
    assert account == "bluesky:did:plc:ana"


def test_a_handle_known_before_accounts_were_kept_takes_the_first_account(
    world: World,
) -> None:
    add_identity(customer=world.customer, kind="social", value="bluesky:maria.bsky.social", by=None)

    taken = ingest_post(post=MARIA, source="poll")

    assert taken.customer == world.customer
    assert social(world.customer) == [("bluesky:maria.bsky.social", "bluesky:did:plc:maria")]
    # From then on the handle is that account's: another one posting it is someone else.
    assert later(1, author_id="did:plc:someoneelse").customer != world.customer


def test_a_merged_customers_account_follows_the_survivor(world: World) -> None:
    taken = ingest_post(post=MARIA, source="poll")
    survivor = merge_customers(source=taken.customer, target=world.customer, by=world.agent)

    renamed = later(1, author_handle="maria-l.bsky.social")

    assert (renamed.outcome, renamed.case, renamed.customer) == ("threaded", taken.case, survivor)
    assert ("bluesky:maria-l.bsky.social", "bluesky:did:plc:maria") in social(survivor)


def test_a_survivors_own_copy_of_the_new_handle_gives_way_to_the_account(world: World) -> None:
    """The desk knew her new handle (typed before ids were kept); once the two records are one,
    her account's identity takes that handle and the copy without an id goes: nothing given up."""
    add_identity(
        customer=world.customer, kind="social", value="bluesky:maria-l.bsky.social", by=None
    )
    taken = ingest_post(post=MARIA, source="poll")
    survivor = merge_customers(source=taken.customer, target=world.customer, by=world.agent)

    renamed = later(1, author_handle="maria-l.bsky.social")

    assert renamed.customer == survivor
    assert social(survivor) == [("bluesky:maria-l.bsky.social", "bluesky:did:plc:maria")]


@pytest.mark.parametrize(
    "post",
    [
        replace(MARIA, author_id="did plc maria"),
        # Not the account's id as the poll reads it: it would be another account's, and take
        # the handle from the customer the poll keeps it on.
        replace(MARIA, author_id="maria.bsky.social"),  # her handle, not her DID
        replace(MARIA, author_id="DID:PLC:maria"),
    ],
)
def test_an_author_id_not_shaped_as_the_platforms_is_refused(
    world: World, post: IncomingPost
) -> None:
    with pytest.raises(ActionError, match="author_id"):
        ingest_post(post=post, source="webhook")
    assert not SocialPost.objects.exists()


def test_the_backfill_gives_bluesky_identities_their_accounts(world: World) -> None:
    """From the posts' at:// addresses (the newest post under a handle names its holder) and
    from identities named by their DID (accounts shown as handle.invalid); Mastodon's posts
    never named the account."""
    anon = replace(MARIA, post_id="at://did:plc:anon/app.bsky.feed.post/1")
    for post in (
        MARIA,
        replace(
            MARIA,
            post_id="at://did:plc:former/app.bsky.feed.post/0",
            posted_at=NOW - timedelta(days=9),
        ),
        replace(anon, author_handle="did.plc.anon"),
        replace(ON_BLUESKY, platform="mastodon", post_id="1", author_handle="zoe@social.example"),
        # An address with no record path (sent by a webhook): no DID is read from it.
        replace(MARIA, post_id="at://did:plc:odd", author_handle="odd.bsky.social"),
    ):
        ingest_post(post=replace(post, author_id=""), source="webhook")
    Identity.objects.update(account_id="")
    assert set(SocialPost.objects.values_list("author_id", flat=True)) == {""}

    import_module("rapport.social.migrations.0003_post_author_id").backfill(apps, None)

    assert dict(Identity.objects.filter(kind="social").values_list("value", "account_id")) == {
        "bluesky:maria.bsky.social": "bluesky:did:plc:maria",
        "bluesky:did.plc.anon": "bluesky:did:plc:anon",
        "mastodon:zoe@social.example": "",
        "bluesky:odd.bsky.social": "",
    }
    assert dict(SocialPost.objects.values_list("post_id", "author_id")) == {
        MARIA.post_id: "did:plc:maria",
        "at://did:plc:former/app.bsky.feed.post/0": "did:plc:former",
        anon.post_id: "did:plc:anon",
        "1": "",
        "at://did:plc:odd": "",
    }


@pytest.mark.parametrize(
    "elsewhere",
    [
        "109348@SOCIAL.example",  # the same instance, its host typed in capitals
        "77@other.example",  # the same account as another instance numbers it
    ],
)
def test_a_mastodon_account_named_by_another_instance_is_not_a_stranger(
    world: World, elsewhere: str
) -> None:
    polled = ingest_post(
        post=replace(ON_MASTODON, author_id="109348@social.example"), source="poll"
    )
    posted = ingest_post(
        post=replace(ON_MASTODON, post_id="w-1", author_id=elsewhere, text="Still nothing."),
        source="webhook",
    )
    assert posted.customer == polled.customer
    assert posted.case == polled.case
    assert social(polled.customer) == [
        ("mastodon:maria@social.example", "mastodon:109348@social.example")
    ]
    # Her next polled post is still hers, under the handle she has kept.
    again = ingest_post(
        post=replace(ON_MASTODON, post_id="110000", author_id="109348@social.example"),
        source="poll",
    )
    assert again.customer == polled.customer
    assert not CustomerEvent.objects.filter(kind=CustomerEventKind.HANDLE_CHANGED).exists()


def test_an_imported_older_post_of_a_renamed_account_moves_no_handle(world: World) -> None:
    """Maria posted as @maria, renamed to @maria-l; a stranger took @maria. Her old post, imported
    later with her account's id, joins her history and leaves both handles where they are."""
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):  # all posted by then
        first = ingest_post(post=MARIA, source="poll")
        later(10, author_handle="maria-l.bsky.social")
        stranger = later(20, author_id="did:plc:someoneelse", author_name="Not Maria")
        before = CaseEvent.objects.filter(kind=CaseEventKind.SOCIAL_HANDLE).count()

        old = ingest_post(
            post=replace(
                MARIA,
                post_id="at://did:plc:maria/app.bsky.feed.post/old",
                text="From before",
                posted_at=MARIA.posted_at + timedelta(minutes=5),
            ),
            source="import",
        )

    assert old.customer == first.customer
    assert social(first.customer) == [("bluesky:maria-l.bsky.social", "bluesky:did:plc:maria")]
    assert social(stranger.customer) == [
        ("bluesky:maria.bsky.social", "bluesky:did:plc:someoneelse")
    ]
    assert CaseEvent.objects.filter(kind=CaseEventKind.SOCIAL_HANDLE).count() == before


def test_a_post_dated_in_the_future_does_not_stop_a_later_handle_change(world: World) -> None:
    """A sender's clock a year ahead: the post counts from when it reached the desk, so Maria's
    next post under a new handle is still her newest and renames her identity."""
    first = ingest_post(post=replace(MARIA, posted_at=NOW + timedelta(days=365)), source="webhook")
    assert SocialPost.objects.get().posted_at == NOW

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        renamed = later(30, author_handle="maria-l.bsky.social")  # posted half an hour ago

    assert renamed.customer == first.customer
    assert social(first.customer) == [("bluesky:maria-l.bsky.social", "bluesky:did:plc:maria")]
    assert CaseEvent.objects.filter(case=first.case, kind=CaseEventKind.SOCIAL_HANDLE).exists()
