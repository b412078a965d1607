from __future__ import annotations

from rapport.people.actions.notes import add_rapport_note
from rapport.people.models import CustomerEvent, RapportNote
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_note_is_deleted_and_audited(world: World) -> None:
    note = add_rapport_note(customer=world.customer, text="Old phone", by=world.agent)
    response = world.client_for(world.agent).post(
        f"/customers/{world.customer.pk}/notes/{note.pk}/delete/", follow=True
    )
    assert "Note deleted." in response.content.decode()
    assert not RapportNote.objects.exists()
    assert CustomerEvent.objects.filter(kind="note_deleted", actor=world.agent).exists()


def test_wrong_person_is_refused(world: World) -> None:
    note = add_rapport_note(customer=world.customer, text="Travels a lot", by=world.agent)
    url = f"/customers/{world.customer.pk}/notes/{note.pk}/delete/"
    assert world.client_for(world.outsider).post(url).status_code == 404
    assert_login_required(url, method="post")
    assert world.client_for(world.agent).get(url).status_code == 405
    assert RapportNote.objects.filter(pk=note.pk).exists()
