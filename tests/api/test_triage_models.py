from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from rapport.triage import desk, learned
from rapport.triage.actions.models import store_model
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    yield
    desk.forget()


def test_supervisor_lists_the_models_and_which_decides(world: World, api_as: Any) -> None:
    supervisor: ApiClient = api_as(world.supervisor)
    body = supervisor.get("/triage/models").json()
    assert [(m["name"], m["active"]) for m in body["items"]] == [("shipped", True)]
    assert body["next"] is None
    data = replace(learned.load_shipped(), name="desk", version="1").to_bytes()
    store_model(version="1", data=data, figures={"frozen": {}}, corrections=4, by=None)
    items = supervisor.get("/triage/models").json()["items"]
    assert (items[0]["name"], items[0]["version"], items[0]["active"]) == ("desk", "1", True)
    assert items[0]["corrections"] == 4 and items[-1]["active"] is False


def test_agents_do_not_see_it(world: World, api: ApiClient) -> None:
    assert_error(api.get("/triage/models"), 404, "not_found")


def test_supervisor_chooses_which_decides(world: World, api_as: Any) -> None:
    supervisor: ApiClient = api_as(world.supervisor)
    data = replace(learned.load_shipped(), name="desk", version="1").to_bytes()
    store_model(version="1", data=data, figures={}, corrections=0, by=None)
    body = supervisor.put("/triage/models/active", {"version": None}).json()
    assert [(m["name"], m["active"]) for m in body["items"]] == [("desk", False), ("shipped", True)]
    again = supervisor.put("/triage/models/active", {"version": "1"})
    assert again.status_code == 200 and again.json()["items"][0]["active"] is True
    assert_error(supervisor.put("/triage/models/active", {"version": "7"}), 400, "bad_request")
    assert_error(supervisor.put("/triage/models/active", {}), 422, "validation_error")


def test_agents_cannot_choose(world: World, api: ApiClient) -> None:
    assert_error(api.put("/triage/models/active", {"version": None}), 404, "not_found")
