"""Your account: notifications, sign-in code and API tokens; the supervisor's security page."""

from __future__ import annotations

import io

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.lib.errors import ActionError
from rapport.lib.forms import Form
from rapport.people.access import token_for_agent, tokens_for_agent
from rapport.people.actions.security import issue_api_token, revoke_api_token
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent, SecurityEvent
from rapport.people.twofactor import confirm_app, has_app, pending_app, required_for, secret_of
from rapport.workspace.views.auth import WRONG_CODE
from rapport.workspace.views.profile import notification_rows

AUDIT_ROWS = 200


class TokenForm(Form):
    name = forms.CharField(max_length=100, help_text="What it is for, e.g. “CRM sync”.")
    days = forms.IntegerField(
        min_value=1,
        max_value=settings.RAPPORT_API_TOKEN_MAX_DAYS,
        initial=settings.RAPPORT_API_TOKEN_DAYS,
        label="Works for (days)",
    )


def _account(
    request: HttpRequest, agent: Agent, *, form: TokenForm, new_token: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": list(tokens_for_agent(agent)),
        "has_app": has_app(request.user),
        "app_required": required_for(request.user),
        "notification_rows": notification_rows(agent),
    }
    return render(request, "workspace/account.html", context, status=status)


@require_GET
@agent_required
def account(request: HttpRequest, agent: Agent) -> HttpResponse:
    return _account(request, agent, form=TokenForm())


@require_POST
@agent_required
def token_create(request: HttpRequest, agent: Agent) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _account(request, agent, form=form, status=400)
    try:
        issued = issue_api_token(
            agent=agent, name=form.cleaned_data["name"], days=form.cleaned_data["days"], by=agent
        )
    except ActionError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _account(request, agent, form=form, status=400)
    # Shown in this answer only: it is not stored, so it cannot be shown again.
    return _account(request, agent, form=TokenForm(), new_token=issued.raw, status=201)


@require_POST
@agent_required
def token_revoke(request: HttpRequest, agent: Agent, token_id: int) -> HttpResponse:
    token = revoke_api_token(token=token_for_agent(agent, token_id), by=agent)
    messages.success(request, f"Token “{token.name}” ({token.prefix}…) no longer works.")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("account")


@require_http_methods(["GET", "POST"])
@agent_required
def two_factor_setup(request: HttpRequest, agent: Agent) -> HttpResponse:
    """Set up (or replace) the authenticator app: scan the code, type what the app shows."""
    device = pending_app(request.user)  # type: ignore[arg-type]
    error = ""
    if request.method == "POST":
        if confirm_app(request=request, device=device, code=request.POST.get("code", "")):
            messages.success(request, "Your authenticator app is set up.")
            wanted = request.POST.get("next", "")
            if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
                return redirect(wanted)
            return redirect("account")
        error = WRONG_CODE
    context = {
        "secret": secret_of(device),
        "error": error,
        "replacing": has_app(request.user),
        "required": required_for(request.user),
        "next": request.GET.get("next") or request.POST.get("next", ""),
    }
    return render(request, "workspace/two_factor_setup.html", context, status=400 if error else 200)


@require_GET
@agent_required
def two_factor_qr(request: HttpRequest, agent: Agent) -> HttpResponse:
    """The QR code of the app being set up, drawn here by segno (a PNG): the secret in it never
    goes to another service, and the page holds no markup for it."""
    device = pending_app(request.user)  # type: ignore[arg-type]
    image = io.BytesIO()
    segno.make(device.config_url, error="m").save(image, kind="png", scale=5, border=4)
    return HttpResponse(
        image.getvalue(), content_type="image/png", headers={"Cache-Control": "no-store"}
    )


@require_GET
@agent_required
@supervisor_required
def security(request: HttpRequest, agent: Agent) -> HttpResponse:
    """Supervisors: the sign-in audit and every API token, with a way to revoke each."""
    events = SecurityEvent.objects.select_related("user", "actor").order_by("-created_at", "-id")
    context = {
        "events": list(events[:AUDIT_ROWS]),
        "tokens": list(tokens_for_agent(agent, everyone=True)),
        "audit_rows": AUDIT_ROWS,
    }
    return render(request, "workspace/security.html", context)
