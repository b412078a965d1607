"""A saved reply's placeholders, filled for one customer and one agent, and the policy on
starting texts sent word for word.

A saved reply is where an agent starts, never what the customer reads unread: the composer fills
the names in and marks what is template and what the agent wrote; a business may refuse a
starting text sent unedited (`Brand.refuse_unedited_templates`), the same policy for saved
replies and for outreach drafts (`check_personal`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.db.models import Q, QuerySet

from rapport.cases.models import SavedReply
from rapport.lib.errors import ActionError
from rapport.people.models import Agent, Brand, Customer

PLACEHOLDERS = ("customer_name", "customer_first_name", "agent_name", "agent_first_name")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    """The `{names}` in `text` that are not placeholders, in order, once each."""
    unknown: list[str] = []
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each known placeholder replaced by its value (anything else left as typed)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return values[name] if name in values else match.group(0)

    return _PLACEHOLDER.sub(value, text)


def first_name(name: str) -> str:
    """The first word that is not a title ("Dr. Ana Ortiz" -> "Ana"); the name if all are."""
    words = name.split()
    for word in words:
        if not word.endswith("."):
            return word
    return words[0] if words else ""


def placeholder_values(customer: Customer, agent: Agent) -> dict[str, str]:
    return {
        "customer_name": customer.name,
        "customer_first_name": customer.greeting_name,
        "agent_name": agent.display_name,
        "agent_first_name": first_name(agent.display_name),
    }


def filled(text: str, *, customer: Customer, agent: Agent) -> str:
    """A saved reply's text as `agent` starts it to `customer`."""
    return fill(text, placeholder_values(customer, agent))


def same_words(text: str, template: str) -> bool:
    """True when `text` is `template` word for word (spacing and line breaks aside)."""
    return text.split() == template.split()


def refuses_unedited(brand: Brand | None) -> bool:
    """The business's policy; a case of no business keeps the desk's default (refuse)."""
    return brand.refuse_unedited_templates if brand is not None else True


def check_personal(text: str, *, template: str, brand: Brand | None, what: str) -> bool:
    """Whether `text` is `template` unchanged; ActionError when the business refuses that."""
    unchanged = same_words(text, template)
    if unchanged and refuses_unedited(brand):
        raise ActionError(
            f"Make it personal before sending: the {what} is a starting point, not a form letter.",
            field="text",
        )
    return unchanged


def matching(replies: QuerySet[SavedReply], q: str) -> QuerySet[SavedReply]:
    """The saved replies with every word of `q` in their title or their text."""
    for word in q.split()[:10]:
        replies = replies.filter(Q(title__icontains=word) | Q(text__icontains=word))
    return replies
