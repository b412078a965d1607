"""/desk: what routing and deadlines count with — the sites' opening hours and closures, and
the service-level policies. Everyone may read them; only a supervisor may change them (checked
in the actions, rapport/routing/actions/desk.py), as `rapport site-hours`, `site-closure` and
`sla-policy` do at the command line. /desk/deferred lists, for supervisors, the items the
scheduler's sweeps put off after failing (as `rapport sweep --json` does under "put_off")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Path, Router, Schema
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.schemas import Id, Input
from rapport.cases.models import Priority
from rapport.jobs.items import put_off_report
from rapport.lib.errors import ActionError
from rapport.lib.hours import HoursError, hours_as_text, hours_from_text
from rapport.lib.storable import MAX_INT
from rapport.people.access import site_by_id
from rapport.people.actions.agents import create_brand
from rapport.people.models import Brand, Channel, Site
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

    @classmethod
    def of(cls, site: Site) -> SiteOut:
        hours = site.working_hours or {}
        return cls(
            id=site.pk,
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
    contact_page: str = Field(description="The business's own contact page.")

    @classmethod
    def of(cls, brand: Brand) -> BrandOut:
        return cls(
            id=brand.pk,
            name=brand.name,
            slug=brand.slug,
            phone=brand.phone,
            email_addresses=[str(a) for a in brand.email_addresses],
            contact_page=f"/contact/{brand.slug}/",
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


@router.get("/brands", response={200: BrandPage, **READ_ERRORS}, summary="Businesses")
def list_brands(request: HttpRequest) -> BrandPage:
    """The businesses the desk serves; a case never leaves its business."""
    agent_of(request)
    return BrandPage(items=[BrandOut.of(b) for b in Brand.objects.order_by("name")], next=None)


@router.post("/brands", response={201: BrandOut, **WRITE_ERRORS}, summary="Add a business")
def add_brand(request: HttpRequest, payload: BrandIn) -> HttpStatus[BrandOut]:
    """Supervisors only; give its teams with `rapport create-team --brand SLUG`."""
    brand = create_brand(
        name=payload.name,
        slug=payload.slug,
        by=agent_of(request),
        phone=payload.phone,
        email_addresses=payload.email_addresses,
    )
    return HttpStatus(201, BrandOut.of(brand))


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
