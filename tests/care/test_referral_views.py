"""Refer from the case, the specialist acknowledges and hands back, the agent introduces."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import mail
from django.utils import timezone

from rapport.care.models import Appointment, Referral, ReferralState
from rapport.people.actions.agents import create_agent
from tests.conftest import PASSWORD, World
from tests.workspace.helpers import assert_login_required

BRIEF = {
    "situation": "Cough for three days, worse at night",
    "tried": "Rest, honey",
    "needs": "A chest X-ray",
    "urgency": "soon",
}


def test_refer_acknowledge_introduce_hand_back(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    lee = create_agent(username="lee", display_name="Dr. Lee", password=PASSWORD)
    ana = world.client_for(world.agent)
    assert ana.get(f"/care/cases/{world.case.pk}/refer/").status_code == 200
    response = ana.post(f"/care/cases/{world.case.pk}/refer/", {**BRIEF, "to_agent": lee.pk})
    referral = Referral.objects.get()
    assert response["Location"] == f"/care/referrals/{referral.pk}/"

    lee_client = world.client_for(lee)  # not in the clinic team, but it was referred to him
    page = lee_client.get(f"/care/referrals/{referral.pk}/").content.decode()
    assert "A chest X-ray" in page and 'id="referral-acknowledge"' in page
    assert f'data-referral-id="{referral.pk}"' in lee_client.get("/care/calls/").content.decode()
    # Ana cannot acknowledge for him.
    ana.post(f"/care/referrals/{referral.pk}/acknowledge/")
    assert Referral.objects.get().state == ReferralState.SENT
    lee_client.post(f"/care/referrals/{referral.pk}/acknowledge/", {"note": "Tomorrow 9"})
    world.case.refresh_from_db()
    assert Referral.objects.get().state == ReferralState.ACKNOWLEDGED
    assert world.case.owner_id == lee.pk

    starts = (timezone.now() + timedelta(days=2)).astimezone(timezone.get_current_timezone())
    with django_capture_on_commit_callbacks(execute=True):
        response = ana.post(
            f"/care/cases/{world.case.pk}/appointment/",
            {
                "starts_at": starts.strftime("%Y-%m-%dT09:00"),
                "duration_minutes": "30",
                "timezone": "Europe/Madrid",
                "with_agent": lee.pk,
                "location": "Night clinic, room 2",
                "referral": referral.pk,
                "follow_up": "on",
            },
        )
    assert response.status_code == 302, response.content.decode()
    assert Appointment.objects.get().referral_id == referral.pk
    assert len(mail.outbox) == 1

    draft = ana.get(f"/care/referrals/{referral.pk}/").content.decode()
    assert "I&#x27;ve asked Dr. Lee to see you" in draft
    ana.post(f"/care/referrals/{referral.pk}/introduce/", {"text": "Hello Maria, meet Dr. Lee."})
    assert Referral.objects.get().introduction is not None

    lee_client.post(f"/care/referrals/{referral.pk}/hand-back/", {"note": "X-ray clear"})
    world.case.refresh_from_db()
    assert world.case.owner_id == world.agent.pk


def test_the_brief_is_required(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/care/cases/{world.case.pk}/refer/", {"provider_name": "Dr. Vet", "situation": "x"}
    )
    assert response.status_code == 400 and not Referral.objects.exists()


def test_wrong_person_is_refused(world: World) -> None:
    outsider = world.client_for(world.outsider)
    assert outsider.get(f"/care/cases/{world.case.pk}/refer/").status_code == 404
    assert outsider.get(f"/care/cases/{world.case.pk}/appointment/").status_code == 404
    world.client_for(world.agent).post(
        f"/care/cases/{world.case.pk}/refer/",
        {**BRIEF, "provider_name": "Dr. Vet", "provider_phone": "+34 600 000 000"},
    )
    referral = Referral.objects.get()
    assert outsider.get(f"/care/referrals/{referral.pk}/").status_code == 404
    assert outsider.post(f"/care/referrals/{referral.pk}/acknowledge/").status_code == 404
    assert_login_required(f"/care/referrals/{referral.pk}/")


def test_a_note_too_long_to_keep_is_refused_not_dropped(world: World) -> None:
    """The specialist's note used to be thrown away silently when the form refused it."""
    lee = create_agent(username="lee", display_name="Dr. Lee", password=PASSWORD)
    world.client_for(world.agent).post(
        f"/care/cases/{world.case.pk}/refer/", {**BRIEF, "to_agent": lee.pk}
    )
    referral = Referral.objects.get()
    response = world.client_for(lee).post(
        f"/care/referrals/{referral.pk}/acknowledge/", {"note": "x" * 5001}, follow=True
    )
    assert "Note: Ensure this value has at most 5000 characters" in response.content.decode()
    assert Referral.objects.get().state == ReferralState.SENT


def test_a_referral_to_a_made_up_colleague_is_refused_by_name(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/care/cases/{world.case.pk}/refer/", {**BRIEF, "to_agent": 999_999}
    )
    assert response.status_code == 400
    assert "There is no agent #999999." in response.content.decode()
    assert not Referral.objects.exists()
