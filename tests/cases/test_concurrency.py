"""Two agents changing the same case at the same moment: a status change wins once and the other
is told; tag changes are each kept."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections

from rapport.cases.actions.assignment import set_tags
from rapport.cases.actions.status import change_status
from rapport.cases.models import Case, CaseEvent, Status
from rapport.lib.errors import ActionError
from rapport.people.models import Agent
from tests.conftest import World


@pytest.mark.django_db(transaction=True)
def test_concurrent_status_changes_do_not_lose_updates(world: World) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def agent_changes(to: str) -> None:
        try:
            barrier.wait()
            change_status(case=world.case, to=to, by=world.agent, expected=Status.NEW)
            outcomes.append(f"ok:{to}")
        except ActionError as error:
            outcomes.append(f"refused:{error.status_code}")
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=agent_changes, args=(to,))
        for to in (Status.RESOLVED, Status.WAITING_US)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o.startswith("ok:")]
    assert len(winners) == 1, outcomes
    assert outcomes.count("refused:409") == 1
    final = Case.objects.get(pk=world.case.pk).status
    assert winners == [f"ok:{final}"]
    assert CaseEvent.objects.filter(case=world.case, kind="status").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_tag_changes_do_not_lose_one(world: World) -> None:
    # Both agents hold the case as it was (no tags) and each adds a tag at the same moment.
    held = {tag: Case.objects.get(pk=world.case.pk) for tag in ("billing", "follow-up")}
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def agent_tags(tag: str, by: Agent) -> None:
        try:
            barrier.wait()
            set_tags(case=held[tag], tags=[tag], by=by)
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=agent_tags, args=("billing", world.agent)),
        threading.Thread(target=agent_tags, args=("follow-up", world.colleague)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Case.objects.get(pk=world.case.pk).tags == ["billing", "follow-up"]
    events = CaseEvent.objects.filter(case=world.case, kind="tags").order_by("pk")
    assert [(e.before["tags"], e.after["tags"]) for e in events] in (
        [([], ["billing"]), (["billing"], ["billing", "follow-up"])],
        [([], ["follow-up"]), (["follow-up"], ["billing", "follow-up"])],
    )


def test_tags_set_from_a_stale_page_keep_what_others_changed_meanwhile(world: World) -> None:
    client = world.client_for(world.agent)
    url = f"/cases/{world.case.pk}/tags/"
    assert client.post(url, {"tags": "cough, mila", "seen": ""}).status_code == 302
    # A colleague's page still shows "cough, mila"; Ana's shows the same. Ana drops "mila"...
    assert client.post(url, {"tags": "cough", "seen": "cough, mila"}).status_code == 302
    # ...while Ben, on a page from before, adds "x-ray": Ana's removal and his tag both stand.
    ben = world.client_for(world.colleague)
    assert ben.post(url, {"tags": "cough, mila, x-ray", "seen": "cough, mila"}).status_code == 302
    assert Case.objects.get(pk=world.case.pk).tags == ["cough", "x-ray"]
