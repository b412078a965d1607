"""One error shape for everything: bad JSON, wrong types, unknown paths, unknown methods."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


def test_wrong_types_are_422_with_every_field_named(world: World, api: ApiClient) -> None:
    response = api.post(
        f"/cases/{world.case.pk}/calls",
        {"direction": "sideways", "outcome": "reached", "duration_seconds": "long"},
    )
    error = assert_error(response, 422, "validation_error", field="direction")
    assert error["message"].startswith("direction: Input should be 'outbound' or 'inbound'")
    assert {d["field"] for d in error["details"]} == {"direction", "duration_seconds"}
    assert all(d["message"] for d in error["details"])


def test_nested_fields_are_named_with_dots(world: World, api: ApiClient) -> None:
    response = api.post("/customers", {"name": "Kim", "identities": [{"kind": "fax"}]})
    error = assert_error(response, 422, "validation_error")
    assert {d["field"] for d in error["details"]} == {"identities.0.kind", "identities.0.value"}


def test_missing_required_fields_are_422(world: World, api: ApiClient) -> None:
    error = assert_error(api.post("/customers", {}), 422, "validation_error", field="name")
    assert "required" in error["message"].lower()


def test_bad_query_parameters_are_422(world: World, api: ApiClient) -> None:
    assert_error(api.get("/cases", limit=0), 422, "validation_error", field="limit")
    assert_error(api.get("/cases", status="lost"), 422, "validation_error")


def test_unparseable_json_is_400(world: World, api: ApiClient) -> None:
    response = api.client.post(
        f"/api/v1/cases/{world.case.pk}/notes",
        "{not json",
        content_type="application/json",
        headers=api.headers,
    )
    error = assert_error(response, 400, "bad_request")
    assert "JSON" in error["message"]


def test_unknown_paths_answer_in_the_error_shape(world: World, api: ApiClient) -> None:
    error = assert_error(api.get("/tickets"), 404, "not_found")
    assert "/api/v1/tickets" in error["message"]
    assert_error(Client().get("/api/v1/cases/"), 404, "not_found")


def test_the_root_points_at_the_docs(db: None) -> None:
    body = Client().get("/api/v1/").json()
    assert body["openapi"] == "http://testserver/api/v1/openapi.json"
    assert body["docs"] == "http://testserver/api/v1/docs"


def test_an_unexpected_failure_is_a_logged_500_in_the_same_shape(
    world: World, api: ApiClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("rapport.api.cases.case_messages.add_note", broken)
    response = api.post(f"/cases/{world.case.pk}/notes", {"text": "hi"})
    error = assert_error(response, 500, "server_error")
    assert "disk on fire" not in error["message"]
    assert any(
        record.exc_info and "disk on fire" in str(record.exc_info[1]) for record in caplog.records
    )


def test_a_missing_object_is_404(world: World, api: ApiClient) -> None:
    error = assert_error(api.get("/cases/999999"), 404, "not_found")
    assert error["message"] == "No such case."
