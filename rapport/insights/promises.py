"""Promises kept: follow-ups, callbacks, referrals and appointments (`care.Promise`, one table
for every kind) and incident outreach (`outreach.OutreachTask`), aggregated in SQL.

A promise counts in the period its due time falls in. It is kept on time when kept no later
than the desk's own rule for "kept late" (`care.actions.promises.LATE_AFTER` after its due time
or, for a callback, its window's end; a referral is late once past its acknowledge-by time):
the `late` flag set when it was kept. One still open before its miss time is pending, not
counted against anyone; one open or missed past it is unkept. Cancelled ones are shown apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from rapport.care.models import UNKEPT, Promise, PromiseKind, PromiseStatus
from rapport.cases.models import Case
from rapport.insights.figures import from_row, summed
from rapport.insights.narrow import of_cases
from rapport.insights.periods import as_day, percent, week_of, weeks
from rapport.outreach.models import OutreachStatus, OutreachTask
from rapport.people.models import Agent

OWNER_ROWS = 50
INCIDENT_ROWS = 20
KIND_TITLES = {
    PromiseKind.FOLLOW_UP: "Follow-ups on time",
    PromiseKind.CALLBACK: "Callbacks within their window",
    PromiseKind.REFERRAL: "Referrals acknowledged in time",
    PromiseKind.APPOINTMENT: "Appointments kept",
}


@dataclass(frozen=True)
class Kept:
    """How the promises of one group (a kind, an owner, a week) came out."""

    due: int  # due in the period, cancelled ones included
    on_time: int
    late: int
    unkept: int  # open or missed past their miss time
    pending: int  # open, still in time
    cancelled: int

    @property
    def settled(self) -> int:
        return self.on_time + self.late + self.unkept

    @property
    def on_time_percent(self) -> float | None:
        return percent(self.on_time, self.settled)


@dataclass(frozen=True)
class KindRow:
    kind: str
    title: str
    kept: Kept


@dataclass(frozen=True)
class OwnerRow:
    owner_id: int | None
    owner: str
    kept: Kept


@dataclass(frozen=True)
class WeekRow:
    week: date
    kept: Kept


@dataclass(frozen=True)
class Outreach:
    """Incident outreach: one task per affected customer, one named person reaching out."""

    tasks: int
    reached: int
    gave_up: int  # every attempt made, not reached
    trying: int  # attempted, not yet reached
    not_yet: int

    @property
    def reached_percent(self) -> float | None:
        return percent(self.reached, self.tasks)

    @property
    def done_percent(self) -> float | None:
        """Reached, or every attempt made: nothing left to do."""
        return percent(self.reached + self.gave_up, self.tasks)


@dataclass(frozen=True)
class IncidentRow:
    incident_id: int
    title: str
    outreach: Outreach


@dataclass(frozen=True)
class Promises:
    total: Kept
    by_kind: list[KindRow]
    by_owner: list[OwnerRow]
    by_week: list[WeekRow]
    outreach: Outreach
    by_incident: list[IncidentRow]


# Counted on a column every promise has that `promise_due_window` holds (the id is not in it), so
# PostgreSQL counts from the index alone.
ROW = "due_at"


def _kept_figures(now: datetime) -> dict[str, Any]:
    kept, unkept = Q(status=PromiseStatus.KEPT), Q(status__in=UNKEPT)
    return {
        "due": Count(ROW),
        "on_time": Count(ROW, filter=kept & Q(late=False)),
        "late": Count(ROW, filter=kept & Q(late=True)),
        "unkept": Count(ROW, filter=unkept & Q(miss_at__lte=now)),
        "pending": Count(ROW, filter=unkept & Q(miss_at__gt=now)),
        "cancelled": Count(ROW, filter=Q(status=PromiseStatus.CANCELLED)),
    }


def _outreach_figures() -> dict[str, Any]:
    return {
        "tasks": Count("pk"),
        "reached": Count("pk", filter=Q(status=OutreachStatus.REACHED)),
        "gave_up": Count("pk", filter=Q(status=OutreachStatus.FAILED)),
        "trying": Count("pk", filter=Q(status=OutreachStatus.ATTEMPTED)),
        "not_yet": Count("pk", filter=Q(status=OutreachStatus.NOT_YET)),
    }


def promises(
    cases: QuerySet[Case], *, since: datetime, until: datetime, zone: ZoneInfo, now: datetime
) -> Promises:
    """Six queries, whatever the number of cases: per kind (their sum is the total), per owner
    (the busiest OWNER_ROWS) and their names, per week (the desk's weeks), and incident outreach
    in total and per incident (tasks opened in the period, the latest INCIDENT_ROWS incidents)."""
    due = of_cases(Promise.objects.filter(due_at__gte=since, due_at__lt=until), cases)
    figures = _kept_figures(now)
    per_kind = {
        row["kind"]: from_row(Kept, row)
        for row in due.values("kind").annotate(**figures).order_by("kind")
    }
    total = summed(Kept, per_kind.values())  # every promise is of one kind
    by_owner = _by_owner(due, figures)
    per_week = {
        as_day(row["week"], zone): from_row(Kept, row)
        for row in due.annotate(week=week_of("due_at", since=since, until=until, zone=zone))
        .values("week")
        .annotate(**figures)
        .order_by("week")
    }
    empty = Kept(0, 0, 0, 0, 0, 0)
    tasks = of_cases(
        OutreachTask.objects.filter(created_at__gte=since, created_at__lt=until), cases
    )
    outreach = from_row(Outreach, tasks.aggregate(**_outreach_figures()))
    by_incident = [
        IncidentRow(row["incident"], row["incident__title"], from_row(Outreach, row))
        for row in tasks.values("incident", "incident__title", "incident__created_at")
        .annotate(**_outreach_figures())
        .order_by("-incident__created_at", "-incident")[:INCIDENT_ROWS]
    ]
    return Promises(
        total=total,
        by_kind=[
            KindRow(kind, KIND_TITLES[PromiseKind(kind)], per_kind.get(kind, empty))
            for kind in PromiseKind.values
        ],
        by_owner=by_owner,
        by_week=[WeekRow(week, per_week.get(week, empty)) for week in weeks(since, until, zone)],
        outreach=outreach,
        by_incident=by_incident,
    )


def _by_owner(due: QuerySet[Promise], figures: dict[str, Any]) -> list[OwnerRow]:
    """The busiest OWNER_ROWS owners, then the owner's name. Grouped by the owner's id alone,
    read from `promise_due_window` with the rest: joining each promise to its owner's name
    before grouping took 0.4 s of a year's page on the 1M-case bench desk."""
    rows = list(due.values("owner").annotate(**figures))
    names = dict(
        Agent.objects.filter(pk__in=[r["owner"] for r in rows if r["owner"]]).values_list(
            "pk", "display_name"
        )
    )
    found = [OwnerRow(r["owner"], names.get(r["owner"], "Nobody"), from_row(Kept, r)) for r in rows]
    found.sort(key=lambda o: (-o.kept.due, o.owner, o.owner_id or 0))
    return found[:OWNER_ROWS]
