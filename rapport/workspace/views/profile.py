"""What an agent sets for themself on the account page: email notifications."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from rapport.lib.answers import post_action
from rapport.lib.forms import Form
from rapport.people.actions.notifications import Choice, choices_of, set_notification_choices
from rapport.people.decorators import agent_required
from rapport.people.models import Agent, NoticeKind


class NotificationsForm(Form):
    """Two boxes a kind: `email-<kind>` and `off-shift-<kind>` (an unticked box is not sent)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in NoticeKind:
            self.fields[f"email-{kind.value}"] = forms.BooleanField(required=False)
            self.fields[f"off-shift-{kind.value}"] = forms.BooleanField(required=False)

    def choices(self) -> dict[str, Choice]:
        data = self.cleaned_data
        return {
            kind.value: Choice(
                email=bool(data[f"email-{kind.value}"]),
                even_off_shift=bool(data[f"off-shift-{kind.value}"]),
            )
            for kind in NoticeKind
        }


def notification_rows(agent: Agent) -> list[dict[str, Any]]:
    """The account page's table: one row a kind, with the agent's choice."""
    return [
        {"kind": kind.value, "label": kind.label, "choice": choice}
        for kind, choice in choices_of(agent).items()
    ]


@require_POST
@agent_required
def account_notifications(request: HttpRequest, agent: Agent) -> HttpResponse:
    form = NotificationsForm(request.POST)

    def save(data: dict[str, Any]) -> str:
        chosen = set_notification_choices(agent=agent, choices=form.choices())
        mailed = [kind.label.lower() for kind, choice in chosen.items() if choice.email]
        if not mailed:
            return "Saved: nothing is emailed to you."
        if not agent.user.email:
            return "Saved, but your account has no email address: ask a supervisor to add one."
        return f"Saved: we email {agent.user.email} when {'; '.join(mailed)}."

    back = reverse("account") + "#notifications"
    return post_action(request, save, form=form, back=back)
