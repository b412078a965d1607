"""The supervisor page, time to a human and the queue read the active cases from `case_active`,
a partial index on the active statuses. SQLite uses a partial index only when the query's own
text implies its condition, so the statuses must be written into the SQL, not bound: bound, the
supervisor page scanned every case of the 1M-case bench desk to count the outbound work (0.7 s
of CPU)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection

from tests.conftest import World

PAGES = ("/supervisor/", "/api/v1/insights/time-to-human", "/api/v1/insights/queue")
# The first status of each `status IN (…)` on cases: a placeholder, or the value itself.
STATUS_IN = re.compile(r"""\"cases_case\"\.\"status\" IN \((%s|\('new'\))""")


@pytest.mark.parametrize("page", PAGES)
def test_active_cases_are_asked_for_with_the_statuses_written_out(world: World, page: str) -> None:
    sent: list[str] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append(sql)
        return execute(sql, params, many, context)

    client = world.client_for(world.supervisor)
    with connection.execute_wrapper(keep):
        assert client.get(page).status_code == 200
    # What the rows are filtered by (a CASE in the selected columns is no matter for indexes).
    wheres = [sql.split(" WHERE ", 1)[1] for sql in sent if " WHERE " in sql]
    lists = [found for where in wheres for found in STATUS_IN.findall(where)]
    assert lists  # the page does read active cases
    assert set(lists) == {"('new')"}
