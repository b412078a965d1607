"""One error shape for the whole API: {"error": {"code", "message", "field", "details"}}."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from rapport.lib.busy import RETRY_AFTER_SECONDS, database_busy
from rapport.lib.errors import ActionError

logger = logging.getLogger("django.request")

# The codes an integrator can branch on; the message is for a person.
CODE_FOR_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    422: "validation_error",
    429: "too_many_requests",
}


SERVER_ERROR_MESSAGE = "Something went wrong on our side; it has been logged."
BUSY_MESSAGE = (
    "The desk's database is busy (another write held it too long): nothing was saved or sent. "
    "Send the request again after Retry-After seconds."
)


def error_body(
    code: str,
    message: str,
    *,
    field: str | None = None,
    details: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "field": field}
    if details is not None:
        body["details"] = details
    return {"error": body}


def error_response(
    status: int, message: str, *, field: str | None = None, code: str | None = None
) -> JsonResponse:
    code = code or CODE_FOR_STATUS.get(status, "bad_request")
    return JsonResponse(error_body(code, message, field=field), status=status)


def too_large() -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_response(
        413, f"The request body is over the limit of {limit} bytes; send less at a time."
    )


def _field_of(loc: tuple[Any, ...] | list[Any]) -> str | None:
    """("body", "payload", "identities", 0, "kind") -> "identities.0.kind"."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
        # A body or query schema parameter adds its own name in front of the fields.
        if parts and parts[0] in {"payload", "filters", "page"}:
            parts = parts[1:]
    return ".".join(parts) or None


def _readable(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "is not valid"))
    # pydantic prefixes messages raised by our validators with "Value error, ".
    return message.removeprefix("Value error, ")


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ActionError)
    def action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
        return error_response(exc.status_code, exc.message, field=exc.field)

    @api.exception_handler(RequestDataTooBig)
    def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return too_large()

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc) or "Not found"
        return error_response(404, f"{message}." if not message.endswith(".") else message)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = exc.message
        if exc.status_code == 401:
            message = "Send a valid API token as 'Authorization: Bearer <token>', or sign in."
        elif exc.status_code == 403 and "CSRF" in message:
            message = "CSRF check failed: send the X-CSRFToken header with a signed-in session."
        elif exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = "The request body is not valid JSON."
        response = error_response(exc.status_code, message)
        if exc.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {"field": _field_of(error.get("loc", ())), "message": _readable(error)}
            for error in exc.errors
        ]
        first = details[0] if details else {"field": None, "message": "The request is not valid."}
        message = (
            f"{first['field']}: {first['message']}" if first["field"] else str(first["message"])
        )
        if len(details) > 1:
            message += f" (and {len(details) - 1} more)"
        body = error_body("validation_error", message, field=first["field"], details=details)
        return JsonResponse(body, status=422)

    @api.exception_handler(DjangoValidationError)
    def model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            field, messages = next(iter(exc.message_dict.items()))
            return error_response(400, " ".join(messages), field=field)
        return error_response(400, " ".join(exc.messages))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        if settings.DEBUG:
            raise exc  # Django's technical 500 page helps a developer more
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return error_response(500, SERVER_ERROR_MESSAGE, code="server_error")

    @api.exception_handler(OperationalError)
    def database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
        if not database_busy(exc):
            return server_error(request, exc)
        response = error_response(503, BUSY_MESSAGE, code="busy")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
