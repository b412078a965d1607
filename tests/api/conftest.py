"""An API client that speaks JSON with a bearer token, as an integrator's code would."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rapport.people.models import Agent
from tests.conftest import World

BASE = "/api/v1"


class ApiClient:
    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        url = path if path.startswith("/api/") else f"{BASE}{path}"
        call = getattr(self.client, method)
        if method in {"get", "delete"}:
            return call(url, query or None, headers=self.headers)
        return call(
            url, json.dumps(body or {}), content_type="application/json", headers=self.headers
        )

    def get(self, path: str, **query: Any) -> Any:
        return self.request("get", path, **query)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("post", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.request("patch", path, body)

    def put(self, path: str, body: Any = None) -> Any:
        return self.request("put", path, body)

    def delete(self, path: str) -> Any:
        return self.request("delete", path)


@pytest.fixture
def api_as(world: World) -> Any:
    """api_as(agent) -> a client authenticated with a fresh token of that agent."""

    def make(agent: Agent) -> ApiClient:
        return ApiClient(world.token_for(agent))

    return make


@pytest.fixture
def api(world: World, api_as: Any) -> ApiClient:
    """Dr. Ana Ortiz's integration."""
    client: ApiClient = api_as(world.agent)
    return client


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert error["field"] == field
    return error
