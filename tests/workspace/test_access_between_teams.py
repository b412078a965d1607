"""Access follows the relationship: the owner and deputy of a customer open all of that
customer's cases, other teams see only their own, and a timeline links only what opens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.people.models import Agent
from tests.conftest import Tom, World, dental_case, toms_cases
from tests.workspace.helpers import grow_timeline

CASE_LINK = re.compile(r'href="/cases/(\d+)/"')


@pytest.fixture
def tom(world: World) -> Tom:
    return toms_cases(world)


def _links(html: str) -> set[int]:
    return {int(pk) for pk in CASE_LINK.findall(html)}


def test_the_customers_owner_opens_his_case_in_another_team(world: World, tom: Tom) -> None:
    response = world.client_for(world.outsider).get(f"/cases/{tom.clinic_case.pk}/")
    assert response.status_code == 200
    assert "Dog ate a crown" in response.content.decode()


def test_the_customers_deputy_opens_his_case_in_another_team(world: World, tom: Tom) -> None:
    # Maria's deputy is Ana (clinic); a case of Maria's filed with the dental team opens for her.
    dental = dental_case(world)
    assert world.client_for(world.agent).get(f"/cases/{dental.pk}/").status_code == 200
    assert world.client_for(world.colleague).get(f"/cases/{dental.pk}/").status_code == 200


def test_another_team_sees_only_its_own_cases_of_the_customer(world: World, tom: Tom) -> None:
    response = world.client_for(world.colleague).get(f"/customers/{tom.customer.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dog ate a crown" in html and "Clinic note: x-ray booked" in html
    assert "Crown came loose" not in html
    assert "Dental secret" not in html
    assert "the cases you may open, newest first" in html  # never "every case"
    assert world.client_for(world.colleague).get(f"/cases/{tom.dental_case.pk}/").status_code == 404
    # The case page's timeline and side panel keep to the same cases.
    case_html = world.client_for(world.colleague).get(f"/cases/{tom.clinic_case.pk}/")
    assert "Dental secret" not in case_html.content.decode()
    assert "Crown came loose" not in case_html.content.decode()


@pytest.mark.parametrize("persona", ["agent", "colleague", "outsider", "supervisor"])
def test_a_timeline_links_only_cases_the_viewer_opens(world: World, tom: Tom, persona: str) -> None:
    viewer: Agent = getattr(world, persona)
    client = world.client_for(viewer)
    pages = [f"/customers/{tom.customer.pk}/", f"/cases/{tom.clinic_case.pk}/"]
    if persona in ("outsider", "supervisor"):
        pages.append(f"/cases/{tom.dental_case.pk}/")
    linked: set[int] = set()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        linked |= _links(response.content.decode())
    assert linked, "the timeline links the other cases"
    for pk in linked:
        assert client.get(f"/cases/{pk}/").status_code == 200, (persona, pk)
    expected = {tom.clinic_case.pk}
    if persona in ("outsider", "supervisor"):
        expected.add(tom.dental_case.pk)
    assert linked == expected


def test_the_owners_customer_page_holds_every_case(world: World, tom: Tom) -> None:
    html = world.client_for(world.outsider).get(f"/customers/{tom.customer.pk}/").content.decode()
    assert "Dental secret" in html and "Clinic note: x-ray booked" in html


def test_query_count_stays_flat_for_an_agent_of_another_team(
    world: World, tom: Tom, django_assert_max_num_queries: Any
) -> None:
    client = world.client_for(world.outsider)  # dental: Maria's clinic cases are not hers
    dental = dental_case(world)
    # The customer page: one more for the access log's row of this read; both pages one more
    # for the inbound mails' sender authentication verdicts (one read), and three for the
    # surveys card (its list, its figures, the recommendations).
    pages = {f"/customers/{world.customer.pk}/": 24, f"/cases/{dental.pk}/": 22}
    few = {}
    for url in pages:
        with CaptureQueriesContext(connection) as before:
            assert client.get(url).status_code == 200
        few[url] = len(before.captured_queries)
    grow_timeline(world, 12)
    for url, most in pages.items():
        # The customer page reads once more than the owner's: whether she serves the customer.
        with django_assert_max_num_queries(most), CaptureQueriesContext(connection) as many:
            html = client.get(url).content.decode()
        assert len(many.captured_queries) == few[url], url
        assert "Note 1" not in html and "Reply 1" not in html
