from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from rapport.cases.actions.assignment import assign_case
from rapport.routing.actions.opening import open_case
from rapport.routing.escalation import sweep
from tests.conftest import World, clinic_case_of_a_stranger
from tests.workspace.helpers import assert_login_required


def test_breach_reaches_the_deputy_and_can_be_marked_read(world: World) -> None:
    case = open_case(customer=world.customer, subject="", channel="chat", text="hello?", by=None)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        sweep(now=timezone.now())
    client = world.client_for(world.agent)  # the customer's deputy
    page = client.get("/notifications/").content.decode()
    assert 'id="unread-count">1<' in page
    assert f'href="/cases/{case.pk}/"' in page and "can you take it?" in page
    client.post("/notifications/read/")
    assert 'id="unread-count"' not in client.get("/notifications/").content.decode()


def test_notifications_are_personal(world: World) -> None:
    open_case(customer=world.customer, subject="", channel="chat", text="hello?", by=None)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        sweep(now=timezone.now())
    page = world.client_for(world.outsider).get("/notifications/").content.decode()
    assert "Nothing needs your attention." in page
    assert_login_required("/notifications/")
    assert_login_required("/notifications/read/", method="post")


def test_a_notification_about_a_case_you_no_longer_open_is_not_a_link(world: World) -> None:
    case = clinic_case_of_a_stranger(world)
    assign_case(case=case, owner=world.colleague, by=world.agent)  # Ben is told
    assign_case(case=case, owner=world.outsider, by=world.agent)  # then it leaves the clinic
    page = world.client_for(world.colleague).get("/notifications/").content.decode()
    assert f"handed you case #{case.pk}" in page
    assert f'href="/cases/{case.pk}/"' not in page
    olga = world.client_for(world.outsider).get("/notifications/").content.decode()
    assert f'href="/cases/{case.pk}/"' in olga
