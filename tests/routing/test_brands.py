"""A case never leaves its business: routing, callbacks and the contact page stay inside the
brand, even when nobody of the brand is on shift and someone of another business is."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from rapport.care.models import Promise
from rapport.cases.models import Case
from rapport.lib.errors import ActionError
from rapport.lib.hours import DAY_KEYS
from rapport.people.actions.agents import create_agent
from rapport.people.actions.customers import create_customer
from rapport.people.models import Agent, Brand, Customer, Team
from rapport.routing.actions.opening import open_case
from tests.api.conftest import ApiClient
from tests.conftest import PASSWORD, World
from tests.mail.intake_helpers import ingest, make_mail

SUNDAY_NOON = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
WEEKDAYS = {day: [["09:00", "17:00"]] for day in DAY_KEYS[:5]}
ALL_DAY = {day: [["00:00", "24:00"]] for day in DAY_KEYS}


@pytest.fixture
def brands(world: World) -> tuple[Brand, Brand]:
    """The clinic (Ana, Ben) and Ledgerly, a software business whose one agent works weekdays."""
    clinic = Brand.objects.create(
        name="Night Clinic", slug="night-clinic", email_addresses=["clinic@desk.example"]
    )
    software = Brand.objects.create(
        name="Ledgerly",
        slug="ledgerly",
        phone="+1 416 555 0100",
        email_addresses=["support@ledgerly.example"],
    )
    Team.objects.filter(pk=world.clinic.pk).update(brand=clinic)
    support = Team.objects.create(name="Ledgerly Support", slug="ledgerly", brand=software)
    priya = create_agent(username="priya", display_name="Priya Shah", password=PASSWORD)
    support.members.add(priya)
    Agent.objects.filter(pk=priya.pk).update(working_hours=WEEKDAYS)
    # The clinic is open around the clock: its vets are on shift when Ledgerly's is not.
    Agent.objects.filter(pk__in=[world.agent.pk, world.colleague.pk]).update(working_hours=ALL_DAY)
    return clinic, software


def _stranger(name: str, address: str) -> object:
    return create_customer(name=name, by=None, identities=[("email", address)])


def test_off_shift_the_case_waits_for_its_own_business_not_another(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    _, software = brands
    customer = _stranger("Jo Park", "jo@example.org")
    with time_machine.travel(SUNDAY_NOON, tick=False):
        case = open_case(
            customer=customer,  # type: ignore[arg-type]
            subject="",
            channel="chat",
            text="My invoices vanished after the update",
            by=None,
            brand=software,
        )
    assert case.brand_id == software.pk
    assert case.owner is not None and case.owner.display_name == "Priya Shah"
    assert case.team is not None and case.team.slug == "ledgerly"
    assert case.pickup_at == datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # Monday, honestly


def test_mail_to_a_brands_address_opens_a_case_in_that_brand(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    with time_machine.travel(SUNDAY_NOON, tick=False):
        result, _ = ingest(
            make_mail(
                sender="Jo Park <jo@example.org>",
                to="Ledgerly <support@ledgerly.example>",
                subject="Sync broken",
                body="Nothing syncs since this morning.",
            )
        )
    assert result.case_id is not None
    case = Case.objects.select_related("owner", "brand").get(pk=result.case_id)
    assert case.brand is not None and case.brand.slug == "ledgerly"
    assert case.owner is not None and case.owner.display_name == "Priya Shah"


def test_a_business_with_nobody_yet_leaves_the_case_unassigned_not_elsewhere(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    empty = Brand.objects.create(name="Chewbright", slug="chewbright")
    case = open_case(
        customer=world.customer, subject="", channel="email", text="Hi", by=None, brand=empty
    )
    assert case.owner_id is None and case.brand_id == empty.pk


def test_a_team_of_another_business_is_refused(world: World, brands: tuple[Brand, Brand]) -> None:
    _, software = brands
    with pytest.raises(ActionError, match="does not work for Ledgerly"):
        open_case(
            customer=world.customer,
            subject="",
            channel="email",
            text="Hi",
            by=None,
            team=world.clinic,
            brand=software,
        )


def test_the_contact_page_of_a_brand_keeps_the_callback_inside_it(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    chooser = Client().get("/contact/").content.decode()
    assert 'href="/contact/ledgerly/"' in chooser and 'href="/contact/night-clinic/"' in chooser
    assert Client().get("/contact/no-such-business/").status_code == 404
    with time_machine.travel(SUNDAY_NOON, tick=False):
        page = Client().get("/contact/ledgerly/").content.decode()
        assert "Talk to a person at Ledgerly" in page and "+1 416 555 0100" in page
        response = Client().post(
            "/contact/ledgerly/",
            {"name": "Jo Park", "phone": "+1 416 555 0199", "about": "Billing question"},
        )
    assert response.status_code == 200, response.content.decode()
    case = Case.objects.select_related("owner").get(subject="Call me back: Billing question")
    assert case.brand_id == brands[1].pk
    assert case.owner is not None and case.owner.display_name == "Priya Shah"
    assert "Priya Shah will call you" in response.content.decode()


def test_nobody_on_shift_the_customers_own_person_is_waited_for(world: World) -> None:
    """Ben knows Maria and starts at nine; Ana's shift starts earlier: Ben is waited for."""
    Customer.objects.filter(pk=world.customer.pk).update(deputy=None)
    world.customer.refresh_from_db()
    Agent.objects.filter(pk=world.colleague.pk).update(working_hours=WEEKDAYS)
    Agent.objects.filter(pk=world.agent.pk).update(
        working_hours={day: [["08:00", "16:00"]] for day in DAY_KEYS[:5]}
    )
    Agent.objects.filter(pk__in=[world.supervisor.pk, world.outsider.pk]).update(
        working_hours={"sat": [["09:00", "10:00"]]}
    )
    with time_machine.travel(SUNDAY_NOON, tick=False):
        case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    assert case.owner_id == world.colleague.pk
    assert "who knows this customer" in case.events.get(kind="opened").reason


def test_a_business_and_its_team_are_set_up_from_the_command_line(db: None) -> None:
    out = StringIO()
    call_command(
        "create_brand",
        "sonrisa",
        name="Sonrisa Dental",
        phone="+34 910 555 010",
        address=["Hola@Sonrisa.example"],
        stdout=out,
    )
    assert "/contact/sonrisa/" in out.getvalue()
    call_command("create_team", "dental", name="Dental", brand="sonrisa", stdout=out)
    brand = Brand.objects.get(slug="sonrisa")
    assert brand.email_addresses == ["hola@sonrisa.example"]
    assert Team.objects.get(slug="dental").brand == brand
    with pytest.raises(CommandError, match="already goes to Sonrisa Dental"):
        call_command("create_brand", "other", name="Other", address=["hola@sonrisa.example"])
    with pytest.raises(CommandError, match="No business 'nope'"):
        call_command("create_team", "x", name="X", brand="nope")


def test_a_case_an_agent_opens_through_the_api_is_in_their_teams_business(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    clinic, _ = brands
    api = ApiClient(world.token_for(world.agent))
    response = api.post(
        "/cases",
        {"customer_id": world.customer.pk, "channel": "phone", "text": "Mila is coughing"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["brand_id"] == clinic.pk


def test_a_supervisor_adds_a_business_on_the_desk_page_and_through_the_api(world: World) -> None:
    page = world.client_for(world.supervisor)
    response = page.post(
        "/supervisor/desk/brands/",
        {"name": "Sonrisa Dental", "slug": "sonrisa", "addresses": "Hola@Sonrisa.example"},
        follow=True,
    )
    assert "Sonrisa Dental added: its contact page is /contact/sonrisa/." in (
        response.content.decode()
    )
    assert Brand.objects.get(slug="sonrisa").email_addresses == ["hola@sonrisa.example"]
    refused = world.client_for(world.agent).post(
        "/supervisor/desk/brands/", {"name": "X", "slug": "x"}
    )
    assert refused.status_code == 404 and not Brand.objects.filter(slug="x").exists()
    api = ApiClient(world.token_for(world.supervisor))
    made = api.post("/desk/brands", {"name": "Ledgerly", "slug": "ledgerly"})
    assert made.status_code == 201 and made.json()["contact_page"] == "/contact/ledgerly/"
    listed = ApiClient(world.token_for(world.agent)).get("/desk/brands").json()
    assert [b["slug"] for b in listed["items"]] == ["ledgerly", "sonrisa"]
    forbidden = ApiClient(world.token_for(world.agent)).post(
        "/desk/brands", {"name": "Y", "slug": "y"}
    )
    assert forbidden.status_code == 403
    bad = api.post("/desk/brands", {"name": "Z", "slug": "Not A Slug"})
    assert bad.status_code == 400 and "not a slug" in bad.json()["error"]["message"]


def test_a_case_is_never_handed_to_a_person_of_another_business(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    clinic, _ = brands
    Case.objects.filter(pk=world.case.pk).update(brand=clinic)
    priya = Agent.objects.get(display_name="Priya Shah")
    owner_before = world.case.owner_id
    api = ApiClient(world.token_for(world.agent))
    response = api.post(f"/cases/{world.case.pk}/owner", {"owner_id": priya.pk})
    assert response.status_code == 400, response.content
    assert "does not work for Night Clinic" in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.owner_id == owner_before
    # Nor opened for them: a case logged for the clinic stays with the clinic's people.
    with pytest.raises(ActionError, match="does not work for Night Clinic"):
        open_case(
            customer=world.customer,
            subject="",
            channel="phone",
            text="Hi",
            by=world.agent,
            owner=priya,
            brand=clinic,
        )
    assert Case.objects.filter(owner=priya).count() == 0


def test_a_referral_or_appointment_never_goes_to_a_person_of_another_business(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    """Found walking the demo: Ledgerly's agent could refer a case to a vet of the clinic, who
    was notified, then could never acknowledge it (the case stays in its business), so the
    promise could only be missed; an appointment made the vet own a promise of a customer they
    cannot open. Refused at once, naming the field, and nothing is stored."""
    clinic, _ = brands
    Case.objects.filter(pk=world.case.pk).update(brand=clinic)
    priya = Agent.objects.get(display_name="Priya Shah")
    support = Team.objects.get(slug="ledgerly")
    api = ApiClient(world.token_for(world.agent))
    brief = {"situation": "Limping", "needs": "A check"}
    for payload, field in (
        ({**brief, "to_agent_id": priya.pk}, "to_agent"),
        ({**brief, "to_team_id": support.pk}, "to_team"),
    ):
        response = api.post(f"/care/cases/{world.case.pk}/referrals", payload)
        assert response.status_code == 400, response.content
        assert "does not work for Night Clinic" in response.content.decode()
        assert response.json()["error"]["field"] == field
    response = api.post(
        f"/care/cases/{world.case.pk}/appointments",
        {"starts_at": "2030-01-07T10:00:00+01:00", "location": "Room 2", "with_agent_id": priya.pk},
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "with_agent"
    assert not Promise.objects.filter(case=world.case).exists()
    assert not priya.notifications.exists()


def test_the_referral_and_appointment_forms_offer_only_the_cases_business(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    """What the action refuses is not offered: Ledgerly's people and team are not in the clinic
    case's referral and appointment forms."""
    clinic, _ = brands
    Case.objects.filter(pk=world.case.pk).update(brand=clinic)
    client = world.client_for(world.agent)
    for url in (f"/care/cases/{world.case.pk}/refer/", f"/care/cases/{world.case.pk}/appointment/"):
        page = client.get(url).content.decode()
        assert "Dr. Ben Hale" in page
        assert "Priya Shah" not in page and "Ledgerly Support" not in page
