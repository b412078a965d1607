"""GET /api/v1/surveys?case=|customer=, POST /api/v1/surveys/{id}/send-now, the results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import time_machine
from django.test import Client

from rapport.care.actions.promises import log_promise_call
from rapport.surveys.links import survey_url
from rapport.surveys.models import Survey, SurveyKind, SurveyStatus
from tests.api.conftest import ApiClient
from tests.conftest import World, dental_case
from tests.surveys.conftest import helped_and_resolved, sweep_at

RESOLVED = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)
KEYS = {
    "id",
    "kind",
    "case_id",
    "customer_id",
    "agent",
    "status",
    "skip_reason",
    "url",
    "score",
    "comment",
    "follow_up_promise_id",
}


def test_surveys_of_a_case_and_of_a_customer(world: World) -> None:
    csat = helped_and_resolved(world, RESOLVED)
    api = ApiClient(world.token_for(world.agent))
    by_case = api.get("/surveys", case=world.case.pk)
    assert by_case.status_code == 200, by_case.content
    # The case's CSAT, and the customer's NPS that will be sent on it.
    [item] = [i for i in by_case.json()["items"] if i["kind"] == "csat"]
    assert set(item) >= KEYS
    assert item["id"] == csat.pk and item["kind"] == "csat" and item["status"] == "scheduled"
    assert item["agent"] == {"id": world.agent.pk, "display_name": "Dr. Ana Ortiz"}
    assert item["url"] is None and item["skip_reason"] is None and item["score"] is None
    by_customer = api.get("/surveys", customer=world.customer.pk).json()["items"]
    assert {i["kind"] for i in by_customer} == {"csat", "nps"}
    # Without a filter: every survey Ana may see, a page at a time.
    first = api.get("/surveys", limit=1).json()
    assert len(first["items"]) == 1 and first["next"]
    second = api.get("/surveys", limit=1, cursor=first["next"]).json()
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {i["id"] for i in by_customer}


def test_another_teams_case_and_customer_are_404(world: World) -> None:
    helped_and_resolved(world, RESOLVED)
    olga = ApiClient(world.token_for(world.outsider))
    assert olga.get("/surveys", case=world.case.pk).status_code == 404
    assert olga.get("/surveys", customer=world.customer.pk).status_code == 404
    # Maria's dental case makes her Olga's customer, but the clinic's surveys stay hidden.
    dental_case(world)
    assert olga.get("/surveys", customer=world.customer.pk).json()["items"] == []


def test_send_now_skips_the_delay_not_the_rules(world: World) -> None:
    csat = helped_and_resolved(world, RESOLVED)
    ana = ApiClient(world.token_for(world.agent))
    assert ana.post(f"/surveys/{csat.pk}/send-now").status_code == 403
    sam = ApiClient(world.token_for(world.supervisor))
    with time_machine.travel(RESOLVED + timedelta(minutes=30), tick=False):
        sent = sam.post(f"/surveys/{csat.pk}/send-now")
    assert sent.status_code == 200, sent.content
    body = sent.json()
    assert body["status"] == "sent" and "/surveys/s/" in body["url"]
    assert Survey.objects.get(pk=csat.pk).sent_now_by_id == world.supervisor.pk
    again = sam.post(f"/surveys/{csat.pk}/send-now")
    assert again.status_code == 409
    # At 23:00 in Madrid (quiet hours) the NPS waits for 09:00 their time.
    nps = Survey.objects.get(customer=world.customer, kind=SurveyKind.NPS)
    with time_machine.travel(datetime(2026, 5, 20, 21, 0, tzinfo=UTC), tick=False):
        waiting = sam.post(f"/surveys/{nps.pk}/send-now").json()
    assert waiting["status"] == "scheduled"
    assert waiting["due_at"] == "2026-05-21T07:00:00Z"


def test_results_count_csat_nps_response_and_callbacks(world: World) -> None:
    csat = helped_and_resolved(world, RESOLVED)
    sweep_at(RESOLVED + timedelta(hours=24))
    csat.refresh_from_db()
    answered_at = RESOLVED + timedelta(hours=25)
    path = urlparse(csat_url(csat)).path
    with time_machine.travel(answered_at, tick=False):
        Client().post(path, {"score": "2", "comment": "Slow"})
    promise = Survey.objects.get(pk=csat.pk).follow_up_promise
    assert promise is not None
    with time_machine.travel(answered_at + timedelta(hours=3), tick=False):
        log_promise_call(
            promise=promise, by=world.colleague, outcome="reached_fine", notes="Sorted"
        )
    sam = ApiClient(world.token_for(world.supervisor))
    [listed] = [
        i for i in sam.get("/surveys", case=world.case.pk).json()["items"] if i["id"] == csat.pk
    ]
    assert listed["follow_up_promise_id"] == promise.pk
    assert (listed["follow_up_status"], listed["follow_up_outcome"]) == ("kept", "reached_fine")
    body = sam.get("/surveys/results").json()
    desk = body["desk"]
    assert desk["csat_percent"] == 0.0 and desk["nps"] is None
    assert desk["response_rate"] == 100.0 and desk["sent"] == 1 and desk["answered"] == 1
    assert desk["to_call"] == 1 and desk["called_back_within_24h"] == 100.0
    assert [row["agent"]["id"] for row in body["by_agent"]] == [world.agent.pk]
    # Ana sees only her own.
    ana = ApiClient(world.token_for(world.agent)).get("/surveys/results").json()
    assert ana["desk"]["answered"] == 1
    ben = ApiClient(world.token_for(world.colleague)).get("/surveys/results").json()
    assert ben["desk"]["answered"] == 0 and ben["desk"]["csat_percent"] is None


def csat_url(survey: Survey) -> str:
    assert survey.status == SurveyStatus.SENT
    return survey_url(survey)
