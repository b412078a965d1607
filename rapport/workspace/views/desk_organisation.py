"""Who the desk is, for supervisors: its businesses (brands), sites and teams, each listed with a
form to add one and a page to change it. Every form calls the action `rapport create-brand`,
`create-site`, `create-team` and `/api/v1/desk/` call (rapport/people/actions/agents.py); a
site's page also holds its weekly hours, closed days (the routing actions, posted to the desk's
own URLs) and the public holidays its country and region bring.

A refused form comes back with what was typed and the reason (`post_action(again=...)`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast
from zoneinfo import available_timezones

from django import forms
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone

from rapport.lib.access import named
from rapport.lib.answers import Elsewhere
from rapport.lib.forms import Form
from rapport.lib.hours import holiday_countries, holiday_regions, hours_as_text, public_holidays
from rapport.lib.wallclock import known_zone
from rapport.people.access import agents_by_ids, brand_by_id, site_by_id, team_by_id
from rapport.people.actions.agents import (
    create_brand,
    create_site,
    create_team,
    update_brand,
    update_site,
    update_team,
)
from rapport.people.models import Agent, Brand, Site, Team
from rapport.workspace.views.desk import week_grid
from rapport.workspace.views.desk_pages import change_page, desk_page, list_page, posted

HOLIDAYS_AHEAD = timedelta(days=365)


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's choice field `name`, to give it the choices of the moment."""
    return cast(forms.ChoiceField, form.fields[name])


def _brand_choices() -> list[tuple[str, str]]:
    return [("", "Every business (none)"), *((str(pk), n) for pk, n in _brand_names())]


def _brand_names() -> list[tuple[int, str]]:
    return list(Brand.objects.order_by("name").values_list("pk", "name"))


def _brand_of(data: dict[str, Any]) -> Brand | None:
    chosen = int(data["brand"]) if data["brand"] else None
    return named(brand_by_id, chosen, field="brand", what="business")


def _addresses(text: str) -> list[str]:
    return [a for a in text.replace(",", " ").split() if a]


# ------------------------------------------------------------------------------ businesses


class BrandForm(Form):
    name = forms.CharField(max_length=100)
    slug = forms.CharField(
        max_length=100,
        label="Short name",
        help_text="Lower-case letters, digits and '-': its contact page is /contact/<short name>/.",
    )
    phone = forms.CharField(required=False, max_length=40, help_text="Shown on its contact page.")
    addresses = forms.CharField(
        required=False,
        max_length=1000,
        label="Inbound addresses",
        help_text="Mail to these opens cases of this business (separate with spaces or commas).",
    )
    colour = forms.CharField(
        required=False,
        max_length=7,
        help_text="#RRGGBB for its pages' buttons and headers, e.g. #1f6feb (dark enough for "
        "white text: 4.5:1).",
    )
    accent_colour = forms.CharField(
        required=False,
        max_length=7,
        label="Accent colour",
        help_text="#RRGGBB for links on its pages (dark enough to read on white: 4.5:1).",
    )
    chat_origins = forms.CharField(
        required=False,
        max_length=2000,
        label="Chat widget sites",
        help_text="Sites its chat widget may be embedded on, e.g. https://www.example.com "
        "(separate with spaces or commas; no paths, no wildcards).",
    )
    chat_answer_minutes = forms.IntegerField(
        required=False,
        initial=5,
        label="Chat answered within (minutes)",
        help_text="A chat nobody has answered within these minutes (or whose expected wait is "
        "longer) is told so and offered a call back or email: 1 to 240 (empty: as it is; 5 "
        "for a new business).",
    )

    @classmethod
    def of(cls, brand: Brand, data: QueryDict | None) -> BrandForm:
        initial = {
            "name": brand.name,
            "slug": brand.slug,
            "phone": brand.phone,
            "addresses": ", ".join(str(a) for a in brand.email_addresses),
            "colour": brand.colour,
            "accent_colour": brand.accent_colour,
            "chat_origins": ", ".join(str(o) for o in brand.chat_origins),
            "chat_answer_minutes": brand.chat_answer_minutes,
        }
        return cls(data, initial=initial)


def _brand_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "slug": data["slug"],
        "phone": data["phone"],
        "email_addresses": _addresses(data["addresses"]),
        "colour": data["colour"],
        "accent_colour": data["accent_colour"],
        "chat_origins": _addresses(data["chat_origins"]),
        "chat_answer_minutes": data["chat_answer_minutes"],
    }


@desk_page
def brands(request: HttpRequest, agent: Agent) -> HttpResponse:
    def add(data: dict[str, Any]) -> Elsewhere:
        brand = create_brand(**_brand_fields(data), by=agent)
        notice = f"{brand.name} added: its contact page is /contact/{brand.slug}/."
        return Elsewhere(notice, reverse("desk_brands") + f"#brand-{brand.pk}")

    listed = Brand.objects.prefetch_related("teams", "sites").order_by("name")
    form = BrandForm(posted(request))
    return list_page(request, "brands", form=form, listed=lambda: {"brands": list(listed)}, add=add)


@desk_page
def brand(request: HttpRequest, agent: Agent, brand_id: int) -> HttpResponse:
    business = brand_by_id(brand_id)

    def save(data: dict[str, Any]) -> str:
        update_brand(business, **_brand_fields(data), by=agent)
        return f"{business.name} saved."

    return change_page(
        request,
        "brand",
        business.pk,
        form=BrandForm.of(business, posted(request)),
        shown=lambda: {
            "brand": business,
            "teams": list(business.teams.order_by("name")),
            "sites": list(business.sites.order_by("name")),
        },
        save=save,
    )


# ------------------------------------------------------------------------------ sites


class SiteForm(Form):
    name = forms.CharField(max_length=100)
    timezone = forms.ChoiceField(label="Time zone", help_text="Its opening hours are in this zone.")
    country = forms.ChoiceField(
        required=False, label="Public holidays of", help_text="Deadlines skip them."
    )
    region = forms.CharField(
        required=False,
        max_length=10,
        label="Region",
        help_text="A region's own holidays too, by its code (MD for Madrid in ES).",
    )
    brand = forms.ChoiceField(required=False, label="Business")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "timezone").choices = [(z, z) for z in sorted(available_timezones())]
        choice_field(self, "country").choices = [
            ("", "None"),
            *((code, f"{name} ({code})") for code, name in holiday_countries()),
        ]
        choice_field(self, "brand").choices = _brand_choices()

    @classmethod
    def of(cls, site: Site, data: QueryDict | None) -> SiteForm:
        initial = {
            "name": site.name,
            "timezone": site.timezone,
            "country": site.country,
            "region": site.region,
            "brand": str(site.brand_id or ""),
        }
        return cls(data, initial=initial)


def _site_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "timezone_name": data["timezone"],
        "country": data["country"],
        "region": data["region"],
        "brand": _brand_of(data),
    }


@desk_page
def sites(request: HttpRequest, agent: Agent) -> HttpResponse:
    def add(data: dict[str, Any]) -> Elsewhere:
        site = create_site(**_site_fields(data), by=agent)
        notice = f"{site.name} added: give it its opening hours below."
        return Elsewhere(notice, reverse("desk_site", args=[site.pk]))

    listed = (
        Site.objects.select_related("brand")
        .annotate(agents=Count("agent", distinct=True), closed_days=Count("closures"))
        .order_by("name")
    )
    return list_page(
        request,
        "sites",
        form=SiteForm(posted(request), initial={"timezone": agent.timezone}),
        listed=lambda: {"sites": [(s, hours_as_text(s.working_hours or {})) for s in listed]},
        add=add,
    )


def _site_context(site: Site) -> dict[str, Any]:
    today = timezone.now().astimezone(known_zone(site.timezone)).date()
    hours = site.working_hours or {}
    return {
        "site": site,
        "hours": hours_as_text(hours),
        "grid": week_grid(hours),
        "closures": list(site.closures.order_by("day")),
        "holidays": public_holidays(site.country, site.region, today, today + HOLIDAYS_AHEAD),
        "regions": holiday_regions(site.country),
        "here": reverse("desk_site", args=[site.pk]),
    }


@desk_page
def site(request: HttpRequest, agent: Agent, site_id: int) -> HttpResponse:
    place = site_by_id(site_id)

    def save(data: dict[str, Any]) -> str:
        update_site(place, **_site_fields(data), by=agent)
        return f"{place.name} saved."

    return change_page(
        request,
        "site",
        place.pk,
        form=SiteForm.of(place, posted(request)),
        shown=lambda: _site_context(site_by_id(site_id)),
        save=save,
    )


# ------------------------------------------------------------------------------ teams


class TeamForm(Form):
    name = forms.CharField(max_length=100)
    slug = forms.CharField(
        max_length=100,
        label="Short name",
        help_text="Lower-case letters, digits and '-', for the command line (night-clinic).",
    )
    brand = forms.ChoiceField(required=False, label="Business")
    members = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, team: Team | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "brand").choices = _brand_choices()
        # Whoever can sign in, and the team's own members even if they no longer can (a
        # deactivated agent stays listed, so saving the team never drops them unasked).
        who = Q(user__is_active=True) | (Q(teams=team) if team is not None else Q())
        people = Agent.objects.filter(who).distinct()
        choice_field(self, "members").choices = [
            (pk, name if active else f"{name} (deactivated)")
            for pk, name, active in people.order_by("display_name").values_list(
                "pk", "display_name", "user__is_active"
            )
        ]
        if team is not None:  # the short name stays: scripts know the team by it
            del self.fields["slug"]

    @classmethod
    def of(cls, team: Team, data: QueryDict | None) -> TeamForm:
        initial = {
            "name": team.name,
            "brand": str(team.brand_id or ""),
            "members": [a.pk for a in team.members.all()],
        }
        return cls(data, initial=initial, team=team)


@desk_page
def teams(request: HttpRequest, agent: Agent) -> HttpResponse:
    def add(data: dict[str, Any]) -> Elsewhere:
        team = create_team(
            name=data["name"],
            slug=data["slug"],
            brand=_brand_of(data),
            members=agents_by_ids(data["members"], field="members"),
            by=agent,
        )
        count = len(data["members"])
        notice = f"Team {team.name} added with {count} member{'' if count == 1 else 's'}."
        return Elsewhere(notice, reverse("desk_teams") + f"#team-{team.pk}")

    listed = Team.objects.select_related("brand").prefetch_related("members").order_by("name")
    form = TeamForm(posted(request))
    return list_page(request, "teams", form=form, listed=lambda: {"teams": list(listed)}, add=add)


@desk_page
def team(request: HttpRequest, agent: Agent, team_id: int) -> HttpResponse:
    group = team_by_id(team_id)

    def save(data: dict[str, Any]) -> str:
        update_team(
            group,
            name=data["name"],
            brand=_brand_of(data),
            members=agents_by_ids(data["members"], field="members"),
            by=agent,
        )
        return f"Team {group.name} saved."

    return change_page(
        request,
        "team",
        group.pk,
        form=TeamForm.of(group, posted(request)),
        shown=lambda: {"team": team_by_id(team_id)},
        save=save,
    )
