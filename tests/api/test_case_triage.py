"""Triage in the API: every case says what triage read, why this priority and this contact, and
which model decided, in the list and the detail, whatever shape the case stored it in."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.models import Case
from rapport.datacare.actions.erasure import scrub
from rapport.routing.actions.opening import open_case
from rapport.triage.learned import load_shipped
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World
from tests.triage.stored import LEARNED, RULES_ONLY

QUIET = {"raised": False, "shown": False, "reasons": [], "learned": None}


def _stored(case: Case, triage: dict[str, Any]) -> None:
    Case.objects.filter(pk=case.pk).update(triage=triage)


def test_a_triaged_message_shows_its_signals_reasons_and_contact(
    world: World, api: ApiClient
) -> None:
    response = api.post(
        "/cases",
        {
            "customer_id": world.customer.pk,
            "channel": "chat",
            "text": "The app deleted my invoices. I just want to talk to a real person, not a bot!",
        },
    )
    assert response.status_code == 201, response.json()
    created = response.json()["triage"]
    triage = api.get(f"/cases/{response.json()['id']}").json()["triage"]
    assert triage == created
    human = triage["signals"]["wants_human"]
    assert human["raised"] is True and human["learned"] is None
    assert any("real person" in reason for reason in human["reasons"])
    assert not any(reason.startswith("wants_human:") for reason in human["reasons"])
    assert triage["priority"] in ("high", "urgent")
    assert "they ask for a person" in triage["priority_reason"].lower()
    assert triage["recommended_contact"] in ("call", "callback")
    assert "they ask for a person" in triage["contact_reason"].lower()
    assert triage["model"] == {"name": "shipped", "version": load_shipped().version}
    assert triage["at"] is not None and triage["corrections"] == []


def test_a_case_stored_before_the_learned_layer_still_reads(world: World, api: ApiClient) -> None:
    _stored(world.case, RULES_ONLY)
    assert api.get(f"/cases/{world.case.pk}").json()["triage"] == {
        "signals": {
            "urgent": {
                "raised": True,
                "shown": True,
                "reasons": ['"bleeding" (health or safety)'],
                "learned": None,
            },
            "upset": {
                "raised": True,
                "shown": True,
                "reasons": ['"ridiculous" (anger)'],
                "learned": None,
            },
            "wants_human": QUIET,
            "loop": QUIET,
            "compliment": QUIET,
        },
        "priority": "urgent",
        "priority_reason": 'It is urgent: "bleeding" (health or safety).',
        "recommended_contact": "callback",
        "contact_reason": "It is urgent and the customer is upset, but nobody can take a call now.",
        "model": None,
        "at": "2026-11-23T20:40:21.123Z",
        "corrections": [],
    }


def test_a_learned_hit_says_its_words_examples_and_model(world: World, api: ApiClient) -> None:
    _stored(world.case, LEARNED)
    triage = api.get(f"/cases/{world.case.pk}").json()["triage"]
    assert triage["signals"]["urgent"] == {
        "raised": True,
        "shown": True,
        "reasons": ['learned (0.91): "chest", "since yesterday"'],
        "learned": {
            "score": 0.91,
            "words": ["chest", "since yesterday"],
            "examples": [
                {"text": "My chest has hurt since yesterday, what do I do?", "labels": ["urgent"]}
            ],
        },
    }
    assert triage["model"] == {"name": "shipped", "version": "2026.12.1"}
    _stored(world.case, LEARNED | {"model": {"name": "rules", "version": ""}, "learned": {}})
    alone = api.get(f"/cases/{world.case.pk}").json()["triage"]
    assert alone["model"] == {"name": "rules", "version": ""}
    assert triage["recommended_contact"] == "call"
    assert triage["contact_reason"] == "It is urgent."
    assert triage["priority_reason"] == "It is urgent (learned model, score 0.91)."


@pytest.mark.parametrize(
    ("stored", "reason"),
    [
        (
            {
                "priority": "low",
                "recommended_contact": "reply",
                "reasons": ['priority: low ("no rush")'],
            },
            'They said there is no hurry: "no rush".',
        ),
        (
            {"priority": "normal", "recommended_contact": "reply", "compliment": True},
            "A compliment with nothing left to do.",
        ),
        (
            {"priority": "normal", "recommended_contact": "reply"},
            "Nothing in the message raises it.",
        ),
    ],
)
def test_the_priority_says_why(
    world: World, api: ApiClient, stored: dict[str, Any], reason: str
) -> None:
    _stored(world.case, stored)
    triage = api.get(f"/cases/{world.case.pk}").json()["triage"]
    assert triage["priority_reason"] == reason
    assert triage["contact_reason"] == (
        "Nothing needs a call: not urgent, not upset, no request for a person."
    )


def test_a_declined_call_says_so(world: World, api: ApiClient) -> None:
    _stored(
        world.case,
        {
            "priority": "high",
            "upset": True,
            "recommended_contact": "reply",
            "reasons": ['upset: "fed up" (frustration)', 'contact: reply ("no need to call")'],
            "signals": {"upset": ['upset: "fed up" (frustration)']},
        },
    )
    triage = api.get(f"/cases/{world.case.pk}").json()["triage"]
    assert triage["priority_reason"] == "The customer is upset."
    assert triage["contact_reason"] == 'They declined a call: "no need to call".'


@pytest.mark.parametrize(
    "stored",
    [
        {},  # a case we started: nothing of the customer's was triaged
        {"urgent": True, "reasons": ["x"]},  # no priority or contact to read
        {"priority": "urgent", "recommended_contact": "(erased)"},
    ],
)
def test_no_readable_triage_is_null(world: World, api: ApiClient, stored: dict[str, Any]) -> None:
    _stored(world.case, stored)
    assert api.get(f"/cases/{world.case.pk}").json()["triage"] is None


def test_unreadable_parts_are_left_out_not_guessed(world: World, api: ApiClient) -> None:
    _stored(
        world.case,
        LEARNED
        | {
            "model": "shipped",
            "at": "yesterday",
            "learned": {"urgent": {"score": "high", "words": ["chest"]}},
        },
    )
    triage = api.get(f"/cases/{world.case.pk}").json()["triage"]
    assert triage["model"] is None and triage["at"] is None
    assert triage["signals"]["urgent"]["learned"] is None
    assert triage["signals"]["urgent"]["raised"] is True


def test_an_erased_customers_case_keeps_its_signals_without_their_words(
    world: World, api: ApiClient
) -> None:
    _stored(world.case, scrub(LEARNED))
    triage = api.get(f"/cases/{world.case.pk}").json()["triage"]
    assert triage["recommended_contact"] == "call"
    urgent = triage["signals"]["urgent"]
    assert urgent["raised"] is True
    assert urgent["reasons"] == ["(erased)"]
    assert set(urgent["learned"]["words"]) == {"(erased)"}
    assert "chest" not in str(triage)


def test_the_list_carries_triage_without_more_queries(world: World, api: ApiClient) -> None:
    def opened(n: int) -> None:
        for i in range(n):
            case = open_case(
                customer=world.customer,
                subject=f"Case {i}",
                channel="email",
                text=f"Message {i}",
                by=world.agent,
                team=world.clinic,
            )
            _stored(case, LEARNED if i % 2 else RULES_ONLY)

    api.get("/cases")  # first use stamps the token
    opened(2)
    with CaptureQueriesContext(connection) as small:
        assert api.get("/cases").status_code == 200
    opened(20)
    with CaptureQueriesContext(connection) as large:
        items = api.get("/cases").json()["items"]
    assert len(large) == len(small), [q["sql"] for q in large]
    assert len(items) == 23
    # the 11 stored with a model, and the world's own case, which the shipped model read
    assert sum(item["triage"]["model"] is not None for item in items) == 12
    assert all(item["triage"]["signals"]["urgent"]["raised"] for item in items[:22])


def test_another_team_cannot_read_the_triage(world: World, api_as: Any) -> None:
    _stored(world.case, LEARNED)
    response = api_as(world.outsider).get(f"/cases/{world.case.pk}")
    assert_error(response, 404, "not_found")
    assert "chest" not in response.content.decode()


def test_an_agents_correction_is_listed_and_the_reasons_follow_it(
    world: World, api: ApiClient
) -> None:
    _stored(world.case, RULES_ONLY)
    reply = api.post(
        f"/cases/{world.case.pk}/triage/corrections", {"signal": "urgent", "value": False}
    )
    assert reply.status_code == 201, reply.json()
    api.post(f"/cases/{world.case.pk}/triage/corrections", {"signal": "upset", "value": False})
    triage = api.get(f"/cases/{world.case.pk}").json()["triage"]
    assert [c["signal"] for c in triage["corrections"]] == ["upset", "urgent"]
    assert triage["corrections"][1] | {"at": None} == {
        "signal": "urgent",
        "value": False,
        "read": True,
        "agent": {"id": world.agent.pk, "display_name": "Dr. Ana Ortiz"},
        "at": None,
    }
    # What triage read stays; what follows from it is as corrected.
    assert triage["signals"]["urgent"]["raised"] is True
    assert triage["recommended_contact"] == "reply"
    assert triage["contact_reason"] == (
        "Nothing needs a call: not urgent, not upset, no request for a person. Corrected by "
        "Dr. Ana Ortiz: not urgent; Dr. Ana Ortiz: not upset."
    )
    listed = api.get("/cases").json()["items"]
    assert next(c for c in listed if c["id"] == world.case.pk)["triage"] == triage


@pytest.mark.parametrize(
    ("text", "contact", "reason"),
    [
        (
            "Please don't phone me. My dad fell and can't get up",
            "call",
            'It is urgent: despite "Please don\'t phone" (health or safety at risk).',
        ),
        (
            "No need to call me, I only want the form",
            "reply",
            "Nothing needs a call: not urgent, not upset, no request for a person.",
        ),
    ],
)
def test_the_contact_says_why_in_the_rules_words(
    world: World, api: ApiClient, text: str, contact: str, reason: str
) -> None:
    response = api.post(
        "/cases", {"customer_id": world.customer.pk, "channel": "chat", "text": text}
    )
    assert response.status_code == 201, response.json()
    triage = response.json()["triage"]
    assert (triage["recommended_contact"], triage["contact_reason"]) == (contact, reason)
