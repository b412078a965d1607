"""Issue 14: supervisors run the desk's people: invite by email (a one-time link that expires),
change what routing knows of an agent, reactivate one. Deactivation: tests/routing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from rapport.lib.errors import ActionError, Forbidden
from rapport.mail.models import AgentMail, AgentMailStatus
from rapport.people.actions import staff
from rapport.people.actions.agents import create_agent
from rapport.people.models import (
    Agent,
    AgentState,
    Invitation,
    SecurityEvent,
    SecurityEventKind,
)
from rapport.routing.actions.staff import deactivate_agent
from rapport.routing.service import load_candidates
from tests.conftest import PASSWORD, World

NEW_PASSWORD = "a long and private passphrase"


def invite_lena(world: World, capture: Any, **extra: Any) -> Invitation:
    with capture(execute=True):
        return staff.invite_agent(
            email=" Lena.Park@Clinic.example ",
            display_name="Dr.  Lena Park",
            by=world.supervisor,
            site=world.night_site,
            teams=[world.clinic],
            skills=["Dental", " spanish", "dental"],
            capacity=12,
            **extra,
        )


def link_path(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/welcome/[^/\s]+/)", body)
    assert found is not None, body
    return found.group(1)


def candidate_ids() -> set[int]:
    return {c.agent_id for c in load_candidates(now=timezone.now())}


def test_an_invited_agent_waits_out_of_routing_until_they_choose_a_password(
    world: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://desk.example.com"
    invitation = invite_lena(world, django_capture_on_commit_callbacks)
    lena = Agent.objects.select_related("user").get(pk=invitation.agent_id)
    assert lena.display_name == "Dr. Lena Park"
    assert lena.user.get_username() == lena.user.email == "lena.park@clinic.example"
    assert lena.skills == ["dental", "spanish"] and lena.capacity == 12
    assert lena.timezone == "Europe/Madrid"  # the site's
    assert list(lena.teams.all()) == [world.clinic]
    assert lena.state is AgentState.INVITED and not lena.user.has_usable_password()
    assert lena.pk not in candidate_ids()
    # The mail went out through the worker, with the link, and the row says so.
    [message] = mail.outbox
    assert message.to == ["lena.park@clinic.example"]
    assert "Sam Reyes has added you to Rapport" in message.body
    assert '"lena.park@clinic.example"' in message.body and "for 7 days" in message.body
    invitation.refresh_from_db()
    sent = AgentMail.objects.get(pk=int(invitation.mail_id or 0))
    assert sent.status == AgentMailStatus.SENT and sent.text == ""  # settled: the link is gone
    event = SecurityEvent.objects.get(kind=SecurityEventKind.AGENT_INVITED)
    assert event.actor == world.supervisor and event.user_id == lena.user.pk
    # The link lets her choose a password, once; then she signs in and is routed cases.
    client = Client()
    path = link_path(str(message.body))
    page = client.get(path)
    assert page.status_code == 200 and "Welcome, Dr. Lena Park" in page.content.decode()
    differ = client.post(path, {"password": NEW_PASSWORD, "again": "something else"})
    assert differ.status_code == 400 and "The two passwords differ" in differ.content.decode()
    weak = client.post(path, {"password": "abc", "again": "abc"})
    assert weak.status_code == 400 and "too short" in weak.content.decode()
    done = client.post(path, {"password": NEW_PASSWORD, "again": NEW_PASSWORD}, follow=True)
    assert done.redirect_chain == [("/login/", 302)]
    assert "Welcome, Dr. Lena Park" in done.content.decode()
    joined = Agent.objects.select_related("user").get(pk=lena.pk)
    assert joined.state is AgentState.ACTIVE and joined.user.check_password(NEW_PASSWORD)
    assert lena.pk in candidate_ids()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.INVITATION_ACCEPTED).count() == 1
    again = client.post(path, {"password": "another long passphrase", "again": "x"})
    assert again.status_code == 410 and "no longer works" in again.content.decode()
    signed_in = Client().post(
        "/login/", {"username": "lena.park@clinic.example", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"


def test_an_expired_or_replaced_link_no_longer_works(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    first = invite_lena(world, django_capture_on_commit_callbacks)
    first_path = link_path(str(mail.outbox[0].body))
    with django_capture_on_commit_callbacks(execute=True):
        second = staff.send_new_invitation(agent=first.agent, by=world.supervisor)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert Client().get(first_path).status_code == 410
    second_path = link_path(str(mail.outbox[1].body))
    Invitation.objects.filter(pk=second.pk).update(expires_at=timezone.now() - timedelta(1))
    gone = Client().post(second_path, {"password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert gone.status_code == 410
    assert not Agent.objects.get(pk=first.agent_id).user.is_active
    forged = Client().get(second_path[:-3] + "xx/")
    assert forged.status_code == 410


def test_accepting_checks_the_link_under_the_row_not_only_the_page(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = invite_lena(world, django_capture_on_commit_callbacks)
    staff.accept_invitation(invitation=invitation, password=NEW_PASSWORD)
    with pytest.raises(ActionError, match="no longer works"):
        staff.accept_invitation(invitation=invitation, password="yet another passphrase")


def test_the_link_goes_through_the_outbox_and_a_failure_is_retried_not_claimed_sent(
    world: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    invitation = invite_lena(world, django_capture_on_commit_callbacks)
    queued = AgentMail.objects.get(pk=int(invitation.mail_id or 0))
    assert queued.status == AgentMailStatus.QUEUED and queued.to == "lena.park@clinic.example"
    assert queued.error.startswith("Attempt 1 of") and "/welcome/" in queued.text
    page = world.client_for(world.supervisor).get(f"/supervisor/agents/{invitation.agent_id}/")
    assert "mail with the link queued, not sent yet (Attempt 1 of" in page.content.decode()


def test_an_agent_without_an_address_cannot_be_sent_a_link(world: World) -> None:
    mute = create_agent(username="mute", display_name="No Address", password=None)
    deactivate_agent(agent=mute, by=world.supervisor)
    with pytest.raises(ActionError, match="no email address"):
        staff.reactivate_agent(agent=mute, by=world.supervisor)
    assert Agent.objects.get(pk=mute.pk).state is AgentState.DEACTIVATED  # rolled back


def test_invitations_are_refused_clearly(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(Forbidden):
        staff.invite_agent(email="x@clinic.example", display_name="X", by=world.agent)
    with pytest.raises(ActionError, match="not an email address") as bad:
        staff.invite_agent(email="lena", display_name="Lena", by=world.supervisor)
    assert bad.value.field == "email"
    invite_lena(world, django_capture_on_commit_callbacks)
    with pytest.raises(ActionError, match="already an agent with the address"):
        staff.invite_agent(email="LENA.PARK@clinic.example", display_name="L", by=None)
    with pytest.raises(ActionError, match="chosen a password already"):
        staff.send_new_invitation(agent=world.agent, by=world.supervisor)
    with pytest.raises(ActionError, match="Working hours"):
        staff.invite_agent(
            email="kim@clinic.example",
            display_name="Kim",
            by=None,
            working_hours={"mon": [["25:00", "26:00"]]},
        )
    assert not Agent.objects.filter(display_name="Kim").exists()


def test_a_supervisor_changes_what_routing_knows_and_it_is_audited(world: World) -> None:
    ana = world.agent
    staff.update_agent(
        agent=ana,
        by=world.supervisor,
        skills=["Surgery", "surgery", "Cats"],
        capacity=5,
        phone="ext. 12",
        working_hours={"mon": [["20:00", "08:00"]]},
        teams=[world.clinic, world.dental],
        site=None,
        timezone_name="America/Toronto",
    )
    ana.refresh_from_db()
    assert (ana.skills, ana.capacity, ana.phone) == (["surgery", "cats"], 5, "ext. 12")
    assert ana.working_hours == {"mon": [["20:00", "08:00"]]} and ana.site is None
    assert ana.timezone == "America/Toronto"
    assert set(ana.teams.all()) == {world.clinic, world.dental}
    [event] = SecurityEvent.objects.filter(kind=SecurityEventKind.AGENT_CHANGED)
    assert event.actor == world.supervisor
    assert "capacity: 20 → 5" in event.detail and "teams: Clinic → Clinic, Dental" in event.detail
    assert "site: Night clinic → none" in event.detail
    # Nothing changed: nothing audited.
    staff.update_agent(agent=ana, by=world.supervisor, capacity=5)
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.AGENT_CHANGED).count() == 1
    [candidate] = [c for c in load_candidates(now=timezone.now()) if c.agent_id == ana.pk]
    assert candidate.capacity == 5 and "surgery" in candidate.skills


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"capacity": 501}, "0 to 500"),
        ({"capacity": -1}, "0 to 500"),
        ({"display_name": "   "}, "needs the name"),
        ({"timezone_name": "Mars/Olympus"}, "not a known time zone"),
        ({"skills": ["x" * 51]}, "at most 50"),
        ({"phone": "1" * 33}, "at most 32"),
    ],
)
def test_bad_changes_are_refused_and_nothing_is_written(
    world: World, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ActionError, match=message):
        staff.update_agent(agent=world.agent, by=world.supervisor, **{"phone": "kept?", **change})
    world.agent.refresh_from_db()
    assert world.agent.phone == "" and world.agent.capacity == 20


def test_only_a_supervisor_changes_agents_and_one_always_remains(world: World) -> None:
    with pytest.raises(Forbidden):
        staff.update_agent(agent=world.agent, by=world.agent, capacity=1)
    with pytest.raises(ActionError, match="yourself"):
        staff.update_agent(agent=world.supervisor, by=world.supervisor, is_supervisor=False)
    with pytest.raises(ActionError, match="only active supervisor"):
        staff.update_agent(agent=world.supervisor, by=None, is_supervisor=False)
    ana = staff.update_agent(agent=world.agent, by=world.supervisor, is_supervisor=True)
    staff.update_agent(agent=world.supervisor, by=ana, is_supervisor=False)
    world.supervisor.refresh_from_db()
    assert not world.supervisor.is_supervisor


def test_reactivating_lets_them_sign_in_again_with_their_password(world: World) -> None:
    with pytest.raises(ActionError, match="not deactivated"):
        staff.reactivate_agent(agent=world.colleague, by=world.supervisor)
    deactivate_agent(agent=world.colleague, by=world.supervisor)
    assert world.colleague.pk not in candidate_ids()
    with pytest.raises(Forbidden):
        staff.reactivate_agent(agent=world.colleague, by=world.agent)
    back = staff.reactivate_agent(agent=world.colleague, by=world.supervisor)
    assert back.state is AgentState.ACTIVE and back.deactivated_at is None
    assert world.colleague.pk in candidate_ids()
    signed_in = Client().post("/login/", {"username": "ben", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.AGENT_REACTIVATED).count() == 1


def test_reactivating_someone_who_never_chose_a_password_invites_them_again(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = invite_lena(world, django_capture_on_commit_callbacks)
    deactivate_agent(agent=invitation.agent, by=world.supervisor)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        back = staff.reactivate_agent(agent=invitation.agent, by=world.supervisor)
    assert back.state is AgentState.INVITED
    assert len(mail.outbox) == 2
    assert Client().get(link_path(str(mail.outbox[1].body))).status_code == 200
