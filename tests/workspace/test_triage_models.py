from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.people.models import SecurityEvent
from rapport.triage import desk, inputs, learned
from rapport.triage.actions.corrections import correct_signal
from rapport.triage.actions.models import store_model
from rapport.triage.models import TriageModel
from tests.conftest import World
from tests.triage.helpers import CALM, clinic_case
from tests.workspace.helpers import assert_login_required

URL = "/supervisor/triage/"


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    yield
    desk.forget()


def _model(version: str) -> bytes:
    return replace(learned.load_shipped(), name="desk", version=version).to_bytes()


def test_supervisor_sees_the_deciding_model_and_who_corrected(world: World) -> None:
    case = clinic_case(world)
    correct_signal(agent=world.agent, case=case, signal="urgent", value=False)
    client = world.client_for(world.supervisor)
    page = client.get(URL).content.decode()
    assert "The shipped model (version" in page
    assert "Agents have corrected triage 1 time." in page
    assert "Dr. Ana Ortiz" in page and "not urgent" in page and case.reference in page
    store_model(
        version="1",
        data=_model("1"),
        figures={"frozen": {s: {"f1": 0.5} for s in inputs.RULE_SIGNALS}},
        corrections=1,
        by=world.supervisor,
    )
    page = client.get(URL).content.decode()
    assert "The desk's own model, version <b>1</b>" in page
    assert "0.5 · 0.5 · 0.5 · 0.5 · 0.5" in page and "by Sam Reyes" in page


def test_the_page_reads_the_same_few_queries_however_many_corrections(world: World) -> None:
    client = world.client_for(world.supervisor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(URL).status_code == 200
        return len(seen)

    correct_signal(agent=world.agent, case=clinic_case(world), signal="urgent", value=False)
    few = queries()
    for n in range(6):
        case = clinic_case(world, CALM + f" ({n})")
        correct_signal(agent=world.colleague, case=case, signal="upset", value=True)
        store_model(version=str(n + 1), data=_model(str(n + 1)), figures={}, corrections=n, by=None)
    assert queries() == few


def test_wrong_person_is_refused(world: World) -> None:
    assert world.client_for(world.agent).get(URL).status_code == 404
    assert world.client_for(world.outsider).get(URL).status_code == 404
    assert_login_required(URL)


def test_supervisor_rolls_back_from_the_page(world: World) -> None:
    store_model(version="1", data=_model("1"), figures={}, corrections=0, by=None)
    store_model(version="2", data=_model("2"), figures={}, corrections=0, by=None)
    client = world.client_for(world.supervisor)
    page = client.get(URL).content.decode()
    assert 'id="activate-1"' in page and 'id="activate-shipped"' in page
    assert 'id="activate-2"' not in page  # it decides already
    response = client.post("/supervisor/triage/activate/", {"version": "1"}, follow=True)
    assert "Desk model 1 decides now." in response.content.decode()
    assert TriageModel.objects.get(active=True).version == "1"
    response = client.post("/supervisor/triage/activate/", {"version": "9"}, follow=True)
    assert "There is no desk model 9." in response.content.decode()
    client.post("/supervisor/triage/activate/", {"version": "shipped"})
    assert not TriageModel.objects.filter(active=True).exists()
    assert SecurityEvent.objects.filter(actor=world.supervisor).count() == 2
    agent = world.client_for(world.agent)
    assert agent.post("/supervisor/triage/activate/", {"version": "1"}).status_code == 404
    assert not TriageModel.objects.filter(active=True).exists()
