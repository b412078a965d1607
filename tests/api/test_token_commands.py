"""`rapport create-api-token --days`, `rapport list-api-tokens`, `rapport revoke-api-token`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from rapport.people.actions.security import issue_api_token
from rapport.people.models import ApiToken
from tests.api.conftest import ApiClient
from tests.conftest import World


def run(*args: str, **options: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_create_takes_a_lifetime(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        raw, err = run("create_api_token", agent="ana", name="Backup", days=30)
    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw.strip()))
    assert token.expires_at == start + timedelta(days=30)
    assert f"id {token.pk}" in err and "works until" in err
    with pytest.raises(CommandError, match="from 1 to 730 days"):
        run("create_api_token", agent="ana", name="Forever", days=100000)


def test_list_shows_active_tokens_and_with_all_the_rest(world: World) -> None:
    active = issue_api_token(agent=world.agent, name="CRM sync")
    gone = issue_api_token(agent=world.colleague, name="Old script")
    call_command("revoke_api_token", str(gone.token.pk), stdout=StringIO())
    out, _ = run("list_api_tokens")
    assert "CRM sync" in out and "Old script" not in out
    assert active.raw not in out and active.token.key_hash not in out
    out, _ = run("list_api_tokens", "--all", "--agent", "ben")
    assert "Old script" in out and "revoked" in out and "CRM sync" not in out


def test_revoke_by_id_or_prefix(world: World) -> None:
    issued = issue_api_token(agent=world.agent, name="CRM sync")
    out, _ = run("revoke_api_token", issued.token.prefix)
    assert "revoked" in out
    assert ApiClient(issued.raw).get("/agents/me").status_code == 401
    out, _ = run("revoke_api_token", str(issued.token.pk))
    assert "was already revoked" in out
    with pytest.raises(CommandError, match="no API token"):
        run("revoke_api_token", "rp_nothing")
