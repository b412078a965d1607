"""The writes of the Mastodon adapter: its cursor, each mention taken in with it, and the public
reply Rapport posted.

A mention is taken in and the cursor moved past it in one transaction (`take_mention`): a crash
between two mentions re-reads from the last one taken, and a crash inside one takes it again,
which the post's (platform, id) makes a duplicate that changes nothing. The cursor only moves
forward (`advance_cursor`), so two workers polling at once never move it back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from rapport.cases.actions.events import record_case_event
from rapport.cases.models import CaseEventKind, Message
from rapport.people.models import Brand
from rapport.social.actions.ingest import IncomingPost, IngestResult, ingest_post
from rapport.social.mastodon import newer
from rapport.social.models import (
    MastodonCursor,
    ResponseKind,
    SocialPost,
    SocialResponse,
    Source,
)


@transaction.atomic
def claim_poll(*, instance: str, now: datetime, every: timedelta) -> MastodonCursor | str:
    """The account's cursor, claimed for one poll at `now`; or why not now: backing off after
    a rate limit, or polled less than `every` ago (by this or another worker)."""
    cursor, _ = MastodonCursor.objects.get_or_create(instance=instance)
    if cursor.resume_at is not None and cursor.resume_at > now:
        return f"rate limited: not before {cursor.resume_at:%Y-%m-%d %H:%M:%S} UTC"
    mine = MastodonCursor.objects.filter(pk=cursor.pk)
    if every:
        # Compare-and-set: of two workers sweeping at once, one polls.
        mine = mine.filter(Q(polled_at__isnull=True) | Q(polled_at__lte=now - every))
    if not mine.update(polled_at=now):
        return "polled moments ago"
    return cursor


@transaction.atomic
def advance_cursor(*, cursor: MastodonCursor, since_id: str) -> bool:
    """Move the cursor to `since_id` if that is newer; never back."""
    locked = MastodonCursor.objects.select_for_update().get(pk=cursor.pk)
    if not newer(since_id, locked.since_id):
        cursor.since_id = locked.since_id
        return False
    MastodonCursor.objects.filter(pk=cursor.pk).update(since_id=since_id)
    cursor.since_id = since_id
    return True


@transaction.atomic
def take_mention(
    *, cursor: MastodonCursor, post: IncomingPost, notification_id: str, brand: Brand | None
) -> IngestResult:
    """One mention taken in (as every post is: `ingest_post`) and the cursor moved past it."""
    result = ingest_post(post=post, source=Source.POLL, brand=brand)
    advance_cursor(cursor=cursor, since_id=notification_id)
    return result


@transaction.atomic
def note_poll(
    *,
    cursor: MastodonCursor,
    now: datetime,
    error: str = "",
    resume_at: datetime | None = None,
) -> None:
    """How the poll ended: fine, or the error an operator reads; a rate limit's resume time."""
    fields: dict[str, object] = {"resume_at": resume_at}
    if error:
        fields |= {"error": error[:500], "error_at": now}
    else:
        fields |= {"ok_at": now, "error": ""}
    MastodonCursor.objects.filter(pk=cursor.pk).update(**fields)


@transaction.atomic
def record_posted_reply(*, message: Message, post: SocialPost, url: str) -> SocialResponse:
    """The reply Rapport posted for `message` on the platform: a public reply by its author,
    with its address. Once per message (a retry that Mastodon answered with the same status
    finds it recorded)."""
    note = f"Posted by Rapport (reply {message.pk})"
    existing = SocialResponse.objects.filter(case_id=message.case_id, note=note).first()
    if existing is not None:
        return existing
    response = SocialResponse.objects.create(
        case_id=message.case_id,
        post=post,
        kind=ResponseKind.PUBLIC_REPLY,
        agent=message.author,
        url=url,
        note=note,
    )
    record_case_event(
        message.case,
        by=message.author,
        kind=CaseEventKind.SOCIAL_RESPONSE,
        after={
            "response": response.pk,
            "kind": ResponseKind.PUBLIC_REPLY,
            "post": post.pk,
            "url": url,
            "message": message.pk,
        },
    )
    return response
