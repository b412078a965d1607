"""Promises kept: follow-ups on time, callbacks within their window, referrals acknowledged in
time, appointments, and incident outreach done (`rapport/insights/promises.py`: what counts, in
SQL). Six queries."""

from __future__ import annotations

from rapport.care.models import PromiseKind
from rapport.insights import charts
from rapport.insights.figures import as_data, as_share, percent_point, weekly_percent
from rapport.insights.promises import Kept, Outreach, promises
from rapport.insights.report import Figure, Question, Report, Scope, Table

KEPT_COLUMNS = ("due", "kept on time", "kept late", "unkept", "still in time", "cancelled")


def _kept_cells(kept: Kept) -> tuple[int | float | None, ...]:
    return (
        kept.due,
        kept.on_time,
        kept.late,
        kept.unkept,
        kept.pending,
        kept.cancelled,
        kept.on_time_percent,
    )


def _outreach_cells(done: Outreach) -> tuple[int | float | None, ...]:
    return (
        done.tasks,
        done.reached,
        done.gave_up,
        done.trying,
        done.not_yet,
        done.reached_percent,
        done.done_percent,
    )


def build(scope: Scope) -> Report:
    found = promises(
        scope.cases, since=scope.since, until=scope.until, zone=scope.zone, now=scope.now
    )
    kinds = {row.kind: row for row in found.by_kind}
    kind_rows = tuple((row.title, *_kept_cells(row.kept)) for row in found.by_kind)
    week_rows = tuple((str(w.week), *_kept_cells(w.kept)) for w in found.by_week)
    owner_rows = tuple((o.owner, *_kept_cells(o.kept)) for o in found.by_owner)
    incident_rows = tuple((i.title, *_outreach_cells(i.outreach)) for i in found.by_incident)
    outreach = found.outreach
    return Report(
        question=QUESTION.slug,
        title=QUESTION.title,
        figures=(
            Figure("due", "Promises due in the period", found.total.due),
            Figure("on_time", "Kept on time", as_share(found.total.on_time_percent), "share"),
            Figure(
                "follow_ups_on_time",
                "Follow-ups on time",
                as_share(kinds["follow_up"].kept.on_time_percent),
                "share",
            ),
            Figure(
                "callbacks_in_window",
                "Callbacks within their window",
                as_share(kinds["callback"].kept.on_time_percent),
                "share",
            ),
            Figure(
                "referrals_acknowledged",
                "Referrals acknowledged in time",
                as_share(kinds["referral"].kept.on_time_percent),
                "share",
            ),
            Figure("unkept", "Not kept, past their time", found.total.unkept),
            Figure("outreach_tasks", "Customers to reach after incidents", outreach.tasks),
            Figure(
                "outreach_reached", "Of them, reached", as_share(outreach.reached_percent), "share"
            ),
            Figure(
                "outreach_done",
                "Outreach done (reached, or every attempt made)",
                as_share(outreach.done_percent),
                "share",
            ),
        ),
        tables=(
            Table(
                "by-kind",
                "Promises by kind (due in the period)",
                ("promise", *KEPT_COLUMNS, "on time %"),
                kind_rows,
                note="On time: kept no later than 15 minutes after the due time (a callback: "
                "its window's end; a referral: by its acknowledge-by time). Still in time: "
                "open, not yet missed; left out of the percentage, as are cancelled ones.",
            ),
            Table(
                "by-week",
                f"Promises per week (weeks from Monday, {scope.zone.key})",
                ("week from", *KEPT_COLUMNS, "on time %"),
                week_rows,
            ),
            Table(
                "by-owner",
                "Promises per owner (the 50 with most due)",
                ("owner", *KEPT_COLUMNS, "on time %"),
                owner_rows,
            ),
            Table(
                "outreach",
                "Incident outreach (customers added in the period; the latest 20 incidents)",
                (
                    "incident",
                    "customers",
                    "reached",
                    "gave up",
                    "still trying",
                    "not yet",
                    "reached %",
                    "done %",
                ),
                incident_rows,
            ),
        ),
        charts=(
            charts.bars(
                "Kept on time, by kind of promise",
                table="by-kind",
                points=[
                    percent_point(PromiseKind(row.kind).label, row.kept.on_time_percent)
                    for row in found.by_kind
                ],
                unit="%",
            ),
            charts.line(
                "Kept on time, per week",
                table="by-week",
                series=[
                    weekly_percent("on time %", found.by_week, lambda w: w.kept.on_time_percent)
                ],
                unit="%",
            ),
        ),
        data={
            "due": found.total.due,
            "on_time_percent": found.total.on_time_percent,
            "by_kind": {row.kind: as_data(row.kept, "on_time_percent") for row in found.by_kind},
            "outreach": as_data(outreach, "reached_percent", "done_percent"),
        },
    )


QUESTION = Question(
    slug="promises",
    title="Promises kept",
    summary="Follow-ups on time, callbacks within their window, referrals acknowledged, "
    "incident outreach done.",
    build=build,
)
