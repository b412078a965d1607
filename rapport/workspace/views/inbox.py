"""The inbox: mine, my team, due today, recently updated; filtered, searched, keyset-paged."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_GET

from rapport.cases.access import (
    Scope,
    agent_team_ids,
    cases_for_agent,
    newest_cases_for_agent,
    saved_views_of,
)
from rapport.cases.actions.bulk import MAX_BULK_CASES, BulkAction
from rapport.cases.models import ACTIVE_STATUSES, PINNED, Case, Priority, Status
from rapport.cases.queue import (
    INBOX_VIEWS,
    KEYS,
    PINNED_INDEXED,
    Position,
    Sort,
    after,
    in_order,
    parse_position,
    position_of,
)
from rapport.cases.search import search_cases
from rapport.cases.search_matches import Match, case_matches
from rapport.lib.answers import is_htmx
from rapport.people.decorators import agent_required
from rapport.people.models import Agent, Channel, Team
from rapport.triage.service import triage_signals
from rapport.workspace.forms import InboxFilterForm
from rapport.workspace.live import data_etag, live_fragment
from rapport.workspace.views.queue import inbox_filters, view_url

# Labels looked up once, not through get_FOO_display() for every row.
STATUS_LABELS = dict(Status.choices)
PRIORITY_LABELS = dict(Priority.choices)
CHANNEL_LABELS = dict(Channel.choices)
# (field, label for screen readers) of the filter selects, in the order shown.
FILTER_SELECTS = (
    ("status", "Status"),
    ("priority", "Priority"),
    ("channel", "Channel"),
    ("owner", "Owner"),
    ("team", "Team"),
    ("sort", "Order"),
)


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One case as the list shows it, every value ready to print.

    Fifty rows of `{% url %}`, `get_FOO_display`, date filters and related-object lookups
    were most of the page's time; here each value is worked out once, in Python.
    """

    pk: int
    url: str
    subject: str
    customer_name: str
    preferred_name: str  # only when it differs from the name
    status: str
    status_label: str
    priority: str
    priority_label: str
    owner_name: str
    channel_label: str
    preview: str
    updated_iso: str
    updated_title: str
    updated_ago: str
    # What triage saw, with its reasons as a tooltip, and whether to pick up the phone.
    signals: tuple[tuple[str, str, str], ...] = ()
    call_first: bool = False
    due_label: str = ""
    overdue: bool = False
    # Searching: why this case matched (the field and the words marked).
    matches: tuple[Match, ...] = ()
    mine: bool = False  # owned by the viewer: no "Assign to me"

    @property
    def reference(self) -> str:
        return f"#{self.pk}"


@dataclass(frozen=True, slots=True)
class FilterSelect:
    name: str
    label: str
    options: list[tuple[str, str, bool]]  # value, text, selected


def _row(case: Case, viewer: Agent, matches: list[Match]) -> InboxRow:
    customer = case.customer
    preferred = customer.preferred_name if customer.preferred_name != customer.name else ""
    updated = timezone.localtime(case.updated_at)
    return InboxRow(
        pk=case.pk,
        url=reverse("case", args=[case.pk]),
        subject=case.subject,
        customer_name=customer.name,
        preferred_name=preferred,
        status=case.status,
        status_label=str(STATUS_LABELS.get(case.status, case.status)),
        priority=case.priority,
        priority_label=str(PRIORITY_LABELS.get(case.priority, case.priority)),
        owner_name=case.owner.display_name if case.owner else "",
        channel_label=str(CHANNEL_LABELS.get(case.origin_channel, case.origin_channel)),
        preview=case.last_message_preview,
        updated_iso=updated.isoformat(),
        updated_title=dateformat.format(updated, "D j M Y, H:i"),
        updated_ago=str(naturaltime(case.updated_at)),
        signals=tuple(
            (name, label, "; ".join(reasons)) for name, label, reasons in triage_signals(case)
        ),
        call_first=case.triage.get("recommended_contact") in ("call", "callback"),
        due_label=_due_label(case),
        overdue=case.next_response_due_at is not None
        and case.next_response_due_at <= timezone.now(),
        matches=tuple(matches),
        mine=case.owner_id == viewer.pk,
    )


def _due_label(case: Case) -> str:
    due = case.next_response_due_at
    if due is None or case.status not in ACTIVE_STATUSES:
        return ""
    local = timezone.localtime(due)
    if due <= timezone.now():
        return f"overdue since {dateformat.format(local, 'D H:i')}"
    return f"answer by {dateformat.format(local, 'D H:i')}"


def _filter_selects(form: InboxFilterForm) -> list[FilterSelect]:
    """The filter selects' options, printed by a plain loop (widget templates cost per option)."""
    selects = []
    for name, label in FILTER_SELECTS:
        chosen = form[name].value()
        chosen = "" if chosen is None else str(chosen)
        if name == "sort" and not chosen and form.is_valid():
            chosen = sort_of(form)  # the order the list is in
        choices = form.fields[name].choices  # type: ignore[attr-defined]
        options = [(str(value), str(text), str(value) == chosen) for value, text in choices]
        selects.append(FilterSelect(name=name, label=label, options=options))
    return selects


def _end_of_today(agent: Agent) -> datetime:
    zone = ZoneInfo(agent.timezone)
    tomorrow = timezone.now().astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=zone)


def _filters(agent: Agent, form: InboxFilterForm) -> tuple[Q, list[str] | None]:
    """What the view and filters ask for, and the statuses it may have (None: any)."""
    data = form.cleaned_data
    view = data.get("view") or "mine"
    where = Q()
    if view == "mine":
        where &= Q(owner=agent)
    elif view == "team":
        where &= Q(team_id__in=agent_team_ids(agent))
    elif view == "due":
        end = _end_of_today(agent)
        where &= Q(next_response_due_at__lt=end) | Q(
            first_response_due_at__lt=end, first_response_at__isnull=True
        )
    statuses: list[str] | None = None
    if data.get("status"):
        statuses = [data["status"]]
    elif view != "recent":
        statuses = list(ACTIVE_STATUSES)
    if data.get("priority"):
        where &= Q(priority=data["priority"])
    if data.get("channel"):
        where &= Q(origin_channel=data["channel"])
    owner = data.get("owner")
    if owner == "me":
        where &= Q(owner=agent)
    elif owner == "none":
        where &= Q(owner__isnull=True)
    elif owner:
        where &= Q(owner_id=int(owner))
    if data.get("team"):
        where &= Q(team_id=int(data["team"]))
    return where, statuses


def sort_of(form: InboxFilterForm) -> str:
    """The order asked for; by default the most pressing first in "Due today", else the most
    recently updated."""
    chosen: str = form.cleaned_data.get("sort") or ""
    return chosen or (Sort.DUE if form.cleaned_data.get("view") == "due" else Sort.UPDATED)


def _load(cases: QuerySet[Case]) -> list[Case]:
    return list(
        cases.select_related("customer", "owner").only(
            "subject",
            "status",
            "priority",
            "origin_channel",
            "last_message_preview",
            "updated_at",
            "triage",
            "next_response_due_at",
            "customer__name",
            "customer__preferred_name",
            "owner__display_name",
        )
    )


# The inbox views that hold only one slice of what an agent may see (all of it visible to them).
SCOPES: dict[str, Scope] = {"mine": "own", "team": "teams"}


def _newest_first(
    agent: Agent,
    *,
    view: str,
    where: Q,
    statuses: list[str] | None,
    size: int,
    position: Position | None,
) -> list[Case]:
    """Recently updated, urgent first: the agent's urgent cases still to be done, read straight
    from their own small index (`case_pinned`), and the newest of the rest on the inbox's index
    walks (`newest_cases_for_agent`), as one list.

    The first page walks everything: its newest `size` cases hold at least as many non-urgent
    ones as the page has room for once the urgent ones are placed. A later page starts among
    the urgent cases (when they fill more than a page) or past them, and walks the rest only."""
    parts: list[QuerySet[Case, Any]] = []
    newer = after(Sort.UPDATED, position[1:], keys=KEYS[Sort.UPDATED][1:]) if position else Q()
    if position is None or position[0] == 0:
        pinned = Case.objects.filter(PINNED_INDEXED & (newer if position else Q()))
        urgent = cases_for_agent(agent).filter(where, pk__in=pinned.values("pk"))
        if statuses is not None:
            urgent = urgent.filter(status__in=statuses)
        parts.append(urgent.values("pk"))
    rest = where
    if position is not None:
        rest &= ~PINNED & (newer if position[0] == 1 else Q())
    parts += newest_cases_for_agent(
        agent, where=rest, statuses=statuses, limit=size, scope=SCOPES.get(view, "all")
    )
    if not parts:
        return []
    # A UNION, not `pk IN (…) OR pk IN (…)`: an OR of the two makes SQLite scan every case.
    # UNION, not UNION ALL: a case of their team that they also own counts once.
    both = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    return _load(in_order(Case.objects.filter(pk__in=both), Sort.UPDATED)[:size])


def _page(agent: Agent, form: InboxFilterForm, size: int) -> list[Case]:
    where, statuses = _filters(agent, form)
    sort = sort_of(form)
    position = parse_position(sort, form.cleaned_data.get("after") or "")
    query = form.cleaned_data.get("q")
    if sort == Sort.UPDATED and not query:
        view = form.cleaned_data.get("view") or "mine"
        return _newest_first(
            agent, view=view, where=where, statuses=statuses, size=size, position=position
        )
    # Search narrows to a capped set of matches, and the other orders read every case the
    # view holds (what is due today, an agent's or a team's active cases) before sorting.
    cases = cases_for_agent(agent).filter(where)
    if statuses is not None:
        cases = cases.filter(status__in=statuses)
    if query:
        cases = search_cases(cases, query)
    cases = in_order(cases, sort)
    if position is not None:
        cases = cases.filter(after(sort, position))
    return _load(cases[:size])


def _list_context(
    request: HttpRequest, agent: Agent, agents: list[tuple[int, str]], teams: list[tuple[int, str]]
) -> dict[str, Any]:
    """What the list fragment shows: its rows, pages and filters."""
    form = InboxFilterForm(request.GET, agents=agents, teams=teams)
    page_size: int = settings.RAPPORT_PAGE_SIZE
    cases: list[Case] = []
    next_query = ""
    if form.is_valid():
        # One row more than a page tells us whether there is a next page without a COUNT.
        cases = _page(agent, form, page_size + 1)
        if len(cases) > page_size:
            cases = cases[:page_size]
            params = request.GET.copy()
            last = cases[-1]
            params["after"] = position_of(last, sort_of(form))
            next_query = params.urlencode()
    first_params = request.GET.copy()
    first_params.pop("after", None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    why = case_matches(cases, query) if query else {}
    return {
        "form": form,
        "rows": [_row(case, agent, why.get(case.pk, [])) for case in cases],
        "here": request.get_full_path(),
        "next_query": next_query,
        "first_query": first_params.urlencode() if "after" in request.GET else "",
        "current_view": (form.cleaned_data.get("view") if form.is_valid() else "") or "mine",
        "views": INBOX_VIEWS,
    }


def _people() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The agents and teams the filters and the bar offer."""
    agents = list(Agent.objects.order_by("display_name").values_list("pk", "display_name"))
    return agents, list(Team.objects.order_by("name").values_list("pk", "name"))


@require_GET
@agent_required
def inbox(request: HttpRequest, agent: Agent) -> HttpResponse:
    agents, teams = _people()
    context = _list_context(request, agent, agents, teams)
    form = context["form"]
    if is_htmx(request):
        return render(request, "workspace/inbox/_list.html", context)
    context["filter_selects"] = _filter_selects(form)
    shown = inbox_filters(request.GET)
    context.update(
        saved_views=[
            (view.pk, view.name, view_url(view), view.filters == shown)
            for view in saved_views_of(agent)
        ],
        bulk_actions=BulkAction.choices,
        bulk_max=MAX_BULK_CASES,
        bulk_agents=agents,
        bulk_teams=teams,
        bulk_statuses=Status.choices,
    )
    return render(request, "workspace/inbox.html", context)


@require_GET
@agent_required
def inbox_live(request: HttpRequest, agent: Agent) -> HttpResponseBase:
    """The list, polled (rapport/workspace/live.py): its version is what it shows, less the
    relative times ("3 minutes ago"), so an unchanged list is a 304 that renders nothing."""
    context = _list_context(request, agent, *_people())
    shown = (
        agent.pk,
        [replace(row, updated_ago="") for row in context["rows"]],
        dict(context["form"].errors),
        *(context[key] for key in ("here", "next_query", "first_query", "current_view")),
    )
    return live_fragment(
        request,
        etag=data_etag(shown),
        fragment=lambda: render(request, "workspace/inbox/_list.html", context),
    )
