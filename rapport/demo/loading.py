"""Loading the demo world: the organisation, then every story, built with `world.Builder`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from rapport.demo import stories
from rapport.demo.world import AGENTS, SUPERVISOR, Builder


@dataclass
class Result:
    created: bool
    usernames: list[str] = field(default_factory=list)


def is_loaded() -> bool:
    return get_user_model().objects.filter(username=SUPERVISOR).exists()


def load(*, now: datetime | None = None) -> Result:
    """Load the demo world once; a second run changes nothing."""
    usernames = [SUPERVISOR, *(row[0] for row in AGENTS)]
    if is_loaded():
        return Result(created=False, usernames=usernames)
    with transaction.atomic():
        builder = Builder(now or timezone.now())
        builder.organisation()
        for story in stories.ALL:
            story(builder)
        builder.settle_case_timestamps()
    return Result(created=True, usernames=usernames)
