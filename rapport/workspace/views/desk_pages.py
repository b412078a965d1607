"""The two shapes every desk admin page has (a business, a site, a team, a follow-up policy):
the list of what there is with a form to add one (`desk_<things>`, its template
`workspace/desk/<things>.html`), and the page that changes one (`desk_<thing>`). Both are for
supervisors, take GET and POST, and show a refused form again with what was typed and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rapport.lib.answers import Action, Elsewhere, post_action
from rapport.people.decorators import AgentView, agent_required, supervisor_required

P = ParamSpec("P")
GET_POST = require_http_methods(["GET", "POST"])


def desk_page(
    view: AgentView[P, HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """A supervisor's page that shows a form (GET) and takes it (POST)."""
    return GET_POST(agent_required(supervisor_required(view)))


def posted(request: HttpRequest) -> QueryDict | None:
    """What the form was sent, or None when the page is only shown."""
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    template: str,
    *,
    form: forms.Form,
    context: Callable[[], dict[str, Any]],
    run: Action,
    back: str,
) -> HttpResponse:
    """A page with a form: shown on GET; on POST the form runs its action (`post_action`), and a
    refusal shows the page again with what was typed and the reason (status 400)."""

    def page(error: str = "") -> HttpResponse:
        shown = {**context(), "form": form, "error": error}
        return render(request, template, shown, status=400 if error else 200)

    if request.method != "POST":
        return page()
    return post_action(request, run, form=form, back=back, again=page)


def list_page(
    request: HttpRequest,
    things: str,
    *,
    form: forms.Form,
    listed: Callable[[], dict[str, Any]],
    add: Callable[[dict[str, Any]], Elsewhere],
) -> HttpResponse:
    """`desk_<things>`: what `listed` gives, and `form` that `add`s one."""
    template, back = f"workspace/desk/{things}.html", reverse(f"desk_{things}")
    return form_page(request, template, form=form, context=listed, run=add, back=back)


def change_page(
    request: HttpRequest,
    thing: str,
    pk: int,
    *,
    form: forms.Form,
    shown: Callable[[], dict[str, Any]],
    save: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """`desk_<thing>` of the row `pk`: what `shown` gives, and `form` that `save`s it."""
    template, back = f"workspace/desk/{thing}.html", reverse(f"desk_{thing}", args=[pk])
    return form_page(request, template, form=form, context=shown, run=save, back=back)
