"""`@supervisor_required` (web) and its API twin: the one place a page or an operation is kept
for supervisors. Hidden pages answer a 404 as if they were not there; a supervisor's decision on
something an agent can see answers a 403 saying why. Either way the answer comes before any id is
read, so it is the same for an object that exists and one that does not."""

from __future__ import annotations

from rapport.outreach.actions.incidents import create_incident
from tests.api.conftest import ApiClient
from tests.conftest import World

NO_SUCH_ID = 999_999


def test_a_hidden_page_is_a_404_for_an_agent_and_opens_for_a_supervisor(world: World) -> None:
    ana = world.client_for(world.agent)
    for url in ("/supervisor/", "/supervisor/desk/", "/mail/intake/", "/supervisor/security/"):
        assert ana.get(url).status_code == 404, url
    sam = world.client_for(world.supervisor)
    for url in ("/supervisor/", "/supervisor/desk/", "/mail/intake/", "/supervisor/security/"):
        assert sam.get(url).status_code == 200, url


def test_a_hidden_page_with_an_id_answers_the_same_for_a_real_and_a_made_up_id(
    world: World,
) -> None:
    ana = world.client_for(world.agent)  # Maria's deputy: she sees Maria everywhere else
    real = ana.get(f"/datacare/customers/{world.customer.pk}/")
    made_up = ana.get(f"/datacare/customers/{NO_SUCH_ID}/")
    assert real.status_code == made_up.status_code == 404
    sam = world.client_for(world.supervisor)
    assert sam.get(f"/datacare/customers/{world.customer.pk}/").status_code == 200


def test_a_supervisors_decision_is_a_403_with_the_reason_before_the_incident_is_read(
    world: World,
) -> None:
    incident = create_incident(title="Flood in the waiting room", by=world.supervisor)
    for agent in (world.agent, world.outsider):
        client = world.client_for(agent)
        for incident_id in (incident.pk, NO_SUCH_ID):
            response = client.post(f"/outreach/{incident_id}/close/")
            assert response.status_code == 403, (agent, incident_id)
            assert "Only a supervisor can do this." in response.content.decode()
    incident.refresh_from_db()
    assert incident.closed_at is None
    closed = world.client_for(world.supervisor).post(f"/outreach/{incident.pk}/close/")
    assert closed.status_code == 302
    incident.refresh_from_db()
    assert incident.closed_at is not None


def test_the_api_hides_supervisor_endpoints_as_missing_ones(world: World) -> None:
    ana = ApiClient(world.token_for(world.agent))
    for path in ("/insights/time-to-human", "/intake", "/access-log"):
        refused = ana.get(path)
        assert refused.status_code == 404, path
        assert refused.json()["error"] == {
            "code": "not_found",
            "message": "No such endpoint.",
            "field": None,
        }
    sam = ApiClient(world.token_for(world.supervisor))
    for path in ("/insights/time-to-human", "/intake", "/access-log"):
        assert sam.get(path).status_code == 200, path
    assert ApiClient(None).get("/insights/time-to-human").status_code == 401


def test_the_api_says_why_a_supervisors_decision_is_refused(world: World) -> None:
    refused = ApiClient(world.token_for(world.agent)).get("/outreach/make-goods/totals")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Only a supervisor can do this."
    sam = ApiClient(world.token_for(world.supervisor))
    assert sam.get("/outreach/make-goods/totals", period="week").json()["period"] == "week"


def test_a_decorated_operation_keeps_its_parameters_in_the_schema_and_their_checks(
    world: World,
) -> None:
    """ninja reads an operation's parameters through the wrapper: they must stay the same."""
    schema = ApiClient(None).get("/openapi.json").json()
    params = schema["paths"]["/api/v1/insights/time-to-human"]["get"]["parameters"]
    assert {p["name"] for p in params} == {"since", "until", "team", "site", "agent", "brand"}
    sam = ApiClient(world.token_for(world.supervisor))
    bad = sam.get("/insights/time-to-human", since="yesterday")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "since"
