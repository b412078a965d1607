"""Replies counted for a supervisor's whole desk read the messages alone; narrowed to the cases
an agent may see, only theirs count (bench/insights.py: the unneeded `IN (SELECT id FROM
cases_case)` took 2.5 s of the supervisor page at 1M cases on SQLite)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.cases.access import cases_for_agent
from rapport.cases.actions.messages import reply
from rapport.insights import selectors
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case
from tests.conftest import World


def test_the_whole_desk_reads_replies_without_a_case_subquery(world: World) -> None:
    other = create_customer(name="Ola Dent", by=None, identities=[("email", "ola@example.com")])
    dental = open_case(customer=other, subject="", channel="email", text="Tooth", by=None)
    dental.team = world.dental
    dental.owner = world.outsider
    dental.save(update_fields=["team", "owner"])
    reply(case=world.case, text="Hello Maria, Ana here.", by=world.agent)
    reply(case=dental, text="Hello Ola, Dee here.", by=world.outsider)
    now = timezone.now()
    since, until = now - timedelta(days=1), now + timedelta(minutes=1)

    with CaptureQueriesContext(connection) as everything:
        desk = selectors.saved_reply_use(
            cases_for_agent(world.supervisor), since=since, until=until
        )
    assert desk.replies == 2
    assert not [q for q in everything.captured_queries if '"cases_case"' in q["sql"]]

    mine = selectors.saved_reply_use(cases_for_agent(world.agent), since=since, until=until)
    assert mine.replies == 1
