"""`rapport open-case`: an operator opens a case as an agent, with its first message, through
the action the web form and the API use (`start_case`)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rapport.cases.models import Case, Direction, Message
from rapport.people.models import Identity
from tests.conftest import World


def _run(*args: str) -> str:
    out = StringIO()
    call_command("open_case", *args, stdout=out)
    return out.getvalue()


def test_a_known_customer_by_email_gets_a_case_with_the_text(world: World) -> None:
    said = _run(
        "--as", "ana", "--customer-email", "MARIA.lopez@example.com",
        "--text", "Mila is coughing again tonight.", "--subject", "Cough again", "--json",
    )  # fmt: skip
    opened = json.loads(said)
    case = Case.objects.get(pk=opened["id"])
    assert case.customer == world.customer and case.subject == "Cough again"
    assert opened == {
        "id": case.pk, "reference": case.reference, "customer_id": world.customer.pk,
        "status": case.status, "owner_id": case.owner_id,
        "team_id": case.team_id,
    }  # fmt: skip
    first = Message.objects.get(case=case)
    assert first.direction == Direction.INBOUND and first.text == "Mila is coughing again tonight."


def test_a_new_address_makes_a_new_customer_and_says_so_in_words(world: World) -> None:
    said = _run(
        "--as", "ana", "--customer-phone", "699 12 34 56", "--name", "Lucia Gomez",
        "--text", "Called about the night visit.",
    )  # fmt: skip
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert said.strip() == f"Case {case.reference} opened for Lucia Gomez."
    assert Identity.objects.get(customer=case.customer).value == "+34699123456"


def test_refusals_are_clear_and_leave_nothing(world: World) -> None:
    before = Case.objects.count()
    with pytest.raises(CommandError, match="no active agent called 'nobody'"):
        _run("--as", "nobody", "--customer-email", "a@example.com", "--text", "x")
    with pytest.raises(CommandError, match="needs a customer"):
        _run("--as", "ana", "--text", "x")
    with pytest.raises(CommandError, match="is not an email address"):
        _run("--as", "ana", "--customer-email", "not-an-address", "--text", "x")
    assert Case.objects.count() == before
