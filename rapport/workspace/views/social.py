"""Recording, from the case page, what a person did about a public post."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from rapport.cases import transports
from rapport.cases.access import case_for_agent
from rapport.cases.models import Case
from rapport.lib.answers import post_action
from rapport.lib.forms import Form
from rapport.people.decorators import agent_required
from rapport.people.models import Agent, Channel
from rapport.social.actions.responses import MAX_NOTE, record_response
from rapport.social.models import ResponseKind
from rapport.social.selectors import link_candidates, social_of


def social_context(agent: Agent, case: Case) -> dict[str, Any]:
    """The case page's public-post panel: nothing (no query) for a case that did not begin
    with a post; else its posts, responses, target and, for a customer known by a handle
    alone, the customers they may be (one click to link)."""
    found = social_of(case) if case.origin_channel == Channel.SOCIAL else None
    if found is None:
        return {"social": None}
    candidates = (
        link_candidates(agent, customer=case.customer, name=found.posts[0].author_name)
        if found.handle_only
        else []
    )
    carrier = transports.transport_for(Channel.SOCIAL)
    return {
        "social": found,
        # The composer posts there itself (Mastodon); else the agent answers on the platform.
        "social_posted_by_rapport": carrier is not None
        and (carrier.reaches is None or carrier.reaches(case)),
        "social_candidates": candidates,
        "response_kinds": ResponseKind.choices,
    }


class SocialResponseForm(Form):
    kind = forms.ChoiceField(choices=ResponseKind.choices, label="What you did")
    url = forms.CharField(required=False, max_length=2000, label="Link to your public reply")
    note = forms.CharField(required=False, max_length=MAX_NOTE, label="Note")


@require_POST
@agent_required
def case_social_response(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    back = reverse("case", kwargs={"case_id": case.pk}) + "#social-post"

    def run(data: dict[str, Any]) -> str:
        response = record_response(
            case=case, kind=data["kind"], by=agent, url=data["url"], note=data["note"]
        )
        return f"Recorded: {response.get_kind_display().lower()}, by {agent.display_name}."

    return post_action(
        request, run, form=SocialResponseForm(request.POST), back=back, alerts="#social-alerts"
    )
