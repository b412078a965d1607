"""Only verified identities thread mail and receive replies; a sender whose authentication failed
joins no existing case (issue 11 #1 and #8b, end to end through HTTP, intake and delivery)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail as outbox
from django.test import Client
from pytest_django.fixtures import Settings

from rapport.cases.actions.customers import merge_customers
from rapport.cases.actions.messages import reply
from rapport.cases.models import Case, DeliveryStatus, Message
from rapport.lib.errors import ActionError
from rapport.mail.models import AuthVerdict
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer
from rapport.routing.actions.opening import open_case
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail

OnCommit = Callable[..., Any]
MTA = "mx.clinic.example"


def fill_contact_form(**typed: str) -> None:
    response = Client().post("/contact/", {"name": "Tom", "about": "Please call", **typed})
    assert response.status_code == 200, response.content.decode()[:2000]


def agent_replies(case: Case, world: World, capture: OnCommit) -> Message:
    with capture(execute=True):
        message = reply(case=case, text="Your results are in.", by=world.agent)
    message.refresh_from_db()
    return message


def authenticated(results: str, authserv_id: str = MTA) -> dict[str, str]:
    return {"Authentication-Results": f"{authserv_id}; {results}"}


@pytest.fixture
def victim(world: World) -> tuple[Customer, Case]:
    tom = create_customer(
        name="Tom Baker",
        by=world.agent,
        identities=[("email", "tom@example.com"), ("phone", "+34 622 000 111")],
        owner=world.agent,
    )
    case = open_case(
        customer=tom,
        subject="Lab results for Rex",
        channel="email",
        text="When are the results in?",
        by=world.agent,
        owner=world.agent,
        team=world.clinic,
    )
    return tom, case


def test_the_phone_number_attack_reaches_nothing_of_the_victim(
    world: World, victim: tuple[Customer, Case], django_capture_on_commit_callbacks: OnCommit
) -> None:
    """Contact form with the victim's phone and the attacker's email, then a mail from the
    attacker naming the victim's case: the agent's reply still goes to the victim."""
    tom, case = victim
    fill_contact_form(phone="+34 622 000 111", email="mallory@evil.example")
    assert not tom.identities.filter(value="mallory@evil.example").exists()

    result, row = ingest(
        make_mail(
            sender="Tom Baker <mallory@evil.example>",
            subject=f"Re: Lab results for Rex [#{case.pk}]",
            body="Please send the results to this address from now on.",
            message_id="<evil1@evil.example>",
        )
    )
    assert result.outcome == "new_case" and result.case_id != case.pk
    assert result.customer_id != tom.pk
    assert "belongs to another customer; ignored" in row.reason
    assert not Message.objects.filter(case=case, text__contains="this address").exists()

    message = agent_replies(case, world, django_capture_on_commit_callbacks)
    assert message.delivery_status == DeliveryStatus.SENT, message.delivery_error
    assert [m.to for m in outbox.outbox] == [["tom@example.com"]]


def test_a_victim_without_email_gets_nothing_sent_to_the_attacker(
    world: World, django_capture_on_commit_callbacks: OnCommit
) -> None:
    """Before: the typed email became the primary address of a customer who had none."""
    tom = create_customer(name="Tom Baker", by=world.agent, identities=[("phone", "+34622000111")])
    case = open_case(
        customer=tom, subject="Rex", channel="email", text="Hi", by=world.agent, owner=world.agent
    )
    fill_contact_form(phone="+34 622 000 111", email="mallory@evil.example")
    assert list(tom.identities.values_list("kind", flat=True)) == ["phone"]

    with pytest.raises(ActionError, match=r"no way to write to Tom.*\+34622000111"):
        agent_replies(case, world, django_capture_on_commit_callbacks)
    assert outbox.outbox == []


def test_an_unverified_address_neither_threads_nor_receives_replies_until_verified(
    world: World, victim: tuple[Customer, Case], django_capture_on_commit_callbacks: OnCommit
) -> None:
    """Merging a flagged record keeps its claims unverified: they speak for nobody."""
    tom, case = victim
    fill_contact_form(phone="+34 622 000 111", email="tom.work@example.net")
    flagged = Customer.objects.get(likely_duplicate_of=tom)
    merge_customers(source=flagged, target=tom, by=world.agent)
    work = tom.identities.get(value="tom.work@example.net")
    assert not work.is_verified

    def from_work(message_id: str) -> bytes:
        return make_mail(
            sender="Tom <tom.work@example.net>",
            subject=f"Re: Lab results for Rex [#{case.pk}]",
            message_id=message_id,
        )

    result, _ = ingest(from_work("<w1@example.net>"))
    assert result.case_id != case.pk  # a token in the subject needs a verified sender
    # The mail is the address's first: a record of its own, flagged as likely Tom.
    writer = Customer.objects.get(pk=result.customer_id or 0)
    assert writer.likely_duplicate_of_id == tom.pk

    tom.identities.filter(value="tom@example.com").update(is_primary=False)
    message = agent_replies(case, world, django_capture_on_commit_callbacks)
    assert outbox.outbox[-1].to == ["tom@example.com"], message.delivery_error

    # The agent confirms the writer is Tom: the address the mail came from is his now.
    merge_customers(source=writer, target=tom, by=world.agent)
    work = tom.identities.get(value="tom.work@example.net")
    assert work.is_verified and work.verification == "channel"
    result, _ = ingest(from_work("<w2@example.net>"))
    assert (result.case_id, result.outcome) == (case.pk, "threaded")


def test_a_sender_failing_dmarc_cannot_join_an_existing_case(
    world: World, victim: tuple[Customer, Case], settings: Settings
) -> None:
    settings.RAPPORT_EMAIL_TRUSTED_AUTHSERV_IDS = [MTA]
    tom, case = victim
    spoofed = make_mail(
        sender="Tom Baker <tom@example.com>",
        subject=f"Re: Lab results for Rex [#{case.pk}]",
        body="Change my address please.",
        message_id="<s1@evil.example>",
        headers=authenticated(
            "spf=fail smtp.mailfrom=evil.example; dkim=none; dmarc=fail header.from=example.com"
        ),
    )
    result, row = ingest(spoofed)
    assert row.auth_verdict == AuthVerdict.FAIL
    assert "dmarc=fail" in row.auth_summary and MTA in row.auth_summary
    assert result.outcome == "new_case" and result.case_id != case.pk
    flagged = Customer.objects.get(pk=result.customer_id or 0)
    assert flagged.pk != tom.pk and flagged.likely_duplicate_of_id == tom.pk
    assert not flagged.identities.get().is_verified
    assert "sender authentication failed" in row.reason

    # The agent of the flagged case sees why on the message.
    page = world.client_for(world.agent).get(f"/cases/{result.case_id}/")
    html = page.content.decode()
    assert 'data-auth="fail"' in html and "Sender authentication failed" in html
    assert "dmarc=fail" in html


def test_a_passing_sender_threads_and_the_result_is_shown(
    world: World, victim: tuple[Customer, Case], settings: Settings
) -> None:
    settings.RAPPORT_EMAIL_TRUSTED_AUTHSERV_IDS = [MTA]
    _, case = victim
    result, row = ingest(
        make_mail(
            sender="Tom Baker <tom@example.com>",
            subject=f"Re: Lab results for Rex [#{case.pk}]",
            message_id="<p1@example.com>",
            headers=authenticated(
                "spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; "
                "dmarc=pass header.from=example.com"
            ),
        )
    )
    assert (result.case_id, result.outcome, row.auth_verdict) == (case.pk, "threaded", "pass")
    html = world.client_for(world.agent).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-auth="pass"' in html and "Sender authenticated" in html


@pytest.mark.parametrize(
    "check",
    [
        ([], MTA, "dmarc=fail header.from=example.com", ""),  # off by default: not read
        ([MTA], "mx.evil.example", "dmarc=fail header.from=example.com", ""),  # not ours
        ([MTA], MTA, "spf=softfail smtp.mailfrom=example.com", "none"),
        ([MTA], MTA, "dkim=pass header.d=evil.example", "none"),  # not aligned with From
        ([MTA], MTA, "spf=fail smtp.mailfrom=example.com; dkim=pass header.d=example.com", "pass"),
        ([MTA], MTA, "dkim=fail header.d=example.com", "fail"),
        ([MTA.upper()], MTA, "dmarc=pass header.from=example.com", "pass"),
    ],
)
def test_which_results_count(
    world: World,
    victim: tuple[Customer, Case],
    settings: Settings,
    check: tuple[list[str], str, str, str],
) -> None:
    trusted, authserv_id, results, verdict = check
    settings.RAPPORT_EMAIL_TRUSTED_AUTHSERV_IDS = [t.lower() for t in trusted]
    _, case = victim
    result, row = ingest(
        make_mail(
            sender="Tom Baker <tom@example.com>",
            subject=f"Re: Lab results for Rex [#{case.pk}]",
            message_id="<v1@example.com>",
            headers=authenticated(results, authserv_id),
        )
    )
    assert row.auth_verdict == verdict
    assert (result.case_id == case.pk) is (verdict != "fail")


def test_only_the_topmost_trusted_header_counts(
    world: World, victim: tuple[Customer, Case], settings: Settings
) -> None:
    """A sender's own "pass" below the one our MTA added last is not believed."""
    settings.RAPPORT_EMAIL_TRUSTED_AUTHSERV_IDS = [MTA]
    _, case = victim
    raw = make_mail(
        sender="Tom Baker <tom@example.com>",
        subject=f"Re: Lab results for Rex [#{case.pk}]",
        message_id="<t1@evil.example>",
        headers=authenticated("dmarc=pass header.from=example.com"),
    )
    ours = f"Authentication-Results: {MTA}; dmarc=fail header.from=example.com\r\n".encode()
    result, row = ingest(ours + raw)
    assert row.auth_verdict == "fail" and result.case_id != case.pk


def test_a_sender_failing_authentication_gets_no_acknowledgment(
    world: World, victim: tuple[Customer, Case], settings: Settings
) -> None:
    settings.RAPPORT_EMAIL_TRUSTED_AUTHSERV_IDS = [MTA]
    settings.RAPPORT_EMAIL_ACKNOWLEDGE = True
    result, _ = ingest(
        make_mail(
            sender="Tom Baker <tom@example.com>",
            subject="Where are my results?",
            message_id="<ack1@evil.example>",
            headers=authenticated("dmarc=fail header.from=example.com"),
        )
    )
    assert result.outcome == "new_case"
    assert not Message.objects.filter(case_id=result.case_id or 0, direction="outbound").exists()


def test_a_reply_to_a_customer_with_only_a_typed_address_is_refused_and_says_why(
    world: World, django_capture_on_commit_callbacks: OnCommit
) -> None:
    fill_contact_form(phone="+34 644 000 111", email="priya@example.org")
    promise_case = Case.objects.get(customer__identities__value="priya@example.org")
    with (
        pytest.raises(ActionError, match=r"priya@example\.org are not verified"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reply(case=promise_case, text="Hello", by=world.agent)
    assert outbox.outbox == []
