"""The invitation's link and mail. The link carries the invitation's id, signed with SECRET_KEY
(nothing secret is stored); the row decides whether it still works (`Invitation.usable`). The
mail goes through the outbox of mail to agents (`rapport.people.mailer`)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from rapport.people.models import Invitation

SALT = "rapport.people.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=SALT)


def invitation_link(invitation: Invitation) -> str:
    path = reverse("welcome", kwargs={"token": invitation_token(invitation)})
    return f"{settings.SITE_URL}{path}"


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link names, if its signature holds (used or expired ones included: the
    page says why they no longer work)."""
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Invitation.objects.select_related("agent__user", "created_by").filter(pk=pk).first()


def invitation_mail(invitation: Invitation) -> tuple[str, str]:
    """The subject and text of the mail carrying the link."""
    agent = invitation.agent
    context = {
        "name": agent.display_name,
        "username": agent.user.get_username(),
        "inviter": invitation.created_by.display_name if invitation.created_by else "",
        "link": invitation_link(invitation),
        "site_name": settings.SITE_NAME,
        "days": settings.RAPPORT_INVITATION_DAYS,
    }
    subject = f"Your {settings.SITE_NAME} account: choose a password"
    return subject, render_to_string("people/invitation_email.txt", context)
