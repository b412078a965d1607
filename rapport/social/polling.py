"""Polling the desk's Mastodon account for mentions (and its Bluesky account for mentions,
replies and quotes, `poll_bluesky`): `rapport social-poll` and the worker's "social_mastodon" and
"social_bluesky" sweeps call `poll_accounts` and `poll_bluesky`; both go through `poll_with`.

Each configured account is polled at most once per RAPPORT_MASTODON_POLL_SECONDS by the worker
(any time by the command), never while a rate limit's Reset has not come. Its mentions newer than
the cursor are taken in oldest first, each through `ingest_post(source="poll")` with the cursor
moved past it in the same transaction. A 5xx, a timeout, an answer that is not the API's JSON or a
refused token is reported (the command's output, the worker's log, the cursor's `error`) and
leaves the cursor where it was: the next poll reads the same mentions again. A mention the
intake refuses stops the poll there, reported, rather than be skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings

from rapport.lib.errors import ActionError
from rapport.people.models import Brand
from rapport.social.actions.ingest import IncomingPost
from rapport.social.actions.mastodon import advance_cursor, claim_poll, note_poll, take_mention
from rapport.social.bluesky import Bluesky, Notice
from rapport.social.mastodon import (
    RATE_WINDOW,
    Mastodon,
    MastodonError,
    Mention,
    RateLimit,
    RateLimited,
)
from rapport.social.models import MastodonCursor

logger = logging.getLogger("rapport.social.polling")
PLATFORM = "mastodon"
BLUESKY = "bluesky"


@dataclass(frozen=True)
class Account:
    url: str
    token: str
    brand_slug: str = ""

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or self.url


def configured_accounts() -> list[Account]:
    """The Mastodon accounts the desk listens to (none unless RAPPORT_MASTODON_URL is set)."""
    if not settings.RAPPORT_MASTODON_URL:
        return []
    return [
        Account(
            settings.RAPPORT_MASTODON_URL,
            settings.RAPPORT_MASTODON_TOKEN,
            settings.RAPPORT_MASTODON_BRAND,
        )
    ]


@dataclass
class Polled:
    """What one poll of one account did."""

    instance: str
    new_cases: list[int] = field(default_factory=list)
    threaded: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    cursor: str = ""
    skipped: str = ""  # not polled now, and why (a rate limit's back-off)
    error: str = ""
    resume_at: datetime | None = None

    @property
    def failed(self) -> bool:
        """An error other than a rate limit (that one only waits for its Reset time)."""
        return bool(self.error) and self.resume_at is None

    @property
    def taken(self) -> int:
        return len(self.new_cases) + len(self.threaded) + len(self.duplicates)

    def summary(self) -> str:
        if self.skipped:
            return f"{self.instance}: skipped ({self.skipped})"
        said = (
            f"{self.instance}: {self.taken} mention(s): {len(self.new_cases)} new case(s), "
            f"{len(self.threaded)} threaded, {len(self.duplicates)} already taken in; "
            f"cursor {self.cursor or '(none yet)'}"
        )
        if self.resume_at is not None:
            said += f"; rate limited: next poll after {self.resume_at:%Y-%m-%d %H:%M:%S} UTC"
        return f"{said}; FAILED: {self.error}" if self.failed else said


def poll_accounts(*, now: datetime, every: timedelta = timedelta(0)) -> list[Polled]:
    return [poll_account(account, now=now, every=every) for account in configured_accounts()]


@dataclass(frozen=True)
class BlueskyAccount:
    service: str
    handle: str
    password: str
    brand_slug: str = ""

    @property
    def key(self) -> str:
        """Its cursor's name: the account's address on its service."""
        return f"{self.service}/profile/{self.handle}"


def bluesky_accounts() -> list[BlueskyAccount]:
    """The Bluesky account the desk listens to (none unless RAPPORT_BLUESKY_HANDLE is set)."""
    if not settings.RAPPORT_BLUESKY_HANDLE:
        return []
    return [
        BlueskyAccount(
            settings.RAPPORT_BLUESKY_SERVICE,
            settings.RAPPORT_BLUESKY_HANDLE,
            settings.RAPPORT_BLUESKY_APP_PASSWORD,
            settings.RAPPORT_BLUESKY_BRAND,
        )
    ]


def poll_bluesky(*, now: datetime, every: timedelta = timedelta(0)) -> list[Polled]:
    """The mentions, replies and quotes of each Bluesky account, as Mastodon's mentions are."""
    done = []
    for account in bluesky_accounts():

        def fetch(since: str, account: BlueskyAccount = account) -> Found:
            client = Bluesky(account.service, account.handle, account.password)
            found = client.notices(since=since)
            posts = [(n.indexed_at, bluesky_post(n)) for n in found.notices]
            return Found(posts, "", found.rate)

        done.append(
            poll_with(
                account.key,
                fetch,
                brand_slug=account.brand_slug,
                brand_setting="RAPPORT_BLUESKY_BRAND",
                now=now,
                every=every,
            )
        )
    return done


def bluesky_post(notice: Notice) -> IncomingPost:
    """A Bluesky post as the intake takes every post: its at:// address is its id."""
    return IncomingPost(
        platform=BLUESKY,
        post_id=notice.uri,
        author_handle=notice.handle,
        author_id=notice.did,
        author_name=notice.display_name,
        # A reply of pictures alone has no words: the case still says where to look.
        text=notice.text or f"(a post without text: {notice.url})",
        url=notice.url,
        posted_at=notice.posted_at,
        in_reply_to=notice.in_reply_to,
    )


@dataclass(frozen=True)
class Found:
    """What an adapter read past the cursor: each post with the cursor value just past it,
    oldest first; the newest cursor value seen (also past notifications with no post); the
    last rate-limit headers."""

    posts: list[tuple[str, IncomingPost]]
    newest: str
    rate: RateLimit


def poll_account(account: Account, *, now: datetime, every: timedelta = timedelta(0)) -> Polled:
    def fetch(since: str) -> Found:
        found = Mastodon(account.url, account.token).mentions(since_id=since)
        posts = [(m.notification_id, incoming(m, host=account.host)) for m in found.mentions]
        return Found(posts, found.newest_id, found.rate)

    return poll_with(
        account.url,
        fetch,
        brand_slug=account.brand_slug,
        brand_setting="RAPPORT_MASTODON_BRAND",
        now=now,
        every=every,
    )


def poll_with(
    key: str,
    fetch: Callable[[str], Found],
    *,
    brand_slug: str,
    brand_setting: str,
    now: datetime,
    every: timedelta,
) -> Polled:
    """One poll of one account of any platform: claimed (not twice at once, not while rate
    limited), read past its cursor by `fetch`, each post taken in with the cursor moved past it,
    and how it ended noted on the cursor."""
    claimed = claim_poll(instance=key, now=now, every=every)
    if isinstance(claimed, str):
        return Polled(key, skipped=claimed)
    cursor = claimed
    polled = Polled(key, cursor=cursor.since_id)
    brand = None
    if brand_slug:
        brand = Brand.objects.filter(slug=brand_slug).first()
        if brand is None:
            polled.error = f"{brand_setting}={brand_slug!r} is no business's slug"
            note_poll(cursor=cursor, now=now, error=polled.error)
            return polled
    try:
        found = fetch(cursor.since_id)
    except RateLimited as exc:
        polled.resume_at = exc.reset if exc.reset and exc.reset > now else now + RATE_WINDOW
        polled.error = str(exc)
        note_poll(cursor=cursor, now=now, error=polled.error, resume_at=polled.resume_at)
        return polled
    except MastodonError as exc:
        polled.error = str(exc)
        note_poll(cursor=cursor, now=now, error=polled.error)
        return polled
    for past, post in found.posts:
        try:
            result = take_mention(cursor=cursor, post=post, notification_id=past, brand=brand)
        except ActionError as exc:
            polled.error = f"mention {post.url or post.post_id} was refused: {exc}"
            polled.cursor = cursor.since_id
            note_poll(cursor=cursor, now=now, error=polled.error)
            return polled
        {"new_case": polled.new_cases, "threaded": polled.threaded}.get(
            result.outcome, polled.duplicates
        ).append(result.case.pk)
    if found.newest:  # past notifications with nothing to take (a deleted status)
        advance_cursor(cursor=cursor, since_id=found.newest)
    polled.cursor = cursor.since_id
    if found.rate.exhausted:
        reset = found.rate.reset
        polled.resume_at = reset if reset and reset > now else now + RATE_WINDOW
    note_poll(cursor=cursor, now=now, resume_at=polled.resume_at)
    return polled


def incoming(mention: Mention, *, host: str) -> IncomingPost:
    """The mention as the intake takes every post. A local account's `acct` is its bare name:
    it gets the instance's host, so the handle is the same whoever's instance it is read on. An
    account's id is the one the instance read gives it (a remote account has another on its own
    instance), so it is kept with that instance's host."""
    handle = mention.acct if "@" in mention.acct else f"{mention.acct}@{host}"
    return IncomingPost(
        platform=PLATFORM,
        post_id=mention.status_id,
        author_handle=handle,
        author_id=f"{mention.account_id}@{host}",
        author_name=mention.display_name,
        text=mention.text,
        url=mention.url,
        posted_at=mention.posted_at,
        in_reply_to=mention.in_reply_to_id,
    )


def status_line(instance: str) -> str:
    """Where polling `instance` stands, for the operator (`rapport social-poll --status`)."""
    cursor = MastodonCursor.objects.filter(instance=instance).first()
    if cursor is None:
        return f"{instance}: never polled"

    def at(when: datetime | None) -> str:
        return f"{when:%Y-%m-%d %H:%M:%S} UTC" if when else "never"

    said = (
        f"{instance}: cursor {cursor.since_id or '(none yet)'}; last poll {at(cursor.polled_at)}; "
        f"last good poll {at(cursor.ok_at)}"
    )
    if cursor.resume_at:
        said += f"; rate limited: next poll after {at(cursor.resume_at)}"
    if cursor.error:
        said += f"; last error ({at(cursor.error_at)}): {cursor.error}"
    return said


def sweep_mastodon(*, now: datetime) -> dict[str, list[object]]:
    """The worker's sweep: every configured account, each no more often than its interval."""
    every = timedelta(seconds=settings.RAPPORT_MASTODON_POLL_SECONDS)
    return _swept(poll_accounts(now=now, every=every), platform="Mastodon")


def sweep_bluesky(*, now: datetime) -> dict[str, list[object]]:
    """The worker's Bluesky sweep, each account no more often than RAPPORT_BLUESKY_POLL_SECONDS."""
    every = timedelta(seconds=settings.RAPPORT_BLUESKY_POLL_SECONDS)
    return _swept(poll_bluesky(now=now, every=every), platform="Bluesky")


def _swept(polls: list[Polled], *, platform: str) -> dict[str, list[object]]:
    done: dict[str, list[object]] = {"new_cases": [], "threaded": [], "failed": []}
    for polled in polls:
        done["new_cases"] += polled.new_cases
        done["threaded"] += polled.threaded
        if polled.failed:
            logger.warning("%s poll: %s", platform, polled.summary())
            done["failed"].append(polled.instance)
    return done
