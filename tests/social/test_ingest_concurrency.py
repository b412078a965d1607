"""Posts sent at the same moment. The same signed post twice (a webhook retried while the first
attempt still runs): one case, one "new_case" and one "duplicate". On PostgreSQL the second
waits on the unique (platform, post id) row the first claimed and, once it commits, answers
with its case (the IntegrityError path); SQLite runs one writer at a time. Two posts of a new
author at once: one customer, whose case the second post joins (on PostgreSQL the second waits
on the handle the first is adding, and is taken in again once the first commits)."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from rapport.people.actions import customers
from rapport.people.models import Customer, Identity
from rapport.social.actions.ingest import IncomingPost, ingest_post
from rapport.social.models import SocialPost, Source
from rapport.social.signing import sign
from tests.api.test_social_posts import POST, SECRET, URL
from tests.conftest import World

# Each request has its own connection and transaction, so the test cannot wrap them in one.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _send_at_once(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each body signed and sent by its own thread, all released together; their answers."""
    answers: list[dict[str, Any]] = []
    start = threading.Barrier(len(bodies))

    def send(body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        try:
            start.wait()
            timestamp = str(int(time.time()))
            response = Client().post(
                URL,
                raw,
                content_type="application/json",
                headers={
                    "X-Rapport-Timestamp": timestamp,
                    "X-Rapport-Signature": sign(secret=SECRET, timestamp=timestamp, body=raw),
                },
            )
            answers.append({"status": response.status_code, **response.json()})
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_the_same_post_twice_at_once_is_one_case_and_a_duplicate(
    world: World, settings: Any
) -> None:
    settings.RAPPORT_SOCIAL_WEBHOOK_SECRET = SECRET
    body = {**POST, "posted_at": datetime.now(UTC).isoformat()}

    answers = _send_at_once([body, body])

    assert sorted(a["outcome"] for a in answers) == ["duplicate", "new_case"]
    assert answers[0]["case_id"] == answers[1]["case_id"]
    assert SocialPost.objects.count() == 1


@pytest.mark.parametrize("author_id", ["", "109348"])
def test_a_new_authors_two_posts_at_once_are_one_customer_and_one_case(
    world: World, settings: Any, author_id: str
) -> None:
    settings.RAPPORT_SOCIAL_WEBHOOK_SECRET = SECRET
    now = datetime.now(UTC).isoformat()
    first = {**POST, "posted_at": now, "author_id": author_id}
    second = {
        **first,
        "post_id": "110000",
        "url": "https://social.example/@maria/110000",
        "text": "And nobody answers the phone.",
    }

    known = Customer.objects.count()

    answers = _send_at_once([first, second])

    assert [a["status"] for a in answers] == [200, 200], answers
    assert sorted(a["outcome"] for a in answers) == ["new_case", "threaded"]
    assert answers[0]["case_id"] == answers[1]["case_id"]
    assert answers[0]["customer_id"] == answers[1]["customer_id"]
    assert Customer.objects.count() == known + 1
    assert SocialPost.objects.count() == 2


@pytest.mark.django_db
def test_a_post_whose_new_author_was_added_meanwhile_is_taken_in_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The moment of the race, made certain: the author is looked for before the other
    request has committed them (found: nobody) and added after it has (the handle is taken).
    The post is taken in again and joins the customer the other request made."""
    known = Customer.objects.count()
    maria: dict[str, Any] = {**POST, "in_reply_to": "", "posted_at": datetime.now(UTC)}
    earlier = ingest_post(post=IncomingPost(**maria), source=Source.WEBHOOK)
    looked_for = customers.known_customers
    misses = iter([True])

    def before_the_other_commits(**kwargs: Any) -> dict[str, Customer]:
        return {} if next(misses, False) else looked_for(**kwargs)

    monkeypatch.setattr(customers, "known_customers", before_the_other_commits)

    later = ingest_post(
        post=IncomingPost(
            **{**maria, "post_id": "110000", "url": "https://social.example/@maria/110000"}
        ),
        source=Source.WEBHOOK,
    )

    assert next(misses, "used") == "used"  # the first look missed, as in the race
    assert (later.outcome, later.case, later.customer) == (
        "threaded",
        earlier.case,
        earlier.customer,
    )
    assert Customer.objects.count() == known + 1
    assert Identity.objects.filter(customer=earlier.customer).count() == 1
