"""The contact page's two forms: a call back, and a message that opens a case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from rapport.cases.attachments import Upload
from rapport.lib.forms import Form
from rapport.lib.wallclock import WallClockField, in_zone, known_zone


def visitor_zone() -> forms.CharField:
    """The visitor's zone, filled in by portal.js (empty without script: the desk's zone)."""
    return forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput(attrs={"data-visitor-zone": ""})
    )


class CallbackForm(Form):
    name = forms.CharField(max_length=200)
    phone = forms.CharField(max_length=40, help_text="With the country code, e.g. +44 20 7946 0958")
    email = forms.EmailField(required=False)
    about = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    when = WallClockField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for the first free time.",
    )
    timezone = visitor_zone()

    def clean_timezone(self) -> str:
        value: str = self.cleaned_data.get("timezone") or ""
        return value if known_zone(value) else ""

    def window_start(self) -> datetime | None:
        """The time typed, on the visitor's own clock (their browser's zone)."""
        when: datetime | None = self.cleaned_data.get("when")
        if when is None:
            return None
        zone = self.cleaned_data.get("timezone") or settings.TIME_ZONE
        return in_zone(when, zone, field="when")


class MessageForm(Form):
    """Prefixed ("message-"), so its fields never share an id with the call-back form's."""

    name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(label="Your email", max_length=254)
    text = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
    )
    attachment = forms.FileField(required=False, label="A file (optional)")
    timezone = visitor_zone()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="message", **kwargs)
        most = filesizeformat(settings.RAPPORT_CONTACT_ATTACHMENT_MAX_BYTES)
        self.fields["attachment"].help_text = f"One file, up to {most}."

    def clean_timezone(self) -> str:
        value: str = self.cleaned_data.get("timezone") or ""
        return value if known_zone(value) else ""

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        most = settings.RAPPORT_CONTACT_ATTACHMENT_MAX_BYTES
        if upload is not None and upload.size is not None and upload.size > most:
            # Refused before it is read; the browser cannot keep a chosen file, so say so.
            raise forms.ValidationError(
                f"{upload.name} is {filesizeformat(upload.size)}; a file may be at most "
                f"{filesizeformat(most)}. Your message is kept below: send it without the "
                "file, or choose a smaller one."
            )
        return upload

    def uploads(self) -> list[Upload]:
        upload = self.cleaned_data.get("attachment")
        if upload is None:
            return []
        return [
            Upload(
                filename=upload.name or "attachment",
                content_type=upload.content_type or "",
                data=upload.read(),
            )
        ]
