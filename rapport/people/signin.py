"""The sign-in audit: Django's and axes's sign-in signals written to people.SecurityEvent."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from rapport.people.actions.security import record_security_event
from rapport.people.models import SecurityEventKind

# Set on a request by whoever ends a session for a reason (idle, too old), for the audit.
SIGNED_OUT_BECAUSE = "rapport_signed_out_because"


def _signed_in(sender: Any, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> None:
    record_security_event(kind=SecurityEventKind.SIGNED_IN, request=request, user=user)


def _signed_out(
    sender: Any, request: HttpRequest, user: AbstractBaseUser | None, **kwargs: Any
) -> None:
    if user is None:
        return
    reason = getattr(request, SIGNED_OUT_BECAUSE, "")
    kind = SecurityEventKind.SESSION_EXPIRED if reason else SecurityEventKind.SIGNED_OUT
    record_security_event(kind=kind, request=request, user=user, detail=reason)


def _refused(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is not None and getattr(request, "axes_locked_out", False):
        return  # axes has just said so: recorded once, as a lockout
    record_security_event(
        kind=SecurityEventKind.SIGN_IN_FAILED,
        request=request,
        username=str(credentials.get("username", "")),
        detail="wrong username or password",
    )


def _locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any
) -> None:
    record_security_event(
        kind=SecurityEventKind.LOCKED_OUT,
        request=request,
        username=username or "",
        detail="too many wrong passwords for this account or from this address",
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="rapport.signin.logged_in")
    user_logged_out.connect(_signed_out, dispatch_uid="rapport.signin.logged_out")
    user_login_failed.connect(_refused, dispatch_uid="rapport.signin.failed")
    user_locked_out.connect(_locked_out, dispatch_uid="rapport.signin.locked_out")
