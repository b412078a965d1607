"""The one base of every web form: what the database could not store is a form error.

Django's CharField already refuses NUL characters; this adds the rest of rapport/lib/storable.py
to each text, date, time and number field of a form when it is made: lone surrogates, dates
outside 1900-2199, integers past 64 bits. tests/lib/test_forms.py holds every form to it.
What a form is sent is read with LF line endings (`with_lf`), as the API reads it: a browser
sends a textarea's lines as CRLF. A field named as a name (`NAME_FIELDS`) refuses the
characters that override text direction, as the API does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import QueryDict

from rapport.lib.storable import NAME_FIELDS, name_problem, problem, with_lf

CHECKED_FIELDS = (forms.CharField, forms.DateField, forms.DateTimeField, forms.IntegerField)


def validate_storable(value: Any) -> None:
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # a wall-clock time: only its range matters here
    found = problem(value)
    if found:
        raise ValidationError(found[:1].upper() + found[1:] + ".", code="unstorable")


def validate_name(value: Any) -> None:
    found = name_problem(value)
    if found:
        raise ValidationError(found[:1].upper() + found[1:] + ".", code="direction_override")


class Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(self.data, QueryDict):
            sent = QueryDict(mutable=True)
            for name, values in self.data.lists():
                sent.setlist(name, with_lf(values))
            self.data = sent
        elif self.data:
            self.data = with_lf(dict(self.data))
        for field in self.fields.values():
            if isinstance(field, CHECKED_FIELDS):
                field.validators = [*field.validators, validate_storable]
        for name in NAME_FIELDS & set(self.fields):
            self.fields[name].validators = [*self.fields[name].validators, validate_name]


def first_error(form: forms.Form) -> str:
    """The first thing wrong with a form, for a person: "Due at: Enter a valid date/time."."""
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            return str(errors[0])
        field = form.fields.get(name)
        label = (field.label if field is not None else None) or name.replace("_", " ").capitalize()
        return f"{label}: {errors[0]}"
    return "Check the form."
