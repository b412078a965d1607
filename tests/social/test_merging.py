"""A customer known by a social handle alone, merged into the customer the desk knew: their posts
follow the survivor, as their cases and identities do."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pytest_django.fixtures import Settings

from rapport.cases.actions.customers import merge_customers
from rapport.datacare.held import held_for
from rapport.social.actions.ingest import ingest_post
from rapport.social.models import SocialPost
from rapport.social.transport import reaches_mastodon
from tests.conftest import World
from tests.social.posts import NOW, ON_MASTODON

POST = ON_MASTODON
pytestmark = pytest.mark.usefixtures("at_now")


def test_a_merged_customers_posts_follow_the_survivor(world: World, settings: Settings) -> None:
    settings.RAPPORT_MASTODON_URL = "https://mastodon.example"
    settings.RAPPORT_MASTODON_TOKEN = "token"
    taken = ingest_post(post=POST, source="poll")
    handle_only = taken.customer
    assert handle_only != world.customer

    survivor = merge_customers(source=handle_only, target=world.customer, by=world.agent)

    post = SocialPost.objects.get()
    assert post.customer == survivor
    # The case moved with them: a reply on it still finds the customer's post to answer.
    taken.case.refresh_from_db()
    assert taken.case.customer == survivor
    assert reaches_mastodon(taken.case)
    # Their next post finds them and their case; the survivor's export holds both posts.
    again = replace(POST, post_id="110000", posted_at=NOW)
    later = ingest_post(post=again, source="poll")
    assert (later.outcome, later.case, later.customer) == ("threaded", taken.case, survivor)
    assert [p.post_id for p in held_for(survivor).social_posts] == ["109999", "110000"]
    assert not SocialPost.objects.filter(customer=handle_only).exists()
