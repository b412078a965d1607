"""/saved-replies/ (keep them), the composer's search, a reply started from one, and what the
composer keeps when the desk refuses a reply."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.actions.saved_replies import create_saved_reply
from rapport.cases.models import Direction, Message, SavedReply
from rapport.people.actions.agents import create_brand
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required

COUGH = "Hi {customer_first_name}, a cough at night is common in puppies. {agent_first_name}"
FILLED = "Hi Maria, a cough at night is common in puppies. Ana"


def _cough(world: World, **fields: Any) -> SavedReply:
    given: dict[str, Any] = {"title": "Puppy cough", "text": COUGH, "brand": None, "by": None}
    return create_saved_reply(**(given | {"team": world.clinic} | fields))


def test_the_page_lists_the_agents_saved_replies_in_a_fixed_number_of_queries(
    world: World,
) -> None:
    ours = _cough(world)
    _cough(world, title="Tooth ache", team=world.dental)
    client = world.client_for(world.agent)
    client.get("/saved-replies/")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/saved-replies/")
        assert response.status_code == 200
        return len(queries)

    few = count()
    for n in range(6):
        _cough(world, title=f"Everyone {n}", team=None)
    assert count() == few
    html = client.get("/saved-replies/").content.decode()
    assert "Puppy cough" in html and "Tooth ache" not in html
    assert f'id="edit-saved-{ours.pk}"' in html  # hers to edit; the all-teams ones are not
    assert 'id="template-policies"' not in html
    assert "Tooth ache" in world.client_for(world.outsider).get("/saved-replies/").content.decode()
    assert_login_required("/saved-replies/")


def test_an_agent_adds_edits_and_deletes_a_saved_reply_of_her_team(world: World) -> None:
    client = world.client_for(world.agent)
    added = client.post(
        "/saved-replies/new/",
        {"title": "Puppy cough", "text": COUGH, "team": world.clinic.pk},
        follow=True,
    )
    assert "Saved reply “Puppy cough” added." in added.content.decode()
    saved = SavedReply.objects.get()
    assert (saved.team, saved.created_by) == (world.clinic, world.agent)
    refused = client.post(
        f"/saved-replies/{saved.pk}/",
        {"title": "Cough", "text": "How is {pet}?", "team": world.clinic.pk},
        follow=True,
    )
    assert "{pet} is not a placeholder" in refused.content.decode()
    assert client.get(f"/saved-replies/{saved.pk}/").status_code == 200
    client.post(
        f"/saved-replies/{saved.pk}/",
        {"title": "Night cough", "text": COUGH, "team": world.clinic.pk},
    )
    assert SavedReply.objects.get().title == "Night cough"
    everyone = client.post("/saved-replies/new/", {"title": "All", "text": "Hi"}, follow=True)
    assert "Only a supervisor can keep saved replies for every team" in everyone.content.decode()
    client.post(f"/saved-replies/{saved.pk}/delete/")
    assert not SavedReply.objects.exists()


def test_another_team_gets_404_and_anonymous_the_login(world: World) -> None:
    saved = _cough(world)
    outsider = world.client_for(world.outsider)
    assert outsider.get(f"/saved-replies/{saved.pk}/").status_code == 404
    assert outsider.post(f"/saved-replies/{saved.pk}/delete/").status_code == 404
    assert outsider.get(f"/cases/{world.case.pk}/saved-replies/").status_code == 404
    assert_login_required(f"/saved-replies/{saved.pk}/")
    assert_login_required(f"/cases/{world.case.pk}/saved-replies/")
    assert SavedReply.objects.filter(pk=saved.pk).exists()


def test_a_supervisor_sets_the_policy_of_a_business(world: World) -> None:
    brand = create_brand(name="Night Clinic", slug="night-clinic", by=None)
    assert (
        world.client_for(world.agent).post(f"/saved-replies/policies/{brand.pk}/").status_code
        == 404
    )
    client = world.client_for(world.supervisor)
    assert 'id="policy-night-clinic"' in client.get("/saved-replies/").content.decode()
    answer = client.post(f"/saved-replies/policies/{brand.pk}/", {}, follow=True)
    assert "Night Clinic lets a saved reply or an outreach draft go out unedited" in (
        answer.content.decode()
    )
    brand.refresh_from_db()
    assert brand.refuse_unedited_templates is False


def test_the_composer_finds_saved_replies_filled_for_the_case(world: World) -> None:
    _cough(world)
    _cough(world, title="Tooth ache", team=world.dental)
    client = world.client_for(world.agent)
    found = client.get(f"/cases/{world.case.pk}/saved-replies/", {"q": "cough"}, headers=HTMX)
    html = found.content.decode()
    assert found.status_code == 200 and html.lstrip().startswith('<div id="saved-reply-results"')
    assert f'data-saved-text="{FILLED}"' in html and "Tooth ache" not in html
    none = client.get(f"/cases/{world.case.pk}/saved-replies/", {"q": "vaccine"}).content.decode()
    assert "No saved reply for this case matches “vaccine”" in none
    # Without JavaScript: the search and the pick are the case page itself.
    page = client.get(f"/cases/{world.case.pk}/", {"saved_q": "cough"}).content.decode()
    assert 'id="saved-pick-' in page


def test_a_picked_saved_reply_starts_the_reply_marked_as_template(world: World) -> None:
    saved = _cough(world)
    client = world.client_for(world.agent)
    html = client.get(f"/cases/{world.case.pk}/", {"saved_reply": saved.pk}).content.decode()
    assert f'name="saved_reply_id" id="reply-saved-reply" value="{saved.pk}"' in html
    assert f">{FILLED}</textarea>" in html
    assert f'data-template="{FILLED}"' in html and "make it yours before sending" in html
    other = _cough(world, title="Tooth", team=world.dental)
    html = client.get(f"/cases/{world.case.pk}/", {"saved_reply": other.pk}).content.decode()
    assert 'id="reply-saved-reply" value=""' in html  # not one for this case: nothing picked


def test_the_reply_records_the_saved_reply_and_refuses_it_unedited(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    saved = _cough(world)
    client = world.client_for(world.agent)
    url = f"/cases/{world.case.pk}/reply/"
    refused = client.post(
        url, {"text": FILLED, "channel": "email", "saved_reply_id": saved.pk}, headers=HTMX
    )
    assert refused.status_code == 400 and "Make it personal before sending" in (
        refused.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            url,
            {"text": FILLED + " Call me at 9.", "channel": "email", "saved_reply_id": saved.pk},
            headers=HTMX,
        )
    assert sent.status_code == 200
    message = Message.objects.get(direction=Direction.OUTBOUND)
    assert message.saved_reply == saved and message.sent_unchanged is False


def test_a_refused_reply_keeps_its_text_without_javascript(world: World) -> None:
    client = world.client_for(world.agent)
    url = f"/cases/{world.case.pk}/reply/"
    long = "Mila " * 20_001
    answer = client.post(url, {"text": long, "channel": "email"}, follow=True)
    html = answer.content.decode()
    assert "The message is longer than 100,000 characters." in html
    assert f">{long}</textarea>" in html
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    # Shown once: the next visit starts empty again.
    assert f">{long}</textarea>" not in client.get(f"/cases/{world.case.pk}/").content.decode()
    htmx = client.post(url, {"text": long, "channel": "email"}, headers=HTMX)
    assert htmx.status_code == 400 and "longer than 100,000 characters" in htmx.content.decode()


def test_links_in_plain_text_are_clickable_and_escaped(world: World) -> None:
    client = world.client_for(world.agent)
    client.post(
        f"/cases/{world.case.pk}/note/",
        {"text": "Dosage: https://vet.example/honey?x=1&y=2. <b>not bold</b>"},
    )
    html = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert (
        '<a href="https://vet.example/honey?x=1&amp;y=2" rel="noopener noreferrer nofollow" '
        'target="_blank">https://vet.example/honey?x=1&amp;y=2</a>. &lt;b&gt;not bold&lt;/b&gt;'
    ) in html
