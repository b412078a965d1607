"""GET/POST /saved-replies, detail/PUT/DELETE, the templates policy, and a reply that started
from a saved reply."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.actions.messages import reply
from rapport.cases.actions.saved_replies import create_saved_reply, set_template_policy
from rapport.cases.models import Case, Message, SavedReply
from rapport.people.actions.agents import create_brand
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World, toms_cases

COUGH = "Hi {customer_first_name}, a cough at night is common in puppies. {agent_first_name}"


def test_an_agent_adds_a_saved_reply_for_her_team_and_finds_it(
    world: World, api: ApiClient
) -> None:
    created = api.post(
        "/saved-replies", {"title": "Puppy cough", "text": COUGH, "team": world.clinic.pk}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body == {
        "id": body["id"],
        "title": "Puppy cough",
        "text": COUGH,
        "brand": None,
        "team": world.clinic.pk,
        "filled": None,
    }
    listed = api.get("/saved-replies", q="cough puppies").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert api.get("/saved-replies", q="vaccine").json()["items"] == []
    for_case = api.get("/saved-replies", case_id=world.case.pk).json()["items"]
    assert for_case[0]["filled"] == "Hi Maria, a cough at night is common in puppies. Ana"
    assert api.get(f"/saved-replies/{body['id']}").json()["title"] == "Puppy cough"


def test_bad_saved_replies_are_refused_naming_the_field(
    world: World, api: ApiClient, api_as: Any
) -> None:
    error = assert_error(
        api.post(
            "/saved-replies", {"title": "Pet", "text": "How is {pet}?", "team": world.clinic.pk}
        ),
        400,
        "bad_request",
        "text",
    )
    assert "{pet} is not a placeholder" in error["message"]
    assert_error(
        api.post("/saved-replies", {"title": "All", "text": "Hi"}), 403, "forbidden", "team"
    )
    assert_error(
        api.post("/saved-replies", {"title": "x", "text": "y", "team": 999}),
        400,
        "bad_request",
        "team",
    )
    assert_error(
        api.post("/saved-replies", {"title": "x", "text": "y" * 100_001, "team": world.clinic.pk}),
        422,
        "validation_error",
        "text",
    )
    assert not SavedReply.objects.exists()


def test_another_teams_saved_reply_is_a_404_and_only_its_team_changes_it(
    world: World, api: ApiClient, api_as: Any
) -> None:
    saved = create_saved_reply(title="Cough", text=COUGH, brand=None, team=world.clinic, by=None)
    outsider = api_as(world.outsider)
    assert_error(outsider.get(f"/saved-replies/{saved.pk}"), 404, "not_found")
    assert_error(outsider.delete(f"/saved-replies/{saved.pk}"), 404, "not_found")
    assert outsider.get("/saved-replies").json()["items"] == []
    changed = api.put(
        f"/saved-replies/{saved.pk}",
        {"title": "Night cough", "text": "Hi {customer_name}", "team": world.clinic.pk},
    )
    assert changed.status_code == 200 and changed.json()["title"] == "Night cough"
    assert_error(
        api.put(f"/saved-replies/{saved.pk}", {"title": "x", "text": "y"}), 403, "forbidden"
    )
    assert api.delete(f"/saved-replies/{saved.pk}").status_code == 204
    assert not SavedReply.objects.exists()


def test_the_list_reads_a_fixed_number_of_queries(world: World, api: ApiClient) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/saved-replies", case_id=world.case.pk).status_code == 200
        return len(queries)

    create_saved_reply(title="A", text=COUGH, brand=None, team=world.clinic, by=None)
    count()  # the token's first use is recorded once
    few = count()
    for n in range(5):
        create_saved_reply(title=f"B{n}", text=COUGH, brand=None, team=None, by=None)
    assert count() == few


def test_a_reply_from_a_saved_reply_is_recorded_and_unchanged_text_refused(
    world: World, api: ApiClient, api_as: Any
) -> None:
    saved = create_saved_reply(title="Cough", text=COUGH, brand=None, team=world.clinic, by=None)
    filled = "Hi Maria, a cough at night is common in puppies. Ana"
    path = f"/cases/{world.case.pk}/replies"
    error = assert_error(
        api.post(path, {"text": filled, "saved_reply_id": saved.pk}), 400, "bad_request", "text"
    )
    assert "Make it personal" in error["message"]
    sent = api.post(path, {"text": filled + " Call me tonight.", "saved_reply_id": saved.pk})
    assert sent.status_code == 201, sent.content
    assert sent.json()["saved_reply_id"] == saved.pk and sent.json()["sent_unchanged"] is False
    assert_error(
        api.post(path, {"text": "Hi", "saved_reply_id": 999}), 400, "bad_request", "saved_reply_id"
    )
    assert Message.objects.filter(direction="out").count() == 1


def test_a_reply_over_the_limit_is_a_422_naming_the_text(world: World, api: ApiClient) -> None:
    error = assert_error(
        api.post(f"/cases/{world.case.pk}/replies", {"text": "x" * 100_001}),
        422,
        "validation_error",
        "text",
    )
    assert "100000" in error["message"] or "100,000" in error["message"]
    assert not Message.objects.filter(direction="out").exists()


def test_a_supervisor_sets_a_business_policy(world: World, api: ApiClient, api_as: Any) -> None:
    brand = create_brand(name="Night Clinic", slug="night-clinic", by=None)
    policies = api.get("/saved-replies/policies").json()["items"]
    assert policies == [{"brand": brand.pk, "name": "Night Clinic", "refuse_unedited": True}]
    assert_error(
        api.put(f"/saved-replies/policies/{brand.pk}", {"refuse_unedited": False}), 403, "forbidden"
    )
    answer = api_as(world.supervisor).put(
        f"/saved-replies/policies/{brand.pk}", {"refuse_unedited": False}
    )
    assert answer.status_code == 200 and answer.json()["refuse_unedited"] is False
    brand.refresh_from_db()
    assert brand.refuse_unedited_templates is False


def test_insights_count_replies_started_from_a_saved_reply_and_sent_unchanged(
    world: World, api_as: Any
) -> None:
    brand = create_brand(name="Night Clinic", slug="night-clinic", by=None)
    Case.objects.filter(pk=world.case.pk).update(brand=brand)
    set_template_policy(brand=brand, refuse_unedited=False, by=None)
    saved = create_saved_reply(title="Cough", text=COUGH, brand=brand, team=world.clinic, by=None)
    filled = "Hi Maria, a cough at night is common in puppies. Ana"
    reply(case=world.case, text=filled, by=world.agent, saved_reply=saved)
    reply(case=world.case, text=filled + " See you at 9.", by=world.agent, saved_reply=saved)
    reply(case=world.case, text="From scratch", by=world.agent)
    body = api_as(world.supervisor).get("/insights/saved-replies").json()
    assert (body["replies"], body["from_saved_replies"], body["sent_unchanged"]) == (3, 2, 1)
    assert body["by_saved_reply"] == [
        {"id": saved.pk, "title": "Cough", "used": 2, "sent_unchanged": 1}
    ]
    assert_error(api_as(world.agent).get("/insights/saved-replies"), 404, "not_found")
    page = world.client_for(world.supervisor).get("/supervisor/").content.decode()
    assert '<span id="saved-started">2</span> of 3 replies' in page
    assert '<span id="saved-unchanged">1</span> went out unchanged' in page


def test_a_saved_reply_offered_on_the_case_can_be_sent_from_it(world: World, api_as: Any) -> None:
    """Olga (dental) owns Tom, so she sees his clinic case and is offered the clinic's saved
    replies there: the one she picks is taken, though it is not her team's."""
    tom = toms_cases(world)
    saved = create_saved_reply(title="Cough", text=COUGH, brand=None, team=world.clinic, by=None)
    olga = api_as(world.outsider)
    offered = olga.get("/saved-replies", case_id=tom.clinic_case.pk).json()["items"]
    assert [item["id"] for item in offered] == [saved.pk]
    sent = olga.post(
        f"/cases/{tom.clinic_case.pk}/replies",
        {"text": "Hi Tom, how is he? Olga", "saved_reply_id": saved.pk},
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["saved_reply_id"] == saved.pk
