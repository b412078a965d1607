"""Intake end to end through the actions: store raw, process, thread into a case, loop safety."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from django.utils import timezone

from rapport.cases.actions.merging import merge_cases
from rapport.cases.actions.messages import reply
from rapport.cases.actions.status import resolve_case
from rapport.cases.models import Attachment, Case, Message, Notification, Status
from rapport.jobs.scheduler import run_sweeps
from rapport.lib.errors import ActionError
from rapport.mail import waves
from rapport.mail.actions.intake import (
    process_inbound_email,
    retry_inbound_email,
    store_inbound_email,
    sweep_intake,
)
from rapport.mail.models import InboundEmail, InboundStatus
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer, Identity
from rapport.routing.actions.opening import Opened, Opening, open_case, open_cases
from tests.conftest import World, shared_fixture
from tests.mail.intake_helpers import ingest, make_mail

SISIMAI = ("sisimai_set_of_emails", "maildir", "bsd")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_settings")]


def _first_message(case_id: int | None) -> Message:
    assert case_id is not None
    message = Message.objects.filter(case_id=case_id).order_by("pk").first()
    assert message is not None
    return message


def _id(value: int | None) -> int:
    assert value is not None
    return value


# -- storing ------------------------------------------------------------------------------------


def test_raw_bytes_and_envelope_are_stored_exactly_before_processing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    raw = make_mail().replace(b"\n", b"\r\n") + b"\r\n\xff trailing bytes kept as they are\r\n"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = store_inbound_email(
            raw=raw,
            source="smtp",
            envelope_from="maria.lopez@example.com",
            envelope_to=["support@clinic.example"],
        )
    stored = InboundEmail.objects.get(pk=row.pk)
    assert bytes(stored.raw) == raw
    assert stored.size == len(raw)
    assert stored.status == InboundStatus.RECEIVED
    assert stored.message_id == "<m1@mail.example.com>"
    assert stored.sender == "maria.lopez@example.com"
    assert stored.envelope_to == ["support@clinic.example"]
    assert stored.retry_at is not None
    # Nothing is created until the queued job runs, after the commit.
    assert len(callbacks) == 1
    assert not Case.objects.exclude(pk=world.case.pk).exists()
    callbacks[0]()
    stored.refresh_from_db()
    assert stored.status == InboundStatus.PROCESSED
    assert stored.case_message is not None


def test_a_message_without_message_id_gets_a_stable_synthetic_one(world: World) -> None:
    raw = make_mail(message_id=None)
    first, _ = ingest(raw)
    again, row = ingest(raw)
    assert first.message_id.startswith("<") and first.message_id.endswith(".rapport.invalid>")
    assert again.message_id == first.message_id
    assert again.outcome == "duplicate"
    assert row.duplicate_of_id == first.inbound_id


def test_a_redelivered_message_is_recorded_as_duplicate_and_not_processed_twice(
    world: World,
) -> None:
    raw = make_mail()
    first, _ = ingest(raw)
    again, _ = ingest(raw.replace(b"Subject:", b"Received: by relay2\nSubject:"))
    assert first.outcome == "new_case"
    assert again.outcome == "duplicate"
    assert (again.case_id, again.customer_id) == (first.case_id, first.customer_id)
    assert Message.objects.filter(external_id="<m1@mail.example.com>").count() == 1
    assert InboundEmail.objects.count() == 2  # both deliveries are kept raw


# -- identity -----------------------------------------------------------------------------------


def test_sender_is_matched_to_the_existing_customer_whatever_the_display_name(
    world: World,
) -> None:
    result, row = ingest(make_mail(sender='"LOPEZ, M." <MARIA.LOPEZ@example.com>'))
    assert result.outcome == "new_case"
    assert result.customer_id == world.customer.pk
    case = Case.objects.get(pk=_id(result.case_id))
    assert case.customer_id == world.customer.pk
    assert case.owner is not None  # routed to a named person at once
    message = _first_message(case.pk)
    assert message.text == "She coughed all night again."
    assert message.external_id == "<m1@mail.example.com>"
    assert row.case_message_id == message.pk
    assert Customer.objects.count() == 1


def test_a_new_sender_becomes_one_customer_even_with_two_display_names(world: World) -> None:
    first, _ = ingest(make_mail(sender="Tom Price <tom@pets.example>", subject="Kitten food"))
    second, _ = ingest(
        make_mail(
            sender="T. Price (work) <Tom@Pets.Example>",
            subject="Opening hours on Sunday?",
            message_id="<m2@mail.example.com>",
        )
    )
    assert first.customer_id == second.customer_id
    customer = Customer.objects.get(pk=_id(first.customer_id))
    assert customer.name == "Tom Price"
    assert list(customer.identities.values_list("value", flat=True)) == ["tom@pets.example"]
    assert first.case_id != second.case_id  # different topics stay apart


# -- threading ----------------------------------------------------------------------------------


def _first_mail(world: World) -> tuple[int, str]:
    result, _ = ingest(make_mail(subject="Vaccination appointment", message_id="<first@m.ex>"))
    assert result.case_id is not None
    return result.case_id, "<first@m.ex>"


def test_reply_by_in_reply_to_joins_its_case(world: World) -> None:
    case_id, first_id = _first_mail(world)
    result, _ = ingest(
        make_mail(
            subject="something else entirely",
            body="Thanks!\n\nOn Mon, Ana wrote:\n> see you at 9",
            message_id="<second@m.ex>",
            in_reply_to=first_id,
        )
    )
    assert result.outcome == "threaded"
    assert result.case_id == case_id
    assert "In-Reply-To" in result.reason
    assert list(
        Message.objects.filter(case_id=case_id).order_by("pk").values_list("text", flat=True)
    ) == [
        "She coughed all night again.",
        "Thanks!",
    ]


def test_reply_by_references_only_joins_its_case(world: World) -> None:
    case_id, first_id = _first_mail(world)
    result, _ = ingest(
        make_mail(
            subject="no prefix",
            message_id="<third@m.ex>",
            in_reply_to="<unknown@elsewhere.example>",
            references=f"<older@elsewhere.example> {first_id} <unknown@elsewhere.example>",
        )
    )
    assert (result.outcome, result.case_id) == ("threaded", case_id)
    assert "References" in result.reason


def test_reply_to_our_outbound_message_joins_its_case(world: World) -> None:
    outbound = reply(case=world.case, text="How is Mila today?", by=world.agent, channel="email")
    Message.objects.filter(pk=outbound.pk).update(external_id="<out-1@clinic.example>")
    result, _ = ingest(make_mail(subject="Re: How is Mila", in_reply_to="<out-1@clinic.example>"))
    assert (result.outcome, result.case_id) == ("threaded", world.case.pk)


def test_reply_to_a_merged_case_lands_on_the_case_it_was_merged_into(world: World) -> None:
    case_id, first_id = _first_mail(world)
    merge_cases(source=Case.objects.get(pk=case_id), target=world.case, by=world.agent)
    result, _ = ingest(make_mail(message_id="<after-merge@m.ex>", in_reply_to=first_id))
    assert (result.outcome, result.case_id) == ("threaded", world.case.pk)


def test_reply_to_a_closed_case_opens_a_new_one(world: World) -> None:
    case_id, first_id = _first_mail(world)
    Case.objects.filter(pk=case_id).update(status=Status.CLOSED)
    result, _ = ingest(make_mail(message_id="<late@m.ex>", in_reply_to=first_id))
    assert result.outcome == "new_case"
    assert result.case_id != case_id


def test_case_token_in_the_subject_joins_the_customers_case(world: World) -> None:
    result, _ = ingest(make_mail(subject=f"Re: Mila update [#{world.case.pk}]"))
    assert (result.outcome, result.case_id) == ("threaded", world.case.pk)
    assert "subject" in result.reason


def test_plus_addressed_recipient_joins_the_customers_case(world: World) -> None:
    result, _ = ingest(
        make_mail(subject="a photo of Mila", to=f"support+{world.case.pk}@clinic.example")
    )
    assert (result.outcome, result.case_id) == ("threaded", world.case.pk)
    assert "recipient" in result.reason


def test_a_strangers_case_token_does_not_inject_into_someone_elses_case(world: World) -> None:
    before = world.case.messages.count()
    result, _ = ingest(
        make_mail(
            sender="Mallory <mallory@evil.example>",
            subject=f"Re: Puppy coughing at night [#{world.case.pk}]",
            to=f"support+{world.case.pk}@clinic.example",
        )
    )
    assert result.outcome == "new_case"
    assert result.case_id != world.case.pk
    assert "belongs to another customer" in result.reason
    assert world.case.messages.count() == before
    assert Case.objects.get(pk=_id(result.case_id)).customer.name == "Mallory"


@pytest.mark.parametrize(
    "from_header",
    [
        "maria.lopez@example.com <mallory@evil.example>",
        "Maria.Lopez@Example.com<mallory@evil.example>",
        '"maria.lopez@example.com" <mallory@evil.example>',
        "=?utf-8?q?maria.lopez=40example.com?= <mallory@evil.example>",
    ],
)
def test_the_customers_address_as_a_display_name_does_not_join_their_case(
    world: World, from_header: str
) -> None:
    before = world.case.messages.count()
    raw = (
        f"From: {from_header}\r\nTo: support@clinic.example\r\n"
        f"Subject: Re: Puppy coughing at night [#{world.case.pk}]\r\n"
        "Message-ID: <spoof@evil.example>\r\n\r\nSend the records to this address.\r\n"
    ).encode()
    result, row = ingest(raw)
    assert row.sender == "mallory@evil.example"  # stored as the parser reads it
    assert result.case_id != world.case.pk
    assert result.customer_id != world.customer.pk
    assert world.case.messages.count() == before
    customer = Customer.objects.get(pk=_id(result.customer_id))
    assert "maria" not in customer.name.lower()  # nor shown under the victim's address


def test_a_display_name_longer_than_a_customer_name_is_cut_after_a_word(world: World) -> None:
    name = "Dr. " + " ".join(["Ximena"] * 60)  # 363 characters
    result, row = ingest(
        make_mail(sender=f'"{name}" <long.name@example.org>', message_id="<long@example.org>")
    )
    assert result.outcome == "new_case", row.reason
    customer = Customer.objects.get(pk=_id(result.customer_id))
    assert len(customer.name) <= 200
    assert customer.name.endswith("Ximena…")
    assert name.startswith(customer.name[:-1])


def test_customer_centric_join_within_the_window(world: World) -> None:
    result, _ = ingest(make_mail(subject="RE: Puppy coughing at night"))
    assert (result.outcome, result.case_id) == ("threaded", world.case.pk)
    assert "same subject" in result.reason


def test_no_customer_centric_join_after_the_window(world: World, settings: Any) -> None:
    settings.RAPPORT_THREAD_WINDOW_DAYS = 14
    Case.objects.filter(pk=world.case.pk).update(updated_at=timezone.now() - timedelta(days=15))
    result, _ = ingest(make_mail(subject="Puppy coughing at night"))
    assert result.outcome == "new_case"
    assert result.case_id != world.case.pk


def test_same_subject_from_another_customer_opens_its_own_case(world: World) -> None:
    result, _ = ingest(
        make_mail(sender="Tom <tom@pets.example>", subject="Puppy coughing at night")
    )
    assert result.outcome == "new_case"


# -- loop and bounce safety ---------------------------------------------------------------------


def test_auto_reply_does_not_reopen_a_resolved_case(world: World, mailoutbox: list[Any]) -> None:
    outbound = reply(case=world.case, text="Mila should be fine now.", by=world.agent)
    Message.objects.filter(pk=outbound.pk).update(external_id="<out-2@clinic.example>")
    resolve_case(case=world.case, by=world.agent)
    messages_before = world.case.messages.count()
    sent_before = len(mailoutbox)
    result, row = ingest(
        make_mail(
            subject="Automatic reply: Mila should be fine",
            body="I am out of the office until Monday.",
            in_reply_to="<out-2@clinic.example>",
            headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
        )
    )
    world.case.refresh_from_db()
    assert result.outcome == "auto_reply"
    assert result.case_id == world.case.pk
    assert world.case.status == Status.RESOLVED
    assert world.case.messages.count() == messages_before
    assert len(mailoutbox) == sent_before  # no mail back to an autoresponder
    assert row.status == InboundStatus.AUTO_REPLY


def test_a_human_reply_does_reopen_a_resolved_case(world: World) -> None:
    resolve_case(case=world.case, by=world.agent)
    result, _ = ingest(make_mail(subject=f"Re: [#{world.case.pk}] she is coughing again"))
    world.case.refresh_from_db()
    assert (result.outcome, result.case_id) == ("threaded", world.case.pk)
    assert world.case.status == Status.OPEN


@pytest.mark.parametrize("name", ["rfc3834-01.eml", "rfc3834-02.eml", "rfc3834-03.eml"])
def test_sisimai_auto_replies_create_nothing(world: World, name: str) -> None:
    cases_before = Case.objects.count()
    result, _ = ingest(shared_fixture(*SISIMAI, name).read_bytes())
    assert result.outcome == "auto_reply"
    assert Case.objects.count() == cases_before
    assert not Customer.objects.exclude(pk=world.customer.pk).exists()


def test_sisimai_bounce_marks_the_identity_and_notifies_the_case_owner(world: World) -> None:
    customer = create_customer(
        name="Kiji Tora", by=None, identities=[("email", "kijitora@example.net")]
    )
    case = open_case(
        customer=customer,
        subject="Your lab results",
        channel="email",
        text="Please send the results.",
        by=None,
        owner=world.colleague,
    )
    result, row = ingest(shared_fixture(*SISIMAI, "rfc3464-06.eml").read_bytes())
    assert result.outcome == "bounce"
    assert (result.customer_id, result.case_id) == (customer.pk, case.pk)
    identity = Identity.objects.get(value="kijitora@example.net")
    assert identity.undeliverable_reason.startswith("Bounced: 5.5.0")
    note = Notification.objects.get(agent=world.colleague, kind="bounce")
    assert note.case_id == case.pk
    assert "kijitora@example.net" in note.text
    assert Case.objects.count() == 2  # the bounce opened nothing
    assert row.status == InboundStatus.BOUNCE


def test_bounce_finds_the_case_of_the_returned_original(world: World) -> None:
    outbound = reply(case=world.case, text="Results attached.", by=world.agent)
    Message.objects.filter(pk=outbound.pk).update(external_id="<out-3@clinic.example>")
    # A second, more recent case: the bounce must still go to the case whose mail bounced.
    open_case(customer=world.customer, subject="Invoice", channel="email", text="Invoice?", by=None)
    dsn = (
        b"From: MAILER-DAEMON@mx.example.com\r\n"
        b"To: support@clinic.example\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <dsn-1@mx.example.com>\r\n"
        b"Auto-Submitted: auto-replied\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.com\r\n\r\n"
        b"Final-Recipient: rfc822; maria.lopez@example.com\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
        b"--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"From: support@clinic.example\r\nTo: maria.lopez@example.com\r\n"
        b"Subject: Re: Puppy coughing at night\r\nMessage-ID: <out-3@clinic.example>\r\n\r\n"
        b"--b--\r\n"
    )
    result, _ = ingest(dsn)
    assert (result.outcome, result.case_id) == ("bounce", world.case.pk)
    identity = Identity.objects.get(value="maria.lopez@example.com")
    assert "5.1.1" in identity.undeliverable_reason
    assert Notification.objects.filter(agent=world.agent, kind="bounce").count() == 1


def test_our_own_outgoing_message_coming_back_creates_nothing(world: World) -> None:
    outbound = reply(case=world.case, text="Hello Maria", by=world.agent)
    Message.objects.filter(pk=outbound.pk).update(external_id="<loop@clinic.example>")
    result, _ = ingest(
        make_mail(sender="support@clinic.example", message_id="<loop@clinic.example>")
    )
    assert result.outcome == "rejected"
    assert "mail loop" in result.reason


def test_mail_from_our_own_address_creates_nothing(world: World) -> None:
    result, _ = ingest(make_mail(sender="Desk <support+12@clinic.example>"))
    assert result.outcome == "rejected"
    assert "our own address" in result.reason
    assert Case.objects.count() == 1


def test_per_sender_rate_limit_rejects_the_flood_and_a_retry_lets_one_through(
    world: World, settings: Any
) -> None:
    settings.RAPPORT_INTAKE_RATE_LIMIT = 3
    results = [
        ingest(make_mail(subject=f"spam {i}", message_id=f"<flood-{i}@m.ex>"))[0] for i in range(5)
    ]
    assert [r.outcome for r in results] == [
        "new_case",
        "new_case",
        "new_case",
        "rejected",
        "rejected",
    ]
    assert "rate limit" in results[3].reason
    assert results[3].case_id is None
    assert Case.objects.count() == 4
    row = InboundEmail.objects.get(pk=results[3].inbound_id)
    retry_inbound_email(inbound=row, by=world.supervisor, enqueue=False)
    again = process_inbound_email(inbound_id=row.pk)
    assert again.outcome == "new_case"


def test_arbitrary_bytes_are_kept_and_marked_unparseable(world: World) -> None:
    raw = b"\x00\xff\xfe not a mail at all \x80\x81"
    result, row = ingest(raw)
    assert result.outcome == "rejected"
    assert result.reason.startswith("unparseable")
    assert bytes(row.raw) == raw
    assert Case.objects.count() == 1


# -- content ------------------------------------------------------------------------------------


def test_talon_reply_through_the_whole_pipeline_keeps_only_the_visible_text(
    world: World,
) -> None:
    result, row = ingest(
        shared_fixture(
            "mailgun_talon", "tests", "fixtures", "standard_replies", "gmail.eml"
        ).read_bytes()
    )
    assert result.outcome == "new_case"
    message = _first_message(result.case_id)
    assert message.text == "Hello"
    assert "gmail_quote" in message.html or "Hello" in message.html
    assert b"On Mon, Apr 2, 2012" in bytes(row.raw)  # the full original is kept


def test_attachments_and_inline_images_are_stored_with_their_cid(world: World) -> None:
    raw = make_mail(
        html='<p>See the rash: <img src="cid:rash@img"></p>',
        attachments=[("blood test.pdf", "application/pdf", b"%PDF-1.4 fake")],
    )
    mail = message_from_bytes(raw, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    html_part = mail.get_body(preferencelist=("html",))
    assert html_part is not None
    html_part.add_related(b"\x89PNG fake", maintype="image", subtype="png", cid="<rash@img>")
    result, _ = ingest(mail.as_bytes())
    message = _first_message(result.case_id)
    stored = {a.filename: a for a in Attachment.objects.filter(message=message)}
    assert stored["blood test.pdf"].content_type == "application/pdf"
    assert stored["blood test.pdf"].file.read() == b"%PDF-1.4 fake"
    inline = next(a for a in stored.values() if a.content_id == "rash@img")
    assert inline.content_type == "image/png"
    assert inline.size == len(b"\x89PNG fake")


# -- failures, retries, crashes -----------------------------------------------------------------


def test_a_failure_is_recorded_and_retried_by_the_sweep_with_backoff(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open_cases = open_cases
    calls = {"n": 0}

    def flaky(*, openings: list[Opening]) -> list[Opened]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database hiccup")
        return real_open_cases(openings=openings)

    monkeypatch.setattr(waves, "open_cases", flaky)
    result, row = ingest(make_mail())
    assert result.outcome == "failed"
    assert row.status == InboundStatus.FAILED
    assert row.attempts == 1
    assert "RuntimeError: database hiccup" in row.error
    assert row.retry_at is not None
    assert not Message.objects.filter(external_id="<m1@mail.example.com>").exists()
    # Not yet due: the sweep leaves it alone.
    assert sweep_intake(now=timezone.now())["retried"] == []
    swept = sweep_intake(now=row.retry_at + timedelta(seconds=1))
    assert swept["retried"] == [row.pk]
    row.refresh_from_db()
    assert (row.status, row.outcome, row.attempts) == ("processed", "new_case", 2)
    assert row.error == ""


def test_a_failure_after_the_last_attempt_waits_for_a_person(
    world: World, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.RAPPORT_INTAKE_MAX_ATTEMPTS = 1

    def broken(**kwargs: Any) -> Case:
        raise RuntimeError("still broken")

    monkeypatch.setattr(waves, "open_cases", broken)
    _, row = ingest(make_mail())
    assert (row.status, row.retry_at) == (InboundStatus.FAILED, None)
    assert sweep_intake(now=timezone.now() + timedelta(days=1)) == {
        "requeued": [],
        "retried": [],
    }


def test_a_row_left_in_received_by_a_crashed_worker_is_picked_up_by_the_sweep(
    world: World,
) -> None:
    # The worker died before processing: the row was committed and nothing else happened.
    row = store_inbound_email(raw=make_mail(), source="smtp", enqueue=False)
    assert sweep_intake(now=timezone.now())["requeued"] == []  # less than a minute: leave it
    swept = sweep_intake(now=timezone.now() + timedelta(minutes=2))
    assert swept["requeued"] == [row.pk]
    row.refresh_from_db()
    assert row.status == InboundStatus.PROCESSED
    assert Message.objects.filter(external_id="<m1@mail.example.com>").count() == 1
    # A second sweep finds nothing left to do.
    assert sweep_intake(now=timezone.now() + timedelta(minutes=5))["requeued"] == []


def test_the_scheduler_runs_the_intake_sweep(world: World) -> None:
    row = store_inbound_email(raw=make_mail(), source="imap", enqueue=False)
    results = run_sweeps(now=timezone.now() + timedelta(minutes=2))
    assert results["intake"]["requeued"] == [row.pk]


def test_only_failed_or_rejected_mail_can_be_retried(world: World) -> None:
    _, row = ingest(make_mail())
    with pytest.raises(ActionError, match="Only failed, rejected or quarantined"):
        retry_inbound_email(inbound=row, by=world.supervisor)
