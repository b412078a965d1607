"""Booking a callback from the case page; upset or urgent customers are offered one."""

from __future__ import annotations

from rapport.care.models import Promise, PromiseKind
from rapport.routing.actions.opening import open_case
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_upset_customer_is_offered_a_callback_and_it_is_booked(world: World) -> None:
    case = open_case(
        customer=world.customer,
        subject="",
        channel="chat",
        text="Third time I write!!! Nobody answers. I want to speak to a real person.",
        by=None,
    )
    client = world.client_for(world.agent)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="care-offer-callback"' in page
    response = client.post(f"/care/cases/{case.pk}/callback/", follow=True)
    promise = Promise.objects.get(kind=PromiseKind.CALLBACK)
    assert promise.owner_id == world.colleague.pk  # the customer's own vet
    assert "Callback booked: Dr. Ben Hale will call" in response.content.decode()


def test_calm_case_has_no_offer(world: World) -> None:
    page = world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode()
    assert 'id="care-offer-callback"' not in page


def test_refusal_is_shown(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/care/cases/{world.case.pk}/callback/", {"window_start": "2001-01-01T10:00"}, follow=True
    )
    assert "Choose a time that has not passed." in response.content.decode()
    assert not Promise.objects.exists()


def test_wrong_person_is_refused(world: World) -> None:
    response = world.client_for(world.outsider).post(f"/care/cases/{world.case.pk}/callback/")
    assert response.status_code == 404 and not Promise.objects.exists()
    assert_login_required(f"/care/cases/{world.case.pk}/callback/", method="post")
