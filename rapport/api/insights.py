"""/insights: what matters, measured — starting with time to a named human."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from pydantic import AwareDatetime

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS
from rapport.api.schemas.base import Input
from rapport.cases.access import cases_for_agent
from rapport.insights import selectors
from rapport.insights.questions import QUESTIONS
from rapport.insights.report import FilterError, Report, Scope, read_filters, scope_for
from rapport.lib.errors import ActionError
from rapport.lib.storable import MAX_INT

router = Router(tags=["insights"])


Cell = float | int | str | None


class FigureOut(Schema):
    key: str
    label: str
    value: Cell
    unit: str = Field(description='"min", "share" (0-1), or empty for a count.')


class TableOut(Schema):
    name: str = Field(description="The web page downloads it as CSV with ?format=csv&table=name.")
    title: str
    columns: list[str]
    rows: list[list[Cell]]


class ReportOut(Schema):
    question: str
    title: str
    since: datetime = Field(description="Start of the window (included).")
    until: datetime = Field(description="End of the window (excluded).")
    filters: dict[str, str] = Field(description="The filters given.")
    figures: list[FigureOut]
    tables: list[TableOut]
    data: dict[str, Any] = Field(description="The question's own figures, by key.")


class TimeToHumanOut(ReportOut):
    cases: int
    answered: int
    median_minutes: float | None
    p90_minutes: float | None
    within_target: float | None
    by_channel: dict[str, float | None]
    kept_days: int = Field(
        description="Settled days of the window read from the waits kept per day (0: none)."
    )
    percentiles_within: float = Field(
        description="0 when every p50/p90 is exact; else the largest relative error of each "
        "(0.0353: within 3.53 %), as waits of kept days are counted in buckets."
    )


class WindowQuery(Input):
    since: AwareDatetime | None = Field(None, description="Default: 7 days before `until`.")
    until: AwareDatetime | None = Field(None, description="Default: now.")


class InsightsQuery(Input):
    since: str | None = Field(
        None,
        max_length=40,
        description="A day (YYYY-MM-DD: from its midnight in the desk's time zone) or a time "
        "with its offset. Default: 7 days before `until`.",
    )
    until: str | None = Field(
        None,
        max_length=40,
        description="A day (included: up to the next midnight) or a time with its offset "
        "(excluded). Default: today.",
    )
    team: int | None = Field(None, ge=1, le=MAX_INT, description="Cases of this team.")
    site: int | None = Field(None, ge=1, le=MAX_INT, description="Cases owned at this site.")
    agent: int | None = Field(None, ge=1, le=MAX_INT, description="Cases this agent owns.")
    brand: int | None = Field(None, ge=1, le=MAX_INT, description="Cases of this business.")


class BadFilter(ActionError):
    status_code = 422


def _window(window: WindowQuery) -> tuple[datetime, datetime]:
    default_since, default_until = selectors.default_window(timezone.now())
    return window.since or default_since, window.until or default_until


def _report(request: HttpRequest, slug: str, query: InsightsQuery) -> tuple[Report, Scope]:
    question = QUESTIONS.get(slug)
    if question is None:
        raise Http404("No such question")
    try:
        form = read_filters(query.dict(exclude_none=True))
    except FilterError as exc:
        name, message = next(iter(exc.errors.items()))
        raise BadFilter(f"{name}: {message}", field=name) from exc
    scope = scope_for(cases_for_agent(agent_of(request)), form, now=timezone.now())
    return question.build(scope), scope


def _out(report: Report, scope: Scope) -> dict[str, Any]:
    return {
        "question": report.question,
        "title": report.title,
        "since": scope.since.astimezone(UTC),
        "until": scope.until.astimezone(UTC),
        "filters": dict(scope.filters),
        "figures": [vars(figure) for figure in report.figures],
        "tables": [table.as_dict() for table in report.tables],
        "data": dict(report.data),
    }


@router.get(
    "/time-to-human",
    response={200: TimeToHumanOut, **READ_ERRORS},
    summary="Time to a named human",
)
@supervisor_required
def time_to_human(request: HttpRequest, filters: Query[InsightsQuery]) -> dict[str, Any]:
    """Arrival to the first human action the customer could see, over the cases customers
    started in the window (default: the last 7 days): the distribution, p50/p90 overall, by
    channel and by priority, first and next responses against their deadlines, the backlog by
    age. The page /supervisor/insights/time-to-human/ shows the same. Supervisors only."""
    report, scope = _report(request, "time-to-human", filters)
    return {**_out(report, scope), **report.data}


class SavedReplyCountOut(Schema):
    id: int
    title: str
    used: int
    sent_unchanged: int


class SavedReplyUseOut(Schema):
    since: datetime
    until: datetime
    replies: int = Field(description="Replies agents sent to customers in the window.")
    from_saved_replies: int = Field(description="Of those, started from a saved reply.")
    sent_unchanged: int = Field(
        description="Of those, sent word for word (only where the business allows it)."
    )
    by_saved_reply: list[SavedReplyCountOut] = Field(description="The ten most used.")


@router.get(
    "/saved-replies",
    response={200: SavedReplyUseOut, **READ_ERRORS},
    summary="Saved replies used and sent unchanged",
)
@supervisor_required
def saved_reply_use(request: HttpRequest, window: Query[WindowQuery]) -> SavedReplyUseOut:
    """Replies sent in the window (default: the last 7 days), how many started from a saved
    reply and how many of those went out unchanged. Supervisors only."""
    agent = agent_of(request)
    since, until = _window(window)
    use = selectors.saved_reply_use(cases_for_agent(agent), since=since, until=until)
    return SavedReplyUseOut(
        since=since,
        until=until,
        replies=use.replies,
        from_saved_replies=use.from_saved_replies,
        sent_unchanged=use.sent_unchanged,
        by_saved_reply=[SavedReplyCountOut(**row) for row in use.by_saved_reply],  # type: ignore[arg-type]
    )


class QuestionPath(Input):
    question: str = Field(
        max_length=40, pattern=r"^[a-z-]+$", description="e.g. `time-to-human`, `queue`."
    )


@router.get(
    "/{question}",
    response={200: ReportOut, **READ_ERRORS},
    summary="Any insights question",
)
@supervisor_required
def question(
    request: HttpRequest, path: Path[QuestionPath], filters: Query[InsightsQuery]
) -> dict[str, Any]:
    """The figures and tables of /supervisor/insights/<question>/ (e.g. `queue`: who waits for
    a person now), with the same filters. An unknown question is a 404. Supervisors only."""
    report, scope = _report(request, path.question, filters)
    return _out(report, scope)
