"""The rules a case and its messages keep whoever writes them: a message's text, a case's tags,
and a case staying in its business."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from rapport.lib.errors import ActionError
from rapport.lib.html import sanitise, to_text
from rapport.people.models import Agent, Brand, Team

MAX_TEXT = 100_000


def clean_body(text: str, html: str = "") -> tuple[str, str]:
    """The message text (from the HTML when there is no text) and the sanitised HTML."""
    safe_html = sanitise(html) if html.strip() else ""
    body = text.strip() or (to_text(safe_html) if safe_html else "")
    if not body:
        raise ActionError("The message is empty.", field="text")
    if len(body) > MAX_TEXT:
        raise ActionError(f"The message is longer than {MAX_TEXT:,} characters.", field="text")
    return body, safe_html


def preview(text: str) -> str:
    return " ".join(text.split())[:200]


def default_team(owner: Agent | None, brand: Brand | None = None) -> Team | None:
    """The owner's first team, in the case's business when it has one."""
    if owner is None:
        return None
    teams = owner.teams.order_by("pk")
    return (teams.filter(brand=brand) if brand is not None else teams).first()


def check_works_for(
    brand: Brand | None,
    *,
    owner: Agent | None = None,
    team: Team | None = None,
    owner_field: str = "owner",
    team_field: str = "team",
) -> None:
    """A case stays in its business: refused when its owner or team works for another one (also
    a person or team it is referred to or booked with; `*_field` names the form's field)."""
    if brand is None:
        return
    if team is not None and team.brand_id != brand.pk:
        raise ActionError(
            f"{team.name} does not work for {brand.name}: a case stays in its business.",
            field=team_field,
        )
    if owner is not None and not owner.teams.filter(brand=brand).exists():
        raise ActionError(
            f"{owner.display_name} does not work for {brand.name}: a case stays in its business.",
            field=owner_field,
        )


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as a case keeps them (trimmed, lower case, sorted, once each); ActionError for a tag
    of over 50 characters or more than RAPPORT_CASE_MAX_TAGS of them."""
    clean = sorted({t.strip().lower() for t in tags if t.strip()})
    if any(len(t) > 50 for t in clean):
        raise ActionError("Keep each tag under 50 characters.", field="tags")
    most = settings.RAPPORT_CASE_MAX_TAGS
    if len(clean) > most:
        raise ActionError(
            f"A case holds at most {most} tags; {len(clean):,} were given.", field="tags"
        )
    return clean
