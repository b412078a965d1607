"""/desk/follow-up-policies: which resolved cases get a follow-up call, when and what for.
Everyone may read them; only a supervisor may add or change one (the care actions check), as
`rapport follow-up-policy` does at the command line."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.schemas.base import Id, Input
from rapport.care.access import follow_up_policy_by_id
from rapport.care.actions.promises import (
    FOLLOW_UP_CLOCK,
    MAX_POLICY_DAYS,
    MAX_POLICY_SCRIPT,
    create_follow_up_policy,
    update_follow_up_policy,
)
from rapport.care.models import FollowUpPolicy
from rapport.cases.models import Priority
from rapport.lib.access import named
from rapport.lib.storable import MAX_INT
from rapport.people.access import team_by_id
from rapport.people.models import Channel

router = Router(tags=["desk"])
# A wall-clock time of day: JSON Schema's "time" format requires an offset, which a time "in the
# customer's own zone" does not have.
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class FollowUpPolicyOut(Schema):
    id: int
    name: str
    active: bool
    tags: list[str] = Field(description="Matches a case with any of these tags; [] any case.")
    team_id: int | None
    priority: str | None
    triage_signal: str | None = Field(description="urgent, upset or wants_human; null: any.")
    delay_days: int = Field(description="Days after the resolution.")
    at_time: str = Field(
        pattern=CLOCK, description='"HH:MM", in the customer\'s own time zone (a wall clock).'
    )
    channel: str
    purpose: str
    script: str

    @classmethod
    def of(cls, policy: FollowUpPolicy) -> FollowUpPolicyOut:
        return cls(
            id=policy.pk,
            name=policy.name,
            active=policy.active,
            tags=list(policy.tags),
            team_id=policy.team_id,
            priority=policy.priority or None,
            triage_signal=policy.triage_signal or None,
            delay_days=policy.delay_days,
            at_time=policy.at_time.strftime("%H:%M"),
            channel=policy.channel,
            purpose=policy.purpose,
            script=policy.script,
        )


class FollowUpPolicyPage(Schema):
    items: list[FollowUpPolicyOut]
    next: str | None = Field(description="Always null: every policy is on the one page.")


class FollowUpPolicyIn(Input):
    name: str = Field(max_length=100)
    purpose: str = Field(max_length=300, description="What the call is for.")
    script: str = Field("", max_length=MAX_POLICY_SCRIPT, description="What to ask.")
    tags: list[Annotated[str, Field(max_length=50)]] = Field(default_factory=list, max_length=50)
    team_id: int | None = Field(None, ge=1, le=MAX_INT)
    priority: Priority | None = None
    triage_signal: FollowUpPolicy.Signal | None = None
    delay_days: int = Field(1, ge=0, le=MAX_POLICY_DAYS)
    at_time: str = Field(
        FOLLOW_UP_CLOCK.strftime("%H:%M"),
        pattern=CLOCK,
        description='"HH:MM", in the customer\'s own time zone (a wall clock).',
    )
    channel: Channel = Channel.PHONE
    active: bool = Field(True, description="Off: resolved cases no longer follow it.")


def _fields(payload: FollowUpPolicyIn) -> dict[str, Any]:
    return {
        "name": payload.name,
        "purpose": payload.purpose,
        "script": payload.script,
        "tags": payload.tags,
        "team": named(team_by_id, payload.team_id, field="team_id", what="team"),
        "priority": payload.priority or "",
        "triage_signal": payload.triage_signal or "",
        "delay_days": payload.delay_days,
        "at_time": time.fromisoformat(payload.at_time),
        "channel": payload.channel,
    }


@router.get("", response={200: FollowUpPolicyPage, **READ_ERRORS}, summary="Follow-up policies")
def list_follow_up_policies(request: HttpRequest) -> FollowUpPolicyPage:
    """In the order they are tried: the first in use that matches a resolved case applies."""
    policies = FollowUpPolicy.objects.order_by("order", "pk")
    return FollowUpPolicyPage(items=[FollowUpPolicyOut.of(p) for p in policies], next=None)


@router.post(
    "", response={201: FollowUpPolicyOut, **WRITE_ERRORS}, summary="Add a follow-up policy"
)
def add_follow_up_policy(
    request: HttpRequest, payload: FollowUpPolicyIn
) -> HttpStatus[FollowUpPolicyOut]:
    """Supervisors only."""
    policy = create_follow_up_policy(
        **_fields(payload), active=payload.active, by=agent_of(request)
    )
    return HttpStatus(201, FollowUpPolicyOut.of(policy))


@router.put(
    "/{follow_up_id}",
    response={200: FollowUpPolicyOut, **WRITE_ERRORS},
    summary="Change a follow-up policy",
)
def change_follow_up_policy(
    request: HttpRequest, follow_up_id: Id, payload: FollowUpPolicyIn
) -> FollowUpPolicyOut:
    """Supervisors only. Cases resolved from now on follow the change; follow-ups already
    scheduled stay as they are."""
    policy = update_follow_up_policy(
        follow_up_policy_by_id(follow_up_id),
        **_fields(payload),
        active=payload.active,
        by=agent_of(request),
    )
    return FollowUpPolicyOut.of(policy)
