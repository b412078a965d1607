"""/surveys: the surveys of a case or a customer, a supervisor's "send now", and the results."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.pagination import Keyset, keyset_page
from rapport.api.schemas.agents import AgentRef
from rapport.api.schemas.base import ErrorOut, Id
from rapport.api.schemas.surveys import (
    AgentResultsOut,
    DeskResultsOut,
    ReferralsOut,
    ResultsOut,
    ResultsQuery,
    SurveyOut,
    SurveyPage,
    SurveyQuery,
)
from rapport.cases.access import case_for_agent, customer_for_agent
from rapport.people.models import Customer
from rapport.surveys import selectors
from rapport.surveys.access import survey_for_agent, surveys_for_agent
from rapport.surveys.actions.sending import send_now as send_survey_now
from rapport.surveys.models import Survey

router = Router(tags=["surveys"])
NEWEST_FIRST = Keyset("created_at", descending=True)


@router.get("", response={200: SurveyPage, **READ_ERRORS}, summary="Surveys")
def list_surveys(request: HttpRequest, filters: Query[SurveyQuery]) -> SurveyPage:
    """The surveys of a `case` or of a `customer` (those on cases you may open), newest first;
    without either, every survey you may see."""
    agent = agent_of(request)
    rows = surveys_for_agent(agent).select_related("agent", "follow_up_promise")
    if filters.case is not None:
        rows = rows.filter(case=case_for_agent(agent, filters.case))
    if filters.customer is not None:
        rows = rows.filter(customer=customer_for_agent(agent, filters.customer))
    page, next_cursor = keyset_page(
        rows, keyset=NEWEST_FIRST, limit=filters.limit, cursor=filters.cursor
    )
    return SurveyPage(items=[SurveyOut.of(s) for s in page], next=next_cursor)


@router.post(
    "/{int:survey_id}/send-now",
    response={200: SurveyOut, **WRITE_ERRORS, 409: ErrorOut},
    summary="Send a survey now",
)
@supervisor_required(hidden=False)
def send_now(request: HttpRequest, survey_id: Id) -> SurveyOut:
    """Skips the delay only: the opt-out, the customer's quiet hours, the cool-down and a
    channel that reaches them still hold (a survey in quiet hours stays scheduled until they
    end; one the policy refuses is skipped with the reason)."""
    agent = agent_of(request)
    outcome = send_survey_now(
        survey=survey_for_agent(agent, survey_id), by=agent, now=timezone.now()
    )
    return SurveyOut.of(outcome.survey)


@router.get("/results", response={200: DeskResultsOut, **READ_ERRORS}, summary="Survey results")
def results(request: HttpRequest, filters: Query[ResultsQuery]) -> DeskResultsOut:
    """CSAT %, NPS, response rate, coverage and detractors called back within 24 hours, for
    the desk and per agent, and word of mouth per relationship owner. A supervisor sees the
    desk (or one agent with `agent`); an agent sees their own."""
    agent = agent_of(request)
    surveys = Survey.objects.all()
    customers = Customer.objects.all()
    if not agent.is_supervisor:
        surveys, customers = surveys.filter(agent=agent), customers.filter(owner=agent)
    elif filters.agent is not None:
        surveys = surveys.filter(agent_id=filters.agent)
        customers = customers.filter(owner_id=filters.agent)
    return DeskResultsOut(
        desk=ResultsOut.of(selectors.results(surveys)),
        by_agent=[
            AgentResultsOut(
                agent=AgentRef(id=a.pk, display_name=a.display_name), **ResultsOut.of(r).dict()
            )
            for a, r in selectors.results_by_agent(surveys)
        ],
        referrals_by_relationship=[
            ReferralsOut(
                owner=AgentRef.of(owner), recommendations=total, through_referral_links=by_link
            )
            for owner, total, by_link in selectors.referrals_by_relationship(customers)
        ],
    )
