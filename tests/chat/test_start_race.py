"""Two starts with the same client_id at the same moment (a double tap reaching two server
threads): one conversation and one case; the later start answers with the earlier's."""

from __future__ import annotations

import threading

import pytest

from rapport.cases.models import Case
from rapport.chat.actions.conversations import Started, start_conversation
from rapport.chat.models import Conversation
from tests.conftest import World
from tests.threads import at_once


@pytest.mark.django_db(transaction=True)
def test_two_starts_racing_with_one_client_id_make_one_conversation(world: World) -> None:
    cases = Case.objects.count()
    barrier = threading.Barrier(2)

    def start() -> Started:
        barrier.wait(timeout=10)
        return start_conversation(
            text="My parcel never came", visitor_id="", brand=None, client_id="double-tap-1"
        )

    results, failures = at_once(start)
    assert failures == []
    assert len(results) == 2
    assert results[0].conversation.pk == results[1].conversation.pk
    assert results[0].token == results[1].token
    assert sorted(r.repeated for r in results) == [False, True]
    assert Conversation.objects.count() == 1
    assert Case.objects.count() == cases + 1
