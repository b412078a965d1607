"""Status links: signed, expiring, revocable; neither forged nor pointed at another case."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import signing
from django.utils import timezone

from rapport.cases.actions.status_links import revoke_status_links
from rapport.cases.models import CaseEvent, CaseEventKind
from rapport.cases.status_links import SALT, check_token, status_link, status_token
from tests.conftest import World, dental_case


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_a_link_opens_its_own_case_until_it_expires(world: World, settings: object) -> None:
    start = timezone.now()
    link = status_link(world.case, now=start)
    assert link.url.startswith(f"{django_settings.SITE_URL}/status/")
    assert link.expires_at - start <= timedelta(days=30)
    assert link.expires_at - start > timedelta(days=29, hours=23)
    token = _token(link.url)
    assert check_token(token, now=start).case == world.case
    assert check_token(token, now=link.expires_at - timedelta(seconds=1)).case == world.case
    expired = check_token(token, now=link.expires_at)
    assert expired.case is None and expired.case_id == world.case.pk
    with time_machine.travel(link.expires_at + timedelta(minutes=1), tick=False):
        assert check_token(token).case is None


def test_the_lifetime_is_a_setting(world: World, settings: pytest.FixtureRequest) -> None:
    settings.RAPPORT_STATUS_LINK_DAYS = 2  # type: ignore[attr-defined]
    now = timezone.now()
    _, expires_at = status_token(world.case, now=now)
    assert timedelta(days=1, hours=23) < expires_at - now <= timedelta(days=2)


def test_revoking_stops_every_link_made_before_and_is_audited(world: World) -> None:
    first, second = (_token(status_link(world.case).url) for _ in range(2))
    assert revoke_status_links(case=world.case, by=world.agent) == 1
    assert check_token(first).case is None and check_token(second).case is None
    assert check_token(first).case_id == world.case.pk  # known, so a fresh one can be asked
    event = CaseEvent.objects.get(case=world.case, kind=CaseEventKind.STATUS_LINK_REVOKED)
    assert event.actor == world.agent
    assert (event.before, event.after) == ({"generation": 0}, {"generation": 1})
    fresh = _token(status_link(world.case).url)
    assert check_token(fresh).case == world.case
    revoke_status_links(case=world.case, by=None)
    assert check_token(fresh).case is None


def test_a_link_cannot_be_forged_or_turned_to_another_case(world: World) -> None:
    other = dental_case(world)
    token = _token(status_link(world.case).url)
    payload = signing.loads(token, salt=SALT)
    # Another case's id, or a later expiry, with a signature of our own making: refused.
    for changed in ({**payload, "c": other.pk}, {**payload, "e": payload["e"] + 10**6}):
        assert check_token(signing.dumps(changed, salt=SALT, key="guessed")).case_id is None
        assert check_token(signing.dumps(changed, salt="another.salt")).case_id is None
    # The invitation's signature on the same payload is not a status link.
    assert check_token(signing.dumps(payload, salt="rapport.people.invitation")).case is None
    # Flipping any character of the token breaks it.
    for at in range(0, len(token), 7):
        flipped = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
        assert check_token(flipped).case is None
    for junk in ("", "forged-token", "a:b:c", "x" * 5000, "eyJjIjoxfQ:1:abc"):
        assert check_token(junk) == check_token("forged-token")
    # A validly signed but malformed payload is refused, not a 500.
    for odd in ([1, 2], {"c": "1", "g": 0, "e": 1}, {"c": world.case.pk}):
        assert check_token(signing.dumps(odd, salt=SALT)).case is None


def test_a_merged_case_link_stops(world: World) -> None:
    token = _token(status_link(world.case).url)
    other = dental_case(world)
    type(world.case).objects.filter(pk=world.case.pk).update(merged_into=other)
    assert check_token(token).case is None
