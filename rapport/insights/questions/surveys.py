"""Surveys: CSAT %, NPS, response rate, detractors called back within 24 hours, over the desk's
weeks, and word of mouth per relationship (`rapport/insights/survey_results.py`, on the
`rapport.surveys` selectors). Four queries."""

from __future__ import annotations

from rapport.insights import charts
from rapport.insights.figures import as_share, weekly_percent
from rapport.insights.report import Figure, Question, Report, Scope, Table
from rapport.insights.survey_results import survey_figures


def build(scope: Scope) -> Report:
    found = survey_figures(scope.cases, since=scope.since, until=scope.until, zone=scope.zone)
    total, words = found.total, found.recommendations
    week_rows = tuple(
        (
            str(w.week),
            w.results.sent,
            w.results.answered,
            w.results.response_rate,
            w.results.csat_percent,
            w.results.nps,
            w.results.to_call,
            w.results.called_back_in_time,
        )
        for w in found.by_week
    )
    owner_rows = tuple(
        (
            o.owner,
            o.figures.recommendations,
            o.figures.through_link,
            o.figures.relationships,
            o.figures.per_relationship,
        )
        for o in found.recommendations_by_owner
    )
    word_week_rows = tuple(
        (str(w.week), w.figures.recommendations, w.figures.through_link, w.figures.relationships)
        for w in found.recommendations_by_week
    )
    return Report(
        question=QUESTION.slug,
        title=QUESTION.title,
        figures=(
            Figure("csat", "CSAT (answers of 4 or 5)", as_share(total.csat_percent), "share"),
            Figure("nps", "NPS (promoters minus detractors, -100 to 100)", total.nps),
            Figure("response_rate", "Response rate", as_share(total.response_rate), "share"),
            Figure("sent", "Surveys sent", total.sent),
            Figure("to_call", "Unhappy answers to call back", total.to_call),
            Figure(
                "called_back_in_24h",
                "Of them, called back within 24 hours",
                as_share(total.called_back_percent),
                "share",
            ),
            Figure("recommendations", "Recommendations recorded", words.recommendations),
            Figure(
                "recommendations_per_relationship",
                "Recommendations per customer who recommended us",
                words.per_relationship,
            ),
        ),
        tables=(
            Table(
                "by-week",
                f"Surveys per week sent (weeks from Monday, {scope.zone.key})",
                (
                    "week from",
                    "sent",
                    "answered",
                    "response rate %",
                    "CSAT %",
                    "NPS",
                    "to call back",
                    "called back in 24 h",
                ),
                week_rows,
                note="A survey counts in the week it was sent (one skipped: when it was due).",
            ),
            Table(
                "recommendations-by-owner",
                "Word of mouth per relationship owner (the 50 with most)",
                (
                    "relationship owner",
                    "recommendations",
                    "through a referral link",
                    "customers who recommended",
                    "per customer",
                ),
                owner_rows,
            ),
            Table(
                "recommendations-by-week",
                "Word of mouth per week",
                ("week from", "recommendations", "through a referral link", "customers"),
                word_week_rows,
            ),
        ),
        charts=(
            charts.line(
                "CSAT and response rate per week",
                table="by-week",
                series=[
                    weekly_percent("CSAT %", found.by_week, lambda w: w.results.csat_percent),
                    weekly_percent(
                        "response rate %", found.by_week, lambda w: w.results.response_rate
                    ),
                ],
                unit="%",
            ),
            charts.bars(
                "Recommendations per week",
                table="recommendations-by-week",
                points=[
                    charts.Point(str(w.week), w.figures.recommendations)
                    for w in found.recommendations_by_week
                ],
            ),
        ),
        data={
            "csat_percent": total.csat_percent,
            "nps": total.nps,
            "response_rate": total.response_rate,
            "coverage": total.coverage,
            "sent": total.sent,
            "answered": total.answered,
            "detractors_to_call": total.to_call,
            "called_back_within_24h": total.called_back_in_time,
            "called_back_percent": total.called_back_percent,
            "recommendations": words.recommendations,
            "recommendations_per_relationship": words.per_relationship,
        },
    )


QUESTION = Question(
    slug="surveys",
    title="Surveys and word of mouth",
    summary="CSAT, NPS and response rate over time, detractors called back within 24 hours, "
    "recommendations per relationship.",
    build=build,
)
