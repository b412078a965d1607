"""The case and customer pages' care panel: one query for the customer's open promises."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.db.models import QuerySet
from django.templatetags.tz import do_timezone

from rapport.care.models import Promise
from rapport.care.selectors import open_promises
from rapport.cases.models import Case
from rapport.people.models import Customer

register = template.Library()


@register.simple_tag
def care_promises(customer: Customer, visible: QuerySet[Case] | None) -> list[Promise]:
    """`visible`: the customer's cases the viewer may open (None: all), from `side_panel`."""
    return open_promises(customer, visible=visible)


@register.filter
def in_zone(value: object, zone: str) -> object:
    """Show a time in another zone (the customer's), whatever the page's own zone is: the
    result is marked so the `date` and `time` filters do not turn it back into the viewer's."""
    return do_timezone(value, zone) if isinstance(value, datetime) else value
