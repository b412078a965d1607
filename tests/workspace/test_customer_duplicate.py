"""A likely duplicate from the contact page: shown on the case and customer pages, merged in one
click or dismissed; unverified identities verified by an agent who serves the customer."""

from __future__ import annotations

from django.test import Client

from rapport.care.models import Promise
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer, CustomerEvent, Identity
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def contact_form(**typed: str) -> Promise:
    response = Client().post(
        "/contact/", {"name": "Maria L.", "about": "Please call about Mila", **typed}
    )
    assert response.status_code == 200
    return Promise.objects.select_related("customer", "case").latest("pk")


def test_the_case_page_flags_the_likely_duplicate_and_merges_it_in_one_click(
    world: World,
) -> None:
    promise = contact_form(phone="+34 699 111 222", email="maria.lopez@example.com")
    flagged = promise.customer
    client = world.client_for(world.colleague)  # Maria's own vet got the call-back
    page = client.get(f"/cases/{promise.case_id}/").content.decode()
    assert 'id="likely-duplicate"' in page
    assert f'data-likely-duplicate-of="{world.customer.pk}"' in page
    assert "The contact page gave maria.lopez@example.com" in page
    assert "Merge into Maria Lopez" in page
    assert page.count("unverified</span>") == 2

    response = client.post(
        f"/customers/{flagged.pk}/merge/", {"target": world.customer.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/customers/{world.customer.pk}/"
    assert Customer.objects.get(pk=flagged.pk).merged_into_id == world.customer.pk
    # Every typed identity is kept once; what Maria had verified stays verified.
    held = {(i.value, i.is_verified) for i in world.customer.identities.all()}
    assert held == {
        ("+34612345678", True),
        ("maria.lopez@example.com", True),
        ("+34699111222", False),
    }
    assert promise.case.__class__.objects.get(pk=promise.case_id).customer_id == world.customer.pk


def test_not_the_same_person_dismisses_the_flag(world: World) -> None:
    flagged = contact_form(phone="+34 612 345 678").customer
    client = world.client_for(world.colleague)
    response = client.post(f"/customers/{flagged.pk}/not-a-duplicate/", follow=True)
    assert "is kept as a customer of their own" in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.likely_duplicate_of_id is None and flagged.merged_into_id is None
    assert CustomerEvent.objects.filter(customer=flagged, kind="duplicate_dismissed").exists()
    again = client.post(f"/customers/{flagged.pk}/not-a-duplicate/", follow=True)
    assert "is not flagged as a likely duplicate" in again.content.decode()


def test_a_customer_the_viewer_does_not_serve_is_never_named(world: World) -> None:
    theirs = create_customer(
        name="Dental patient", by=world.outsider, owner=world.outsider, identities=[]
    )
    Identity.objects.create(customer=theirs, kind="phone", value="+34633000999")
    flagged = contact_form(phone="+34 633 000 999").customer
    assert flagged.likely_duplicate_of_id == theirs.pk
    flagged.owner = world.agent
    flagged.save(update_fields=["owner"])
    page = world.client_for(world.agent).get(f"/customers/{flagged.pk}/").content.decode()
    assert 'id="likely-duplicate"' in page and "Dental patient" not in page
    assert "a customer you do not serve" in page


def test_an_agent_verifies_an_identity_they_checked(world: World) -> None:
    flagged = contact_form(phone="+34 699 111 222").customer
    world.client_for(world.colleague).post(f"/customers/{flagged.pk}/not-a-duplicate/", follow=True)
    number = flagged.identities.get()
    url = f"/customers/{flagged.pk}/identities/{number.pk}/verify/"
    response = world.client_for(world.colleague).post(url, follow=True)
    assert "+34699111222 is verified" in response.content.decode()
    number.refresh_from_db()
    assert number.is_verified and number.verification == "agent"
    event = CustomerEvent.objects.get(customer=flagged, kind="identity_verified")
    assert event.actor_id == world.colleague.pk


def test_verifying_an_address_another_customer_has_verified_is_refused(world: World) -> None:
    flagged = contact_form(phone="+34 612 345 678").customer
    number = flagged.identities.get()
    url = f"/customers/{flagged.pk}/identities/{number.pk}/verify/"
    response = world.client_for(world.colleague).post(url, follow=True)
    assert "already verified for another customer" in response.content.decode()
    number.refresh_from_db()
    assert not number.is_verified


def test_wrong_person_is_refused(world: World) -> None:
    flagged = contact_form(phone="+34 612 345 678").customer
    number = flagged.identities.get()
    outsider = world.client_for(world.outsider)
    verify = f"/customers/{flagged.pk}/identities/{number.pk}/verify/"
    dismiss = f"/customers/{flagged.pk}/not-a-duplicate/"
    assert outsider.post(verify).status_code == 404
    assert outsider.post(dismiss).status_code == 404
    assert_login_required(verify, method="post")
    assert_login_required(dismiss, method="post")
    flagged.refresh_from_db()
    assert flagged.likely_duplicate_of_id == world.customer.pk
