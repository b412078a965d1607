"""How a page answers a form it was sent: post a form, run one action, answer.

`post_action` validates the form, calls the action with the cleaned data and answers with the
notice the action returned, or with the first form error or the action's `ActionError` message.
A browser is redirected (to `then` when done, to `back` when refused) with the message flashed;
an htmx request gets a `fragment` of the page it is on when done (else a client-side redirect,
the message flashed), and a refusal as an alert swapped into the element `alerts` names, with the
error's status (a busy database's is 503, with Retry-After: nothing was written). A page that
answers one refusal its own way (a reply held because others wrote since) passes `refusal`. An
action whose answer is another page returns `Elsewhere(notice, url)`. Nothing is written when
the form is refused: the action never runs. A page whose form holds much typing (a business, a
site, a team) passes `again`: a browser that is refused gets that page back with what it typed
and the reason (status 400) instead of a redirect that would lose it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from rapport.lib.busy import RETRY_AFTER_SECONDS, DatabaseBusy, database_busy
from rapport.lib.errors import ActionError
from rapport.lib.forms import first_error


@dataclass(frozen=True)
class Elsewhere:
    """What an action returns when its answer is another page: the case a message was split
    into, the inbox once a case went to another team."""

    notice: str
    url: str


Action = Callable[[dict[str, Any]], "str | Elsewhere"]
Fragment = Callable[[str], HttpResponse]
Again = Callable[[str], HttpResponse]
# A page's own answer to a refusal it knows better (None: the usual alert).
Refusal = Callable[[ActionError], "HttpResponse | None"]


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment (a history restore wants the whole page)."""
    details = getattr(request, "htmx", None)
    return bool(details) and not getattr(details, "history_restore_request", False)


def next_url(request: HttpRequest, fallback: str) -> str:
    """The page the form says it came from (`next`), if it is one of ours; else `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def refused(
    request: HttpRequest, message: str, *, back: str, alerts: str | None = None, status: int = 400
) -> HttpResponse:
    """Say no where the person is looking: in the page's alerts (htmx), else flashed on `back`."""
    if alerts is not None and is_htmx(request):
        response = render(request, "workspace/_alert.html", {"message": message}, status=status)
        return reswap(retarget(response, alerts), "innerHTML")
    messages.error(request, message)
    return redirect(back)


def done(
    request: HttpRequest, notice: str, *, then: str, fragment: Fragment | None = None
) -> HttpResponse:
    """Say what happened: the refreshed `fragment` (htmx), else flashed on the page `then`."""
    if is_htmx(request):
        if fragment is not None:
            return fragment(notice)
        messages.success(request, notice)
        return HttpResponseClientRedirect(then)
    messages.success(request, notice)
    return redirect(then)


def post_action(
    request: HttpRequest,
    action: Action,
    *,
    form: forms.Form | None = None,
    back: str,
    then: str | None = None,
    fragment: Fragment | None = None,
    alerts: str | None = None,
    again: Again | None = None,
    refusal: Refusal | None = None,
) -> HttpResponse:
    """Validate `form` (if any), run `action` with its data, and answer (see the module)."""
    if form is not None and not form.is_valid():
        if again is not None and not is_htmx(request):
            return again(first_error(form))
        return refused(request, first_error(form), back=back, alerts=alerts)
    try:
        result = _run(action, form)
    except ActionError as exc:
        answer = refusal(exc) if refusal is not None else None
        if answer is None and again is not None and not is_htmx(request):
            answer = again(exc.message)
        if answer is None:
            answer = refused(request, exc.message, back=back, alerts=alerts, status=exc.status_code)
        if isinstance(exc, DatabaseBusy):
            answer["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return answer
    if isinstance(result, Elsewhere):
        return done(request, result.notice, then=result.url)
    return done(request, result, then=then or back, fragment=fragment)


def _run(action: Action, form: forms.Form | None) -> str | Elsewhere:
    """The action; a busy database (rapport/lib/busy.py) is a refusal like any other, 503."""
    try:
        return action(form.cleaned_data if form is not None else {})
    except OperationalError as exc:
        if not database_busy(exc):
            raise
        raise DatabaseBusy() from exc
