"""What a status link shows: the case's public messages (never internal notes), who owns it,
and the promises made to the customer, in their own time zone. A fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from rapport.care.models import Promise, PromiseKind, PromiseStatus
from rapport.care.selectors import quote_callback
from rapport.care.windows import describe_window
from rapport.cases.models import Attachment, Case, Direction, Message
from rapport.lib.errors import ActionError

PUBLIC = (Direction.INBOUND, Direction.OUTBOUND)
SHOWN_PROMISES = {
    PromiseKind.CALLBACK: "{who} will call you",
    PromiseKind.FOLLOW_UP: "{who} will call you to see how things are",
    PromiseKind.APPOINTMENT: "Your appointment",
}


@dataclass(frozen=True)
class PromiseShown:
    what: str
    when: str
    late: bool  # its time passed and it is not kept yet: we say so
    callback: bool


@dataclass(frozen=True)
class StatusPage:
    case: Case
    owner: str
    messages: list[Message]
    promises: list[PromiseShown]
    next_call: str  # the honest window a call asked now would get ("" when nobody can call)
    call_booked: bool  # a callback is promised and not kept yet: no second one is offered
    phone: str
    zone: str  # the customer's time zone: every time on the page is shown in it


def public_messages(case: Case) -> list[Message]:
    attachments = Attachment.objects.order_by("pk").only(
        "pk", "message_id", "filename", "size", "content_type"
    )
    return list(
        Message.objects.filter(case=case, direction__in=PUBLIC)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
        .order_by("created_at", "pk")
    )


def _promises(case: Case, *, now: datetime) -> list[PromiseShown]:
    rows = (
        Promise.objects.filter(
            case=case,
            kind__in=list(SHOWN_PROMISES),
            status__in=(PromiseStatus.OPEN, PromiseStatus.MISSED),
        )
        .select_related("owner")
        .order_by("due_at", "pk")
    )
    shown = []
    for promise in rows:
        who = promise.owner.display_name if promise.owner else "We"
        zone = promise.timezone  # the customer's, or the appointment's place
        if promise.window_end is not None:
            when = describe_window(promise.due_at, promise.window_end, timezone=zone)
        else:
            when = f"{promise.due_at.astimezone(ZoneInfo(zone)):%A %-d %B, %H:%M} ({zone})"
        shown.append(
            PromiseShown(
                what=SHOWN_PROMISES[PromiseKind(promise.kind)].format(who=who),
                when=when,
                late=promise.status == PromiseStatus.MISSED or promise.due_at < now,
                callback=promise.kind == PromiseKind.CALLBACK,
            )
        )
    return shown


def status_page(case: Case, *, now: datetime | None = None) -> StatusPage:
    at = now or timezone.now()
    promises = _promises(case, now=at)
    call_booked = any(promise.callback for promise in promises)
    try:
        offer = case.is_active and not call_booked
        next_call = quote_callback(case, now=at).describe() if offer else ""
    except ActionError:
        next_call = ""
    brand = case.brand
    return StatusPage(
        case=case,
        owner=case.owner.display_name if case.owner else "",
        messages=public_messages(case),
        promises=promises,
        next_call=next_call,
        call_booked=call_booked,
        phone=(brand.phone if brand else "") or settings.RAPPORT_SUPPORT_PHONE,
        zone=case.customer.timezone or settings.TIME_ZONE,
    )


def public_attachment(case: Case, attachment_id: int) -> Attachment | None:
    """A file of one of the case's public messages (an internal note's never)."""
    return (
        Attachment.objects.filter(
            pk=attachment_id, message__case=case, message__direction__in=PUBLIC
        )
        .select_related("message")
        .first()
    )
