"""Processing stored inbound mail: claim, refuse or place, write, settle; a batch at a time.

`process_inbound_emails` takes mails in the order given and works through them in waves: sets
of mails that cannot touch one another (no Message-ID, sender, customer or case in common, none
answering another). A mail that touches an earlier one waits for a later wave; a later mail
may go ahead of it only if it touches none of the mails it passes, by their headers and by the
customers and cases the wave looks up for them: each mail is processed after every earlier
mail it could touch. A wave reads what it needs with one query of each kind for all its mails
and writes with one statement a table (`find_or_create_customers`, `open_cases`,
`receive_messages`), so a batch of a hundred mails costs a few dozen statements instead of a
dozen a mail, and every mail ends as it would have alone (the same customer, the same case). A
wave that fails is done again one mail at a time, so the failure is recorded against the mail
at fault and the rest are kept. Each wave is one transaction: a commit for dozens of mails, and
locks held for milliseconds (two workers on PostgreSQL never wait on each other across waves).
"""

from __future__ import annotations

import copy
import logging
import traceback
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from rapport.cases.models import Direction, Message
from rapport.cases.rules import MAX_TEXT
from rapport.lib.bulk import insert_each, update_each
from rapport.lib.durability import unsynced_commits
from rapport.lib.errors import Conflict
from rapport.mail import bounds, matching
from rapport.mail.actions.acknowledgments import acknowledge_new_cases
from rapport.mail.attachments import store_attachments
from rapport.mail.authentication import sender_authentication
from rapport.mail.bounces import record_bounce
from rapport.mail.intake import (
    IntakeResult,
    bracketed,
    clean_strings,
    clean_text,
)
from rapport.mail.models import (
    INBOUND_TRANSITIONS,
    AwaitedMessage,
    InboundEmail,
    InboundStatus,
    Outcome,
)
from rapport.mail.parse import ParsedEmail
from rapport.mail.refusals import recent_counts, refusal, sender_address
from rapport.people.actions.customers import (
    create_claimed_customer,
    find_or_create_customers,
    known_customers,
)
from rapport.people.brands import brand_for, brands_by_address
from rapport.people.models import Channel, Customer, IdentityKind
from rapport.routing.actions.opening import (
    Incoming,
    Opening,
    open_cases,
    receive_messages,
)
from rapport.routing.service import loads_cache

logger = logging.getLogger("rapport.mail")

MAX_BACKOFF = timedelta(hours=1)
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


def process_inbound_email(*, inbound_id: int) -> IntakeResult:
    """Process one stored mail; idempotent (a settled row is left as it is) and never raises
    for a problem in the mail itself: a failure is recorded on the row and retried."""
    results = process_inbound_emails(inbound_ids=[inbound_id])
    if not results:
        raise InboundEmail.DoesNotExist(f"Inbound email #{inbound_id} does not exist.")
    return results[0]


def process_inbound_emails(*, inbound_ids: Sequence[int]) -> list[IntakeResult]:
    """Process stored mails in the order given, each ending as it would alone, a wave a
    transaction. Settled rows are left as they are; ids that do not exist are left out.

    Each attempt is counted and committed before it begins (`started_at` set), so a mail whose
    worker dies on it (killed, out of memory) is known at its next attempt: it is then done after
    the others (with its batch after one such death, alone after more), so it holds nothing
    back, and after RAPPORT_INTAKE_MAX_CRASHES deaths it is quarantined for a person (see
    `_after_crashes`)."""
    ids = list(dict.fromkeys(inbound_ids))
    # Processing is done again if its commits are lost: they need not wait for the disk.
    with unsynced_commits():
        suspects = _after_crashes(ids)
        done = _process([pk for pk in ids if pk not in suspects])
        # After one crash the batch goes again as a batch of its own: most workers die of
        # something else (a restart, a deploy). After a second, each mail goes alone, so the one
        # at fault takes nothing along when it kills the worker again.
        done |= _process([pk for pk in ids if suspects.get(pk) == 1])
        for pk in sorted(
            (pk for pk in suspects if suspects[pk] > 1), key=lambda pk: (suspects[pk], pk)
        ):
            done |= _process([pk])
    # The rest were quarantined, failed, settled before or meanwhile elsewhere, or are
    # missing: read them.
    others = [pk for pk in ids if pk not in done]
    if others:
        done.update(InboundEmail.objects.defer("raw").in_bulk(others))
    return [IntakeResult.of(done[pk]) for pk in ids if pk in done]


def _after_crashes(ids: list[int]) -> dict[int, int]:
    """The mails among `ids` whose last attempt never ended (their worker died), with how often
    that happened, counted here; those that reached RAPPORT_INTAKE_MAX_CRASHES are quarantined
    (and left out): waiting on the intake page with the reason, retried by a person."""
    crashed = InboundEmail.objects.filter(pk__in=ids, status__in=PENDING, started_at__isnull=False)
    if not crashed.exists():  # nearly always: one read
        return {}
    limit = settings.RAPPORT_INTAKE_MAX_CRASHES
    suspects: dict[int, int] = {}
    with transaction.atomic():
        for pk, status, before in crashed.select_for_update().values_list(
            "pk", "status", "crashes"
        ):
            crashes = before + 1
            fields: dict[str, object] = {"crashes": crashes, "started_at": None}
            if crashes >= limit:
                if InboundStatus.QUARANTINED not in INBOUND_TRANSITIONS[status]:  # pragma: no cover
                    raise Conflict(f"An inbound email cannot go from {status} to quarantined.")
                fields |= {
                    "status": InboundStatus.QUARANTINED,
                    "outcome": Outcome.QUARANTINED,
                    "reason": (
                        f"quarantined: the worker stopped {crashes} times while processing this "
                        "mail (killed, out of memory or out of time); other mail goes on. The "
                        "original is kept: process it again once the cause is known."
                    ),
                    "retry_at": None,
                    "taken_until": None,
                    "processed_at": timezone.now(),
                }
                logger.error("Inbound email %s quarantined after %s crashes", pk, crashes)
            else:
                suspects[pk] = crashes
            InboundEmail.objects.filter(pk=pk).update(**fields)
    return suspects


def _begin_attempt(ids: list[int]) -> dict[int, InboundEmail]:
    """Count an attempt on each pending mail of `ids` and mark it under way, committed before
    anything is parsed; the rows as they are now."""
    if not ids:
        return {}
    pending = InboundEmail.objects.filter(pk__in=ids, status__in=PENDING)
    with transaction.atomic():
        pending.update(attempts=F("attempts") + 1, started_at=timezone.now())
    return {row.pk: row for row in pending}


def _process(ids: list[int]) -> dict[int, InboundEmail]:
    """One attempt at the mails of `ids` (see `process_inbound_emails`): the rows it settled."""
    rows = _begin_attempt(ids)
    queue: list[_Mail] = []
    failures: list[tuple[int, Exception]] = []
    for pk in ids:
        if pk not in rows:
            continue
        try:
            # Parsed before the transaction, so the write lock is held only for the writes.
            parsed = clean_strings(bounds.read_mail(bytes(rows[pk].raw)))
            queue.append(_Mail(rows[pk], parsed, order=len(queue)))
        except Exception as exc:
            failures.append((pk, exc))
        rows[pk].raw = b""  # not needed any more: a batch holds less memory
    _count_recent_mail(queue)
    done: dict[int, InboundEmail] = {}
    while queue:
        wave, rest = _next_wave(queue)
        # The mails put off that mails of this wave skip ahead of: the wave looks up what they
        # touch, and a mail that would touch the same waits its turn.
        last = max((mail.order for mail in wave if mail.skips_ahead), default=-1)
        settled, deferred = _attempt(wave, failures, behind=[m for m in rest if m.order < last])
        done.update((mail.row.pk, mail.row) for mail in settled)
        queue = sorted(deferred + rest, key=lambda mail: mail.order)
    for pk, error in failures:
        logger.error("Processing inbound email %s failed", pk, exc_info=error)
        _record_failure(pk, error)
    return done


def _count_recent_mail(queue: list[_Mail]) -> None:
    """How many mails each sender sent lately, read once for the batch: for each mail at least
    as many as could count as earlier within the rate window (see `recent_counts`), so a mail
    whose sender is under the limit by this count is under it, and one that is not is checked
    exactly (`refusals.refusal`)."""
    limited = [m for m in queue if m.address is not None and not m.row.rate_limit_waived]
    counts = (
        recent_counts(
            {m.rate_key for m in limited},
            received_from=min(m.row.received_at for m in limited),
            before_id=max(m.row.pk for m in limited),
        )
        if limited
        else {}
    )
    for mail in queue:
        mail.sent_recently = counts.get(mail.rate_key, 0)


def _ours(queue: list[_Mail]) -> list[_Mail]:
    """The mails still waiting that no other worker is processing right now: locked for this
    transaction, skipping rows another worker holds (PostgreSQL; SQLite has one writer at a
    time). Two workers whose batches overlap then split the overlap instead of queueing behind
    each other's locks."""
    if connection.vendor != "postgresql":
        # SQLite: the wave's transaction holds the only write lock, and a mail settled by
        # another worker before it began is found by the claim (which checks the status).
        return queue
    pending = InboundEmail.objects.filter(pk__in=[m.row.pk for m in queue], status__in=PENDING)
    pending = pending.select_for_update(skip_locked=True)
    ours = set(pending.order_by("pk").values_list("pk", flat=True))
    return [mail for mail in queue if mail.row.pk in ours]


def _record_failure(inbound_id: int, exc: BaseException) -> None:
    with transaction.atomic():
        row = InboundEmail.objects.select_for_update().defer("raw").filter(pk=inbound_id).first()
        if row is None or row.status not in PENDING:
            return
        attempts = row.attempts  # counted when the attempt began
        retry_at = None
        if attempts < settings.RAPPORT_INTAKE_MAX_ATTEMPTS:
            retry_at = timezone.now() + min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)
        summary = clean_text(f"{type(exc).__name__}: {exc}")
        details = clean_text("".join(traceback.format_exception(exc)[-6:]))
        InboundEmail.objects.filter(pk=row.pk).update(
            status=InboundStatus.FAILED,
            outcome=Outcome.FAILED,
            reason=summary[:500],
            error=f"{summary}\n\n{details}"[:20_000],
            attempts=attempts,
            retry_at=retry_at,
            taken_until=None,
            started_at=None,
        )


class _Mail:
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

    def fresh(self) -> _Mail:
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

    def touches(self, mail: _Mail) -> bool:
        return bool(
            mail.row.message_id in self.ids
            or mail.row.message_id in self.answers
            or not self.senders.isdisjoint(mail.senders)
            or not self.ids.isdisjoint(mail.answers)
        )

    def add(self, mail: _Mail) -> None:
        self.ids.add(mail.row.message_id)
        self.senders |= mail.senders
        self.answers |= mail.answers


def _next_wave(queue: list[_Mail]) -> tuple[list[_Mail], list[_Mail]]:
    """(the next wave, the rest, in order). A wave takes the mails from the front of the queue
    up to the first that touches one taken (a Message-ID or sender in common, or answering
    it). Past that point a mail that touches no mail before it by its headers skips ahead,
    checked again once the wave has looked up the customers and cases of the mails it skips
    (see `_Wave.run`), so every mail is processed after each earlier mail it could touch. A
    bounce (it marks addresses and alerts owners) goes alone, after everything before it."""
    wave: list[_Mail] = []
    rest: list[_Mail] = []
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


def _attempt(
    mails: list[_Mail],
    failures: list[tuple[int, Exception]],
    *,
    behind: list[_Mail],
    retried: bool = False,
) -> tuple[list[_Mail], list[_Mail]]:
    """Process a wave in its own transaction: (the mails settled, the mails left for the next
    wave). `behind` are the mails put off that mails of the wave skip ahead of. Its locks are
    held for milliseconds and never across waves, so two workers cannot each hold what the
    other waits for. If it fails, each mail is tried alone, and the one at fault is recorded
    as failed."""
    try:
        # Routing counts the wave's assignments for the wave, and forgets them if it fails.
        with loads_cache.holding(), transaction.atomic():
            wave = _Wave([mail.fresh() for mail in _ours(mails)], behind)
            wave.run()
    except Exception as exc:
        if len(mails) == 1:
            if _lost_race(exc) and not retried:
                # A race lost to another worker (a claim, a new address, a deadlock): once
                # more, in a new transaction that sees what the other committed.
                return _attempt(mails, failures, behind=behind, retried=True)
            failures.append((mails[0].row.pk, exc))
            return [], []
        settled: list[_Mail] = []
        deferred: list[_Mail] = []
        for mail in mails:
            # A mail left for later is behind the mails after it, as if put off to begin with.
            done, left = _attempt([mail], failures, behind=[*behind, *deferred])
            settled += done
            deferred += left
        return settled, deferred
    return wave.settled, [original for original in mails if original.row.pk in wave.left]


def _lost_race(exc: BaseException) -> bool:
    """Whether a failure came from the database refusing a write another transaction made
    first (a unique key, a deadlock), however the action reported it."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, IntegrityError | OperationalError):
            return True
        seen = seen.__cause__
    return False


class _Wave:
    """One pass over mails that cannot touch one another, inside the wave's transaction."""

    def __init__(self, mails: list[_Mail], behind: list[_Mail]) -> None:
        self.mails = mails
        self.behind = behind  # read only: put off, and skipped by some of these mails
        self.settled: list[_Mail] = []
        self.left: set[int] = set()  # ids of the mails put off to the next wave
        self._claimed: list[_Mail] = []  # settled here, to be written at the end

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
        deliveries: list[tuple[_Mail, matching.Lookup]] = []
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

    def _claim(self) -> list[_Mail]:
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

    def _duplicate(self, mail: _Mail, original: InboundEmail) -> None:
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

    def _refusals(self, mails: list[_Mail]) -> dict[int, str]:
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

    def _auto_reply(self, mail: _Mail, customer: Customer | None, lookup: matching.Lookup) -> None:
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
        self, deliveries: list[tuple[_Mail, matching.Lookup]], known: dict[str, Customer]
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
        new: list[tuple[_Mail, Customer, bool]] = []
        threaded: list[tuple[_Mail, matching.ThreadMatch]] = []
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

    def _settle(self, mail: _Mail, status: str, outcome: str, reason: str) -> None:
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
    customers: dict[str, Customer], mail: _Mail, lookup: matching.Lookup
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
