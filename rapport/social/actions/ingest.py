"""Taking in a public post or review: the one write path for every way a post arrives (the
webhook, an import file, a platform adapter's poll).

A post is kept once per (platform, post id): its row is claimed first, so the same post arriving
twice at once waits on the unique constraint and is then a duplicate, changing nothing. Its
author is a customer: found by their account's id when the post carries one, else by their
handle (rapport/people/actions/accounts.py); an unknown author makes a customer. It is
added to the case of the post it answers, or to the customer's open social case, else it opens a
case through the one intake (triage, a named owner at once, deadlines, audit) with the social
first-response target: a review's, or a public post's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from rapport.cases.actions.events import record_case_event
from rapport.cases.models import ACTIVE_STATUSES, Case, CaseEventKind
from rapport.lib.errors import ActionError
from rapport.lib.identities import InvalidIdentity, normalise_social
from rapport.people.actions.accounts import find_or_create_by_account
from rapport.people.actions.identities import AddressJustTaken
from rapport.people.actions.merging import follow_merges
from rapport.people.models import Brand, Channel, Customer
from rapport.routing.actions.opening import Opening, open_cases, receive_message
from rapport.social.links import checked_link
from rapport.social.models import ResponseTarget, SocialPost, Source

Outcome = Literal["new_case", "threaded", "duplicate"]

PLATFORM = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_ID = 200
# A DID as atproto writes it: lower-case method, then its own id (did:plc:…, did:web:…).
DID = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._-]$")
MAX_NAME = 200
MAX_HANDLE = 200  # SocialPost.author_handle


class PostTooLarge(ActionError):
    """The post's text is longer than the desk takes in (RAPPORT_SOCIAL_MAX_TEXT)."""

    status_code = 413


@dataclass(frozen=True)
class IncomingPost:
    """A post as the webhook names its fields."""

    platform: str
    post_id: str
    author_handle: str
    author_name: str
    text: str
    url: str
    posted_at: datetime
    in_reply_to: str = ""
    rating: int | None = None
    # The author's account's own id on the platform, which outlives the handle (a Bluesky DID,
    # a Mastodon account id with the instance it was read on); "" when the source has none.
    author_id: str = ""


@dataclass(frozen=True)
class IngestResult:
    outcome: Outcome
    case: Case
    customer: Customer


@dataclass(frozen=True)
class Checked:
    """An incoming post with its fields checked and normalised (`check_post`)."""

    platform: str
    post_id: str
    handle: str  # the identity value, "<platform>:<handle>"
    author_name: str
    text: str
    url: str
    posted_at: datetime
    in_reply_to: str
    rating: int | None
    author_id: str

    @property
    def author_handle(self) -> str:
        return self.handle.partition(":")[2]

    @property
    def account_id(self) -> str:
        """The author's account as their identity holds it, "<platform>:<id>" ("" for none)."""
        return f"{self.platform}:{self.author_id}" if self.author_id else ""


def check_post(post: IncomingPost) -> Checked:
    """The post normalised, or ActionError naming the first field that is wrong (the import
    checks every row with this before it writes any)."""
    platform = post.platform.strip().lower()
    if not PLATFORM.match(platform):
        raise ActionError(
            "platform must be a short lowercase name such as mastodon, bluesky or trustpilot "
            "(letters, digits, - and _).",
            field="platform",
        )
    post_id = _printable(post.post_id).strip()
    if not post_id or len(post_id) > MAX_ID:
        raise ActionError(f"post_id must be 1 to {MAX_ID} characters.", field="post_id")
    try:
        handle = normalise_social(f"{platform}:{post.author_handle.strip().lstrip('@')}")
        if len(handle) > len(platform) + 1 + MAX_HANDLE:
            raise InvalidIdentity("longer than a post's author_handle holds")
    except InvalidIdentity as exc:
        raise ActionError(
            f"author_handle {post.author_handle[:80]!r} is not a handle (e.g. @anna, or "
            "anna@social.example on Mastodon).",
            field="author_handle",
        ) from exc
    name = " ".join(_printable(post.author_name).split())
    if len(name) > MAX_NAME:
        raise ActionError(f"author_name is longer than {MAX_NAME} characters.", field="author_name")
    text = _printable(post.text).strip()
    if not text:
        raise ActionError("text is empty: a post needs its words.", field="text")
    most = settings.RAPPORT_SOCIAL_MAX_TEXT
    if len(text) > most:
        raise PostTooLarge(
            f"text is {len(text):,} characters; the desk takes posts of up to {most:,}.",
            field="text",
        )
    url = checked_link(post.url, field="url", what="url (the post's address)")
    if timezone.is_naive(post.posted_at):
        raise ActionError(
            "posted_at needs its time zone (e.g. 2026-12-07T09:30:00Z).", field="posted_at"
        )
    in_reply_to = _printable(post.in_reply_to).strip()
    if len(in_reply_to) > MAX_ID:
        raise ActionError(f"in_reply_to must be up to {MAX_ID} characters.", field="in_reply_to")
    author_id = _author_id(platform, post.author_id)
    if post.rating is not None and (
        isinstance(post.rating, bool)
        or not isinstance(post.rating, int)
        or not 1 <= post.rating <= 5
    ):
        raise ActionError("rating must be a whole number of stars from 1 to 5.", field="rating")
    return Checked(
        platform=platform,
        post_id=post_id,
        handle=handle,
        author_name=name,
        text=text,
        url=url,
        # Not after it reached the desk (a skewed or wrong clock): a post dated in the future
        # would stay its account's newest, and no later post could record a new handle.
        posted_at=min(post.posted_at, timezone.now()),
        in_reply_to=in_reply_to,
        rating=post.rating,
        author_id=author_id,
    )


def _author_id(platform: str, raw: str) -> str:
    """The post's `author_id` checked, as the platform's adapter would read it."""
    author_id = _printable(raw).strip()
    if len(author_id) > MAX_ID or any(c.isspace() for c in author_id):
        raise ActionError(
            f"author_id must be up to {MAX_ID} characters without spaces (the author's account "
            "id on the platform, e.g. a Bluesky DID).",
            field="author_id",
        )
    if platform == "bluesky" and author_id and not DID.match(author_id):
        # A handle or a mis-cased DID here would be another account's id than the poll reads,
        # and take the handle from the customer who holds it.
        raise ActionError(
            f"author_id {author_id[:80]!r} is not a DID (a Bluesky account's id, did:plc:…).",
            field="author_id",
        )
    if platform == "mastodon" and "@" in author_id:
        # `id@host`: the instance that numbered the account, whose name has no case.
        number, _, host = author_id.rpartition("@")
        author_id = f"{number}@{host.lower()}"
    return author_id


def _printable(value: str) -> str:
    """Without NUL characters: PostgreSQL's text cannot hold them (a hostile post's would fail
    the whole poll), and nobody reads them."""
    return value.replace("\x00", "")


def ingest_post(*, post: IncomingPost, source: str, brand: Brand | None = None) -> IngestResult:
    """The post taken in once: a new case, a message on the case it belongs to, or (seen
    before) the existing case with nothing changed."""
    try:
        return _ingest(post=post, source=source, brand=brand)
    except AddressJustTaken:
        # A new author's first posts arrived together (a thread, a poll and a webhook): the
        # other request made them a customer while this one waited on the handle, and
        # committed. Nothing of this attempt was kept; again, it finds that customer.
        return _ingest(post=post, source=source, brand=brand)


@transaction.atomic
def _ingest(*, post: IncomingPost, source: str, brand: Brand | None) -> IngestResult:
    if source not in Source.values:
        raise ActionError(f"{source!r} is not a source of posts.", field="source")
    checked = check_post(post)
    known = _known(checked)
    if known is not None:
        return known
    try:
        with transaction.atomic():
            row = SocialPost.objects.create(
                platform=checked.platform,
                post_id=checked.post_id,
                author_handle=checked.author_handle,
                author_id=checked.author_id,
                author_name=checked.author_name,
                text=checked.text,
                url=checked.url,
                posted_at=checked.posted_at,
                in_reply_to=checked.in_reply_to,
                rating=checked.rating,
                is_review=checked.rating is not None,
                source=source,
            )
    except IntegrityError:
        # The same post, taken in by another request that committed while this one waited.
        known = _known(checked)
        if known is None:
            raise
        return known
    return _settle(row, checked, brand=brand)


def _known(checked: Checked) -> IngestResult | None:
    seen = (
        SocialPost.objects.select_related("case", "customer")
        .filter(platform=checked.platform, post_id=checked.post_id, case__isnull=False)
        .first()
    )
    if seen is None or seen.case is None or seen.customer is None:
        return None
    # Its author may since have been linked to (merged into) a customer the desk knew.
    return IngestResult("duplicate", seen.case, follow_merges(seen.customer))


def _settle(row: SocialPost, checked: Checked, *, brand: Brand | None) -> IngestResult:
    """The claimed post's customer, case and message."""
    proof = f"posted as @{checked.author_handle} on {checked.platform}"
    # By the author's account first, their handle only when the post names no account.
    author = find_or_create_by_account(
        value=checked.handle,
        account_id=checked.account_id,
        name=checked.author_name or f"@{checked.author_handle}",
        proof=proof,
        # An older post than one kept from the account (history imported late) moves no handle.
        newest=not checked.author_id
        or not SocialPost.objects.filter(
            platform=checked.platform,
            author_id=checked.author_id,
            posted_at__gt=checked.posted_at,
        ).exists(),
    )
    customer, created = author.customer, author.created
    said_at = checked.posted_at  # what the customer said, when they said it
    external_id = f"{checked.platform}:{checked.post_id}"[:300]
    target = _target(checked)
    # A case is one customer's: another person answering their post opens a case of their own.
    case = None if created else _thread_on(checked, customer=customer, brand=brand)
    if case is not None:
        message = receive_message(
            case=case,
            text=checked.text,
            channel=Channel.SOCIAL,
            external_id=external_id,
            received_at=said_at,
        )
        outcome: Outcome = "threaded"
        case.refresh_from_db()
        applied = _apply_target(case, target, said_at=said_at) if case.first_response_at else None
    else:
        opened = open_cases(
            openings=[
                Opening(
                    customer=customer,
                    subject=_subject(checked),
                    channel=Channel.SOCIAL,
                    text=checked.text,
                    by=None,
                    route=True,
                    brand=brand,
                    tags=("public",),
                    external_id=external_id,
                    received_at=said_at,
                    first_contact=created,
                    audit={"platform": checked.platform, "post": checked.post_id},
                    reason=f"A public {'review' if checked.rating else 'post'} on "
                    f"{checked.platform}",
                )
            ]
        )[0]
        case, message, outcome = opened.case, opened.message, "new_case"
        applied = _apply_target(case, target, said_at=said_at)
    if author.renamed_from:
        _note_new_handle(case, checked, was=author.renamed_from)
    row.case, row.message, row.customer = case, message, customer
    row.response_target = applied or ResponseTarget.NONE
    row.save(update_fields=["case", "message", "customer", "response_target"])
    return IngestResult(outcome, case, customer)


def _note_new_handle(case: Case, checked: Checked, *, was: str) -> None:
    """On the case the post came to: its author's account posts under a new handle now."""
    # "bluesky:maria.bsky.social", or a handle given up: "… (not theirs since …)".
    former = was.partition(":")[2].split(" (", 1)[0]
    record_case_event(
        case,
        kind=CaseEventKind.SOCIAL_HANDLE,
        by=None,
        before={"handle": f"@{former}"},
        after={"handle": f"@{checked.author_handle}", "platform": checked.platform},
    )


def _subject(checked: Checked) -> str:
    if checked.rating is not None:
        return f"{checked.rating}-star review on {checked.platform} by @{checked.author_handle}"
    return f"Public post on {checked.platform} by @{checked.author_handle}"


def _thread_on(checked: Checked, *, customer: Customer, brand: Brand | None) -> Case | None:
    """The customer's active case this post belongs to: the one of their post it answers, else
    their open social case (in this business, when it came to one)."""
    of_brand = Q() if brand is None else Q(case__brand=brand)
    if checked.in_reply_to:
        parent = (
            SocialPost.objects.filter(
                of_brand,
                platform=checked.platform,
                post_id=checked.in_reply_to,
                case__customer=customer,
                case__status__in=ACTIVE_STATUSES,
            )
            .select_related("case")
            .first()
        )
        if parent is not None and parent.case is not None:
            return parent.case
    cases = Case.objects.filter(
        customer=customer, origin_channel=Channel.SOCIAL, status__in=ACTIVE_STATUSES
    )
    if brand is not None:
        cases = cases.filter(brand=brand)
    return cases.order_by("-updated_at", "-pk").first()


@dataclass(frozen=True)
class Target:
    kind: ResponseTarget
    within: timedelta


def _target(checked: Checked) -> Target:
    if checked.rating is not None:
        hours = settings.RAPPORT_SOCIAL_REVIEW_RESPONSE_HOURS
        return Target(ResponseTarget.REVIEW, timedelta(hours=hours))
    minutes = settings.RAPPORT_SOCIAL_RESPONSE_MINUTES
    return Target(ResponseTarget.PUBLIC_POST, timedelta(minutes=minutes))


def _apply_target(case: Case, target: Target, *, said_at: datetime) -> ResponseTarget:
    """The answer due within the social target, counted from the post, in place of the
    service-level policy's; an urgent case keeps its policy's deadline when that is sooner."""
    due = said_at + target.within
    fields = ["next_response_due_at"]
    current = case.next_response_due_at
    if case.triage.get("urgent") and current is not None:
        due = min(due, current)
    case.next_response_due_at = due
    if case.first_response_at is None:
        case.first_response_due_at = due
        fields.append("first_response_due_at")
    case.save(update_fields=fields)
    return target.kind
