"""What an agent changes about themself: the signature under their replies and their photo."""

from __future__ import annotations

from functools import partial
from uuid import uuid4

from django.core.files.storage import default_storage
from django.db import transaction

from rapport.lib.errors import ActionError
from rapport.lib.images import replace_png
from rapport.lib.storable import problem
from rapport.people.models import Agent
from rapport.people.photos import redraw

SIGNATURE_MAX = 1000


@transaction.atomic
def set_signature(*, agent: Agent, signature: str) -> Agent:
    """The lines under the agent's replies (their name is always signed above them)."""
    text = "\n".join(line.rstrip() for line in signature.strip().splitlines())
    if len(text) > SIGNATURE_MAX:
        raise ActionError(
            f"A signature is at most {SIGNATURE_MAX} characters (this one has {len(text)}).",
            field="signature",
        )
    if found := problem(text):
        raise ActionError(f"The signature cannot be stored: {found}.", field="signature")
    agent.signature = text
    agent.save(update_fields=["signature"])
    return agent


@transaction.atomic
def set_photo(*, agent: Agent, data: bytes) -> Agent:
    """The agent's photo, re-drawn as a small square PNG; the old file goes once this commits."""
    replace_png(agent.photo, name=f"{agent.pk}-{uuid4().hex[:12]}.png", png=redraw(data))
    agent.save(update_fields=["photo"])
    return agent


@transaction.atomic
def remove_photo(*, agent: Agent) -> Agent:
    """Back to the agent's initials."""
    old = agent.photo.name
    if old:
        agent.photo = ""
        agent.save(update_fields=["photo"])
        transaction.on_commit(partial(default_storage.delete, old))
    return agent
