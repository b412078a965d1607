"""The desk's people, for supervisors: who works here (`/supervisor/agents/`), inviting someone,
changing what routing knows of them, deactivating and reactivating; and the page an invited
person chooses their password on (`/welcome/<token>/`, reached from the mail only).

Each form calls the action `/api/v1/agents` and `rapport create-agent` call
(`rapport.people.actions.staff`, `rapport.routing.actions.staff`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.cases.models import ACTIVE_STATUSES
from rapport.lib.access import named, one
from rapport.lib.answers import Action, post_action
from rapport.lib.errors import ActionError
from rapport.lib.forms import Form, first_error
from rapport.lib.hours import HoursError, hours_as_text, hours_from_text
from rapport.mail.models import AgentMail
from rapport.people.access import agent_by_id
from rapport.people.actions import staff
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.invitations import invitation_for_token
from rapport.people.models import Agent, AgentState, Invitation, Site, Team
from rapport.routing.actions.staff import deactivate_agent
from rapport.routing.hooks import deactivation_said
from rapport.workspace.views.desk import hours_from_grid, week_grid


def _words(text: str) -> list[str]:
    return [w for w in text.replace("\n", ",").split(",") if w.strip()]


class ProfileFields(Form):
    """What invite and edit share: where they work and what routing weighs."""

    site = forms.ModelChoiceField(queryset=Site.objects.order_by("name"), required=False)
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple
    )
    skills = forms.CharField(required=False, max_length=1000, help_text="comma-separated")
    capacity = forms.IntegerField(min_value=0, max_value=staff.MAX_CAPACITY, initial=20)
    is_supervisor = forms.BooleanField(required=False, label="Supervisor")


class InviteForm(ProfileFields):
    name = forms.CharField(max_length=100, label="Name customers see")
    email = forms.EmailField(max_length=254)


class EditForm(ProfileFields):
    display_name = forms.CharField(max_length=100, label="Name customers see")
    phone = forms.CharField(required=False, max_length=32, label="Phone or extension")
    timezone = forms.CharField(max_length=64, label="Time zone")
    hours = forms.CharField(required=False, max_length=500, label="Working hours")
    chat_capacity = forms.IntegerField(
        required=False, min_value=0, max_value=staff.MAX_CHAT_CAPACITY, label="Live chats at once"
    )


class DeactivateForm(Form):
    hand_over_to = forms.IntegerField(required=False, min_value=1)


def _agents() -> QuerySet[Agent]:
    """Everyone, each with their open cases counted and newest invitation: a fixed number of
    queries however many people work here."""
    return (
        Agent.objects.select_related("user", "site")
        .prefetch_related(
            "teams",
            Prefetch("invitations", queryset=Invitation.objects.order_by("-created_at", "-id")),
        )
        .annotate(
            open_cases=Count("owned_cases", filter=Q(owned_cases__status__in=ACTIVE_STATUSES))
        )
        .order_by("display_name", "pk")
    )


@dataclass(frozen=True)
class Row:
    person: Agent
    invitation: Invitation | None  # their newest
    mail: AgentMail | None  # the one carrying its link


def _rows(people: list[Agent]) -> list[Row]:
    """Each person with their newest invitation and its mail (one query for all the mails)."""
    newest = {p.pk: next(iter(p.invitations.all()), None) for p in people}  # prefetched
    ids = [i.mail_id for i in newest.values() if i is not None and i.mail_id is not None]
    mails = AgentMail.objects.in_bulk(ids) if ids else {}
    return [
        Row(p, inv, mails.get(inv.mail_id) if inv and inv.mail_id else None)
        for p, inv in ((p, newest[p.pk]) for p in people)
    ]


@require_GET
@agent_required
@supervisor_required
def agents(request: HttpRequest, agent: Agent) -> HttpResponse:
    rows = _rows(list(_agents()))
    by_state = {state: [r for r in rows if r.person.state is state] for state in AgentState}
    return render(
        request,
        "workspace/agents.html",
        {
            "active": by_state[AgentState.ACTIVE],
            "invited": by_state[AgentState.INVITED],
            "deactivated": by_state[AgentState.DEACTIVATED],
            "invite_form": InviteForm(),
            "now": timezone.now(),
        },
    )


def _back(
    request: HttpRequest, action: Action, form: forms.Form | None, *, to: str
) -> HttpResponse:
    return post_action(request, action, form=form, back=to)


@require_POST
@agent_required
@supervisor_required
def agent_invite(request: HttpRequest, agent: Agent) -> HttpResponse:
    def run(data: dict[str, Any]) -> str:
        invitation = staff.invite_agent(
            email=data["email"],
            display_name=data["name"],
            by=agent,
            site=data["site"],
            teams=data["teams"],
            skills=_words(data["skills"]),
            capacity=data["capacity"],
            is_supervisor=data["is_supervisor"],
        )
        return (
            f"{invitation.agent.display_name} is invited: the mail with their link to choose a "
            f"password is queued to {invitation.agent.user.email}. The link works until "
            f"{timezone.localtime(invitation.expires_at):%a %d %b %H:%M}."
        )

    return _back(request, run, InviteForm(request.POST), to=reverse("agents"))


@require_GET
@agent_required
@supervisor_required
def agent_page(request: HttpRequest, agent: Agent, agent_id: int) -> HttpResponse:
    [row] = _rows([one(_agents(), agent_id, what="agent")])
    person = row.person
    form = EditForm(
        initial={
            "display_name": person.display_name,
            "phone": person.phone,
            "timezone": person.timezone,
            "hours": hours_as_text(person.working_hours or {}),
            "site": person.site_id,
            "teams": [t.pk for t in person.teams.all()],
            "skills": ", ".join(person.skills),
            "capacity": person.capacity,
            "chat_capacity": person.chat_capacity,
            "is_supervisor": person.is_supervisor,
        }
    )
    successors = Agent.objects.filter(user__is_active=True).exclude(pk=person.pk)
    return render(
        request,
        "workspace/agent.html",
        {
            "person": person,
            "invitation": row.invitation,
            "mail": row.mail,
            "form": form,
            "successors": successors.order_by("display_name"),
            "now": timezone.now(),
            "grid": week_grid(person.working_hours or {}),
        },
    )


def _on_agent(
    request: HttpRequest, person: Agent, action: Action, form: forms.Form | None = None
) -> HttpResponse:
    return _back(request, action, form, to=reverse("agent", args=[person.pk]))


@require_POST
@agent_required
@supervisor_required
def agent_edit(request: HttpRequest, agent: Agent, agent_id: int) -> HttpResponse:
    person = agent_by_id(agent_id)

    def run(data: dict[str, Any]) -> str:
        try:
            if request.POST.get("grid"):  # the weekly grid, as a site's hours
                hours = hours_from_grid(request.POST)
            else:
                hours = hours_from_text(data["hours"]) if data["hours"].strip() else {}
        except HoursError as exc:
            raise ActionError(f"Working hours: {exc}", field="hours") from exc
        staff.update_agent(
            agent=person,
            by=agent,
            display_name=data["display_name"],
            phone=data["phone"],
            timezone_name=data["timezone"].strip(),
            working_hours=hours,
            site=data["site"],
            teams=data["teams"],
            skills=_words(data["skills"]),
            capacity=data["capacity"],
            chat_capacity=data["chat_capacity"],
            is_supervisor=data["is_supervisor"],
        )
        return f"{person.display_name}: saved."

    return _on_agent(request, person, run, EditForm(request.POST))


@require_POST
@agent_required
@supervisor_required
def agent_deactivate(request: HttpRequest, agent: Agent, agent_id: int) -> HttpResponse:
    person = agent_by_id(agent_id)

    def run(data: dict[str, Any]) -> str:
        successor = named(agent_by_id, data["hand_over_to"], field="hand_over_to", what="agent")
        return deactivation_said(deactivate_agent(agent=person, by=agent, hand_over_to=successor))

    return _on_agent(request, person, run, DeactivateForm(request.POST))


@require_POST
@agent_required
@supervisor_required
def agent_reactivate(request: HttpRequest, agent: Agent, agent_id: int) -> HttpResponse:
    person = agent_by_id(agent_id)

    def run(data: dict[str, Any]) -> str:
        back = staff.reactivate_agent(agent=person, by=agent)
        if back.state is AgentState.ACTIVE:
            return f"{person.display_name} can sign in again and takes cases from now on."
        return (
            f"{person.display_name} never chose a password: a new invitation is queued to "
            f"{person.user.email}."
        )

    return _on_agent(request, person, run)


@require_POST
@agent_required
@supervisor_required
def agent_invitation(request: HttpRequest, agent: Agent, agent_id: int) -> HttpResponse:
    person = agent_by_id(agent_id)

    def run(data: dict[str, Any]) -> str:
        invitation = staff.send_new_invitation(agent=person, by=agent)
        return (
            f"A new link is queued to {person.user.email}; the earlier one no longer works. "
            f"It works until {timezone.localtime(invitation.expires_at):%a %d %b %H:%M}."
        )

    return _on_agent(request, person, run)


class WelcomeForm(Form):
    password = forms.CharField(max_length=128, strip=False, widget=forms.PasswordInput)
    again = forms.CharField(max_length=128, strip=False, widget=forms.PasswordInput)


@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    """An invited person chooses their password; the link works once and expires."""
    invitation = invitation_for_token(token)
    usable = invitation is not None and invitation.usable(timezone.now())
    error = ""
    if invitation is not None and usable and request.method == "POST":
        form = WelcomeForm(request.POST)
        if not form.is_valid():
            error = first_error(form)
        elif form.cleaned_data["password"] != form.cleaned_data["again"]:
            error = "The two passwords differ."
        else:
            try:
                person = staff.accept_invitation(
                    invitation=invitation, password=form.cleaned_data["password"]
                )
            except ActionError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    f"Your password is set. Welcome, {person.display_name}. Sign in as "
                    f"{person.user.get_username()} with your new password.",
                )
                return redirect("login")
    status = 200 if usable else 410
    context = {"invitation": invitation, "validlink": usable, "error": error}
    return render(request, "workspace/welcome.html", context, status=400 if error else status)
