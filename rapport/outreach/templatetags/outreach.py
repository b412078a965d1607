"""The make-goods (and outreach task) card in the case and customer side panel."""

from __future__ import annotations

from typing import Any

from django import template

from rapport.cases.models import Case
from rapport.outreach.models import MakeGoodKind, OutreachTask
from rapport.outreach.selectors import make_goods_of_customer
from rapport.people.models import Customer

register = template.Library()


@register.inclusion_tag("outreach/_panel.html", takes_context=True)
def outreach_panel(
    context: template.Context, customer: Customer, case: Case | None
) -> dict[str, Any]:
    """One query for the make-goods (on the cases the viewer may open, `visible_cases` from
    `side_panel`); a second only on an incident's outreach case."""
    task = None
    if case is not None and "incident" in (case.tags or []):
        task = OutreachTask.objects.select_related("incident").filter(case_id=case.pk).first()
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "customer": customer,
        "focus_case": case,
        "make_goods": make_goods_of_customer(customer.pk, visible=context.get("visible_cases")),
        "assets": context.get("assets", []),
        "kinds": MakeGoodKind.choices,
        "outreach_task": task,
    }
