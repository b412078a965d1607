"""Parsing of workspace input; validation of domain rules stays in the actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from rapport.cases.actions.bulk import MAX_BULK_CASES, BulkAction, too_many_cases
from rapport.cases.models import CallDirection, CallOutcome, Priority, Status
from rapport.cases.queue import INBOX_VIEWS, Sort
from rapport.lib.forms import Form
from rapport.lib.storable import MAX_INT
from rapport.people.models import Channel, IdentityKind
from rapport.triage.models import TriageSignal

REPLY_CHANNEL_VALUES = (Channel.EMAIL, Channel.CHAT, Channel.SMS, Channel.WEB, Channel.SOCIAL)
# Every channel a reply may name; the action refuses one that nothing can carry.
REPLY_CHANNELS = [
    (value, label) for value, label in Channel.choices if value in REPLY_CHANNEL_VALUES
]


def _blank(choices: list[tuple[str, str]], label: str) -> list[tuple[str, str]]:
    return [("", label), *choices]


class InboxFilterForm(Form):
    view = forms.ChoiceField(choices=INBOX_VIEWS, required=False)
    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(choices=_blank(list(Status.choices), "Any status"), required=False)
    priority = forms.ChoiceField(
        choices=_blank(list(Priority.choices), "Any priority"), required=False
    )
    channel = forms.ChoiceField(
        choices=_blank(list(Channel.choices), "Any channel"), required=False
    )
    owner = forms.ChoiceField(required=False)
    team = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(
        choices=[(value, f"Order: {label.lower()}") for value, label in Sort.choices],
        required=False,
    )
    after = forms.CharField(required=False, max_length=200)

    def __init__(
        self,
        data: Any,
        *,
        agents: list[tuple[int, str]],
        teams: list[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        owner_field = cast(forms.ChoiceField, self.fields["owner"])
        team_field = cast(forms.ChoiceField, self.fields["team"])
        owner_field.choices = [
            ("", "Any owner"),
            ("me", "Me"),
            ("none", "Nobody"),
            *((str(pk), name) for pk, name in agents),
        ]
        team_field.choices = [("", "Any team"), *((str(pk), name) for pk, name in teams)]


class ReplyForm(Form):
    text = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    channel = forms.ChoiceField(choices=REPLY_CHANNELS, required=False)
    saved_reply_id = forms.IntegerField(required=False, min_value=1)
    # The newest message of the case the page showed: what arrived after it holds the reply.
    seen_message = forms.IntegerField(required=False, min_value=0)


class NoteForm(Form):
    text = forms.CharField(required=False, strip=False, widget=forms.Textarea)


class CallForm(Form):
    direction = forms.ChoiceField(choices=CallDirection.choices, label="Direction")
    outcome = forms.ChoiceField(choices=CallOutcome.choices, label="Outcome")
    duration_minutes = forms.IntegerField(
        min_value=0, max_value=24 * 60, required=False, label="Duration (minutes)"
    )
    phone = forms.CharField(required=False, max_length=32, label="Phone")
    notes = forms.CharField(required=False, widget=forms.Textarea, label="Notes")


class StatusForm(Form):
    status = forms.ChoiceField(choices=Status.choices, label="Status")
    expected = forms.ChoiceField(choices=Status.choices, required=False)
    reason = forms.CharField(required=False, max_length=500)


class NothingForm(Form):
    """A one-click action that takes nothing but the CSRF token (revoking status links)."""


class PriorityForm(Form):
    priority = forms.ChoiceField(choices=Priority.choices, label="Priority")
    reason = forms.CharField(required=False, max_length=500)


class TriageCorrectionForm(Form):
    signal = forms.ChoiceField(choices=TriageSignal.choices, label="Signal")
    value = forms.TypedChoiceField(
        choices=[("true", "was"), ("false", "not")], coerce=lambda word: word == "true"
    )
    # The reading the page showed (when triage read it): a newer one refuses the click.
    reading = forms.CharField(required=False, max_length=64)


class TriageActivateForm(Form):
    version = forms.CharField(max_length=80, label="Model")  # a desk model's, or "shipped"


class OwnerForm(Form):
    owner = forms.IntegerField(label="Owner", error_messages={"required": "Choose an agent."})
    reason = forms.CharField(required=False, max_length=500)


class TagsForm(Form):
    tags = forms.CharField(required=False, max_length=1000)
    seen = forms.CharField(required=False, max_length=1000)  # the tags the page showed


class SplitForm(Form):
    message = forms.IntegerField(label="Message")
    subject = forms.CharField(required=False, max_length=300)


class MergeCaseForm(Form):
    target = forms.IntegerField(label="Case", error_messages={"required": "Choose a case."})
    reason = forms.CharField(required=False, max_length=500)


class RelationshipForm(Form):
    owner = forms.IntegerField(required=False, label="Owner")
    deputy = forms.IntegerField(required=False, label="Deputy")


class IdentityForm(Form):
    kind = forms.ChoiceField(choices=IdentityKind.choices, label="Kind")
    value = forms.CharField(max_length=320, label="Value")


class CustomerMergeForm(Form):
    target = forms.IntegerField(
        label="Customer number", error_messages={"required": "Give the customer number."}
    )


class RapportNoteForm(Form):
    text = forms.CharField(required=False)


class AssetForm(Form):
    name = forms.CharField(required=False, max_length=200)
    kind = forms.CharField(required=False, max_length=50)
    reference = forms.CharField(required=False, max_length=100)
    attributes = forms.CharField(required=False, widget=forms.Textarea, label="Attributes")

    def clean_attributes(self) -> dict[str, str]:
        """One `name: value` per line, e.g. `Inner length: 104 cm`."""
        parsed: dict[str, str] = {}
        for line in self.cleaned_data["attributes"].splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            if not sep or not key.strip():
                raise forms.ValidationError(f"Write each attribute as 'name: value' ({line!r}).")
            parsed[key.strip()] = value.strip()
        return parsed


class CaseIdsField(forms.Field):
    """The cases ticked in the inbox (`case`, once per ticked box)."""

    def to_python(self, value: Any) -> list[int]:
        ids = []
        for raw in value or []:
            if not str(raw).isdigit() or not 1 <= int(raw) <= MAX_INT:
                raise ValidationError(f"{raw!r} is not a case number.")
            ids.append(int(raw))
        if len(ids) > MAX_BULK_CASES:
            raise ValidationError(too_many_cases(len(ids)))
        return ids


class BulkForm(Form):
    case = CaseIdsField(
        label="Cases",
        widget=forms.MultipleHiddenInput,
        error_messages={"required": "Select the cases to change first."},
    )
    action = forms.ChoiceField(choices=BulkAction.choices, label="Action")
    owner = forms.IntegerField(required=False, label="Agent")
    team = forms.IntegerField(required=False, label="Team")
    status = forms.ChoiceField(choices=_blank(list(Status.choices), "Status"), required=False)
    tag = forms.CharField(required=False, max_length=50, label="Tag")
    into = forms.IntegerField(required=False, label="Case number")
    reason = forms.CharField(required=False, max_length=500)


class SavedViewForm(Form):
    name = forms.CharField(
        max_length=80, label="Name", error_messages={"required": "Give the view a name."}
    )
    query = forms.CharField(required=False, max_length=2000)  # the inbox's query string
