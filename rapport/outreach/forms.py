"""Parsing of outreach and make-good input; the rules themselves live in the actions."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from rapport.cases.models import CallOutcome
from rapport.lib.forms import Form
from rapport.outreach.models import MakeGoodKind, OutreachOutcome, OutreachStatus, Severity


class IncidentForm(Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MAJOR)
    team = forms.IntegerField(required=False)
    message_draft = forms.CharField(required=False, widget=forms.Textarea)
    priority_rules = forms.CharField(required=False, widget=forms.Textarea, label="Priority rules")

    def clean_priority_rules(self) -> Any:
        raw = self.cleaned_data["priority_rules"].strip()
        if not raw:
            return None  # the default rules
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"not valid JSON ({exc.msg}, line {exc.lineno})") from exc


class AudienceForm(Form):
    tag = forms.CharField(required=False, max_length=50)
    asset_reference = forms.CharField(required=False, max_length=100, label="Order or flight")
    search = forms.CharField(required=False, max_length=200)


class ImportForm(Form):
    file = forms.FileField(label="CSV file")


class CallForm(Form):
    call_outcome = forms.ChoiceField(choices=CallOutcome.choices, label="Call")
    outcome = forms.ChoiceField(
        choices=[("", "—"), *OutreachOutcome.choices], required=False, label="Outcome"
    )
    notes = forms.CharField(required=False, max_length=5000)
    duration_minutes = forms.IntegerField(required=False, min_value=0, max_value=24 * 60)
    expected = forms.ChoiceField(choices=[("", ""), *OutreachStatus.choices], required=False)
    keep_open = forms.BooleanField(required=False)


class MessageForm(Form):
    text = forms.CharField(max_length=100_000, label="Message")


class ResultForm(Form):
    status = forms.ChoiceField(
        choices=[(OutreachStatus.REACHED, "Reached"), (OutreachStatus.FAILED, "Cannot reach")]
    )
    outcome = forms.ChoiceField(
        choices=[("", "—"), *OutreachOutcome.choices], required=False, label="Outcome"
    )
    note = forms.CharField(required=False, max_length=5000)
    expected = forms.ChoiceField(choices=[("", ""), *OutreachStatus.choices], required=False)
    keep_open = forms.BooleanField(required=False)


class MakeGoodForm(Form):
    kind = forms.ChoiceField(choices=MakeGoodKind.choices)
    description = forms.CharField(max_length=500)
    reason = forms.CharField(max_length=100)
    amount = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    currency = forms.CharField(required=False, max_length=3)
    asset = forms.IntegerField(required=False, label="Order")


class DecideForm(Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    note = forms.CharField(required=False, max_length=500)


class LimitForm(Form):
    agent = forms.IntegerField(required=False)
    currency = forms.CharField(max_length=3)
    amount = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)


class TotalsForm(Form):
    period = forms.ChoiceField(
        choices=[("month", "Month"), ("week", "Week"), ("day", "Day")], required=False
    )
    since = forms.DateTimeField(required=False)
    until = forms.DateTimeField(required=False)
