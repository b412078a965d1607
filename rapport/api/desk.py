"""/desk: who the desk is and what routing and deadlines count with — the businesses, sites
(opening hours, closures) and teams, and the service-level policies. Everyone may read them;
only a supervisor may change them (checked in the actions, rapport/people/actions/agents.py and
rapport/routing/actions/desk.py), as `rapport create-brand`, `create-site`, `create-team`,
`site-hours`, `site-closure` and `sla-policy` do at the command line. /desk/deferred lists, for
supervisors, the items the scheduler's sweeps put off after failing (as `rapport sweep --json`
does under "put_off")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Path, Router, Schema
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.schemas.base import Id, Input
from rapport.cases.models import Priority
from rapport.jobs.items import put_off_report
from rapport.lib.access import named, one
from rapport.lib.errors import ActionError
from rapport.lib.hours import HoursError, hours_as_text, hours_from_text
from rapport.lib.storable import MAX_INT
from rapport.people.access import agents_by_ids, brand_by_id, site_by_id, team_by_id
from rapport.people.actions.agents import (
    create_brand,
    create_site,
    create_team,
    update_brand,
    update_site,
    update_team,
)
from rapport.people.models import Brand, Channel, Site, Team
from rapport.routing.actions import desk as actions
from rapport.routing.models import SlaPolicy

router = Router(tags=["desk"])


class ClosureOut(Schema):
    day: date
    reason: str


class SiteOut(Schema):
    id: int
    name: str
    timezone: str
    country: str
    region: str
    hours: str = Field(description='e.g. "mon 08:00-20:00; sat 09:00-13:00"; "" = always open')
    working_hours: dict[str, list[list[str]]]
    closures: list[ClosureOut]
    brand_id: int | None = Field(description="The business it serves; null: every business.")

    @classmethod
    def of(cls, site: Site) -> SiteOut:
        hours = site.working_hours or {}
        return cls(
            id=site.pk,
            brand_id=site.brand_id,
            name=site.name,
            timezone=site.timezone,
            country=site.country,
            region=site.region,
            hours=hours_as_text(hours),
            working_hours=hours,
            closures=[ClosureOut(day=c.day, reason=c.reason) for c in site.closures.all()],
        )


class HoursIn(Input):
    hours: str = Field(
        max_length=500,
        description='Days or day ranges with shifts: "mon-fri 08:00-20:00; sat 09:00-13:00". '
        'A shift may run overnight ("fri 20:00-08:00"). "" means always open.',
    )


class ClosureIn(Input):
    day: date
    reason: str = Field("", max_length=200)


class PolicyIn(Input):
    priority: Priority
    channel: Channel | None = Field(None, description="Only this channel; none for any.")
    first_response_minutes: int = Field(ge=1, le=525_600)
    next_response_minutes: int = Field(ge=1, le=525_600)
    resolution_minutes: int = Field(ge=1, le=525_600)
    business_hours: bool = Field(True, description="Count only the serving site's hours.")


class PolicyOut(Schema):
    priority: str
    channel: str | None
    first_response_minutes: int
    next_response_minutes: int
    resolution_minutes: int
    business_hours: bool

    @classmethod
    def of(cls, policy: SlaPolicy) -> PolicyOut:
        return cls(
            priority=policy.priority,
            channel=policy.channel or None,
            first_response_minutes=policy.first_response_minutes,
            next_response_minutes=policy.next_response_minutes,
            resolution_minutes=policy.resolution_minutes,
            business_hours=policy.business_hours,
        )


class SitePage(Schema):
    items: list[SiteOut]
    next: str | None = Field(description="Always null: every site is on the one page.")


class PolicyPage(Schema):
    items: list[PolicyOut]
    next: str | None = Field(description="Always null: every policy is on the one page.")


class ClosureDay(Input):
    site_id: int = Field(ge=1, le=MAX_INT)
    day: date


@router.get("/sites", response={200: SitePage, **READ_ERRORS}, summary="Sites and hours")
def list_sites(request: HttpRequest) -> SitePage:
    sites = Site.objects.prefetch_related("closures").order_by("name")
    return SitePage(items=[SiteOut.of(site) for site in sites], next=None)


class SiteIn(Input):
    name: str = Field(max_length=100)
    timezone: str = Field(max_length=64, description="IANA name, e.g. Europe/Madrid.")
    country: str = Field("", max_length=2, description="ISO code whose public holidays it keeps.")
    region: str = Field("", max_length=10, description="A subdivision's holidays too, e.g. MD.")
    brand_id: int | None = Field(None, ge=1, le=MAX_INT, description="null: every business.")


def _site_fields(payload: SiteIn) -> dict[str, Any]:
    return {
        "name": payload.name,
        "timezone_name": payload.timezone,
        "country": payload.country,
        "region": payload.region,
        "brand": named(brand_by_id, payload.brand_id, field="brand_id", what="business"),
    }


@router.post("/sites", response={201: SiteOut, **WRITE_ERRORS}, summary="Add a site")
def add_site(request: HttpRequest, payload: SiteIn) -> HttpStatus[SiteOut]:
    """Supervisors only, as `rapport create-site`; its hours come next (PUT .../hours)."""
    site = create_site(**_site_fields(payload), by=agent_of(request))
    return HttpStatus(201, SiteOut.of(site_by_id(site.pk)))


@router.put("/sites/{site_id}", response={200: SiteOut, **WRITE_ERRORS}, summary="Change a site")
def change_site(request: HttpRequest, site_id: Id, payload: SiteIn) -> SiteOut:
    """Its name, zone, holidays and business (supervisors only); hours and closed days have
    their own operations."""
    update_site(site_by_id(site_id), **_site_fields(payload), by=agent_of(request))
    return SiteOut.of(site_by_id(site_id))


@router.put(
    "/sites/{site_id}/hours", response={200: SiteOut, **WRITE_ERRORS}, summary="Set opening hours"
)
def set_hours(request: HttpRequest, site_id: Id, payload: HoursIn) -> SiteOut:
    site = site_by_id(site_id)
    try:
        hours = hours_from_text(payload.hours) if payload.hours.strip() else {}
    except HoursError as exc:
        raise ActionError(str(exc), field="hours") from exc
    actions.set_site_hours(site=site, working_hours=hours, by=agent_of(request))
    return SiteOut.of(site_by_id(site_id))


@router.post(
    "/sites/{site_id}/closures",
    response={201: SiteOut, **WRITE_ERRORS},
    summary="Close a site on a day",
)
def add_closure(request: HttpRequest, site_id: Id, payload: ClosureIn) -> HttpStatus[SiteOut]:
    site = site_by_id(site_id)
    actions.add_closure(site=site, day=payload.day, reason=payload.reason, by=agent_of(request))
    return HttpStatus(201, SiteOut.of(site_by_id(site_id)))


@router.delete(
    "/sites/{site_id}/closures/{day}",
    response={204: None, **WRITE_ERRORS},
    summary="Open on that day after all",
)
def remove_closure(request: HttpRequest, closure: Path[ClosureDay]) -> HttpResponse:
    site = site_by_id(closure.site_id)
    if not actions.remove_closure(site=site, day=closure.day, by=agent_of(request)):
        raise Http404("The site was not closed on that day")
    return HttpResponse(status=204)


@router.get("/sla-policies", response={200: PolicyPage, **READ_ERRORS}, summary="SLA policies")
def list_policies(request: HttpRequest) -> PolicyPage:
    """Policies set on this desk; a priority without one uses the built-in targets."""
    policies = SlaPolicy.objects.order_by("priority", "channel")
    return PolicyPage(items=[PolicyOut.of(p) for p in policies], next=None)


@router.put("/sla-policies", response={200: PolicyOut, **WRITE_ERRORS}, summary="Set a policy")
def set_policy(request: HttpRequest, payload: PolicyIn) -> PolicyOut:
    """Creates or replaces the policy for this priority (and channel)."""
    policy = actions.set_sla_policy(
        priority=payload.priority,
        channel=payload.channel or "",
        first_response=timedelta(minutes=payload.first_response_minutes),
        next_response=timedelta(minutes=payload.next_response_minutes),
        resolution=timedelta(minutes=payload.resolution_minutes),
        business_hours=payload.business_hours,
        by=agent_of(request),
    )
    return PolicyOut.of(policy)


@router.delete(
    "/sla-policies/{priority}",
    response={204: None, **WRITE_ERRORS},
    summary="Back to the built-in target",
)
def remove_policy(
    request: HttpRequest, priority: Priority, channel: Channel | None = None
) -> HttpResponse:
    removed = actions.remove_sla_policy(
        priority=priority, channel=channel or "", by=agent_of(request)
    )
    if not removed:
        raise Http404("There is no such policy")
    return HttpResponse(status=204)


class BrandOut(Schema):
    id: int
    name: str
    slug: str
    phone: str
    email_addresses: list[str]
    colour: str = Field(description='"#rrggbb", or "" for none.')
    accent_colour: str = Field(description='"#rrggbb" for links on its pages, or "" for none.')
    logo: str | None = Field(
        description="Its logo (a PNG) as its contact page shows it; null: none."
    )
    contact_page: str = Field(description="The business's own contact page.")
    chat_origins: list[str] = Field(description="Sites its chat widget may be embedded on.")
    chat_answer_minutes: int = Field(
        description="A chat no person has answered within these minutes (or whose expected "
        "wait is longer) is told so and offered a call back or email."
    )

    @classmethod
    def of(cls, brand: Brand) -> BrandOut:
        return cls(
            id=brand.pk,
            name=brand.name,
            slug=brand.slug,
            phone=brand.phone,
            colour=brand.colour,
            accent_colour=brand.accent_colour,
            logo=f"/contact/{brand.slug}/logo.png" if brand.logo else None,
            email_addresses=[str(a) for a in brand.email_addresses],
            contact_page=f"/contact/{brand.slug}/",
            chat_origins=[str(o) for o in brand.chat_origins],
            chat_answer_minutes=brand.chat_answer_minutes,
        )


class BrandPage(Schema):
    items: list[BrandOut]
    next: str | None = Field(description="Always null: every business is on the one page.")


class BrandIn(Input):
    name: str = Field(max_length=100)
    slug: str = Field(max_length=100, description="Lower-case letters, digits and '-'.")
    phone: str = Field("", max_length=40)
    email_addresses: list[Annotated[str, Field(max_length=320)]] = Field(
        default_factory=list, max_length=50
    )
    colour: str = Field(
        "",
        max_length=7,
        description='"#rrggbb" for its pages (at least 4.5:1 against white); "" for none.',
    )
    accent_colour: str = Field(
        "",
        max_length=7,
        description='"#rrggbb" for links on its pages (at least 4.5:1 against white); "" for none.',
    )
    chat_origins: list[Annotated[str, Field(max_length=300)]] = Field(
        default_factory=list,
        max_length=20,
        description='Sites its chat widget may be embedded on, as "https://host[:port]": '
        "no path, no wildcard.",
    )
    chat_answer_minutes: int | None = Field(
        None,
        description="Minutes (1 to 240) a chat may wait for a person before it is told nobody "
        "can answer and offered a call back or email; null or left out: 5 for a new business, "
        "unchanged for an existing one.",
    )


@router.get("/brands", response={200: BrandPage, **READ_ERRORS}, summary="Businesses")
def list_brands(request: HttpRequest) -> BrandPage:
    """The businesses the desk serves; a case never leaves its business."""
    agent_of(request)
    return BrandPage(items=[BrandOut.of(b) for b in Brand.objects.order_by("name")], next=None)


@router.post("/brands", response={201: BrandOut, **WRITE_ERRORS}, summary="Add a business")
def add_brand(request: HttpRequest, payload: BrandIn) -> HttpStatus[BrandOut]:
    """Supervisors only, as `rapport create-brand`; its teams come next (POST /desk/teams)."""
    brand = create_brand(
        name=payload.name,
        slug=payload.slug,
        by=agent_of(request),
        phone=payload.phone,
        email_addresses=payload.email_addresses,
        colour=payload.colour,
        chat_origins=payload.chat_origins,
        accent_colour=payload.accent_colour,
        chat_answer_minutes=payload.chat_answer_minutes,
    )
    return HttpStatus(201, BrandOut.of(brand))


@router.put(
    "/brands/{brand_id}", response={200: BrandOut, **WRITE_ERRORS}, summary="Change a business"
)
def change_brand(request: HttpRequest, brand_id: Id, payload: BrandIn) -> BrandOut:
    """Supervisors only. A new slug moves its contact page; its cases stay its own."""
    brand = update_brand(
        brand_by_id(brand_id),
        name=payload.name,
        slug=payload.slug,
        phone=payload.phone,
        email_addresses=payload.email_addresses,
        colour=payload.colour,
        chat_origins=payload.chat_origins,
        accent_colour=payload.accent_colour,
        chat_answer_minutes=payload.chat_answer_minutes,
        by=agent_of(request),
    )
    return BrandOut.of(brand)


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    brand_id: int | None = Field(description="The business it works for; null: every business.")
    member_ids: list[int] = Field(description="Its agents, who see and take its cases.")

    @classmethod
    def of(cls, team: Team) -> TeamOut:
        members = sorted(agent.pk for agent in team.members.all())
        return cls(
            id=team.pk, name=team.name, slug=team.slug, brand_id=team.brand_id, member_ids=members
        )


class TeamPage(Schema):
    items: list[TeamOut]
    next: str | None = Field(description="Always null: every team is on the one page.")


class TeamChange(Input):
    name: str = Field(max_length=100)
    brand_id: int | None = Field(None, ge=1, le=MAX_INT)
    member_ids: list[Annotated[int, Field(ge=1, le=MAX_INT)]] = Field(
        default_factory=list, max_length=1000, description="Exactly these members."
    )


class TeamIn(TeamChange):
    slug: str = Field(max_length=100, description="Lower-case letters, digits and '-'; fixed.")


def _team_fields(payload: TeamChange) -> dict[str, Any]:
    return {
        "name": payload.name,
        "brand": named(brand_by_id, payload.brand_id, field="brand_id", what="business"),
        "members": agents_by_ids(payload.member_ids, field="member_ids"),
    }


def _team(team_id: int) -> TeamOut:
    return TeamOut.of(one(Team.objects.prefetch_related("members"), team_id, what="team"))


@router.get("/teams", response={200: TeamPage, **READ_ERRORS}, summary="Teams")
def list_teams(request: HttpRequest) -> TeamPage:
    teams = Team.objects.prefetch_related("members").order_by("name")
    return TeamPage(items=[TeamOut.of(team) for team in teams], next=None)


@router.post("/teams", response={201: TeamOut, **WRITE_ERRORS}, summary="Add a team")
def add_team(request: HttpRequest, payload: TeamIn) -> HttpStatus[TeamOut]:
    """Supervisors only, as `rapport create-team`."""
    team = create_team(slug=payload.slug, **_team_fields(payload), by=agent_of(request))
    return HttpStatus(201, _team(team.pk))


@router.put("/teams/{team_id}", response={200: TeamOut, **WRITE_ERRORS}, summary="Change a team")
def change_team(request: HttpRequest, team_id: Id, payload: TeamChange) -> TeamOut:
    """Its name, business and exactly these members (supervisors only); a member taken off no
    longer sees its cases, and the cases they own stay theirs."""
    update_team(team_by_id(team_id), **_team_fields(payload), by=agent_of(request))
    return _team(team_id)


class PutOffOut(Schema):
    sweep: str = Field(description='The sweep that failed on it, e.g. "sla_breach".')
    kind: str = Field(description='What the item is: "case", "promise" (or "item").')
    item: int = Field(description="The id of the case or promise.")
    reference: str = Field(description='e.g. "Case #12".')
    reason: str = Field(description="The first line of the error (never a traceback).")
    failures: int
    first_failed_at: datetime
    last_failed_at: datetime
    retry_at: datetime = Field(description="The sweep leaves the item alone until then.")


class PutOffPage(Schema):
    items: list[PutOffOut]
    next: str | None = Field(description="Always null: everything put off is on the one page.")


@router.get(
    "/deferred", response={200: PutOffPage, **READ_ERRORS}, summary="Items the sweeps put off"
)
@supervisor_required
def list_put_off(request: HttpRequest) -> PutOffPage:
    """Rows a scheduled sweep failed on (an SLA warning or breach, an owner's return, a promise's
    reminder or escalation): rolled back alone and tried again later, waiting twice as long after
    each failure (at most an hour). Most failures first. Supervisors only."""
    items = [PutOffOut(**vars(item)) for item in put_off_report()]
    return PutOffPage(items=items, next=None)
