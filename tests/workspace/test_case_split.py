from __future__ import annotations

from rapport.cases.models import Case, Message
from rapport.routing.actions.opening import open_case, receive_message
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required


def test_split_message_into_a_new_case(world: World) -> None:
    second = receive_message(case=world.case, channel="email", text="Also: my invoice is wrong")
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/split/", {"message": second.pk, "subject": "Invoice"}
    )
    new_case = Case.objects.get(subject="Invoice")
    assert response.status_code == 302 and response["Location"] == f"/cases/{new_case.pk}/"
    assert Message.objects.get(pk=second.pk).case_id == new_case.pk


def test_htmx_split_redirects_the_browser(world: World) -> None:
    second = receive_message(case=world.case, channel="email", text="Another thing")
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/split/", {"message": second.pk}, headers=HTMX
    )
    assert response.status_code == 200 and response["HX-Redirect"].startswith("/cases/")


def test_a_message_of_another_case_is_refused(world: World) -> None:
    other = open_case(
        customer=world.customer,
        subject="Other",
        channel="email",
        text="x",
        by=None,
        owner=world.agent,
    )
    message = other.messages.get()
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/split/", {"message": message.pk}, headers=HTMX
    )
    assert response.status_code == 400 and "another case" in response.content.decode()


def test_wrong_person_is_refused(world: World) -> None:
    message = world.case.messages.get()
    url = f"/cases/{world.case.pk}/split/"
    assert world.client_for(world.outsider).post(url, {"message": message.pk}).status_code == 404
    assert_login_required(url, method="post")
    assert Case.objects.count() == 1
