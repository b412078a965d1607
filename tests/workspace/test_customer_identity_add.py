from __future__ import annotations

from rapport.people.actions.customers import create_customer
from rapport.people.models import Identity
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_identity_is_added_normalised(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/customers/{world.customer.pk}/identities/",
        {"kind": "email", "value": "Maria <M.Lopez@Work.example.org>"},
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/customers/{world.customer.pk}/"
    assert 'href="mailto:m.lopez@work.example.org"' in html
    assert Identity.objects.filter(customer=world.customer, value="m.lopez@work.example.org")


def test_invalid_email_and_phone_show_a_clear_error(world: World) -> None:
    client = world.client_for(world.agent)
    url = f"/customers/{world.customer.pk}/identities/"
    bad_email = client.post(url, {"kind": "email", "value": "maria at example"}, follow=True)
    assert "is not an email address" in bad_email.content.decode()
    bad_phone = client.post(url, {"kind": "phone", "value": "12"}, follow=True)
    assert 'class="alert error"' in bad_phone.content.decode()
    assert world.customer.identities.count() == 2


def test_someone_elses_address_points_to_a_merge(world: World) -> None:
    create_customer(name="Twin", by=None, identities=[("email", "twin@example.com")])
    response = world.client_for(world.agent).post(
        f"/customers/{world.customer.pk}/identities/",
        {"kind": "email", "value": "twin@example.com"},
        follow=True,
    )
    assert "merge the two customers instead" in response.content.decode()
    assert "Twin" not in response.content.decode()  # another customer is never named


def test_back_link_stays_on_this_site(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/customers/{world.customer.pk}/identities/",
        {"kind": "social", "value": "@mila_the_lab", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/customers/{world.customer.pk}/"


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/customers/{world.customer.pk}/identities/"
    data = {"kind": "email", "value": "olga@example.com"}
    assert world.client_for(world.outsider).post(url, data).status_code == 404
    assert_login_required(url, method="post")
    assert world.customer.identities.count() == 2
