"""`rapport triage train | models | activate` and the desk model every process uses.

Training here reads a small slice of the shipped labelled data, and the frozen-set check a
stand-in slice of it (never the frozen set), so that each test takes seconds."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.people.models import SecurityEvent
from rapport.triage import desk, learned, retrain, training
from rapport.triage.actions.corrections import correct_signal
from rapport.triage.actions.models import activate_model, store_model
from rapport.triage.models import TriageModel
from tests.conftest import World
from tests.triage.helpers import clinic_case

LABELLED = Path(training.__file__).resolve().parent / "data" / "labelled.jsonl"


@pytest.fixture(autouse=True)
def _small_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    lines = LABELLED.read_text(encoding="utf-8").splitlines()
    train, check = tmp_path / "train.jsonl", tmp_path / "check.jsonl"
    train.write_text("\n".join(lines[i] for i in range(300) if i % 3) + "\n", encoding="utf-8")
    check.write_text("\n".join(lines[i] for i in range(300) if not i % 3) + "\n", encoding="utf-8")
    monkeypatch.setattr(training, "shipped_data", lambda: [train])
    monkeypatch.setattr(retrain, "FROZEN", check)
    desk.forget()
    yield
    desk.forget()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("triage", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_json_interface_is_unchanged_beside_the_tasks() -> None:
    data = json.loads(run("--json", "I just want to talk to a real person!"))
    assert data["wants_human"] is True
    with pytest.raises(CommandError, match="--json --jsonl"):
        run()
    with pytest.raises(CommandError, match="neither --json"):
        run("models", "--json", "hello")


def test_train_reports_figures_and_activates_a_model_not_worse(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(retrain, "TOLERANCE", 1.0)  # any model passes: this test is the path
    case = clinic_case(world)
    correct_signal(agent=world.agent, case=case, signal="upset", value=True)
    with django_capture_on_commit_callbacks(execute=True):
        out = run("train")
    assert "Training desk model 1 on the shipped data and 1 corrections" in out
    assert "Cross-validated (5 folds x 5 splits, 201 messages):" in out
    assert "urgent" in out and "combined P" in out
    assert "On the frozen set (F1)" in out
    assert "Desk model 1 decides now" in out
    stored = TriageModel.objects.get()
    assert stored.active and stored.corrections == 1 and stored.trained_by is None
    assert set(stored.figures) == {"cross_validated", "frozen", "frozen_before"}
    assert "desk model 1 trained on 1 corrections" in SecurityEvent.objects.get().detail
    # Every triage from now on is the desk model's, and the case says so.
    later = clinic_case(world, "Nobody answers my emails, I am furious")
    assert later.triage["model"] == {"name": "desk", "version": "1"}
    assert "* desk 1" in run("models")


def test_train_refuses_a_model_worse_on_the_frozen_set(world: World) -> None:
    # Agents who click the opposite of the truth on every message teach the model nonsense.
    check = [json.loads(line) for line in retrain.FROZEN.read_text().splitlines()]
    for example in check:
        case = clinic_case(world, example["text"])
        correct_signal(
            agent=world.agent, case=case, signal="urgent", value=not example["labels"]["urgent"]
        )
    with pytest.raises(CommandError, match=r"Not activated: desk model 1 is worse .*urgent: F1"):
        run("train")
    assert not TriageModel.objects.exists()
    assert desk.current_model() is None


def _desk_model(version: str) -> bytes:
    return replace(learned.load_shipped(), name="desk", version=version).to_bytes()


def test_activate_rolls_back_and_is_audited(world: World) -> None:
    store_model(version="1", data=_desk_model("1"), figures={}, corrections=0, by=None)
    store_model(version="2", data=_desk_model("2"), figures={}, corrections=3, by=None)
    assert TriageModel.objects.get(active=True).version == "2"
    assert run("activate", "1") == "Desk model 1 decides now.\n"
    assert run("activate", "--shipped") == "The shipped model decides now.\n"
    assert not TriageModel.objects.filter(active=True).exists()
    details = list(SecurityEvent.objects.order_by("pk").values_list("detail", flat=True))
    assert details[-2:] == [
        "triage: desk model 1 decides (was desk model 2)",
        "triage: the shipped model decides (was desk model 1)",
    ]
    with pytest.raises(CommandError, match="There is no desk model 9"):
        run("activate", "9")
    with pytest.raises(CommandError, match="VERSION or --shipped"):
        run("activate")
    listing = run("models")
    assert listing.startswith("* shipped") and "  desk 2" in listing and "  desk 1" in listing


def test_every_process_sees_a_change_within_the_check_interval(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(desk, "time", SimpleNamespace(monotonic=lambda: clock.now))
    assert desk.current_model() is None
    # Another process activates a desk model: this one keeps the shipped one for up to 30 s.
    store_model(version="1", data=_desk_model("1"), figures={}, corrections=0, by=None)
    desk._seen = replace(desk._seen, checked=clock.now)  # as if its forget() ran elsewhere
    assert desk.current_model() is None
    clock.now += desk.CHECK_SECONDS
    with CaptureQueriesContext(connection) as loaded:
        model = desk.current_model()
    assert model is not None and model.version == "1"
    assert len(loaded) == 2  # the active id, then the bytes once
    clock.now += desk.CHECK_SECONDS
    with CaptureQueriesContext(connection) as checked:
        assert desk.current_model() is model  # unchanged: no bytes read again
    assert len(checked) == 1
    clock.now += 1
    with CaptureQueriesContext(connection) as cached:
        desk.current_model()
    assert len(cached) == 0
    with django_capture_on_commit_callbacks(execute=True):
        activate_model(version=None, by=world.supervisor)
    assert desk.current_model() is None  # this process forgot on commit
