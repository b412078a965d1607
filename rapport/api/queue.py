"""Working a queue: `POST /cases/bulk` (one change to many cases, each through its own action;
a case that is refused -- not yours, missing, not allowed in its state -- never fails the
others), `POST /cases/{id}/claim` (assign to me), and `/saved-views` (an agent's named inbox
filters and orders)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status as HttpStatus
from pydantic import field_validator

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.schemas.base import Id, Input
from rapport.api.schemas.cases import HandedOverOut
from rapport.cases.access import case_for_agent, saved_view_for_agent, saved_views_of
from rapport.cases.actions.assignment import assign_case
from rapport.cases.actions.bulk import MAX_BULK_CASES, BulkAction, apply_to_cases, too_many_cases
from rapport.cases.actions.saved_views import delete_view, save_view
from rapport.cases.models import SavedView, Status
from rapport.cases.selectors import handover
from rapport.lib.access import named
from rapport.lib.storable import MAX_INT
from rapport.people.access import agent_by_id, team_by_id

router = Router(tags=["cases"])


class BulkIn(Input):
    # maxItems is checked below, to say it in the web's words (too_many_cases).
    case_ids: list[Annotated[int, Field(ge=1, le=MAX_INT)]] = Field(
        min_length=1, json_schema_extra={"maxItems": MAX_BULK_CASES}
    )
    action: BulkAction
    owner_id: int | None = Field(None, description='For "assign": the agent.')
    team_id: int | None = Field(None, description='For "team": the team.')
    status: Status | None = Field(None, description='For "status": the status to set.')
    tag: str = Field("", max_length=50, description='For "tag": the tag to add.')
    into_case_id: int | None = Field(None, description='For "merge": the case that survives.')
    reason: str = Field("", max_length=500, description="Kept in each case's audit trail.")

    @field_validator("case_ids")
    @classmethod
    def check_how_many(cls, value: list[int]) -> list[int]:
        if len(value) > MAX_BULK_CASES:
            raise ValueError(too_many_cases(len(value)))
        return value


class RefusedOut(Schema):
    id: int
    reason: str


class BulkOut(Schema):
    done: list[int]
    refused: list[RefusedOut]


@router.post("/cases/bulk", response={200: BulkOut, **WRITE_ERRORS}, summary="Change many cases")
def bulk(request: HttpRequest, payload: BulkIn) -> BulkOut:
    """Assign, move to a team, set a status, add a tag or merge: each case in `case_ids` is
    changed by the same action as on its own, audited; `done` lists the ids changed, `refused`
    each other id with the reason. A missing value for the action (e.g. `owner_id` for
    "assign") or an owner, team or target case that does not exist is a 400 and changes nothing."""
    agent = agent_of(request)
    result = apply_to_cases(
        case_ids=payload.case_ids,
        action=payload.action.value,
        by=agent,
        owner=named(agent_by_id, payload.owner_id, field="owner_id", what="agent"),
        team=named(team_by_id, payload.team_id, field="team_id", what="team"),
        status=payload.status.value if payload.status else "",
        tag=payload.tag,
        into=named(
            partial(case_for_agent, agent), payload.into_case_id, field="into_case_id", what="case"
        ),
        reason=payload.reason,
    )
    return BulkOut(
        done=result.done,
        refused=[RefusedOut(id=r.id, reason=r.reason) for r in result.refused],
    )


@router.post(
    "/cases/{int:case_id}/claim", response={200: HandedOverOut, **WRITE_ERRORS}, summary="Claim"
)
def claim(request: HttpRequest, case_id: Id) -> HandedOverOut:
    """Assign the case to yourself (its team becomes one of yours if it was not); audited like
    any handover. Claiming a case you own already changes nothing."""
    agent = agent_of(request)
    claimed = assign_case(case=case_for_agent(agent, case_id), owner=agent, by=agent)
    return HandedOverOut.handed(claimed, handover(claimed, by=agent))


class SavedViewIn(Input):
    name: str = Field(min_length=1, max_length=80, description="The same name replaces a view.")
    filters: dict[Annotated[str, Field(max_length=20)], Annotated[str, Field(max_length=200)]] = (
        Field(
            default_factory=dict,
            description="The inbox's parameters: view (mine, team, due, recent), q, status, "
            'priority, channel, owner (an agent id, "me" or "none"), team (an id) and sort '
            "(updated, priority, due, waiting).",
        )
    )


class SavedViewOut(Schema):
    id: int
    name: str
    filters: dict[str, str]

    @classmethod
    def of(cls, view: SavedView) -> SavedViewOut:
        return cls(id=view.pk, name=view.name, filters=view.filters)


class SavedViewPage(Schema):
    items: list[SavedViewOut]
    next: str | None = Field(description="Always null: an agent has at most 50 saved views.")


@router.get("/saved-views", response={200: SavedViewPage, **READ_ERRORS}, summary="Your views")
def list_saved_views(request: HttpRequest) -> SavedViewPage:
    """Your own saved views, by name (nobody sees another agent's)."""
    views = saved_views_of(agent_of(request))
    return SavedViewPage(items=[SavedViewOut.of(view) for view in views], next=None)


@router.post("/saved-views", response={201: SavedViewOut, **WRITE_ERRORS}, summary="Save a view")
def create_saved_view(request: HttpRequest, payload: SavedViewIn) -> HttpStatus[SavedViewOut]:
    """Save an inbox filter and order under a name; saving a name you have replaces its filters."""
    view = save_view(agent=agent_of(request), name=payload.name, filters=payload.filters)
    return HttpStatus(201, SavedViewOut.of(view))


@router.delete(
    "/saved-views/{int:view_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a view"
)
def delete_saved_view(request: HttpRequest, view_id: Id) -> HttpStatus[None]:
    delete_view(view=saved_view_for_agent(agent_of(request), view_id))
    return HttpStatus(204, None)
