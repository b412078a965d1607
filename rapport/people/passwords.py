"""The password-reset email: a one-time link to SITE_URL, written and sent by the worker. A
temporary refusal (4xx, no connection) raises `TemporaryFailure` for the task to try again."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rapport.lib.smtp import PermanentFailure, transmit


def mail_reset_link(*, user_id: int) -> str:
    """Send the link to the user's address; the token in it works once and expires."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    email = str(getattr(user, "email", "") or "")
    if user is None or not email:
        return "no such active user with an address"
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "name": getattr(getattr(user, "agent", None), "display_name", "") or user.get_username(),
        "link": f"{settings.SITE_URL}{path}",
        "site_name": settings.SITE_NAME,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    subject = f"Reset your {settings.SITE_NAME} password"
    body = render_to_string("people/password_reset_email.txt", context)
    # RFC 3834: sent by the desk, not a person; no vacation reply should answer it.
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    try:
        transmit(EmailMessage(subject=subject, body=body, to=[email], headers=headers))
    except PermanentFailure as exc:
        return f"refused by the mail server: {exc}"
    return "sent"
