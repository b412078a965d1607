"""How long a business's chat may wait for a person (`Brand.chat_answer_minutes`): set on the
supervisor's business page and through `/api/v1/desk/brands`, the same action; nonsense is
refused with the reason and changes nothing."""

from __future__ import annotations

from rapport.people.actions.agents import create_brand
from tests.conftest import World

TYPED = {"name": "Sonrisa", "slug": "sonrisa", "phone": "", "addresses": "", "colour": ""}


def test_a_supervisor_sets_the_chats_answer_minutes_on_the_business_page(world: World) -> None:
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=None)
    client = world.client_for(world.supervisor)
    edit = client.get(f"/supervisor/desk/brands/{brand.pk}/").content.decode()
    assert 'name="chat_answer_minutes"' in edit and 'value="5"' in edit
    saved = client.post(
        f"/supervisor/desk/brands/{brand.pk}/", TYPED | {"chat_answer_minutes": "12"}, follow=True
    )
    assert "Sonrisa saved." in saved.content.decode()
    brand.refresh_from_db()
    assert brand.chat_answer_minutes == 12
    for nonsense in ("0", "-3", "100000"):
        refused = client.post(
            f"/supervisor/desk/brands/{brand.pk}/", TYPED | {"chat_answer_minutes": nonsense}
        )
        assert refused.status_code == 400, nonsense
        assert "from 1 to 240" in refused.content.decode()
    words = client.post(
        f"/supervisor/desk/brands/{brand.pk}/", TYPED | {"chat_answer_minutes": "soon"}
    )
    assert words.status_code == 400 and "Enter a whole number." in words.content.decode()
    # Left empty, it stays as it is.
    client.post(f"/supervisor/desk/brands/{brand.pk}/", TYPED | {"chat_answer_minutes": ""})
    brand.refresh_from_db()
    assert brand.chat_answer_minutes == 12
