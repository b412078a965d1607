"""What a case shows once an agent corrected triage, in the API as in the inbox: each signal says
what triage read (`raised`) and what the case shows now (`shown`), and the reasons and the audit
say a correction in words a person would use (found walking the desk, issue 15)."""

from __future__ import annotations

from rapport.cases.models import CaseEvent
from tests.api.conftest import ApiClient
from tests.conftest import World
from tests.triage.helpers import clinic_case


def test_a_corrected_signal_is_shown_as_corrected(world: World, api: ApiClient) -> None:
    case = clinic_case(world, "My dog is bleeding and I want to speak to a person now!")
    url = f"/cases/{case.pk}/triage/corrections"
    assert api.post(url, {"signal": "wants_human", "value": False}).status_code == 201
    assert api.post(url, {"signal": "compliment", "value": True}).status_code == 201

    for triage in (
        api.get(f"/cases/{case.pk}").json()["triage"],
        next(c for c in api.get("/cases").json()["items"] if c["id"] == case.pk)["triage"],
    ):
        signals = triage["signals"]
        assert (signals["wants_human"]["raised"], signals["wants_human"]["shown"]) == (True, False)
        assert (signals["compliment"]["raised"], signals["compliment"]["shown"]) == (False, True)
        assert (signals["urgent"]["raised"], signals["urgent"]["shown"]) == (True, True)
        assert (signals["loop"]["raised"], signals["loop"]["shown"]) == (False, False)
        assert "didn't ask for a person" in triage["priority_reason"]
        assert "not wants a person" not in triage["priority_reason"]

    reasons = set(
        CaseEvent.objects.filter(case=case, kind="triage_corrected").values_list(
            "reason", flat=True
        )
    )
    assert {reason.split(";")[0] for reason in reasons} == {
        "didn't ask for a person",
        "was a compliment",
    }
