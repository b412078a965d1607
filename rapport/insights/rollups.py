"""Figures kept per local day (`rapport/insights/models.py`), and which part of a window they
answer.

A window is read from the kept days that lie wholly inside it, are settled (before yesterday in
the desk's zone: today and yesterday are always read live) and fresh (built in the desk's
current zone, not marked stale), and live for the rest: the edges of a window given in exact
times, the recent days, any stale or unbuilt day. Kept and live parts never overlap, so their
sum is what the live query over the whole window gives.

A kept day goes stale when one of its facts changes after it was built. The sweep
(`refresh_rollups`, run by the worker's scheduler and `rapport insights-rollups`) reads what is
new since its last run, by id: messages and signals of a settled day (a late arrival, an
import), and the cases' events that move messages or change a case's owner or team (assigned,
merged, split, opened); each marks the days of its rows stale, and stale and unbuilt days are
built again. A transaction that stays uncommitted across two sweeps while rows of higher ids
are read is the one change it can miss (the mark reads from two sweeps back).

Time to a named human keeps, per local day a case was created on, its customer-started cases
per wait bucket (`waits.py`). Their day goes stale when a case of it is answered for the first
time after the day was built (read by `first_response_at` since the mark, an index), or has an
event that moves it or changes its priority (assigned, moved to a team, merged, split, opened,
priority), or a response to its public post recorded (dated when it was made, maybe before the
mark). A kept day with a case not answered yet whose deadline is still to come holds until
that deadline (`RollupDay.changes_at`), then is read live and built again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import Count, DateField, F, Max, Min, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate

from rapport.cases.models import (
    Call,
    Case,
    CaseEvent,
    CaseEventKind,
    Direction,
    Initiative,
    Message,
)
from rapport.insights import wait_months
from rapport.insights.models import RollupDay, RollupMark, SentimentDay, UpsetReasonDay, WaitDay
from rapport.insights.periods import period_of
from rapport.insights.selectors import ANSWERED, ON_TIME
from rapport.insights.waits import NOT_ANSWERED, bucket_of
from rapport.people.models import Agent
from rapport.triage.models import MessageSignal, TriageSignal

SENTIMENT = "sentiment"
TIME_TO_HUMAN = "time-to-human"
PERSONAL_TOUCH = "personal-touch"
KEPT_QUESTIONS = (SENTIMENT, TIME_TO_HUMAN)
# Days built in one run of the worker's sweep (the command builds every day).
SWEEP_DAYS = 31
# Days built by one set of grouped queries.
CHUNK_DAYS = 31
# More live stretches than this (stale days scattered over the window): read it all live.
MAX_LIVE_RANGES = 24
# Events after which a case's messages may count under another owner, team or case.
MOVING_EVENTS = (
    CaseEventKind.OPENED,
    CaseEventKind.ASSIGNED,
    CaseEventKind.SPLIT,
    CaseEventKind.MERGED,
    CaseEventKind.MERGED_INTO,
)
# Events after which a case's wait may count under another team, case, priority or deadline,
# or its first answer be dated before the first-response mark (a public reply recorded later
# at the time it was made).
WAIT_EVENTS = (*MOVING_EVENTS, CaseEventKind.PRIORITY, CaseEventKind.SOCIAL_RESPONSE)
FIRST_RESPONSE = "first_response"  # a time mark, in microseconds since the epoch
EPOCH = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))


def start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def first_unsettled(now: datetime, zone: ZoneInfo) -> date:
    """Yesterday (local): it and every later day are read live."""
    return now.astimezone(zone).date() - timedelta(days=1)


@dataclass(frozen=True)
class KeptQuestion:
    """A question a feature keeps per day through this module (registered in its app's
    `ready`): `build` writes the kept rows of contiguous days (and returns how many), `changed`
    finds the settled days whose facts changed since the sweep two runs back (one query of
    `local_day`s), `first` when its facts begin."""

    name: str
    build: Callable[[Sequence[date], ZoneInfo], int]
    changed: Callable[[datetime, ZoneInfo], QuerySet[Any, Any]]
    first: Callable[[], datetime | None]


_REGISTERED: dict[str, KeptQuestion] = {}


def register_kept(question: KeptQuestion) -> None:
    _REGISTERED[question.name] = question


def kept_questions() -> tuple[str, ...]:
    return (*KEPT_QUESTIONS, *_REGISTERED)


@dataclass(frozen=True)
class Keys:
    """The filters of a scope over the whole desk, as the kept rows' columns: a rollup answers
    only such a scope (a narrower one reads live)."""

    team: int | None = None
    site: int | None = None
    agent: int | None = None
    brand: int | None = None

    def narrow(self, rows: QuerySet[Any, Any], *, via: str = "") -> QuerySet[Any, Any]:
        """Kept rows of the cases these filters choose (the whole desk's rows when there is
        no filter), or, `via` their case, live rows. Live rows are joined to their case rather
        than narrowed by `case_id IN (SELECT …)`: for two days of messages of one team SQLite
        walked the team's ~90k cases and probed each one's messages (1.5 s at 1M cases);
        joined, it reads the two days."""
        to = f"{via}__" if via else ""
        if not via:
            # The whole desk's rows answer a window with no filter (a few a day).
            # `IN`, not `=`: Django writes `whole = true` as a bare `"whole"` on SQLite, which
            # no index can seek on (the whole desk's five days of waits scanned every kept row
            # of the year: 425 ms at 1M cases).
            rows = rows.filter(whole__in=[self == Keys()])
        if self.team is not None:
            rows = rows.filter(**{f"{to}team": self.team})
        if self.agent is not None:
            rows = rows.filter(**{f"{to}owner": self.agent})
        if self.site is not None:
            if via:
                rows = rows.filter(**{f"{to}owner__site": self.site})
            else:
                rows = rows.filter(owner__in=Agent.objects.filter(site=self.site).values("pk"))
        if self.brand is not None:
            rows = rows.filter(**{f"{to}brand": self.brand})
        return rows


@dataclass(frozen=True)
class Split:
    """A window cut into the days read from a rollup and the stretches read live."""

    kept: list[date]
    live: list[tuple[datetime, datetime]]

    def live_q(self, field: str) -> Q:
        """Rows of the live stretches (none: a condition no row meets)."""
        return _any(Q(**{f"{field}__gte": begin, f"{field}__lt": end}) for begin, end in self.live)

    def kept_q(self) -> Q:
        """Kept rows of the kept days, as contiguous runs of days."""
        return _any(Q(day__gte=first, day__lte=last) for first, last in _runs(self.kept))


def _any(conditions: Iterable[Q]) -> Q:
    found = list(conditions)
    if not found:
        return Q(pk__in=[])
    q = found[0]
    for condition in found[1:]:
        q |= condition
    return q


def _runs(days: Sequence[date]) -> list[tuple[date, date]]:
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _fresh(
    question: str, first: date, last: date, *, now: datetime, zone: ZoneInfo
) -> QuerySet[Any, Any]:
    """The days from `first` to `last` kept fresh in `zone` whose figures still hold at `now`."""
    days: QuerySet[Any, Any] = RollupDay.objects.filter(
        Q(changes_at__isnull=True) | Q(changes_at__gt=now),
        question=question,
        day__gte=first,
        day__lte=last,
        zone=zone.key,
        stale=False,
    ).values_list("day", flat=True)
    return days


def split_window(
    question: str, *, since: datetime, until: datetime, now: datetime, zone: ZoneInfo
) -> Split:
    """The fresh kept days wholly inside [since, until) before yesterday whose facts did not
    change since the last sweeps (two queries; one when none is kept)."""
    first = since.astimezone(zone).date()
    if start_of(first, zone) < since:
        first += timedelta(days=1)
    last = min(
        until.astimezone(zone).date() - timedelta(days=1), first_unsettled(now, zone) - timedelta(1)
    )
    while last >= first and start_of(last + timedelta(days=1), zone) > until:
        last -= timedelta(days=1)
    kept: list[date] = []
    if last >= first:
        kept = list(_fresh(question, first, last, now=now, zone=zone).order_by("day"))
        if kept:
            changed = {day for (day,) in changed_days(question, now=now, zone=zone)}
            kept = [day for day in kept if day not in changed]
    live: list[tuple[datetime, datetime]] = []
    begin = since
    for day_first, day_last in _runs(kept):
        if begin < start_of(day_first, zone):
            live.append((begin, start_of(day_first, zone)))
        begin = start_of(day_last + timedelta(days=1), zone)
    if begin < until:
        live.append((begin, until))
    if len(live) > MAX_LIVE_RANGES:
        return Split([], [(since, until)])
    return Split(kept, live)


# -- building ----------------------------------------------------------------------------------


def day_of(field: str, days: Sequence[date], zone: ZoneInfo) -> Any:
    return period_of(field, [start_of(day, zone) for day in days], list(days), DateField())


def case_keys(via: str = "") -> dict[str, Any]:
    """The owner, team and brand of the rows' case (`via`), or of the cases themselves."""
    to = f"{via}__" if via else ""
    return {f"{key}_key": F(f"{to}{key}") for key in ("owner", "team", "brand")}


def keys_of(whole: bool, *more: str) -> tuple[str, ...]:
    """What rows are grouped by: the day (and `more`), and the case's keys unless `whole`."""
    return ("day", *more) if whole else ("day", "owner_key", "team_key", "brand_key", *more)


def kept_where(row: dict[str, Any], *, whole: bool) -> dict[str, Any]:
    """A grouped row's day and case keys as a kept row's columns."""
    return {
        "day": row["day"],
        "whole": whole,
        "owner": row.get("owner_key"),
        "team": row.get("team_key"),
        "brand": row.get("brand_key"),
    }


def _sentiment_rows(
    days: Sequence[date], zone: ZoneInfo, *, whole: bool
) -> tuple[list[SentimentDay], list[UpsetReasonDay]]:
    """Three grouped queries over the contiguous `days`: the rows per day and owner, team and
    brand, or (`whole`) per day for the whole desk (no Python over messages)."""
    begin, end = start_of(days[0], zone), start_of(days[-1] + timedelta(days=1), zone)
    keys = keys_of(whole)
    inbound = (
        Message.objects.filter(
            direction=Direction.INBOUND, created_at__gte=begin, created_at__lt=end
        )
        .annotate(day=day_of("created_at", days, zone), **case_keys("case"))
        .values(*keys)
        .annotate(n=Count("created_at"))
    )
    raised = MessageSignal.objects.filter(at__gte=begin, at__lt=end).annotate(
        day=day_of("at", days, zone), **case_keys("case")
    )
    signals = raised.values(*keys).annotate(
        **{
            str(signal): Count("message", distinct=True, filter=Q(signal=signal))
            for signal in (TriageSignal.UPSET, TriageSignal.URGENT, TriageSignal.COMPLIMENT)
        }
    )
    reasons = (
        raised.filter(signal=TriageSignal.UPSET)
        .values(*keys, "kind")
        .annotate(n=Count("message", distinct=True))
    )
    counts: dict[tuple[Any, ...], list[int]] = {
        tuple(row[k] for k in keys): [row["n"], 0, 0, 0] for row in inbound
    }
    for row in signals:
        figures = counts.setdefault(tuple(row[k] for k in keys), [0, 0, 0, 0])
        figures[1:] = [row["upset"], row["urgent"], row["compliment"]]

    day_rows = [
        SentimentDay(
            **kept_where(dict(zip(keys, key, strict=True)), whole=whole),
            messages=m,
            upset=u,
            urgent=r,
            compliment=c,
        )
        for key, (m, u, r, c) in counts.items()
    ]
    reason_rows = [
        UpsetReasonDay(**kept_where(row, whole=whole), kind=row["kind"], messages=row["n"])
        for row in reasons
    ]
    return day_rows, reason_rows


def _build_sentiment(days: Sequence[date], zone: ZoneInfo) -> tuple[int, int]:
    """The kept rows of `days`, per owner, team and brand and for the whole desk."""
    keyed, keyed_reasons = _sentiment_rows(days, zone, whole=False)
    desk, desk_reasons = _sentiment_rows(days, zone, whole=True)
    SentimentDay.objects.filter(day__gte=days[0], day__lte=days[-1]).delete()
    UpsetReasonDay.objects.filter(day__gte=days[0], day__lte=days[-1]).delete()
    SentimentDay.objects.bulk_create([*keyed, *desk], batch_size=2000)
    UpsetReasonDay.objects.bulk_create([*keyed_reasons, *desk_reasons], batch_size=2000)
    return len(keyed) + len(desk), len(keyed_reasons) + len(desk_reasons)


def _wait_rows(days: Sequence[date], zone: ZoneInfo, *, now: datetime) -> list[WaitDay]:
    """Four grouped queries over the customer-started cases created on the contiguous `days`:
    per day, wait bucket and channel, and per day, bucket and priority, each per team and brand
    and for the whole desk."""
    begin, end = start_of(days[0], zone), start_of(days[-1] + timedelta(days=1), zone)
    cases = Case.objects.filter(
        initiative=Initiative.CUSTOMER, created_at__gte=begin, created_at__lt=end
    ).annotate(day=day_of("created_at", days, zone), bucket=wait_bucket())
    rows: list[WaitDay] = []
    for dimension, column in (("origin_channel", "channel"), ("priority", "priority")):
        for whole in (False, True):
            keys = ("day", dimension, "bucket", *(() if whole else ("team", "brand")))
            rows.extend(
                WaitDay(
                    day=row["day"],
                    whole=whole,
                    team=row.get("team"),
                    brand=row.get("brand"),
                    **{column: row[dimension]},
                    **{k: row[k] for k in ("bucket", *WAIT_FIGURES)},
                )
                for row in cases.values(*keys).annotate(**wait_figures(now)).order_by()
            )
    return rows


WAIT_FIGURES = ("cases", "on_time", "no_deadline", "late")


def wait_bucket() -> Any:
    """A case's wait bucket, NOT_ANSWERED when no person answered it yet."""
    return CaseWhen(
        When(first_response_at__isnull=True, then=Value(NOT_ANSWERED)),
        default=bucket_of("first_wait"),
    )


def wait_figures(now: datetime) -> dict[str, Any]:
    return {
        "cases": Count("pk"),
        "on_time": Count("pk", filter=ON_TIME),
        "no_deadline": Count("pk", filter=ANSWERED & Q(first_response_due_at__isnull=True)),
        "late": Count(
            "pk", filter=Q(first_response_at__isnull=True, first_response_due_at__lte=now)
        ),
    }


def _changes_at(days: Sequence[date], zone: ZoneInfo, *, now: datetime) -> dict[date, datetime]:
    """Per day, the first deadline still to come of a case not answered yet."""
    begin, end = start_of(days[0], zone), start_of(days[-1] + timedelta(days=1), zone)
    waiting = Case.objects.filter(
        initiative=Initiative.CUSTOMER,
        created_at__gte=begin,
        created_at__lt=end,
        first_response_at__isnull=True,
        first_response_due_at__gt=now,
    )
    return {
        row["day"]: row["at"]
        for row in waiting.annotate(day=day_of("created_at", days, zone))
        .values("day")
        .annotate(at=Min("first_response_due_at"))
        .order_by()
    }


@transaction.atomic
def build_days(question: str, days: Sequence[date], *, zone: ZoneInfo, now: datetime) -> int:
    """Build the kept rows of contiguous `days` and mark them fresh in `zone`."""
    changes: dict[date, datetime] = {}
    if question == TIME_TO_HUMAN:
        rows = _wait_rows(days, zone, now=now)
        changes = _changes_at(days, zone, now=now)
        count = wait_months.keep_days(days, rows)
    elif question in _REGISTERED:
        count = _REGISTERED[question].build(days, zone)
    else:
        count = sum(_build_sentiment(days, zone))
    RollupDay.objects.filter(question=question, day__gte=days[0], day__lte=days[-1]).delete()
    RollupDay.objects.bulk_create(
        [
            RollupDay(question=question, day=day, zone=zone.key, changes_at=changes.get(day))
            for day in days
        ]
    )
    if question == TIME_TO_HUMAN:  # its months, once their days are kept
        wait_months.keep_months(question, days)
    return count


# -- what changed --------------------------------------------------------------------------------


_WATCHED: tuple[tuple[str, QuerySet[Any, Any]], ...] = (
    ("message", Message.objects.all()),
    ("signal", MessageSignal.objects.all()),
    ("event", CaseEvent.objects.all()),
    ("call", Call.objects.all()),
)


def _tops() -> dict[str, int]:
    tops = {name: rows.aggregate(top=Max("pk"))["top"] or 0 for name, rows in _WATCHED}
    answered = Case.objects.aggregate(top=Max("first_response_at"))["top"]
    tops[FIRST_RESPONSE] = (
        0 if answered is None else (answered - EPOCH) // timedelta(microseconds=1)
    )
    return tops


def _marks() -> dict[str, RollupMark]:
    names = [*(name for name, _ in _WATCHED), FIRST_RESPONSE]
    found = RollupMark.objects.in_bulk(names)
    missing = [name for name in names if name not in found]
    if missing:
        # Nothing was kept before them: start from now.
        tops = _tops()
        for name in missing:
            found[name] = RollupMark.objects.create(name=name, seen=tops[name], previous=tops[name])
    return found


def since_mark(name: str) -> Subquery:
    return Subquery(RollupMark.objects.filter(name=name).values("previous")[:1])


def changed_days(question: str, *, now: datetime, zone: ZoneInfo) -> QuerySet[Any, Any]:
    """One query (two for time to a human): the settled local days whose facts changed since
    the sweep two runs back. Sentiment: new messages, of either direction, and signals of those
    days; customers' messages and signals of cases with an event that moves them. Time to a
    human: the days cases were created on that were answered for the first time since, or had
    an event that moves them or changes their priority. The sweep marks them stale; a read
    before that reads them live."""
    if question == TIME_TO_HUMAN:
        return _changed_wait_days(now=now, zone=zone)
    if question in _REGISTERED:
        return _REGISTERED[question].changed(now, zone)
    horizon = start_of(first_unsettled(now, zone), zone)
    moved = events_since(*MOVING_EVENTS)
    inbound = Message.objects.filter(direction=Direction.INBOUND, created_at__lt=horizon)
    signals = MessageSignal.objects.filter(at__lt=horizon)
    changed = new_days(Message.objects.all(), "created_at", "message", now=now, zone=zone)
    return changed.union(
        new_days(MessageSignal.objects.all(), "at", "signal", now=now, zone=zone),
        days_of(inbound.filter(case__in=moved), "created_at", zone),
        days_of(signals.filter(case__in=moved), "at", zone),
    )


def new_days(
    rows: QuerySet[Any, Any], field: str, mark: str, *, now: datetime, zone: ZoneInfo
) -> QuerySet[Any, Any]:
    """The settled local days of `rows` added since the sweep two runs back. Only the id is
    compared with an indexed column, so the rows since the mark are read by id, however old the
    window: a condition on the time (or the direction) led SQLite to walk every message before
    yesterday by `message_window` (0.6-1.4 s at 1M cases)."""
    new = days_of(rows.filter(pk__gt=since_mark(mark)), field, zone)
    return new.filter(local_day__lt=first_unsettled(now, zone))


def events_since(*kinds: str) -> QuerySet[Any, Any]:
    """The cases of the events of `kinds` since the sweep two runs back."""
    return CaseEvent.objects.filter(pk__gt=since_mark("event"), kind__in=kinds).values("case")


def days_of(rows: QuerySet[Any, Any], field: str, zone: ZoneInfo) -> QuerySet[Any, Any]:
    found: QuerySet[Any, Any] = rows.annotate(local_day=TruncDate(field, tzinfo=zone)).values_list(
        "local_day"
    )
    return found


def _changed_wait_days(*, now: datetime, zone: ZoneInfo) -> QuerySet[Any, Any]:
    horizon = start_of(first_unsettled(now, zone), zone)
    since = RollupMark.objects.filter(name=FIRST_RESPONSE).values_list("previous", flat=True)
    # Answered since the mark (by `case_first_response`: only the recent answers are read).
    answered = (
        Case.objects.filter(
            first_response_at__gte=EPOCH + timedelta(microseconds=since[0]),
            created_at__lt=horizon,
        )
        if since
        else Case.objects.none()
    )
    moved = events_since(*WAIT_EVENTS)
    return days_of(answered, "created_at", zone).union(
        days_of(Case.objects.filter(pk__in=moved, created_at__lt=horizon), "created_at", zone)
    )


def mark_changes(*, now: datetime, zone: ZoneInfo) -> list[date]:
    """Mark stale the kept days whose facts changed since the sweep two runs back, and move the
    marks on."""
    marks = _marks()
    tops = _tops()
    days: set[date] = set()
    for question in kept_questions():
        changed = {day for (day,) in changed_days(question, now=now, zone=zone)}
        if changed:
            RollupDay.objects.filter(question=question, day__in=changed).update(stale=True)
        days |= changed
    # A day kept in another zone is not read in this one, and what changes now is found by this
    # zone's days, not its: if the desk's zone changed back, it would be read as fresh.
    RollupDay.objects.exclude(zone=zone.key).filter(stale=False).update(stale=True)
    for name, mark in marks.items():
        RollupMark.objects.filter(pk=name).update(
            previous=mark.seen, seen=max(tops[name], mark.seen)
        )
    return sorted(days)


def days_to_build(question: str, *, now: datetime, zone: ZoneInfo) -> list[date]:
    """Settled days since the first customer's message (or case) that are unbuilt, stale, built
    in another zone or changed by time since, oldest first."""
    if question == TIME_TO_HUMAN:
        first_at = Case.objects.filter(initiative=Initiative.CUSTOMER).aggregate(
            first=Min("created_at")
        )["first"]
    elif question in _REGISTERED:
        first_at = _REGISTERED[question].first()
    else:
        first_at = Message.objects.filter(direction=Direction.INBOUND).aggregate(
            first=Min("created_at")
        )["first"]
    if first_at is None:
        return []
    first, last = first_at.astimezone(zone).date(), first_unsettled(now, zone) - timedelta(1)
    fresh = set(_fresh(question, first, last, now=now, zone=zone))
    return [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if first + timedelta(days=n) not in fresh
    ]


def refresh_rollups(
    *, now: datetime, zone: ZoneInfo, limit: int | None = SWEEP_DAYS
) -> dict[str, Any]:
    """Mark what changed, then build up to `limit` stale or unbuilt days (None: all)."""
    staled = mark_changes(now=now, zone=zone)
    built: set[date] = set()
    for question in kept_questions():
        wanted = days_to_build(question, now=now, zone=zone)
        if limit is not None:
            wanted = wanted[-limit:]  # the most recent first: the windows people look at
        for first, last in _runs(wanted):
            day = first
            while day <= last:
                count = min(CHUNK_DAYS, (last - day).days + 1)
                chunk = [day + timedelta(days=n) for n in range(count)]
                build_days(question, chunk, zone=zone, now=now)
                built.update(chunk)
                day = chunk[-1] + timedelta(days=1)
    return {"staled": [str(d) for d in staled], "built": [str(d) for d in sorted(built)]}


def sweep_rollups(*, now: datetime) -> dict[str, Any]:
    """The worker's sweep: mark the kept days whose facts changed and build the stale and missing
    ones, SWEEP_DAYS a run (`rapport rollups` builds them all)."""
    return refresh_rollups(now=now, zone=ZoneInfo(settings.TIME_ZONE))
