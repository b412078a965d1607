"""The supervisor's staffing page: the week ahead per site as a heat map of people needed against
people on shift, with what-if controls (a GET form: the page is a question, not a change)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rapport.insights import staffing
from rapport.insights.erlang import StaffingError
from rapport.lib.forms import Form
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent, Site

DEFAULTS = staffing.Assumptions()


class WhatIfForm(Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.order_by("name"), required=False, empty_label="Every site"
    )
    volume_percent = forms.FloatField(
        label="Volume (% of usual)", min_value=0, max_value=1000, initial=DEFAULTS.volume_percent
    )
    phone_aht_seconds = forms.FloatField(
        label="Call handle time (s)", min_value=1, initial=DEFAULTS.phone_aht_seconds
    )
    chat_aht_seconds = forms.FloatField(
        label="Chat handle time (s)", min_value=1, initial=DEFAULTS.chat_aht_seconds
    )
    chat_concurrency = forms.FloatField(
        label="Chats at once", min_value=1, max_value=10, initial=DEFAULTS.chat_concurrency
    )
    written_aht_seconds = forms.FloatField(
        label="Written reply time (s)", min_value=1, initial=DEFAULTS.written_aht_seconds
    )
    shrinkage = forms.FloatField(
        label="Shrinkage (0-0.9)", min_value=0, max_value=0.9, initial=DEFAULTS.shrinkage
    )
    weeks = forms.IntegerField(
        label="Weeks of history", min_value=1, max_value=52, initial=DEFAULTS.weeks
    )


def _assumptions(form: WhatIfForm) -> staffing.Assumptions:
    data = {k: v for k, v in form.cleaned_data.items() if k != "site" and v is not None}
    return staffing.Assumptions(**data)


@require_GET
@agent_required
@supervisor_required
def staffing_page(request: HttpRequest, agent: Agent) -> HttpResponse:
    # Unsubmitted, the form shows the defaults; submitted, it is checked like any other.
    data = request.GET if request.GET else None
    form = WhatIfForm(data, initial={} if data else None)
    plans: list[staffing.SitePlan] = []
    assumptions = DEFAULTS
    if data is None or form.is_valid():
        try:
            if data is not None:
                assumptions = _assumptions(form)
            site = form.cleaned_data.get("site") if data is not None else None
            plans = staffing.plan(
                now=timezone.now(), assumptions=assumptions, sites=[site] if site else None
            )
        except StaffingError as exc:
            form.add_error(None, str(exc))
    status = 400 if form.errors else 200
    return render(
        request,
        "workspace/staffing.html",
        {"form": form, "plans": plans, "assumptions": assumptions, "hours": range(24)},
        status=status,
    )
