"""The second factor: a TOTP authenticator app (django-otp), required for supervisors and, with
RAPPORT_TWO_FACTOR_FOR_ALL, for everyone. A session is verified once a code was accepted."""

from __future__ import annotations

import base64
from enum import Enum
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.people.actions.security import record_security_event
from rapport.people.models import Agent, SecurityEventKind

APP_NAME = "Authenticator app"
NOT_NEEDED_UNTIL = "rapport_second_factor_not_needed_until"
NOT_NEEDED_SECONDS = 300


class SecondFactor(Enum):
    DONE = "done"  # verified in this session, or not needed
    VERIFY = "verify"  # has an app: asks for a code
    ENROL = "enrol"  # must set up an app before going on


def required_for(user: AbstractBaseUser | AnonymousUser) -> bool:
    if settings.RAPPORT_TWO_FACTOR_FOR_ALL:
        return True
    agent = getattr(user, "agent", None) if user.is_authenticated else None
    return bool(agent is not None and agent.is_supervisor)


def has_app(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def second_factor(request: HttpRequest) -> SecondFactor:
    """What a signed-in session still owes before it may see the desk.

    "Nothing" is remembered in the session for NOT_NEEDED_SECONDS, so an agent without an app
    costs no query per page; a promotion to supervisor is noticed within that time.
    """
    user = request.user
    if not user.is_authenticated or _verified(user):
        return SecondFactor.DONE
    if float(request.session.get(NOT_NEEDED_UNTIL, 0)) > timezone.now().timestamp():
        return SecondFactor.DONE
    return check_second_factor(request, user)


def check_second_factor(request: HttpRequest, user: AbstractBaseUser) -> SecondFactor:
    """Look it up (at sign-in, and when the remembered answer runs out)."""
    if has_app(user):
        return SecondFactor.VERIFY
    if required_for(user):
        return SecondFactor.ENROL
    request.session[NOT_NEEDED_UNTIL] = timezone.now().timestamp() + NOT_NEEDED_SECONDS
    return SecondFactor.DONE


def _verified(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


def pending_app(user: AbstractBaseUser) -> TOTPDevice:
    """The app being set up: the same secret on every visit until a code confirms it."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32 in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def confirm_app(*, request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """A correct code from the new app confirms it, replaces any older one and verifies the
    session; a wrong one is audited."""
    if not device.verify_token(_digits(code)):
        record_security_event(
            kind=SecurityEventKind.TWO_FACTOR_FAILED,
            request=request,
            user=device.user,
            detail="while setting up an authenticator app",
        )
        return False
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    otp_login(request, device)
    record_security_event(
        kind=SecurityEventKind.TWO_FACTOR_ENROLLED, request=request, user=device.user
    )
    return True


def verify_code(*, request: HttpRequest, code: str) -> bool:
    """The second step of signing in: a code from the agent's app verifies this session."""
    user = request.user
    for device in TOTPDevice.objects.filter(user_id=user.pk, confirmed=True):
        with transaction.atomic():
            locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(_digits(code)):
                otp_login(request, locked)
                return True
    record_security_event(
        kind=SecurityEventKind.TWO_FACTOR_FAILED, request=request, user=_real(user)
    )
    return False


@transaction.atomic
def remove_apps(*, user: AbstractBaseUser, by: Agent | None, reason: str) -> int:
    """Forget a user's authenticator apps (a lost phone); they set one up at next sign-in."""
    removed: int = TOTPDevice.objects.filter(user_id=user.pk).delete()[0]
    if removed:
        record_security_event(
            kind=SecurityEventKind.TWO_FACTOR_REMOVED, user=user, actor=by, detail=reason
        )
    return removed


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())[:8]


def _real(user: AbstractBaseUser | AnonymousUser) -> AbstractBaseUser | None:
    return user if isinstance(user, AbstractBaseUser) else None
