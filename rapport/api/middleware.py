"""Every answer under /api/v1/ is JSON, whoever gives it.

The operations answer in the API's error shape themselves (rapport/api/errors.py); this catches
what Django answers before or around them: the CSRF check's 403 page, a 405 for a method a path
does not have, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a 500 page. It sits outside the CSRF
middleware in settings.MIDDLEWARE.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from rapport.api.errors import SERVER_ERROR_MESSAGE, error_response, too_large

API_PREFIX = "/api/v1/"


def _message(request: HttpRequest, status: int) -> str:
    if status == 403:
        return "CSRF check failed: send the X-CSRFToken header with a signed-in session."
    if status == 404:
        return f"There is no endpoint {request.path}; see {API_PREFIX}docs."
    if status == 405:
        return f"{request.method} is not allowed on {request.path}."
    if status >= 500:
        return SERVER_ERROR_MESSAGE
    return "The request could not be read."


class ApiErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
            or (settings.DEBUG and response.status_code >= 500)
        ):
            return response
        status = response.status_code
        code = "server_error" if status >= 500 else None
        replaced = error_response(status, _message(request, status), code=code)
        if response.has_header("Allow"):
            replaced["Allow"] = response["Allow"]
        return replaced

    def process_exception(self, request: HttpRequest, exception: Exception) -> JsonResponse | None:
        if request.path.startswith(API_PREFIX) and isinstance(exception, RequestDataTooBig):
            return too_large()
        return None
