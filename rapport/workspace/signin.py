"""Sessions that end: after RAPPORT_SESSION_IDLE_MINUTES without activity and at most
RAPPORT_SESSION_MAX_HOURS after signing in; and the second factor before any page of the desk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from rapport.people.signin import SIGNED_OUT_BECAUSE
from rapport.people.twofactor import (
    NOT_NEEDED_UNTIL,
    SecondFactor,
    check_second_factor,
    second_factor,
)

SIGNED_IN_AT = "rapport_signed_in_at"
LAST_SEEN = "rapport_last_seen"
# Writing the session on every request would be a write per page; a minute is precise enough.
STAMP_EVERY = 60
# Pages that refresh themselves (presence heartbeats, live boards): a tab left open is not an
# agent at work, so these neither count as activity nor keep a session alive.
PASSIVE_VIEWS = {
    "case_presence",
    "incident_board",
    "import_progress",
    "inbox_live",
    "case_live",
    "notifications_live",
}
# Reachable before the second factor: signing in and out, resetting a password, the code itself.
BEFORE_SECOND_FACTOR = {
    "login",
    "logout",
    "two_factor_verify",
    "password_reset",
    "password_reset_sent",
    "password_reset_confirm",
    "password_reset_complete",
}


class SignInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(  # noqa: PLR0911 - one early answer per reason, in the order they apply
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if self._session_ended(request, name):
            # Carry on as anonymous: pages send to the sign-in page, the API answers 401, and
            # htmx fragments send the whole tab to sign in.
            if getattr(request, "htmx", False):
                return _redirect(request, reverse(settings.LOGIN_URL))
            return None
        owed = second_factor(request)
        if owed is SecondFactor.DONE:
            return None
        # The pages below may be shown; the template leaves out the desk's navigation.
        request.second_factor_owed = True  # type: ignore[attr-defined]
        if name in BEFORE_SECOND_FACTOR:
            return None
        if owed is SecondFactor.ENROL and name in {"two_factor_setup", "two_factor_qr"}:
            return None
        if request.path.startswith("/api/"):
            return None  # the API's session check refuses an unverified session with a 401
        target = "two_factor_verify" if owed is SecondFactor.VERIFY else "two_factor_setup"
        return _redirect(request, reverse(target) + "?" + urlencode({"next": request.path}))

    def _session_ended(self, request: HttpRequest, view_name: str) -> bool:
        session = request.session
        now = timezone.now().timestamp()
        started = float(session.setdefault(SIGNED_IN_AT, now))
        last = float(session.get(LAST_SEEN, started))
        idle = settings.RAPPORT_SESSION_IDLE_MINUTES
        hours = settings.RAPPORT_SESSION_MAX_HOURS
        reason = ""
        if now - last > idle * 60:
            reason = f"after {idle} minutes without activity"
        elif now - started > hours * 3600:
            reason = f"{hours} hours after signing in"
        if reason:
            setattr(request, SIGNED_OUT_BECAUSE, reason)
            logout(request)
            messages.info(request, f"You were signed out {reason}. Please sign in again.")
            return True
        if view_name not in PASSIVE_VIEWS and (LAST_SEEN not in session or now - last >= 60):
            session[LAST_SEEN] = now
        return False


def _redirect(request: HttpRequest, url: str) -> HttpResponseBase:
    if getattr(request, "htmx", False):
        # A fragment request would swap the page into a corner: send the whole tab there.
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def _stamp_sign_in(sender: Any, request: HttpRequest, user: AbstractBaseUser, **kw: Any) -> None:
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session.pop(NOT_NEEDED_UNTIL, None)
    check_second_factor(request, user)


def connect() -> None:
    user_logged_in.connect(_stamp_sign_in, dispatch_uid="rapport.workspace.stamp_sign_in")
