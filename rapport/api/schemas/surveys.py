"""What /surveys reads: a survey as the issue names it, and the results."""

from __future__ import annotations

from typing import Literal, Self

from ninja import Field, Schema

from rapport.api.schemas.agents import AgentRef
from rapport.api.schemas.base import Input, PageQuery, Timestamp
from rapport.surveys.links import survey_url
from rapport.surveys.models import Survey, SurveyStatus
from rapport.surveys.selectors import Results

Kind = Literal["csat", "nps"]
Status = Literal["scheduled", "sent", "answered", "expired", "skipped"]
LINKED = (SurveyStatus.SENT, SurveyStatus.ANSWERED, SurveyStatus.EXPIRED)


class SurveyQuery(PageQuery):
    case: int | None = Field(None, ge=1, description="The surveys of this case.")
    customer: int | None = Field(None, ge=1, description="The surveys of this customer.")


class SurveyOut(Schema):
    id: int
    kind: Kind
    case_id: int
    customer_id: int
    agent: AgentRef | None = Field(description="Who it names: who helped (CSAT), the owner (NPS).")
    status: Status
    skip_reason: str | None = Field(description="Why it was not sent (skipped only).")
    url: str | None = Field(description="The customer's page, once sent.")
    score: int | None
    comment: str = Field(description="CSAT: their comment; NPS: the main reason.")
    follow_up_promise_id: int | None = Field(description="The callback a bad score created.")
    follow_up_status: str | None = Field(
        description="What came of that callback: its promise's status (open, kept, missed...)."
    )
    follow_up_outcome: str | None = Field(description="The outcome logged with the call.")
    due_at: Timestamp
    sent_at: Timestamp | None
    expires_at: Timestamp | None
    answered_at: Timestamp | None
    channel: str
    thank: str = Field(description='CSAT: "who should we thank?"')
    heard_from: str = Field(description='NPS: "how did you hear about us / who referred you?"')

    @classmethod
    def of(cls, survey: Survey) -> Self:
        promise = survey.follow_up_promise
        return cls(
            id=survey.pk,
            kind=survey.kind,  # type: ignore[arg-type]
            case_id=survey.case_id,
            customer_id=survey.customer_id,
            agent=AgentRef.of(survey.agent),
            status=survey.status,  # type: ignore[arg-type]
            skip_reason=survey.skip_reason or None,
            url=survey_url(survey) if survey.status in LINKED else None,
            score=survey.score,
            comment=survey.comment,
            follow_up_promise_id=survey.follow_up_promise_id,
            follow_up_status=promise.status if promise else None,
            follow_up_outcome=(promise.outcome or None) if promise else None,
            due_at=survey.due_at,
            sent_at=survey.sent_at,
            expires_at=survey.expires_at,
            answered_at=survey.answered_at,
            channel=survey.channel,
            thank=survey.thank,
            heard_from=survey.heard_from,
        )


class SurveyPage(Schema):
    items: list[SurveyOut]
    next: str | None


class ResultsOut(Schema):
    csat_percent: float | None = Field(description="Answered CSAT of 4 or 5, in percent.")
    nps: float | None = Field(description="Promoters (9-10) minus detractors (0-6), in percent.")
    response_rate: float | None = Field(description="Answered of sent, in percent.")
    coverage: float | None = Field(description="Sent of decided (sent or skipped), in percent.")
    called_back_within_24h: float | None = Field(
        description="Bad scores whose callback was kept within 24 hours of the answer, in percent."
    )
    sent: int
    answered: int
    to_call: int
    called_back_in_time: int

    @classmethod
    def of(cls, results: Results) -> Self:
        return cls(
            csat_percent=results.csat_percent,
            nps=results.nps,
            response_rate=results.response_rate,
            coverage=results.coverage,
            called_back_within_24h=results.called_back_percent,
            sent=results.sent,
            answered=results.answered,
            to_call=results.to_call,
            called_back_in_time=results.called_back_in_time,
        )


class AgentResultsOut(ResultsOut):
    agent: AgentRef


class ReferralsOut(Schema):
    owner: AgentRef | None
    recommendations: int
    through_referral_links: int


class DeskResultsOut(Schema):
    desk: ResultsOut
    by_agent: list[AgentResultsOut]
    referrals_by_relationship: list[ReferralsOut]


class ResultsQuery(Input):
    agent: int | None = Field(None, ge=1, description="Only the surveys naming this agent.")
