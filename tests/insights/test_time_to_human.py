from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from rapport.cases.actions.messages import log_call, reply
from rapport.cases.models import Case
from rapport.routing.actions.opening import open_case
from tests.api.conftest import ApiClient
from tests.conftest import World

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def answered_after(world: World, minutes: int, channel: str = "email") -> Case:
    with time_machine.travel(T0, tick=False):
        case = open_case(customer=world.customer, subject="", channel=channel, text="Hi", by=None)
    with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
        if channel == "phone":
            log_call(case=case, by=world.colleague, direction="outbound", outcome="reached")
        else:
            reply(case=case, text="Hello Maria", by=world.colleague)
    return case


def test_supervisor_sees_time_to_a_named_human(world: World) -> None:
    answered_after(world, 10)
    answered_after(world, 30)
    answered_after(world, 300, channel="phone")  # five hours: past its four-hour deadline
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        page = world.client_for(world.supervisor).get("/supervisor/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<span id="tth-median">30.0</span>' in html
    assert '<span id="tth-p90">300.0</span>' in html
    assert "3 of 3 new cases answered by a person" in html
    assert "67% within their first-response deadline" in html


def test_agents_cannot_open_the_supervisor_page(world: World) -> None:
    assert world.client_for(world.agent).get("/supervisor/").status_code == 404
    assert world.client_for(world.outsider).get("/supervisor/").status_code == 404


def test_api_time_to_human_for_supervisors_only(world: World) -> None:
    answered_after(world, 20)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        body = ApiClient(world.token_for(world.supervisor)).get("/insights/time-to-human").json()
        refused = ApiClient(world.token_for(world.agent)).get("/insights/time-to-human")
    assert body["answered"] == 1 and body["median_minutes"] == 20.0
    assert body["by_channel"] == {"email": 20.0}
    assert refused.status_code == 404
