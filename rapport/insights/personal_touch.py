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

from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from rapport.cases.models import Call, Case, CaseEvent, CaseEventKind, Direction, Message
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


def _reply_figures() -> dict[str, Any]:
    person = Q(author__isnull=False)
    return {
        "replies": Count("pk"),
        "by_hand": Count("pk", filter=person & Q(sent_unchanged__isnull=True)),
        "saved_edited": Count("pk", filter=person & Q(sent_unchanged=False)),
        "saved_unchanged": Count("pk", filter=person & Q(sent_unchanged=True)),
        "automatic": Count("pk", filter=Q(author__isnull=True)),
        "chat_by_person": Count("pk", filter=person & Q(channel=Channel.CHAT)),
    }


def _replies(row: dict[str, Any]) -> Replies:
    return Replies(**{name: row[name] for name in Replies.__dataclass_fields__})


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
        AuthorRow(row["author"], row["author__display_name"], _replies(row))
        for row in replies.filter(author__isnull=False)
        .values("author", "author__display_name")
        .annotate(**figures)
        .order_by("-replies", "author__display_name", "author")[:AUTHOR_ROWS]
    ]
    # `before__owner=None` is a JSON null: nobody had it yet, so nobody handed it over.
    handed = (
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=CaseEventKind.ASSIGNED)
        .exclude(before__owner=None)
        .alias(now=KT("after__owner"))
        .exclude(now=KT("before__owner"))  # moved teams, kept the owner
    )
    calls = (
        Call.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    resolved = cases.filter(resolved_at__gte=since, resolved_at__lt=until).annotate(
        handed=Exists(handed),
        n_calls=Coalesce(Subquery(calls, output_field=IntegerField()), Value(0)),
    )
    owned = resolved.aggregate(
        resolved=Count("pk"),
        one_owner=Count("pk", filter=Q(owner__isnull=False, handed=False)),
        changed_hands=Count("pk", filter=Q(handed=True)),
        no_owner=Count("pk", filter=Q(owner__isnull=True, handed=False)),
        calls=Coalesce(Sum("n_calls"), Value(0)),
    )
    bucket = CaseWhen(
        *[When(n_calls=int(name), then=Value(name)) for name in CALL_BUCKETS[:-1]],
        default=Value(CALL_BUCKETS[-1]),
    )
    spread = {
        row["bucket"]: row["n"]
        for row in resolved.annotate(bucket=bucket).values("bucket").annotate(n=Count("pk"))
    }
    return PersonalTouch(
        replies=_replies(replies.aggregate(**figures)),
        by_author=by_author,
        ownership=Ownership(
            calls_per_case={name: spread.get(name, 0) for name in CALL_BUCKETS}, **owned
        ),
    )
