"""The OpenAPI schema and the interactive docs, served without any CDN."""

from __future__ import annotations

import re

from django.test import Client

from tests.conftest import World

EXPECTED_PATHS = {
    "/api/v1/customers",
    "/api/v1/customers/matches",
    "/api/v1/customers/{customer_id}",
    "/api/v1/customers/{customer_id}/identities",
    "/api/v1/customers/{customer_id}/identities/{identity_id}",
    "/api/v1/customers/{customer_id}/identities/{identity_id}/verify",
    "/api/v1/customers/{customer_id}/notes",
    "/api/v1/customers/{customer_id}/assets",
    "/api/v1/customers/{customer_id}/relationship",
    "/api/v1/customers/{customer_id}/merge",
    "/api/v1/customers/{customer_id}/not-a-duplicate",
    "/api/v1/customers/{customer_id}/timeline",
    "/api/v1/cases",
    "/api/v1/cases/{case_id}",
    "/api/v1/cases/{case_id}/replies",
    "/api/v1/cases/{case_id}/notes",
    "/api/v1/cases/{case_id}/calls",
    "/api/v1/cases/{case_id}/status",
    "/api/v1/cases/{case_id}/owner",
    "/api/v1/cases/{case_id}/priority",
    "/api/v1/cases/{case_id}/tags",
    "/api/v1/cases/{case_id}/resolve",
    "/api/v1/cases/{case_id}/merge",
    "/api/v1/cases/{case_id}/triage/corrections",
    "/api/v1/cases/{case_id}/chat/seen",
    "/api/v1/cases/{case_id}/status-link",
    "/api/v1/cases/{case_id}/status-link/revoke",
    "/api/v1/cases/{case_id}/social",
    "/api/v1/cases/{case_id}/social/responses",
    "/api/v1/social/posts",
    "/api/v1/triage/models",
    "/api/v1/triage/models/active",
    "/api/v1/messages/{message_id}/split",
    "/api/v1/attachments/{attachment_id}",
    "/api/v1/desk/brands",
    "/api/v1/desk/brands/{brand_id}",
    "/api/v1/desk/brands/{brand_id}/logo",
    "/api/v1/desk/sites/{site_id}",
    "/api/v1/desk/teams",
    "/api/v1/desk/teams/{team_id}",
    "/api/v1/desk/follow-up-policies",
    "/api/v1/desk/follow-up-policies/{follow_up_id}",
    "/api/v1/desk/deferred",
    "/api/v1/agents",
    "/api/v1/agents/me",
    "/api/v1/agents/me/notifications",
    "/api/v1/agents/me/signature",
    "/api/v1/agents/me/photo",
    "/api/v1/insights/time-to-human",
    "/api/v1/insights/saved-replies",
    "/api/v1/insights/{question}",
    "/api/v1/staffing/interval",
    "/api/v1/staffing/plan",
    "/api/v1/outreach/approval-limits",
    "/api/v1/outreach/imports/{import_id}",
    "/api/v1/outreach/incidents",
    "/api/v1/outreach/incidents/{incident_id}",
    "/api/v1/outreach/incidents/{incident_id}/audience",
    "/api/v1/outreach/incidents/{incident_id}/board",
    "/api/v1/outreach/incidents/{incident_id}/imports",
    "/api/v1/outreach/incidents/{incident_id}/tasks",
    "/api/v1/outreach/make-goods",
    "/api/v1/outreach/make-goods/totals",
    "/api/v1/outreach/make-goods/{make_good_id}/decision",
    "/api/v1/outreach/tasks/{task_id}",
    "/api/v1/outreach/tasks/{task_id}/call",
    "/api/v1/outreach/tasks/{task_id}/message",
    "/api/v1/outreach/tasks/{task_id}/result",
    "/api/v1/desk/sites",
    "/api/v1/desk/sites/{site_id}/hours",
    "/api/v1/desk/sites/{site_id}/closures",
    "/api/v1/desk/sites/{site_id}/closures/{day}",
    "/api/v1/desk/sla-policies",
    "/api/v1/desk/sla-policies/{priority}",
    "/api/v1/intake",
    "/api/v1/intake/{inbound_id}",
    "/api/v1/intake/{inbound_id}/raw",
    "/api/v1/intake/{inbound_id}/retry",
    "/api/v1/customers/{customer_id}/export",
    "/api/v1/customers/{customer_id}/erase",
    "/api/v1/access-log",
    "/api/v1/care/calls-due",
    "/api/v1/care/promises",
    "/api/v1/care/promises/{promise_id}",
    "/api/v1/care/promises/{promise_id}/call",
    "/api/v1/care/promises/{promise_id}/reschedule",
    "/api/v1/care/promises/{promise_id}/cancel",
    "/api/v1/care/cases/{case_id}/follow-ups",
    "/api/v1/care/cases/{case_id}/callback-window",
    "/api/v1/care/cases/{case_id}/callbacks",
    "/api/v1/care/cases/{case_id}/referrals",
    "/api/v1/care/referrals/{referral_id}",
    "/api/v1/care/referrals/{referral_id}/acknowledge",
    "/api/v1/care/referrals/{referral_id}/hand-back",
    "/api/v1/care/referrals/{referral_id}/introduction",
    "/api/v1/care/cases/{case_id}/appointments",
    "/api/v1/care/customers/{customer_id}/word-of-mouth",
    "/api/v1/care/word-of-mouth/counts",
    "/api/v1/surveys",
    "/api/v1/surveys/{survey_id}/send-now",
    "/api/v1/surveys/results",
    "/api/v1/tokens",
    "/api/v1/tokens/{token_id}",
    "/api/v1/saved-replies",
    "/api/v1/saved-replies/{saved_reply_id}",
    "/api/v1/saved-replies/policies",
    "/api/v1/saved-replies/policies/{brand_id}",
    "/api/v1/cases/bulk",
    "/api/v1/cases/{case_id}/claim",
    "/api/v1/saved-views",
    "/api/v1/saved-views/{view_id}",
    "/api/v1/agents/{agent_id}",
    "/api/v1/agents/{agent_id}/deactivate",
    "/api/v1/agents/{agent_id}/reactivate",
    "/api/v1/agents/{agent_id}/invitation",
}


def test_openapi_schema_lists_every_path_and_the_bearer_scheme(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Rapport API"
    assert set(schema["paths"]) == EXPECTED_PATHS
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    # Errors are documented in their one shape.
    status = schema["paths"]["/api/v1/cases/{case_id}/status"]["post"]["responses"]
    assert {"200", "401", "404", "409", "422"} <= set(status)
    assert status["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


def test_docs_page_loads_swagger_from_our_own_static_files(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html
    assert '"validatorUrl": null' in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/static/") for src in sources), sources
    for src in sources:
        assert client.get(src).status_code == 200, src


def test_the_tags_operation_documents_what_the_server_checks() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/cases/{case_id}/tags"]["put"]
    # 403: a browser session without its CSRF token.
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "422"}
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert body["required"] == ["tags"]
    tags = body["properties"]["tags"]
    assert (tags["type"], tags["maxItems"], tags["items"]["maxLength"]) == ("array", 200, 50)
    seen = body["properties"]["seen"]
    assert {"type": "array", "maxItems": 200, "items": {"type": "string", "maxLength": 50}} in seen[
        "anyOf"
    ]
