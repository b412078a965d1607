"""Redis for scale: the shared cache and the task queue, against a real server on loopback."""

from __future__ import annotations

from typing import Any

import django_rq
import pytest
from django.core import mail
from django.core.cache import caches
from django.core.management import call_command

from rapport.cases.actions.messages import reply
from rapport.cases.models import DeliveryStatus
from tests.conftest import World

pytestmark = pytest.mark.integration


@pytest.fixture
def redis_settings(settings: Any, redis_url: str) -> Any:
    settings.REDIS_URL = redis_url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_rq"]
    django_rq.get_connection("default").flushdb()
    return settings


def test_cache_is_shared_through_redis(redis_settings: Any) -> None:
    cache = caches["default"]
    cache.set("rapport-test", {"seen": 1}, timeout=30)
    assert cache.get("rapport-test") == {"seen": 1}


@pytest.mark.django_db(transaction=True)
def test_reply_is_delivered_by_the_redis_worker(redis_settings: Any, world: World) -> None:
    message = reply(case=world.case, text="See you at ten.", by=world.agent, channel="email")
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED  # waiting in Redis, not run inline
    call_command("worker", "--batch", "--no-fork", verbosity=0)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [["maria.lopez@example.com"]]
