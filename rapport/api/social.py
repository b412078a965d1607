"""/social/posts: the webhook that takes in a public post or review; /cases/{id}/social: a case's
posts and what was done about them, and recording a response."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus
from ninja.security import APIKeyHeader
from pydantic import AwareDatetime, StrictInt

from rapport.api.auth import TokenAuth, agent_of
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.schemas.base import ErrorOut, Id, Input, Timestamp
from rapport.cases.access import case_for_agent
from rapport.lib.errors import ActionError, Forbidden
from rapport.people.access import brand_by_slug
from rapport.people.models import Agent, Brand
from rapport.social.actions.ingest import IncomingPost, ingest_post
from rapport.social.actions.responses import record_response
from rapport.social.models import ResponseKind, SocialPost, SocialResponse
from rapport.social.selectors import social_of
from rapport.social.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, check_signature

router = Router(tags=["social"])


class Signed(APIKeyHeader):
    """The webhook's caller by signature: a request signed with RAPPORT_SOCIAL_WEBHOOK_SECRET
    (rapport/social/signing.py). Without the signature header it is not this caller (None: an
    API token may be); with a wrong one it is refused with the reason (401)."""

    param_name = SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> str | None:
        if key is None:
            return None
        check_signature(
            secret=settings.RAPPORT_SOCIAL_WEBHOOK_SECRET,
            signature=key,
            timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
            body=request.body,
            now=timezone.now(),
        )
        return "signed"


class PostIn(Input):
    platform: str = Field(
        max_length=40, description='A lowercase name: "mastodon", "bluesky", "trustpilot".'
    )
    post_id: str = Field(max_length=200, description="The platform's id of the post.")
    author_handle: str = Field(
        max_length=200, description='"@anna", or "anna@social.example" on Mastodon.'
    )
    author_id: str | None = Field(
        None,
        max_length=200,
        description="The author's account id on the platform, which stays when the handle "
        'changes (a Bluesky DID, "did:plc:…"; a Mastodon account id with the instance it was '
        'read on, "109348@mastodon.example"). With it the author is found by their account '
        "first, so a changed handle finds the same customer and a re-used one does not.",
    )
    author_name: str = Field("", max_length=200)
    text: str = Field(
        description="The post's words; longer than RAPPORT_SOCIAL_MAX_TEXT (20,000 by default) "
        "is refused with 413."
    )
    url: str = Field("", max_length=2000, description="The post's http(s) address.")
    posted_at: AwareDatetime = Field(description="With its offset, e.g. 2026-12-07T09:30:00Z.")
    in_reply_to: str | None = Field(
        None, max_length=200, description="The id of the post this one answers, if any."
    )
    rating: StrictInt | None = Field(
        None, ge=1, le=5, description="Stars, for a review: it gets the review response target."
    )


class BrandQuery(Input):
    brand: str | None = Field(None, max_length=100, description="The business's slug, if any.")


class IngestOut(Schema):
    outcome: Literal["new_case", "threaded", "duplicate"]
    case_id: int
    customer_id: int


INGEST_ERRORS: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


@router.post(
    "/social/posts",
    response={200: IngestOut, 403: ErrorOut, **INGEST_ERRORS},
    auth=[TokenAuth(), Signed()],
    summary="Take in a public post or review",
)
def take_post(request: HttpRequest, payload: PostIn, query: Query[BrandQuery]) -> IngestOut:
    """Authenticated by an API token, or by `X-Rapport-Signature: sha256=<hex>`: the
    HMAC-SHA256, keyed with `RAPPORT_SOCIAL_WEBHOOK_SECRET`, of the `X-Rapport-Timestamp` value
    (Unix seconds), a dot and the raw body; a timestamp more than 5 minutes from the server's
    clock is refused (401). A post already taken in (same `platform` and `post_id`) is a
    `duplicate` and changes nothing; a reply to the author's own post, or a post by a customer
    with an open social case, is `threaded` on it; else it opens a public case (`new_case`),
    triaged and routed to a named owner at once. See docs/social.md. A token must be a
    supervisor's (403 otherwise): a post may open a case in any business, and a duplicate
    answers with a case the token's agent might not be allowed to see."""
    token_agent = getattr(request, "auth", None)
    if isinstance(token_agent, Agent) and not token_agent.is_supervisor:
        raise Forbidden(
            "Post with a supervisor's API token or the webhook's signature: an agent's token "
            "may not take posts in for the whole desk."
        )
    brand: Brand | None = None
    if query.brand:
        try:
            brand = brand_by_slug(query.brand)
        except Http404 as exc:
            raise ActionError(f"There is no business {query.brand!r}.", field="brand") from exc
    result = ingest_post(
        post=IncomingPost(
            platform=payload.platform,
            post_id=payload.post_id,
            author_handle=payload.author_handle,
            author_id=payload.author_id or "",
            author_name=payload.author_name,
            text=payload.text,
            url=payload.url,
            posted_at=payload.posted_at,
            in_reply_to=payload.in_reply_to or "",
            rating=payload.rating,
        ),
        source="webhook",
        brand=brand,
    )
    return IngestOut(outcome=result.outcome, case_id=result.case.pk, customer_id=result.customer.pk)


class SocialPostOut(Schema):
    id: int
    platform: str
    post_id: str
    author_handle: str
    author_name: str
    text: str
    url: str
    posted_at: datetime
    in_reply_to: str
    rating: int | None
    is_review: bool
    source: str
    received_at: datetime
    message_id: int | None
    response_target: str = Field(description='"review", "public_post", or "" (the case\'s own).')

    @classmethod
    def of(cls, post: SocialPost) -> Self:
        return cls(
            id=post.pk,
            platform=post.platform,
            post_id=post.post_id,
            author_handle=post.author_handle,
            author_name=post.author_name,
            text=post.text,
            url=post.url,
            posted_at=post.posted_at,
            in_reply_to=post.in_reply_to,
            rating=post.rating,
            is_review=post.is_review,
            source=post.source,
            received_at=post.received_at,
            message_id=post.message_id,
            response_target=post.response_target,
        )


class ResponseAgentOut(Schema):
    id: int
    display_name: str


class SocialResponseOut(Schema):
    id: int
    kind: Literal["public_reply", "moved_private", "called"]
    agent: ResponseAgentOut | None = Field(description="Who did it.")
    at: datetime
    url: str
    note: str
    post_id: int | None

    @classmethod
    def of(cls, response: SocialResponse) -> Self:
        agent: Agent | None = response.agent
        return cls(
            id=response.pk,
            kind=response.kind,  # type: ignore[arg-type]
            agent=ResponseAgentOut(id=agent.pk, display_name=agent.display_name) if agent else None,
            at=response.at,
            url=response.url,
            note=response.note,
            post_id=response.post_id,
        )


class CaseSocialOut(Schema):
    posts: list[SocialPostOut]
    responses: list[SocialResponseOut]
    response_target: str = Field(description="Which first-response target applies, in words.")
    response_due_at: datetime | None


@router.get(
    "/cases/{int:case_id}/social",
    response={200: CaseSocialOut, **READ_ERRORS},
    summary="A case's public posts and responses",
)
def case_social(request: HttpRequest, case_id: Id) -> CaseSocialOut:
    """The case's posts (oldest first) and what people did about them. A case without a post
    answers with empty lists."""
    case = case_for_agent(agent_of(request), case_id)
    found = social_of(case)
    if found is None:
        return CaseSocialOut(posts=[], responses=[], response_target="", response_due_at=None)
    return CaseSocialOut(
        posts=[SocialPostOut.of(p) for p in found.posts],
        responses=[SocialResponseOut.of(r) for r in found.responses],
        response_target=found.target.label,
        response_due_at=found.target.due_at,
    )


class ResponseIn(Input):
    kind: Literal["public_reply", "moved_private", "called"] = Field(
        description="public_reply (give its url), moved_private or called."
    )
    url: str = Field("", max_length=2000, description="The link to the public reply.")
    note: str = Field("", max_length=500)
    at: Timestamp | None = Field(None, description="When it was done; default now.")


@router.post(
    "/cases/{int:case_id}/social/responses",
    response={201: SocialResponseOut, **WRITE_ERRORS},
    summary="Record a response to a public post",
)
def add_response(
    request: HttpRequest, case_id: Id, payload: ResponseIn
) -> HttpStatus[SocialResponseOut]:
    """What you did about the case's post, recorded by you: a public reply on the platform (by
    your name, with its link), a move to a private channel, or a call (logged as a call that
    reached them). Rapport posted nothing: it records who did what, and when."""
    agent = agent_of(request)
    response = record_response(
        case=case_for_agent(agent, case_id),
        kind=ResponseKind(payload.kind),
        by=agent,
        url=payload.url,
        note=payload.note,
        at=payload.at,
    )
    return HttpStatus(201, SocialResponseOut.of(response))
