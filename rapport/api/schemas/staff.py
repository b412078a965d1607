"""What /agents reads and answers for a supervisor managing the desk's people."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from django.utils import timezone
from ninja import Field, Schema
from pydantic import model_validator

from rapport.api.schemas.agents import AgentOut
from rapport.api.schemas.base import Input, PageQuery
from rapport.lib.storable import MAX_INT
from rapport.mail.models import AgentMail, AgentMailStatus
from rapport.people.actions.staff import MAX_CAPACITY, MAX_CHAT_CAPACITY, MAX_SKILL
from rapport.people.models import Agent, AgentState, Invitation

Skill = Annotated[str, Field(max_length=MAX_SKILL)]
HOURS = (
    'Their shifts in their time zone: "mon-fri 09:00-17:00; sat 10:00-14:00"; a shift may run '
    'overnight ("fri 20:00-08:00"). "" means any time.'
)


class AgentQuery(PageQuery):
    state: AgentState = Field(
        AgentState.ACTIVE, description="invited or deactivated: for supervisors only"
    )


class InvitationOut(Schema):
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    usable: bool = Field(description="The link still works.")
    mail: AgentMailStatus | None = Field(
        description="The mail carrying the link, in the outbox: queued until the worker sent it."
    )
    mail_error: str = Field(description="Why the mail is not sent yet, or failed; '' if none.")
    sent_at: datetime | None = Field(description="When the mail went out.")

    @classmethod
    def of(cls, invitation: Invitation, *, mail: AgentMail | None, now: datetime) -> Self:
        return cls(
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
            used_at=invitation.used_at,
            usable=invitation.usable(now),
            mail=AgentMailStatus(mail.status) if mail is not None else None,
            mail_error=mail.error if mail is not None else "",
            sent_at=mail.sent_at if mail is not None else None,
        )


class StaffOut(AgentOut):
    """An agent as a supervisor manages them."""

    email: str
    state: AgentState
    working_hours: dict[str, list[list[str]]]
    chat_capacity: int = Field(description="Live chats they hold at once (0: no new chats).")
    deactivated_at: datetime | None
    invitation: InvitationOut | None = Field(description="The newest invitation, if any.")

    @classmethod
    def of(cls, agent: Agent, *, mail: AgentMail | None = None) -> Self:
        """`mail`: the one carrying their newest invitation's link."""
        base = AgentOut.of(agent).model_dump()
        invitations = list(agent.invitations.all())
        return cls(
            **base,
            email=agent.user.email,
            state=agent.state,
            working_hours=agent.working_hours or {},
            chat_capacity=agent.chat_capacity,
            deactivated_at=agent.deactivated_at,
            invitation=InvitationOut.of(invitations[0], mail=mail, now=timezone.now())
            if invitations
            else None,
        )


class InviteIn(Input):
    email: str = Field(max_length=254, description="Where the link to choose a password goes.")
    display_name: str = Field(min_length=1, max_length=100, description="Signs their replies.")
    username: str = Field(
        "", max_length=150, description="What they sign in with; the email if empty."
    )
    site_id: int | None = Field(None, ge=1, le=MAX_INT)
    timezone: str = Field("", max_length=64, description="Default: the site's, else UTC.")
    team_ids: list[int] = Field(default_factory=list, max_length=100)
    skills: list[Skill] = Field(default_factory=list, max_length=100)
    capacity: int = Field(20, ge=0, le=MAX_CAPACITY)
    phone: str = Field("", max_length=32, description="Their phone number or extension.")
    hours: str = Field("", max_length=500, description=HOURS)
    is_supervisor: bool = False


class StaffPatch(Input):
    """Only the fields sent are changed; `site_id` null takes them off any site."""

    display_name: str | None = Field(None, min_length=1, max_length=100)
    skills: list[Skill] | None = Field(None, max_length=100)
    capacity: int | None = Field(None, ge=0, le=MAX_CAPACITY)
    chat_capacity: int | None = Field(
        None, ge=0, le=MAX_CHAT_CAPACITY, description="Live chats they hold at once."
    )
    phone: str | None = Field(None, max_length=32)
    hours: str | None = Field(None, max_length=500, description=HOURS)
    timezone: str | None = Field(None, max_length=64)
    site_id: int | None = Field(None, ge=1, le=MAX_INT)
    team_ids: list[int] | None = Field(None, max_length=100)
    is_supervisor: bool | None = None

    @model_validator(mode="after")
    def check_no_nulls(self) -> Self:
        nulls = sorted(
            name for name in self.model_fields_set - {"site_id"} if getattr(self, name) is None
        )
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null; leave it out to keep it")
        return self


class DeactivateIn(Input):
    hand_over_to: int | None = Field(
        None,
        ge=1,
        le=MAX_INT,
        description="The agent who takes their open cases; null: routing chooses for each.",
    )


class HandedOver(Schema):
    case_id: int
    owner_id: int


class CustomerHandedOver(Schema):
    customer_id: int
    owner_id: int | None = Field(
        description="Who looks after them now; null: nobody yet (the next person who helps them)."
    )


class PromiseHandedOver(Schema):
    promise_id: int
    owner_id: int


class DeactivationOut(Schema):
    agent: StaffOut
    handed_over: list[HandedOver] = Field(description="Each open case they owned, and who has it.")
    customers: list[CustomerHandedOver] = Field(
        description="Each customer they looked after, and who does now."
    )
    promises: list[PromiseHandedOver] = Field(
        description="Each promise they still had to keep (open or missed), and who keeps it now."
    )
