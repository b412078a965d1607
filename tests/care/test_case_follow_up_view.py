"""The case page's care panel: open promises and the one-click "follow up tomorrow"."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from rapport.care.models import Promise
from tests.conftest import World
from tests.workspace.helpers import assert_login_required

NIGHT = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)


def test_one_click_follow_up_from_the_case_page(world: World) -> None:
    client = world.client_for(world.agent)
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert 'id="care-follow-up-tomorrow"' in page and "No open promises." in page
    with time_machine.travel(NIGHT, tick=False):
        response = client.post(
            f"/care/cases/{world.case.pk}/follow-up/", {"next": f"/cases/{world.case.pk}/"}
        )
    assert response.status_code == 302 and response["Location"] == f"/cases/{world.case.pk}/"
    promise = Promise.objects.get()
    assert promise.owner_id == world.agent.pk
    assert promise.due_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    page = client.get(f"/cases/{world.case.pk}/", follow=True).content.decode()
    assert f'data-promise-id="{promise.pk}"' in page and "Tue 24 Nov 10:00" in page
    # The customer page shows it too.
    customer_page = client.get(f"/customers/{world.customer.pk}/").content.decode()
    assert f'data-promise-id="{promise.pk}"' in customer_page


def test_a_chosen_time_is_read_in_the_customers_zone(world: World) -> None:
    client = world.client_for(world.agent)
    with time_machine.travel(NIGHT, tick=False):
        client.post(
            f"/care/cases/{world.case.pk}/follow-up/",
            {"due_at": "2026-11-25T16:30", "purpose": "Stitches out?"},
        )
    promise = Promise.objects.get()
    assert promise.due_at == datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    assert promise.purpose == "Stitches out?"


def test_wrong_person_is_refused(world: World) -> None:
    response = world.client_for(world.outsider).post(f"/care/cases/{world.case.pk}/follow-up/")
    assert response.status_code == 404 and not Promise.objects.exists()
    assert_login_required(f"/care/cases/{world.case.pk}/follow-up/", method="post")


def test_an_offsite_next_is_ignored(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/care/cases/{world.case.pk}/follow-up/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/cases/{world.case.pk}/"
