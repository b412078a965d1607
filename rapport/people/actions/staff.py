"""The desk's people, run by supervisors: invite an agent (a one-time link to choose a password),
change what routing knows of them (skills, capacity, hours, site, teams, phone), reactivate one.
Deactivating hands their cases over, so it lives above the core: `rapport.routing.actions.staff`.

Every change is written to the sign-in audit (`SecurityEvent`, with the supervisor as actor),
which the supervisor's Sign-ins page lists. `by` None is the operator at the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Final

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from rapport.lib.errors import ActionError, Forbidden
from rapport.lib.hours import HoursError, hours_as_text, parse_weekly
from rapport.people.actions.agents import create_agent
from rapport.people.actions.security import record_security_event
from rapport.people.invitations import invitation_mail
from rapport.people.mailer import mail_agent
from rapport.people.models import Agent, AgentState, Invitation, SecurityEventKind, Site, Team

MAX_CAPACITY = 500
MAX_SKILL = 50


class Keep(Enum):
    """An argument left as it is (a site may be set to none, so None cannot say "unchanged")."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


def require_supervisor(by: Agent | None, what: str) -> None:
    """The operator at the command line (`by` None) or a supervisor; anyone else is refused."""
    if by is not None and not by.is_supervisor:
        raise Forbidden(f"Only a supervisor can {what}.")


def clean_skills(skills: Iterable[str]) -> list[str]:
    """Lower case, trimmed, each once, in the order given."""
    cleaned: list[str] = []
    for raw in skills:
        skill = " ".join(str(raw).split()).lower()
        if not skill:
            continue
        if len(skill) > MAX_SKILL:
            raise ActionError(f"A skill is at most {MAX_SKILL} characters.", field="skills")
        if skill not in cleaned:
            cleaned.append(skill)
    return cleaned


def _check_hours(hours: Mapping[str, Any]) -> dict[str, list[list[str]]]:
    try:
        parse_weekly(hours)
    except (HoursError, TypeError, ValueError) as exc:
        raise ActionError(f"Working hours: {exc}", field="working_hours") from exc
    return {day: [list(shift) for shift in shifts] for day, shifts in hours.items()}


def _check_capacity(capacity: int) -> int:
    if not 0 <= capacity <= MAX_CAPACITY:
        raise ActionError(
            f"Capacity is the number of open cases they hold at once: 0 to {MAX_CAPACITY}.",
            field="capacity",
        )
    return capacity


MAX_CHAT_CAPACITY = 50


def _check_chat_capacity(capacity: int) -> int:
    if not 0 <= capacity <= MAX_CHAT_CAPACITY:
        raise ActionError(
            f"Chat capacity is the number of live chats they hold at once: 0 to "
            f"{MAX_CHAT_CAPACITY} (0: no new chats).",
            field="chat_capacity",
        )
    return capacity


@transaction.atomic
def invite_agent(
    *,
    email: str,
    display_name: str,
    by: Agent | None,
    username: str = "",
    site: Site | None = None,
    timezone_name: str = "",
    teams: Iterable[Team] = (),
    is_supervisor: bool = False,
    skills: Iterable[str] = (),
    capacity: int = 20,
    phone: str = "",
    working_hours: Mapping[str, Any] | None = None,
    signature: str = "",
    now: datetime | None = None,
) -> Invitation:
    """A new agent who cannot sign in (nor be given cases) until they choose a password with
    the link queued to `email`; it works once, for RAPPORT_INVITATION_DAYS days."""
    require_supervisor(by, "invite an agent")
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ActionError(f"{email!r} is not an email address.", field="email") from exc
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ActionError(f"There is already an agent with the address {email}.", field="email")
    display_name = " ".join(display_name.split())
    if not display_name:
        raise ActionError("Give the name customers will see, e.g. 'Dr. Ana Ortiz'.", field="name")
    try:
        agent = create_agent(
            username=username.strip() or email,
            display_name=display_name,
            password=None,
            email=email,
            site=site,
            timezone_name=timezone_name or (site.timezone if site is not None else "UTC"),
            is_supervisor=is_supervisor,
            skills=clean_skills(skills),
            working_hours=_check_hours(working_hours or {}),
            capacity=_check_capacity(capacity),
            phone=_clean_phone(phone),
            signature=signature,
        )
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages), field="timezone") from exc
    user = agent.user
    user.is_active = False  # until they choose a password: out of routing and the pickers
    user.save(update_fields=["is_active"])
    agent.teams.add(*teams)
    invitation = _invite(agent, by=by, now=now or timezone.now())
    record_security_event(
        kind=SecurityEventKind.AGENT_INVITED,
        user=user,
        actor=by,
        detail=f"{display_name} <{email}>, link until {invitation.expires_at:%Y-%m-%d %H:%M} UTC",
    )
    return invitation


def _invite(agent: Agent, *, by: Agent | None, now: datetime) -> Invitation:
    """A new link for `agent`, ending any earlier one, queued in the outbox of mail to agents
    (sent by the worker on commit, retried like any mail to an agent)."""
    Invitation.objects.filter(agent=agent, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    invitation = Invitation.objects.create(
        agent=agent,
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(days=settings.RAPPORT_INVITATION_DAYS),
    )
    subject, text = invitation_mail(invitation)
    invitation.mail_id = mail_agent(agent=agent, subject=subject, text=text, now=now)
    if invitation.mail_id is None:
        raise ActionError(f"{agent.display_name} has no email address to send a link to.")
    invitation.save(update_fields=["mail_id"])
    return invitation


@transaction.atomic
def send_new_invitation(
    *, agent: Agent, by: Agent | None, now: datetime | None = None
) -> Invitation:
    """Mail an invited agent a fresh link (the earlier one stops working)."""
    require_supervisor(by, "invite an agent")
    state = agent.state
    if state is AgentState.ACTIVE:
        raise ActionError(
            f"{agent.display_name} has chosen a password already; a forgotten one is reset "
            "from the sign-in page."
        )
    if state is AgentState.DEACTIVATED:
        raise ActionError(f"{agent.display_name} is deactivated: reactivate them first.")
    invitation = _invite(agent, by=by, now=now or timezone.now())
    record_security_event(
        kind=SecurityEventKind.AGENT_INVITED,
        user=agent.user,
        actor=by,
        detail=f"a new link, until {invitation.expires_at:%Y-%m-%d %H:%M} UTC",
    )
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, password: str) -> Agent:
    """The invited person chose their password: they can sign in and take cases from now on.
    The link works once; a used, replaced, revoked or expired one is refused."""
    agent = invitation.agent
    user = agent.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages), field="password") from exc
    now = timezone.now()
    taken = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not taken or agent.deactivated_at is not None:
        raise ActionError(
            "This link no longer works: it was used, replaced by a newer one or is too old. "
            "Ask your supervisor for a new invitation."
        )
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    record_security_event(kind=SecurityEventKind.INVITATION_ACCEPTED, user=user)
    return agent


LABELS = {
    "display_name": "name",
    "skills": "skills",
    "capacity": "capacity",
    "chat_capacity": "chat capacity",
    "phone": "phone",
    "working_hours": "hours",
    "timezone": "time zone",
    "site": "site",
    "is_supervisor": "role",
}


def _shown(field: str, value: Any) -> str:
    """A value as the audit row writes it."""
    if field == "skills":
        return ", ".join(value) or "none"
    if field == "working_hours":
        return hours_as_text(value or {}) or "any time"
    if field == "is_supervisor":
        return "supervisor" if value else "agent"
    return str(value) if value not in (None, "") else "none"


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ActionError("An agent needs the name customers see.", field="display_name")
    return name


def _clean_phone(phone: str) -> str:
    if len(phone.strip()) > 32:
        raise ActionError("A phone number or extension is at most 32 characters.", field="phone")
    return phone.strip()


def _as_is(value: Any) -> Any:
    return value


CLEAN: dict[str, Callable[[Any], Any]] = {
    "display_name": _clean_name,
    "skills": clean_skills,
    "capacity": _check_capacity,
    "chat_capacity": _check_chat_capacity,
    "phone": _clean_phone,
    "working_hours": _check_hours,
}


@transaction.atomic
def update_agent(
    *,
    agent: Agent,
    by: Agent | None,
    display_name: str | None = None,
    skills: Sequence[str] | None = None,
    capacity: int | None = None,
    chat_capacity: int | None = None,
    phone: str | None = None,
    working_hours: Mapping[str, Any] | None = None,
    timezone_name: str | None = None,
    site: Site | Keep | None = KEEP,
    teams: Iterable[Team] | None = None,
    is_supervisor: bool | None = None,
) -> Agent:
    """Change what the desk knows of an agent; None (KEEP for the site) leaves a thing as it is.
    Routing sees the change at once (its remembered agents are forgotten on save)."""
    require_supervisor(by, "change an agent")
    agent = (
        Agent.objects.select_for_update(of=("self",))
        .select_related("user", "site")
        .get(pk=agent.pk)
    )
    given: dict[str, Any] = {
        "display_name": display_name,
        "skills": skills,
        "capacity": capacity,
        "chat_capacity": chat_capacity,
        "phone": phone,
        "working_hours": working_hours,
        "timezone": timezone_name,
        "is_supervisor": is_supervisor,
    }
    wanted = {f: CLEAN.get(f, _as_is)(v) for f, v in given.items() if v is not None}
    if not isinstance(site, Keep):
        wanted["site"] = site
    if agent.is_supervisor and is_supervisor is False:
        check_not_last_supervisor(agent, by, doing="take the supervisor role from")
    changed = {
        f: f"{LABELS[f]}: {_shown(f, getattr(agent, f))} → {_shown(f, v)}"
        for f, v in wanted.items()
        if getattr(agent, f) != v
    }
    for f in changed:
        setattr(agent, f, wanted[f])
    try:
        agent.full_clean(exclude=["user", "site"])
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages), field="timezone") from exc
    if changed:
        agent.save(update_fields=list(changed))
    if teams is not None:
        changed.update(_set_teams(agent, teams))
    if changed:
        record_security_event(
            kind=SecurityEventKind.AGENT_CHANGED,
            user=agent.user,
            actor=by,
            detail="; ".join(changed.values()),
        )
    return agent


def _set_teams(agent: Agent, teams: Iterable[Team]) -> dict[str, str]:
    wanted = {team.pk: team for team in teams}
    before = {team.pk: team for team in agent.teams.all()}
    if set(wanted) == set(before):
        return {}
    agent.teams.set(list(wanted.values()))
    names = ", ".join(sorted(t.name for t in wanted.values())) or "none"
    was = ", ".join(sorted(t.name for t in before.values())) or "none"
    return {"teams": f"teams: {was} → {names}"}


def check_not_last_supervisor(agent: Agent, by: Agent | None, *, doing: str) -> None:
    """Someone must be left to run the desk, and nobody locks themself out of it."""
    if by is not None and by.pk == agent.pk:
        raise ActionError(f"You cannot {doing} yourself: ask another supervisor.")
    others = Agent.objects.filter(is_supervisor=True, user__is_active=True).exclude(pk=agent.pk)
    if agent.is_supervisor and not others.exists():
        raise ActionError(
            f"{agent.display_name} is the only active supervisor: make someone else one first."
        )


@transaction.atomic
def reactivate_agent(*, agent: Agent, by: Agent | None, now: datetime | None = None) -> Agent:
    """A deactivated agent works here again: they sign in with their old password and routing
    gives them cases. One who never chose a password is sent a new invitation instead."""
    require_supervisor(by, "reactivate an agent")
    agent = Agent.objects.select_for_update().select_related("user").get(pk=agent.pk)
    if agent.state is not AgentState.DEACTIVATED:
        raise ActionError(f"{agent.display_name} is not deactivated.")
    user = agent.user
    agent.deactivated_at = None
    agent.save(update_fields=["deactivated_at"])
    if user.has_usable_password():
        user.is_active = True
        user.save(update_fields=["is_active"])
        detail = "can sign in again"
    else:
        _invite(agent, by=by, now=now or timezone.now())
        detail = "never chose a password: a new invitation is on its way"
    record_security_event(
        kind=SecurityEventKind.AGENT_REACTIVATED, user=user, actor=by, detail=detail
    )
    return agent
