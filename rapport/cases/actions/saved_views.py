"""An agent's saved views: a named inbox filter and order, theirs alone."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from rapport.cases.models import Priority, SavedView, Status
from rapport.cases.queue import INBOX_VIEWS, Sort
from rapport.lib.errors import ActionError
from rapport.lib.storable import MAX_INT
from rapport.people.models import Agent, Channel

MAX_SAVED_VIEWS = 50
# What a saved view may hold: the inbox's own parameters and the values each may take.
_CHOICES: dict[str, set[str]] = {
    "view": {value for value, _ in INBOX_VIEWS},
    "status": set(Status.values),
    "priority": set(Priority.values),
    "channel": set(Channel.values),
    "sort": set(Sort.values),
}
FILTER_NAMES = ("view", "q", "status", "priority", "channel", "owner", "team", "sort")


def clean_filters(filters: Mapping[str, object]) -> dict[str, str]:
    """The inbox parameters of `filters`, each checked; empty ones dropped, others refused."""
    clean: dict[str, str] = {}
    for name, raw in filters.items():
        if name not in FILTER_NAMES:
            raise ActionError(
                f"A saved view holds {', '.join(FILTER_NAMES)}; not {name!r}.", field="filters"
            )
        value = str(raw).strip() if raw is not None else ""
        if not value:
            continue
        if name in _CHOICES and value not in _CHOICES[name]:
            raise ActionError(f"{value!r} is not a {name} the inbox knows.", field="filters")
        if name == "owner" and value not in ("me", "none") and not _an_id(value):
            raise ActionError('owner is an agent id, "me" or "none".', field="filters")
        if name == "team" and not _an_id(value):
            raise ActionError("team is a team id.", field="filters")
        if name == "q" and len(value) > 200:
            raise ActionError("The search words are at most 200 characters.", field="filters")
        clean[name] = value
    return clean


def _an_id(value: str) -> bool:
    return value.isdigit() and 1 <= int(value) <= MAX_INT


@transaction.atomic
def save_view(*, agent: Agent, name: str, filters: Mapping[str, object]) -> SavedView:
    """Save the filter and order under `name`; a view of that name is replaced."""
    name = " ".join(name.split())
    if not name:
        raise ActionError("Give the view a name.", field="name")
    if len(name) > 80:
        raise ActionError("A view's name is at most 80 characters.", field="name")
    clean = clean_filters(filters)
    mine = SavedView.objects.select_for_update().filter(agent=agent)
    existing = mine.filter(name=name).first()
    if existing is not None:
        existing.filters = clean
        existing.save(update_fields=["filters"])
        return existing
    if mine.count() >= MAX_SAVED_VIEWS:
        raise ActionError(
            f"You have {MAX_SAVED_VIEWS} saved views; delete one before saving another.",
            field="name",
        )
    return SavedView.objects.create(agent=agent, name=name, filters=clean)


@transaction.atomic
def delete_view(*, view: SavedView) -> None:
    SavedView.objects.filter(pk=view.pk).delete()
