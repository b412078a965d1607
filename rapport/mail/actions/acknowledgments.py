"""Acknowledgments (RAPPORT_EMAIL_ACKNOWLEDGE): one honest, personal note per new email case.

Only for a person's mail that opened a case — intake never calls this for auto-replies, bounces
or rejected mail, and the check below repeats it from the stored outcome. The note names the
owner and when they will answer (in the customer's time zone), gives the phone number and, if
the customer's own person is away, who has their file. It is an outbound message on the case
(visible on the timeline, no author, signed by the desk) queued by the outbox like every
message to a customer, and sent with `Auto-Submitted: auto-replied` (RFC 3834)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from rapport.cases.actions.events import NewCaseEvent, record_case_events
from rapport.cases.models import ACTIVE_STATUSES, Case, CaseEvent, CaseEventKind, Direction, Message
from rapport.mail.actions.outbox import Outgoing, queue_outbound_messages
from rapport.mail.models import InboundEmail, InboundStatus, Outcome
from rapport.people.models import Channel
from rapport.routing.service import customer_notice


def acknowledge_new_cases(cases: Sequence[Case], *, now: datetime) -> list[Message]:
    """The acknowledgments of cases just opened by a person's email, written in the caller's
    transaction (intake's wave, with the cases): outbox rows, queued, that the delivery job
    sends after commit and the outbox sweep sends if that job is lost, so no crash drops one.

    At most RAPPORT_EMAIL_AUTOMATIC_PER_DAY automatic mails go to one customer's address in 24
    hours: a bot that changes its subject every time opens cases, but gets no more than that.
    A case over the cap gets an event saying why it was not acknowledged."""
    if not settings.RAPPORT_EMAIL_ACKNOWLEDGE or not cases:
        return []
    sent = automatic_mail_sent(customer_ids={case.customer_id for case in cases}, now=now)
    cap = settings.RAPPORT_EMAIL_AUTOMATIC_PER_DAY
    outgoing: list[Outgoing] = []
    events: list[NewCaseEvent] = []
    for case in cases:
        if sent.get(case.customer_id, 0) >= cap:
            events.append(
                NewCaseEvent(
                    case=case,
                    kind=CaseEventKind.ACKNOWLEDGMENT_WITHHELD,
                    by=None,
                    reason=(
                        f"not acknowledged: {cap} automatic mails went to this customer in the "
                        "last 24 hours (RAPPORT_EMAIL_AUTOMATIC_PER_DAY)"
                    ),
                )
            )
            continue
        sent[case.customer_id] = sent.get(case.customer_id, 0) + 1
        outgoing.append(Outgoing(case=case, text=acknowledgment_text(case, now=now), by=None))
    messages = queue_outbound_messages(outgoing, now=now)
    events += [
        NewCaseEvent(case=m.case, kind=CaseEventKind.ACKNOWLEDGED, by=None, after={"message": m.pk})
        for m in messages
    ]
    record_case_events(events, at=now)
    return messages


def automatic_mail_sent(*, customer_ids: set[int], now: datetime) -> dict[int, int]:
    """Automatic mails (outbound email no person wrote) to each customer in the last 24 hours."""
    rows = (
        Message.objects.filter(
            customer_id__in=customer_ids,
            direction=Direction.OUTBOUND,
            channel=Channel.EMAIL,
            author__isnull=True,
            created_at__gt=now - timedelta(days=1),
        )
        .values("customer_id")
        .annotate(n=Count("pk"))
        .values_list("customer_id", "n")
    )
    return dict(rows)


@transaction.atomic
def queue_acknowledgment(*, case_id: int, now: datetime | None = None) -> Message | None:
    """The acknowledgment of a case, queued for delivery; None if it must not get one."""
    if not settings.RAPPORT_EMAIL_ACKNOWLEDGE:
        return None
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("owner", "customer", "return_to")
        .filter(pk=case_id)
        .first()
    )
    if case is None or case.status not in ACTIVE_STATUSES or case.merged_into_id is not None:
        return None
    if CaseEvent.objects.filter(case=case, kind=CaseEventKind.ACKNOWLEDGED).exists():
        return None  # one per case, however often intake or a retry asks
    opened_by_person = InboundEmail.objects.filter(
        case=case, status=InboundStatus.PROCESSED, outcome=Outcome.NEW_CASE
    ).exists()
    if not opened_by_person or case.origin_channel != Channel.EMAIL:
        return None
    if Message.objects.filter(case=case, direction=Direction.OUTBOUND).exists():
        return None  # a person (or the desk) has written already; that is the better answer
    sent = acknowledge_new_cases([case], now=now or timezone.now())  # within the daily cap
    return sent[0] if sent else None


def acknowledgment_text(case: Case, *, now: datetime) -> str:
    """The note as the customer reads it, but for the desk's signature (the outbox adds it)."""
    customer = case.customer
    owner = case.owner.display_name if case.owner else ""
    when = answer_by(case, now=now)
    if owner and when:
        promise = f"{owner} has your message and will answer by {when}."
    elif owner:
        promise = f"{owner} has your message and will answer you personally."
    elif when:
        promise = f"Our team has your message; a named person will answer by {when}."
    else:
        promise = "Our team has your message; a named person will answer you personally."
    notice = customer_notice(case, now=now)
    lines = [
        f"Hello {customer.greeting_name},",
        "",
        f'Thank you for writing about "{case.subject}". {promise}'
        + (f" {notice}" if notice else ""),
        "",
        f"If it cannot wait, call us on {settings.RAPPORT_SUPPORT_PHONE}.",
        "",
        f"Your case number is #{case.pk}. To add anything, reply to this email; it goes to the "
        "same case.",
        "",
        "This is an automatic confirmation that your message arrived; the answer will come from "
        + (owner or "a person")
        + ".",
    ]
    return "\n".join(lines)


def answer_by(case: Case, *, now: datetime) -> str:
    """The later of when a person picks the case up and the first-response deadline, in the
    customer's time zone ("today at 14:30 (CET)"); "" if neither is known."""
    moments = [t for t in (case.pickup_at, case.first_response_due_at) if t is not None]
    if not moments:
        return ""
    try:
        zone = ZoneInfo(case.customer.timezone or "UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    local = max(*moments, now).astimezone(zone)
    today = now.astimezone(zone).date()
    if local.date() == today:
        day = "today"
    elif local.date() == today + timedelta(days=1):
        day = "tomorrow"
    else:
        day = f"{local:%A} {local.day} {local:%B}"
    return f"{day} at {local:%H:%M} ({local.tzname()})"
