"""Survey results, aggregated in SQL: CSAT %, NPS, response rate, coverage, detractors called
back within 24 hours, and referrals (word of mouth) per relationship. Each figure is None when
nothing was there to count, never a made-up 0."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from rapport.care.models import WordOfMouth
from rapport.people.models import Agent, Customer
from rapport.surveys.actions.referrals import REFERRAL_NOTE
from rapport.surveys.models import NPS_DETRACTOR, NPS_PROMOTER, Survey, SurveyKind, SurveyStatus

REACHED = (SurveyStatus.SENT, SurveyStatus.ANSWERED, SurveyStatus.EXPIRED)
SATISFIED = 4  # a CSAT of 4 or 5 counts as satisfied
CALLED_BACK_WITHIN = timedelta(hours=24)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Results:
    decided: int  # surveys decided (sent or skipped), scheduled ones left out
    sent: int
    answered: int
    csat_answered: int
    csat_satisfied: int
    nps_answered: int
    promoters: int
    detractors: int
    to_call: int  # answers that asked for a call back
    called_back_in_time: int

    @property
    def csat_percent(self) -> float | None:
        return _percent(self.csat_satisfied, self.csat_answered)

    @property
    def nps(self) -> float | None:
        if not self.nps_answered:
            return None
        return round(100 * (self.promoters - self.detractors) / self.nps_answered, 1)

    @property
    def response_rate(self) -> float | None:
        return _percent(self.answered, self.sent)

    @property
    def coverage(self) -> float | None:
        return _percent(self.sent, self.decided)

    @property
    def called_back_percent(self) -> float | None:
        return _percent(self.called_back_in_time, self.to_call)


# Counted on a column every survey has that `survey_window` holds (the id is not in it), so
# PostgreSQL counts a window's surveys from the index alone.
ROW = "status"


def _figures() -> dict[str, Count]:
    csat, nps, answered = Q(kind=SurveyKind.CSAT), Q(kind=SurveyKind.NPS), Q(status="answered")
    return {
        "decided": Count(ROW, filter=~Q(status=SurveyStatus.SCHEDULED)),
        "sent": Count(ROW, filter=Q(status__in=REACHED)),
        "answered": Count(ROW, filter=answered),
        "csat_answered": Count(ROW, filter=csat & answered),
        "csat_satisfied": Count(ROW, filter=csat & answered & Q(score__gte=SATISFIED)),
        "nps_answered": Count(ROW, filter=nps & answered),
        "promoters": Count(ROW, filter=nps & answered & Q(score__gte=NPS_PROMOTER)),
        "detractors": Count(ROW, filter=nps & answered & Q(score__lte=NPS_DETRACTOR)),
        "to_call": Count(ROW, filter=Q(follow_up_promise__isnull=False)),
        "called_back_in_time": Count(
            ROW,
            # The promise first: SQLite stops at a survey without one, before the date sum (a
            # Python function there) that cost 2 s a year's 390k surveys on the bench desk.
            filter=Q(follow_up_promise__isnull=False)
            & Q(follow_up_promise__kept_at__lte=F("answered_at") + CALLED_BACK_WITHIN),
        ),
    }


def results(surveys: QuerySet[Survey]) -> Results:
    """One query."""
    return Results(**surveys.aggregate(**_figures()))


def results_by(surveys: QuerySet[Survey], **group: Any) -> list[tuple[Any, Results]]:
    """The same figures per value of one expression (`week=TruncWeek(...)`), in its order:
    one query."""
    (name,) = group
    rows = surveys.annotate(**group).values(name).annotate(**_figures()).order_by(name)
    return [(row.pop(name), Results(**row)) for row in rows]


def results_by_agent(surveys: QuerySet[Survey]) -> list[tuple[Agent, Results]]:
    """Per named agent (who helped, or the relationship owner for NPS), once something of theirs
    was sent or skipped: two queries."""
    rows = list(
        surveys.filter(agent__isnull=False)
        .exclude(status=SurveyStatus.SCHEDULED)
        .values("agent")
        .annotate(**_figures())
        .order_by("agent")
    )
    agents = Agent.objects.in_bulk([row["agent"] for row in rows])
    return [(agents[row.pop("agent")], Results(**row)) for row in rows if row["agent"] in agents]


def referrals_by_relationship(customers: QuerySet[Customer]) -> list[tuple[Agent | None, int, int]]:
    """Word of mouth from these customers, per relationship owner: (owner, recommendations,
    of which through a referral link). One query plus the owners."""
    rows = list(
        WordOfMouth.objects.filter(referrer__in=customers)
        .values("referrer__owner")
        .annotate(
            total=Count("pk"),
            by_link=Count("pk", filter=Q(note=REFERRAL_NOTE)),
        )
        .order_by("-total", "referrer__owner")
    )
    owners = Agent.objects.in_bulk([r["referrer__owner"] for r in rows if r["referrer__owner"]])
    return [(owners.get(r["referrer__owner"]), r["total"], r["by_link"]) for r in rows]


def referrals_of(customer: Customer) -> int:
    return WordOfMouth.objects.filter(referrer=customer).count()


def recent_answers(surveys: QuerySet[Survey], limit: int = 20) -> list[Survey]:
    """The latest answers with what came of them (one query)."""
    return list(
        surveys.filter(status=SurveyStatus.ANSWERED)
        .select_related("customer", "case", "agent", "follow_up_promise__owner")
        .order_by("-answered_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class Panel:
    """The side panel of a case or customer page: their surveys, figures and recommendations."""

    surveys: list[Survey]
    results: Results
    recommendations: int


def panel(customer: Customer, *, visible: QuerySet[Any] | None) -> Panel:
    """Three queries, whatever the history's length."""
    surveys = Survey.objects.filter(customer=customer)
    if visible is not None:
        surveys = surveys.filter(case__in=visible)
    rows = list(
        surveys.select_related("agent", "follow_up_promise__owner", "sent_now_by").order_by(
            "-created_at", "-pk"
        )[:10]
    )
    return Panel(rows, results(surveys), referrals_of(customer))
