"""The form of `/cases/new/`: a customer (picked, or typed in) and the case's first entry."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from rapport.cases.actions.customers import NewCustomer
from rapport.cases.models import CallOutcome, Priority
from rapport.lib.errors import ActionError
from rapport.lib.forms import Form
from rapport.people.actions.identities import normalise_identity
from rapport.people.models import Agent, Channel, IdentityKind
from rapport.routing.actions.starting import CallDetails, FirstEntry

# What a customer can have written on (the system channel is Rapport's own notes).
INBOUND_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.SYSTEM]
# The typed addresses of a new customer: form field -> identity kind.
ADDRESSES = {
    "email": IdentityKind.EMAIL,
    "phone": IdentityKind.PHONE,
    "handle": IdentityKind.SOCIAL,
}


def _as_dialled(raw: str, by: Agent) -> str:
    """The number as the desk stores numbers (E.164) when it is one, else as typed."""
    try:
        return normalise_identity(IdentityKind.PHONE, raw, by=by) if raw.strip() else ""
    except ActionError:
        return raw.strip()


class StartCaseForm(Form):
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(required=False, max_length=200, label="Name")
    email = forms.CharField(required=False, max_length=320, label="Email")
    phone = forms.CharField(required=False, max_length=40, label="Phone")
    handle = forms.CharField(
        required=False, max_length=100, label="Social handle", help_text="network:@handle"
    )
    organization = forms.CharField(required=False, max_length=200, label="Organisation")
    first_entry = forms.ChoiceField(
        choices=FirstEntry.choices,
        initial=FirstEntry.INBOUND_CALL,
        widget=forms.RadioSelect,
        label="It starts with",
    )
    channel = forms.ChoiceField(
        choices=INBOUND_CHANNELS, initial=Channel.EMAIL, required=False, label="They wrote by"
    )
    subject = forms.CharField(required=False, max_length=300, label="Subject")
    text = forms.CharField(
        required=False, strip=False, widget=forms.Textarea, label="What was said"
    )
    outcome = forms.ChoiceField(
        choices=CallOutcome.choices, initial=CallOutcome.REACHED, label="Call outcome"
    )
    duration_minutes = forms.IntegerField(
        min_value=0, max_value=24 * 60, required=False, label="Minutes"
    )
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    team = forms.ChoiceField(required=False, label="Team")
    assign = forms.ChoiceField(
        choices=[("me", "Me"), ("route", "The desk: the best person, continuity first")],
        initial="me",
        widget=forms.RadioSelect,
        label="Owner",
    )

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = cast(forms.ChoiceField, self.fields["team"])
        team_field.choices = [(str(pk), name) for pk, name in teams] or [("", "No team")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("customer") and not str(data.get("name", "")).strip():
            raise forms.ValidationError(
                "Pick one of the customers found, or type the new customer's name."
            )
        return data

    def new_customer(self) -> NewCustomer:
        data = self.cleaned_data
        return NewCustomer(
            name=data["name"],
            identities=[
                (kind, data[field], field)
                for field, kind in ADDRESSES.items()
                if data[field].strip()
            ],
            organization=data["organization"],
        )

    def call_details(self, by: Agent) -> CallDetails | None:
        data = self.cleaned_data
        if data["first_entry"] not in (FirstEntry.INBOUND_CALL, FirstEntry.OUTBOUND_CALL):
            return None
        return CallDetails(
            outcome=data["outcome"],
            phone=_as_dialled(data["phone"], by),
            duration_seconds=(data["duration_minutes"] or 0) * 60,
        )

    def asked_channel(self) -> str | None:
        """The channel asked for: what they wrote by (a message of theirs), else the desk's
        choice (our message goes by what reaches them; a call is on the phone)."""
        if self.cleaned_data["first_entry"] == FirstEntry.INBOUND_MESSAGE:
            return str(self.cleaned_data["channel"])
        return None
