"""An import does not hold the desk's write lock for the whole file: an agent writes while it
runs (on SQLite the one write lock; before, the import's one transaction held it until the end
and the agent's write failed "database is locked"). A stopped import, run again, completes the
file without a duplicate."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection

from rapport.people.actions.notes import add_rapport_note
from rapport.people.models import RapportNote
from rapport.social.actions.imports import ImportStopped, import_posts
from rapport.social.models import SocialPost
from tests.conftest import World
from tests.social.posts import ON_BLUESKY

# The import and the agent each have their own connection and transactions.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

POSTS = [
    replace(
        ON_BLUESKY,
        post_id=f"at://did:plc:x/app.bsky.feed.post/{n}",
        author_handle=f"customer{n}.bsky.social",
        posted_at=ON_BLUESKY.posted_at + timedelta(seconds=n),
    )
    for n in range(6)
]


def test_an_agent_writes_while_an_import_runs(world: World) -> None:
    midway, written = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def progress(done: int, total: int) -> None:
        if done == 3:  # half the file in: the agent writes now, and the import waits for it
            midway.set()
            written.wait(timeout=5)

    def run_import() -> None:
        try:
            import_posts(posts=POSTS, progress=progress)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert midway.wait(timeout=30)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # An agent's request gives up after a second, not the desk's ten.
                cursor.execute("PRAGMA busy_timeout=1000")
        add_rapport_note(customer=world.customer, text="Prefers a call after 6", by=world.agent)
        # What the agent sees mid-import: the posts taken in so far, each with its case.
        seen = list(SocialPost.objects.all())
        assert len(seen) == 3 and all(post.case_id and post.message_id for post in seen)
    finally:
        written.set()
        importer.join()
    assert not failures
    assert RapportNote.objects.filter(text="Prefers a call after 6").exists()
    assert SocialPost.objects.count() == 6


def test_an_interrupted_import_run_again_completes_the_file(world: World) -> None:
    def interrupt(done: int, total: int) -> None:
        if done == 4:
            raise KeyboardInterrupt

    with pytest.raises(ImportStopped) as stopped:
        import_posts(posts=POSTS, progress=interrupt)
    assert (stopped.value.done, stopped.value.total) == (4, 6)
    assert SocialPost.objects.count() == 4

    outcomes = import_posts(posts=POSTS)

    assert (outcomes["duplicate"], outcomes["new_case"]) == (4, 2)
    assert SocialPost.objects.count() == 6
