"""Importing a file of posts: the rows were all checked first (rapport/social/imports.py), so a
file with a bad row writes nothing; then each post is taken in exactly as the webhook takes one
(`ingest_post`, its own short transaction), oldest first so a reply finds the post it answers.

Not one transaction for the file: on SQLite that held the desk's only write lock for the whole
import (375 s for 10,000 posts, docs/social.md), and agents' replies failed meanwhile. A
post is taken in whole or not at all, and a post already taken in is a duplicate that changes
nothing (platform and post id), so an import stopped midway (killed, a database error) has taken
in a prefix of the file, each post a complete case, and the same file run again completes it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence

from django.db import connection

from rapport.people.models import Brand
from rapport.social.actions.ingest import IncomingPost, ingest_post
from rapport.social.models import Source

# SQLite has one write lock, and a writer that commits and begins again at once starves the
# others (their busy handler looks again only every 100 ms): after each second of taking posts in,
# the import rests long enough for a waiting write to get the lock (docs/social.md, measured).
REST_EVERY_S = 1.0
REST_S = 0.12


class ImportStopped(Exception):
    """The import stopped after `done` of `total` posts (each of those taken in whole)."""

    def __init__(self, *, done: int, total: int, outcomes: Counter[str], cause: str) -> None:
        super().__init__(
            f"The import stopped at post {done + 1} of {total}: {cause}. The {done} post(s) "
            "before it were taken in, each a whole case; run the same file again to take in the "
            "rest (those already taken in are counted as duplicates and change nothing)."
        )
        self.done, self.total, self.outcomes = done, total, outcomes


def import_posts(
    *,
    posts: Sequence[IncomingPost],
    brand: Brand | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Counter[str]:
    """How many posts were new cases, threaded and duplicates; `ImportStopped` if one failed."""
    outcomes: Counter[str] = Counter({"new_case": 0, "threaded": 0, "duplicate": 0})
    ordered = sorted(posts, key=lambda post: post.posted_at)
    done = 0
    rests = connection.vendor == "sqlite"
    worked_since = time.monotonic()
    try:
        for post in ordered:
            outcomes[ingest_post(post=post, source=Source.IMPORT, brand=brand).outcome] += 1
            done += 1
            if rests and time.monotonic() - worked_since >= REST_EVERY_S:
                time.sleep(REST_S)
                worked_since = time.monotonic()
            if progress is not None:
                progress(done, len(ordered))
    except (Exception, KeyboardInterrupt) as exc:
        cause = "interrupted" if isinstance(exc, KeyboardInterrupt) else str(exc) or repr(exc)
        raise ImportStopped(done=done, total=len(ordered), outcomes=outcomes, cause=cause) from exc
    return outcomes
