"""/api/v1/care: referrals, appointments with an invitation, and word of mouth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core import mail

from rapport.people.actions.agents import create_agent
from tests.api.conftest import assert_error
from tests.conftest import PASSWORD, World

BRIEF = {"situation": "Limping", "tried": "Rest", "needs": "An orthopaedic check"}


def test_referral_acknowledge_appointment_and_hand_back(
    world: World, api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    lee = create_agent(username="lee", display_name="Dr. Lee", password=PASSWORD)
    api, lee_api = api_as(world.agent), api_as(lee)
    created = api.post(f"/care/cases/{world.case.pk}/referrals", {**BRIEF, "to_agent_id": lee.pk})
    assert created.status_code == 201, created.content
    referral = created.json()
    assert referral["state"] == "sent" and referral["specialist"] == "Dr. Lee"
    assert referral["promise"]["kind"] == "referral"
    assert "I've asked Dr. Lee to help you" in referral["draft_introduction"]
    assert_error(api.post(f"/care/referrals/{referral['id']}/acknowledge", {}), 400, "bad_request")
    acked = lee_api.post(f"/care/referrals/{referral['id']}/acknowledge", {"note": "OK"})
    assert acked.json()["state"] == "acknowledged" and acked.json()["promise"]["status"] == "kept"

    starts = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        booked = api.post(
            f"/care/cases/{world.case.pk}/appointments",
            {
                "starts_at": starts.isoformat(),
                "location": "Clinic, room 2",
                "with_agent_id": lee.pk,
                "referral_id": referral["id"],
            },
        )
    assert booked.status_code == 201, booked.content
    assert booked.json()["with_name"] == "Dr. Lee" and booked.json()["invite_message_id"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["maria.lopez@example.com"]
    follow_ups = api.get("/care/promises", kind="follow_up", case=world.case.pk).json()["items"]
    assert len(follow_ups) == 1

    back = lee_api.post(f"/care/referrals/{referral['id']}/hand-back", {"note": "Sprain"})
    assert back.json()["state"] == "handed_back"
    intro = api.post(f"/care/referrals/{referral['id']}/introduction", {"text": "Meet Dr. Lee"})
    assert intro.json()["introduction_message_id"] is not None


def test_referral_needs_one_specialist_and_provider_contact(world: World, api_as: Any) -> None:
    api = api_as(world.agent)
    response = api.post(f"/care/cases/{world.case.pk}/referrals", BRIEF)
    assert_error(response, 400, "bad_request", field="to_agent")
    response = api.post(
        f"/care/cases/{world.case.pk}/referrals", {**BRIEF, "provider_name": "Dr. Out"}
    )
    assert_error(response, 400, "bad_request", field="provider_phone")


def test_word_of_mouth(world: World, api_as: Any) -> None:
    api = api_as(world.agent)
    url = f"/care/customers/{world.customer.pk}/word-of-mouth"
    made = api.post(url, {"direction": "recommended", "other_name": "Her neighbour Eva"})
    assert made.status_code == 201
    assert (
        made.json()["referrer"] == "Maria Lopez" and made.json()["referred"] == "Her neighbour Eva"
    )
    assert [row["referred"] for row in api.get(url).json()["items"]] == ["Her neighbour Eva"]
    assert_error(api.post(url, {"direction": "sideways"}), 422, "validation_error")


def test_wrong_person_is_refused(world: World, api_as: Any) -> None:
    outsider = api_as(world.outsider)
    assert_error(
        outsider.post(f"/care/cases/{world.case.pk}/referrals", {**BRIEF, "to_team_id": 1}),
        404,
        "not_found",
    )
    url = f"/care/customers/{world.customer.pk}/word-of-mouth"
    assert_error(outsider.get(url), 404, "not_found")
    assert_error(
        outsider.post(
            f"/care/cases/{world.case.pk}/appointments",
            {"starts_at": "2030-01-01T10:00:00Z", "location": "x", "with_name": "y"},
        ),
        404,
        "not_found",
    )
