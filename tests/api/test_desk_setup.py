"""/api/v1/desk: businesses, sites, teams and follow-up policies added and changed through the
API by a supervisor, with the actions the web pages and the commands call; everyone may read
them, nobody else may change them, and a refusal names the field and writes nothing."""

from __future__ import annotations

from typing import Any

from rapport.care.actions.promises import create_follow_up_policy
from rapport.care.models import FollowUpPolicy
from rapport.people.actions.agents import create_brand
from rapport.people.models import Brand, Site, Team
from tests.conftest import World


def test_a_supervisor_changes_a_business(world: World, api_as: Any) -> None:
    sam = api_as(world.supervisor)
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=None)
    body = {"name": "Sonrisa Dental", "slug": "sonrisa-dental", "phone": "+34 910 000 000",
            "email_addresses": ["Hola@Sonrisa.example"], "colour": "#C2185B",
            "chat_origins": ["HTTPS://www.Sonrisa.example/", "http://localhost:8080"]}  # fmt: skip
    changed = sam.put(f"/desk/brands/{brand.pk}", body)
    assert changed.status_code == 200, changed.content
    assert changed.json() | {"id": 0} == {
        "id": 0,
        "name": "Sonrisa Dental",
        "slug": "sonrisa-dental",
        "phone": "+34 910 000 000",
        "email_addresses": ["hola@sonrisa.example"],
        "colour": "#c2185b",
        "accent_colour": "",
        "logo": None,
        "contact_page": "/contact/sonrisa-dental/",
        "chat_origins": ["http://localhost:8080", "https://www.sonrisa.example"],
        "chat_answer_minutes": 5,
    }
    bad = sam.put(f"/desk/brands/{brand.pk}", body | {"colour": "pink"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "colour"
    for origin in ("https://*.sonrisa.example", "https://sonrisa.example/chat", "sonrisa.example"):
        refused = sam.put(f"/desk/brands/{brand.pk}", body | {"chat_origins": [origin]})
        assert refused.status_code == 400, origin
        assert refused.json()["error"]["field"] == "chat_origins"
    forbidden = api_as(world.agent).put(f"/desk/brands/{brand.pk}", body | {"name": "Mine"})
    assert forbidden.status_code == 403
    assert sam.put("/desk/brands/99999", body).status_code == 404
    assert Brand.objects.get().name == "Sonrisa Dental"


def test_a_supervisor_adds_a_site_and_changes_it(world: World, api_as: Any) -> None:
    sam = api_as(world.supervisor)
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=None)
    body = {"name": "Madrid", "timezone": "Europe/Madrid", "country": "es", "region": "md",
            "brand_id": brand.pk}  # fmt: skip
    added = sam.post("/desk/sites", body)
    assert added.status_code == 201, added.content
    site = added.json()
    assert (site["country"], site["region"], site["brand_id"], site["hours"]) == (
        "ES",
        "MD",
        brand.pk,
        "",
    )
    changed = sam.put(f"/desk/sites/{site['id']}", body | {"region": "", "brand_id": None})
    assert changed.status_code == 200 and changed.json()["brand_id"] is None

    no_region = sam.put(f"/desk/sites/{site['id']}", body | {"region": "ZZ"})
    assert no_region.status_code == 400 and no_region.json()["error"]["field"] == "region"
    no_zone = sam.post("/desk/sites", body | {"name": "Mars", "timezone": "Mars/Base"})
    assert no_zone.status_code == 400 and no_zone.json()["error"]["field"] == "timezone"
    no_brand = sam.post("/desk/sites", body | {"name": "Lisbon", "brand_id": 99999})
    assert no_brand.status_code == 400
    assert no_brand.json()["error"]["message"] == "There is no business #99999."
    agent = api_as(world.agent)
    assert agent.post("/desk/sites", body | {"name": "Mine"}).status_code == 403
    assert agent.put(f"/desk/sites/{site['id']}", body | {"name": "Mine"}).status_code == 403
    assert sorted(Site.objects.values_list("name", flat=True)) == ["Madrid", "Night clinic"]


def test_a_supervisor_adds_a_team_and_sets_its_members(world: World, api_as: Any) -> None:
    sam = api_as(world.supervisor)
    brand = create_brand(name="Sonrisa", slug="sonrisa", by=None)
    body = {"name": "Front desk", "slug": "front-desk", "brand_id": brand.pk,
            "member_ids": [world.agent.pk, world.colleague.pk]}  # fmt: skip
    added = sam.post("/desk/teams", body)
    assert added.status_code == 201, added.content
    team = added.json()
    assert team["member_ids"] == sorted([world.agent.pk, world.colleague.pk])
    changed = sam.put(
        f"/desk/teams/{team['id']}", {"name": "Front", "member_ids": [world.outsider.pk]}
    )
    assert changed.status_code == 200
    assert (changed.json()["brand_id"], changed.json()["member_ids"]) == (None, [world.outsider.pk])

    nobody = sam.put(f"/desk/teams/{team['id']}", {"name": "Front", "member_ids": [99999]})
    assert nobody.status_code == 400 and nobody.json()["error"]["field"] == "member_ids"
    slug = sam.post("/desk/teams", body | {"name": "Night", "slug": "Night Shift"})
    assert slug.status_code == 400 and slug.json()["error"]["field"] == "slug"
    ana = api_as(world.agent)
    assert ana.post("/desk/teams", body | {"slug": "mine"}).status_code == 403
    assert ana.put(f"/desk/teams/{team['id']}", {"name": "Mine"}).status_code == 403
    listed = ana.get("/desk/teams").json()["items"]
    assert [t["slug"] for t in listed] == ["clinic", "dental", "front-desk"]
    assert list(Team.objects.get(slug="front-desk").members.all()) == [world.outsider]


def test_a_supervisor_adds_a_follow_up_policy_and_switches_it_off(
    world: World, api_as: Any
) -> None:
    sam = api_as(world.supervisor)
    body = {"name": "Clinic visit", "purpose": "Is the medicine working?", "at_time": "10:30",
            "tags": ["Clinic-Visit"], "team_id": world.clinic.pk}  # fmt: skip
    added = sam.post("/desk/follow-up-policies", body)
    assert added.status_code == 201, added.content
    policy = added.json()
    assert policy | {"id": 0} == {
        "id": 0,
        "name": "Clinic visit",
        "active": True,
        "tags": ["clinic-visit"],
        "team_id": world.clinic.pk,
        "priority": None,
        "triage_signal": None,
        "delay_days": 1,
        "at_time": "10:30",
        "channel": "phone",
        "purpose": "Is the medicine working?",
        "script": "",
    }
    off = sam.put(f"/desk/follow-up-policies/{policy['id']}", body | {"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert not FollowUpPolicy.objects.get().active

    taken = sam.post("/desk/follow-up-policies", body)
    assert taken.status_code == 400 and taken.json()["error"]["field"] == "name"
    for clock in ("25:00", "10:30:00", "10:30+01:00"):  # a wall clock, HH:MM
        assert sam.post("/desk/follow-up-policies", body | {"at_time": clock}).status_code == 422
    no_team = sam.post("/desk/follow-up-policies", body | {"name": "B", "team_id": 99999})
    assert no_team.status_code == 400 and no_team.json()["error"]["field"] == "team_id"
    ana = api_as(world.agent)
    assert ana.post("/desk/follow-up-policies", body | {"name": "Mine"}).status_code == 403
    assert ana.put(f"/desk/follow-up-policies/{policy['id']}", body).status_code == 403
    assert [p["name"] for p in ana.get("/desk/follow-up-policies").json()["items"]] == [
        "Clinic visit"
    ]
    assert sam.put("/desk/follow-up-policies/99999", body).status_code == 404


def test_a_policy_can_be_added_switched_off(world: World, api_as: Any) -> None:
    create_follow_up_policy(name="Every case", purpose="How did it go?", by=None)
    sam = api_as(world.supervisor)
    added = sam.post("/desk/follow-up-policies", {"name": "Later", "purpose": "p", "active": False})
    assert added.status_code == 201 and added.json()["active"] is False
    assert list(FollowUpPolicy.objects.values_list("name", "active")) == [
        ("Every case", True),
        ("Later", False),
    ]
