"""The chat widget's HTTP API (docs/chat.md): JSON in, JSON out, the token in the path.

These endpoints are public and called cross-site by a widget embedded on a business's own
site, so they are CSRF-exempt and protected otherwise (docs/security.md): a POST must be
`application/json` (or a multipart upload with the token), and a browser request from an origin
that is neither this desk nor one of the brand's `chat_origins` is refused, so another site
cannot write into someone's chat; only those origins are answered with CORS headers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from rapport.cases.attachments import Upload, download_response
from rapport.cases.models import Attachment
from rapport.chat.access import conversation_for_token
from rapport.chat.actions.conversations import (
    clean_email,
    customer_saw,
    customer_says,
    start_conversation,
)
from rapport.chat.actions.offers import callback_from_chat, continue_by_email
from rapport.chat.actions.typing import customer_typing
from rapport.chat.actions.verification import CodeSent, check_code, send_code
from rapport.chat.files import refusal
from rapport.chat.honesty import availability
from rapport.chat.models import Conversation
from rapport.chat.selectors import lines_after
from rapport.chat.visitor import VISITOR_COOKIE, signed_visitor, visitor_from_cookie
from rapport.lib import ratecount
from rapport.lib.busy import RETRY_AFTER_SECONDS, busy_message, database_busy
from rapport.lib.clientip import client_network
from rapport.lib.errors import ActionError, Conflict
from rapport.people.models import Brand

MAX_BODY = 64 * 1024  # a JSON body: a line of RAPPORT_CHAT_MAX_TEXT characters fits many times
_YEAR = 365 * 24 * 3600

View = Callable[..., HttpResponseBase]


def error(status: int, code: str, message: str, *, field: str | None = None) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "field": field}}, status=status
    )


class Refused(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def chat_api(view: View) -> View:
    """CSRF-exempt (see the module's docstring), origin-checked, CORS for the brand's sites,
    errors as JSON: 404 for an unknown token, 422 for bad input, 503 (with Retry-After) when
    the database's write lock stayed taken (nothing was stored; the widget sends it again)."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        origin = request.headers.get("Origin", "")
        try:
            conversation = (
                conversation_for_token(kwargs["token"], visitor_id=visitor_id(request))
                if "token" in kwargs
                else None
            )
        except Http404:
            return _with_cors(error(404, "not_found", "No such conversation."), request, None)
        allowed = _allowed_origins(request, conversation)
        if origin and origin not in allowed:
            return error(403, "forbidden", "This site may not use this chat.")
        if request.method == "OPTIONS":
            return _with_cors(HttpResponse(status=204), request, conversation)
        if conversation is not None:
            kwargs["conversation"] = conversation
            del kwargs["token"]
        try:
            response = view(request, *args, **kwargs)
        except Refused as refused:
            response = refused.response
        except Conflict as exc:
            response = error(409, "conflict", exc.message, field=exc.field)
        except ActionError as exc:
            response = error(422, "invalid", exc.message, field=exc.field)
        except OperationalError as exc:
            if not database_busy(exc):
                raise
            response = error(503, "busy", busy_message("your message"))
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return _with_cors(response, request, conversation)

    return wrapped


def _allowed_origins(request: HttpRequest, conversation: Conversation | None) -> set[str]:
    """This desk's own origin, and the sites the brand lets embed its chat (any brand's before
    a conversation exists: the brand is named in the body, after the browser's preflight)."""
    own = f"{request.scheme}://{request.get_host()}"
    if conversation is not None:
        brand_origins = conversation.brand.chat_origins if conversation.brand else []
    else:
        brand_origins = [o for b in Brand.objects.values_list("chat_origins", flat=True) for o in b]
    return {own, *(str(o).rstrip("/") for o in brand_origins)}


def _with_cors(
    response: HttpResponseBase, request: HttpRequest, conversation: Conversation | None
) -> HttpResponseBase:
    origin = request.headers.get("Origin", "")
    response["Vary"] = "Origin"
    if origin and origin in _allowed_origins(request, conversation):
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Credentials"] = "true"
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "600"
    return response


def visitor_id(request: HttpRequest) -> str | None:
    return visitor_from_cookie(request.COOKIES.get(VISITOR_COOKIE))


def _set_visitor(request: HttpRequest, response: HttpResponse, visitor: str) -> None:
    secure = request.is_secure()
    response.set_cookie(
        VISITOR_COOKIE,
        signed_visitor(visitor),
        max_age=_YEAR,
        httponly=True,
        secure=secure,
        # Sent by the widget's cross-site requests only over HTTPS (SameSite=None needs Secure).
        samesite="None" if secure else "Lax",
    )


def json_body(request: HttpRequest) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise Refused(error(415, "unsupported_media_type", "Send JSON (application/json)."))
    if len(request.body) > MAX_BODY:
        raise Refused(error(413, "too_large", "The request is too large; send shorter lines."))
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise Refused(error(422, "invalid", "The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Refused(error(422, "invalid", "The body must be a JSON object."))
    return data


def text_field(data: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ActionError(f"{name} must be text.", field=name)
    return value


def limit(request: HttpRequest, setting: str, key: str) -> None:
    """Refused with 429 (and when to try again) past the rate in `setting`, counted per `key`."""
    rate = getattr(settings, setting)
    if rate == "off":
        return
    usage = ratecount.usage(
        request, group=f"rapport:{setting}", key=lambda _g, _r: key, rate=rate, increment=True
    )
    if usage is not None and usage["should_limit"]:
        wait = max(1, int(usage["time_left"]))
        response = error(
            429,
            "too_many_requests",
            f"You are sending messages too fast. Please wait {wait} seconds and try again.",
        )
        response["Retry-After"] = str(wait)
        raise Refused(response)


@chat_api
def conversations(request: HttpRequest) -> HttpResponse:
    """POST /chat/api/conversations {"text", "name"?, "email"?, "brand"?, "client_id"?}."""
    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST.")
    limit(request, "RAPPORT_RATE_CHAT_START", client_network(request))
    data = json_body(request)
    text = text_field(data, "text", required=True)
    brand = _brand(text_field(data, "brand"))
    started = start_conversation(
        text=text,
        visitor_id=visitor_id(request) or "",
        brand=brand,
        name=text_field(data, "name"),
        email=text_field(data, "email"),
        client_id=text_field(data, "client_id"),
        timezone_name=text_field(data, "timezone"),
    )
    response = JsonResponse(
        {
            "conversation": started.token,
            "case_id": started.conversation.case_id,
            "seq": started.entry.seq,
        },
        status=200 if started.repeated else 201,
    )
    _set_visitor(request, response, started.conversation.visitor_id)
    return response


def _brand(slug: str) -> Brand | None:
    """The brand named, or the only one; none on a desk without brands."""
    if slug:
        brand = Brand.objects.filter(slug=slug).first()
        if brand is None:
            raise ActionError(f"There is no business {slug[:80]!r}.", field="brand")
        return brand
    brands = list(Brand.objects.order_by("pk")[:2])
    if len(brands) > 1:
        raise ActionError("Say which business this chat is for (brand).", field="brand")
    return brands[0] if brands else None


@chat_api
def messages(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """GET ...?after=SEQ: the lines after the cursor; POST {"text", "client_id"?} -> {"seq"}."""
    if request.method == "POST":
        limit(request, "RAPPORT_RATE_CHAT_POST", client_network(request))
        limit(request, "RAPPORT_RATE_CHAT_CONVERSATION", f"chat:{conversation.pk}")
        data = json_body(request)
        entry = customer_says(
            conversation=conversation,
            text=text_field(data, "text", required=True),
            client_id=text_field(data, "client_id"),
        )
        return JsonResponse({"seq": entry.seq}, status=201)
    if request.method != "GET":
        return error(405, "method_not_allowed", "Use GET or POST.")
    after = request.GET.get("after", "0")
    if not after.isdigit():
        raise ActionError("after must be a whole number (the last seq you have).", field="after")
    return JsonResponse(lines_after(conversation, after=int(after)))


@chat_api
def seen(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """POST {"seq"}: the customer's screen showed every line up to seq."""
    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST.")
    seq = json_body(request).get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ActionError("seq must be a whole number.", field="seq")
    return JsonResponse({"seq": customer_saw(conversation=conversation, seq=seq)})


@chat_api
def typing_now(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """POST: the customer is typing (told to the agent's screen; stored nowhere)."""
    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST.")
    limit(request, "RAPPORT_RATE_CHAT_POST", client_network(request))
    customer_typing(conversation=conversation)
    return HttpResponse(status=204)


@chat_api
def attachments(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """POST multipart {"file", "text"?, "client_id"?}: a file from the customer -> {"seq"}."""
    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST.")
    limit(request, "RAPPORT_RATE_CHAT_POST", client_network(request))
    limit(request, "RAPPORT_RATE_CHAT_CONVERSATION", f"chat:{conversation.pk}")
    upload = request.FILES.get("file")
    if upload is None:
        raise ActionError("Choose a file to send.", field="file")
    # Refused before it is read: too large (413) or a kind this chat does not take (415).
    refused = refusal(name=upload.name or "attachment", size=upload.size or 0)
    if refused is not None:
        return error(refused.status, refused.code, refused.message, field="file")
    file = Upload(
        filename=upload.name or "attachment",
        content_type=upload.content_type or "",
        data=upload.read(),
    )
    entry = customer_says(
        conversation=conversation,
        text=request.POST.get("text", ""),
        client_id=request.POST.get("client_id", ""),
        attachments=[file],
    )
    return JsonResponse({"seq": entry.seq}, status=201)


def code_address(request: HttpRequest, conversation: Conversation, email: str) -> str:
    """The address a code is to be mailed to (`email`, or the one given at the start), within
    the limits: per conversation, per address (nobody's inbox is flooded from many chats) and
    per client."""
    address = clean_email(email or conversation.email)
    if not address:
        raise ActionError("Type your email address.", field="email")
    digest = hashlib.sha256(address.encode()).hexdigest()
    limit(request, "RAPPORT_RATE_CHAT_CODE", f"code:chat:{conversation.pk}")
    limit(request, "RAPPORT_RATE_CHAT_CODE", f"code:to:{digest}")
    limit(request, "RAPPORT_RATE_CHAT_CODE", f"code:from:{client_network(request)}")
    return address


def mail_code(request: HttpRequest, conversation: Conversation, email: str) -> CodeSent:
    """A code mailed to `email` (see `code_address`)."""
    address = code_address(request, conversation, email)
    return send_code(conversation=conversation, email=address, now=timezone.now())


@chat_api
def email_code(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """POST {"email"}: mail a code to the address (the same answer whoever holds it)."""
    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST.")
    data = json_body(request)
    sent = mail_code(request, conversation, text_field(data, "email"))
    return JsonResponse(
        {
            "email": sent.email,
            "expires_at": sent.expires_at.isoformat(),
            "message": f"We sent a code to {sent.email}. Type it here to show the address is "
            "yours.",
        },
        status=202,
    )


@chat_api
def verify(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """POST {"code"}: the code from the mail -> {"verified": true}; a wrong one is a 422."""
    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST.")
    limit(request, "RAPPORT_RATE_CHAT_POST", client_network(request))
    code = text_field(json_body(request), "code", required=True)
    checked = check_code(conversation=conversation, code=code, now=timezone.now())
    if not checked.verified:
        return error(422, "wrong_code", checked.message, field="code")
    return JsonResponse({"verified": True, "message": checked.message})


@chat_api
def file_download(
    request: HttpRequest, conversation: Conversation, file_id: int
) -> HttpResponseBase:
    """GET: a file on a line of this conversation (the agent's or the visitor's own), as a
    download; any other file is the same 404 as a file that does not exist."""
    if request.method != "GET":
        return error(405, "method_not_allowed", "Use GET.")
    attachment = Attachment.objects.filter(
        pk=file_id, message__chat_entry__conversation=conversation
    ).first()
    if attachment is None:
        return error(404, "not_found", "No such file in this conversation.")
    try:
        return download_response(attachment)
    except Http404:
        return error(404, "not_found", "This file is no longer kept.")


@chat_api
def available(request: HttpRequest) -> HttpResponse:
    """GET ?brand=slug: {"available": bool}: someone of the brand is on shift with room for
    another chat now (read by the widget before the customer starts)."""
    if request.method != "GET":
        return error(405, "method_not_allowed", "Use GET.")
    slug = request.GET.get("brand", "")
    return JsonResponse({"available": availability(_brand(slug), now=timezone.now())})


@chat_api
def callback(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """POST {"phone", "timezone"?}: call me back (care's callback promise on the chat's case)."""
    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST.")
    limit(request, "RAPPORT_RATE_CHAT_POST", client_network(request))
    data = json_body(request)
    promise = callback_from_chat(
        conversation=conversation,
        phone=text_field(data, "phone", required=True),
        timezone_name=text_field(data, "timezone"),
        now=timezone.now(),
    )
    return JsonResponse(
        {
            "seq": Conversation.objects.get(pk=conversation.pk).last_seq,
            "agent": {"name": promise.owner.display_name} if promise.owner else None,
            "window": {
                "start": promise.due_at.isoformat(),
                "end": (promise.window_end or promise.due_at).isoformat(),
            },
        },
        status=201,
    )


@chat_api
def by_email(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """POST {"email"}: continue by email (a code to prove the address is mailed to it, within
    the code's limits; none when this chat has proven it already)."""
    if request.method != "POST":
        return error(405, "method_not_allowed", "Use POST.")
    address = text_field(json_body(request), "email", required=True)
    if not address.strip():
        raise ActionError("Give the email address to answer you at.", field="email")
    changed = continue_by_email(
        conversation=conversation,
        email=code_address(request, conversation, address),
        now=timezone.now(),
    )
    return JsonResponse(
        {
            "seq": changed.last_seq,
            "email": changed.email,
            "confirmed": changed.verified_at is not None,
        }
    )
