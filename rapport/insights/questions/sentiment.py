"""Sentiment over time: the share of customers' messages read as upset, urgent or a compliment
per week, and the most common reasons for upset (`rapport/insights/sentiment.py`). Five
queries."""

from __future__ import annotations

from operator import attrgetter

from rapport.insights import charts
from rapport.insights.figures import as_data, as_share, weekly_percent
from rapport.insights.report import Figure, Question, Report, Scope, Table
from rapport.insights.sentiment import sentiment


def build(scope: Scope) -> Report:
    found = sentiment(scope.cases, **scope.window())
    total = found.total
    week_rows = tuple(
        (
            str(w.week),
            w.mood.messages,
            w.mood.upset,
            w.mood.upset_percent,
            w.mood.urgent,
            w.mood.urgent_percent,
            w.mood.compliment,
            w.mood.compliment_percent,
        )
        for w in found.by_week
    )
    reason_rows = tuple((r.kind, r.messages, r.share) for r in found.upset_reasons)
    shares = (
        ("upset %", "upset_percent"),
        ("urgent %", "urgent_percent"),
        ("compliment %", "compliment_percent"),
    )
    return Report(
        question=QUESTION.slug,
        title=QUESTION.title,
        figures=(
            Figure("messages", "Messages from customers", total.messages),
            Figure("upset", "Read as upset", as_share(total.upset_percent), "share"),
            Figure("urgent", "Read as urgent", as_share(total.urgent_percent), "share"),
            Figure("compliment", "Compliments", as_share(total.compliment_percent), "share"),
            Figure(
                "top_upset_reason",
                "Most common reason for upset",
                found.upset_reasons[0].kind if found.upset_reasons else None,
            ),
        ),
        tables=(
            Table(
                "by-week",
                f"Customers' messages per week (weeks from Monday, {scope.zone.key})",
                (
                    "week from",
                    "messages",
                    "upset",
                    "upset %",
                    "urgent",
                    "urgent %",
                    "compliments",
                    "compliment %",
                ),
                week_rows,
                note="As triage read each message when it came in (agents' corrections are "
                "not applied here).",
            ),
            Table(
                "upset-reasons",
                "Most common reasons for upset (the kind of each reason triage gave)",
                ("reason", "upset messages", "% of upset messages"),
                reason_rows,
                note="A message with two kinds of reason counts under both; 'learned': raised "
                "by the learned model rather than a rule.",
            ),
        ),
        charts=(
            charts.line(
                "Upset, urgent and compliments per week",
                table="by-week",
                series=[
                    weekly_percent(name, found.by_week, attrgetter(f"mood.{attribute}"))
                    for name, attribute in shares
                ],
                unit="%",
            ),
            charts.bars(
                "Reasons for upset",
                table="upset-reasons",
                points=[charts.Point(r.kind, r.messages) for r in found.upset_reasons],
            ),
        ),
        data={
            **as_data(total, "upset_percent", "urgent_percent", "compliment_percent"),
            "upset_reasons": [vars(reason) for reason in found.upset_reasons],
        },
    )


QUESTION = Question(
    slug="sentiment",
    title="Sentiment over time",
    summary="Upset, urgent and compliments per week, and the most common reasons for upset.",
    build=build,
)
