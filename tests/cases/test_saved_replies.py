"""Saved replies: kept per business and team, filled for the customer and the agent, recorded on
the reply with whether it went out unchanged, which a business may refuse (one policy with the
outreach drafts)."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.cases.access import saved_replies_for_agent, saved_replies_for_case
from rapport.cases.actions.messages import reply
from rapport.cases.actions.saved_replies import (
    create_saved_reply,
    delete_saved_reply,
    set_template_policy,
    update_saved_reply,
)
from rapport.cases.models import Case, CaseEvent, Message, SavedReply
from rapport.cases.saved_replies import filled, first_name
from rapport.lib.errors import ActionError, Forbidden
from rapport.outreach.actions.incidents import create_incident
from rapport.outreach.actions.tasks import add_audience, draft_text, send_outreach_message
from rapport.outreach.models import OutreachTask
from rapport.people.actions.agents import create_brand
from rapport.people.models import Brand
from tests.conftest import World

COUGH = (
    "Hi {customer_first_name},\n\nA cough at night is common in puppies. Honey in warm water "
    "helps.\n\n{agent_first_name}"
)


def _clinic_brand(world: World) -> Brand:
    brand = create_brand(name="Night Clinic", slug="night-clinic", by=None)
    world.clinic.brand = brand
    world.clinic.save(update_fields=["brand"])
    Case.objects.filter(pk=world.case.pk).update(brand=brand)
    world.case.refresh_from_db()
    return brand


def _cough(world: World, **fields: Any) -> SavedReply:
    given: dict[str, Any] = {"title": "Puppy cough", "text": COUGH, "brand": None}
    given |= {"team": world.clinic, "by": world.agent}
    return create_saved_reply(**(given | fields))


def test_placeholders_are_filled_with_the_customers_and_the_agents_names(world: World) -> None:
    saved = _cough(world)
    assert filled(saved.text, customer=world.customer, agent=world.agent) == (
        "Hi Maria,\n\nA cough at night is common in puppies. Honey in warm water helps.\n\nAna"
    )
    assert first_name("Dr. Ana Ortiz") == "Ana" and first_name("Sam Reyes") == "Sam"
    assert first_name("Dr.") == "Dr."


def test_an_unknown_placeholder_and_an_empty_text_are_refused(world: World) -> None:
    with pytest.raises(ActionError, match=r"\{pet_name\} is not a placeholder") as refused:
        _cough(world, text="Hi {customer_first_name}, how is {pet_name}?")
    assert refused.value.field == "text"
    with pytest.raises(ActionError, match="no text"):
        _cough(world, text="   ")
    with pytest.raises(ActionError, match="title"):
        _cough(world, title=" ")
    assert not SavedReply.objects.exists()


def test_an_agent_keeps_saved_replies_of_her_teams_only(world: World) -> None:
    with pytest.raises(Forbidden, match="Only a supervisor"):
        _cough(world, team=None)
    with pytest.raises(Forbidden):
        _cough(world, team=world.dental)
    everyone = _cough(world, team=None, by=world.supervisor)
    with pytest.raises(Forbidden):
        update_saved_reply(
            saved_reply=everyone, title="x", text="y", brand=None, team=None, by=world.agent
        )
    with pytest.raises(Forbidden):
        delete_saved_reply(saved_reply=everyone, by=world.outsider)
    ours = _cough(world)
    update_saved_reply(
        saved_reply=ours, title="Cough", text="Hi {customer_name}", brand=None,
        team=world.clinic, by=world.colleague,
    )  # fmt: skip
    assert SavedReply.objects.get(pk=ours.pk).title == "Cough"
    assert set(saved_replies_for_agent(world.outsider)) == {everyone}
    assert set(saved_replies_for_agent(world.agent)) == {everyone, ours}
    delete_saved_reply(saved_reply=ours, by=world.agent)
    assert set(saved_replies_for_agent(world.supervisor)) == {everyone}


def test_a_case_offers_the_saved_replies_of_its_business_and_teams(world: World) -> None:
    brand = _clinic_brand(world)
    dental_brand = create_brand(name="Smiles", slug="smiles", by=None)
    ours = _cough(world, brand=brand)
    everyone = _cough(world, team=None, by=world.supervisor)
    _cough(world, brand=dental_brand, team=None, by=world.supervisor)
    _cough(world, team=world.dental, by=world.supervisor)
    assert set(saved_replies_for_case(world.agent, world.case)) == {ours, everyone}
    with pytest.raises(ActionError, match="does not work for Smiles"):
        _cough(world, brand=dental_brand)


def test_a_saved_reply_sent_unchanged_is_refused_by_default(world: World) -> None:
    saved = _cough(world)
    text = filled(saved.text, customer=world.customer, agent=world.agent)
    with pytest.raises(ActionError, match="Make it personal before sending") as refused:
        reply(case=world.case, text=text.replace("\n\n", "\n"), by=world.agent, saved_reply=saved)
    assert refused.value.field == "text"
    assert not Message.objects.filter(direction="out").exists()


def test_an_edited_saved_reply_is_recorded_as_changed(world: World) -> None:
    saved = _cough(world)
    text = filled(saved.text, customer=world.customer, agent=world.agent)
    message = reply(
        case=world.case,
        text=text.replace("helps.", "helps. Mila should sleep better tonight."),
        by=world.agent,
        saved_reply=saved,
    )
    stored = Message.objects.get(pk=message.pk)
    assert stored.saved_reply == saved and stored.sent_unchanged is False
    event = CaseEvent.objects.get(case=world.case, kind="replied")
    assert event.after == {"message": message.pk, "saved_reply": saved.pk, "unchanged": False}
    plain = reply(case=world.case, text="Written from scratch", by=world.agent)
    assert Message.objects.get(pk=plain.pk).sent_unchanged is None


def test_a_business_that_allows_it_counts_the_reply_sent_unchanged(world: World) -> None:
    brand = _clinic_brand(world)
    set_template_policy(brand=brand, refuse_unedited=False, by=world.supervisor)
    saved = _cough(world, brand=brand)
    text = filled(saved.text, customer=world.customer, agent=world.agent)
    message = reply(case=world.case, text=text, by=world.agent, saved_reply=saved)
    assert Message.objects.get(pk=message.pk).sent_unchanged is True
    with pytest.raises(Forbidden):
        set_template_policy(brand=brand, refuse_unedited=True, by=world.agent)


def test_a_saved_reply_of_another_business_is_refused(world: World) -> None:
    _clinic_brand(world)
    other = create_brand(name="Smiles", slug="smiles", by=None)
    saved = _cough(world, brand=other, team=None, by=world.supervisor)
    with pytest.raises(ActionError, match="for another business") as refused:
        reply(case=world.case, text="Hi Maria, fine", by=world.agent, saved_reply=saved)
    assert refused.value.field == "saved_reply_id"


def test_outreach_drafts_follow_the_same_policy_of_the_business(world: World) -> None:
    brand = _clinic_brand(world)
    incident = create_incident(
        title="Clinic closed by a flood",
        team=world.clinic,
        by=world.supervisor,
        message_draft="Hi {name}, it's {agent}. {title}: we're sorry.",
    )
    add_audience(incident=incident, customers=[world.customer], by=world.supervisor)
    task = OutreachTask.objects.select_related("case", "incident", "customer").get()
    Case.objects.filter(pk=task.case_id).update(brand=brand)
    task.case.refresh_from_db()
    draft = draft_text(task, world.colleague)
    with pytest.raises(ActionError, match="the draft is a starting point"):
        send_outreach_message(task=task, text=draft, by=world.colleague)
    set_template_policy(brand=brand, refuse_unedited=False, by=None)
    task.case.refresh_from_db()
    message = send_outreach_message(task=task, text=draft, by=world.colleague)
    assert message.text.startswith(draft)
