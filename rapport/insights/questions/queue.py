"""The live queue: who waits for a person now, how long, and for whom (owner, team).

Waiting: an active case a customer started that owes them an answer (its next-response deadline
is set: not yet answered, or the customer wrote since our last reply). Waiting since: the
customer's first message since our last reply (the case's opening when nobody answered yet).
Live, so the period filters do not apply; team, site, agent and brand do. Four queries; the list
is the oldest LIMIT rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from rapport.cases.models import Case, Initiative
from rapport.cases.queue import ACTIVE_INDEXED, Sort, in_order
from rapport.insights import charts
from rapport.insights.report import Figure, Question, Report, Scope, Table

LIMIT = 100
TOP = 12  # owners shown on the chart (the table has them all, up to LIMIT)


def waiting(scope: Scope) -> QuerySet[Case]:
    return scope.cases.filter(
        ACTIVE_INDEXED,
        initiative=Initiative.CUSTOMER,
        next_response_due_at__isnull=False,
    )


def _by_wait(cases: QuerySet[Case]) -> QuerySet[Any]:  # Case rows with `since`
    """Longest waiting first: since the customer's first message after our last reply."""
    return (
        in_order(cases, Sort.WAITING)
        .annotate(since=Coalesce(F("waiting_since"), F("created_at")))
        .order_by(F("since").asc(), "pk")
    )


def _wait(now: datetime, since: datetime | None) -> int | None:
    return None if since is None else max(0, int((now - since) / timedelta(minutes=1)))


def build(scope: Scope) -> Report:
    now, zone = scope.now, scope.zone
    cases = waiting(scope)
    totals = cases.aggregate(
        n=Count("pk"),
        past_due=Count("pk", filter=Q(next_response_due_at__lte=now)),
        nobody=Count("pk", filter=Q(owner__isnull=True)),
    )
    # The LIMIT longest waiting are picked by id alone (read from `case_active`), and only they
    # are read whole with their customer, owner and team: joining those for every waiting case
    # before the sort took most of the 1.7 s this query spent on the 1M-case bench desk.
    picked = _by_wait(cases).values("pk")[:LIMIT]
    rows = list(
        _by_wait(scope.cases.filter(pk__in=picked)).select_related("customer", "owner", "team")
    )
    by_owner = list(
        cases.values("owner__display_name")
        .annotate(n=Count("pk"))
        .order_by("-n", F("owner__display_name").asc(nulls_last=True))[:LIMIT]
    )
    by_team = list(
        cases.values("team__name")
        .annotate(n=Count("pk"))
        .order_by("-n", F("team__name").asc(nulls_last=True))[:LIMIT]
    )
    table_rows = tuple(
        (
            case.reference,
            case.customer.name,
            case.get_priority_display(),
            case.get_origin_channel_display(),
            case.since.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            _wait(now, case.since),
            case.owner.display_name if case.owner else "nobody",
            case.team.name if case.team else "no team",
            "yes" if case.next_response_due_at and case.next_response_due_at <= now else "no",
        )
        for case in rows
    )
    owner_rows = tuple((row["owner__display_name"] or "nobody", row["n"]) for row in by_owner)
    team_rows = tuple((row["team__name"] or "no team", row["n"]) for row in by_team)
    longest = table_rows[0][5] if table_rows else None
    return Report(
        question=QUESTION.slug,
        title=QUESTION.title,
        figures=(
            Figure("waiting", "Customers waiting for a person now", totals["n"]),
            Figure("past_deadline", "Of them, past their response deadline", totals["past_due"]),
            Figure("no_owner", "Of them, with nobody named", totals["nobody"]),
            Figure("longest_wait_minutes", "Longest wait", longest, "min"),
        ),
        tables=(
            Table(
                "waiting",
                f"Who waits, the longest first (at most {LIMIT}; times in {zone.key})",
                (
                    "case",
                    "customer",
                    "priority",
                    "channel",
                    "waiting since",
                    "minutes waiting",
                    "owner",
                    "team",
                    "past deadline",
                ),
                table_rows,
            ),
            Table("by-owner", "Waiting per owner", ("owner", "cases waiting"), owner_rows),
            Table("by-team", "Waiting per team", ("team", "cases waiting"), team_rows),
        ),
        charts=(
            charts.bars(
                "Customers waiting per owner",
                table="by-owner",
                points=[charts.Point(name, n) for name, n in owner_rows[:TOP]],
            ),
            charts.bars(
                "Customers waiting per team",
                table="by-team",
                points=[charts.Point(name, n) for name, n in team_rows[:TOP]],
            ),
        ),
        data={"waiting": totals["n"], "past_deadline": totals["past_due"]},
    )


QUESTION = Question(
    slug="queue",
    title="The live queue",
    summary="Who waits for a person now, how long, and for whom.",
    build=build,
    live=True,
)
