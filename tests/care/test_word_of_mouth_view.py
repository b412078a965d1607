"""Recording "who referred you?" and "did you recommend us?" from the customer's panel."""

from __future__ import annotations

from rapport.care.models import WordOfMouth
from rapport.people.actions.customers import create_customer
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_referred_by_a_name_and_recommended_a_customer(world: World) -> None:
    client = world.client_for(world.agent)
    url = f"/care/customers/{world.customer.pk}/word-of-mouth/"
    client.post(url, {"direction": "referred_by", "other_name": "Lucia at the dog park"})
    friend = create_customer(name="Pablo Ruiz", by=world.agent, owner=world.agent)
    client.post(url, {"direction": "recommended", "other_customer": friend.pk})
    rows = list(WordOfMouth.objects.order_by("pk"))
    assert (rows[0].referrer_text, rows[0].referred_id) == (
        "Lucia at the dog park",
        world.customer.pk,
    )
    assert (rows[1].referrer_id, rows[1].referred_id) == (world.customer.pk, friend.pk)
    page = client.get(f"/care/customers/{world.customer.pk}/").content.decode()
    assert "Lucia at the dog park recommended us to Maria Lopez" in page
    assert "Maria Lopez recommended us to Pablo Ruiz" in page


def test_an_empty_side_is_refused(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/care/customers/{world.customer.pk}/word-of-mouth/",
        {"direction": "referred_by"},
        follow=True,
    )
    assert "Say who recommended us." in response.content.decode()
    assert not WordOfMouth.objects.exists()


def test_wrong_person_is_refused(world: World) -> None:
    outsider = world.client_for(world.outsider)
    url = f"/care/customers/{world.customer.pk}/word-of-mouth/"
    assert outsider.post(url, {"direction": "referred_by", "other_name": "X"}).status_code == 404
    assert outsider.get(f"/care/customers/{world.customer.pk}/").status_code == 404
    assert_login_required(f"/care/customers/{world.customer.pk}/")
