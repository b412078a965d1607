"""The customer's full-page chat at `/chat/` (also the widget's iframe) and the widget's script.

The page works without JavaScript: a plain form post stores the line through the same actions
as the widget's API and shows the conversation again (post, redirect, get); a line that was not
stored is shown back in the box with the reason, never as sent. With JavaScript, `chat.js`
talks to the HTTP API (docs/chat.md) and keeps the page live.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.core.signing import BadSignature
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods

from rapport.chat.access import conversation_for_token
from rapport.chat.actions.conversations import customer_says, start_conversation
from rapport.chat.actions.offers import callback_from_chat, continue_by_email
from rapport.chat.actions.verification import check_code
from rapport.chat.files import accept
from rapport.chat.honesty import availability, queue_words
from rapport.chat.models import Conversation
from rapport.chat.selectors import lines_after
from rapport.chat.views import Refused, _set_visitor, code_address, limit, mail_code, visitor_id
from rapport.lib.busy import RETRY_AFTER_SECONDS, busy_message, database_busy
from rapport.lib.clientip import client_network
from rapport.lib.csp import DESK_POLICY, HEADER, policy
from rapport.lib.errors import ActionError
from rapport.people.models import Brand, initials

CONVERSATION_COOKIE = "rapport_chat_conversation"
_PAGE_SALT = "rapport.chat.page"
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
WIDGET = Path(__file__).resolve().parent / "static" / "chat" / "widget.js"


class Choose(Exception):
    """The page cannot tell which business the visitor wants: they are asked (`unknown`: the
    slug they came with names none)."""

    def __init__(self, unknown: str = "") -> None:
        self.unknown = unknown


def _page_brand(request: HttpRequest) -> Brand | None:
    slug = request.GET.get("brand", "")
    if slug:
        brand = Brand.objects.filter(slug=slug).first()
        if brand is None:
            raise Choose(unknown=slug)
        return brand
    brands = list(Brand.objects.order_by("pk")[:2])
    if len(brands) > 1:
        raise Choose()
    return brands[0] if brands else None


def _choose(request: HttpRequest, choose: Choose) -> HttpResponse:
    """A public list of the desk's businesses to chat with (never the staff's 404 page)."""
    response = render(
        request,
        "chat/choose.html",
        {
            "brands": Brand.objects.order_by("name"),
            "unknown": choose.unknown[:80],
            "embed": request.GET.get("embed") == "1",
        },
        status=404 if choose.unknown else 200,
    )
    # A widget on any business's site may have opened it (no brand named in its script tag).
    every = [o for origins in Brand.objects.values_list("chat_origins", flat=True) for o in origins]
    response[HEADER] = _framed_by(every)
    return response


def _cookie_name(brand: Brand | None) -> str:
    return f"{CONVERSATION_COOKIE}_{brand.pk if brand else 0}"


def _conversation(request: HttpRequest, brand: Brand | None) -> tuple[str, Conversation | None]:
    """This browser's conversation with the brand, from the signed cookie the page set."""
    try:
        token = str(request.get_signed_cookie(_cookie_name(brand), salt=_PAGE_SALT))
    except (KeyError, BadSignature):
        return "", None
    try:
        return token, conversation_for_token(token, visitor_id=visitor_id(request))
    except Http404:
        return "", None


def _frame_policy(brand: Brand | None) -> str:
    """The desk's policy, except that the brand's allowed sites may frame the page."""
    return _framed_by(brand.chat_origins if brand else [])


def _framed_by(sites: list[str]) -> str:
    origins = " ".join(str(o).rstrip("/") for o in sites)
    return policy({**DESK_POLICY, "frame-ancestors": f"'self' {origins}".strip()})


@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def chat_page(request: HttpRequest) -> HttpResponse:
    """GET: the conversation so far; POST (no JavaScript): store the line, then show it."""
    try:
        brand = _page_brand(request)
    except Choose as choose:
        return _choose(request, choose)
    token, conversation = _conversation(request, brand)
    problem = ""
    text = ""
    status = 200
    verify_note, code_sent = "", False
    step = request.POST.get("do", "") if request.method == "POST" else ""
    if step in ("email", "code") and conversation is not None:
        verify_note, code_sent, status = _verify_step(request, conversation, step)
        conversation.refresh_from_db()
    elif request.method == "POST":
        offer = request.POST.get("offer", "")
        text = "" if offer else request.POST.get("text", "")
        try:
            if offer:
                conversation = _take_offer(request, conversation, offer)
            else:
                token, conversation = _store(request, brand, conversation, token, text=text)
        except Refused as refused:
            problem, status = _message_of(refused.response), refused.response.status_code
        except ActionError as exc:
            problem, status = exc.message, 422
        except OperationalError as exc:
            if not database_busy(exc):
                raise
            problem, status = busy_message("your message"), 503  # nothing stored: send again
        else:
            moved = redirect(request.get_full_path() + "#composer")
            _remember(request, moved, brand, token, conversation)
            return moved
    if not verify_note and conversation is not None and _awaiting_code(conversation):
        # They asked to continue by email: the code mailed for it is typed in the same box.
        verify_note, code_sent = f"We sent a code to {conversation.email}. Type it below.", True
    history = lines_after(conversation, after=0) if conversation is not None else None
    agent = history["agent"]["name"] if history and history["agent"] else ""
    response = render(
        request,
        "chat/page.html",
        {
            "brand": brand,
            "name": brand.name if brand else "Chat",
            "colour": (brand.colour if brand else "") or "#1d4ed8",
            "greeting": (brand.chat_greeting if brand else "")
            or "Write to us here. A person reads every message.",
            "embed": request.GET.get("embed") == "1",
            # Only the ASGI server (`rapport serve`) has the chat's socket: over WSGI the page
            # keeps to its fallback poll and opens no socket that cannot connect.
            "socket": isinstance(request, ASGIRequest),
            "token": token,
            "history": history,
            "email": conversation.email if conversation is not None else "",
            "queue": (
                history["outside_hours"]
                or queue_words(history["queue_position"], history["wait_seconds"])
            )
            if history
            else "",
            "available": availability(brand, now=timezone.now()) if history is None else None,
            "initials": initials(agent or (brand.name if brand else "Chat")),
            "problem": problem,
            "text": text,
            "max_bytes": settings.RAPPORT_CHAT_ATTACHMENT_MAX_BYTES,
            "accept": accept(),
            "verify_note": verify_note,
            "code_sent": code_sent,
            "max_text": settings.RAPPORT_CHAT_MAX_TEXT,
        },
        status=status,
    )
    response[HEADER] = _frame_policy(brand)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _awaiting_code(conversation: Conversation) -> bool:
    return conversation.by_email_at is not None and conversation.verified_at is None


def _verify_step(
    request: HttpRequest, conversation: Conversation, step: str
) -> tuple[str, bool, int]:
    """Without JavaScript: mail a code, or check the one typed (the widget's API's actions).
    Answers what to tell the visitor, whether the code box is shown, and the status."""
    try:
        if step == "email":
            sent = mail_code(request, conversation, request.POST.get("email", ""))
            return f"We sent a code to {sent.email}. Type it below.", True, 200
        checked = check_code(
            conversation=conversation, code=request.POST.get("code", ""), now=timezone.now()
        )
    except Refused as refused:
        return _message_of(refused.response), step == "code", refused.response.status_code
    except ActionError as exc:
        return exc.message, step == "code", 422
    except OperationalError as exc:
        if not database_busy(exc):
            raise
        return busy_message(), step == "code", 503  # nothing stored: ask again
    return checked.message, not checked.verified, 200 if checked.verified else 422


def _message_of(response: HttpResponse) -> str:
    try:
        return str(json.loads(response.content)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return "The message could not be stored. Please try again."


def _take_offer(
    request: HttpRequest, conversation: Conversation | None, offer: str
) -> Conversation:
    """The page's forms for a chat nobody can answer now (the same actions as the API)."""
    if conversation is None:
        raise ActionError("Write your message first.", field="text")
    limit(request, "RAPPORT_RATE_CHAT_POST", client_network(request))
    if offer == "callback":
        callback_from_chat(
            conversation=conversation,
            phone=request.POST.get("phone", ""),
            timezone_name=request.POST.get("timezone", ""),
            now=timezone.now(),
        )
    elif offer == "email":
        address = request.POST.get("email", "")
        if not address.strip():
            raise ActionError("Give the email address to answer you at.", field="email")
        continue_by_email(
            conversation=conversation,
            email=code_address(request, conversation, address),
            now=timezone.now(),
        )
    else:
        raise ActionError("Choose a call back or email.", field="offer")
    return conversation


def _store(
    request: HttpRequest,
    brand: Brand | None,
    conversation: Conversation | None,
    token: str,
    *,
    text: str,
) -> tuple[str, Conversation]:
    network = client_network(request)
    limit(request, "RAPPORT_RATE_CHAT_POST", network)
    if conversation is not None:
        limit(request, "RAPPORT_RATE_CHAT_CONVERSATION", f"chat:{conversation.pk}")
        customer_says(conversation=conversation, text=text)
        return token, conversation
    limit(request, "RAPPORT_RATE_CHAT_START", network)
    started = start_conversation(
        text=text,
        visitor_id=visitor_id(request) or secrets.token_urlsafe(16),
        brand=brand,
        name=request.POST.get("name", ""),
        email=request.POST.get("email", ""),
        timezone_name=request.POST.get("timezone", ""),
    )
    return started.token, started.conversation


def _remember(
    request: HttpRequest,
    response: HttpResponse,
    brand: Brand | None,
    token: str,
    conversation: Conversation,
) -> None:
    _set_visitor(request, response, conversation.visitor_id)
    response.set_signed_cookie(
        _cookie_name(brand),
        token,
        salt=_PAGE_SALT,
        max_age=365 * 24 * 3600,
        httponly=True,
        secure=request.is_secure(),
        samesite="None" if request.is_secure() else "Lax",
    )


def widget_script(request: HttpRequest) -> HttpResponse:
    """`/chat/widget.js`: the one script a site embeds (a static file, served at a stable
    address so the embed code never changes)."""
    response = HttpResponse(WIDGET.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def brand_css(request: HttpRequest) -> HttpResponse:
    """The brand's colours as a stylesheet (the strict policy allows no inline style)."""
    colour = request.GET.get("colour", "")
    rule = f":root {{ --brand: {colour}; }}\n" if COLOUR.fullmatch(colour) else ""
    # The contact page's links (portal): the business's accent colour.
    accent = request.GET.get("accent", "")
    rule += f":root {{ --brand-accent: {accent}; }}\n" if COLOUR.fullmatch(accent) else ""
    response = HttpResponse(rule, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
