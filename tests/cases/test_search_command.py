"""`rapport search QUERY`: the cases an agent's search finds, and why each matched."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import World


def _run(*args: str) -> str:
    out = StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def test_json_lists_the_cases_found_with_why_they_matched(world: World) -> None:
    found = json.loads(_run("+34 612 345 678", "--as", "ana", "--json"))
    assert [c["id"] for c in found] == [world.case.pk]
    [case] = found
    assert case["reference"] == world.case.reference and case["customer"] == "Maria Lopez"
    assert case["matches"][0]["field"] == "phone"
    assert set(case) == {
        "id",
        "reference",
        "subject",
        "status",
        "customer",
        "updated_at",
        "matches",
    }


def test_words_list_one_line_a_case_and_another_team_sees_nothing(world: World) -> None:
    said = _run("coughing", "--as", "ana")
    assert said.startswith(f"{world.case.reference}\t")
    assert _run("coughing", "--as", "olga").strip() == "No case found."
    with pytest.raises(CommandError, match="no active agent"):
        _run("coughing", "--as", "nobody")
