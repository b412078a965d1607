"""The supervisor's insights: an index of the questions and one page per question, each table
downloadable as CSV (`?format=csv&table=<name>`). A bad filter is a 400 page saying which."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rapport.cases.access import cases_for_agent
from rapport.insights.questions import QUESTIONS
from rapport.insights.report import FilterError, read_filters, scope_for, table_csv
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent


@require_GET
@agent_required
@supervisor_required
def insights_index(request: HttpRequest, agent: Agent) -> HttpResponse:
    return render(request, "workspace/insights/index.html", {"questions": QUESTIONS.values()})


@require_GET
@agent_required
@supervisor_required
def insights_page(request: HttpRequest, agent: Agent, question: str) -> HttpResponse:
    found = QUESTIONS.get(question)
    if found is None:
        raise Http404("No such question")
    context: dict[str, object] = {"question": found, "questions": QUESTIONS.values()}
    try:
        form = read_filters(request.GET)
    except FilterError as exc:
        context.update(form=exc.form, errors=exc.errors)
        return render(request, "workspace/insights/page.html", context, status=400)
    scope = scope_for(cases_for_agent(agent), form, now=timezone.now())
    report = found.build(scope)
    if request.GET.get("format") == "csv":
        name = request.GET.get("table", "")
        table = report.table(name)
        if table is None:
            known = ", ".join(t.name for t in report.tables)
            context.update(form=form, errors={"table": f"No table named {name!r}: one of {known}."})
            return render(request, "workspace/insights/page.html", context, status=400)
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
        filename = f"{found.slug}-{table.name}-{scope.since:%Y%m%d}-{scope.until:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    context.update(form=form, report=report, scope=scope, query=query.urlencode())
    return render(request, "workspace/insights/page.html", context)
