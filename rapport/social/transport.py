"""Replies on a Mastodon or Bluesky case, posted there: the social channel's transport.

A reply (the composer, `POST /api/v1/cases/{id}/replies` with channel "social") is queued in the
outbox like an email (`rapport.cases.transports.outbox`) and delivered by the outbox's one task,
which calls `send_mastodon_reply`: the reply is posted as an answer to the customer's latest
post on the case (`in_reply_to_id`), mentioning them, with that post's own visibility (a direct
mention is answered directly, never in public), and an `Idempotency-Key` of the outbox
message's id, so a retry after a lost answer never posts twice. It is "Sent" only once Mastodon
answered with the status; the address of that status is recorded as the agent's public reply
(`SocialResponse`). A refusal (4xx) fails the message with Mastodon's reason on the case; a 5xx,
a timeout or a rate limit is tried again by the outbox, with backoff.

On Bluesky (`rapport.social.bluesky`) the reply is a post in the customer's thread (the `reply`
root and parent of `com.atproto.repo.createRecord`), under a record key made from the outbox
message, so a retry finds the post it made rather than posting twice; recorded the same way.

Only Mastodon and Bluesky posts are carried: a case from another platform (no transport) is
answered on the platform by a person, who records it (`record_response`); nothing there says
"Sent".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Q

from rapport.cases.actions.messages import signed
from rapport.cases.attachments import Upload
from rapport.cases.models import Case, Message
from rapport.cases.transports import Undelivered, outbox
from rapport.lib.errors import ActionError
from rapport.people.models import Agent, Channel
from rapport.social.actions.mastodon import record_posted_reply
from rapport.social.bluesky import POST_LIMIT as BLUESKY_LIMIT
from rapport.social.bluesky import Bluesky, tid, web_url
from rapport.social.mastodon import (
    STATUS_LIMIT,
    VISIBILITIES,
    Mastodon,
    MastodonError,
    Refused,
)
from rapport.social.models import SocialPost, Source
from rapport.social.polling import BLUESKY, PLATFORM, bluesky_accounts, configured_accounts

UNREACHABLE = "This case has no Mastodon or Bluesky post to reply to."


def _platforms() -> list[str]:
    """The platforms the desk can post to (an account is set up)."""
    return [PLATFORM] * bool(configured_accounts()) + [BLUESKY] * bool(bluesky_accounts())


def _answerable() -> Q:
    """The posts the desk's accounts can answer. On Mastodon only those its own poll read: a
    status id names a status on the instance it was read from, so the webhook's or an import's
    may name a stranger's status on the desk's instance. On Bluesky an at:// address, the same
    everywhere. And when the account is one business's, only that business's cases."""
    answerable = Q(pk__in=[])
    if mastodon := configured_accounts():
        answerable |= Q(platform=PLATFORM, source=Source.POLL) & _of(mastodon[0].brand_slug)
    if bsky := bluesky_accounts():
        answerable |= Q(platform=BLUESKY, post_id__startswith="at://") & _of(bsky[0].brand_slug)
    return answerable


def _of(brand_slug: str) -> Q:
    return Q(case__brand__slug=brand_slug) if brand_slug else Q()


def post_to_answer(case: Case) -> SocialPost | None:
    """The customer's latest post on the case that the desk's account there can answer (None:
    nothing to reply to)."""
    return (
        SocialPost.objects.filter(_answerable(), case=case, customer_id=case.customer_id)
        .order_by("-posted_at", "-pk")
        .first()
    )


def reaches_mastodon(case: Case) -> bool:
    """Whether a reply on `case` can be posted on Mastodon or Bluesky (a query only for a social
    case: posts open and thread into social cases alone)."""
    if case.origin_channel != Channel.SOCIAL or not _platforms():
        return False
    return post_to_answer(case) is not None


def why_unreached(case: Case) -> str:
    """Why a reply on `case` cannot be posted on Mastodon or Bluesky, in the agent's words: no
    post to answer, no account set up on the post's platform, or one that cannot answer it."""
    posted = set(
        SocialPost.objects.filter(case=case, customer_id=case.customer_id).values_list(
            "platform", flat=True
        )
    )
    if not posted:
        return UNREACHABLE
    platforms = set(_platforms())
    if not posted & platforms:
        where = " or ".join(sorted(_NAMES.get(platform, platform) for platform in posted))
        why = (
            f"Rapport has no {where} account set up to answer from"
            if posted <= _NAMES.keys()
            else f"Rapport cannot post on {where}"
        )
        return f"{why}: answer there by name, then record it on this case."
    return (
        "The desk's account cannot answer these posts (they came by webhook or import, or "
        "belong to another business's account): answer on the platform by name, then record "
        "it on this case."
    )


_NAMES = {PLATFORM: "Mastodon", BLUESKY: "Bluesky"}


def idempotency_key(message: Message) -> str:
    return f"rapport-message-{message.pk}"


def queue_mastodon_reply(
    *,
    case: Case,
    text: str,
    by: Agent | None,
    channel: str,
    attachments: Sequence[Upload],
    now: datetime,
) -> Message:
    """The reply queued in the outbox, after the checks the platform would refuse it for."""
    post = post_to_answer(case)
    if post is None:
        raise ActionError(why_unreached(case), field="channel")
    name = "Bluesky" if post.platform == BLUESKY else "Mastodon"
    if attachments:
        raise ActionError(
            f"A {name} reply carries text only: send files by email, or link to them.",
            field="attachments",
        )
    body = signed(text, by) if by is not None else text
    if post.platform == BLUESKY:
        status, most = body, BLUESKY_LIMIT
    else:
        status, most = f"@{post.author_handle} {body}", STATUS_LIMIT
    if len(status) > most:
        raise ActionError(
            f"{name} takes {most} characters; with "
            f"{'the mention and ' if name == 'Mastodon' else ''}your name this reply is "
            f"{len(status)}. Shorten it, or move the conversation to a private channel.",
            field="text",
        )
    return outbox()(case=case, text=text, by=by, channel=channel, attachments=(), now=now)


def send_mastodon_reply(message: Message) -> str:
    """Post one claimed reply (the outbox's delivery calls this); answers the post's address."""
    post = post_to_answer(message.case)
    if post is None:
        raise Undelivered(
            "neither Mastodon nor Bluesky is set up (RAPPORT_MASTODON_URL, RAPPORT_BLUESKY_HANDLE)"
            if not _platforms()
            else "the case has no Mastodon or Bluesky post to reply to",
            temporary=False,
        )
    if post.platform == BLUESKY:
        return _send_bluesky(message, post)
    account = configured_accounts()[0]
    client = Mastodon(account.url, account.token)
    try:
        answered = client.status(post.post_id)
        visibility = answered.visibility if answered.visibility in VISIBILITIES else "direct"
        status = client.post_status(
            text=f"@{answered.acct or post.author_handle} {message.text}",
            in_reply_to_id=post.post_id,
            visibility=visibility,
            idempotency_key=idempotency_key(message),
        )
    except MastodonError as exc:
        raise _undelivered(exc, post, "Mastodon") from exc
    record_posted_reply(message=message, post=post, url=status.url)
    return status.url


def _send_bluesky(message: Message, post: SocialPost) -> str:
    account = bluesky_accounts()[0]
    client = Bluesky(account.service, account.handle, account.password)
    created = message.created_at
    try:
        parent = client.post_ref(post.post_id)
        uri = client.reply(
            to=parent,
            text=message.text,
            # The same reply gets the same key every attempt (a lost answer is found, not
            # posted again).
            rkey=tid(int(created.timestamp() * 1_000_000), message.pk),
            now=created,
        )
    except MastodonError as exc:
        raise _undelivered(exc, post, "Bluesky") from exc
    url = web_url(uri, account.handle)
    record_posted_reply(message=message, post=post, url=url)
    return url


def _undelivered(exc: MastodonError, post: SocialPost, name: str) -> Undelivered:
    """A refusal (4xx) fails the message with the platform's reason; the rest is retried."""
    if not isinstance(exc, Refused):
        return Undelivered(str(exc), temporary=True)
    if exc.status == 404:
        return Undelivered(
            f"the customer's post ({post.url or post.post_id}) was deleted or is hidden "
            "from the desk's account, so nothing was posted",
            temporary=False,
        )
    return Undelivered(f"{name} refused the reply: {exc}", temporary=False)
