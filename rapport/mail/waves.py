"""One wave of inbound mail (see `rapport.mail.processing`): which mails may go together (none
touching another), what they read with one query of each kind, and how the wave writes and
settles them with one statement a table."""

from __future__ import annotations

import copy

from django.conf import settings
from django.utils import timezone

from rapport.cases.models import Direction, Message
from rapport.cases.rules import MAX_TEXT
from rapport.lib.bulk import insert_each, update_each
from rapport.lib.errors import Conflict
from rapport.mail import matching
from rapport.mail.actions.acknowledgments import acknowledge_new_cases
from rapport.mail.attachments import store_attachments
from rapport.mail.authentication import sender_authentication
from rapport.mail.bounces import record_bounce
from rapport.mail.intake import bracketed
from rapport.mail.models import (
    INBOUND_TRANSITIONS,
    AwaitedMessage,
    InboundEmail,
    InboundStatus,
    Outcome,
)
from rapport.mail.parse import ParsedEmail
from rapport.mail.refusals import refusal, sender_address
from rapport.people.actions.customers import (
    create_claimed_customer,
    find_or_create_customers,
    known_customers,
)
from rapport.people.brands import brand_for, brands_by_address
from rapport.people.models import Channel, Customer, IdentityKind
from rapport.routing.actions.opening import Incoming, Opening, open_cases, receive_messages

WAVE = 100  # at most this many mails share one wave's reads and writes


PENDING = (InboundStatus.RECEIVED, InboundStatus.FAILED)  # not settled yet


_SETTLED_FIELDS = [
    "status",
    "outcome",
    "reason",
    "error",
    "started_at",
    "retry_at",
    "processed_at",
    "parse_errors",
    "duplicate_of",
    "customer",
    "case",
    "case_message",
    "auth_verdict",
    "auth_summary",
]


class Mail:
    """A stored mail with its parse, and what is known of it before reading the database."""

    def __init__(self, row: InboundEmail, parsed: ParsedEmail, order: int) -> None:
        self.row = row
        self.parsed = parsed
        self.order = order  # its place in the batch
        self.address = sender_address(parsed, row.sender)  # None: no usable sender
        auth = sender_authentication(
            parsed.headers,
            sender=self.address,
            trusted=settings.RAPPORT_EMAIL_TRUSTED_AUTHSERV_IDS,
        )
        row.auth_verdict, row.auth_summary = auth.verdict, auth.summary[:300]
        # A sender whose authentication failed may be anyone: it joins no existing case.
        self.spoofed = auth.failed and self.address is not None
        # The rate limit counts by the stored sender, else by the parsed address.
        self.rate_key = row.sender or self.address or ""
        self.senders = {key for key in (self.rate_key, self.address) if key}
        # The Message-IDs it answers, in the form the case lookup reads them.
        self.answers = {
            mid for mid in map(bracketed, (*parsed.in_reply_to, *parsed.references)) if mid
        } - {row.message_id}
        self.sent_recently = 0  # mails of its sender lately, at most (`_count_recent_mail`)
        self.skips_ahead = False  # taken into a wave past a mail before it that was put off

    def fresh(self) -> Mail:
        """A copy to work on, so an attempt that fails leaves nothing behind on the row."""
        twin = copy.copy(self)
        twin.row = copy.copy(self.row)
        return twin


class _Touching:
    """What the mails seen so far hold, by what is known before reading the database: their
    Message-IDs, senders and the Message-IDs they answer."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.senders: set[str] = set()
        self.answers: set[str] = set()

    def touches(self, mail: Mail) -> bool:
        return bool(
            mail.row.message_id in self.ids
            or mail.row.message_id in self.answers
            or not self.senders.isdisjoint(mail.senders)
            or not self.ids.isdisjoint(mail.answers)
        )

    def add(self, mail: Mail) -> None:
        self.ids.add(mail.row.message_id)
        self.senders |= mail.senders
        self.answers |= mail.answers


def next_wave(queue: list[Mail]) -> tuple[list[Mail], list[Mail]]:
    """(the next wave, the rest, in order). A wave takes the mails from the front of the queue
    up to the first that touches one taken (a Message-ID or sender in common, or answering
    it). Past that point a mail that touches no mail before it by its headers skips ahead,
    checked again once the wave has looked up the customers and cases of the mails it skips
    (see `Wave.run`), so every mail is processed after each earlier mail it could touch. A
    bounce (it marks addresses and alerts owners) goes alone, after everything before it."""
    wave: list[Mail] = []
    rest: list[Mail] = []
    taken, put_off = _Touching(), _Touching()
    for index, mail in enumerate(queue):
        if len(wave) == WAVE or (mail.parsed.is_bounce and (wave or rest)):
            rest += queue[index:]
            break
        touches = taken.touches(mail) or put_off.touches(mail)
        if touches:
            rest.append(mail)
            put_off.add(mail)
            continue
        mail.skips_ahead = bool(rest)
        wave.append(mail)
        taken.add(mail)
        if mail.parsed.is_bounce:
            rest += queue[index + 1 :]
            break
    return wave, rest


class Wave:
    """One pass over mails that cannot touch one another, inside the wave's transaction."""

    def __init__(self, mails: list[Mail], behind: list[Mail]) -> None:
        self.mails = mails
        self.behind = behind  # read only: put off, and skipped by some of these mails
        self.settled: list[Mail] = []
        self.left: set[int] = set()  # ids of the mails put off to the next wave
        self._claimed: list[Mail] = []  # settled here, to be written at the end

    def run(self) -> None:
        for mail in self.mails:
            mail.row.parse_errors = list(mail.parsed.parse_errors[:20])
        claimed = self._claim()
        refusals = self._refusals(claimed)
        placing = [m for m in claimed if not refusals[m.row.pk] and not m.parsed.is_bounce]
        # The mails skipped are looked up with the wave's own (read only), for what they touch.
        looked_up = [*placing, *self.behind]
        # Verified addresses only: an unverified claim on an address speaks for nobody.
        customers = known_customers(
            kind=IdentityKind.EMAIL, values={m.address for m in looked_up if m.address}
        )
        matched = [mail for mail in looked_up if not mail.spoofed]
        lookups = matching.find_cases(
            [
                matching.Request(
                    mail.parsed,
                    mail.row.message_id,
                    customer.pk if (customer := customers.get(mail.address or "")) else None,
                    tuple(_recipients(mail.row, mail.parsed)),
                    mail.row.received_at,
                    by_subject=not mail.parsed.is_auto_reply,
                )
                for mail in matched
            ]
        )
        lookup_of = {m.row.pk: lookup for m, lookup in zip(matched, lookups, strict=True)}
        for mail in looked_up:
            if mail.spoofed:
                lookup_of[mail.row.pk] = matching.Lookup(
                    notes=[
                        f"sender authentication failed ({mail.row.auth_summary}); no case joined"
                    ]
                )
        # What the mails skipped touch: a mail skipping ahead may touch none of it.
        behind_customers: set[int] = set()
        behind_cases: set[int] = set()
        for mail in self.behind:
            their_customers, their_cases = _touches(customers, mail, lookup_of[mail.row.pk])
            behind_customers |= their_customers
            behind_cases |= their_cases
        deliveries: list[tuple[Mail, matching.Lookup]] = []
        seen_customers: set[int] = set()
        seen_cases: set[int] = set()
        for mail in claimed:
            if refusals[mail.row.pk]:
                self._settle(mail, InboundStatus.REJECTED, Outcome.REJECTED, refusals[mail.row.pk])
                continue
            if mail.parsed.is_bounce:
                reason = record_bounce(mail.row, mail.parsed)
                self._settle(mail, InboundStatus.BOUNCE, Outcome.BOUNCE, reason)
                continue
            customer = customers.get(mail.address or "")
            lookup = lookup_of[mail.row.pk]
            if mail.parsed.is_auto_reply:
                self._auto_reply(mail, customer, lookup)
                continue
            # The customers it touches: its sender's, and its case's (a colleague writing on a
            # customer's case changes what that customer's next mail finds).
            touched, cases = _touches(customers, mail, lookup)
            if mail.skips_ahead and (touched & behind_customers or cases & behind_cases):
                # A mail it skipped touches the same customer or case: it waits its turn, and
                # the mails skipping ahead after it may not pass it either.
                self.left.add(mail.row.pk)
                behind_customers |= touched
                behind_cases |= cases
                continue
            if touched & seen_customers or cases & seen_cases:
                # Its customer or case is an earlier mail's here: it and every mail after it
                # wait for the next wave, which sees that mail written.
                self.left |= {m.row.pk for m in claimed[claimed.index(mail) :]}
                break
            seen_customers |= touched
            seen_cases |= cases
            deliveries.append((mail, lookup))
        self._deliver(deliveries, customers)
        update_each(InboundEmail, [m.row for m in self._claimed], _SETTLED_FIELDS)
        if self.left:  # claimed in this wave but put off: the claim goes with the processing
            InboundEmail.objects.filter(pk__in=self.left).update(claim=None)

    # -- claiming and refusing -------------------------------------------------------------------

    def _claim(self) -> list[Mail]:
        """Claim each mail's Message-ID; a mail whose ID another row holds is a redelivery,
        settled here as a duplicate of it. Mails another worker settled meanwhile are dropped.

        The claim is an UPDATE of the rows (on PostgreSQL their row locks until commit); two
        copies of one mail claimed at the same instant meet the unique `claim` column, and the
        loser's wave fails and is done again mail by mail, finding the copy as a duplicate.
        """
        mails = self.mails
        ours = {m.row.pk for m in mails}
        held = InboundEmail.objects.filter(claim__in={m.row.message_id for m in mails})
        others = {pk for pk in held.values_list("pk", flat=True) if pk not in ours}
        # Copies are rare: the rows holding these claims are read only when there are any.
        holders = (
            {row.claim: row for row in InboundEmail.objects.defer("raw").filter(pk__in=others)}
            if others
            else {}
        )
        claiming = [m for m in mails if m.row.message_id not in holders]
        for mail in mails:
            original = holders.get(mail.row.message_id)
            if original is not None:
                self._duplicate(mail, original)
        if not claiming:
            return []
        for mail in claiming:
            mail.row.claim = mail.row.message_id
        claimed = update_each(
            InboundEmail,
            # In Message-ID order, so two workers claiming copies of the same mails never wait
            # on each other's uncommitted claims in opposite orders.
            [m.row for m in sorted(claiming, key=lambda m: m.row.message_id)],
            ["claim"],
            where="status IN (%s, %s)",
            params=PENDING,
        )
        if claimed < len(claiming):
            pending = set(
                InboundEmail.objects.filter(
                    pk__in=[m.row.pk for m in claiming], status__in=PENDING
                ).values_list("pk", flat=True)
            )
            claiming = [m for m in claiming if m.row.pk in pending]  # others settled elsewhere
            if claimed != len(claiming):
                raise Conflict("Inbound mail changed hands while being claimed.")
        return claiming

    def _duplicate(self, mail: Mail, original: InboundEmail) -> None:
        row = mail.row
        row.duplicate_of = original
        row.customer_id, row.case_id = original.customer_id, original.case_id
        reason = f"Message-ID {row.message_id} already received (intake #{original.pk})"
        previous = row.status
        _settled(row, InboundStatus.DUPLICATE, Outcome.DUPLICATE, reason)
        # Not claimed, so not locked: compare-and-set on the status.
        updated = InboundEmail.objects.filter(pk=row.pk, status=previous).update(
            **{name: getattr(row, name) for name in _SETTLED_FIELDS}
        )
        if updated:  # else another worker settled it meanwhile
            self.settled.append(mail)

    def _refusals(self, mails: list[Mail]) -> dict[int, str]:
        """Why nothing may be created from each mail, or "" if it may go on."""
        ids = {m.row.message_id for m in mails}
        outbound = Message.objects.filter(external_id__in=ids, direction=Direction.OUTBOUND)
        ours = set(outbound.values_list("external_id", flat=True)) if ids else set()
        counts = {m.rate_key: m.sent_recently for m in mails}
        return {
            mail.row.pk: refusal(
                mail.row,
                mail.parsed,
                address=mail.address,
                rate_key=mail.rate_key,
                came_back=mail.row.message_id in ours,
                counts=counts,
            )
            for mail in mails
        }

    # -- each outcome ----------------------------------------------------------------------------

    def _auto_reply(self, mail: Mail, customer: Customer | None, lookup: matching.Lookup) -> None:
        """Recorded against the customer and case it answers, and nothing else: no message on
        the case, no status change, no automatic mail back."""
        case = lookup.match.case if lookup.match else None
        mail.row.customer, mail.row.case = customer, case
        why = mail.parsed.auto_reply_reason or "automatic reply"
        where = f" to case #{case.pk}" if case else ""
        self._settle(
            mail,
            InboundStatus.AUTO_REPLY,
            Outcome.AUTO_REPLY,
            f"auto-reply{where} ({why}); recorded only, the case is unchanged",
        )

    def _deliver(
        self, deliveries: list[tuple[Mail, matching.Lookup]], known: dict[str, Customer]
    ) -> None:
        """A person's mail: onto the case it belongs to, or a new case; written together."""
        if not deliveries:
            return
        trusted = [(mail, lookup) for mail, lookup in deliveries if not mail.spoofed]
        found = find_or_create_customers(
            kind=IdentityKind.EMAIL,
            people=[
                (mail.address or "", customer_name(mail.parsed.from_name)) for mail, _ in trusted
            ],
            found=known,  # every one of these addresses was looked up in this wave
            proof="first mail from this address",
        )
        new: list[tuple[Mail, Customer, bool]] = []
        threaded: list[tuple[Mail, matching.ThreadMatch]] = []
        for mail, _ in deliveries:
            if mail.spoofed:  # rare: a record of its own, flagged if it claims a known address
                claimed = create_claimed_customer(
                    name=customer_name(mail.parsed.from_name) or mail.address or "",
                    identities=[(IdentityKind.EMAIL, mail.address or "")],
                    source="a mail whose sender failed authentication",
                )
                mail.row.customer = claimed
                new.append((mail, claimed, True))
        for (mail, lookup), (customer, created) in zip(trusted, found, strict=True):
            mail.row.customer = customer
            if lookup.match is None:
                new.append((mail, customer, created))
            else:
                threaded.append((mail, lookup.match))
        # A new case belongs to the business it was written to (its address).
        brands = brands_by_address() if new else {}
        opened = open_cases(
            openings=[
                Opening(
                    customer=customer,
                    brand=brand_for(_recipients(mail.row, mail.parsed), brands),
                    subject=mail.parsed.subject or mail.row.subject,
                    channel=Channel.EMAIL,
                    text=_message_text(mail.parsed),
                    html=mail.parsed.html,
                    by=None,
                    external_id=mail.row.message_id,
                    received_at=mail.row.received_at,
                    route=True,
                    first_contact=created,
                )
                for mail, customer, created in new
            ]
        )
        received = receive_messages(
            incoming=[
                Incoming(
                    case=match.case,
                    text=_message_text(mail.parsed),
                    channel=Channel.EMAIL,
                    html=mail.parsed.html,
                    external_id=mail.row.message_id,
                    received_at=mail.row.received_at,
                )
                for mail, match in threaded
            ]
        )
        for (mail, _, _), result in zip(new, opened, strict=True):
            mail.row.case, mail.row.case_message = result.case, result.message
        # Acknowledgments (RAPPORT_EMAIL_ACKNOWLEDGE, off by default), written with the cases:
        # only here, for a person's mail that opened a case; auto-replies, bounces and rejected
        # mail never reach this line, and mailing-list mail is never answered automatically
        # (rapport/mail/actions/acknowledgments.py); nor is a sender whose authentication failed
        # (the address may not be theirs).
        acknowledge_new_cases(
            [
                result.case
                for (mail, _, _), result in zip(new, opened, strict=True)
                if not mail.parsed.is_list and not mail.spoofed
            ],
            now=timezone.now(),
        )
        for (mail, match), message in zip(threaded, received, strict=True):
            mail.row.case, mail.row.case_message = match.case, message
        # What each mail answers that the desk does not hold: if it arrives later, it joins
        # this case (rapport.mail.matching).
        insert_each(
            AwaitedMessage,
            [
                AwaitedMessage(message_id=mid, case=mail.row.case, customer=mail.row.customer)
                for mail, lookup in deliveries
                for mid in lookup.awaited
            ],
        )
        store_attachments(
            [(mail.row.case_message, mail.parsed.attachments) for mail, _ in deliveries]
        )
        for mail, lookup in deliveries:
            if lookup.match is not None:
                outcome, reason = Outcome.THREADED, lookup.match.reason
            else:
                outcome, reason = Outcome.NEW_CASE, f"new case #{mail.row.case_id}"
            self._settle(mail, InboundStatus.PROCESSED, outcome, "; ".join([reason, *lookup.notes]))

    # -- settling --------------------------------------------------------------------------------

    def _settle(self, mail: Mail, status: str, outcome: str, reason: str) -> None:
        """A claimed mail's outcome; claimed rows are this transaction's (locked on PostgreSQL),
        so they are written together at the end of the wave."""
        _settled(mail.row, status, outcome, reason)
        self.settled.append(mail)
        self._claimed.append(mail)


def _settled(row: InboundEmail, status: str, outcome: str, reason: str) -> None:
    if status not in INBOUND_TRANSITIONS[row.status]:  # pragma: no cover - a coding error
        raise Conflict(f"An inbound email cannot go from {row.status} to {status}.")
    row.status, row.outcome, row.reason = status, outcome, reason[:500]
    row.error = ""
    row.started_at = None  # the attempt ended (it was counted when it began)
    row.retry_at = None
    row.processed_at = timezone.now()


# -- helpers -------------------------------------------------------------------------------------


def _touches(
    customers: dict[str, Customer], mail: Mail, lookup: matching.Lookup
) -> tuple[set[int], set[int]]:
    """(the customers, the cases) a mail touches: its sender's customer, the case it joins and
    that case's customer."""
    customer = customers.get(mail.address or "")
    case = lookup.match.case if lookup.match else None
    touched = {customer.pk} if customer is not None else set()
    if case is None:
        return touched, set()
    return touched | {case.customer_id}, {case.pk}


_NAME_LENGTH = Customer._meta.get_field("name").max_length or 200


def customer_name(display_name: str) -> str:
    """A sender's display name as a new customer's name: a name longer than the field is cut
    after a word (with "…"), never a reason to refuse the mail."""
    if len(display_name) <= _NAME_LENGTH:
        return display_name
    cut = display_name[: _NAME_LENGTH - 1]
    words = cut.rsplit(" ", 1)[0]
    return (words if len(words) > _NAME_LENGTH // 2 else cut).rstrip() + "…"


def _recipients(row: InboundEmail, parsed: ParsedEmail) -> list[str]:
    envelope = [str(address) for address in row.envelope_to]
    headers = [address for _, address in (*parsed.to, *parsed.cc)]
    return list(dict.fromkeys(a.lower() for a in (*envelope, *headers) if a))


def _message_text(parsed: ParsedEmail) -> str:
    text = parsed.visible_text.strip() or parsed.text.strip()
    if not text:
        names = ", ".join(a.filename for a in parsed.attachments if not a.inline)
        text = f"(no text; attached: {names})" if names else "(empty message)"
    if len(text) > MAX_TEXT:
        # The full original stays one click away on the inbound email.
        text = text[: MAX_TEXT - 40].rstrip() + "\n\n[… shortened; see the original]"
    return text
