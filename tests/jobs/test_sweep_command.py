from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from rapport.cases.models import Notification
from rapport.routing.actions.opening import open_case
from tests.conftest import World


def test_sweep_command_acts_once_on_what_is_due(world: World) -> None:
    case = open_case(customer=world.customer, subject="", channel="chat", text="hello?", by=None)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        out = StringIO()
        call_command("sweep", "--json", stdout=out)
        assert json.loads(out.getvalue())["sla"]["breached"] == [case.pk]
        again = StringIO()
        call_command("sweep", stdout=again)
        assert "sla: nothing due" in again.getvalue().splitlines()
    assert Notification.objects.filter(kind="sla_breached").count() == 1
