"""Surveys for supervisors: CSAT %, NPS, response rate and detractors called back within
24 hours (`rapport.surveys.selectors`, in SQL), over the desk's weeks, and word of mouth per
relationship over time (`care.WordOfMouth`).

A survey counts in the period it was sent in (one skipped, never sent: the time it was due
when it was decided); a recommendation on the day it was recorded for (a local date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from rapport.care.models import WordOfMouth
from rapport.cases.models import Case
from rapport.insights.figures import summed
from rapport.insights.narrow import of_cases
from rapport.insights.periods import as_day, week_of, week_of_date, weeks
from rapport.surveys.actions.referrals import REFERRAL_NOTE
from rapport.surveys.models import Survey
from rapport.surveys.selectors import Results, results_by

OWNER_ROWS = 50
EMPTY = Results(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


@dataclass(frozen=True)
class SurveyWeek:
    week: date
    results: Results


@dataclass(frozen=True)
class Recommendations:
    recommendations: int
    through_link: int  # the promoter's referral link, used
    relationships: int  # distinct customers who recommended us

    @property
    def per_relationship(self) -> float | None:
        if not self.relationships:
            return None
        return round(self.recommendations / self.relationships, 2)


@dataclass(frozen=True)
class OwnerRecommendations:
    owner_id: int | None
    owner: str
    figures: Recommendations


@dataclass(frozen=True)
class RecommendationWeek:
    week: date
    figures: Recommendations


@dataclass(frozen=True)
class SurveyFigures:
    total: Results
    by_week: list[SurveyWeek]
    recommendations: Recommendations
    recommendations_by_owner: list[OwnerRecommendations]
    recommendations_by_week: list[RecommendationWeek]


def _recommendation_figures() -> dict[str, Count]:
    return {
        "recommendations": Count("pk"),
        "through_link": Count("pk", filter=Q(note=REFERRAL_NOTE)),
        "relationships": Count("referrer", distinct=True),
    }


def _recommendations(row: dict[str, int]) -> Recommendations:
    return Recommendations(row["recommendations"], row["through_link"], row["relationships"])


def survey_figures(
    cases: QuerySet[Case], *, since: datetime, until: datetime, zone: ZoneInfo
) -> SurveyFigures:
    """Four queries: the surveys' figures per week (their sum is the total: the weeks cover
    the window); recommendations from these cases' customers in total, per relationship owner
    (the OWNER_ROWS with most) and per week."""
    surveys = of_cases(Survey.objects.alias(at=Coalesce("sent_at", "due_at")), cases)
    surveys = surveys.filter(at__gte=since, at__lt=until)
    per_week = {
        as_day(week, zone): found
        for week, found in results_by(
            surveys, week=week_of("at", since=since, until=until, zone=zone)
        )
    }
    first = since.astimezone(zone).date()
    last = (until - timedelta(microseconds=1)).astimezone(zone).date()
    words = WordOfMouth.objects.filter(on__gte=first, on__lte=last)
    if cases.query.where:  # the whole desk: every customer's, no subquery (narrow.of_cases)
        words = words.filter(referrer__in=cases.values("customer_id"))
    figures = _recommendation_figures()
    per_owner = (
        words.values("referrer__owner", "referrer__owner__display_name")
        .annotate(**figures)
        .order_by("-recommendations", "referrer__owner__display_name", "referrer__owner")
    )
    per_word_week = {
        as_day(row["week"], zone): _recommendations(row)
        for row in words.annotate(week=week_of_date("on", since=since, until=until, zone=zone))
        .values("week")
        .annotate(**figures)
        .order_by("week")
    }
    axis = weeks(since, until, zone)
    none = Recommendations(0, 0, 0)
    return SurveyFigures(
        total=summed(Results, per_week.values()),
        by_week=[SurveyWeek(week, per_week.get(week, EMPTY)) for week in axis],
        recommendations=_recommendations(words.aggregate(**figures)),
        recommendations_by_owner=[
            OwnerRecommendations(
                row["referrer__owner"],
                row["referrer__owner__display_name"] or "No owner",
                _recommendations(row),
            )
            for row in per_owner[:OWNER_ROWS]
        ],
        recommendations_by_week=[
            RecommendationWeek(week, per_word_week.get(week, none)) for week in axis
        ],
    )
