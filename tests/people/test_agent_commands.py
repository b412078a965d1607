"""Issue 14: `rapport create-agent --invite`, `deactivate-agent` and `reactivate-agent` call the
actions the agents page and the API call."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from rapport.people.models import Agent, AgentState, SecurityEvent, SecurityEventKind
from tests.conftest import World


def run(command: str, *args: str, **options: object) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


def test_create_agent_invite_mails_a_link_and_asks_for_no_password(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        said = run(
            "create_agent",
            "lena",
            name="Dr. Lena Park",
            email="lena@clinic.example",
            site="Night clinic",
            team=["clinic"],
            skill=["Dental"],
            capacity=7,
            phone="ext. 9",
            invite=True,
        )
    assert re.fullmatch(
        r"Invited Dr\. Lena Park \(lena\): the link to choose a password is queued to "
        r"lena@clinic\.example \(the worker sends it\) and works until \S+ \S+ UTC\.\n",
        said,
    ), said
    lena = Agent.objects.select_related("user").get(user__username="lena")
    assert lena.state is AgentState.INVITED and lena.skills == ["dental"]
    assert (lena.capacity, lena.phone, lena.timezone) == (7, "ext. 9", "Europe/Madrid")
    assert [m.to for m in mail.outbox] == [["lena@clinic.example"]]
    event = SecurityEvent.objects.get(kind=SecurityEventKind.AGENT_INVITED)
    assert event.actor is None  # the operator


def test_create_agent_invite_refusals(world: World) -> None:
    with pytest.raises(CommandError, match="needs --email"):
        run("create_agent", "kim", name="Kim", invite=True)
    with pytest.raises(CommandError, match="not an email address"):
        run("create_agent", "kim", name="Kim", email="kim", invite=True)
    assert not Agent.objects.filter(user__username="kim").exists()


def test_deactivate_and_reactivate_from_the_command_line(world: World) -> None:
    said = run("deactivate_agent", "ana", hand_over_to="ben")
    assert said == (
        "Dr. Ana Ortiz is deactivated; their work went on: 1 open case to Dr. Ben Hale.\n"
        f"  case #{world.case.pk} -> Dr. Ben Hale\n"
    )
    assert Agent.objects.get(pk=world.agent.pk).state is AgentState.DEACTIVATED
    with pytest.raises(CommandError, match="deactivated already"):
        run("deactivate_agent", "ana")
    with pytest.raises(CommandError, match="no agent 'nobody'"):
        run("deactivate_agent", "ben", hand_over_to="nobody")
    assert run("reactivate_agent", "ana") == "Dr. Ana Ortiz can sign in again.\n"
    with pytest.raises(CommandError, match="not deactivated"):
        run("reactivate_agent", "ana")
