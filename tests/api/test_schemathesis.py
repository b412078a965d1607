"""schemathesis against the API in this process: every operation of the OpenAPI document, as a
supervisor and as an agent, with bounded, derandomised examples. No response is a server error
and every response is what the document says (status, content type, body)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rapport.api.api import api
from rapport.care.actions.promises import schedule_follow_up, tomorrow_at
from rapport.cases.actions.messages import log_call
from rapport.outreach.actions.incidents import create_incident
from rapport.outreach.actions.tasks import add_audience
from tests.conftest import World

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25
pytestmark = pytest.mark.fuzz


@pytest.fixture
def _same_connection() -> Iterator[None]:
    """The application is called in this thread, inside the test's transaction: like Django's
    test client, keep the end of a request from closing the connection under the test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _history(world: World) -> None:
    """Something behind the ids an operation may be given: a call, a promise, an incident."""
    log_call(case=world.case, by=world.agent, direction="outbound", outcome="reached")
    schedule_follow_up(
        case=world.case,
        by=world.agent,
        due_at=tomorrow_at(world.case, now=world.case.created_at),
        purpose="How is Mila?",
    )
    incident = create_incident(title="Flight AU 482 cancelled", by=world.supervisor)
    add_audience(incident=incident, customers=[world.customer], by=world.supervisor)


@pytest.fixture
def tokens(world: World, _same_connection: None) -> dict[str, str]:
    _history(world)
    return {name: world.token_for(getattr(world, name)) for name in ("agent", "supervisor")}


# The document the server publishes, loaded once (pytest-django set Django up before collection),
# each operation a test of its own; the cases are sent to the WSGI application in-process.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: Any, tokens: dict[str, str]) -> None:
    # Each example is sent as an agent of the team and as a supervisor: one generation, two
    # views of the desk (what an agent may not see is a documented 404 or 403).
    for token in tokens.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
