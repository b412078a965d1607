"""Who works where: agents, teams, sites and the businesses (brands) the desk serves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from rapport.lib.errors import ActionError, Forbidden
from rapport.people.actions.identities import normalise_identity
from rapport.people.models import Agent, Brand, Site, Team


@transaction.atomic
def create_agent(
    *,
    username: str,
    display_name: str,
    password: str | None,
    email: str = "",
    site: Site | None = None,
    timezone_name: str = "UTC",
    is_supervisor: bool = False,
    signature: str = "",
    skills: Iterable[str] = (),
    working_hours: Mapping[str, Any] | None = None,
    capacity: int = 20,
) -> Agent:
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ActionError(f"There is already a user called {username!r}.", field="username")
    user = user_model.objects.create_user(username=username, email=email, password=password)
    agent = Agent(
        user=user,
        display_name=display_name,
        site=site,
        timezone=timezone_name,
        is_supervisor=is_supervisor,
        signature=signature,
        skills=list(skills),
        working_hours=dict(working_hours or {}),
        capacity=capacity,
    )
    agent.full_clean(exclude=["user", "site"])
    agent.save()
    return agent


@transaction.atomic
def create_site(*, name: str, timezone_name: str, country: str = "", region: str = "") -> Site:
    """A place agents work from; its time zone decides working hours and holidays."""
    if not name.strip():
        raise ActionError("A site needs a name.", field="name")
    if Site.objects.filter(name=name.strip()).exists():
        raise ActionError(f"There is already a site called {name.strip()!r}.", field="name")
    site = Site(name=name.strip(), timezone=timezone_name, country=country.upper(), region=region)
    try:
        site.full_clean()
    except Exception as exc:
        raise ActionError(str(exc), field="timezone") from exc
    site.save()
    return site


@transaction.atomic
def create_team(
    *, name: str, slug: str, members: Iterable[Agent] = (), brand: Brand | None = None
) -> Team:
    """A team of agents (of one business, when the desk serves several); cases of the team
    are visible to its members."""
    if Team.objects.filter(name=name.strip()).exists() or Team.objects.filter(slug=slug).exists():
        raise ActionError(f"There is already a team called {name.strip()!r}.", field="name")
    team = Team.objects.create(name=name.strip(), slug=slug, brand=brand)
    team.members.add(*members)
    return team


@transaction.atomic
def create_brand(
    *,
    name: str,
    slug: str,
    by: Agent | None,
    phone: str = "",
    email_addresses: Iterable[str] = (),
) -> Brand:
    """A business the desk serves, with its phone number and the addresses mail comes to
    (`by` None: the operator at the command line)."""
    if by is not None and not by.is_supervisor:
        raise Forbidden("Only a supervisor can add a business to the desk.")
    if not slug or slugify(slug) != slug:
        raise ActionError(
            f"{slug!r} is not a slug: use lower-case letters, digits and '-'.", field="slug"
        )
    name = " ".join(name.split())
    if not name:
        raise ActionError("Give the business a name.", field="name")
    if Brand.objects.filter(name=name).exists() or Brand.objects.filter(slug=slug).exists():
        raise ActionError(f"There is already a business called {name!r}.", field="name")
    addresses = sorted({normalise_identity("email", a) for a in email_addresses if a.strip()})
    taken = [b.name for b in Brand.objects.all() if set(b.email_addresses) & set(addresses)]
    if taken:
        raise ActionError(
            f"Mail to those addresses already goes to {taken[0]}.", field="email_addresses"
        )
    return Brand.objects.create(
        name=name, slug=slug, phone=phone.strip(), email_addresses=addresses
    )


@transaction.atomic
def add_to_team(*, team: Team, agent: Agent) -> Team:
    """The agent sees and takes the team's cases from now on."""
    team.members.add(agent)
    return team
