"""The inbox: mine, my team, due today, recently updated; filtered, searched, keyset-paged."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rapport.cases.access import cases_for_agent
from rapport.cases.models import ACTIVE_STATUSES, Case
from rapport.cases.search import search_cases
from rapport.people.models import Agent, Team
from rapport.workspace.decorators import agent_required, is_htmx
from rapport.workspace.forms import INBOX_VIEWS, InboxFilterForm


def _end_of_today(agent: Agent) -> datetime:
    zone = ZoneInfo(agent.timezone)
    tomorrow = timezone.now().astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=zone)


def _filtered(agent: Agent, form: InboxFilterForm) -> QuerySet[Case]:
    data = form.cleaned_data
    cases = cases_for_agent(agent)
    view = data.get("view") or "mine"
    status = data.get("status")
    if view == "mine":
        cases = cases.filter(owner=agent)
    elif view == "team":
        cases = cases.filter(team__in=agent.teams.all())
    elif view == "due":
        end = _end_of_today(agent)
        cases = cases.filter(
            Q(next_response_due_at__lt=end)
            | Q(first_response_due_at__lt=end, first_response_at__isnull=True)
        )
    if status:
        cases = cases.filter(status=status)
    elif view != "recent":
        cases = cases.filter(status__in=ACTIVE_STATUSES)
    if data.get("priority"):
        cases = cases.filter(priority=data["priority"])
    if data.get("channel"):
        cases = cases.filter(origin_channel=data["channel"])
    owner = data.get("owner")
    if owner == "me":
        cases = cases.filter(owner=agent)
    elif owner == "none":
        cases = cases.filter(owner__isnull=True)
    elif owner:
        cases = cases.filter(owner_id=int(owner))
    if data.get("team"):
        cases = cases.filter(team_id=int(data["team"]))
    if data.get("q"):
        cases = search_cases(cases, data["q"])
    return cases


@require_GET
@agent_required
def inbox(request: HttpRequest, agent: Agent) -> HttpResponse:
    agents = list(Agent.objects.order_by("display_name").values_list("pk", "display_name"))
    teams = list(Team.objects.order_by("name").values_list("pk", "name"))
    form = InboxFilterForm(request.GET, agents=agents, teams=teams)
    page_size: int = settings.RAPPORT_PAGE_SIZE
    rows: list[Case] = []
    next_query = ""
    if form.is_valid():
        cases = _filtered(agent, form)
        cursor = form.cursor()
        if cursor is not None:
            at, pk = cursor
            cases = cases.filter(Q(updated_at__lt=at) | Q(updated_at=at, pk__lt=pk))
        # One row more than a page tells us whether there is a next page without a COUNT.
        rows = list(
            cases.select_related("customer", "owner", "team").order_by("-updated_at", "-pk")[
                : page_size + 1
            ]
        )
        if len(rows) > page_size:
            rows = rows[:page_size]
            params = request.GET.copy()
            params["after"] = f"{rows[-1].updated_at.isoformat()}_{rows[-1].pk}"
            next_query = params.urlencode()
    first_params = request.GET.copy()
    first_params.pop("after", None)
    context = {
        "form": form,
        "rows": rows,
        "next_query": next_query,
        "first_query": first_params.urlencode() if "after" in request.GET else "",
        "current_view": (form.cleaned_data.get("view") if form.is_valid() else "") or "mine",
        "views": INBOX_VIEWS,
    }
    if is_htmx(request):
        return render(request, "workspace/inbox/_list.html", context)
    return render(request, "workspace/inbox.html", context)
