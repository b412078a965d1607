"""`rapport agent-notifications`: an operator shows or sets an agent's email-notification
choices, through the same action as the account page and the API."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rapport.people.actions.notifications import Choice, choices_of
from rapport.people.models import NoticeKind, NotificationChoice
from tests.conftest import World


def run(*args: str) -> str:
    out = StringIO()
    call_command("agent_notifications", *args, stdout=out)
    return out.getvalue()


def test_shows_and_sets_the_choices(world: World) -> None:
    shown = run("ana")
    assert "Dr. Ana Ortiz (no address: nothing can be mailed):" in shown
    assert "assigned             not emailed" in shown
    said = run("ana", "--email", "assigned", "--even-off-shift", "promise_due")
    assert "assigned             emailed on shift" in said
    assert "promise_due          emailed, even off shift" in said
    assert choices_of(world.agent)[NoticeKind.PROMISE_DUE] == Choice(True, True)
    run("ana", "--off", "assigned")
    assert choices_of(world.agent)[NoticeKind.ASSIGNED] == Choice()
    assert choices_of(world.agent)[NoticeKind.PROMISE_DUE] == Choice(True, True)


def test_an_unknown_kind_or_agent_is_refused_and_nothing_changes(world: World) -> None:
    with pytest.raises(CommandError, match="'weather' is not a kind of notification"):
        run("ana", "--email", "assigned", "--email", "weather")
    assert not NotificationChoice.objects.exists()
    with pytest.raises(CommandError, match="There is no agent 'nobody'"):
        run("nobody")
