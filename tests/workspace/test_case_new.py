"""/cases/new/: one form that starts a case for a customer picked or typed in, with its first
entry; and /cases/new/matches/, the customers matching what is typed, before anything is saved."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.models import Call, Case, DeliveryStatus, Direction, Message
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer, Identity
from tests.conftest import World
from tests.workspace.helpers import assert_login_required

CALL = {
    "name": "Lucia Gomez",
    "phone": "+34 699 12 34 56",
    "email": "",
    "handle": "",
    "organization": "",
    "first_entry": "inbound_call",
    "channel": "email",
    "subject": "",
    "text": "Puppy coughing badly tonight; advised to come in now.",
    "outcome": "reached",
    "duration_minutes": "6",
    "priority": "high",
    "team": "",
    "assign": "me",
}


def _post(world: World, **changes: Any) -> Any:
    """Ana posts the form, following the redirect to the case page."""
    data = {**CALL, "team": str(world.clinic.pk), **changes}
    return world.client_for(world.agent).post("/cases/new/", data, follow=True)


def test_the_form_is_there_for_an_agent_with_their_teams(world: World) -> None:
    response = world.client_for(world.agent).get("/cases/new/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="start-form"' in page and 'id="nav-new-case"' in page
    assert f'<option value="{world.clinic.pk}"' in page
    assert f'<option value="{world.dental.pk}"' not in page  # only teams they may file in
    assert 'value="inbound_call" id="start-inbound_call" checked' in page  # phone first


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    assert_login_required("/cases/new/")
    assert_login_required("/cases/new/", method="post")
    assert_login_required("/cases/new/matches/?phone=%2B34612345678")


def test_the_night_call_starts_a_case_for_a_new_customer(world: World) -> None:
    response = _post(world)
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert response.redirect_chain == [(f"/cases/{case.pk}/", 302)]
    assert (case.owner, case.team, case.priority, case.origin_channel) == (
        world.agent,
        world.clinic,
        "high",
        "phone",
    )
    assert case.customer.name == "Lucia Gomez"
    assert Identity.objects.get(customer=case.customer).value == "+34699123456"
    call = Call.objects.get(case=case)
    assert (call.direction, call.duration_seconds, call.phone) == (
        "inbound",
        360,
        "+34699123456",
    )
    page = response.content.decode()
    assert f"Case #{case.pk} opened for Lucia Gomez with the call logged." in page
    assert "Puppy coughing badly tonight" in page


def test_an_outbound_message_to_a_picked_customer_says_queued_not_sent(world: World) -> None:
    response = _post(
        world,
        customer=str(world.customer.pk),
        name="",
        phone="",
        first_entry="outbound_message",
        text="Mila's lab results are all clear.",
    )
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert case.customer == world.customer
    message = Message.objects.get(case=case, direction=Direction.OUTBOUND)
    assert message.delivery_status == DeliveryStatus.QUEUED
    page = response.content.decode()
    assert "your message is queued to go out by email" in page
    assert "Sent" not in page.split('id="flash"')[1].split("</div>")[0]


def test_a_refusal_keeps_everything_typed(world: World) -> None:
    response = _post(world, first_entry="outbound_message", text="Hello Lucia, about Mila")
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is no way to write to" in page  # phone only: nothing can carry a message
    assert 'value="Lucia Gomez"' in page and "Hello Lucia, about Mila" in page
    assert 'value="outbound_message" id="start-outbound_message" checked' in page
    assert not Customer.objects.filter(name="Lucia Gomez").exists()
    assert Case.objects.count() == 1


def test_neither_a_customer_nor_a_name_is_refused(world: World) -> None:
    response = _post(world, name="  ")
    assert response.status_code == 400
    assert "type the new customer&#x27;s name" in response.content.decode()
    assert Case.objects.count() == 1


def test_an_existing_customers_number_typed_again_is_refused_naming_her(world: World) -> None:
    response = _post(world, name="M Lopez", phone="612 345 678 ", customer="")
    # The default region is the US here, so the Spanish number needs its country code.
    assert response.status_code == 400
    response = _post(world, name="M Lopez", phone="+34 612-345-678")
    assert response.status_code == 400
    page = response.content.decode()
    assert f"+34612345678 is Maria Lopez&#x27;s (customer #{world.customer.pk})" in page
    assert f'data-start-pick="{world.customer.pk}"' in page  # shown again, ready to pick
    assert Customer.objects.count() == 1


def test_another_teams_agent_cannot_pick_the_clinics_customer(world: World) -> None:
    client = world.client_for(world.outsider)
    data = {**CALL, "customer": str(world.customer.pk), "team": str(world.dental.pk)}
    response = client.post("/cases/new/", data)
    assert response.status_code == 400
    assert f"There is no customer #{world.customer.pk}." in response.content.decode()
    assert Case.objects.count() == 1
    # Nor file into the clinic's team.
    response = client.post("/cases/new/", {**CALL, "team": str(world.clinic.pk)})
    assert response.status_code == 400
    # A link naming the customer opens an empty form, not hers.
    page = client.get(f"/cases/new/?customer={world.customer.pk}").content.decode()
    assert "Maria" not in page


def test_a_customer_nobody_serves_yet_can_be_picked_by_anyone(world: World) -> None:
    walk_in = create_customer(name="Walk In", by=None, identities=[("phone", "+34 600 000 001")])
    client = world.client_for(world.outsider)
    page = client.get("/cases/new/matches/", {"phone": "+34600000001"}).content.decode()
    assert f'data-start-pick="{walk_in.pk}"' in page
    data = {**CALL, "customer": str(walk_in.pk), "name": "", "team": str(world.dental.pk)}
    response = client.post("/cases/new/", data)
    assert response.status_code == 302
    assert Case.objects.get(customer=walk_in).team == world.dental


def test_a_supervisor_starts_a_case_routed_by_the_desk(world: World) -> None:
    client = world.client_for(world.supervisor)
    data = {**CALL, "team": str(world.clinic.pk), "assign": "route"}
    data.update(first_entry="inbound_message", channel="chat", text="My dog ate chocolate")
    response = client.post("/cases/new/", data)
    assert response.status_code == 302
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert case.owner in (world.agent, world.colleague) and case.status == "new"
    assert case.origin_channel == "chat"


def test_matches_find_a_number_typed_any_way(world: World) -> None:
    client = world.client_for(world.agent)
    page = client.get("/cases/new/matches/", {"phone": "+34 612-345-678"}).content.decode()
    assert "Maria Lopez" in page and "phone +34612345678" in page
    assert f'data-start-pick="{world.customer.pk}"' in page
    page = client.get("/cases/new/matches/", {"email": "MARIA.lopez@example.com"}).content.decode()
    assert "Maria Lopez" in page
    page = client.get("/cases/new/matches/", {"name": "maria lopez"}).content.decode()
    assert "the same name" in page
    assert client.get("/cases/new/matches/", {"phone": "+34 6"}).content.decode().strip() == ""
    # Without its country code, a number is read in the country of Ana's site (Spain) too.
    page = client.get("/cases/new/matches/", {"phone": "612 345 678"}).content.decode()
    assert "Maria Lopez" in page


def test_matches_never_name_another_teams_customer(world: World) -> None:
    client = world.client_for(world.outsider)
    page = client.get("/cases/new/matches/", {"phone": "+34612345678", "name": "Maria Lopez"})
    text = page.content.decode()
    assert "Maria" not in text
    assert "+34612345678 belongs to a customer you do not serve" in text


def test_matches_read_a_fixed_number_of_queries(world: World) -> None:
    client = world.client_for(world.supervisor)
    query = {"name": "Maria Lopez", "phone": "+34612345678", "email": "m1@example.com"}
    client.get("/cases/new/matches/", query)  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get("/cases/new/matches/", query)
    for i in range(6):
        create_customer(
            name="Maria Lopez", by=world.agent, identities=[("email", f"m{i}@example.com")]
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/cases/new/matches/", query)
    assert response.content.decode().count('class="start-match"') == 5
    assert len(many) == len(one)
