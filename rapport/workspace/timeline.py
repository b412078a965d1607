"""What the case and customer pages show: the labelled timeline and the side panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from rapport.cases.access import customer_cases_for_agent, customer_for_agent
from rapport.cases.models import (
    CallDirection,
    CallOutcome,
    Case,
    CaseEventKind,
    DeliveryStatus,
    Direction,
    Priority,
    Status,
)
from rapport.cases.selectors import TimelineEntry, customer_timeline, other_open_cases
from rapport.lib.html import linkify, without_images
from rapport.mail.models import AuthVerdict, InboundEmail
from rapport.people.models import Agent, Channel, Customer, IdentityKind

TIMELINE_LIMIT = 100
CHANNEL_LABELS = dict(Channel.choices)
DELIVERY_LABELS = dict(DeliveryStatus.choices)
OUTCOME_LABELS = dict(CallOutcome.choices)
STATUS_LABELS = dict(Status.choices)
AUTH_LABELS = dict(AuthVerdict.choices)
MESSAGE_VERBS: dict[str, str] = {Direction.INBOUND: "wrote", Direction.OUTBOUND: "replied"}


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One timeline entry with what the template prints already worked out.

    A long timeline rendered with `{% url %}`, `get_FOO_display`, date and text filters and
    nested lookups per entry cost more than all of the page's queries; each value is computed
    once here instead (labels of the same case once per case).
    """

    entry: TimelineEntry
    case: Case | None
    current: bool
    summary: str = ""
    css: str = ""  # the classes after "timeline-entry"
    at_iso: str = ""
    at_label: str = ""
    case_url: str = ""  # another case's link, label and status; empty for the focus case
    case_label: str = ""
    case_status: str = ""
    who: str = ""
    what: str = ""
    chip: str = ""  # a message's channel or a call's outcome
    delivery: str = ""
    body: str = ""  # a SafeString: escaped text with <br>s, or the sanitised HTML
    remote_images: int = 0  # held back in `body` until the agent loads them
    can_split: bool = False
    auth: str = ""  # an inbound mail's sender authentication verdict (AuthVerdict), if checked
    auth_label: str = ""
    auth_summary: str = ""


def _label(choices: type[Status] | type[Priority], value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _event_summary(entry: TimelineEntry, agents: dict[int, Agent]) -> str:
    event = entry.event
    if event is None:
        return ""
    before, after = event.before or {}, event.after or {}

    def name(agent_id: Any) -> str:
        agent = agents.get(agent_id) if isinstance(agent_id, int) else None
        return agent.display_name if agent else "nobody"

    summaries: dict[str, str] = {
        CaseEventKind.OPENED: (
            f"Split from case #{after['split_from']}" if after.get("split_from") else "Case opened"
        ),
        CaseEventKind.STATUS: (
            f"Status {_label(Status, before.get('status', ''))}"
            f" → {_label(Status, after.get('status', ''))}"
        ),
        CaseEventKind.PRIORITY: (
            f"Priority {_label(Priority, before.get('priority', ''))}"
            f" → {_label(Priority, after.get('priority', ''))}"
        ),
        CaseEventKind.ASSIGNED: (
            f"Moved to another team; {name(after.get('owner'))} still owns it"
            if before.get("owner") == after.get("owner")
            else f"Owner {name(before.get('owner'))} → {name(after.get('owner'))}"
        ),
        CaseEventKind.MERGED: f"Case #{after.get('case')} merged into this case",
        CaseEventKind.SPLIT: f"A message was split into case #{after.get('case')}",
        CaseEventKind.SOCIAL_HANDLE: (
            f"Now {after.get('handle')} on {after.get('platform')} (was {before.get('handle')})"
        ),
    }
    return summaries.get(event.kind) or str(event.get_kind_display())


def timeline_rows(
    customer: Customer,
    *,
    viewer: Agent,
    focus: Case | None,
    agents: dict[int, Agent],
    before: datetime | None = None,
) -> tuple[list[TimelineRow], datetime | None]:
    """The customer's timeline as `viewer` may see it (only cases they may open, so every link
    opens), each entry labelled with its case; and the cursor for older entries."""
    entries = customer_timeline(
        customer,
        visible=customer_cases_for_agent(viewer, customer),
        limit=TIMELINE_LIMIT,
        before=before,
    )
    case_ids = {entry.case_id for entry in entries}
    cases = {
        case.pk: case
        for case in Case.objects.filter(pk__in=case_ids).only("pk", "subject", "status")
    }
    if focus is not None:
        cases[focus.pk] = focus
    labels = {
        pk: (
            reverse("case", args=[pk]),
            f"{case.reference} {Truncator(case.subject).chars(60)}",
            str(STATUS_LABELS.get(case.status, case.status)).lower() if case.status else "",
        )
        for pk, case in cases.items()
    }
    focus_active = focus is not None and focus.is_active
    checked = _sender_checks(entries)
    rows = []
    for entry in entries:
        current = focus is not None and entry.case_id == focus.pk
        case_url, case_label, case_status = (
            ("", "", "") if current else labels.get(entry.case_id, ("", "", ""))
        )
        at = _local(entry.at)
        verdict, auth_summary = checked.get(entry.message.pk if entry.message else 0, ("", ""))
        rows.append(
            TimelineRow(
                entry=entry,
                case=cases.get(entry.case_id),
                current=current,
                summary=_event_summary(entry, agents),
                css=_css(entry, focus=focus is not None, current=current),
                at_iso=at.isoformat(),
                at_label=dateformat.format(at, "D j M, H:i"),
                case_url=case_url,
                case_label=case_label,
                case_status=case_status,
                **_what_happened(entry, customer),
                can_split=(
                    current
                    and focus_active
                    and entry.message is not None
                    and entry.message.direction == Direction.INBOUND
                ),
                auth=verdict,
                auth_label=str(AUTH_LABELS.get(verdict, "")),
                auth_summary=auth_summary,
            )
        )
    older = entries[-1].at if len(entries) >= TIMELINE_LIMIT else None
    return rows, older


def _sender_checks(entries: list[TimelineEntry]) -> dict[int, tuple[str, str]]:
    """Message -> (verdict, findings) of the mails whose sender authentication was checked:
    one read when the timeline holds anything the customer sent (so a page costs the same
    number of reads whatever channels they used)."""
    mails = [
        e.message.pk
        for e in entries
        if e.message is not None and e.message.direction == Direction.INBOUND
    ]
    if not mails:
        return {}
    checked = InboundEmail.objects.filter(case_message_id__in=mails).exclude(
        auth_verdict=AuthVerdict.UNCHECKED
    )
    return {
        message_id: (verdict, summary)
        for message_id, verdict, summary in checked.values_list(
            "case_message_id", "auth_verdict", "auth_summary"
        )
        if message_id is not None
    }


def _local(at: datetime) -> datetime:
    """The moment in the viewer's zone. A stored time at the edge of what Python can hold (year
    1 or 9999, written before the API refused such dates) cannot be shifted: it stays in UTC
    rather than take the customer's every page down."""
    try:
        return timezone.localtime(at)
    except OverflowError:
        return at.astimezone(UTC)


def _css(entry: TimelineEntry, *, focus: bool, current: bool) -> str:
    css = f"kind-{entry.kind}"
    if focus:
        css += " is-current" if current else " is-other"
    if entry.message is not None:
        css += f" direction-{entry.message.direction}"
    return css


def _what_happened(entry: TimelineEntry, customer: Customer) -> dict[str, Any]:
    """Who did what, the chip beside it and the body of a message or a call."""
    if entry.message is not None:
        message = entry.message
        if message.direction == Direction.INBOUND:
            who = customer.name
        elif message.author is not None:
            who = message.author.display_name
        else:
            who = settings.SITE_NAME
        remote_images = 0
        if message.html:
            # Images wait for the agent: a remote one tells the sender the mail was read.
            shown, remote_images = without_images(message.html)
            text: SafeString = mark_safe(shown)  # noqa: S308 -- sanitised again with nh3
        else:
            text = mark_safe(linkify(message.text))  # noqa: S308 -- escaped, links added
        return {
            "who": who,
            "what": MESSAGE_VERBS.get(message.direction, "added an internal note"),
            "chip": (
                ""
                if message.direction == Direction.NOTE
                else str(CHANNEL_LABELS.get(message.channel, message.channel))
            ),
            "delivery": (
                str(DELIVERY_LABELS.get(message.delivery_status, message.delivery_status))
                if message.direction == Direction.OUTBOUND
                else ""
            ),
            "body": text,
            "remote_images": remote_images,
        }
    if entry.call is not None:
        call = entry.call
        agent = call.agent.display_name if call.agent is not None else ""
        greeting = customer.greeting_name
        if call.direction == CallDirection.OUTBOUND:
            who = f"{agent or 'We'} called {greeting}"
        else:
            who = f"{greeting} called{' ' + agent if agent else ''}"
        return {
            "who": who,
            "chip": str(OUTCOME_LABELS.get(call.outcome, call.outcome)),
            "body": mark_safe(linkify(call.notes)) if call.notes else "",  # noqa: S308 -- escaped
        }
    return {}


def side_panel(customer: Customer, *, viewer: Agent, case: Case | None) -> dict[str, Any]:
    """Everything the side panel shows, each a single query; of the customer's cases only what
    `viewer` may open (`visible_cases`, also for the care and make-good cards)."""
    identities = list(customer.identities.all())
    visible = customer_cases_for_agent(viewer, customer)
    return {
        "customer": customer,
        "likely_duplicate": _likely_duplicate(customer, viewer),
        "identities": identities,
        "primary_phone": next((i.value for i in identities if i.kind == IdentityKind.PHONE), ""),
        "notes": list(customer.rapport_notes.select_related("author")),
        "assets": list(customer.assets.all()),
        "other_open_cases": other_open_cases(
            customer, visible=visible, exclude=case.pk if case else None
        ),
        "visible_cases": visible,
        "focus_case": case,
    }


def _likely_duplicate(customer: Customer, viewer: Agent) -> Customer | None:
    """The customer this record is flagged as likely being, if the viewer serves them (one
    they cannot open is never named)."""
    if customer.likely_duplicate_of_id is None:
        return None
    try:
        return customer_for_agent(viewer, customer.likely_duplicate_of_id)
    except Http404:
        return None


def parse_before(request: HttpRequest) -> datetime | None:
    """The `before` cursor of the "older entries" link, if it is a valid aware datetime."""
    try:
        at = datetime.fromisoformat(request.GET.get("before", ""))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def all_agents() -> dict[int, Agent]:
    return {agent.pk: agent for agent in Agent.objects.order_by("display_name")}
