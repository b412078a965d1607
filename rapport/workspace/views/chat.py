"""The agent's side of a live chat that is not a reply: the case page's read mark."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from rapport.cases.access import case_for_agent
from rapport.chat.actions.conversations import agent_saw_message
from rapport.people.decorators import agent_required
from rapport.people.models import Agent


@require_POST
@agent_required
def case_chat_seen(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    """POST message=ID: the case page is showing the case's messages up to ID (live.js posts it
    when the timeline is on screen), so the customer's chat lines up to it read "Seen"."""
    case = case_for_agent(agent, case_id)
    message = request.POST.get("message", "")
    if not message.isdigit():
        return HttpResponse("message must be a message id.", status=400, content_type="text/plain")
    agent_saw_message(case=case, message_id=int(message))
    return HttpResponse(status=204)
