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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DateField, F, Max, Min, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate

from rapport.cases.models import CaseEvent, CaseEventKind, Direction, Message
from rapport.insights.models import RollupDay, RollupMark, SentimentDay, UpsetReasonDay
from rapport.insights.periods import period_of
from rapport.people.models import Agent
from rapport.triage.models import MessageSignal, TriageSignal

SENTIMENT = "sentiment"
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


def start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def first_unsettled(now: datetime, zone: ZoneInfo) -> date:
    """Yesterday (local): it and every later day are read live."""
    return now.astimezone(zone).date() - timedelta(days=1)


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
            rows = rows.filter(whole=self == Keys())
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
        kept = list(
            RollupDay.objects.filter(
                question=question, day__gte=first, day__lte=last, zone=zone.key, stale=False
            )
            .order_by("day")
            .values_list("day", flat=True)
        )
        if kept:
            changed = {day for (day,) in changed_days(now=now, zone=zone)}
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


def _day_of(field: str, days: Sequence[date], zone: ZoneInfo) -> Any:
    return period_of(field, [start_of(day, zone) for day in days], list(days), DateField())


def _case_keys(via: str) -> dict[str, Any]:
    return {
        "owner_key": F(f"{via}__owner"),
        "team_key": F(f"{via}__team"),
        "brand_key": F(f"{via}__brand"),
    }


def _sentiment_rows(
    days: Sequence[date], zone: ZoneInfo, *, whole: bool
) -> tuple[list[SentimentDay], list[UpsetReasonDay]]:
    """Three grouped queries over the contiguous `days`: the rows per day and owner, team and
    brand, or (`whole`) per day for the whole desk (no Python over messages)."""
    begin, end = start_of(days[0], zone), start_of(days[-1] + timedelta(days=1), zone)
    keys = ("day",) if whole else ("day", "owner_key", "team_key", "brand_key")
    inbound = (
        Message.objects.filter(
            direction=Direction.INBOUND, created_at__gte=begin, created_at__lt=end
        )
        .annotate(day=_day_of("created_at", days, zone), **_case_keys("case"))
        .values(*keys)
        .annotate(n=Count("created_at"))
    )
    raised = MessageSignal.objects.filter(at__gte=begin, at__lt=end).annotate(
        day=_day_of("at", days, zone), **_case_keys("case")
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

    def where(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "day": row["day"],
            "whole": whole,
            "owner": row.get("owner_key"),
            "team": row.get("team_key"),
            "brand": row.get("brand_key"),
        }

    day_rows = [
        SentimentDay(
            **where(dict(zip(keys, key, strict=True))),
            messages=m,
            upset=u,
            urgent=r,
            compliment=c,
        )
        for key, (m, u, r, c) in counts.items()
    ]
    reason_rows = [
        UpsetReasonDay(**where(row), kind=row["kind"], messages=row["n"]) for row in reasons
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


@transaction.atomic
def build_days(question: str, days: Sequence[date], *, zone: ZoneInfo) -> tuple[int, int]:
    """Build the kept rows of contiguous `days` and mark them fresh in `zone`."""
    rows = _build_sentiment(days, zone)
    RollupDay.objects.filter(question=question, day__gte=days[0], day__lte=days[-1]).delete()
    RollupDay.objects.bulk_create(
        [RollupDay(question=question, day=day, zone=zone.key) for day in days]
    )
    return rows


# -- what changed --------------------------------------------------------------------------------


_WATCHED: tuple[tuple[str, QuerySet[Any, Any]], ...] = (
    ("message", Message.objects.all()),
    ("signal", MessageSignal.objects.all()),
    ("event", CaseEvent.objects.all()),
)


def _marks() -> dict[str, RollupMark]:
    found = RollupMark.objects.in_bulk([name for name, _ in _WATCHED])
    missing = [name for name, _ in _WATCHED if name not in found]
    if missing:
        # Nothing was kept before them: start from now.
        tops = {name: rows.aggregate(top=Max("pk"))["top"] or 0 for name, rows in _WATCHED}
        for name in missing:
            found[name] = RollupMark.objects.create(name=name, seen=tops[name], previous=tops[name])
    return found


def _since_mark(name: str) -> Subquery:
    return Subquery(RollupMark.objects.filter(name=name).values("previous")[:1])


def changed_days(*, now: datetime, zone: ZoneInfo) -> QuerySet[Any, Any]:
    """One query: the settled local days whose facts changed since the sweep two runs back
    (new messages, of either direction, and signals of those days; customers' messages and
    signals of cases with an event that moves them). The sweep marks them stale; a read before
    that reads them live."""
    horizon = start_of(first_unsettled(now, zone), zone)
    moved = CaseEvent.objects.filter(pk__gt=_since_mark("event"), kind__in=MOVING_EVENTS).values(
        "case"
    )
    inbound = Message.objects.filter(direction=Direction.INBOUND, created_at__lt=horizon)
    signals = MessageSignal.objects.filter(at__lt=horizon)
    settled = first_unsettled(now, zone)

    def days(rows: QuerySet[Any, Any], field: str) -> QuerySet[Any, Any]:
        day: QuerySet[Any, Any] = rows.annotate(
            local_day=TruncDate(field, tzinfo=zone)
        ).values_list("local_day")
        return day

    def new(rows: QuerySet[Any, Any], field: str, mark: str) -> QuerySet[Any, Any]:
        # Only the id is compared with an indexed column, so the rows since the mark are read
        # by id, however old the window: a condition on the time (or the direction) led SQLite
        # to walk every message before yesterday by `message_window` (0.6-1.4 s at 1M cases).
        return days(rows.filter(pk__gt=_since_mark(mark)), field).filter(local_day__lt=settled)

    changed = new(Message.objects.all(), "created_at", "message")
    return changed.union(
        new(MessageSignal.objects.all(), "at", "signal"),
        days(inbound.filter(case__in=moved), "created_at"),
        days(signals.filter(case__in=moved), "at"),
    )


def mark_changes(*, now: datetime, zone: ZoneInfo) -> list[date]:
    """Mark stale the kept days whose facts changed since the sweep two runs back, and move the
    marks on."""
    marks = _marks()
    tops = {name: rows.aggregate(top=Max("pk"))["top"] or 0 for name, rows in _WATCHED}
    days = sorted({day for (day,) in changed_days(now=now, zone=zone)})
    if days:
        RollupDay.objects.filter(day__in=days).update(stale=True)
    # A day kept in another zone is not read in this one, and what changes now is found by this
    # zone's days, not its: if the desk's zone changed back, it would be read as fresh.
    RollupDay.objects.exclude(zone=zone.key).filter(stale=False).update(stale=True)
    for name, mark in marks.items():
        RollupMark.objects.filter(pk=name).update(
            previous=mark.seen, seen=max(tops[name], mark.seen)
        )
    return days


def days_to_build(question: str, *, now: datetime, zone: ZoneInfo) -> list[date]:
    """Settled days since the first customer's message that are unbuilt, stale or built in
    another zone, oldest first."""
    first_at = Message.objects.filter(direction=Direction.INBOUND).aggregate(
        first=Min("created_at")
    )["first"]
    if first_at is None:
        return []
    first, last = first_at.astimezone(zone).date(), first_unsettled(now, zone) - timedelta(1)
    fresh = set(
        RollupDay.objects.filter(
            question=question, day__gte=first, day__lte=last, zone=zone.key, stale=False
        ).values_list("day", flat=True)
    )
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
    wanted = days_to_build(SENTIMENT, now=now, zone=zone)
    if limit is not None:
        wanted = wanted[-limit:]  # the most recent first: the windows people look at
    built: list[str] = []
    for first, last in _runs(wanted):
        day = first
        while day <= last:
            chunk = [day + timedelta(days=n) for n in range(min(CHUNK_DAYS, (last - day).days + 1))]
            build_days(SENTIMENT, chunk, zone=zone)
            built.extend(str(d) for d in chunk)
            day = chunk[-1] + timedelta(days=1)
    return {"staled": [str(d) for d in staled], "built": built}


def sentiment_kept(
    split: Split, keys: Keys, week: Any
) -> tuple[Iterable[dict[str, Any]], Iterable[dict[str, Any]]]:
    """Two queries' rows: kept figures per week, and upset messages per kind."""
    if not split.kept:
        return [], []
    # Coalesced: a window of one week groups by a constant, which the database drops, and no
    # kept row of the filter then still answers one row of NULL sums.
    per_week = (
        keys.narrow(SentimentDay.objects.filter(split.kept_q()))
        .annotate(week=week)
        .values("week")
        .annotate(
            **{
                name: Coalesce(Sum(column), 0)
                for name, column in (
                    ("n", "messages"),
                    ("upset", "upset"),
                    ("urgent", "urgent"),
                    ("compliment", "compliment"),
                )
            }
        )
    )
    reasons = (
        keys.narrow(UpsetReasonDay.objects.filter(split.kept_q()))
        .values("kind")
        .annotate(n=Sum("messages"))
    )
    return list(per_week), list(reasons)


def sweep_rollups(*, now: datetime) -> dict[str, Any]:
    """The worker's sweep: mark the kept days whose facts changed and build the stale and missing
    ones, SWEEP_DAYS a run (`rapport rollups` builds them all)."""
    return refresh_rollups(now=now, zone=ZoneInfo(settings.TIME_ZONE))
