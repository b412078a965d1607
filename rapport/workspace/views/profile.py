"""What an agent sets for themself on the account page: email notifications, their signature and
photo; and a colleague's photo, for signed-in agents only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rapport.lib.answers import post_action
from rapport.lib.forms import Form
from rapport.lib.images import png_response
from rapport.people.access import agent_by_id
from rapport.people.actions.notifications import Choice, choices_of, set_notification_choices
from rapport.people.actions.profile import SIGNATURE_MAX, remove_photo, set_photo, set_signature
from rapport.people.decorators import agent_required
from rapport.people.models import Agent, NoticeKind
from rapport.people.photos import MAX_BYTES


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


class SignatureForm(Form):
    signature = forms.CharField(required=False, max_length=SIGNATURE_MAX, strip=False)


class PhotoForm(Form):
    photo = forms.FileField()

    def clean_photo(self) -> Any:
        photo = self.cleaned_data["photo"]
        if photo.size > MAX_BYTES:  # refused before it is read
            raise forms.ValidationError("The photo is larger than 2 MB; choose a smaller one.")
        return photo


@require_POST
@agent_required
def account_signature(request: HttpRequest, agent: Agent) -> HttpResponse:
    def save(data: dict[str, Any]) -> str:
        set_signature(agent=agent, signature=data["signature"])
        return "Your signature is saved." if agent.signature else "Your replies end with your name."

    back = reverse("account") + "#profile"
    return post_action(request, save, form=SignatureForm(request.POST), back=back)


@require_POST
@agent_required
def account_photo(request: HttpRequest, agent: Agent) -> HttpResponse:
    def save(data: dict[str, Any]) -> str:
        set_photo(agent=agent, data=data["photo"].read())
        return "Your photo is saved."

    form = PhotoForm(request.POST, request.FILES)
    return post_action(request, save, form=form, back=reverse("account") + "#profile")


@require_POST
@agent_required
def account_photo_remove(request: HttpRequest, agent: Agent) -> HttpResponse:
    def save(data: dict[str, Any]) -> str:
        remove_photo(agent=agent)
        return "Your photo is removed: your initials are shown instead."

    return post_action(request, save, back=reverse("account") + "#profile")


@require_GET
@agent_required
def agent_photo(request: HttpRequest, agent: Agent, agent_id: int) -> FileResponse:
    """A colleague's photo, as Rapport re-drew it (a PNG), for signed-in agents only."""
    shown = agent_by_id(agent_id)
    return png_response(shown.photo, cache="private, max-age=300", missing="No photo")
