"""Sign in (password, then the second factor), sign out, reset a forgotten password."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from rapport.lib.forms import Form
from rapport.people.actions.security import record_security_event
from rapport.people.models import SecurityEventKind
from rapport.people.tasks import send_password_reset
from rapport.people.twofactor import SecondFactor, second_factor, verify_code

# The desk's own name, not the host name Django's view would put in `site_name`.
login = auth_views.LoginView.as_view(
    template_name="workspace/login.html",
    redirect_authenticated_user=True,
    extra_context={"site_name": settings.SITE_NAME},
)
logout = auth_views.LogoutView.as_view()
# Each wrong code doubles the wait before the next is checked (django-otp's throttling).
WRONG_CODE = (
    "That code is not right or has expired. Type the 6 digits your app shows now; after "
    "several wrong codes, wait a few seconds first."
)


def locked_out(
    request: HttpRequest, response: HttpResponseBase | None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer once an account or an address has too many wrong passwords."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, round(seconds / 60))
    answer = render(request, "workspace/locked_out.html", {"minutes": minutes}, status=429)
    answer["Retry-After"] = str(seconds or 60)
    return answer


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return str(reverse_lazy(settings.LOGIN_REDIRECT_URL))


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app."""
    owed = second_factor(request) if request.user.is_authenticated else None
    if owed is None:
        return redirect(settings.LOGIN_URL)
    if owed is not SecondFactor.VERIFY:
        return redirect(_next_url(request))
    error = ""
    if request.method == "POST":
        if verify_code(request=request, code=request.POST.get("code", "")):
            return redirect(_next_url(request))
        error = WRONG_CODE
    status = 400 if error else 200
    context = {"error": error, "next": _next_url(request)}
    return render(request, "workspace/two_factor_verify.html", context, status=status)


class _ResetForm(PasswordResetForm, Form):
    """Queues the email for the worker instead of sending it in the request, so the answer
    takes the same time for a known and an unknown address."""

    def save(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        email = self.cleaned_data["email"]
        record_security_event(
            kind=SecurityEventKind.PASSWORD_RESET_REQUESTED, request=request, username=email
        )
        for user in self.get_users(email):
            send_password_reset.enqueue(user.pk)  # the task reads the user: nothing to commit


class _ResetConfirm(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        # Proving the mailbox lifts a lockout: the account's owner is back in control.
        reset_lockouts(username=user.get_username())
        record_security_event(
            kind=SecurityEventKind.PASSWORD_RESET, request=self.request, user=user
        )
        return response


password_reset = auth_views.PasswordResetView.as_view(
    form_class=_ResetForm,
    template_name="workspace/password_reset.html",
    success_url=reverse_lazy("password_reset_sent"),
)
password_reset_sent = auth_views.PasswordResetDoneView.as_view(
    template_name="workspace/password_reset_sent.html"
)
password_reset_confirm = _ResetConfirm.as_view(
    template_name="workspace/password_reset_confirm.html",
    success_url=reverse_lazy("password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="workspace/password_reset_complete.html"
)
