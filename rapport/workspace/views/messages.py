"""A mail's HTML with its remote images, opened only when the agent asks for it."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from rapport.cases.access import attachment_for_agent, message_for_agent
from rapport.cases.attachments import download_response
from rapport.datacare.actions.access import record_access
from rapport.datacare.models import AccessKind, Via
from rapport.lib.csp import HEADER, policy
from rapport.lib.html import without_images
from rapport.people.decorators import agent_required
from rapport.people.models import Agent

# The page holds the sender's HTML with its images, nothing else: no script at all, images from
# anywhere on the web (not from the desk: a relative address would call the desk's own URLs),
# the desk's stylesheet, and `sandbox`, so the document runs in an origin of its own.
IMAGES_POLICY = policy(
    {
        "default-src": "'none'",
        "img-src": "http: https:",
        "style-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'none'",
        "sandbox": "",
    }
)


@require_GET
@agent_required
def message_images(request: HttpRequest, agent: Agent, message_id: int) -> HttpResponse:
    message = message_for_agent(agent, message_id)
    if not message.html:
        raise Http404("This message has no HTML")
    shown, _remote = without_images(message.html, keep_remote=True)
    html = mark_safe(shown)  # noqa: S308 -- sanitised with nh3 just now
    response = render(request, "workspace/message_images.html", {"message": message, "html": html})
    response[HEADER] = IMAGES_POLICY
    # The image servers learn that the mail was opened, but not from where.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@agent_required
def attachment_download(request: HttpRequest, agent: Agent, attachment_id: int) -> FileResponse:
    """An attachment, for anyone who may open its case; always a download with a safe name."""
    attachment = attachment_for_agent(agent, attachment_id)
    record_access(
        agent=agent,
        kind=AccessKind.ATTACHMENT,
        via=Via.WEB,
        customer_id=attachment.message.customer_id,
    )
    return download_response(attachment)
