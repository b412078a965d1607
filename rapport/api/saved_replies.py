"""/saved-replies: the starting points a business and its teams keep, which the composer searches
(the same selector and actions as the web page), and each business's policy on template text
sent unedited (shared with the outreach drafts)."""

from __future__ import annotations

from functools import partial
from typing import Self

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.pagination import Keyset, keyset_page
from rapport.api.schemas.base import Id, Input, PageQuery
from rapport.cases.access import (
    case_for_agent,
    saved_replies_for_agent,
    saved_replies_for_case,
    saved_reply_for_agent,
)
from rapport.cases.actions import saved_replies as actions
from rapport.cases.models import SavedReply
from rapport.cases.rules import MAX_TEXT
from rapport.cases.saved_replies import PLACEHOLDERS, filled, matching
from rapport.lib.access import named
from rapport.people.access import brand_by_id, team_by_id
from rapport.people.models import Agent, Brand, Customer, Team

router = Router(tags=["saved replies"])
BY_TITLE = Keyset("title", descending=False)
PLACEHOLDER_LIST = ", ".join(f"`{{{name}}}`" for name in PLACEHOLDERS)


class SavedReplyOut(Schema):
    id: int
    title: str
    text: str = Field(description=f"As kept, with its placeholders ({PLACEHOLDER_LIST}).")
    brand: int | None = Field(description="The business it is for; null: every business.")
    team: int | None = Field(description="The team it is for; null: every team.")
    filled: str | None = Field(
        None,
        description="With `case_id`: the text as you would start it to that case's customer, "
        "placeholders filled; else null.",
    )

    @classmethod
    def of(cls, saved: SavedReply, *, customer: Customer | None = None, agent: Agent) -> Self:
        return cls(
            id=saved.pk,
            title=saved.title,
            text=saved.text,
            brand=saved.brand_id,
            team=saved.team_id,
            filled=None if customer is None else filled(saved.text, customer=customer, agent=agent),
        )


class SavedReplyPage(Schema):
    items: list[SavedReplyOut]
    next: str | None


class SavedReplyQuery(PageQuery):
    q: str = Field("", max_length=200, description="Words in the title or the text.")
    case_id: int | None = Field(
        None,
        ge=1,
        description="Only those you can start a reply on this case from, each `filled` for it.",
    )


class SavedReplyIn(Input):
    title: str = Field(min_length=1, max_length=actions.MAX_TITLE)
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    brand: int | None = Field(None, ge=1, description="A business's id; null: every business.")
    team: int | None = Field(
        None, ge=1, description="A team's id; null: every team (supervisors only)."
    )


class TemplatePolicyOut(Schema):
    brand: int
    name: str
    refuse_unedited: bool = Field(
        description="A saved reply or an outreach draft sent word for word is refused."
    )

    @classmethod
    def of(cls, brand: Brand) -> Self:
        return cls(brand=brand.pk, name=brand.name, refuse_unedited=brand.refuse_unedited_templates)


class TemplatePolicyPage(Schema):
    items: list[TemplatePolicyOut]
    next: str | None = Field(description="Always null: every business is on the one page.")


class TemplatePolicyIn(Input):
    refuse_unedited: bool


@router.get("", response={200: SavedReplyPage, **READ_ERRORS}, summary="List saved replies")
def list_saved_replies(request: HttpRequest, filters: Query[SavedReplyQuery]) -> SavedReplyPage:
    """By title: those for every team and for your teams (a supervisor: all)."""
    agent = agent_of(request)
    customer = None
    if filters.case_id is not None:
        case = named(partial(case_for_agent, agent), filters.case_id, field="case_id", what="case")
        replies, customer = saved_replies_for_case(agent, case), case.customer
    else:
        replies = saved_replies_for_agent(agent)
    page, next_cursor = keyset_page(
        matching(replies, filters.q), keyset=BY_TITLE, limit=filters.limit, cursor=filters.cursor
    )
    items = [SavedReplyOut.of(s, customer=customer, agent=agent) for s in page]
    return SavedReplyPage(items=items, next=next_cursor)


def _chosen(payload: SavedReplyIn) -> tuple[Brand | None, Team | None]:
    brand = named(brand_by_id, payload.brand, field="brand", what="business")
    return brand, named(team_by_id, payload.team, field="team", what="team")


@router.post("", response={201: SavedReplyOut, **WRITE_ERRORS}, summary="Add a saved reply")
def create_saved_reply(request: HttpRequest, payload: SavedReplyIn) -> HttpStatus[SavedReplyOut]:
    """For one of your teams; for every team, a supervisor. An unknown `{placeholder}` is
    refused."""
    agent = agent_of(request)
    brand, team = _chosen(payload)
    saved = actions.create_saved_reply(
        title=payload.title, text=payload.text, brand=brand, team=team, by=agent
    )
    return HttpStatus(201, SavedReplyOut.of(saved, agent=agent))


@router.get(
    "/{int:saved_reply_id}", response={200: SavedReplyOut, **READ_ERRORS}, summary="A saved reply"
)
def get_saved_reply(request: HttpRequest, saved_reply_id: Id) -> SavedReplyOut:
    agent = agent_of(request)
    return SavedReplyOut.of(saved_reply_for_agent(agent, saved_reply_id), agent=agent)


@router.put(
    "/{int:saved_reply_id}",
    response={200: SavedReplyOut, **WRITE_ERRORS},
    summary="Change a saved reply",
)
def update_saved_reply(
    request: HttpRequest, saved_reply_id: Id, payload: SavedReplyIn
) -> SavedReplyOut:
    """Replies already sent from it keep their text."""
    agent = agent_of(request)
    saved = saved_reply_for_agent(agent, saved_reply_id)
    brand, team = _chosen(payload)
    saved = actions.update_saved_reply(
        saved_reply=saved, title=payload.title, text=payload.text, brand=brand, team=team, by=agent
    )
    return SavedReplyOut.of(saved, agent=agent)


@router.delete(
    "/{int:saved_reply_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a saved reply"
)
def delete_saved_reply(request: HttpRequest, saved_reply_id: Id) -> HttpStatus[None]:
    """Gone from the composer; replies sent from it keep their text."""
    agent = agent_of(request)
    actions.delete_saved_reply(saved_reply=saved_reply_for_agent(agent, saved_reply_id), by=agent)
    return HttpStatus(204, None)


@router.get(
    "/policies", response={200: TemplatePolicyPage, **READ_ERRORS}, summary="Template policies"
)
def list_policies(request: HttpRequest) -> TemplatePolicyPage:
    """Each business's policy on a saved reply or an outreach draft sent word for word (a case
    of no business: refused)."""
    items = [TemplatePolicyOut.of(brand) for brand in Brand.objects.all()]
    return TemplatePolicyPage(items=items, next=None)


@router.put(
    "/policies/{int:brand_id}",
    response={200: TemplatePolicyOut, **WRITE_ERRORS},
    summary="Set a template policy",
)
@supervisor_required(hidden=False)
def set_policy(request: HttpRequest, brand_id: Id, payload: TemplatePolicyIn) -> TemplatePolicyOut:
    agent = agent_of(request)
    brand = actions.set_template_policy(
        brand=brand_by_id(brand_id), refuse_unedited=payload.refuse_unedited, by=agent
    )
    return TemplatePolicyOut.of(brand)
