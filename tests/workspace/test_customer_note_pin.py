from __future__ import annotations

from rapport.people.actions.customers import create_customer
from rapport.people.actions.notes import add_rapport_note
from rapport.people.models import RapportNote
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_unpin_and_pin_again(world: World) -> None:
    note = add_rapport_note(customer=world.customer, text="Travels a lot", by=world.agent)
    client = world.client_for(world.agent)
    url = f"/customers/{world.customer.pk}/notes/{note.pk}/pin/"
    response = client.post(url, {"pinned": "0"}, follow=True)
    assert "Note unpinned." in response.content.decode()
    assert RapportNote.objects.get(pk=note.pk).pinned is False
    client.post(url, {"pinned": "1"})
    assert RapportNote.objects.get(pk=note.pk).pinned is True


def test_a_note_of_another_customer_is_not_found(world: World) -> None:
    stranger = create_customer(name="Stranger", by=None)
    note = add_rapport_note(customer=stranger, text="Secret", by=None)
    url = f"/customers/{world.customer.pk}/notes/{note.pk}/pin/"
    assert world.client_for(world.agent).post(url, {"pinned": "0"}).status_code == 404


def test_wrong_person_is_refused(world: World) -> None:
    note = add_rapport_note(customer=world.customer, text="Travels a lot", by=world.agent)
    url = f"/customers/{world.customer.pk}/notes/{note.pk}/pin/"
    assert world.client_for(world.outsider).post(url, {"pinned": "0"}).status_code == 404
    assert_login_required(url, method="post")
    assert RapportNote.objects.get(pk=note.pk).pinned is True
