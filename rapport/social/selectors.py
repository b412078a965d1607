"""Reading a case's public posts and what was done about them (its page and the API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from rapport.cases.access import customers_for_agent
from rapport.cases.models import Case
from rapport.people.models import Agent, Customer, IdentityKind
from rapport.social.models import ResponseTarget, SocialPost, SocialResponse


@dataclass(frozen=True)
class Target:
    """Which first-response target the case's posts set, in words."""

    kind: str  # a ResponseTarget value; "" when the case keeps its own policy's
    label: str
    due_at: datetime | None


@dataclass(frozen=True)
class CaseSocial:
    posts: list[SocialPost]
    responses: list[SocialResponse]
    target: Target
    # The customer is known by social handles alone (made from a post): the case page offers
    # to link them to a customer the desk already knows.
    handle_only: bool


def target_words(kind: str) -> str:
    if kind == ResponseTarget.REVIEW:
        hours = settings.RAPPORT_SOCIAL_REVIEW_RESPONSE_HOURS
        return f"Review target: a first answer within {hours} h"
    if kind == ResponseTarget.PUBLIC_POST:
        minutes = settings.RAPPORT_SOCIAL_RESPONSE_MINUTES
        return f"Public post target: an answer within {minutes} min"
    return "The case's own service-level policy"


def social_of(case: Case) -> CaseSocial | None:
    """The case's posts (oldest first) and responses, or None when it has no post (one query;
    three for a case with posts)."""
    posts = list(SocialPost.objects.filter(case=case).order_by("posted_at", "pk"))
    if not posts:
        return None
    responses = list(
        SocialResponse.objects.filter(case=case).select_related("agent").order_by("at", "pk")
    )
    kind = next((p.response_target for p in posts if p.response_target), "")
    due = (
        case.first_response_due_at if case.first_response_at is None else case.next_response_due_at
    )
    handle_only = not case.customer.identities.exclude(kind=IdentityKind.SOCIAL).exists()
    return CaseSocial(posts, responses, Target(kind, target_words(kind), due), handle_only)


def link_candidates(agent: Agent, *, customer: Customer, name: str) -> list[Customer]:
    """Up to five customers the agent serves whose name has the post author's longest word
    (the one-click "same person" offers on the case page; any other is linked by number)."""
    words = sorted((w for w in name.split() if len(w) >= 3), key=len, reverse=True)
    if not words:
        return []
    return list(
        customers_for_agent(agent)
        .filter(name__icontains=words[0])
        .exclude(pk=customer.pk)
        .order_by("name", "pk")[:5]
    )
