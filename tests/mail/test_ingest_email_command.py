"""`rapport ingest-email [FILE ...|-] [--json] [--retry-failed]`: the MTA pipe."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rapport.cases.models import Case, Message
from rapport.mail import waves
from rapport.mail.actions import intake
from rapport.mail.models import InboundEmail, InboundStatus
from tests.conftest import World, shared_fixture
from tests.mail.intake_helpers import make_mail

pytestmark = pytest.mark.django_db
KEYS = ["message_id", "case_id", "customer_id", "outcome", "reason"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _files(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"


def run(*args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("ingest_email", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_json_prints_one_object_per_message_with_its_outcome(world: World, tmp_path: Path) -> None:
    first = tmp_path / "1.eml"
    first.write_bytes(make_mail(subject="Mila's vaccination", message_id="<a1@m.ex>"))
    second = tmp_path / "2.eml"
    second.write_bytes(
        make_mail(subject="Re: Mila's vaccination", message_id="<a2@m.ex>", in_reply_to="<a1@m.ex>")
    )
    again = tmp_path / "3.eml"
    again.write_bytes(first.read_bytes())
    bounce = shared_fixture("sisimai_set_of_emails", "maildir", "bsd", "rfc3464-06.eml")
    auto = shared_fixture("sisimai_set_of_emails", "maildir", "bsd", "rfc3834-01.eml")

    results = run("--json", str(first), str(second), str(again), str(bounce), str(auto))

    assert [list(r) for r in results] == [KEYS] * 5
    assert [r["outcome"] for r in results] == [
        "new_case",
        "threaded",
        "duplicate",
        "bounce",
        "auto_reply",
    ]
    assert results[0]["message_id"] == "<a1@m.ex>"
    assert results[0]["customer_id"] == world.customer.pk
    assert results[1]["case_id"] == results[0]["case_id"]
    assert results[2]["case_id"] == results[0]["case_id"]
    assert "In-Reply-To <a1@m.ex>" in results[1]["reason"]
    assert results[3]["case_id"] is None  # a bounce for an address nobody has
    case = Case.objects.get(pk=results[0]["case_id"])
    assert case.messages.count() == 2
    assert InboundEmail.objects.filter(source="pipe").count() == 5


def test_reads_standard_input_and_keeps_the_envelope(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = make_mail(subject="From the pipe")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    results = run(
        "--json",
        "--envelope-from",
        "maria.lopez@example.com",
        "--envelope-to",
        f"support+{world.case.pk}@clinic.example",
        "-",
    )
    assert results[0]["outcome"] == "threaded"
    assert results[0]["case_id"] == world.case.pk
    row = InboundEmail.objects.get()
    assert bytes(row.raw) == raw
    assert row.envelope_from == "maria.lopez@example.com"
    assert row.envelope_to == [f"support+{world.case.pk}@clinic.example"]


def test_without_json_the_worker_processes_it_after_commit(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(make_mail())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert run(str(path)) == []
    # One processing job queued on commit (the desk's live pages are nudged on commit too).
    queued = [c for c in callbacks if getattr(c, "func", None) is intake._enqueue]
    assert len(queued) == 1
    assert InboundEmail.objects.get().status == InboundStatus.PROCESSED
    assert Message.objects.filter(external_id="<m1@mail.example.com>").exists()


def test_an_unreadable_file_is_a_clear_error_and_nothing_is_stored(
    world: World, tmp_path: Path
) -> None:
    readable = tmp_path / "1.eml"
    readable.write_bytes(make_mail())
    with pytest.raises(
        CommandError, match=r"cannot read .*missing\.eml.*nothing was stored"
    ) as error:
        run("--json", str(readable), str(tmp_path / "missing.eml"))
    assert error.value.returncode == 66
    assert not InboundEmail.objects.exists()  # all the files or none: the MTA can retry them


def test_retry_failed_processes_failed_mail_again(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(make_mail())

    def broken(**kwargs: Any) -> Case:
        raise RuntimeError("routing is down")

    with monkeypatch.context() as patch:
        patch.setattr(waves, "open_cases", broken)
        (failed,) = run("--json", str(path))
    assert failed["outcome"] == "failed"
    assert "routing is down" in failed["reason"]
    (retried,) = run("--json", "--retry-failed")
    assert retried["outcome"] == "new_case"
    assert InboundEmail.objects.get().attempts == 2


@pytest.mark.parametrize(
    "database_url",
    ["postgresql://rapport@127.0.0.1:1/rapport", "sqlite:////nonexistent-folder/rapport.sqlite3"],
    ids=["postgresql-down", "sqlite-unopenable"],
)
def test_database_unavailable_exits_75_so_the_mta_retries(
    tmp_path: Path, database_url: str
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RAPPORT_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "x" * 50,
    }
    done = subprocess.run(
        [sys.executable, "-m", "rapport.cli", "ingest-email", "--json", "-"],
        input=make_mail(),
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 75, done.stderr.decode()
    assert b"database is unavailable" in done.stderr
    assert done.stdout == b""


def test_a_message_over_the_size_limit_exits_65_and_nothing_is_stored(
    world: World, tmp_path: Path, settings: Any
) -> None:
    settings.RAPPORT_INBOUND_MAX_BYTES = 4096
    small = tmp_path / "small.eml"
    small.write_bytes(make_mail(message_id="<small@m.ex>"))
    big = tmp_path / "big.eml"
    big.write_bytes(make_mail(body="x" * 5000, message_id="<big@m.ex>"))
    with pytest.raises(
        CommandError, match=r"big\.eml is 5,[0-9]{3} bytes, over the limit of 4,096"
    ) as err:
        run("--json", str(small), str(big))
    assert err.value.returncode == 65
    assert "nothing was stored" in str(err.value)
    assert not InboundEmail.objects.exists()  # the small one neither: all of them or none


def test_the_pipe_refuses_a_message_over_the_limit_with_exit_65(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'desk.sqlite3'}",
        "RAPPORT_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "x" * 50,
        "RAPPORT_INBOUND_MAX_BYTES": "2048",
    }
    done = subprocess.run(
        [sys.executable, "-m", "rapport.cli", "ingest-email", "-"],
        input=make_mail(body="y" * 3000),
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 65, done.stderr.decode()
    assert b"over the limit of 2,048 (RAPPORT_INBOUND_MAX_BYTES); nothing was stored" in done.stderr


def test_an_address_as_display_name_with_a_case_token_does_not_join_that_case(
    world: World, tmp_path: Path
) -> None:
    """The mail_regressions README's check, through the pipe: the victim's address written as
    the display name, the victim's case token in the Subject."""
    spoof = tmp_path / "spoof.eml"
    spoof.write_bytes(
        b"From: maria.lopez@example.com <attacker@evil.example>\r\n"
        b"To: support@clinic.example\r\n"
        + f"Subject: Re: Mila [#{world.case.pk}]\r\n".encode()
        + b"Message-ID: <spoof@evil.example>\r\n\r\nPlease send me her records.\r\n"
    )
    before = Message.objects.filter(case=world.case).count()
    (result,) = run(str(spoof), "--json")
    assert result["case_id"] != world.case.pk
    assert result["customer_id"] != world.customer.pk
    assert Message.objects.filter(case=world.case).count() == before
    assert InboundEmail.objects.get(message_id="<spoof@evil.example>").sender == (
        "attacker@evil.example"
    )
