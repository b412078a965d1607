"""The contact page's message form: a visitor's message opens a case through the one opening
path (triage, a named owner, deadlines), with an optional file within its limit; a refused
message keeps everything typed; the form is rate-limited and CSRF-checked; everything a
visitor types comes back escaped."""

from __future__ import annotations

import html as htmlmod

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rapport.cases.models import Attachment, Case
from rapport.people.models import Brand, Identity
from tests.browser.xss_corpus import payloads
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _message(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "form": "message",
        "message-name": "Priya Nair",
        "message-email": "priya@example.org",
        "message-text": "My order arrived broken. Can someone help?",
        "message-timezone": "Europe/London",
    }
    base.update({f"message-{k}": v for k, v in fields.items()})
    return base


def test_a_message_opens_a_routed_triaged_case_and_says_who_answers(world: World) -> None:
    photo = SimpleUploadedFile("broken.jpg", b"\xff\xd8\xff" + b"x" * 500, "image/jpeg")
    text = "Urgent: my dog cannot breathe properly since this morning, please help"
    response = Client().post("/contact/", _message(text=text, attachment=photo))
    assert response.status_code == 200
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert case.origin_channel == "web" and case.owner is not None
    assert case.triage and case.first_response_due_at is not None  # triage and deadlines ran
    message = case.messages.get()
    assert message.text == text and message.direction == "in"
    assert [a.filename for a in Attachment.objects.filter(message=message)] == ["broken.jpg"]
    page = response.content.decode()
    assert f"Your reference is <b>#{case.pk}</b>" in page
    assert f"{case.owner.display_name} has it" in page
    assert "broken.jpg" in page
    # The typed address is a claim: kept unverified, and the page says it is checked first.
    identity = Identity.objects.get(value="priya@example.org")
    assert not identity.is_verified and identity.customer_id == case.customer_id
    assert case.customer.timezone == "Europe/London"
    assert "once a person has confirmed that address is yours" in page


def test_a_known_customers_address_opens_a_flagged_record_for_their_people(world: World) -> None:
    Client().post("/contact/", _message(email="Maria.Lopez@example.com"))
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert case.customer_id != world.customer.pk
    assert case.customer.likely_duplicate_of_id == world.customer.pk
    assert case.owner_id == world.colleague.pk  # her own vet: continuity first


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"email": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"text": "x" * 10_001}, "at most 10000 characters"),
    ],
)
def test_a_refused_message_keeps_everything_typed_and_says_why(
    world: World, fields: dict[str, str], field_error: str
) -> None:
    posted = _message(**fields)
    response = Client().post("/contact/", posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert field_error in page
    for key in ("message-name", "message-email", "message-text"):
        typed = str(posted[key]).strip()
        if typed and len(typed) <= 10_000:
            assert htmlmod.escape(typed) in page, key
    assert not Case.objects.exclude(pk=world.case.pk).exists()


def test_a_file_past_the_limit_is_refused_with_the_message_kept(
    world: World, settings: pytest.FixtureRequest
) -> None:
    settings.RAPPORT_CONTACT_ATTACHMENT_MAX_BYTES = 2048  # type: ignore[attr-defined]
    big = SimpleUploadedFile("scan.pdf", b"%PDF" + b"0" * 4096, "application/pdf")
    response = Client().post("/contact/", _message(attachment=big))
    assert response.status_code == 400
    page = response.content.decode()
    assert "scan.pdf is 4.0\xa0KB; a file may be at most 2.0\xa0KB." in page
    assert "Your message is kept below" in page
    assert "My order arrived broken. Can someone help?" in page
    assert not Case.objects.exclude(pk=world.case.pk).exists()


def test_csrf_is_enforced_on_the_message_form(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/contact/", _message()).status_code == 403
    page = client.get("/contact/")
    token = page.cookies["csrftoken"].value
    sent = client.post("/contact/", {**_message(), "csrfmiddlewaretoken": token})
    assert sent.status_code == 200
    assert Case.objects.filter(origin_channel="web").count() == 1


def test_both_forms_share_one_rate_limit_and_the_refusal_still_gives_the_phone(
    world: World, settings: pytest.FixtureRequest
) -> None:
    settings.RAPPORT_RATE_CONTACT = "3/h"  # type: ignore[attr-defined]
    client = Client()
    for _ in range(2):
        assert client.post("/contact/", _message()).status_code == 200
    callback = {"name": "Tom", "phone": "+34 622 000 111", "about": "Call me"}
    assert client.post("/contact/", callback).status_code == 200
    refused = client.post("/contact/", _message())
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "+1 555 0100" in refused.content.decode()
    assert Case.objects.filter(origin_channel="web").count() == 3
    assert client.get("/contact/").status_code == 200  # reading the page is not limited


def test_everything_typed_comes_back_escaped(world: World, settings: pytest.FixtureRequest) -> None:
    settings.RAPPORT_RATE_CONTACT = "off"  # type: ignore[attr-defined]
    for payload in payloads():
        # A bad address refuses the post, so the page shows name and message back as typed.
        response = Client().post("/contact/", _message(name=payload[:200], text=payload, email="x"))
        assert response.status_code == 400
        page = response.content.decode()
        assert payload not in page or ("<" not in payload and '"' not in payload), payload
        assert htmlmod.escape(payload) in page or htmlmod.escape(payload, quote=False) in page


def test_a_brand_name_is_escaped_on_its_contact_page(world: World) -> None:
    for n, payload in enumerate(payloads()):
        Brand.objects.create(name=payload[:100], slug=f"b{n}")
    for n, payload in enumerate(payloads()):
        page = Client().get(f"/contact/b{n}/").content.decode()
        name = payload[:100]
        assert name not in page or ("<" not in name and '"' not in name and "'" not in name)
