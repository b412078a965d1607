"""The follow-up policies, for supervisors: which resolved cases get a follow-up call, when and
what for ("clinic visit: call the next day at 10:00 their time"). The forms call the care actions
`rapport follow-up-policy` and `/api/v1/desk/follow-up-policies` call."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse

from rapport.care.access import follow_up_policy_by_id
from rapport.care.actions.promises import (
    FOLLOW_UP_CLOCK,
    MAX_POLICY_DAYS,
    MAX_POLICY_SCRIPT,
    create_follow_up_policy,
    update_follow_up_policy,
)
from rapport.care.models import FollowUpPolicy
from rapport.cases.models import Priority
from rapport.lib.access import named
from rapport.lib.answers import Elsewhere
from rapport.lib.forms import Form
from rapport.people.access import team_by_id
from rapport.people.models import Agent, Channel, Team
from rapport.workspace.views.desk_organisation import choice_field
from rapport.workspace.views.desk_pages import change_page, desk_page, list_page, posted


class FollowUpPolicyForm(Form):
    name = forms.CharField(max_length=100)
    purpose = forms.CharField(
        max_length=300, help_text="What the call is for, as the agent reads it."
    )
    script = forms.CharField(
        required=False,
        max_length=MAX_POLICY_SCRIPT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What to ask (optional).",
    )
    tags = forms.CharField(
        required=False,
        max_length=500,
        label="Cases tagged",
        help_text="Any of these tags (separate with spaces or commas); empty: any case.",
    )
    team = forms.ChoiceField(required=False, label="Of the team")
    priority = forms.ChoiceField(
        required=False, choices=[("", "Any priority"), *Priority.choices], label="Priority"
    )
    triage_signal = forms.ChoiceField(
        required=False, choices=FollowUpPolicy.Signal.choices, label="Triage saw"
    )
    delay_days = forms.IntegerField(
        min_value=0, max_value=MAX_POLICY_DAYS, initial=1, label="Days after resolution"
    )
    at_time = forms.TimeField(
        initial=FOLLOW_UP_CLOCK,
        label="At",
        help_text="The customer's own time.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.PHONE, label="By")
    active = forms.BooleanField(required=False, initial=True, label="In use")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.order_by("name").values_list("pk", "name")
        choice_field(self, "team").choices = [("", "Any team"), *((str(pk), n) for pk, n in teams)]

    @classmethod
    def of(cls, policy: FollowUpPolicy, data: QueryDict | None) -> FollowUpPolicyForm:
        initial = {
            "name": policy.name,
            "purpose": policy.purpose,
            "script": policy.script,
            "tags": ", ".join(policy.tags),
            "team": str(policy.team_id or ""),
            "priority": policy.priority,
            "triage_signal": policy.triage_signal,
            "delay_days": policy.delay_days,
            "at_time": policy.at_time,
            "channel": policy.channel,
            "active": policy.active,
        }
        return cls(data, initial=initial)


def _policy_fields(data: dict[str, Any]) -> dict[str, Any]:
    chosen = int(data["team"]) if data["team"] else None
    at: time = data["at_time"]
    return {
        "name": data["name"],
        "purpose": data["purpose"],
        "script": data["script"],
        "tags": [t for t in data["tags"].replace(",", " ").split() if t],
        "team": named(team_by_id, chosen, field="team", what="team"),
        "priority": data["priority"],
        "triage_signal": data["triage_signal"],
        "delay_days": data["delay_days"],
        "at_time": at,
        "channel": data["channel"],
    }


@desk_page
def follow_ups(request: HttpRequest, agent: Agent) -> HttpResponse:
    def add(data: dict[str, Any]) -> Elsewhere:
        policy = create_follow_up_policy(**_policy_fields(data), active=data["active"], by=agent)
        notice = f"Follow-up policy {policy.name} added: cases resolved from now on follow it."
        return Elsewhere(notice, reverse("desk_follow_ups") + f"#policy-{policy.pk}")

    listed = FollowUpPolicy.objects.select_related("team").order_by("order", "pk")
    form = FollowUpPolicyForm(posted(request))
    return list_page(
        request, "follow_ups", form=form, listed=lambda: {"policies": list(listed)}, add=add
    )


@desk_page
def follow_up(request: HttpRequest, agent: Agent, follow_up_id: int) -> HttpResponse:
    policy = follow_up_policy_by_id(follow_up_id)

    def save(data: dict[str, Any]) -> str:
        update_follow_up_policy(policy, **_policy_fields(data), active=data["active"], by=agent)
        state = "in use" if data["active"] else "switched off"
        return f"Follow-up policy {policy.name} saved ({state})."

    return change_page(
        request,
        "follow_up",
        policy.pk,
        form=FollowUpPolicyForm.of(policy, posted(request)),
        shown=lambda: {"policy": follow_up_policy_by_id(follow_up_id)},
        save=save,
    )
