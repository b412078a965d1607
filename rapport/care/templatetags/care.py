"""The case and customer pages' care panel: one query for the customer's open promises."""

from __future__ import annotations

from django import template

from rapport.care.models import Promise
from rapport.care.selectors import open_promises
from rapport.people.models import Customer

register = template.Library()


@register.simple_tag
def care_promises(customer: Customer) -> list[Promise]:
    return open_promises(customer)


@register.filter
def in_zone(value: object, zone: str) -> object:
    """Show a time in another zone (the customer's), whatever the page's own zone is."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(zone)) if isinstance(value, datetime) else value
