"""/agents: the people a case or customer can be given to, readable by every agent; and, for
supervisors, the desk's people to run: invite one, change one, deactivate and reactivate, send
a new invitation link. These call the actions /supervisor/agents/ and `rapport create-agent`
call (`rapport.people.actions.staff`, `rapport.routing.actions.staff`); anyone else is told
they are a supervisor's decision (403)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.pagination import Keyset, keyset_page
from rapport.api.schemas.agents import AgentOut, AgentPage
from rapport.api.schemas.base import Id
from rapport.api.schemas.staff import (
    AgentQuery,
    CustomerHandedOver,
    DeactivateIn,
    DeactivationOut,
    HandedOver,
    InviteIn,
    PromiseHandedOver,
    StaffOut,
    StaffPatch,
)
from rapport.lib.access import named, one
from rapport.lib.errors import ActionError, Forbidden
from rapport.lib.hours import HoursError, hours_from_text
from rapport.mail.models import AgentMail
from rapport.people.access import agent_by_id, site_by_id, team_by_id
from rapport.people.actions import staff
from rapport.people.models import Agent, AgentState, Invitation, Team
from rapport.routing.actions.staff import deactivate_agent

router = Router(tags=["agents"])
BY_NAME = Keyset("display_name", descending=False)


IN_STATE = {
    AgentState.ACTIVE: Q(user__is_active=True),
    AgentState.INVITED: Q(user__is_active=False, deactivated_at__isnull=True),
    AgentState.DEACTIVATED: Q(user__is_active=False, deactivated_at__isnull=False),
}


def _agents(state: AgentState = AgentState.ACTIVE) -> QuerySet[Agent]:
    # Every agent may see every active colleague: cases and customers are handed between teams.
    return (
        Agent.objects.filter(IN_STATE[state])
        .select_related("user", "site")
        .prefetch_related("teams")
    )


@router.get("", response={200: AgentPage, **WRITE_ERRORS}, summary="List agents")
def list_agents(request: HttpRequest, page: Query[AgentQuery]) -> AgentPage:
    """Active agents; a supervisor may ask for the invited or the deactivated ones."""
    if page.state is not AgentState.ACTIVE and not agent_of(request).is_supervisor:
        raise Forbidden("Only a supervisor can list invited or deactivated agents.")
    agents, next_cursor = keyset_page(
        _agents(page.state), keyset=BY_NAME, limit=page.limit, cursor=page.cursor
    )
    return AgentPage(items=[AgentOut.of(a) for a in agents], next=next_cursor)


@router.get("/me", response={200: AgentOut, **READ_ERRORS}, summary="You")
def me(request: HttpRequest) -> AgentOut:
    """The agent the token (or session) belongs to."""
    return AgentOut.of(_agents().get(pk=agent_of(request).pk))


# ------------------------------------------------------------- for supervisors


def _staff() -> QuerySet[Agent]:
    return Agent.objects.select_related("user", "site").prefetch_related(
        "teams", Prefetch("invitations", queryset=Invitation.objects.order_by("-created_at", "-id"))
    )


def _out(agent_id: int) -> StaffOut:
    agent = one(_staff(), agent_id, what="agent")
    newest = next(iter(agent.invitations.all()), None)
    mail_id = newest.mail_id if newest is not None else None
    mail = AgentMail.objects.filter(pk=mail_id).first() if mail_id is not None else None
    return StaffOut.of(agent, mail=mail)


def _teams(ids: list[int]) -> list[Team]:
    return [named(team_by_id, pk, field="team_ids", what="team") for pk in ids]


def _hours(text: str) -> dict[str, list[list[str]]]:
    try:
        return hours_from_text(text) if text.strip() else {}
    except HoursError as exc:
        raise ActionError(f"Working hours: {exc}", field="hours") from exc


@router.post("", response={201: StaffOut, **WRITE_ERRORS}, summary="Invite an agent")
@supervisor_required(hidden=False)
def invite(request: HttpRequest, payload: InviteIn) -> HttpStatus[StaffOut]:
    """Creates the agent, who cannot sign in or be given cases until they choose a password
    with the one-time link mailed to them (it expires after RAPPORT_INVITATION_DAYS days)."""
    invitation = staff.invite_agent(
        email=payload.email,
        display_name=payload.display_name,
        by=agent_of(request),
        username=payload.username,
        site=named(site_by_id, payload.site_id, field="site_id", what="site"),
        timezone_name=payload.timezone,
        teams=_teams(payload.team_ids),
        is_supervisor=payload.is_supervisor,
        skills=payload.skills,
        capacity=payload.capacity,
        phone=payload.phone,
        working_hours=_hours(payload.hours),
    )
    return HttpStatus(201, _out(invitation.agent_id))


@router.get("/{int:agent_id}", response={200: StaffOut, **WRITE_ERRORS}, summary="An agent")
@supervisor_required(hidden=False)
def get_agent(request: HttpRequest, agent_id: Id) -> StaffOut:
    """Active, invited or deactivated, with their newest invitation."""
    return _out(agent_id)


@router.patch(
    "/{int:agent_id}", response={200: StaffOut, **WRITE_ERRORS}, summary="Change an agent"
)
@supervisor_required(hidden=False)
def update(request: HttpRequest, agent_id: Id, payload: StaffPatch) -> StaffOut:
    agent = agent_by_id(agent_id)
    sent = payload.model_fields_set
    staff.update_agent(
        agent=agent,
        by=agent_of(request),
        display_name=payload.display_name,
        skills=payload.skills,
        capacity=payload.capacity,
        chat_capacity=payload.chat_capacity,
        phone=payload.phone,
        working_hours=_hours(payload.hours) if payload.hours is not None else None,
        timezone_name=payload.timezone,
        site=named(site_by_id, payload.site_id, field="site_id", what="site")
        if "site_id" in sent
        else staff.KEEP,
        teams=_teams(payload.team_ids) if payload.team_ids is not None else None,
        is_supervisor=payload.is_supervisor,
    )
    return _out(agent_id)


@router.post(
    "/{int:agent_id}/deactivate",
    response={200: DeactivationOut, **WRITE_ERRORS},
    summary="Deactivate an agent",
)
@supervisor_required(hidden=False)
def deactivate(request: HttpRequest, agent_id: Id, payload: DeactivateIn) -> DeactivationOut:
    """They can no longer sign in (their tokens are revoked) and get no cases; nothing of theirs
    is deleted. Each open case they own is handed over with an audit event, each customer they
    looked after goes to their deputy (else whoever now has their open case, else
    `hand_over_to`), and each promise they still had to keep to whoever now has its case (else
    its customer's person, else `hand_over_to`); refused, with nothing changed, when nobody
    else works for a case's business or nobody can keep a promise."""
    done = deactivate_agent(
        agent=agent_by_id(agent_id),
        by=agent_of(request),
        hand_over_to=named(agent_by_id, payload.hand_over_to, field="hand_over_to", what="agent"),
    )
    return DeactivationOut(
        agent=_out(agent_id),
        handed_over=[HandedOver(case_id=c, owner_id=a.pk) for c, a in done.handed_over.items()],
        customers=[
            CustomerHandedOver(customer_id=c, owner_id=a.pk if a else None)
            for c, a in done.customers.items()
        ],
        promises=[PromiseHandedOver(promise_id=p, owner_id=a.pk) for p, a in done.promises.items()],
    )


@router.post(
    "/{int:agent_id}/reactivate", response={200: StaffOut, **WRITE_ERRORS}, summary="Reactivate"
)
@supervisor_required(hidden=False)
def reactivate(request: HttpRequest, agent_id: Id) -> StaffOut:
    """They sign in with their old password again; one who never chose a password is sent a
    new invitation instead (state stays "invited")."""
    staff.reactivate_agent(agent=agent_by_id(agent_id), by=agent_of(request))
    return _out(agent_id)


@router.post(
    "/{int:agent_id}/invitation",
    response={201: StaffOut, **WRITE_ERRORS},
    summary="Send a new invitation link",
)
@supervisor_required(hidden=False)
def new_invitation(request: HttpRequest, agent_id: Id) -> HttpStatus[StaffOut]:
    """For an invited agent only; the earlier link stops working."""
    staff.send_new_invitation(agent=agent_by_id(agent_id), by=agent_of(request))
    return HttpStatus(201, _out(agent_id))
