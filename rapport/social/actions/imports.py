"""Importing a file of posts in one transaction: all of them taken in, or (on any failure)
none. The rows were checked first (rapport/social/imports.py); each is taken in exactly as the
webhook takes one (`ingest_post`), oldest first so a reply finds the post it answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from django.db import transaction

from rapport.people.models import Brand
from rapport.social.actions.ingest import IncomingPost, ingest_post
from rapport.social.models import Source


@transaction.atomic
def import_posts(
    *,
    posts: Sequence[IncomingPost],
    brand: Brand | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Counter[str]:
    """How many posts were new cases, threaded and duplicates."""
    outcomes: Counter[str] = Counter({"new_case": 0, "threaded": 0, "duplicate": 0})
    ordered = sorted(posts, key=lambda post: post.posted_at)
    for done, post in enumerate(ordered, start=1):
        outcomes[ingest_post(post=post, source=Source.IMPORT, brand=brand).outcome] += 1
        if progress is not None:
            progress(done, len(ordered))
    return outcomes
