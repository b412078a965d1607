"""The surveys card on the case and customer pages (rapport/workspace/_side_panel.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from rapport.people.models import Customer
from rapport.surveys.selectors import Panel, panel

register = template.Library()


@register.simple_tag
def survey_panel(customer: Customer, visible: QuerySet[Any] | None) -> Panel:
    return panel(customer, visible=visible)
