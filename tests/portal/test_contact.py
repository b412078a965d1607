"""The public contact page: no dead ends, a named person and an honest time."""

from __future__ import annotations

from django.test import Client

from rapport.care.models import Promise
from rapport.cases.models import Case
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer, Identity
from tests.conftest import World


def test_contact_page_shows_the_number_and_hours_without_signing_in(world: World) -> None:
    world.night_site.working_hours = {"mon": [["20:00", "08:00"]]}
    world.night_site.save(update_fields=["working_hours"])
    page = Client().get("/contact/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="support-phone"' in html and "+1 555 0100" in html
    assert "<b>Night clinic</b>" in html and "Mon 20:00 to 08:00" in html
    assert "(Europe/Madrid time: " in html
    assert "Nothing here is a robot." in html


def test_a_known_customer_asking_for_a_call_gets_their_own_person(world: World) -> None:
    response = Client().post(
        "/contact/",
        {
            "name": "Maria",
            "phone": "+34 612 345 678",
            "about": "Mila is coughing again",
            "timezone": "Europe/Madrid",
        },
    )
    assert response.status_code == 200
    promise = Promise.objects.get()
    # A typed number proves nothing: a new record, flagged as likely Maria for her people.
    flagged = promise.customer
    assert flagged.pk != world.customer.pk
    assert flagged.likely_duplicate_of_id == world.customer.pk
    assert promise.owner_id == world.colleague.pk  # her own vet judges it: continuity first
    html = response.content.decode()
    assert "Dr. Ben Hale will call you" in html
    assert "(Europe/Madrid)" in html and f"#{promise.case_id}" in html
    case = Case.objects.get(pk=promise.case_id)
    assert case.owner_id == world.colleague.pk and case.origin_channel == "web"


def test_a_phone_number_never_attaches_an_email_to_its_customer(world: World) -> None:
    """Issue 11 #1: the victim's phone and the attacker's email took over the victim's mail."""
    victim = create_customer(
        name="Tom Baker", by=world.agent, identities=[("phone", "+34 622 000 111")]
    )
    response = Client().post(
        "/contact/",
        {
            "name": "Tom",
            "phone": "+34 622 000 111",
            "email": "attacker@evil.example",
            "about": "Please call",
        },
    )
    assert response.status_code == 200
    assert list(victim.identities.values_list("value", flat=True)) == ["+34622000111"]
    claimed = Identity.objects.get(value="attacker@evil.example")
    assert claimed.customer_id != victim.pk and not claimed.is_verified
    assert Customer.objects.get(pk=claimed.customer_id).likely_duplicate_of_id == victim.pk


def test_an_existing_customer_with_a_new_phone_keeps_every_identity_typed(world: World) -> None:
    """Issue 12 #7: their email was silently dropped and nobody was told of a duplicate."""
    Client().post(
        "/contact/",
        {
            "name": "Maria Lopez",
            "phone": "+34 699 111 222",
            "email": "maria.lopez@example.com",
            "about": "New number, please call",
        },
    )
    promise = Promise.objects.get()
    typed = Identity.objects.filter(customer=promise.customer)
    assert {(i.value, i.is_verified) for i in typed} == {
        ("+34699111222", False),
        ("maria.lopez@example.com", False),
    }
    assert promise.customer.likely_duplicate_of_id == world.customer.pk
    assert "maria.lopez@example.com" in promise.customer.duplicate_reason
    # Maria's own record is untouched and still holds her verified addresses.
    assert {(i.value, i.is_verified) for i in world.customer.identities.all()} == {
        ("+34612345678", True),
        ("maria.lopez@example.com", True),
    }


def test_a_new_customer_is_created_with_both_addresses(world: World) -> None:
    Client().post(
        "/contact/",
        {
            "name": "Priya Nair",
            "phone": "+44 20 7946 0958",
            "email": "Priya@Example.org",
            "about": "My order arrived broken",
        },
    )
    promise = Promise.objects.get()
    typed = Identity.objects.filter(customer=promise.customer)
    assert {(i.value, i.is_verified) for i in typed} == {
        ("+442079460958", False),
        ("priya@example.org", False),
    }
    assert promise.customer.likely_duplicate_of is None


def test_bad_input_keeps_what_was_typed_and_says_why(world: World) -> None:
    response = Client().post("/contact/", {"name": "Maria", "phone": "12", "about": "Please call"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "not a valid phone number" in html
    assert 'value="Maria"' in html and "Please call" in html
    assert not Promise.objects.exists()


def test_csrf_is_enforced(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/contact/", {"name": "X", "phone": "+34612345678", "about": "y"})
    assert response.status_code == 403


def test_a_hostile_zone_is_read_as_no_zone_not_a_crash(
    world: World,
) -> None:
    # "America" is a directory of zones and "x" * 64 a name no zone has: both read as no zone.
    for zone in ("America", "Etc", "../../etc", "/etc/localtime", "zone.tab", "x" * 64):
        response = Client().post(
            "/contact/",
            {"name": "Maria", "phone": "+34 612 345 678", "about": "Call", "timezone": zone},
        )
        assert response.status_code == 200, zone


def test_a_call_asked_for_beyond_the_next_year_is_refused_not_crashed(world: World) -> None:
    # Working hours are known 400 days ahead; a later promise would not be honest.
    for when in ("2199-12-31T10:00", "2100-06-01T10:00"):
        response = Client().post(
            "/contact/",
            {
                "name": "Maria",
                "phone": "+34 612 345 678",
                "about": "Call",
                "when": when,
                "timezone": "Europe/Madrid",
            },
        )
        assert response.status_code == 400, when
        assert "within the next year" in response.content.decode()
    assert not Promise.objects.exists()
