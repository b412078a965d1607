"""Who is hit hardest: priority rules as data, and the message draft. Pure Python, no Django.

A rule is a dict: `{"label": "travelling today", "tier": 1, "attribute": "departure_date",
"op": "today"}` or `{"label": "medical need", "tier": 1, "tag": "medical"}`. A customer's tier
is the lowest tier of the rules that match them (1 = call first); the labels are the reasons.
Facts come from the customer's case tags, their assets' attributes and the CSV row's columns.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

OPS = ("equals", "in", "gte", "lte", "true", "today", "exists")
TIERS = (1, 2, 3)
TIER_LABELS = {1: "Call first", 2: "Call", 3: "Write"}
# Tiers called by phone; the rest get a personal message (and a call if they ask).
PHONE_TIERS = frozenset({1, 2})

DEFAULT_RULES: list[dict[str, Any]] = [
    {"label": "travelling today", "tier": 1, "attribute": "travelling_today", "op": "true"},
    {"label": "travelling today", "tier": 1, "attribute": "departure_date", "op": "today"},
    {"label": "medical need", "tier": 1, "tag": "medical"},
    {"label": "medical need", "tier": 1, "attribute": "medical_need", "op": "true"},
    {"label": "reduced mobility", "tier": 1, "tag": "wheelchair"},
    {"label": "high value", "tier": 2, "tag": "vip"},
    {
        "label": "high value",
        "tier": 2,
        "attribute": "loyalty",
        "op": "in",
        "value": ["gold", "platinum"],
    },
]

DEFAULT_DRAFT = (
    "Hi {name},\n\n"
    "I'm {agent}, and I'm looking after you personally about this: {title}. "
    "I'm sorry for the trouble it causes you.\n\n"
    "[Say what you can do for {name} — a new booking, a refund, a replacement — and when.]\n\n"
    "You can answer this message or call me, and you'll reach me, not a queue."
)
TRUTHY = {"1", "true", "yes", "y", "si", "sí", "x"}


class RuleError(ValueError):
    """A rule that cannot be applied; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Facts:
    tags: frozenset[str]
    attributes: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Verdict:
    tier: int
    reasons: tuple[str, ...]


def validate(rules: Any) -> list[dict[str, Any]]:
    """The rules, checked and normalised; a RuleError names the first bad one."""
    if not isinstance(rules, list):
        raise RuleError("Priority rules are a list of rules.")
    clean: list[dict[str, Any]] = []
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict):
            raise RuleError(f"Rule {number} is not an object.")
        label = str(rule.get("label", "")).strip()
        tier = rule.get("tier")
        if not label:
            raise RuleError(f"Rule {number} needs a label (the reason agents see).")
        if tier not in TIERS:
            raise RuleError(f"Rule {number}: tier must be 1, 2 or 3.")
        if ("tag" in rule) == ("attribute" in rule):
            raise RuleError(f"Rule {number} needs either a tag or an attribute.")
        if "tag" in rule:
            clean.append({"label": label, "tier": tier, "tag": str(rule["tag"]).strip().lower()})
            continue
        op = rule.get("op", "equals")
        if op not in OPS:
            raise RuleError(f"Rule {number}: op must be one of {', '.join(OPS)}.")
        if op in ("equals", "in", "gte", "lte") and "value" not in rule:
            raise RuleError(f"Rule {number}: op {op!r} needs a value.")
        if op == "in" and not isinstance(rule["value"], list):
            raise RuleError(f"Rule {number}: op 'in' needs a list of values.")
        if op in ("gte", "lte") and _number(rule["value"]) is None:
            raise RuleError(f"Rule {number}: op {op!r} needs a number.")
        entry = {"label": label, "tier": tier, "attribute": str(rule["attribute"]), "op": op}
        if "value" in rule:
            entry["value"] = rule["value"]
        clean.append(entry)
    return clean


def evaluate(
    rules: Sequence[Mapping[str, Any]], facts: Facts, *, today: date, default: int
) -> Verdict:
    """The customer's tier and the reasons, in rule order, without repeats."""
    tier, reasons = default, []
    for rule in rules:
        if _matches(rule, facts, today):
            tier = min(tier, int(rule["tier"]))
            if rule["label"] not in reasons:
                reasons.append(str(rule["label"]))
    return Verdict(tier, tuple(reasons))


def _matches(rule: Mapping[str, Any], facts: Facts, today: date) -> bool:  # noqa: PLR0911 -- one return per operator reads best
    if "tag" in rule:
        return rule["tag"] in facts.tags
    key = str(rule["attribute"]).lower()
    present = {str(k).strip().lower(): v for k, v in facts.attributes.items()}
    if key not in present:
        return False
    value, op = present[key], rule.get("op", "equals")
    text = str(value).strip().lower()
    if op == "exists":
        return text != ""
    if op == "true":
        return value is True or text in TRUTHY
    if op == "today":
        return text[:10] == today.isoformat()
    if op == "equals":
        return text == str(rule["value"]).strip().lower()
    if op == "in":
        return text in {str(v).strip().lower() for v in rule["value"]}
    number, limit = _number(value), _number(rule["value"])
    if number is None or limit is None:
        return False
    return number >= limit if op == "gte" else number <= limit


def _number(value: Any) -> float | None:
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return None


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


PLACEHOLDERS = ("name", "full_name", "agent", "reference", "title")


def check_draft(template: str) -> None:
    """A RuleError when the draft has a broken or unknown {placeholder}."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise RuleError(f"The draft has a stray brace: {exc}. Write {{{{ for a brace.") from exc
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        raise RuleError(f"Unknown placeholder {{{unknown[0]}}} in the draft; use {known}.")


def render_draft(template: str, values: Mapping[str, str]) -> str:
    return string.Formatter().vformat(template, (), _Keep(values)).strip()


def tags_of(rows: Iterable[Iterable[str]]) -> frozenset[str]:
    return frozenset(str(tag).strip().lower() for tags in rows for tag in tags)
