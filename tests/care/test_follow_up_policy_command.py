"""`rapport follow_up_policy`: an operator scripts the policies that close the loop."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rapport.care.models import FollowUpPolicy
from tests.conftest import World


def test_add_and_list(world: World) -> None:
    out = StringIO()
    call_command(
        "follow_up_policy",
        "--add",
        "Clinic visit",
        "--purpose",
        "Check the meds are helping",
        "--tag",
        "Clinic-Visit",
        "--team",
        "clinic",
        "--at",
        "10:30",
        stdout=out,
    )
    policy = FollowUpPolicy.objects.get()
    assert policy.tags == ["clinic-visit"] and policy.team_id == world.clinic.pk
    assert policy.at_time.strftime("%H:%M") == "10:30"
    assert "Clinic visit: tags=['clinic-visit'], team=clinic -> +1d 10:30 phone" in out.getvalue()
    listed = StringIO()
    call_command("follow_up_policy", "--json", stdout=listed)
    assert json.loads(listed.getvalue())[0]["purpose"] == "Check the meds are helping"


def test_bad_input_fails_loudly(world: World) -> None:
    with pytest.raises(CommandError, match="no team"):
        call_command("follow_up_policy", "--add", "X", "--purpose", "y", "--team", "nope")
    with pytest.raises(CommandError, match="HH:MM"):
        call_command("follow_up_policy", "--add", "X", "--purpose", "y", "--at", "ten")
    with pytest.raises(CommandError, match="what the promise is for"):
        call_command("follow_up_policy", "--add", "X")
