"""Intake in batches (the worker draining a queue, an IMAP fetch, a pipe given many files): the
same outcome for every mail as one at a time, and one bad mail undoes only itself."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from bench.ingest import mailbox
from rapport.cases.models import Case, Message
from rapport.mail import waves
from rapport.mail.actions.intake import (
    Arrival,
    process_inbound_emails,
    retry_inbound_email,
    store_inbound_emails,
    take_batch,
)
from rapport.mail.models import InboundEmail, InboundStatus
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer
from rapport.routing.actions.opening import Opened, Opening, open_cases
from tests.conftest import World
from tests.mail.intake_helpers import make_mail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_settings")]


class _Undo(Exception):
    pass


def _store(mails: list[bytes]) -> list[int]:
    rows = store_inbound_emails(
        arrivals=[Arrival(raw=raw) for raw in mails], source="pipe", enqueue=False
    )
    return [row.pk for row in rows]


def _shape(ids: list[int]) -> list[tuple[str, str, int | None, int | None]]:
    """Each mail's outcome and reason, with its case and customer numbered by first appearance
    (so two runs that made different ids but the same groups compare equal)."""
    rows = InboundEmail.objects.in_bulk(ids)
    cases: dict[int | None, int] = {}
    customers: dict[int | None, int] = {}
    shape = []
    for pk in ids:
        row = rows[pk]
        case = cases.setdefault(row.case_id, len(cases)) if row.case_id else None
        customer = (
            customers.setdefault(row.customer_id, len(customers)) if row.customer_id else None
        )
        reason = re.sub(r"#\d+", "#n", row.reason)
        shape.append((str(row.outcome), reason, case, customer))
    return shape


def _run(mails: list[bytes], batch: int) -> tuple[list[Any], list[Any]]:
    """The mailbox through intake `batch` mails at a time, then undone; what came of it."""
    try:
        with transaction.atomic():
            ids = []
            for start in range(0, len(mails), batch):
                chunk = _store(mails[start : start + batch])
                process_inbound_emails(inbound_ids=chunk)
                ids += chunk
            # The cases in the order the mailbox first reached them (their ids may differ).
            rows = InboundEmail.objects.in_bulk(ids)
            first_reached = dict.fromkeys(rows[pk].case_id for pk in ids)
            cases = Case.objects.in_bulk([pk for pk in first_reached if pk is not None])
            made = [
                (c.subject, c.status, c.priority, c.owner_id is not None, c.messages.count())
                for c in (cases[pk] for pk in first_reached if pk is not None)
            ]
            shape = _shape(ids)
            raise _Undo
    except _Undo:
        pass
    return shape, made


def test_a_batch_gives_every_mail_the_outcome_it_gets_one_at_a_time(world: World) -> None:
    # The bench's realistic mailbox: new threads, replies with quotes (some to mail earlier in
    # the same batch), follow-ups on the same topic, HTML, attachments, auto-replies, redeliveries.
    mails = mailbox(160, random.Random(3))  # noqa: S311 - a repeatable mailbox, not a secret
    one_by_one = _run(mails, 1)
    batched = _run(mails, 37)
    assert {outcome for outcome, *_ in one_by_one[0]} >= {
        "new_case",
        "threaded",
        "duplicate",
        "auto_reply",
    }
    assert batched == one_by_one


def test_a_reply_and_a_redelivery_in_the_same_batch_as_their_original(world: World) -> None:
    first = make_mail(message_id="<a1@mail.example.com>")
    reply = make_mail(
        message_id="<a2@mail.example.com>",
        subject="Re: Mila is still coughing",
        in_reply_to="<a1@mail.example.com>",
        body="And now a fever.",
    )
    results = process_inbound_emails(inbound_ids=_store([first, reply, first]))
    assert [r.outcome for r in results] == ["new_case", "threaded", "duplicate"]
    case_id = results[0].case_id
    assert case_id is not None
    assert case_id == results[1].case_id == results[2].case_id
    assert Message.objects.filter(case_id=case_id).count() == 2


def test_a_mail_that_fails_in_a_batch_is_undone_alone_and_recorded(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails_for_one(*, openings: list[Opening]) -> list[Opened]:
        if any(opening.subject == "Broken" for opening in openings):
            raise RuntimeError("database hiccup")
        return open_cases(openings=openings)

    monkeypatch.setattr(waves, "open_cases", fails_for_one)
    ids = _store(
        [
            make_mail(message_id="<b1@x>", sender="a@example.com"),
            make_mail(message_id="<b2@x>", sender="b@example.com", subject="Broken"),
            make_mail(message_id="<b3@x>", sender="c@example.com"),
        ]
    )
    results = process_inbound_emails(inbound_ids=ids)
    assert [r.outcome for r in results] == ["new_case", "failed", "new_case"]
    failed = InboundEmail.objects.get(pk=ids[1])
    assert failed.status == InboundStatus.FAILED
    assert "RuntimeError: database hiccup" in failed.error
    assert failed.retry_at is not None
    # Nothing of the failed mail was kept (not even its customer); the others were.
    assert not Message.objects.filter(external_id="<b2@x>").exists()
    assert Message.objects.filter(external_id__in=["<b1@x>", "<b3@x>"]).count() == 2
    assert not Customer.objects.filter(identities__value="b@example.com").exists()


def test_settled_and_missing_mail_in_a_batch_are_left_as_they_are(world: World) -> None:
    (done,) = _store([make_mail(message_id="<c1@x>")])
    process_inbound_emails(inbound_ids=[done])
    (waiting,) = _store([make_mail(message_id="<c2@x>", sender="d@example.com")])
    results = process_inbound_emails(inbound_ids=[done, 999_999, waiting, done])
    assert [(r.inbound_id, r.outcome) for r in results] == [
        (done, "new_case"),
        (waiting, "new_case"),
    ]
    assert Message.objects.filter(external_id="<c1@x>").count() == 1


def test_storing_a_batch_keeps_all_or_nothing(world: World) -> None:
    with pytest.raises(Exception, match="source"):
        store_inbound_emails(arrivals=[Arrival(raw=make_mail())], source="carrier pigeon")
    assert not InboundEmail.objects.exists()


def test_a_job_takes_the_mail_queued_behind_its_own(world: World) -> None:
    ids = _store([make_mail(message_id=f"<d{i}@x>", sender=f"p{i}@example.com") for i in range(5)])
    batch = take_batch(first_id=ids[1], size=3)
    assert batch == ids[1:4]
    process_inbound_emails(inbound_ids=batch)
    statuses = InboundEmail.objects.order_by("pk").values_list("status", flat=True)
    assert list(statuses) == ["received", "processed", "processed", "processed", "received"]
    # The queue behind only counts mail still waiting; a job whose mail is settled takes none.
    assert take_batch(first_id=ids[0], size=3) == [ids[0], ids[4]]
    assert take_batch(first_id=ids[2], size=3) == []


def test_a_mail_another_job_took_is_left_to_it_until_its_lease_runs_out(
    world: World, settings: Any
) -> None:
    settings.RAPPORT_INTAKE_STALE_SECONDS = 60
    ids = _store([make_mail(message_id=f"<f{i}@x>", sender=f"q{i}@example.com") for i in range(4)])
    assert take_batch(first_id=ids[0], size=2) == ids[:2]  # a worker took two, then died
    # Its own mail is taken: the job takes what is free behind it.
    assert take_batch(first_id=ids[1], size=10) == ids[2:]
    assert take_batch(first_id=ids[2], size=10) == []  # nothing free: one read, nothing to do
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        # The lease ran out: the sweep queues the mail again, and its job takes it.
        assert take_batch(first_id=ids[1], size=1) == [ids[1]]
    # A person's retry frees a mail at once.
    InboundEmail.objects.filter(pk=ids[3]).update(status=InboundStatus.REJECTED)
    row = InboundEmail.objects.get(pk=ids[3])
    retry_inbound_email(inbound=row, by=None, enqueue=False)
    assert take_batch(first_id=ids[3], size=10) == [ids[3]]


def test_a_mail_waits_for_every_earlier_mail_it_touches_and_the_rest_go_on(
    world: World,
) -> None:
    first = make_mail(message_id="<e1@x>", sender="x@example.com", subject="Boiler broken")
    other = make_mail(message_id="<e2@x>", sender="y@example.com", subject="New glasses")
    again = make_mail(
        message_id="<e3@x>", sender="x@example.com", subject="Re: Boiler", in_reply_to="<e1@x>"
    )
    # A colleague answers the reply, which is itself waiting for the first mail.
    colleague = make_mail(
        message_id="<e4@x>", sender="z@example.com", subject="Re: Boiler", in_reply_to="<e3@x>"
    )
    stranger = make_mail(message_id="<e5@x>", sender="w@example.com", subject="Hello")
    results = process_inbound_emails(inbound_ids=_store([first, other, again, colleague, stranger]))
    assert [r.outcome for r in results] == [
        "new_case",
        "new_case",
        "threaded",
        "threaded",
        "new_case",
    ]
    assert results[0].case_id == results[2].case_id == results[3].case_id
    assert len({results[0].case_id, results[1].case_id, results[4].case_id}) == 3
    assert "In-Reply-To <e3@x>" in results[3].reason


def test_a_mail_from_another_address_of_a_customer_waits_for_the_customers_earlier_mail(
    world: World,
) -> None:
    create_customer(
        name="Carla Ruiz",
        by=None,
        identities=[("email", "carla@example.com"), ("email", "carla@work.example")],
    )
    mails = [
        make_mail(
            message_id="<g1@x>",
            sender="carla@example.com",
            subject="Out of office",
            headers={"Auto-Submitted": "auto-replied"},
        ),
        make_mail(message_id="<g2@x>", sender="carla@example.com", subject="Invoice 7"),
        make_mail(message_id="<g3@x>", sender="carla@work.example", subject="Re: Invoice 7"),
    ]
    one_by_one = _run(mails, 1)
    assert [outcome for outcome, *_ in one_by_one[0]] == ["auto_reply", "new_case", "threaded"]
    assert _run(mails, 3) == one_by_one


def test_a_reply_to_a_message_id_without_a_domain_in_the_same_batch_joins_it(
    world: World,
) -> None:
    first = make_mail(message_id="<abc123>", sender="h@example.com", subject="Gate code")
    reply = make_mail(
        message_id="<abc124>",
        sender="i@example.com",
        subject="Re: Gate code",
        in_reply_to="<abc123>",
    )
    results = process_inbound_emails(inbound_ids=_store([first, reply]))
    assert [r.outcome for r in results] == ["new_case", "threaded"]
    assert results[0].case_id == results[1].case_id


def test_a_mail_put_off_to_a_later_wave_that_fails_keeps_no_claim(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_customer(
        name="Dan Moss",
        by=None,
        identities=[("email", "dan@example.com"), ("email", "dan@work.example")],
    )

    def fails_for_broken(*, openings: list[Opening]) -> list[Opened]:
        if any(opening.subject == "Broken" for opening in openings):
            raise RuntimeError("database hiccup")
        return open_cases(openings=openings)

    monkeypatch.setattr(waves, "open_cases", fails_for_broken)
    broken = make_mail(message_id="<j2@x>", sender="dan@work.example", subject="Broken")
    ids = _store([make_mail(message_id="<j1@x>", sender="dan@example.com"), broken])
    results = process_inbound_emails(inbound_ids=ids)
    assert [r.outcome for r in results] == ["new_case", "failed"]
    assert InboundEmail.objects.get(pk=ids[1]).claim is None
    monkeypatch.undo()
    # The same mail delivered again is processed, not taken for a copy of the failed one.
    (again,) = process_inbound_emails(inbound_ids=_store([broken]))
    assert again.outcome == "new_case"


def test_a_mail_put_off_while_its_wave_is_redone_mail_by_mail_is_not_lost(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails_for_broken(*, openings: list[Opening]) -> list[Opened]:
        if any(opening.subject == "Broken" for opening in openings):
            raise RuntimeError("database hiccup")
        return open_cases(openings=openings)

    monkeypatch.setattr(waves, "open_cases", fails_for_broken)
    mails = [
        make_mail(message_id="<k1@x>", sender="new@example.com", subject="Hello"),
        make_mail(message_id="<k2@x>", sender="new@example.com", subject="Hello again"),
        # A known customer's new conversation skips ahead of k2, and is put off in the wave.
        make_mail(message_id="<k3@x>", sender="maria.lopez@example.com", subject="Vaccination"),
        make_mail(message_id="<k4@x>", sender="other@example.com", subject="Broken"),
    ]
    results = process_inbound_emails(inbound_ids=_store(mails))
    assert [r.outcome for r in results] == ["new_case", "new_case", "new_case", "failed"]


def test_the_rate_limit_counts_a_flood_within_one_batch_as_it_does_one_at_a_time(
    world: World, settings: Any
) -> None:
    settings.RAPPORT_INTAKE_RATE_LIMIT = 3
    mails = []
    for i in range(6):
        mails.append(make_mail(subject=f"spam {i}", message_id=f"<fl-{i}@m.ex>"))
        mails.append(
            make_mail(sender=f"other{i}@example.com", subject="Hello", message_id=f"<o-{i}@m.ex>")
        )
    one_by_one = _run(mails, 1)
    assert [outcome for outcome, *_ in one_by_one[0]][::2] == [
        "new_case",
        "new_case",
        "new_case",
        "rejected",
        "rejected",
        "rejected",
    ]
    assert _run(mails, 12) == one_by_one
    assert _run(mails, 5) == one_by_one
