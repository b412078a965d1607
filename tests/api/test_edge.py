"""The API edge refuses what the database or the pages could not hold: NUL and lone surrogates,
text longer than its column, times outside 1900-2199, unknown values for enumerated fields,
numbers past 64 bits and bodies over the size limit, each a 4xx in the one error shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from rapport.cases.actions.messages import log_call
from rapport.cases.models import Call
from rapport.outreach.actions.incidents import create_incident
from rapport.outreach.actions.tasks import add_audience
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World

NUL = "Mila\x00"
SURROGATE = "Mila \ud83d"  # half of an emoji's UTF-16 pair


def _raw_post(api: ApiClient, path: str, body: str) -> Any:
    return api.client.post(
        f"/api/v1{path}", body, content_type="application/json", headers=api.headers
    )


def test_a_call_in_year_one_is_refused(world: World, api: ApiClient) -> None:
    response = api.post(
        f"/cases/{world.case.pk}/calls",
        {"direction": "inbound", "outcome": "reached", "started_at": "0001-01-01T00:00:00Z"},
    )
    error = assert_error(response, 422, "validation_error", field="started_at")
    assert "1900" in error["message"]
    assert not Call.objects.exists()


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
def test_a_stored_extreme_date_leaves_every_page_working(
    world: World, api: ApiClient, stamp: str
) -> None:
    # Stored before the edge checked it (or by an import): the pages must still answer.
    log_call(
        case=world.case,
        by=world.agent,
        direction="inbound",
        outcome="reached",
        started_at=datetime(1, 1, 1, tzinfo=UTC),
    )
    Call.objects.update(started_at=datetime.fromisoformat(stamp))
    browser = world.client_for(world.agent)
    for url in (
        f"/cases/{world.case.pk}/",
        f"/customers/{world.customer.pk}/",
        "/",
        f"/api/v1/customers/{world.customer.pk}/timeline",
        f"/api/v1/cases/{world.case.pk}",
    ):
        assert browser.get(url).status_code == 200, url
    assert api.get(f"/customers/{world.customer.pk}/timeline").status_code == 200


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize(
    "where",
    [
        ("/cases/{case}/notes", {"text": "{bad}"}, "text"),
        ("/cases/{case}/replies", {"text": "{bad}"}, "text"),
        ("/customers/{customer}/notes", {"text": "{bad}"}, "text"),
        ("/customers/{customer}/assets", {"name": "{bad}"}, "name"),
        (
            "/customers/{customer}/assets",
            {"name": "Crate", "attributes": {"{bad}": 1}},
            "attributes",
        ),
        ("/customers", {"name": "{bad}"}, "name"),
        ("/cases", {"customer_id": 0, "channel": "email", "subject": "{bad}"}, "subject"),
        ("/care/cases/{case}/follow-ups", {"purpose": "{bad}"}, "purpose"),
        ("/outreach/incidents", {"title": "{bad}"}, "title"),
    ],
)
def test_nul_and_lone_surrogates_are_refused_everywhere(
    world: World, api_as: Any, where: tuple[str, dict[str, Any], str], bad: str
) -> None:
    path, body, field = where
    api = api_as(world.supervisor)
    url = path.format(case=world.case.pk, customer=world.customer.pk)
    # json.dumps writes a lone surrogate as the escape "\ud83d", as a hostile client would.
    raw = json.dumps(body).replace('"{bad}"', json.dumps(bad))
    assert_error(_raw_post(api, url, raw), 422, "validation_error", field=field)


def test_a_nul_in_a_query_is_refused(world: World, api: ApiClient) -> None:
    assert_error(api.get("/cases", q="a\x00b"), 422, "validation_error", field="q")
    assert_error(api.get("/customers", q="a\x00b"), 422, "validation_error", field="q")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/customers/{customer}/assets", {"name": "x" * 201}, "name"),
        ("/customers/{customer}/notes", {"text": "x" * 501}, "text"),
        (
            "/outreach/make-goods",
            {
                "kind": "credit",
                "description": "d",
                "reason": "r",
                "case_id": "{case}",
                "currency": "EURO",
            },
            "currency",
        ),
        (
            "/cases/{case}/calls",
            {"direction": "inbound", "outcome": "reached", "notes": "x" * 100_001},
            "notes",
        ),
    ],
)
def test_text_longer_than_its_column_is_refused(
    world: World, api: ApiClient, path: str, body: dict[str, Any], field: str
) -> None:
    url = path.format(case=world.case.pk, customer=world.customer.pk)
    payload = {k: world.case.pk if v == "{case}" else v for k, v in body.items()}
    assert_error(api.post(url, payload), 422, "validation_error", field=field)


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00"])
def test_extreme_dates_are_refused_on_every_endpoint(world: World, api_as: Any, stamp: str) -> None:
    api = api_as(world.supervisor)
    api.post(f"/cases/{world.case.pk}/owner", {"owner_id": world.supervisor.pk})
    case = world.case.pk
    assert_error(
        api.post(f"/care/cases/{case}/follow-ups", {"due_at": stamp}), 422, "validation_error"
    )
    assert_error(
        api.post(f"/care/cases/{case}/callbacks", {"window_start": stamp}),
        422,
        "validation_error",
    )
    assert_error(
        api.post(f"/care/cases/{case}/appointments", {"starts_at": stamp, "location": "Room 1"}),
        422,
        "validation_error",
    )
    assert_error(api.get(f"/care/cases/{case}/callback-window", at=stamp), 422, "validation_error")
    assert_error(api.get("/outreach/make-goods/totals", since=stamp), 422, "validation_error")
    assert_error(api.get("/insights/time-to-human", until=stamp), 422, "validation_error")
    day = stamp[:10]
    assert_error(
        api.post(
            f"/care/customers/{world.customer.pk}/word-of-mouth",
            {"direction": "recommended", "other_name": "Kim", "on": day},
        ),
        422,
        "validation_error",
    )
    assert_error(
        api.post(f"/desk/sites/{world.night_site.pk}/closures", {"day": day}),
        422,
        "validation_error",
    )


def test_naive_times_in_queries_are_refused(world: World, api_as: Any) -> None:
    api = api_as(world.supervisor)
    assert_error(
        api.get("/outreach/make-goods/totals", since="2026-01-01T00:00:00"),
        422,
        "validation_error",
        field="since",
    )


@pytest.mark.parametrize("huge", [2**63, 10**30])
def test_ids_past_64_bits_are_not_a_server_error(world: World, api: ApiClient, huge: int) -> None:
    response = api.get(f"/cases/{huge}")
    assert response.status_code in {404, 422}, response.content
    assert_error(api.post(f"/cases/{world.case.pk}/merge", {"into": huge}), 422, "validation_error")
    assert_error(api.get("/cases", customer=huge), 422, "validation_error")


def test_money_must_be_a_finite_amount_that_fits(world: World, api: ApiClient) -> None:
    body = {"case_id": world.case.pk, "kind": "credit", "description": "d", "reason": "r"}
    for amount in ("NaN", "Infinity", "1e20", "0.001"):
        response = api.post("/outreach/make-goods", body | {"amount": amount})
        assert_error(response, 422, "validation_error", field="amount")


def test_small_counters_are_bounded_by_their_columns(world: World, api_as: Any) -> None:
    api = api_as(world.supervisor)
    response = api.post("/outreach/incidents", {"title": "Storm", "max_attempts": 70_000})
    assert_error(response, 422, "validation_error", field="max_attempts")


def test_an_unknown_expected_status_is_422_not_500(world: World, api_as: Any) -> None:
    supervisor = api_as(world.supervisor)
    incident = create_incident(title="Flight AU 482 cancelled", by=world.supervisor)
    add_audience(incident=incident, customers=[world.customer], by=world.supervisor)
    task = supervisor.get(f"/outreach/incidents/{incident.pk}/tasks").json()["items"][0]
    for action, body in (
        ("call", {"call_outcome": "reached", "expected_status": "sideways"}),
        ("result", {"status": "reached", "expected_status": "sideways"}),
    ):
        response = supervisor.post(f"/outreach/tasks/{task['id']}/{action}", body)
        assert_error(response, 422, "validation_error", field="expected_status")


def test_a_body_over_the_limit_is_413_in_the_error_shape(
    world: World, api: ApiClient, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = api.post(f"/cases/{world.case.pk}/notes", {"text": "x" * 20_000})
    error = assert_error(response, 413, "payload_too_large")
    assert "10000 bytes" in error["message"] or "10 kB" in error["message"]
    assert api.post(f"/cases/{world.case.pk}/notes", {"text": "x" * 5_000}).status_code == 201


def test_every_error_under_the_api_is_json(world: World, api: ApiClient) -> None:
    anonymous = Client(enforce_csrf_checks=True)
    # A POST to an unknown path, with or without a session, is the JSON 404.
    assert_error(anonymous.post("/api/v1/tickets", {}), 404, "not_found")
    browser = world.client_for(world.agent)
    browser.handler.enforce_csrf_checks = True
    assert_error(browser.post("/api/v1/tickets", {}), 404, "not_found")
    # A write from a signed-in browser without the CSRF header is a JSON 403.
    response = browser.post(
        f"/api/v1/cases/{world.case.pk}/notes", "{}", content_type="application/json"
    )
    error = assert_error(response, 403, "forbidden")
    assert "CSRF" in error["message"]
    # A method the path does not have is a JSON 405.
    assert_error(api.delete(f"/cases/{world.case.pk}"), 405, "method_not_allowed")
    assert_error(api.request("put", "/"), 405, "method_not_allowed")
