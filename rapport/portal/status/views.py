"""`/status/<token>/`: a customer's case through the signed link mailed to them.

A link that does not work (expired, revoked, forged, the case merged) shows no case data, only
a form to have a fresh link mailed to the case's address: the answer to it is the same whether
or not the address is the case's (no enumeration). Every form carries Django's CSRF token;
posts are rate-limited per client address (`rapport/workspace/ratelimits.py`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from rapport.cases.attachments import Upload, download_response
from rapport.cases.models import Case
from rapport.cases.status_links import check_token
from rapport.lib.errors import ActionError, Conflict
from rapport.portal.status import actions
from rapport.portal.status.forms import FreshLinkForm, ReplyForm, StatusForm
from rapport.portal.status.page import public_attachment, status_page

DONE = {
    "replied": "Thank you. Your message is on your case, and a person will read it.",
    "call": "Done: a named person will call you. The time is under “What we promised”.",
    "called": "A call is already promised to you; it stands. The time is under “What we promised”.",
    "solved": "Thank you for telling us. We marked your case as solved.",
    "reopened": "Your case is open again; a person will pick it up.",
}
PRIVATE = {
    # The token is in the address: never cached, never indexed. It never leaves as a referrer
    # either: the desk's `Referrer-Policy: same-origin` sends none to another site. (Not
    # `no-referrer`: with it a browser posts the page's forms with `Origin: null`, which
    # Django's CSRF check refuses.)
    "Cache-Control": "no-store, private",
    "X-Robots-Tag": "noindex, nofollow",
}
Linked = Callable[..., HttpResponseBase]


def _private(response: HttpResponseBase) -> HttpResponseBase:
    for header, value in PRIVATE.items():
        response[header] = value
    return response


def linked(view: Linked) -> Callable[..., HttpResponseBase]:
    """The view runs only for a link that works; any other gets the same page without data."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponseBase:
        case = check_token(token).case
        if case is None:
            return _private(_gone(request, token, FreshLinkForm()))
        return _private(view(request, case, token, **kwargs))

    return wrapper


def _gone(request: HttpRequest, token: str, form: forms.Form, *, status: int = 200) -> HttpResponse:
    context = {"form": form, "token": token, "days": settings.RAPPORT_STATUS_LINK_DAYS}
    context["validlink"] = False
    context["support_phone"] = settings.RAPPORT_SUPPORT_PHONE
    return render(request, "portal/status/gone.html", context, status=status)


def _page(
    request: HttpRequest,
    case: Case,
    token: str,
    *,
    reply_form: ReplyForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "page": status_page(case),
        "token": token,
        "reply_form": reply_form or ReplyForm(),
        "notice": DONE.get(request.GET.get("done", "")),
        "error": error,
        "max_files": settings.RAPPORT_ATTACHMENTS_MAX_COUNT,
        "max_bytes": settings.RAPPORT_ATTACHMENT_MAX_BYTES,
    }
    return render(request, "portal/status/page.html", context, status=status)


def _done(token: str, what: str) -> HttpResponse:
    return redirect(f"{reverse('status_page', kwargs={'token': token})}?done={what}#notice")


@require_safe
@linked
def page(request: HttpRequest, case: Case, token: str) -> HttpResponse:
    return _page(request, case, token)


@require_POST
@linked
def reply(request: HttpRequest, case: Case, token: str) -> HttpResponse:
    form = ReplyForm(request.POST)
    uploads = [
        Upload(upload.name or "", upload.content_type or "", upload.read())
        for upload in request.FILES.getlist("files")
    ]
    if form.is_valid():
        try:
            actions.reply_by_link(case=case, text=form.cleaned_data["text"], uploads=uploads)
        except ActionError as error:
            form.add_error("text" if error.field == "text" else None, error.message)
        else:
            return _done(token, "replied")
    if uploads:
        form.add_error(None, "Your message is kept below; choose your files again to send them.")
    return _page(request, case, token, reply_form=form, status=400)


@require_POST
@linked
def call(request: HttpRequest, case: Case, token: str) -> HttpResponse:
    try:
        asked = actions.ask_for_call(case=case)
    except ActionError as error:
        return _page(request, case, token, error=error.message, status=400)
    return _done(token, "call" if asked.booked else "called")


def _status_change(run: Callable[..., Case], what: str) -> Linked:
    def view(request: HttpRequest, case: Case, token: str) -> HttpResponse:
        form = StatusForm(request.POST)
        if not form.is_valid():
            return _page(request, case, token, error="Reload the page and try again.", status=400)
        try:
            run(case=case, expected=form.cleaned_data["expected"])
        except Conflict as error:
            return _page(request, case, token, error=error.message, status=409)
        except ActionError as error:
            return _page(request, case, token, error=error.message, status=400)
        return _done(token, what)

    return view


solved = require_POST(linked(_status_change(actions.mark_solved, "solved")))
reopen = require_POST(linked(_status_change(actions.reopen, "reopened")))


@require_POST
def fresh(request: HttpRequest, token: str) -> HttpResponseBase:
    """The same answer whatever was typed and whatever the token: only the mail differs."""
    form = FreshLinkForm(request.POST)
    if not form.is_valid():
        return _private(_gone(request, token, form, status=400))
    actions.send_fresh_link(case_id=check_token(token).case_id, email=form.cleaned_data["email"])
    context = {"days": settings.RAPPORT_STATUS_LINK_DAYS}
    return _private(render(request, "portal/status/fresh_sent.html", context))


@require_safe
@linked
def attachment(
    request: HttpRequest, case: Case, token: str, attachment_id: int
) -> HttpResponseBase:
    found = public_attachment(case, attachment_id)
    if found is None:
        raise Http404("No such file on this case")
    return download_response(found)
