"""The desk's 403 and 404 answers: in the app's own look, saying what happened and offering a way
back; a short notice for htmx; the API's JSON error shape under /api/."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import reswap, retarget

from rapport.api.errors import error_response
from rapport.cases.actions.bulk import too_many_cases
from rapport.lib.answers import is_htmx

NOT_FOUND = (
    "This page does not exist, or it is not yours to open: a case or customer of another team, "
    "or a case handed to another team."
)
NOT_ALLOWED = "You are not allowed to do this."
UNREADABLE = "The request could not be read."


def _answer(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return error_response(status, message)
    if is_htmx(request):
        response = render(request, "workspace/_alert.html", {"message": message}, status=status)
        return reswap(retarget(response, "#flash"), "innerHTML")
    context = {"title": title, "message": message, "status": status}
    return render(request, "workspace/error.html", context, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The same words for "missing" and "not yours": which of the two is never told.
    return _answer(request, status=404, title="Not found", message=NOT_FOUND)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Our own refusals carry a sentence for the person (PermissionDenied("Only a supervisor…")).
    reason = str(exception or "").strip() or NOT_ALLOWED
    return _answer(request, status=403, title="Not allowed", message=reason)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Past DATA_UPLOAD_MAX_NUMBER_FIELDS Django refuses a form before any view reads it: the
    # inbox's bar is the one form of ours that grows with what is ticked.
    if not isinstance(exception, TooManyFieldsSent):
        return _answer(request, status=400, title="Bad request", message=UNREADABLE)
    if request.path == reverse("cases_bulk"):
        message = too_many_cases(None)
    else:
        message = f"The form sent more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields."
    return _answer(request, status=400, title="Too much at once", message=message)
