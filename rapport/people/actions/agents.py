"""Who works where: agents, teams, sites and the businesses (brands) the desk serves."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.text import slugify

from rapport.lib.errors import ActionError, Forbidden
from rapport.lib.hours import HoursError, check_holiday_calendar
from rapport.lib.wallclock import zone_named
from rapport.people.actions.audit import changes, record_desk_change
from rapport.people.actions.identities import normalise_identity
from rapport.people.models import Agent, Brand, Site, Team

M = TypeVar("M", bound=Model)


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
    phone: str = "",
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
        phone=phone.strip(),
    )
    agent.full_clean(exclude=["user", "site"])
    agent.save()
    return agent


def _supervisor_only(by: Agent | None, what: str) -> None:
    """`by` None is the operator at the command line; an agent must be a supervisor."""
    if by is not None and not by.is_supervisor:
        raise Forbidden(f"Only a supervisor can {what}.")


def _others(rows: QuerySet[M], editing: M | None) -> QuerySet[M]:
    """The rows a new or changed one must not clash with: all but the one being edited."""
    return rows if editing is None else rows.exclude(pk=editing.pk)


def _checked_slug(slug: str) -> str:
    if not slug or slugify(slug) != slug:
        raise ActionError(
            f"{slug!r} is not a slug: use lower-case letters, digits and '-'.", field="slug"
        )
    return slug


def _checked_name(name: str, what: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ActionError(f"Give the {what} a name.", field="name")
    return name


def _site_fields(
    *, name: str, timezone_name: str, country: str, region: str, site: Site | None
) -> dict[str, str]:
    """A site's name, zone and holiday calendar, checked; `site` is the one being edited."""
    name = _checked_name(name, "site")
    if _others(Site.objects.all(), site).filter(name=name).exists():
        raise ActionError(f"There is already a site called {name!r}.", field="name")
    timezone_name = timezone_name.strip()
    zone_named(timezone_name)
    country, region = country.strip().upper(), region.strip().upper()
    try:
        check_holiday_calendar(country, region)
    except HoursError as exc:
        raise ActionError(str(exc), field="region" if region else "country") from exc
    return {"name": name, "timezone": timezone_name, "country": country, "region": region}


@transaction.atomic
def create_site(
    *,
    name: str,
    timezone_name: str,
    country: str = "",
    region: str = "",
    brand: Brand | None = None,
    by: Agent | None = None,
) -> Site:
    """A place agents work from; its time zone decides working hours, its country and region
    the public holidays (`by` None: the operator at the command line)."""
    _supervisor_only(by, "add a site")
    fields = _site_fields(
        name=name, timezone_name=timezone_name, country=country, region=region, site=None
    )
    site = Site.objects.create(brand=brand, **fields)
    record_desk_change(by=by, what=f"Site {site.name} added ({site.timezone})")
    return site


@transaction.atomic
def update_site(
    site: Site,
    *,
    name: str,
    timezone_name: str,
    country: str,
    region: str,
    brand: Brand | None,
    by: Agent | None,
) -> Site:
    """A site's name, zone, holiday calendar and business; its hours and closed days are set
    by `rapport.routing.actions.desk`."""
    _supervisor_only(by, "change a site")
    fields = _site_fields(
        name=name, timezone_name=timezone_name, country=country, region=region, site=site
    )
    before = {attr: getattr(site, attr) for attr in [*fields, "brand"]}
    for attr, value in fields.items():
        setattr(site, attr, value)
    site.brand = brand
    site.save(update_fields=[*fields, "brand"])
    record_desk_change(
        by=by, what=f"Site {site.name}: {changes(before, fields | {'brand': brand})}"
    )
    return site


def _team_name(name: str, slug: str, team: Team | None) -> str:
    name = _checked_name(name, "team")
    others = _others(Team.objects.all(), team)
    if others.filter(name=name).exists():
        raise ActionError(f"There is already a team called {name!r}.", field="name")
    if others.filter(slug=slug).exists():
        raise ActionError(f"There is already a team with the short name {slug!r}.", field="slug")
    return name


@transaction.atomic
def create_team(
    *,
    name: str,
    slug: str,
    members: Iterable[Agent] = (),
    brand: Brand | None = None,
    by: Agent | None = None,
) -> Team:
    """A team of agents (of one business, when the desk serves several); cases of the team
    are visible to its members."""
    _supervisor_only(by, "add a team")
    slug = _checked_slug(slug)
    team = Team.objects.create(name=_team_name(name, slug, None), slug=slug, brand=brand)
    members = list(members)
    team.members.add(*members)
    people = ", ".join(_names(members)) or "nobody"
    record_desk_change(by=by, what=f"Team {team.name} added, members: {people}")
    return team


@transaction.atomic
def update_team(
    team: Team,
    *,
    name: str,
    brand: Brand | None,
    members: Iterable[Agent],
    by: Agent | None,
) -> Team:
    """The team's name, business and exactly these members: a member removed no longer sees
    the team's cases (their own stay theirs); routing counts the change at once."""
    _supervisor_only(by, "change a team")
    members = list(members)
    before = {"name": team.name, "brand": team.brand, "members": _names(team.members.all())}
    team.name = _team_name(name, team.slug, team)
    team.brand = brand
    team.save(update_fields=["name", "brand"])
    team.members.set(members)
    after = {"name": team.name, "brand": brand, "members": _names(members)}
    record_desk_change(by=by, what=f"Team {team.slug}: {changes(before, after)}")
    return team


def _names(agents: Iterable[Agent]) -> list[str]:
    return sorted(agent.display_name for agent in agents)


_COLOUR = re.compile(r"#[0-9a-f]{6}")


def _brand_fields(
    *,
    name: str,
    slug: str,
    phone: str,
    email_addresses: Iterable[str],
    colour: str,
    chat_origins: Iterable[str],
    brand: Brand | None,
    accent_colour: str = "",
    chat_answer_minutes: int | None = None,
) -> dict[str, Any]:
    """A business's fields, checked; `brand` is the one being edited (a field given as None
    is left as it is)."""
    slug = _checked_slug(slug)
    name = _checked_name(name, "business")
    others = _others(Brand.objects.all(), brand)
    if others.filter(name=name).exists():
        raise ActionError(f"There is already a business called {name!r}.", field="name")
    if others.filter(slug=slug).exists():
        raise ActionError(
            f"There is already a business with the short name {slug!r}.", field="slug"
        )
    addresses = sorted({_brand_address(a) for a in email_addresses if a.strip()})
    taken = [b.name for b in others if set(b.email_addresses) & set(addresses)]
    if taken:
        raise ActionError(
            f"Mail to those addresses already goes to {taken[0]}.", field="email_addresses"
        )
    return {
        "name": name,
        "slug": slug,
        "phone": phone.strip(),
        "email_addresses": addresses,
        "colour": _readable_colour(colour, field="colour"),
        "accent_colour": _readable_colour(accent_colour, field="accent_colour"),
        "chat_origins": sorted({_chat_origin(o) for o in chat_origins if o.strip()}),
    } | (
        {"chat_answer_minutes": _answer_minutes(chat_answer_minutes)}
        if chat_answer_minutes is not None
        else {}
    )


# The longest a chat may wait for a person before it is told nobody can answer (4 hours): a
# longer wait in a chat is no chat, and a figure past it is a typing slip.
MOST_ANSWER_MINUTES = 240


def _answer_minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or not 1 <= minutes <= MOST_ANSWER_MINUTES:
        raise ActionError(
            f"{minutes} is not a wait we can promise: give the minutes a chat may wait for a "
            f"person, from 1 to {MOST_ANSWER_MINUTES}, before it is told nobody can answer and "
            "offered a call back or email.",
            field="chat_answer_minutes",
        )
    return minutes


# WCAG 2's contrast for normal text (AA): the business's colours carry white text (buttons, the
# chat's header) or are text on white (links), so a lighter colour would be unreadable to some.
MIN_CONTRAST = 4.5


def _readable_colour(colour: str, *, field: str) -> str:
    colour = colour.strip().lower()
    if not colour:
        return ""
    if not _COLOUR.fullmatch(colour):
        raise ActionError(f"{colour!r} is not a colour like #1f6feb.", field=field)
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        raise ActionError(
            f"{colour} is too light to carry white text or be text on white: its contrast is "
            f"{ratio:.1f}:1 and at least {MIN_CONTRAST}:1 is needed for everyone to read it. "
            "Choose a darker shade.",
            field=field,
        )
    return colour


def contrast_with_white(colour: str) -> float:
    """WCAG 2's contrast ratio of #rrggbb with white (1 to 21)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


_ORIGIN = re.compile(r"https?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?")


def _chat_origin(origin: str) -> str:
    """A site the chat widget may be embedded on, as a browser sends it in `Origin`: scheme, host
    and port, lower-case; no path, no wildcard (a wildcard would let any page open a chat)."""
    cleaned = origin.strip().lower().removesuffix("/")
    if not _ORIGIN.fullmatch(cleaned):
        raise ActionError(
            f"{origin.strip()[:100]!r} is not a site like https://www.example.com "
            "(scheme and host, an optional port, no path, no wildcard).",
            field="chat_origins",
        )
    return cleaned


def _brand_address(address: str) -> str:
    try:
        return normalise_identity("email", address)
    except ActionError as exc:
        raise ActionError(
            f"{address.strip()!r} is not an email address.", field="email_addresses"
        ) from exc


@transaction.atomic
def create_brand(
    *,
    name: str,
    slug: str,
    by: Agent | None,
    phone: str = "",
    email_addresses: Iterable[str] = (),
    colour: str = "",
    chat_origins: Iterable[str] = (),
    accent_colour: str = "",
    chat_answer_minutes: int | None = None,
) -> Brand:
    """A business the desk serves, with its phone number, the addresses mail comes to, the
    sites its chat widget may be embedded on and how long a chat may wait for a person
    (`chat_answer_minutes`, default 5; `by` None: the operator at the command line)."""
    _supervisor_only(by, "add a business to the desk")
    fields = _brand_fields(
        name=name,
        slug=slug,
        phone=phone,
        email_addresses=email_addresses,
        colour=colour,
        chat_origins=chat_origins,
        brand=None,
        accent_colour=accent_colour,
        chat_answer_minutes=chat_answer_minutes,
    )
    brand = Brand.objects.create(**fields)
    record_desk_change(by=by, what=f"Business {brand.name} added (/contact/{brand.slug}/)")
    return brand


@transaction.atomic
def update_brand(
    brand: Brand,
    *,
    name: str,
    slug: str,
    phone: str,
    email_addresses: Iterable[str],
    colour: str,
    chat_origins: Iterable[str],
    accent_colour: str,
    by: Agent | None,
    chat_answer_minutes: int | None = None,
) -> Brand:
    """A business's name, short name (its contact page moves to /contact/SLUG/), phone,
    colours, the addresses its mail comes to, the sites its chat widget may be embedded on and
    how long a chat may wait for a person (None: unchanged). Its cases stay its own."""
    _supervisor_only(by, "change a business")
    fields = _brand_fields(
        name=name,
        slug=slug,
        phone=phone,
        email_addresses=email_addresses,
        colour=colour,
        chat_origins=chat_origins,
        brand=brand,
        accent_colour=accent_colour,
        chat_answer_minutes=chat_answer_minutes,
    )
    before = {attr: getattr(brand, attr) for attr in fields}
    for attr, value in fields.items():
        setattr(brand, attr, value)
    brand.save(update_fields=list(fields))
    record_desk_change(by=by, what=f"Business {brand.name}: {changes(before, fields)}")
    return brand


@transaction.atomic
def add_to_team(*, team: Team, agent: Agent) -> Team:
    """The agent sees and takes the team's cases from now on."""
    team.members.add(agent)
    return team
