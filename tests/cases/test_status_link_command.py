"""`rapport status-link CASE_ID [--revoke]`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from rapport.cases.models import CaseEvent, CaseEventKind
from tests.conftest import World


def _run(*args: str) -> str:
    out = StringIO()
    call_command("status_link", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_a_working_link_and_revokes(world: World) -> None:
    url, until = _run(str(world.case.pk)).splitlines()
    assert "/status/" in url and until.startswith("works until 20")
    path = "/" + url.split("/", 3)[3]
    assert b'id="case-summary"' in Client().get(path).content
    assert "stopped working" in _run(str(world.case.pk), "--revoke")
    assert b'id="link-gone"' in Client().get(path).content
    event = CaseEvent.objects.get(case=world.case, kind=CaseEventKind.STATUS_LINK_REVOKED)
    assert event.actor is None


def test_an_unknown_case_is_a_clear_error(world: World) -> None:
    with pytest.raises(CommandError, match=r"There is no case #999999\."):
        _run("999999")
