"""Reads of customer data and raw mail leave one access-log row each, readable by supervisors."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.models import Attachment
from rapport.datacare.models import AccessKind, AccessLog
from tests.api.conftest import ApiClient
from tests.conftest import World
from tests.datacare.conftest import Rich


def _entries() -> list[tuple[str, int | None, int | None, str]]:
    return list(
        AccessLog.objects.order_by("pk").values_list("kind", "agent_id", "customer_id", "via")
    )


def test_opening_a_customer_page_is_one_insert(world: World) -> None:
    client = world.client_for(world.agent)
    url = f"/customers/{world.customer.pk}/"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    inserts = [q["sql"] for q in queries.captured_queries if "datacare_accesslog" in q["sql"]]
    assert len(inserts) == 1 and inserts[0].lstrip().upper().startswith("INSERT")
    assert _entries() == [("customer_page", world.agent.pk, world.customer.pk, "web")]


def test_a_refused_read_is_not_logged_as_a_read(world: World) -> None:
    assert (
        world.client_for(world.outsider).get(f"/customers/{world.customer.pk}/").status_code == 404
    )
    assert _entries() == []


def test_api_customer_and_timeline_reads_are_logged(world: World, api_as: Any) -> None:
    api: ApiClient = api_as(world.agent)
    assert api.get(f"/customers/{world.customer.pk}").status_code == 200
    assert api.get(f"/customers/{world.customer.pk}/timeline").status_code == 200
    assert _entries() == [
        ("customer_api", world.agent.pk, world.customer.pk, "api"),
        ("timeline_api", world.agent.pk, world.customer.pk, "api"),
    ]


def test_raw_mail_reads_are_logged_with_the_mail(world: World, rich: Rich, api_as: Any) -> None:
    client = world.client_for(world.supervisor)
    message = rich.inbound.case_message_id
    assert client.get(f"/mail/inbound/{rich.inbound.pk}/raw/").status_code == 200
    assert client.get(f"/mail/messages/{message}/original/").status_code == 200
    api: ApiClient = api_as(world.supervisor)
    assert api.get(f"/intake/{rich.inbound.pk}/raw").status_code == 200
    rows = list(AccessLog.objects.order_by("pk").values_list("kind", "inbound_email_id", "via"))
    assert rows == [
        ("raw_mail", rich.inbound.pk, "web"),
        ("raw_mail", rich.inbound.pk, "web"),
        ("raw_mail", rich.inbound.pk, "api"),
    ]
    assert {row.customer_id for row in AccessLog.objects.all()} == {rich.customer.pk}


def test_supervisors_read_the_log_on_the_web_and_the_api(world: World, api_as: Any) -> None:
    world.client_for(world.agent).get(f"/customers/{world.customer.pk}/")
    assert world.client_for(world.agent).get("/datacare/access-log/").status_code == 404
    page = world.client_for(world.supervisor).get(
        "/datacare/access-log/", {"customer": world.customer.pk}
    )
    assert page.status_code == 200
    assert 'data-kind="customer_page"' in page.content.decode()
    assert world.agent.display_name in page.content.decode()

    agent: ApiClient = api_as(world.agent)
    assert agent.get("/access-log").status_code == 404
    supervisor: ApiClient = api_as(world.supervisor)
    body = supervisor.get("/access-log", customer_id=world.customer.pk).json()
    assert [(i["kind"], i["agent_id"], i["via"]) for i in body["items"]] == [
        ("customer_page", world.agent.pk, "web")
    ]
    assert body["next"] is None
    assert body["items"][0]["kind"] == AccessKind.CUSTOMER_PAGE


def test_attachment_downloads_are_logged(world: World, rich: Rich) -> None:
    attachment = Attachment.objects.get(message__case=rich.case)
    response = world.client_for(world.supervisor).get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert _entries() == [("attachment", world.supervisor.pk, rich.customer.pk, "web")]
