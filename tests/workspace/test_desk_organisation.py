"""The supervisor's pages for the businesses, sites and teams: add one, change it, refused input
comes back with what was typed, and nobody else gets in."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.people.actions.agents import create_agent, create_brand, create_site, create_team
from rapport.people.models import Brand, Site, Team
from rapport.routing.models import Closure
from tests.conftest import World
from tests.workspace.helpers import assert_login_required

PAGES = (
    "/supervisor/desk/brands/",
    "/supervisor/desk/sites/",
    "/supervisor/desk/teams/",
)


def test_a_supervisor_adds_a_business_and_changes_it(world: World) -> None:
    client = world.client_for(world.supervisor)
    assert 'id="brand-form"' in client.get("/supervisor/desk/brands/").content.decode()
    added = client.post(
        "/supervisor/desk/brands/",
        {"name": "Sonrisa Dental", "slug": "sonrisa", "phone": "+34 910 000 000",
         "addresses": "Hola@Sonrisa.example, citas@sonrisa.example", "colour": "#1F6FEB"},
        follow=True,
    )  # fmt: skip
    brand = Brand.objects.get(slug="sonrisa")
    page = added.content.decode()
    assert "Sonrisa Dental added: its contact page is /contact/sonrisa/." in page
    assert f'id="brand-{brand.pk}"' in page and "citas@sonrisa.example" in page
    assert brand.email_addresses == ["citas@sonrisa.example", "hola@sonrisa.example"]
    assert brand.colour == "#1f6feb"

    edit = client.get(f"/supervisor/desk/brands/{brand.pk}/").content.decode()
    assert 'value="Sonrisa Dental"' in edit and 'value="#1f6feb"' in edit
    saved = client.post(
        f"/supervisor/desk/brands/{brand.pk}/",
        {"name": "Sonrisa Dental Madrid", "slug": "sonrisa-madrid", "phone": "",
         "addresses": "hola@sonrisa.example", "colour": ""},
        follow=True,
    )  # fmt: skip
    assert "Sonrisa Dental Madrid saved." in saved.content.decode()
    brand.refresh_from_db()
    assert (brand.slug, brand.email_addresses, brand.colour, brand.phone) == (
        "sonrisa-madrid",
        ["hola@sonrisa.example"],
        "",
        "",
    )
    assert client.get("/contact/sonrisa-madrid/").status_code == 200


def test_a_supervisor_lists_the_sites_a_business_chat_widget_may_be_embedded_on(
    world: World,
) -> None:
    client = world.client_for(world.supervisor)
    brand = Brand.objects.create(name="Sonrisa", slug="sonrisa")
    typed = {"name": "Sonrisa", "slug": "sonrisa", "phone": "", "addresses": "", "colour": ""}
    saved = client.post(
        f"/supervisor/desk/brands/{brand.pk}/",
        typed | {"chat_origins": "https://www.Sonrisa.example/, http://localhost:8080"},
        follow=True,
    )
    assert "Sonrisa saved." in saved.content.decode()
    brand.refresh_from_db()
    assert brand.chat_origins == ["http://localhost:8080", "https://www.sonrisa.example"]
    edit = client.get(f"/supervisor/desk/brands/{brand.pk}/").content.decode()
    assert "http://localhost:8080, https://www.sonrisa.example" in edit
    wildcard = client.post(
        f"/supervisor/desk/brands/{brand.pk}/", typed | {"chat_origins": "https://*.example"}
    )
    assert "is not a site like https://www.example.com" in wildcard.content.decode()
    brand.refresh_from_db()
    assert brand.chat_origins == ["http://localhost:8080", "https://www.sonrisa.example"]


def test_a_refused_business_keeps_what_was_typed_and_changes_nothing(world: World) -> None:
    create_brand(name="Night Clinic", slug="night", by=None, email_addresses=["night@x.example"])
    client = world.client_for(world.supervisor)
    typed = {"name": "Day Clinic", "slug": "day", "addresses": "NIGHT@x.example", "colour": ""}
    taken = client.post("/supervisor/desk/brands/", typed)
    assert taken.status_code == 400
    page = taken.content.decode()
    assert "Mail to those addresses already goes to Night Clinic." in page
    assert 'value="Day Clinic"' in page and 'value="NIGHT@x.example"' in page
    bad_colour = client.post("/supervisor/desk/brands/", typed | {"addresses": "", "colour": "red"})
    assert "&#x27;red&#x27; is not a colour like #1f6feb." in bad_colour.content.decode()
    bad_slug = client.post("/supervisor/desk/brands/", typed | {"addresses": "", "slug": "Day!"})
    assert "is not a slug" in bad_slug.content.decode()
    assert list(Brand.objects.values_list("slug", flat=True)) == ["night"]

    night = Brand.objects.get()
    clash = client.post(
        f"/supervisor/desk/brands/{night.pk}/", {"name": "Night Clinic", "slug": "night",
                                                  "addresses": "not an address"}
    )  # fmt: skip
    assert clash.status_code == 400
    assert "&#x27;not&#x27; is not an email address." in clash.content.decode()
    night.refresh_from_db()
    assert night.email_addresses == ["night@x.example"]


def test_a_supervisor_adds_a_site_sees_its_holidays_and_sets_its_week(world: World) -> None:
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=None)
    client = world.client_for(world.supervisor)
    added = client.post(
        "/supervisor/desk/sites/",
        {"name": "Madrid", "timezone": "Europe/Madrid", "country": "ES", "region": "md",
         "brand": str(brand.pk)},
        follow=True,
    )  # fmt: skip
    site = Site.objects.get(name="Madrid")
    assert (site.country, site.region, site.brand_id) == ("ES", "MD", brand.pk)
    assert added.redirect_chain[-1][0] == f"/supervisor/desk/sites/{site.pk}/"
    page = added.content.decode()
    assert "Madrid added: give it its opening hours below." in page
    # The holidays of Spain and of the Madrid region, in the next twelve months.
    assert "Christmas Day" in page and "Saint Joseph" in page
    assert "Regions of ES: AN, AR" in page

    here = f"/supervisor/desk/sites/{site.pk}/"
    week = {"grid": "1", "next": here, "mon-open": "1", "mon-start-1": "09:00"}
    week |= {"mon-end-1": "17:00"}
    hours = client.post(f"/supervisor/desk/sites/{site.pk}/hours/", week, follow=True)
    assert hours.redirect_chain[-1][0] == here
    assert "Now: mon 09:00-17:00" in hours.content.decode()
    closed = client.post(
        f"/supervisor/desk/sites/{site.pk}/closures/",
        {"day": "2027-03-01", "reason": "inventory", "next": here},
        follow=True,
    )
    assert "Mon 01 Mar 2027 — inventory" in closed.content.decode()
    assert Closure.objects.get(site=site).day == date(2027, 3, 1)


def test_a_site_is_changed_and_bad_input_comes_back_with_the_reason(world: World) -> None:
    site = world.night_site
    client = world.client_for(world.supervisor)
    typed = {"name": "Night clinic Madrid", "timezone": "Europe/Madrid", "country": "ES"}
    refused = client.post(f"/supervisor/desk/sites/{site.pk}/", typed | {"region": "ZZ"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "ES has no region &#x27;ZZ&#x27;; its regions: AN, AR" in page
    assert 'value="Night clinic Madrid"' in page and 'value="ZZ"' in page
    site.refresh_from_db()
    assert site.name == "Night clinic"

    zone = client.post(f"/supervisor/desk/sites/{site.pk}/", typed | {"timezone": "Mars/Base"})
    assert "Select a valid choice" in zone.content.decode()
    saved = client.post(
        f"/supervisor/desk/sites/{site.pk}/",
        typed | {"timezone": "America/Toronto", "country": "CA", "region": "ON"},
        follow=True,
    )
    assert "Night clinic Madrid saved." in saved.content.decode()
    site.refresh_from_db()
    assert (site.name, site.timezone, site.country, site.region) == (
        "Night clinic Madrid",
        "America/Toronto",
        "CA",
        "ON",
    )
    taken = client.post("/supervisor/desk/sites/", typed | {"name": "Night clinic Madrid"})
    assert "There is already a site called" in taken.content.decode()
    assert Site.objects.count() == 1


def test_a_supervisor_adds_a_team_with_members_and_changes_them(world: World) -> None:
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=None)
    client = world.client_for(world.supervisor)
    form = client.get("/supervisor/desk/teams/").content.decode()
    assert f'value="{world.agent.pk}"' in form and "Dr. Ana Ortiz" in form
    added = client.post(
        "/supervisor/desk/teams/",
        {"name": "Front desk", "slug": "front-desk", "brand": str(brand.pk),
         "members": [world.agent.pk, world.colleague.pk]},
        follow=True,
    )  # fmt: skip
    assert "Team Front desk added with 2 members." in added.content.decode()
    team = Team.objects.get(slug="front-desk")
    assert team.brand == brand
    assert set(team.members.all()) == {world.agent, world.colleague}

    edit = client.get(f"/supervisor/desk/teams/{team.pk}/").content.decode()
    assert 'name="slug"' not in edit  # scripts know the team by its short name
    saved = client.post(
        f"/supervisor/desk/teams/{team.pk}/",
        {"name": "Front desk (days)", "brand": "", "members": [world.outsider.pk]},
        follow=True,
    )
    assert "Team Front desk (days) saved." in saved.content.decode()
    team = Team.objects.get(pk=team.pk)
    assert (team.name, team.brand_id) == ("Front desk (days)", None)
    assert list(team.members.all()) == [world.outsider]

    unknown = client.post(f"/supervisor/desk/teams/{team.pk}/", {"name": "X", "members": ["99999"]})
    assert unknown.status_code == 400 and "Select a valid choice" in unknown.content.decode()
    bad = client.post("/supervisor/desk/teams/", {"name": "Night", "slug": "Night shift"})
    assert "is not a slug" in bad.content.decode() and 'value="Night shift"' in bad.content.decode()
    assert not Team.objects.filter(name="Night").exists()


def test_a_deactivated_member_stays_on_the_team_when_it_is_saved(world: World) -> None:
    world.colleague.user.is_active = False
    world.colleague.user.save(update_fields=["is_active"])
    client = world.client_for(world.supervisor)
    page = client.get(f"/supervisor/desk/teams/{world.clinic.pk}/").content.decode()
    assert "Dr. Ben Hale (deactivated)" in page
    assert (
        "Dr. Ben Hale"
        not in client.get("/supervisor/desk/teams/").content.decode().split('id="team-form"')[1]
    )
    members = [world.agent.pk, world.colleague.pk]
    client.post(
        f"/supervisor/desk/teams/{world.clinic.pk}/", {"name": "Clinic", "members": members}
    )
    assert set(world.clinic.members.all()) == {world.agent, world.colleague}


@pytest.mark.parametrize("url", PAGES)
def test_agents_and_strangers_are_refused(world: World, url: str) -> None:
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=None)
    details = {
        "/supervisor/desk/brands/": f"/supervisor/desk/brands/{brand.pk}/",
        "/supervisor/desk/sites/": f"/supervisor/desk/sites/{world.night_site.pk}/",
        "/supervisor/desk/teams/": f"/supervisor/desk/teams/{world.clinic.pk}/",
    }
    data = {"name": "Mine now", "slug": "mine", "timezone": "UTC", "members": [world.agent.pk]}
    for agent in (world.agent, world.outsider):
        client = world.client_for(agent)
        for page in (url, details[url]):
            assert client.get(page).status_code == 404
            assert client.post(page, data).status_code == 404
    assert not Brand.objects.filter(name="Mine now").exists()
    assert not Site.objects.filter(name="Mine now").exists()
    assert not Team.objects.filter(name="Mine now").exists()
    assert_login_required(url)
    assert_login_required(details[url], method="post")


@pytest.mark.parametrize("url", PAGES)
def test_the_lists_do_not_query_per_row(world: World, url: str) -> None:
    client = world.client_for(world.supervisor)

    def grow(n: int) -> None:
        brand = create_brand(name=f"Brand {n}", slug=f"brand-{n}", by=None)
        site = create_site(name=f"Site {n}", timezone_name="UTC", country="ES", brand=brand)
        agent = create_agent(
            username=f"agent{n}", display_name=f"Agent {n}", password=None, site=site
        )
        create_team(name=f"Team {n}", slug=f"team-{n}", brand=brand, members=[agent])

    grow(0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(1, 4):
        grow(n)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Brand 3" in page or "Site 3" in page or "Team 3" in page
    assert len(many.captured_queries) == len(few.captured_queries)


def test_every_supervisor_page_links_the_others(world: World) -> None:
    client = world.client_for(world.supervisor)
    for url in ("/supervisor/", "/supervisor/desk/", "/supervisor/security/", *PAGES):
        nav = client.get(url).content.decode().split('id="supervisor-nav"')[1].split("</nav>")[0]
        for link in (*PAGES, "/supervisor/desk/follow-ups/", "/supervisor/desk/"):
            assert f'href="{link}"' in nav, (url, link)
