from __future__ import annotations

from django import forms

from rapport.cases.models import Status
from rapport.lib.forms import Form

MAX_TEXT = 20_000


class ReplyForm(Form):
    text = forms.CharField(
        label="Your message",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write your message first."},
    )


class StatusForm(Form):
    """Solved / reopen: the status the page showed, so a change someone made meanwhile is
    refused (compare-and-set) rather than overwritten."""

    expected = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)


class FreshLinkForm(Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Type the email address we write to you at.",
            "invalid": "That does not look like an email address.",
        },
    )
