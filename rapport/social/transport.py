"""Replies on a Mastodon case, posted on Mastodon: the social channel's transport.

A reply (the composer, `POST /api/v1/cases/{id}/replies` with channel "social") is queued in the
outbox like an email (`rapport.cases.transports.outbox`) and delivered by the outbox's one task,
which calls `send_mastodon_reply`: the reply is posted as an answer to the customer's latest
post on the case (`in_reply_to_id`), mentioning them, with that post's own visibility (a direct
mention is answered directly, never in public), and an `Idempotency-Key` of the outbox
message's id, so a retry after a lost answer never posts twice. It is "Sent" only once Mastodon
answered with the status; the address of that status is recorded as the agent's public reply
(`SocialResponse`). A refusal (4xx) fails the message with Mastodon's reason on the case; a 5xx,
a timeout or a rate limit is tried again by the outbox, with backoff.

Only Mastodon posts are carried: a case from another platform (no transport) is answered on the
platform by a person, who records it (`record_response`); nothing there says "Sent".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rapport.cases.actions.messages import signed
from rapport.cases.attachments import Upload
from rapport.cases.models import Case, Message
from rapport.cases.transports import Undelivered, outbox
from rapport.lib.errors import ActionError
from rapport.people.models import Agent, Channel
from rapport.social.actions.mastodon import record_posted_reply
from rapport.social.mastodon import (
    STATUS_LIMIT,
    VISIBILITIES,
    Mastodon,
    MastodonError,
    Refused,
)
from rapport.social.models import SocialPost
from rapport.social.polling import PLATFORM, configured_accounts


def post_to_answer(case: Case) -> SocialPost | None:
    """The customer's latest Mastodon post on the case (None: nothing to reply to there)."""
    return (
        SocialPost.objects.filter(case=case, platform=PLATFORM, customer_id=case.customer_id)
        .order_by("-posted_at", "-pk")
        .first()
    )


def reaches_mastodon(case: Case) -> bool:
    """Whether a reply on `case` can be posted on Mastodon (a query only for a social case:
    posts open and thread into social cases alone)."""
    if case.origin_channel != Channel.SOCIAL or not configured_accounts():
        return False
    return post_to_answer(case) is not None


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
    """The reply queued in the outbox, after the checks Mastodon would refuse it for."""
    post = post_to_answer(case)
    if post is None or not configured_accounts():
        raise ActionError("This case has no Mastodon post to reply to.", field="channel")
    if attachments:
        raise ActionError(
            "A Mastodon reply carries text only: send files by email, or link to them.",
            field="attachments",
        )
    status = f"@{post.author_handle} {signed(text, by) if by is not None else text}"
    if len(status) > STATUS_LIMIT:
        raise ActionError(
            f"Mastodon takes {STATUS_LIMIT} characters; with the mention and your name this "
            f"reply is {len(status)}. Shorten it, or move the conversation to a private channel.",
            field="text",
        )
    return outbox()(case=case, text=text, by=by, channel=channel, attachments=(), now=now)


def send_mastodon_reply(message: Message) -> str:
    """Post one claimed reply (the outbox's delivery calls this); answers the status's address."""
    accounts = configured_accounts()
    post = post_to_answer(message.case)
    if not accounts or post is None:
        raise Undelivered(
            "Mastodon is not set up (RAPPORT_MASTODON_URL)"
            if not accounts
            else "the case has no Mastodon post to reply to",
            temporary=False,
        )
    client = Mastodon(accounts[0].url, accounts[0].token)
    try:
        answered = client.status(post.post_id)
        visibility = answered.visibility if answered.visibility in VISIBILITIES else "direct"
        status = client.post_status(
            text=f"@{answered.acct or post.author_handle} {message.text}",
            in_reply_to_id=post.post_id,
            visibility=visibility,
            idempotency_key=idempotency_key(message),
        )
    except Refused as exc:
        if exc.status == 404:
            raise Undelivered(
                f"the customer's post ({post.url or post.post_id}) was deleted or is hidden "
                "from the desk's account, so nothing was posted",
                temporary=False,
            ) from exc
        raise Undelivered(f"Mastodon refused the reply: {exc}", temporary=False) from exc
    except MastodonError as exc:
        raise Undelivered(str(exc), temporary=True) from exc
    record_posted_reply(message=message, post=post, url=status.url)
    return status.url
