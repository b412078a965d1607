"""The contact page shows every site, whether it is open now, and when it opens next: a site open
around the clock is shown as such, never hidden."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine
from django.test import Client

from rapport.people.models import Site
from tests.conftest import World

TUESDAY_1930_MADRID = datetime(2027, 1, 12, 18, 30, tzinfo=UTC)  # 19:30 in Madrid (CET)


def _site(html: str, name: str) -> str:
    found = re.search(rf'<li data-site="{name}">(.*?)</li>', html, re.S)
    assert found is not None, name
    return found.group(1)


def test_every_site_says_if_it_is_open_and_when_it_opens(world: World) -> None:
    world.night_site.working_hours = {d: [["20:00", "08:00"]] for d in ("mon", "tue", "wed")}
    world.night_site.save(update_fields=["working_hours"])
    Site.objects.create(name="Emergency line", timezone="Europe/Madrid")  # no hours: 24/7
    Site.objects.create(
        name="Toronto office",
        timezone="America/Toronto",
        working_hours={"tue": [["09:00", "17:00"]]},
    )
    with time_machine.travel(TUESDAY_1930_MADRID, tick=False):
        html = Client().get("/contact/").content.decode()
    night = _site(html, "Night clinic")
    assert "Closed now; opens" in night
    assert 'datetime="2027-01-12T19:00:00+00:00"' in night  # 20:00 in Madrid
    assert "Tue 12 Jan 20:00 (Europe/Madrid)" in night
    emergency = _site(html, "Emergency line")
    assert "Open now" in emergency and "Open around the clock" in emergency
    toronto = _site(html, "Toronto office")
    assert "Open now" in toronto  # 13:30 in Toronto
    assert "Tue 09:00 to 17:00" in toronto and "(America/Toronto time: " in toronto


def test_a_closed_site_on_a_holiday_opens_after_it(world: World) -> None:
    world.night_site.working_hours = {
        d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")
    }
    world.night_site.save(update_fields=["working_hours"])
    new_year = datetime(2027, 1, 1, 10, 0, tzinfo=UTC)  # a Friday, a public holiday in Spain
    with time_machine.travel(new_year, tick=False):
        html = Client().get("/contact/").content.decode()
    night = _site(html, "Night clinic")
    assert "Closed now; opens" in night and "Mon 4 Jan 09:00 (Europe/Madrid)" in night


def _upcoming(html: str, name: str) -> list[tuple[str, str]]:
    return re.findall(r'<time datetime="([^"]+)" data-until="([^"]+)">', _site(html, name))


def test_hours_are_named_with_the_zone_in_force_and_placed_exactly_across_dst(
    world: World,
) -> None:
    """Madrid's 09:00 is 08:00 UTC in winter and 07:00 UTC in summer: the page names the
    offset in force and gives portal.js the exact moments of the next 7 days to show on the
    visitor's clock (Europe leaves winter time on Sunday 28 March 2027)."""
    world.night_site.working_hours = {
        d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")
    }
    world.night_site.save(update_fields=["working_hours"])
    thursday_before = datetime(2027, 3, 25, 6, 0, tzinfo=UTC)  # 07:00 in Madrid, closed
    with time_machine.travel(thursday_before, tick=False):
        html = Client().get("/contact/").content.decode()
    night = _site(html, "Night clinic")
    assert "(Europe/Madrid time: CET, UTC+01:00 now)" in night
    upcoming = _upcoming(html, "Night clinic")
    assert upcoming[0] == ("2027-03-25T08:00:00+00:00", "2027-03-25T16:00:00+00:00")
    # Friday 26 is Good Friday (a holiday in Spain), then the weekend; Monday is summer time.
    assert upcoming[1] == ("2027-03-29T07:00:00+00:00", "2027-03-29T15:00:00+00:00")
    assert len(upcoming) == 4  # and Maundy Thursday, 1 April, is a holiday too
    july = datetime(2027, 7, 5, 6, 0, tzinfo=UTC)
    with time_machine.travel(july, tick=False):
        html = Client().get("/contact/").content.decode()
    assert "(Europe/Madrid time: CEST, UTC+02:00 now)" in _site(html, "Night clinic")
    assert _upcoming(html, "Night clinic")[0][0] == "2027-07-05T07:00:00+00:00"


def test_a_site_open_around_the_clock_gives_no_hours_to_convert(world: World) -> None:
    html = Client().get("/contact/").content.decode()
    night = _site(html, "Night clinic")
    assert "Open around the clock" in night and "your-clock" not in night
