"""`rapport create-api-token --agent USERNAME --name NAME`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rapport.cli import main
from rapport.people.models import ApiToken
from tests.api.conftest import ApiClient
from tests.conftest import World


def test_prints_a_working_token_once_and_stores_only_its_hash(world: World) -> None:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", agent="ana", name="CRM sync", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("rp_") and "\n" not in raw
    token = ApiToken.objects.get(agent=world.agent, name="CRM sync")
    assert token.key_hash == ApiToken.hash(raw) and raw not in token.key_hash
    assert "only this once" in err.getvalue()
    assert ApiClient(raw).get("/agents/me").json()["username"] == "ana"


def test_unknown_agent_or_blank_name_fail_clearly(world: World) -> None:
    with pytest.raises(CommandError, match="no active agent"):
        call_command("create_api_token", agent="nobody", name="x")
    with pytest.raises(CommandError, match="--name"):
        call_command("create_api_token", agent="ana", name="  ")
    assert not ApiToken.objects.exists()


def test_the_rapport_command_accepts_the_hyphenated_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Running it for real in-process would close the test's database connection afterwards.
    with pytest.raises(SystemExit) as exit_info:
        main(["create-api-token", "--help"])
    assert exit_info.value.code == 0
    assert "Create an API token for an agent" in capsys.readouterr().out
