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
locks held for milliseconds (two workers on PostgreSQL never wait on each other across waves)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from rapport.lib.durability import unsynced_commits
from rapport.lib.errors import Conflict
from rapport.mail import bounds
from rapport.mail.intake import IntakeResult, clean_strings, clean_text
from rapport.mail.models import INBOUND_TRANSITIONS, InboundEmail, InboundStatus, Outcome
from rapport.mail.refusals import recent_counts
from rapport.mail.waves import PENDING, Mail, Wave, next_wave
from rapport.routing.service import loads_cache

logger = logging.getLogger("rapport.mail")


MAX_BACKOFF = timedelta(hours=1)


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
    queue: list[Mail] = []
    failures: list[tuple[int, Exception]] = []
    for pk in ids:
        if pk not in rows:
            continue
        try:
            # Parsed before the transaction, so the write lock is held only for the writes.
            parsed = clean_strings(bounds.read_mail(bytes(rows[pk].raw)))
            queue.append(Mail(rows[pk], parsed, order=len(queue)))
        except Exception as exc:
            failures.append((pk, exc))
        rows[pk].raw = b""  # not needed any more: a batch holds less memory
    _count_recent_mail(queue)
    done: dict[int, InboundEmail] = {}
    while queue:
        wave, rest = next_wave(queue)
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


def _count_recent_mail(queue: list[Mail]) -> None:
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


def _ours(queue: list[Mail]) -> list[Mail]:
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


def _attempt(
    mails: list[Mail],
    failures: list[tuple[int, Exception]],
    *,
    behind: list[Mail],
    retried: bool = False,
) -> tuple[list[Mail], list[Mail]]:
    """Process a wave in its own transaction: (the mails settled, the mails left for the next
    wave). `behind` are the mails put off that mails of the wave skip ahead of. Its locks are
    held for milliseconds and never across waves, so two workers cannot each hold what the
    other waits for. If it fails, each mail is tried alone, and the one at fault is recorded
    as failed."""
    try:
        # Routing counts the wave's assignments for the wave, and forgets them if it fails.
        with loads_cache.holding(), transaction.atomic():
            wave = Wave([mail.fresh() for mail in _ours(mails)], behind)
            wave.run()
    except Exception as exc:
        if len(mails) == 1:
            if _lost_race(exc) and not retried:
                # A race lost to another worker (a claim, a new address, a deadlock): once
                # more, in a new transaction that sees what the other committed.
                return _attempt(mails, failures, behind=behind, retried=True)
            failures.append((mails[0].row.pk, exc))
            return [], []
        settled: list[Mail] = []
        deferred: list[Mail] = []
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
