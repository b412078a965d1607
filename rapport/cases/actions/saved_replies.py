"""Saved replies: the starting points a business and its teams keep, and the business's policy
on template text sent unedited (`by` None: the operator at the command line)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rapport.cases.access import check_may_edit_saved_reply
from rapport.cases.models import SavedReply
from rapport.cases.rules import MAX_TEXT
from rapport.cases.saved_replies import PLACEHOLDERS, unknown_placeholders
from rapport.lib.errors import ActionError, Forbidden
from rapport.people.models import Agent, Brand, Team

MAX_TITLE = 200


def _checked(
    *, title: str, text: str, brand: Brand | None, team: Team | None, by: Agent | None
) -> tuple[str, str]:
    if by is not None:
        check_may_edit_saved_reply(by, team=team)
    title = " ".join(title.split())
    if not title:
        raise ActionError("Give the saved reply a title agents will search for.", field="title")
    if len(title) > MAX_TITLE:
        raise ActionError(f"Keep the title under {MAX_TITLE} characters.", field="title")
    text = text.strip()
    if not text:
        raise ActionError("The saved reply has no text.", field="text")
    if len(text) > MAX_TEXT:
        raise ActionError(f"The text is longer than {MAX_TEXT:,} characters.", field="text")
    unknown = unknown_placeholders(text)
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        raise ActionError(
            f"{{{unknown[0]}}} is not a placeholder; use {known}.",
            field="text",
        )
    if team is not None and brand is not None and team.brand_id not in (None, brand.pk):
        raise ActionError(f"{team.name} does not work for {brand.name}.", field="team")
    return title, text


@transaction.atomic
def create_saved_reply(
    *, title: str, text: str, brand: Brand | None, team: Team | None, by: Agent | None
) -> SavedReply:
    """A starting point for replies in `brand` (None: every business) by `team` (None: all)."""
    title, text = _checked(title=title, text=text, brand=brand, team=team, by=by)
    return SavedReply.objects.create(title=title, text=text, brand=brand, team=team, created_by=by)


@transaction.atomic
def update_saved_reply(
    *,
    saved_reply: SavedReply,
    title: str,
    text: str,
    brand: Brand | None,
    team: Team | None,
    by: Agent | None,
) -> SavedReply:
    """Replies already sent from it keep their own text; only what agents start from changes."""
    if by is not None:
        check_may_edit_saved_reply(by, team=saved_reply.team)
    title, text = _checked(title=title, text=text, brand=brand, team=team, by=by)
    saved_reply.title, saved_reply.text = title, text
    saved_reply.brand, saved_reply.team = brand, team
    saved_reply.updated_at = timezone.now()
    saved_reply.save(update_fields=["title", "text", "brand", "team", "updated_at"])
    return saved_reply


@transaction.atomic
def delete_saved_reply(*, saved_reply: SavedReply, by: Agent | None) -> None:
    """Gone from the composer; replies sent from it keep their text (and forget the link)."""
    if by is not None:
        check_may_edit_saved_reply(by, team=saved_reply.team)
    saved_reply.delete()


@transaction.atomic
def set_template_policy(*, brand: Brand, refuse_unedited: bool, by: Agent | None) -> Brand:
    """Whether `brand` refuses a saved reply or an outreach draft sent word for word."""
    if by is not None and not by.is_supervisor:
        raise Forbidden("Only a supervisor can set a business's policy on template text.")
    Brand.objects.filter(pk=brand.pk).update(refuse_unedited_templates=refuse_unedited)
    brand.refuse_unedited_templates = refuse_unedited
    return brand
