"""`rapport surveys`: the operator's script, through the same actions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from rapport.surveys.models import Survey, SurveyOptOut, SurveyStatus
from tests.conftest import World
from tests.surveys.conftest import helped_and_resolved

RESOLVED = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)


def run(*args: str) -> str:
    out = StringIO()
    call_command("surveys", *args, stdout=out)
    return out.getvalue()


def test_send_due_list_send_now_results_and_opt_out(world: World) -> None:
    csat = helped_and_resolved(world, RESOLVED)
    with time_machine.travel(RESOLVED + timedelta(hours=1), tick=False):
        assert json.loads(run("send-due", "--json"))["sent"] == []
        sent = json.loads(run("send-now", str(csat.pk), "--json"))
    assert sent["status"] == "sent" and "/surveys/s/" in sent["url"]
    listed = json.loads(run("list", "--case", str(world.case.pk), "--json"))
    assert {i["kind"] for i in listed} == {"csat", "nps"}
    with pytest.raises(CommandError, match="not waiting"):
        run("send-now", str(csat.pk))
    with pytest.raises(CommandError, match="no survey"):
        run("send-now", "999999")
    assert json.loads(run("results", "--json"))["sent"] == 1
    assert "will not be surveyed" in run("opt-out", str(world.customer.pk))
    assert SurveyOptOut.objects.get(customer=world.customer).via == "the command line"
    assert Survey.objects.filter(status=SurveyStatus.SCHEDULED).count() == 0
