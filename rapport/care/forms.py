"""What the care pages post. Times are typed in the customer's (or the appointment's) zone."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms

from rapport.care.models import Outcome, Urgency
from rapport.lib.forms import Form
from rapport.lib.wallclock import WallClockField, in_zone


def aware(value: datetime | None, zone: str, *, field: str = "") -> datetime | None:
    """A wall-clock time typed into a form, read in `zone`; it may already carry an offset."""
    return None if value is None else in_zone(value, zone, field=field)


class PromiseCallForm(Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    notes = forms.CharField(required=False, max_length=5000)
    duration_minutes = forms.IntegerField(required=False, min_value=0, max_value=24 * 60)
    reschedule_to = WallClockField(required=False)


class FollowUpForm(Form):
    due_at = WallClockField(required=False)
    purpose = forms.CharField(required=False, max_length=300)
    script = forms.CharField(required=False, max_length=2000)


class CallbackForm(Form):
    window_start = WallClockField(required=False)
    purpose = forms.CharField(required=False, max_length=300)


class ReferralForm(Form):
    to_agent = forms.IntegerField(required=False)
    to_team = forms.IntegerField(required=False)
    provider_name = forms.CharField(required=False, max_length=200)
    provider_organization = forms.CharField(required=False, max_length=200)
    provider_phone = forms.CharField(required=False, max_length=32)
    provider_email = forms.EmailField(required=False)
    situation = forms.CharField(max_length=4000)
    tried = forms.CharField(required=False, max_length=4000)
    needs = forms.CharField(max_length=4000)
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.SOON)


class AppointmentForm(Form):
    starts_at = WallClockField()
    duration_minutes = forms.IntegerField(min_value=5, max_value=12 * 60, initial=30)
    timezone = forms.CharField(required=False, max_length=64)
    with_agent = forms.IntegerField(required=False)
    with_name = forms.CharField(required=False, max_length=200)
    location = forms.CharField(max_length=300)
    referral = forms.IntegerField(required=False)
    follow_up = forms.BooleanField(required=False, initial=True)
    note = forms.CharField(required=False, max_length=5000)

    def duration(self) -> timedelta:
        return timedelta(minutes=self.cleaned_data["duration_minutes"])


class NoteForm(Form):
    note = forms.CharField(required=False, max_length=5000)


class IntroductionForm(Form):
    text = forms.CharField(max_length=20000)


class WordOfMouthForm(Form):
    direction = forms.ChoiceField(choices=[("referred_by", "referred by"), ("recommended", "")])
    other_customer = forms.IntegerField(required=False)
    other_name = forms.CharField(required=False, max_length=200)
    on = forms.DateField(required=False)
    note = forms.CharField(required=False, max_length=300)
