"""The one-click correction is the agent's word on the reading they saw: if the customer wrote
again after the page loaded, triage has read the new message and the click is refused with the
reason, rather than landing on words the agent has not read (found walking the desk, issue 15)."""

from __future__ import annotations

import re

from rapport.routing.actions.opening import receive_message
from rapport.triage.models import TriageCorrection
from tests.conftest import World
from tests.triage.helpers import clinic_case
from tests.workspace.helpers import HTMX


def _reading(page: str) -> str:
    found = re.search(r'name="reading" value="([^"]+)"', page)
    assert found, "the correction form carries the reading it shows"
    return found.group(1)


def test_a_click_on_a_reading_the_customer_has_written_past_is_refused(world: World) -> None:
    case = clinic_case(world)
    client = world.client_for(world.agent)
    reading = _reading(client.get(f"/cases/{case.pk}/").content.decode())
    receive_message(case=case, text="Sorry, false alarm, she is fine now.", channel="email")
    response = client.post(
        f"/cases/{case.pk}/triage/corrections/",
        {"signal": "urgent", "value": "false", "reading": reading},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "wrote again" in response.content.decode()
    assert not TriageCorrection.objects.exists()

    # On the page as it is now, the same click is taken.
    reading = _reading(client.get(f"/cases/{case.pk}/").content.decode())
    response = client.post(
        f"/cases/{case.pk}/triage/corrections/",
        {"signal": "urgent", "value": "false", "reading": reading},
    )
    assert response.status_code == 302
    assert TriageCorrection.objects.get().message == case.messages.order_by("-pk").first()
