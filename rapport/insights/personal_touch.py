"""Personal touch: replies a person wrote themself rather than from a saved reply or the desk's
automatic messages, replies signed by the person who wrote them, cases one person owned from
start to end, and calls per case. All in SQL.

Replies are the desk's outbound messages sent in the period. Every reply a person writes is
signed with their name by the outbox (`mail.actions.outbox.signature`), except a chat line,
which the customer sees under the agent's name in the chat; an automatic message (no author:
acknowledgments, surveys, notices) is signed by the desk. Ownership and calls are read over the
cases resolved in the period: a case "changed hands" when an `assigned` event moved it from one
named person to another (a first owner given later is not a change of hands).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from rapport.cases.models import Call, Case, CaseEvent, CaseEventKind, Direction, Message
from rapport.insights.figures import from_row
from rapport.insights.narrow import of_cases
from rapport.insights.periods import percent
from rapport.people.models import Channel

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


def personal_touch(cases: QuerySet[Case], *, since: datetime, until: datetime) -> PersonalTouch:
    """Four queries: replies in total and per author (the AUTHOR_ROWS who wrote most), the
    resolved cases' owners and calls, and their calls-per-case distribution."""
    replies = of_cases(
        Message.objects.filter(
            direction=Direction.OUTBOUND, created_at__gte=since, created_at__lt=until
        ),
        cases,
    )
    figures = _reply_figures()
    by_author = [
        AuthorRow(row["author"], row["author__display_name"], from_row(Replies, row))
        for row in replies.filter(author__isnull=False)
        .values("author", "author__display_name")
        .annotate(**figures)
        .order_by("-replies", "author__display_name", "author")[:AUTHOR_ROWS]
    ]
    resolved = cases.filter(resolved_at__gte=since, resolved_at__lt=until)
    # `before__owner=None` is a JSON null: nobody had it yet, so nobody handed it over. One set
    # of case ids, read once (not a subquery per case: 4.9 s for one week on PostgreSQL), each
    # resolved case's hand-overs found through `event_case_kind`.
    handed = (
        CaseEvent.objects.filter(kind=CaseEventKind.ASSIGNED, case__in=resolved.values("pk"))
        .exclude(before__owner=None)
        .alias(now=KT("after__owner"))
        .exclude(now=KT("before__owner"))  # moved teams, kept the owner
        .values("case")
    )
    # One row per (named owner?, handed over?): the hand-overs' set is read once, not per row.
    groups = {
        (row["named"], row["changed"]): row["n"]
        for row in resolved.annotate(
            named=ExpressionWrapper(Q(owner__isnull=False), output_field=BooleanField()),
            changed=ExpressionWrapper(Q(pk__in=handed), output_field=BooleanField()),
        )
        .values("named", "changed")
        .annotate(n=Count("pk"))
        .order_by()
    }
    owned = {
        "resolved": sum(groups.values()),
        "one_owner": groups.get((True, False), 0),
        "changed_hands": groups.get((True, True), 0) + groups.get((False, True), 0),
        "no_owner": groups.get((False, False), 0),
    }
    # Calls grouped by case once, then the groups counted by their number of calls; a case with
    # none has no group: the "0" bucket is the rest of the resolved cases.
    per_case = (
        of_cases(
            Call.objects.filter(case__resolved_at__gte=since, case__resolved_at__lt=until), cases
        )
        .values("case")
        .annotate(n=Count("pk"))
    )
    *exact, more = CALL_BUCKETS[1:]
    spread = per_case.aggregate(
        calls=Coalesce(Sum("n"), Value(0)),
        **{name: Count("case", filter=Q(n=int(name))) for name in exact},
        **{more: Count("case", filter=Q(n__gte=int(more.rstrip("+"))))},
    )
    calls = spread.pop("calls")
    spread["0"] = owned["resolved"] - sum(spread.values())
    return PersonalTouch(
        replies=from_row(Replies, replies.aggregate(**figures)),
        by_author=by_author,
        ownership=Ownership(
            calls=calls, calls_per_case={name: spread[name] for name in CALL_BUCKETS}, **owned
        ),
    )
