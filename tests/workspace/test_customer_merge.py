from __future__ import annotations

from rapport.cases.models import Case
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer
from tests.conftest import World, dental_case
from tests.workspace.helpers import assert_login_required


def test_merge_into_another_customer(world: World) -> None:
    duplicate = create_customer(
        name="M. Lopez", by=None, owner=world.agent, identities=[("phone", "+34 699 000 111")]
    )
    response = world.client_for(world.agent).post(
        f"/customers/{duplicate.pk}/merge/", {"target": world.customer.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/customers/{world.customer.pk}/"
    assert "M. Lopez was merged into Maria Lopez." in response.content.decode()
    assert Customer.objects.get(pk=duplicate.pk).merged_into_id == world.customer.pk
    assert world.customer.identities.count() == 3


def test_merge_into_itself_or_a_stranger_is_refused(world: World) -> None:
    client = world.client_for(world.agent)
    url = f"/customers/{world.customer.pk}/merge/"
    itself = client.post(url, {"target": world.customer.pk}, follow=True).content.decode()
    assert "cannot be merged into themselves" in itself
    stranger = create_customer(name="Stranger", by=None)
    refused = client.post(url, {"target": stranger.pk}, follow=True).content.decode()
    assert f"There is no customer #{stranger.pk} you serve." in refused
    assert Customer.objects.get(pk=world.customer.pk).merged_into_id is None


def test_wrong_person_is_refused(world: World) -> None:
    theirs = create_customer(name="Dental patient", by=None, owner=world.outsider)
    url = f"/customers/{world.customer.pk}/merge/"
    assert world.client_for(world.outsider).post(url, {"target": theirs.pk}).status_code == 404
    assert_login_required(url, method="post")
    assert Case.objects.get(pk=world.case.pk).customer_id == world.customer.pk


def test_another_team_cannot_pull_a_customer_into_its_own(world: World) -> None:
    # Olga serves Maria through one dental case; merging Maria into a customer Olga owns would
    # move every clinic case of Maria's into Olga's sight.
    dental_case(world)
    olgas = create_customer(name="M. Lopez", by=world.outsider, owner=world.outsider)
    response = world.client_for(world.outsider).post(
        f"/customers/{world.customer.pk}/merge/", {"target": olgas.pk}, follow=True
    )
    assert "Only a supervisor or the customer&#x27;s owner or deputy" in response.content.decode()
    assert Customer.objects.get(pk=world.customer.pk).merged_into_id is None
    assert Case.objects.filter(customer=world.customer).count() == 2
