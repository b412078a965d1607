from __future__ import annotations

from rapport.people.models import Asset
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_asset_with_attributes_is_added(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/customers/{world.customer.pk}/assets/",
        {
            "name": "Cello case",
            "kind": "order",
            "reference": "SO-1042",
            "attributes": "Inner length: 104 cm\nColour: black\n",
        },
        follow=True,
    )
    assert "<dt>Inner length</dt><dd>104 cm</dd>" in response.content.decode()
    asset = Asset.objects.get()
    assert asset.attributes == {"Inner length": "104 cm", "Colour": "black"}


def test_bad_attributes_and_missing_name_are_refused(world: World) -> None:
    client = world.client_for(world.agent)
    url = f"/customers/{world.customer.pk}/assets/"
    bad = client.post(url, {"name": "Case", "attributes": "just words"}, follow=True)
    assert "Write each attribute as" in bad.content.decode()
    nameless = client.post(url, {"name": ""}, follow=True)
    assert "An asset needs a name." in nameless.content.decode()
    assert not Asset.objects.exists()


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/customers/{world.customer.pk}/assets/"
    assert world.client_for(world.outsider).post(url, {"name": "x"}).status_code == 404
    assert_login_required(url, method="post")
    assert not Asset.objects.exists()
