"""Personal touch: replies a person wrote themself rather than from a saved reply or the desk's
automatic messages, replies signed by the person who wrote them, cases one person owned from
start to end, and calls per case. All in SQL.

Replies are the desk's outbound messages sent in the period. Every reply a person writes is
signed with their name by the outbox (`mail.actions.outbox.signature`), except a chat line,
which the customer sees under the agent's name in the chat; an automatic message (no author:
acknowledgments, surveys, notices) is signed by the desk. Ownership and calls are read over the
cases resolved in the period: a case "changed hands" when an `assigned` event moved it from one
named person to another (a first owner given later is not a change of hands).

Settled days are kept per day (`ReplyDay`, `ResolvedDay`; `rapport/insights/rollups.py`): replies
per day of sending, author and case keys, resolved cases per day of resolving and case keys. Such
a day goes stale when a reply arrives late (an import), a case with replies or resolved on it
moves (assigned, merged, split), a call is logged on a case resolved on it, or a case resolved on
it is resolved again or reopened (its old `resolved_at` is in the status event's `before`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.fields import DateTimeField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from rapport.cases.models import Call, Case, CaseEvent, CaseEventKind, Direction, Message
from rapport.insights.models import ReplyDay, ResolvedDay
from rapport.insights.narrow import RowT, of_cases
from rapport.insights.periods import percent
from rapport.insights.rollups import (
    MOVING_EVENTS,
    PERSONAL_TOUCH,
    KeptQuestion,
    Keys,
    Split,
    case_keys,
    day_of,
    days_of,
    events_since,
    first_unsettled,
    kept_where,
    keys_of,
    new_days,
    since_mark,
    split_window,
    start_of,
)
from rapport.people.models import Agent, Channel

AUTHOR_ROWS = 50
CALL_BUCKETS = ("0", "1", "2", "3+")


@dataclass(frozen=True)
class Replies:
    replies: int
    by_hand: int  # written by a person, not started from a saved reply
    saved_edited: int  # started from a saved reply and changed
    saved_unchanged: int  # a saved reply sent word for word
    automatic: int  # no author: the desk's own messages
    chat_by_person: int  # a person's chat lines (named in the chat, not signed)

    @property
    def by_person(self) -> int:
        return self.replies - self.automatic

    @property
    def signed(self) -> int:
        """Signed with the name of the person who wrote it."""
        return self.by_person - self.chat_by_person

    @property
    def by_hand_percent(self) -> float | None:
        return percent(self.by_hand, self.replies)

    @property
    def signed_percent(self) -> float | None:
        return percent(self.signed, self.replies)


@dataclass(frozen=True)
class AuthorRow:
    agent_id: int
    agent: str
    replies: Replies


@dataclass(frozen=True)
class Ownership:
    resolved: int
    one_owner: int  # a named owner, never handed to another person
    changed_hands: int
    no_owner: int
    calls: int
    calls_per_case: dict[str, int]  # "0", "1", "2", "3+" -> cases

    @property
    def one_owner_percent(self) -> float | None:
        return percent(self.one_owner, self.resolved)

    @property
    def average_calls(self) -> float | None:
        return round(self.calls / self.resolved, 2) if self.resolved else None


@dataclass(frozen=True)
class PersonalTouch:
    replies: Replies
    by_author: list[AuthorRow]
    ownership: Ownership


# What the reply counts count: a column every message has that `message_window` holds (the id is
# not in it), so PostgreSQL counts from the index alone, as SQLite does.
ROW = "created_at"


def _reply_figures() -> dict[str, Any]:
    person = Q(author__isnull=False)
    return {
        "replies": Count(ROW),
        "by_hand": Count(ROW, filter=person & Q(sent_unchanged__isnull=True)),
        "saved_edited": Count(ROW, filter=person & Q(sent_unchanged=False)),
        "saved_unchanged": Count(ROW, filter=person & Q(sent_unchanged=True)),
        "automatic": Count(ROW, filter=Q(author__isnull=True)),
        "chat_by_person": Count(ROW, filter=person & Q(channel=Channel.CHAT)),
    }


REPLY_FIGURES = tuple(field.name for field in fields(Replies))
# A resolved day's kept figures beside the ownership's, the cases with one, two, 3+ calls.
OWNED_FIGURES = ("resolved", "one_owner", "changed_hands", "no_owner", "calls")
CALL_FIGURES = dict(zip(CALL_BUCKETS[1:], ("one_call", "two_calls", "more_calls"), strict=True))


def _handed(resolved: QuerySet[Case]) -> QuerySet[Any, Any]:
    """The `resolved` cases moved from one named person to another. `before__owner=None` is a
    JSON null: nobody had it yet, so nobody handed it over. One set of case ids, read once (not
    a subquery per case: 4.9 s for one week on PostgreSQL), each resolved case's hand-overs
    found through `event_case_kind`."""
    return (
        CaseEvent.objects.filter(kind=CaseEventKind.ASSIGNED, case__in=resolved.values("pk"))
        .exclude(before__owner=None)
        .alias(now=KT("after__owner"))
        .exclude(now=KT("before__owner"))  # moved teams, kept the owner
        .values("case")
    )


def _owners(resolved: QuerySet[Case]) -> QuerySet[Any, Any]:
    """The `resolved` cases with whether they had a named owner and changed hands."""
    return resolved.annotate(
        named=ExpressionWrapper(Q(owner__isnull=False), output_field=BooleanField()),
        changed=ExpressionWrapper(Q(pk__in=_handed(resolved)), output_field=BooleanField()),
    )


def _owned(groups: dict[tuple[bool, bool], int]) -> dict[str, int]:
    """Counts per (named owner?, handed over?) as the ownership's figures."""
    return {
        "resolved": sum(groups.values()),
        "one_owner": groups.get((True, False), 0),
        "changed_hands": groups.get((True, True), 0) + groups.get((False, True), 0),
        "no_owner": groups.get((False, False), 0),
    }


def personal_touch(
    cases: QuerySet[Case],
    *,
    since: datetime,
    until: datetime,
    zone: ZoneInfo | None = None,
    kept: Keys | None = None,
    now: datetime | None = None,
) -> PersonalTouch:
    """Four queries over the live part of the window: replies per author (the AUTHOR_ROWS who
    wrote most shown, all summed), the resolved cases' owners, and their calls-per-case
    distribution. Given `kept` (the scope's filters over the whole desk), `now` and `zone`, the
    settled days kept per day answer their part in three more queries (and two to find them):
    the same figures."""
    if kept is not None and now is not None and zone is not None:
        split = split_window(PERSONAL_TOUCH, since=since, until=until, now=now, zone=zone)
    else:
        split = Split([], [(since, until)])
    keys = kept if kept is not None and split.kept else None

    def narrowed(rows: QuerySet[RowT, Any]) -> QuerySet[RowT, Any]:
        # With kept days the live part is a few days: read them, joined to their cases.
        return keys.narrow(rows, via="case") if keys else of_cases(rows, cases)

    replies = narrowed(
        Message.objects.filter(split.live_q("created_at"), direction=Direction.OUTBOUND)
    )
    per_author: dict[int | None, list[Any]] = {}

    def add(author: int | None, name: str | None, row: dict[str, Any]) -> None:
        found = per_author.setdefault(author, [name, *(0 for _ in REPLY_FIGURES)])
        found[1:] = [n + row[figure] for n, figure in zip(found[1:], REPLY_FIGURES, strict=True)]

    for row in (
        replies.values("author", "author__display_name").annotate(**_reply_figures()).order_by()
    ):
        add(row["author"], row["author__display_name"], row)
    if keys:
        kept_rows = list(
            keys.narrow(ReplyDay.objects.filter(split.kept_q()))
            .values("author")
            .annotate(**{figure: Sum(figure) for figure in REPLY_FIGURES})
            .order_by()
        )
        # Named in a query of their own: a name looked up per kept row (a subquery in the
        # grouping) took 238 ms of a year's 73k whole-desk rows at 1M cases.
        names = dict(
            Agent.objects.filter(pk__in=[row["author"] for row in kept_rows if row["author"]])
            .order_by()
            .values_list("pk", "display_name")
        )
        for row in kept_rows:
            add(row["author"], names.get(row["author"]), row)
    total = Replies(*(sum(found[i] for found in per_author.values()) for i in range(1, 7)))
    authors = sorted(
        ((author, found) for author, found in per_author.items() if author is not None),
        key=lambda item: (-item[1][1], item[1][0], item[0]),
    )
    by_author = [
        AuthorRow(author, found[0], Replies(*found[1:])) for author, found in authors[:AUTHOR_ROWS]
    ]
    resolved = cases.filter(split.live_q("resolved_at"))
    # One row per (named owner?, handed over?): the hand-overs' set is read once, not per row.
    owned = _owned(
        {
            (row["named"], row["changed"]): row["n"]
            for row in _owners(resolved)
            .values("named", "changed")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    # Calls grouped by case once, then the groups counted by their number of calls; a case with
    # none has no group: the "0" bucket is the rest of the resolved cases.
    per_case = (
        narrowed(Call.objects.filter(split.live_q("case__resolved_at")))
        .values("case")
        .annotate(n=Count("pk"))
    )
    *exact, more = CALL_BUCKETS[1:]
    spread = per_case.aggregate(
        calls=Coalesce(Sum("n"), Value(0)),
        **{name: Count("case", filter=Q(n=int(name))) for name in exact},
        **{more: Count("case", filter=Q(n__gte=int(more.rstrip("+"))))},
    )
    if keys:
        sums = keys.narrow(ResolvedDay.objects.filter(split.kept_q())).aggregate(
            **{
                figure: Coalesce(Sum(figure), 0)
                for figure in (*OWNED_FIGURES, *CALL_FIGURES.values())
            }
        )
        owned = {figure: n + sums[figure] for figure, n in owned.items()}
        spread["calls"] += sums["calls"]
        for bucket, figure in CALL_FIGURES.items():
            spread[bucket] += sums[figure]
    calls = spread.pop("calls")
    spread["0"] = owned["resolved"] - sum(spread.values())
    return PersonalTouch(
        replies=total,
        by_author=by_author,
        ownership=Ownership(
            calls=calls, calls_per_case={name: spread[name] for name in CALL_BUCKETS}, **owned
        ),
    )


# -- kept per day (rapport/insights/rollups.py) ------------------------------------------------


def _reply_rows(days: Sequence[date], zone: ZoneInfo, *, whole: bool) -> list[ReplyDay]:
    """One grouped query: the replies of the contiguous `days` per day, author and case keys
    (or, `whole`, per day and author)."""
    begin, end = start_of(days[0], zone), start_of(days[-1] + timedelta(days=1), zone)
    keys = keys_of(whole, "author")
    rows = (
        Message.objects.filter(
            direction=Direction.OUTBOUND, created_at__gte=begin, created_at__lt=end
        )
        .annotate(day=day_of("created_at", days, zone), **case_keys("case"))
        .values(*keys)
        .annotate(**_reply_figures())
        .order_by()
    )
    return [
        ReplyDay(
            **kept_where(row, whole=whole),
            author=row["author"],
            **{figure: row[figure] for figure in REPLY_FIGURES},
        )
        for row in rows
    ]


def _resolved_rows(days: Sequence[date], zone: ZoneInfo, *, whole: bool) -> list[ResolvedDay]:
    """One grouped query: the cases resolved on the contiguous `days` per day and case keys (or,
    `whole`, per day), by owner and handing over, with their calls; the groups of one day and
    keys are summed into its row."""
    begin, end = start_of(days[0], zone), start_of(days[-1] + timedelta(days=1), zone)
    keys = keys_of(whole)
    calls = (
        Call.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    grouped = (
        _owners(Case.objects.filter(resolved_at__gte=begin, resolved_at__lt=end))
        .annotate(
            day=day_of("resolved_at", days, zone),
            **case_keys(),
            n_calls=Coalesce(Subquery(calls), 0),
        )
        .values(*keys, "named", "changed")
        .annotate(
            n=Count("pk"),
            calls=Sum("n_calls"),
            **{
                figure: Count("pk", filter=Q(n_calls=int(bucket)))
                for bucket, figure in CALL_FIGURES.items()
                if bucket.isdigit()
            },
            more_calls=Count("pk", filter=Q(n_calls__gte=int(CALL_BUCKETS[-1].rstrip("+")))),
        )
        .order_by()
    )
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    groups: dict[tuple[Any, ...], dict[tuple[bool, bool], int]] = {}
    for row in grouped:
        key = tuple(row[k] for k in keys)
        found = rows.setdefault(key, {"calls": 0, **dict.fromkeys(CALL_FIGURES.values(), 0)})
        for figure in found:
            found[figure] += row[figure]
        groups.setdefault(key, {})[(row["named"], row["changed"])] = row["n"]
    return [
        ResolvedDay(
            **kept_where(dict(zip(keys, key, strict=True)), whole=whole),
            **figures,
            **{k: v for k, v in _owned(groups[key]).items() if k != "calls"},
        )
        for key, figures in rows.items()
    ]


def _build(days: Sequence[date], zone: ZoneInfo) -> int:
    """The kept rows of `days`, per case keys and for the whole desk."""
    replies = [*_reply_rows(days, zone, whole=False), *_reply_rows(days, zone, whole=True)]
    resolved = [*_resolved_rows(days, zone, whole=False), *_resolved_rows(days, zone, whole=True)]
    ReplyDay.objects.filter(day__gte=days[0], day__lte=days[-1]).delete()
    ResolvedDay.objects.filter(day__gte=days[0], day__lte=days[-1]).delete()
    ReplyDay.objects.bulk_create(replies, batch_size=2000)
    ResolvedDay.objects.bulk_create(resolved, batch_size=2000)
    return len(replies) + len(resolved)


# What changes a resolved case's figures: its owner or team (and whether it changed hands), its
# calls (moved by a merge), its resolving again.
OWNING_EVENTS = (*MOVING_EVENTS, CaseEventKind.STATUS, CaseEventKind.CALL)


def changed_days(now: datetime, zone: ZoneInfo) -> QuerySet[Any, Any]:
    """One query: the settled local days whose personal touch changed since the sweep two runs
    back: days of new replies (and messages); of the replies of cases with an event that moves
    them; the resolved day of a case with an event that changes its owner, team, calls or
    resolving, or with a new call; and the day a case was resolved before it was reopened or
    resolved again (the status event's `before`)."""
    horizon = start_of(first_unsettled(now, zone), zone)
    settled = Case.objects.filter(resolved_at__lt=horizon)
    resolved_again = (
        CaseEvent.objects.filter(
            pk__gt=since_mark("event"), kind=CaseEventKind.STATUS, before__has_key="resolved_at"
        )
        .annotate(was=Cast(KT("before__resolved_at"), DateTimeField()))
        .filter(was__lt=horizon)
    )
    called = Call.objects.filter(pk__gt=since_mark("call")).values("case")
    return new_days(Message.objects.all(), "created_at", "message", now=now, zone=zone).union(
        days_of(
            Message.objects.filter(
                direction=Direction.OUTBOUND,
                created_at__lt=horizon,
                case__in=events_since(*MOVING_EVENTS),
            ),
            "created_at",
            zone,
        ),
        days_of(settled.filter(pk__in=events_since(*OWNING_EVENTS)), "resolved_at", zone),
        days_of(settled.filter(pk__in=called), "resolved_at", zone),
        days_of(resolved_again, "was", zone),
    )


def _first() -> datetime | None:
    """The first reply or resolving."""
    found = [
        Message.objects.filter(direction=Direction.OUTBOUND).aggregate(at=Min("created_at"))["at"],
        Case.objects.aggregate(at=Min("resolved_at"))["at"],
    ]
    return min((at for at in found if at is not None), default=None)


PERSONAL_TOUCH_KEPT = KeptQuestion(PERSONAL_TOUCH, _build, changed_days, _first)
