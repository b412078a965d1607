"""The link that proves a chat's visitor holds the address they want answers at.

Mailed once per request (`continue_by_email`), signed (conversation and address; it expires
after LINK_DAYS), and opened on a page whose button confirms (a POST: a mail scanner fetching
the link confirms nothing).
"""

from __future__ import annotations

import email.utils
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from rapport.chat.models import Conversation
from rapport.chat.tasks import mail_email_link
from rapport.lib.smtp import PermanentFailure, TemporaryFailure, transmit

logger = logging.getLogger("rapport.chat.email_link")

_SALT = "rapport.chat.email-link"
LINK_DAYS = 3


def link_for(conversation: Conversation, address: str) -> str:
    signed = signing.dumps({"c": conversation.pk, "e": address}, salt=_SALT, compress=True)
    return settings.SITE_URL + reverse("chat:email_link", args=[signed])


def read_link(signed: str) -> tuple[int, str] | None:
    """(conversation id, address) of a link that is ours and not expired, else None."""
    try:
        data: Any = signing.loads(signed, salt=_SALT, max_age=LINK_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return None
    return data["c"], str(data.get("e", ""))


def send_email_link(*, conversation: Conversation, address: str) -> None:
    """Queued on commit (a rolled-back request mails nothing)."""
    transaction.on_commit(partial(mail_email_link.enqueue, conversation.pk, address), robust=True)


def mail_link(*, conversation_id: int, address: str) -> str:
    """One attempt to send the link: "sent", "failed" (the reason logged) or "skipped"."""
    conversation = Conversation.objects.select_related("brand").filter(pk=conversation_id).first()
    if conversation is None or conversation.email != address:
        return "skipped"
    business = conversation.brand.name if conversation.brand else settings.SITE_NAME
    sender = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    mail = EmailMessage(
        subject=f"Continue your chat with {business} by email",
        body=(
            f"Someone asked, in a chat with {business}, to be answered by email at this "
            "address.\n\n"
            f"If it was you, open this link and press the button to confirm:\n"
            f"{link_for(conversation, address)}\n\n"
            f"From then on, a person answers you here, in the same conversation. The link "
            f"works for {LINK_DAYS} days. If it was not you, ignore this mail: nothing "
            "will be sent to you."
        ),
        from_email=email.utils.formataddr((business, sender)),
        to=[address],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    try:
        transmit(mail)
    except (TemporaryFailure, PermanentFailure) as exc:
        logger.warning("chat email link to conversation %s not sent: %s", conversation_id, exc)
        return "failed"
    return "sent"
