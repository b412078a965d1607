"""Everything held on a person, from the command line, the web and the API: one function."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from rapport.datacare.models import AccessKind, AccessLog
from tests.api.conftest import ApiClient
from tests.conftest import World
from tests.datacare.conftest import Rich


def _assert_everything(data: dict[str, Any], rich: Rich) -> None:
    text = json.dumps(data)
    for secret in rich.secrets:
        assert secret.lower() in text.lower(), secret
    assert rich.bystander_words not in text
    assert data["customer_id"] == rich.customer.pk
    assert [c["id"] for c in data["cases"]] == [rich.case.pk]
    directions = sorted(m["direction"] for m in data["messages"])
    assert directions == ["in", "note", "out"]
    (attachment,) = data["attachments"]
    assert attachment["sha256"] == rich.attachment_sha256
    assert [e["id"] for e in data["inbound_emails"]] == [rich.inbound.pk]
    assert data["inbound_emails"][0]["raw_sha256"]
    assert {e["kind"] for e in data["customer_events"]} >= {"note_added", "note_deleted"}
    for key in ("calls", "promises", "make_goods", "assets", "rapport_notes", "identities"):
        assert data[key], key


def test_command_writes_everything_to_a_file(rich: Rich, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    call_command("export_customer", str(rich.customer.pk), "--output", str(out))
    data = json.loads(out.read_text())
    _assert_everything(data, rich)
    assert out.stat().st_mode & 0o077 == 0
    entry = AccessLog.objects.get(kind=AccessKind.EXPORT)
    assert (entry.customer_id, entry.agent_id, entry.via) == (rich.customer.pk, None, "cli")


def test_command_refuses_an_unknown_customer(db: None) -> None:
    with pytest.raises(CommandError, match="no customer #999999"):
        call_command("export_customer", "999999")


def test_web_export_is_for_supervisors(world: World, rich: Rich) -> None:
    url = f"/datacare/customers/{rich.customer.pk}/export/"
    assert world.client_for(world.agent).get(url).status_code == 404
    assert world.client_for(world.outsider).get(url).status_code == 404
    response = world.client_for(world.supervisor).get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    _assert_everything(json.loads(response.content), rich)
    entry = AccessLog.objects.get(kind=AccessKind.EXPORT)
    assert (entry.agent_id, entry.via) == (world.supervisor.pk, "web")


def test_api_export_is_for_supervisors(world: World, rich: Rich, api_as: Any) -> None:
    path = f"/customers/{rich.customer.pk}/export"
    agent: ApiClient = api_as(world.agent)
    assert agent.get(path).status_code == 404
    supervisor: ApiClient = api_as(world.supervisor)
    response = supervisor.get(path)
    assert response.status_code == 200
    _assert_everything(response.json(), rich)
    assert supervisor.get("/customers/999999/export").status_code == 404
    assert AccessLog.objects.filter(kind=AccessKind.EXPORT, via="api").count() == 1
