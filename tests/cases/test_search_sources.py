"""Search finds call notes, organisations, phone numbers typed any way, social handles and
customers by any identity: cases (inbox, API) and customers (customer list, API) alike."""

from __future__ import annotations

import pytest

from rapport.cases.access import cases_for_agent, customers_for_agent
from rapport.cases.actions.messages import log_call
from rapport.cases.models import Case
from rapport.cases.search import parse_query, search_cases, search_customers
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer
from rapport.routing.actions.opening import open_case
from tests.conftest import World


def found(world: World, query: str) -> set[int]:
    return set(search_cases(cases_for_agent(world.supervisor), query).values_list("pk", flat=True))


def customers_found(world: World, query: str) -> set[int]:
    customers = search_customers(customers_for_agent(world.supervisor), query)
    return set(customers.values_list("pk", flat=True))


@pytest.fixture
def jo(world: World) -> tuple[Customer, Case]:
    """A Toronto customer of Northwind Labs, on X as @jo_quinn, who telephones."""
    jo = create_customer(
        name="Jo Quinn",
        by=world.agent,
        organization="Northwind Labs",
        identities=[
            ("phone", "+1 647 555 0142"),
            ("social", "x:@Jo_Quinn"),
            ("email", "jo.quinn@northwind.test"),
        ],
    )
    case = open_case(
        customer=jo, subject="Order 1182", channel="email", text="Where is my parcel?",
        by=world.agent, team=world.clinic,
    )  # fmt: skip
    return jo, case


def test_finds_call_notes(world: World) -> None:
    log_call(
        case=world.case, by=world.agent, direction="outbound", outcome="reached",
        notes="Owner says the antibiotics helped; appetite back.",
    )  # fmt: skip
    assert found(world, "antibiotics") == {world.case.pk}
    assert found(world, "appetite back") == {world.case.pk}
    assert found(world, "antibio") == {world.case.pk}  # the last word as a prefix


def test_finds_by_organisation(world: World, jo: tuple[Customer, Case]) -> None:
    customer, case = jo
    assert found(world, "northwind") == {case.pk}
    assert found(world, "Northwind Labs") == {case.pk}
    assert customers_found(world, "Northwind") == {customer.pk}
    assert customers_found(world, "wind lab") == {customer.pk}  # part of the name, as before


@pytest.mark.parametrize(
    "typed",
    [
        "612 345 678",  # a Spanish number typed as at home, on a desk whose default is US
        "612345678",
        "612-345-678",
        "+34 612 345 678",
        "0034 612 345 678",
        "(+34) 612.345.678",
        "345 678",  # the last digits
    ],
)
def test_finds_a_phone_typed_any_way(world: World, typed: str) -> None:
    assert found(world, typed) == {world.case.pk}
    assert customers_found(world, typed) == {world.customer.pk}


@pytest.mark.parametrize(
    "typed", ["+1 647 555 0142", "1 647 555 0142", "(647) 555-0142", "647.555.0142", "5550142"]
)
def test_finds_a_north_american_phone_typed_any_way(
    world: World, jo: tuple[Customer, Case], typed: str
) -> None:
    customer, case = jo
    assert found(world, typed) == {case.pk}
    assert customers_found(world, typed) == {customer.pk}


@pytest.mark.parametrize("typed", ["@jo_quinn", "jo_quinn", "x:@jo_quinn", "X:Jo_Quinn", "@JO_QU"])
def test_finds_a_social_handle(world: World, jo: tuple[Customer, Case], typed: str) -> None:
    customer, case = jo
    assert found(world, typed) == {case.pk}
    assert customers_found(world, typed) == {customer.pk}


@pytest.mark.parametrize("typed", ["jo.quinn@northwind.test", "quinn@northwind", "jo.quinn@"])
def test_finds_a_customer_by_any_part_of_an_address(
    world: World, jo: tuple[Customer, Case], typed: str
) -> None:
    customer, case = jo
    assert found(world, typed) == {case.pk}
    assert customers_found(world, typed) == {customer.pk}


def test_finds_an_external_id_whatever_its_case(world: World) -> None:
    kept = create_customer(name="Kim", by=world.agent, identities=[("external", "CRM-AB1234")])
    case = open_case(
        customer=kept, subject="Hello", channel="email", text="Hi", by=world.agent,
        team=world.clinic,
    )  # fmt: skip
    assert found(world, "crm-ab1234") == {case.pk}
    assert found(world, "AB1234") == {case.pk}
    assert customers_found(world, "ab123") == {kept.pk}


def test_short_or_plain_fragments_do_not_scan_every_identity() -> None:
    assert parse_query("345").fragments == []  # too few digits to mean one number
    assert parse_query("lopez").fragments == []  # a plain word: names and the text indexes
    assert parse_query("612 345 678").fragments == ["612345678"]
    assert parse_query("020 7946 0958").fragments == ["02079460958", "2079460958"]
    # A whole number with its country code, or a whole address: found by the normalised value.
    assert parse_query("+44 20 7946 0958").fragments == []
    assert "+442079460958" in parse_query("+44 20 7946 0958").prefixes
    assert parse_query("Maria.Lopez@Example.com").fragments == []
    assert parse_query("lopez@example").fragments == ["lopez@example"]
    assert parse_query("@Jo_Quinn").fragments == ["jo_quinn"]


def test_other_teams_customers_stay_hidden(world: World, jo: tuple[Customer, Case]) -> None:
    assert set(search_cases(cases_for_agent(world.outsider), "northwind")) == set()
    assert set(search_cases(cases_for_agent(world.outsider), "612 345 678")) == set()
    assert set(search_customers(customers_for_agent(world.outsider), "612 345 678")) == set()
