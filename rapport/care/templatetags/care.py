"""The case and customer pages' care panel: one query for the customer's open promises."""

from __future__ import annotations

from django import template
from django.db.models import QuerySet

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
    """Show a time in another zone (the customer's), whatever the page's own zone is."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(zone)) if isinstance(value, datetime) else value
