"""The same signed post sent twice at the same moment (a webhook retried while the first
attempt still runs): one case, one "new_case" and one "duplicate". On PostgreSQL the second
waits on the unique (platform, post id) row the first claimed and, once it commits, answers
with its case (the IntegrityError path); SQLite runs one writer at a time."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from rapport.social.models import SocialPost
from rapport.social.signing import sign
from tests.api.test_social_posts import POST, SECRET, URL
from tests.conftest import World

# Each request has its own connection and transaction, so the test cannot wrap them in one.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_same_post_twice_at_once_is_one_case_and_a_duplicate(
    world: World, settings: Any
) -> None:
    settings.RAPPORT_SOCIAL_WEBHOOK_SECRET = SECRET
    raw = json.dumps({**POST, "posted_at": datetime.now(UTC).isoformat()}).encode()
    answers: list[dict[str, Any]] = []
    start = threading.Barrier(2)

    def send() -> None:
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
            answers.append(response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(a["outcome"] for a in answers) == ["duplicate", "new_case"]
    assert answers[0]["case_id"] == answers[1]["case_id"]
    assert SocialPost.objects.count() == 1
