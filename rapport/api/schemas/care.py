"""What /care reads and writes: promises, referrals, appointments and word of mouth."""

from __future__ import annotations

from datetime import date
from typing import Literal, Self
from zoneinfo import ZoneInfo

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AwareDatetime

from rapport.api.schemas.agents import AgentRef
from rapport.api.schemas.base import Input, PageQuery, Timestamp
from rapport.care.actions.referrals import draft_introduction
from rapport.care.models import (
    Appointment,
    Outcome,
    Promise,
    PromiseKind,
    PromiseStatus,
    Referral,
    ReferralState,
    Urgency,
    WordOfMouth,
)
from rapport.people.models import Channel


class PromiseOut(Schema):
    id: int
    kind: PromiseKind
    status: PromiseStatus
    customer_id: int
    case_id: int
    owner: AgentRef | None
    due_at: Timestamp
    window_end: Timestamp | None
    timezone: str = Field(description="The zone the time was promised in (the customer's).")
    due_local: str = Field(description="The due time as the customer reads it.")
    channel: Channel
    purpose: str
    script: str
    outcome: Outcome | None
    outcome_notes: str
    attempts: int
    kept_at: Timestamp | None
    late: bool
    escalated_at: Timestamp | None

    @classmethod
    def of(cls, promise: Promise) -> Self:
        local = timezone.localtime(promise.due_at, timezone=ZoneInfo(promise.timezone))
        return cls(
            id=promise.pk,
            kind=PromiseKind(promise.kind),
            status=PromiseStatus(promise.status),
            customer_id=promise.customer_id,
            case_id=promise.case_id,
            owner=AgentRef.of(promise.owner),
            due_at=promise.due_at,
            window_end=promise.window_end,
            timezone=promise.timezone,
            due_local=local.isoformat(),
            channel=Channel(promise.channel),
            purpose=promise.purpose,
            script=promise.script,
            outcome=Outcome(promise.outcome) if promise.outcome else None,
            outcome_notes=promise.outcome_notes,
            attempts=promise.attempts,
            kept_at=promise.kept_at,
            late=promise.late,
            escalated_at=promise.escalated_at,
        )


class PromisePage(Schema):
    items: list[PromiseOut]
    next: str | None


class PromiseQuery(PageQuery):
    status: list[PromiseStatus] = Field(default_factory=list)
    kind: list[PromiseKind] = Field(default_factory=list)
    owner: str | None = Field(None, max_length=30, description='An agent id or "me".')
    customer: int | None = None
    case: int | None = None


class PromiseCallIn(Input):
    outcome: Outcome
    notes: str = Field("", max_length=5000)
    phone: str = Field("", max_length=32)
    duration_seconds: int = Field(0, ge=0, le=24 * 3600)
    reschedule_to: AwareDatetime | None = Field(
        None, description="For no_answer: when to try again (default: the next day, same time)."
    )


class RescheduleIn(Input):
    to: AwareDatetime
    reason: str = Field("", max_length=500)


class CancelIn(Input):
    reason: str = Field(..., min_length=1, max_length=500)


class FollowUpIn(Input):
    due_at: AwareDatetime | None = Field(
        None, description="Default: tomorrow at 10:00 in the customer's time zone."
    )
    purpose: str = Field("", max_length=300)
    script: str = Field("", max_length=2000)
    owner_id: int | None = Field(None, description="Default: you.")
    channel: Channel = Channel.PHONE


class CallbackIn(Input):
    window_start: AwareDatetime | None = Field(
        None, description="The customer's choice; default: the next free window."
    )
    purpose: str = Field("", max_length=300)


class CallbackWindowQuery(Input):
    at: AwareDatetime | None = Field(None, description="The window the customer asks for.")


class CallbackQuoteOut(Schema):
    agent: AgentRef
    window_start: Timestamp
    window_end: Timestamp
    queue_ahead: int
    reason: str
    customer_text: str = Field(description="What to tell the customer, in their time zone.")


class ReferralIn(Input):
    to_agent_id: int | None = None
    to_team_id: int | None = None
    provider_name: str = Field("", max_length=200)
    provider_organization: str = Field("", max_length=200)
    provider_phone: str = Field("", max_length=32)
    provider_email: str = Field("", max_length=254)
    situation: str = Field(..., max_length=4000, description="What is happening.")
    tried: str = Field("", max_length=4000, description="What was tried.")
    needs: str = Field(..., max_length=4000, description="What the customer needs.")
    urgency: Urgency = Urgency.SOON


class ReferralOut(Schema):
    id: int
    promise: PromiseOut
    state: ReferralState
    specialist: str
    to_agent: AgentRef | None
    to_team_id: int | None
    provider_name: str
    provider_organization: str
    provider_phone: str
    provider_email: str
    situation: str
    tried: str
    needs: str
    urgency: Urgency
    referred_by: AgentRef | None
    return_to: AgentRef | None
    acknowledged_by: AgentRef | None
    acknowledged_at: Timestamp | None
    handed_back_at: Timestamp | None
    handback_note: str
    introduction_message_id: int | None
    draft_introduction: str

    @classmethod
    def of(cls, referral: Referral) -> Self:
        return cls(
            id=referral.pk,
            promise=PromiseOut.of(referral.promise),
            state=ReferralState(referral.state),
            specialist=referral.specialist_name,
            to_agent=AgentRef.of(referral.to_agent),
            to_team_id=referral.to_team_id,
            provider_name=referral.provider_name,
            provider_organization=referral.provider_organization,
            provider_phone=referral.provider_phone,
            provider_email=referral.provider_email,
            situation=referral.situation,
            tried=referral.tried,
            needs=referral.needs,
            urgency=Urgency(referral.urgency),
            referred_by=AgentRef.of(referral.referred_by),
            return_to=AgentRef.of(referral.return_to),
            acknowledged_by=AgentRef.of(referral.acknowledged_by),
            acknowledged_at=referral.acknowledged_at,
            handed_back_at=referral.handed_back_at,
            handback_note=referral.handback_note,
            introduction_message_id=referral.introduction_id,
            draft_introduction=draft_introduction(referral, now=timezone.now()),
        )


class ReferralNoteIn(Input):
    note: str = Field("", max_length=5000)


class IntroductionIn(Input):
    text: str = Field(..., min_length=1, max_length=20000)


class AppointmentIn(Input):
    starts_at: AwareDatetime
    duration_minutes: int = Field(30, ge=5, le=12 * 60)
    timezone: str = Field(
        "", max_length=64, description="Whose time zone (default: the customer's)."
    )
    location: str = Field(..., max_length=300)
    with_agent_id: int | None = None
    with_name: str = Field("", max_length=200)
    referral_id: int | None = None
    follow_up: bool = Field(True, description="Schedule a call the day after.")
    note: str = Field(
        "",
        max_length=5000,
        description="Your own words above the appointment's details: the invitation is then "
        "your message, signed with your name; without them it is the desk's confirmation.",
    )


class AppointmentOut(Schema):
    id: int
    promise: PromiseOut
    with_name: str
    with_agent: AgentRef | None
    location: str
    ends_at: Timestamp
    uid: str
    referral_id: int | None
    invite_message_id: int | None

    @classmethod
    def of(cls, appointment: Appointment) -> Self:
        return cls(
            id=appointment.pk,
            promise=PromiseOut.of(appointment.promise),
            with_name=appointment.with_name,
            with_agent=AgentRef.of(appointment.with_agent),
            location=appointment.location,
            ends_at=appointment.ends_at,
            uid=appointment.uid,
            referral_id=appointment.referral_id,
            invite_message_id=appointment.invite_id,
        )


class WordOfMouthIn(Input):
    direction: Literal["referred_by", "recommended"] = Field(
        description="referred_by: who referred this customer; recommended: whom they told"
    )
    other_customer_id: int | None = None
    other_name: str = Field("", max_length=200)
    on: date | None = None
    note: str = Field("", max_length=300)


class WordOfMouthOut(Schema):
    id: int
    referrer_id: int | None
    referrer: str
    referred_id: int | None
    referred: str
    on: date
    note: str
    recorded_by: AgentRef | None

    @classmethod
    def of(cls, row: WordOfMouth) -> Self:
        return cls(
            id=row.pk,
            referrer_id=row.referrer_id,
            referrer=row.referrer_name,
            referred_id=row.referred_id,
            referred=row.referred_name,
            on=row.on,
            note=row.note,
            recorded_by=AgentRef.of(row.recorded_by),
        )


class WordOfMouthPage(Schema):
    items: list[WordOfMouthOut]
    next: str | None = Field(description="Always null: the whole list is on the one page.")


class CountOut(Schema):
    name: str
    count: int


class WordOfMouthCountsOut(Schema):
    by_customer: list[CountOut]
    by_owner: list[CountOut]
