"""A customer's public posts and what agents recorded about them: in their export, and gone
from the database when they are erased (the post's platform and id stay, so the same post sent
again is a duplicate, not taken in anew)."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from rapport.datacare.actions.erasure import erase_customer
from rapport.social.actions.ingest import IncomingPost, ingest_post
from rapport.social.actions.responses import record_response
from rapport.social.models import SocialPost
from tests.conftest import World
from tests.datacare.dump import database_bytes


def _post(tag: str) -> IncomingPost:
    return IncomingPost(
        platform="bluesky",
        post_id=f"p-{tag}",
        author_handle=f"yara{tag}.bsky.social",
        author_id=f"did:plc:yara{tag}",
        author_name=f"Yara Poster{tag}",
        text=f"My parrot Kiwi{tag} came back with a broken wing",
        url=f"https://bsky.app/profile/yara{tag}/post/1",
        posted_at=timezone.now() - timedelta(minutes=3),
    )


def test_their_posts_are_in_their_export(world: World, tmp_path: Path) -> None:
    tag = secrets.token_hex(4)
    taken = ingest_post(post=_post(tag), source="webhook")
    record_response(case=taken.case, kind="moved_private", by=world.agent, note=f"DM {tag}")
    out = tmp_path / "export.json"
    call_command("export_customer", str(taken.customer.pk), "--output", str(out), stderr=StringIO())
    exported = json.loads(out.read_text())
    assert [p["post_id"] for p in exported["social_posts"]] == [f"p-{tag}"]
    assert [r["note"] for r in exported["social_responses"]] == [f"DM {tag}"]


@pytest.mark.django_db(transaction=True)
def test_their_posts_are_erased_and_a_redelivery_stays_a_duplicate(world: World) -> None:
    tag = secrets.token_hex(4)
    taken = ingest_post(post=_post(tag), source="webhook")
    record_response(
        case=taken.case,
        kind="public_reply",
        by=world.agent,
        url=f"https://bsky.app/profile/clinic/post/re-{tag}",
        note=f"Told Yara{tag} to DM",
    )

    erase_customer(customer=taken.customer, by=world.supervisor, via="command")

    post = SocialPost.objects.get()
    assert (post.author_handle, post.author_id, post.author_name, post.url) == ("", "", "", "")
    dump = database_bytes().lower()
    for secret in (f"Poster{tag}", f"Kiwi{tag}", f"yara{tag}", f"re-{tag}"):
        assert secret.lower().encode() not in dump, f"{secret!r} is still in the database"
    again = ingest_post(post=_post(tag), source="webhook")
    assert again.outcome == "duplicate"
