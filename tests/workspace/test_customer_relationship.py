from __future__ import annotations

from rapport.people.models import Customer
from tests.conftest import World, dental_case
from tests.workspace.helpers import assert_login_required


def test_relationship_is_changed(world: World) -> None:
    url = f"/customers/{world.customer.pk}/relationship/"
    response = world.client_for(world.agent).post(
        url, {"owner": world.agent.pk, "deputy": world.colleague.pk}, follow=True
    )
    assert "Relationship saved." in response.content.decode()
    customer = Customer.objects.get(pk=world.customer.pk)
    assert (customer.owner, customer.deputy) == (world.agent, world.colleague)


def test_same_owner_and_deputy_is_refused_with_the_reason(world: World) -> None:
    url = f"/customers/{world.customer.pk}/relationship/"
    response = world.client_for(world.agent).post(
        url, {"owner": world.agent.pk, "deputy": world.agent.pk}, follow=True
    )
    assert "The deputy must be someone other than the owner." in response.content.decode()
    assert Customer.objects.get(pk=world.customer.pk).owner == world.colleague


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/customers/{world.customer.pk}/relationship/"
    assert (
        world.client_for(world.outsider).post(url, {"owner": world.outsider.pk}).status_code == 404
    )
    assert_login_required(url, method="post")
    assert Customer.objects.get(pk=world.customer.pk).owner == world.colleague


def test_an_agent_of_another_team_cannot_make_herself_the_owner(world: World) -> None:
    # Olga (dental) has one case of Maria's; naming herself Maria's owner would open all of
    # Maria's clinic cases to her, so only Maria's own people or a supervisor may.
    dental_case(world)
    url = f"/customers/{world.customer.pk}/relationship/"
    response = world.client_for(world.outsider).post(url, {"owner": world.outsider.pk}, follow=True)
    assert "Only a supervisor or the customer&#x27;s owner or deputy" in response.content.decode()
    assert Customer.objects.get(pk=world.customer.pk).owner == world.colleague
    world.client_for(world.supervisor).post(url, {"owner": world.outsider.pk})
    assert Customer.objects.get(pk=world.customer.pk).owner == world.outsider
