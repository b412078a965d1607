"""The inbox: mine, my team, due today, recently updated; filtered, searched, keyset-paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.db.models import Case as CaseWhen
from django.db.models import DateTimeField, F, Q, QuerySet, When
from django.db.models.functions import Coalesce, Least
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_GET

from rapport.cases.access import agent_team_ids, cases_for_agent, newest_cases_for_agent
from rapport.cases.models import ACTIVE_STATUSES, Case, Priority, Status
from rapport.cases.search import search_cases
from rapport.cases.search_matches import Match, case_matches
from rapport.lib.answers import is_htmx
from rapport.people.decorators import agent_required
from rapport.people.models import Agent, Channel, Team
from rapport.triage.service import triage_signals
from rapport.workspace.forms import INBOX_VIEWS, InboxFilterForm

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

    @property
    def reference(self) -> str:
        return f"#{self.pk}"


@dataclass(frozen=True, slots=True)
class FilterSelect:
    name: str
    label: str
    options: list[tuple[str, str, bool]]  # value, text, selected


def _row(case: Case, matches: list[Match]) -> InboxRow:
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
    cursor = form.cursor()
    if cursor is not None and view != "due":
        at, pk = cursor
        # The first term bounds the index range; the second breaks ties on the same instant.
        where &= Q(updated_at__lte=at) & (Q(updated_at__lt=at) | Q(pk__lt=pk))
    return where, statuses


def _due_at() -> CaseWhen:
    """When the case needs its next answer: the first-response deadline while nobody has
    answered yet (if it comes sooner), else the next-response deadline."""
    first, after = F("first_response_due_at"), F("next_response_due_at")
    return CaseWhen(
        When(
            first_response_at__isnull=True,
            first_response_due_at__isnull=False,
            then=Least(first, Coalesce(after, first)),
        ),
        default=after,
        output_field=DateTimeField(),
    )


def _due_page(
    agent: Agent, form: InboxFilterForm, where: Q, statuses: list[str] | None, size: int
) -> QuerySet[Case]:
    """Due today, the most pressing first: ordered by the deadline, keyset-paged on it. The
    filter already bounds the rows to what falls due by tonight, a short list to sort."""
    cases: QuerySet[Case] = cases_for_agent(agent).filter(where).annotate(due_at=_due_at())
    if statuses is not None:
        cases = cases.filter(status__in=statuses)
    cursor = form.cursor()
    if cursor is not None:
        at, pk = cursor
        cases = cases.filter(Q(due_at__gt=at) | Q(due_at=at, pk__gt=pk))
    query = form.cleaned_data.get("q")
    if query:
        cases = search_cases(cases, query)
    return cases.order_by(F("due_at").asc(nulls_last=True), "pk")[:size]


def _page(agent: Agent, form: InboxFilterForm, size: int) -> list[Case]:
    where, statuses = _filters(agent, form)
    query = form.cleaned_data.get("q")
    if form.cleaned_data.get("view") == "due":
        cases = _due_page(agent, form, where, statuses, size)
    elif query:
        # Search narrows to a capped set of matches, small before it is sorted.
        cases = cases_for_agent(agent).filter(where)
        if statuses is not None:
            cases = cases.filter(status__in=statuses)
        cases = search_cases(cases, query).order_by("-updated_at", "-pk")[:size]
    else:
        cases = newest_cases_for_agent(agent, where=where, statuses=statuses, limit=size).order_by(
            "-updated_at", "-pk"
        )
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


@require_GET
@agent_required
def inbox(request: HttpRequest, agent: Agent) -> HttpResponse:
    agents = list(Agent.objects.order_by("display_name").values_list("pk", "display_name"))
    teams = list(Team.objects.order_by("name").values_list("pk", "name"))
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
            position = getattr(last, "due_at", None) or last.updated_at
            params["after"] = f"{position.isoformat()}_{last.pk}"
            next_query = params.urlencode()
    first_params = request.GET.copy()
    first_params.pop("after", None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    why = case_matches(cases, query) if query else {}
    context = {
        "form": form,
        "rows": [_row(case, why.get(case.pk, [])) for case in cases],
        "next_query": next_query,
        "first_query": first_params.urlencode() if "after" in request.GET else "",
        "current_view": (form.cleaned_data.get("view") if form.is_valid() else "") or "mine",
        "views": INBOX_VIEWS,
    }
    if is_htmx(request):
        return render(request, "workspace/inbox/_list.html", context)
    context["filter_selects"] = _filter_selects(form)
    return render(request, "workspace/inbox.html", context)
