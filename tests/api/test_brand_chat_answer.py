"""`chat_answer_minutes` through `/api/v1/desk/brands` (the business page's action): read,
set at creation and on a change, left as it is when left out, nonsense refused by name."""

from __future__ import annotations

from typing import Any

from rapport.people.models import Brand
from tests.conftest import World


def test_the_api_reads_and_sets_the_chats_answer_minutes(world: World, api_as: Any) -> None:
    sam = api_as(world.supervisor)
    body = {"name": "Sonrisa", "slug": "sonrisa"}
    added = sam.post("/desk/brands", body | {"chat_answer_minutes": 8})
    assert added.status_code == 201, added.content
    assert added.json()["chat_answer_minutes"] == 8
    brand_id = added.json()["id"]
    for nonsense in (0, -1, 241):
        refused = sam.put(f"/desk/brands/{brand_id}", body | {"chat_answer_minutes": nonsense})
        assert refused.status_code == 400, nonsense
        assert refused.json()["error"]["field"] == "chat_answer_minutes"
        assert "from 1 to 240" in refused.json()["error"]["message"]
    # Left out of a change, it stays as it is.
    assert sam.put(f"/desk/brands/{brand_id}", body).json()["chat_answer_minutes"] == 8
    changed = sam.put(f"/desk/brands/{brand_id}", body | {"chat_answer_minutes": 3})
    assert changed.json()["chat_answer_minutes"] == 3
    assert Brand.objects.get().chat_answer_minutes == 3
    assert sam.get("/desk/brands").json()["items"][0]["chat_answer_minutes"] == 3
