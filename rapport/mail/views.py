"""The provider webhook, the supervisors' intake page, and the original of a received mail."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from rapport.cases.access import message_for_agent
from rapport.datacare.actions.access import raw_deleted_notice, read_raw_mail
from rapport.datacare.models import Via
from rapport.lib.answers import post_action
from rapport.mail import selectors
from rapport.mail.access import inbound_for_agent
from rapport.mail.actions.intake import retry_inbound_email, store_inbound_email
from rapport.mail.models import InboundEmail, InboundStatus, Source
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent

logger = logging.getLogger("rapport.mail")

PAGE = 100
# Form fields in which providers post the raw message: SendGrid ("email", with "POST the raw,
# full MIME message") and Mailgun ("body-mime", when forwarding to a URL ending in "mime").
RAW_FORM_FIELDS = ("email", "body-mime")


# -- Provider webhook ----------------------------------------------------------------------------


def _authorised(request: HttpRequest, secret: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    offered = ""
    if scheme.lower() == "bearer":
        offered = credentials.strip()
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        offered = decoded.partition(":")[2]
    return bool(offered) and hmac.compare_digest(offered.encode(), secret.encode())


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@csrf_exempt  # machine to machine, authenticated with its own shared secret
def inbound_webhook(request: HttpRequest) -> HttpResponseBase:
    """POST the raw MIME message; 202 once it is stored. Off (404) without a secret."""
    secret = settings.RAPPORT_INBOUND_SECRET
    if not secret:
        raise Http404("Inbound webhook is not enabled")
    try:
        raw = _checked_message(request, secret)
    except _Refused as refused:
        return _error(refused.status, refused.message)
    envelope_to = [
        a.strip() for a in request.headers.get("X-Envelope-To", "").split(",") if a.strip()
    ]
    try:
        row = store_inbound_email(
            raw=raw,
            source=Source.WEBHOOK,
            envelope_from=request.headers.get("X-Envelope-From", ""),
            envelope_to=envelope_to,
            source_ref=request.headers.get("User-Agent", "")[:100],
        )
    except DatabaseError:
        logger.exception("Could not store a webhook message")
        response = _error(503, "Temporarily unable to store the message; try again.")
        response["Retry-After"] = "60"
        return response
    return JsonResponse({"id": row.pk, "message_id": row.message_id}, status=202)


def _checked_message(request: HttpRequest, secret: str) -> bytes:
    if request.method != "POST":
        raise _Refused(405, "POST the raw message.")
    if not _authorised(request, secret):
        raise _Refused(403, "Wrong or missing secret.")
    max_bytes = settings.RAPPORT_INBOUND_MAX_BYTES
    too_big = _Refused(413, f"The message is larger than {max_bytes} bytes.")
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > max_bytes:
        raise too_big
    try:
        raw = _raw_message(request, max_bytes)
    except RequestDataTooBig as exc:
        raise too_big from exc
    if raw is None or not raw.strip():
        raise _Refused(400, "The request holds no message.")
    if len(raw) > max_bytes:
        raise too_big
    return raw


def _raw_message(request: HttpRequest, max_bytes: int) -> bytes | None:
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name in RAW_FORM_FIELDS:
            upload = request.FILES.get(name)
            if upload is not None:
                return bytes(upload.read(max_bytes + 1))
            value = request.POST.get(name)
            if value:
                return value.encode("utf-8", "surrogateescape")
        return None
    return request.read(max_bytes + 1)


# -- Intake page (supervisors) -------------------------------------------------------------------


@require_GET
@agent_required
@supervisor_required
def intake_page(request: HttpRequest, agent: Agent) -> HttpResponse:
    status = request.GET.get("status", selectors.ATTENTION)
    if status not in selectors.FILTERS:
        status = selectors.ATTENTION
    now = timezone.now()
    rows = list(selectors.intake_rows(status=status, now=now).order_by("-received_at")[:PAGE])
    counts = selectors.status_counts()
    filters = [(selectors.ATTENTION, "Needs attention", None)] + [
        (value, label, counts[value]) for value, label in InboundStatus.choices
    ]
    return render(
        request,
        "mail/intake.html",
        {"rows": rows, "status": status, "filters": filters, "now": now},
    )


@require_POST
@agent_required
@supervisor_required
def intake_retry(request: HttpRequest, agent: Agent, inbound_id: int) -> HttpResponse:
    row = inbound_for_agent(agent, inbound_id)

    def run(data: dict[str, Any]) -> str:
        retry_inbound_email(inbound=row, by=agent)
        return f"Mail {row.message_id} is being processed again."

    return post_action(request, run, back=reverse("mail:intake"))


# -- The original, one click from the message ----------------------------------------------------


def _raw_response(row: InboundEmail, agent: Agent, *, download: bool) -> HttpResponse:
    raw = read_raw_mail(row, agent=agent, via=Via.WEB)
    if raw is None:
        return HttpResponse(
            raw_deleted_notice(row), status=410, content_type="text/plain; charset=utf-8"
        )
    if download:
        response = HttpResponse(raw, content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="inbound-{row.pk}.eml"'
    else:
        text = raw.decode("utf-8", errors="replace")
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    # The raw mail is the customer's words: keep it out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@agent_required
def inbound_raw(request: HttpRequest, agent: Agent, inbound_id: int) -> HttpResponse:
    row = inbound_for_agent(agent, inbound_id)
    return _raw_response(row, agent, download=request.GET.get("download") == "1")


@require_GET
@agent_required
def message_original(request: HttpRequest, agent: Agent, message_id: int) -> HttpResponse:
    """The exact mail a case message was made from (its text shows only the new reply)."""
    message = message_for_agent(agent, message_id)
    row = InboundEmail.objects.filter(case_message=message).order_by("pk").first()
    if row is None:
        raise Http404("This message did not arrive by email")
    return _raw_response(row, agent, download=request.GET.get("download") == "1")
