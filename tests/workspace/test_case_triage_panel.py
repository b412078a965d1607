"""The case page explains every signal: the rule's words, a learned hit's words and nearest
labelled examples (escaped), why this priority and contact, and which model decided."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from rapport.cases.models import Case
from rapport.routing.actions.opening import open_case
from rapport.triage.actions.corrections import correct_signal
from tests.conftest import World
from tests.triage.stored import LEARNED as STORED

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'

# A desk model's hit whose words and nearest examples carry markup.
LEARNED: dict[str, Any] = STORED | {
    "reasons": [*STORED["reasons"], 'upset: "ridiculous" (anger)'],
    "upset": True,
    "signals": STORED["signals"] | {"upset": ['upset: "ridiculous" (anger)']},
    "model": {"name": "desk", "version": "7"},
    "learned": {
        "urgent": {
            "score": 0.912,
            "words": ["chest", f"since {HOSTILE}"],
            "examples": [
                {"text": f"My chest hurts {HOSTILE} " + "and more " * 40, "labels": ["urgent"]},
                {"text": "No signal here", "labels": []},
            ],
        }
    },
}


def _page(world: World, case: Case, triage: dict[str, Any]) -> str:
    Case.objects.filter(pk=case.pk).update(triage=triage)
    response = world.client_for(world.agent).get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return str(response.content.decode())


def _panel(page: str) -> str:
    start = page.index('id="triage"')
    return page[start : page.index("</section>", start)]


def test_a_learned_hit_shows_its_words_and_nearest_examples_escaped(world: World) -> None:
    panel = _panel(_page(world, world.case, LEARNED))
    assert "<script>" not in panel and "<img" not in panel
    assert escape(HOSTILE) in panel
    assert 'data-learned="urgent"' in panel and "score 0.91" in panel
    assert '<q class="learned-word">chest</q>' in panel
    assert "Nearest labelled examples (2)" in panel
    assert "labelled: Urgent" in panel and "labelled: no signal" in panel
    # Long examples are cut: the start says what it is.
    assert "and more " * 40 not in panel and "…" in panel
    # The learned reason is shown once, from its parts, not again as a rule's words.
    assert "learned (0.91)" not in panel
    assert "&quot;ridiculous&quot; (anger)" in panel
    assert "Read by the desk model, version 7" in panel


def test_the_rules_words_priority_and_contact_say_why(world: World) -> None:
    case = open_case(
        customer=world.customer,
        subject="",
        channel="chat",
        text="Fed up!!! Second time I ask. Can I talk to a real person, please? Not a bot.",
        by=None,
    )
    page = world.client_for(world.colleague).get(f"/cases/{case.pk}/").content.decode()
    panel = _panel(page)
    assert "<b>Wants a person</b>:" in panel and "real person" in panel
    assert (
        'id="triage-priority-reason">The customer is upset, they ask for a person and they are '
        "going round in circles.</dd>" in panel
    )
    assert "<dt>Call</dt>" in panel
    assert 'id="triage-contact-reason">The customer is upset and they ask for a person.<' in panel
    assert "Read by the shipped model, version" in panel
    assert "signal-learned" not in panel


def test_an_empty_or_old_triage_still_renders(world: World) -> None:
    page = _page(world, world.case, {})
    assert 'id="triage-why"' not in page and "signal-learned" not in page
    old = {
        "priority": "high",
        "upset": True,
        "recommended_contact": "reply",
        "reasons": ['upset: "fed up" (frustration)', 'contact: reply ("no need to call")'],
        "signals": {"upset": ['upset: "fed up" (frustration)']},
    }
    panel = _panel(_page(world, world.case, old))
    assert "<dt>Reply in writing</dt>" in panel
    assert "They declined a call: &quot;no need to call&quot;." in panel


def test_another_team_sees_nothing_of_it(world: World) -> None:
    Case.objects.filter(pk=world.case.pk).update(triage=LEARNED)
    response = world.client_for(world.outsider).get(f"/cases/{world.case.pk}/")
    assert response.status_code == 404
    assert "chest" not in response.content.decode()
    supervisor = world.client_for(world.supervisor).get(f"/cases/{world.case.pk}/")
    assert supervisor.status_code == 200 and "score 0.91" in supervisor.content.decode()


def test_the_reasons_follow_an_agents_correction(world: World) -> None:
    Case.objects.filter(pk=world.case.pk).update(triage=STORED)
    world.case.refresh_from_db()
    correct_signal(agent=world.agent, case=world.case, signal="urgent", value=False)
    panel = _panel(world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode())
    assert "<dt>Reply in writing</dt>" in panel
    assert "Corrected by Dr. Ana Ortiz: not urgent." in panel
    # What triage read is still explained.
    assert 'data-learned="urgent"' in panel
