"""The staffing page: supervisors only, bad what-ifs refused with the reason and the form kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from tests.conftest import World

NOW = datetime(2026, 3, 25, 11, 0, tzinfo=UTC)


@pytest.fixture
def clinic(world: World) -> World:
    world.agent.working_hours = {"wed": [["09:00", "17:00"]]}
    world.agent.save()
    return world


def test_the_supervisor_sees_each_sites_week_as_a_heat_map(clinic: World) -> None:
    with time_machine.travel(NOW, tick=False):
        page = clinic.client_for(clinic.supervisor).get("/supervisor/staffing/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Night clinic" in html and "(Europe/Madrid)" in html
    assert html.count('<tr><th scope="row">') == 7
    assert "Wed 25 Mar" in html and "Tue 31 Mar" in html
    assert 'class="skipped"' in html  # Sunday 02:00 does not exist in Madrid that week


def test_agents_do_not_get_the_page(clinic: World) -> None:
    for agent in (clinic.agent, clinic.outsider):
        assert clinic.client_for(agent).get("/supervisor/staffing/").status_code == 404


def test_a_nonsense_what_if_is_refused_saying_why_and_keeps_the_form(clinic: World) -> None:
    client = clinic.client_for(clinic.supervisor)
    page = client.get("/supervisor/staffing/", {"shrinkage": "0.95", "volume_percent": "150"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Ensure this value is less than or equal to 0.9" in html
    assert 'value="150"' in html
    assert "heat-map" not in html
    hostile = client.get("/supervisor/staffing/", {"site": "<script>alert(1)</script>"})
    assert hostile.status_code == 400
    assert "<script>alert(1)</script>" not in hostile.content.decode()


def test_what_if_volume_reaches_the_map(clinic: World) -> None:
    client = clinic.client_for(clinic.supervisor)
    with time_machine.travel(NOW, tick=False):
        page = client.get(
            "/supervisor/staffing/",
            {
                "site": str(clinic.night_site.pk),
                "volume_percent": "100",
                "phone_aht_seconds": "360",
                "chat_aht_seconds": "480",
                "chat_concurrency": "2",
                "written_aht_seconds": "420",
                "shrinkage": "0.3",
                "weeks": "4",
            },
        )
    assert page.status_code == 200
    assert "last\n    4 weeks" in page.content.decode()
