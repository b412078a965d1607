"""Two agents changing the same case at the same moment: one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections

from rapport.cases.actions.status import change_status
from rapport.cases.models import Case, CaseEvent, Status
from rapport.lib.errors import ActionError
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
