"""Search over subjects, message text and customers, on SQLite FTS5 and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from rapport.cases.access import cases_for_agent
from rapport.cases.actions.merging import merge_cases
from rapport.cases.actions.messages import add_note
from rapport.cases.models import Case, Message
from rapport.cases.search import (
    ensure_search_index,
    fts5_expression,
    search_cases,
    tokens,
    tsquery_expression,
)
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case, receive_message, split_message
from tests.conftest import World


def found(world: World, query: str, agent: object = None) -> set[int]:
    cases = cases_for_agent(agent or world.supervisor)  # type: ignore[arg-type]
    return set(search_cases(cases, query).values_list("pk", flat=True))


def test_finds_by_subject_word_and_prefix(world: World) -> None:
    assert found(world, "coughing") == {world.case.pk}
    assert found(world, "Puppy cough") == {world.case.pk}  # last word as a prefix
    assert found(world, "kitten") == set()


def test_finds_by_message_word(world: World) -> None:
    receive_message(case=world.case, text="She also sneezes after dinner.", channel="email")
    assert found(world, "sneezes") == {world.case.pk}
    assert found(world, "Mila") == {world.case.pk}  # the first message


def test_finds_by_customer_name_email_and_phone(world: World) -> None:
    other = create_customer(name="Tom Brook", by=None, identities=[("email", "tom@brook.test")])
    other_case = open_case(
        customer=other, subject="Invoice", channel="email", text="Where is it?", by=world.agent,
        team=world.clinic,
    )  # fmt: skip
    assert found(world, "Lopez") == {world.case.pk}
    assert found(world, "lop") == {world.case.pk}
    assert found(world, "maria.lopez@example.com") == {world.case.pk}
    assert found(world, "MARIA.LO") == {world.case.pk}
    assert found(world, "+34 612 345 678") == {world.case.pk}
    assert found(world, "tom@brook") == {other_case.pk}


def test_respects_the_permission_filtered_queryset(world: World) -> None:
    assert found(world, "coughing", world.agent) == {world.case.pk}
    assert found(world, "coughing", world.outsider) == set()
    assert found(world, "Lopez", world.outsider) == set()


def test_result_can_still_be_filtered_and_ordered(world: World) -> None:
    second = open_case(
        customer=world.customer, subject="Coughing again", channel="chat", text="Back again",
        by=world.agent,
    )  # fmt: skip
    cases = search_cases(cases_for_agent(world.supervisor), "coughing")
    assert list(cases.order_by("-pk").values_list("pk", flat=True)) == [second.pk, world.case.pk]
    assert list(cases.filter(origin_channel="chat")) == [second]


def test_split_and_merge_keep_the_index_right(world: World) -> None:
    message = receive_message(case=world.case, text="Also: the invoice is wrong.", channel="email")
    new_case = split_message(message=message, by=world.agent, subject="Billing")
    assert found(world, "invoice") == {new_case.pk}
    merge_cases(source=new_case, target=world.case, by=world.agent)
    assert found(world, "invoice") == {world.case.pk}
    Message.objects.filter(pk=message.pk).update(text="Nothing to see")
    assert found(world, "invoice") == set()
    assert found(world, "nothing") == {world.case.pk}
    Message.objects.filter(pk=message.pk).delete()
    assert found(world, "nothing") == set()


def test_notes_are_searchable_and_a_renamed_subject_follows(world: World) -> None:
    add_note(case=world.case, text="Prescribed doxycycline", by=world.agent)
    assert found(world, "doxycycline") == {world.case.pk}
    Case.objects.filter(pk=world.case.pk).update(subject="Kennel cough follow-up")
    assert found(world, "kennel") == {world.case.pk}
    assert found(world, "mila weeks") == {world.case.pk}  # still in the first message


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced',
        "AND",
        "OR NOT",
        "cough AND",
        "*",
        "cough*",
        "-cough",
        "NEAR(cough mila)",
        "col:cough",
        "^cough",
        "'; DROP TABLE cases_case; --",
        "a & b | !c <-> d:*",
        "100%_done\\",
        "ñandú 猫咪 😀",
        "x" * 5000,
        "   ",
        "!!!",
    ],
)
def test_hostile_input_does_not_crash(world: World, query: str) -> None:
    result = found(world, query)
    assert result <= {world.case.pk}


def test_quoted_operators_match_as_words(world: World) -> None:
    receive_message(case=world.case, text="Cats and dogs, near or not.", channel="email")
    assert found(world, "and NEAR") == {world.case.pk}
    assert found(world, '"cough') == {world.case.pk}
    assert found(world, "-cough") == {world.case.pk}


def test_unicode_words(world: World) -> None:
    receive_message(case=world.case, text="El ñandú comió algo raro.", channel="email")
    assert found(world, "ñandú") == {world.case.pk}
    assert found(world, "comió") == {world.case.pk}


def test_expressions_quote_every_token() -> None:
    words = tokens('Mila "AND" co*')
    assert words == ["mila", "and", "co"]
    assert fts5_expression(words) == '"mila" AND "and" AND "co"'
    assert fts5_expression(["mila", "cou"]) == '"mila" AND "cou"*'
    assert tsquery_expression(["mila", "cou"]) == "'mila' & 'cou':*"
    assert tokens("") == []


def test_triggers_lost_in_a_table_rebuild_are_put_back_after_migrate(world: World) -> None:
    if connection.vendor != "sqlite":
        # PostgreSQL alters tables in place, so its side tables' triggers are never lost: search
        # is current without any repair, and the repair is harmless.
        receive_message(case=world.case, text="Written with no trigger at all", channel="email")
        ensure_search_index(using="default")
        assert found(world, "trigger") == {world.case.pk}
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER cases_message_fts_ai")
    receive_message(case=world.case, text="Written while the trigger was gone", channel="email")
    assert found(world, "trigger") == set()
    ensure_search_index(using="default")
    assert found(world, "trigger") == {world.case.pk}
