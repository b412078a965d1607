from __future__ import annotations

from unittest import mock

import pytest

from rapport.cases.actions import customers as case_customers
from rapport.cases.actions.customers import merge_customers
from rapport.cases.actions.messages import log_call
from rapport.cases.models import Call, Case, Message
from rapport.lib.errors import ActionError
from rapport.people.actions.customers import create_customer, find_or_create_customer
from rapport.people.actions.events import record_customer_event
from rapport.people.actions.identities import add_identity
from rapport.people.actions.notes import add_rapport_note
from rapport.people.models import Customer, CustomerEvent, Identity
from rapport.routing.actions.opening import open_case
from tests.conftest import World


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("email", "Mar Lopez <Mar.Lopez@EXAMPLE.com>", "mar.lopez@example.com"),
        ("email", "jürgen@bücher.de", "jürgen@xn--bcher-kva.de"),
        ("phone", "+44 20 7946 0958", "+442079460958"),
        ("phone", "(415) 555-2671", "+14155552671"),  # default region US
        ("social", "X:@Anna_B", "x:anna_b"),
        ("external", " crm:12345 ", "crm:12345"),
    ],
)
def test_identities_are_normalised(world: World, kind: str, raw: str, stored: str) -> None:
    customer = create_customer(name="Someone", by=None, identities=[(kind, raw)])
    assert customer.identities.get().value == stored


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        ("email", "maria.example.com", "not an email address"),
        ("email", "maria@localhost", "not an email address"),
        ("phone", "12", "not a valid phone number"),
        ("phone", "call me maybe", "not a phone number"),
        ("social", "@@@", "not a social handle"),
        ("fax", "123", "not a kind of identity"),
    ],
)
def test_malformed_identities_are_refused_clearly(
    world: World, kind: str, raw: str, message: str
) -> None:
    with pytest.raises(ActionError, match=message):
        add_identity(customer=world.customer, kind=kind, value=raw, by=world.agent)
    assert world.customer.identities.count() == 2  # nothing half-added


def test_one_person_on_three_channels_is_one_customer(world: World) -> None:
    found, created = find_or_create_customer(
        kind="email", value='"M. Lopez (work)" <MARIA.LOPEZ@example.com>', name="M. Lopez"
    )
    assert not created and found.pk == world.customer.pk
    by_phone, created = find_or_create_customer(
        kind="phone", value="+34 612 34 56 78", name="Unknown caller"
    )
    assert not created and by_phone.pk == world.customer.pk


def test_an_address_of_another_customer_points_to_a_merge(world: World) -> None:
    other = create_customer(name="Mar Lopez", by=None)
    with pytest.raises(ActionError, match="merge the two customers"):
        add_identity(customer=other, kind="email", value="maria.lopez@example.com", by=world.agent)


def test_merge_moves_all_history_and_keeps_the_audit(world: World) -> None:
    twin = create_customer(name="Maria L.", by=None, identities=[("email", "maria@work.example")])
    twin_case = open_case(customer=twin, subject="", channel="email", text="Hi", by=world.agent)
    log_call(case=twin_case, by=world.agent, direction="inbound", outcome="reached")
    add_rapport_note(customer=twin, text="Travels a lot", by=world.agent)
    survivor = merge_customers(source=twin, target=world.customer, by=world.supervisor)
    assert Case.objects.filter(customer=survivor).count() == 2
    assert Message.objects.filter(customer=twin).count() == 0
    assert Call.objects.filter(customer=survivor).count() == 1
    assert survivor.identities.filter(value="maria@work.example").exists()
    assert survivor.rapport_notes.filter(text="Travels a lot").exists()
    twin.refresh_from_db()
    assert twin.merged_into_id == survivor.pk
    merged = CustomerEvent.objects.get(customer=survivor, kind="merged")
    assert merged.actor_id == world.supervisor.pk and merged.data["moved"]["cases"] == 1
    found, _ = find_or_create_customer(kind="email", value="maria@work.example", name="")
    assert found.pk == survivor.pk


def test_merge_is_atomic(world: World) -> None:
    twin = create_customer(name="Maria L.", by=None, identities=[("email", "m@work.example")])
    open_case(customer=twin, subject="", channel="email", text="Hi", by=world.agent)
    real_event = record_customer_event
    calls = 0

    def fail_on_the_second_audit_row(*args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the database went away")
        real_event(*args, **kwargs)  # type: ignore[arg-type]

    with (
        mock.patch.object(case_customers, "record_customer_event", fail_on_the_second_audit_row),
        pytest.raises(RuntimeError),
    ):
        merge_customers(source=twin, target=world.customer, by=world.supervisor)
    assert Case.objects.filter(customer=twin).count() == 1
    assert Identity.objects.get(value="m@work.example").customer_id == twin.pk
    assert Customer.objects.get(pk=twin.pk).merged_into_id is None


def test_merge_refuses_itself_and_twice(world: World) -> None:
    with pytest.raises(ActionError, match="themselves"):
        merge_customers(source=world.customer, target=world.customer, by=None)
    twin = create_customer(name="Twin", by=None)
    merge_customers(source=twin, target=world.customer, by=None)
    with pytest.raises(ActionError, match="already merged"):
        merge_customers(source=twin, target=world.customer, by=None)
