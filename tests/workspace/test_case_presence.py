from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rapport.cases.models import Presence
from rapport.workspace import presence
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required


def test_heartbeat_shows_other_agents_viewing_and_writing(world: World) -> None:
    url = f"/cases/{world.case.pk}/presence/"
    ana, ben = world.client_for(world.agent), world.client_for(world.colleague)
    assert ana.post(url, {"text": ""}, headers=HTMX).content.decode().strip() == ""
    ben_sees = ben.post(url, {"text": "Dear Maria"}, headers=HTMX).content.decode()
    assert "Dr. Ana Ortiz is viewing" in ben_sees and "Dr. Ben Hale" not in ben_sees
    ana_sees = ana.post(url, {"text": ""}, headers=HTMX).content.decode()
    assert "Dr. Ben Hale is writing a reply" in ana_sees
    assert Presence.objects.count() == 2  # one row per agent, updated in place


def test_the_page_polls_every_ten_seconds_with_the_composer_text(world: World) -> None:
    html = world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode()
    assert (
        'hx-trigger="load, every 10s, input from:#reply-text throttle:5s"' in html
        and 'hx-include="#reply-text, #note-text"' in html
    )


def test_agents_gone_quiet_drop_off(world: World, settings: Any) -> None:
    presence.touch(case=world.case, agent=world.colleague, is_typing=True)
    Presence.objects.update(
        seen_at=timezone.now() - timedelta(seconds=settings.RAPPORT_PRESENCE_TTL + 1)
    )
    html = world.client_for(world.agent).post(f"/cases/{world.case.pk}/presence/").content.decode()
    assert "Ben" not in html


def test_a_lost_insert_race_still_records_the_heartbeat(world: World, monkeypatch: Any) -> None:
    presence.touch(case=world.case, agent=world.agent, is_typing=False)
    calls = {"update": 0}
    real_filter = Presence.objects.filter

    class FirstUpdateMisses:
        """The first update runs before the other request's insert is visible."""

        def __init__(self, **kwargs: Any) -> None:
            self.qs = real_filter(**kwargs)

        def update(self, **fields: Any) -> int:
            calls["update"] += 1
            return 0 if calls["update"] == 1 else self.qs.update(**fields)

    monkeypatch.setattr(Presence.objects, "filter", FirstUpdateMisses)
    presence.touch(case=world.case, agent=world.agent, is_typing=True)  # insert hits the constraint
    monkeypatch.undo()
    assert calls["update"] == 2
    row = Presence.objects.get()
    assert row.is_typing is True


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/cases/{world.case.pk}/presence/"
    assert world.client_for(world.outsider).post(url).status_code == 404
    assert_login_required(url, method="post")
    assert not Presence.objects.exists()
