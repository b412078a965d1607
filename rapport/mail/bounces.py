"""A bounce: the failed recipients' addresses marked undeliverable and the owner of the case
whose mail bounced told, so they call the customer or ask for another address."""

from __future__ import annotations

from django.db.models import F

from rapport.cases.actions.events import notify_agent
from rapport.cases.models import ACTIVE_STATUSES, Case, NotificationKind
from rapport.lib.identities import InvalidIdentity, normalise_email
from rapport.mail import matching
from rapport.mail.intake import message_ids_in_headers
from rapport.mail.models import InboundEmail
from rapport.mail.parse import ParsedEmail
from rapport.people.actions.identities import mark_identity_undeliverable
from rapport.people.actions.merging import follow_merges
from rapport.people.models import Customer, Identity, IdentityKind

_ORIGINAL_PARTS = ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers")


def record_bounce(row: InboundEmail, parsed: ParsedEmail) -> str:
    """Mark each failed recipient that is a customer's address, notify the person who owns the
    case (or the customer); the row gets the customer and case. Returns the reason to settle
    the row with."""
    marked: list[Identity] = []
    for recipient in parsed.bounce_recipients:
        try:
            value = normalise_email(recipient.address)
        except InvalidIdentity:
            continue
        identity = (
            Identity.objects.select_related("customer")
            .filter(kind=IdentityKind.EMAIL, value=value)
            # Mail goes to verified addresses only: the bounce is about the verified one.
            .order_by(F("verified_at").asc(nulls_last=True), "pk")
            .first()
        )
        if identity is None or any(i.pk == identity.pk for i in marked):
            continue
        why = " ".join(part for part in (recipient.status, recipient.diagnostic) if part) or (
            parsed.bounce_reason or "delivery failed"
        )
        mark_identity_undeliverable(identity=identity, reason=f"Bounced: {why}")
        marked.append(identity)
    addresses = ", ".join(r.address for r in parsed.bounce_recipients) or "unknown address"
    if not marked:
        return f"bounce for {addresses}, which is no customer's address"
    customer = follow_merges(marked[0].customer)
    case = _bounced_case(row, parsed, customer)
    owner = case.owner if case is not None and case.owner else customer.owner
    if owner is not None:
        notify_agent(
            agent=owner,
            case=case,
            kind=NotificationKind.BOUNCE,
            text=(
                f"Mail to {customer.name} <{marked[0].value}> bounced "
                f"({marked[0].undeliverable_reason.removeprefix('Bounced: ')}). "
                "The address is marked undeliverable: call them or ask for another address."
            ),
        )
    row.customer, row.case = customer, case
    return f"bounce for {addresses}: marked undeliverable" + (
        f", {owner.display_name} notified" if owner else ""
    )


def _bounced_case(row: InboundEmail, parsed: ParsedEmail, customer: Customer) -> Case | None:
    """The case of the message that bounced: from the report's own headers, the returned
    original's Message-ID, else the customer's most recent active case."""
    wanted = [("in_reply_to", m) for m in matching.message_ids_in(parsed.in_reply_to)]
    wanted += [("references", m) for m in matching.message_ids_in(parsed.references)]
    for attachment in parsed.attachments:
        if attachment.content_type in _ORIGINAL_PARTS and attachment.payload:
            wanted += [("references", m) for m in message_ids_in_headers(attachment.payload)]
    match = matching.match_message_ids(wanted, own_message_id=row.message_id)
    if match is not None:
        return match.case
    return (
        Case.objects.select_related("owner")
        .filter(customer=customer, status__in=ACTIVE_STATUSES)
        .order_by("-updated_at")
        .first()
    )
