"""A year of a large desk for bench/insights.py, generated in the database itself.

Every big table is filled by one `INSERT … SELECT` from a driver table of random integers made
by the database (a recursive CTE on SQLite, `generate_series` on PostgreSQL): no Python loop over
cases, so 1M cases take minutes, not the hour `bench/views.py`'s `bulk_create` would. The small
tables (brands, sites, teams, ~200 agents, saved replies, incidents) go through the actions and
the ORM as a desk would make them. Inbound texts are the labelled triage messages
(`rapport/triage/data/labelled*.jsonl`, never the frozen set) and each case stores what triage
really said about its first message.

Shapes (per case, from random integers `r0…r15` of its driver row):
- created over the last 365 days; 40 % of the last 14 days' cases and 0.5 % of older ones still
  active (the backlog), the rest resolved or closed; 3 % started by the desk (incident outreach);
- channel email 45 %, chat 20 %, phone 15 %, web 10 %, sms 5 %, social 5 %; priority from triage;
- first reply after a skewed wait (chat and phone minutes, the rest up to ~28 h), against a
  first-response deadline by channel and priority; 12 % handed to a second owner;
- messages: the first inbound and the first reply, a second inbound (55 %) and reply (45 %), an
  internal note (10 %); a fifth of replies from a saved reply, a third of those unchanged;
- a call on 10 %, a promise on 8 % (follow-ups, callbacks with a window, warm referrals),
  a CSAT survey on 35 % of resolved cases (30 % answered) and NPS on 5 %.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
YEAR_S = 365 * 86400
AGENTS_PER_TEAM = 17  # ~200 agents in 11 teams
DRIVER_COLUMNS = 16
MARK = "bench_meta"


def _vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


def _random_int() -> str:
    if _vendor() == "postgresql":
        return "floor(random() * 1000000000)::bigint"
    return "(abs(random()) % 1000000000)"


def ts(seconds_sql: str) -> str:
    """A UTC timestamp from epoch seconds, as each database stores a DateTimeField."""
    if _vendor() == "postgresql":
        return f"to_timestamp({seconds_sql})"
    return f"datetime({seconds_sql}, 'unixepoch')"


def span(seconds_sql: str) -> str:
    """A duration of that many seconds, as each database stores a DurationField."""
    if _vendor() == "postgresql":
        return f"make_interval(secs => {seconds_sql})"
    return f"(({seconds_sql}) * 1000000)"


def as_json(text_sql: str) -> str:
    return f"CAST({text_sql} AS jsonb)" if _vendor() == "postgresql" else text_sql


def execute(sql: str, params: Iterable[Any] = ()) -> int:
    """Run one statement. Without parameters `%` is SQL's modulo; with them the driver reads
    `%s` as a placeholder, so every other `%` is doubled here."""
    from django.db import connection

    values = list(params)
    with connection.cursor() as cursor:
        if values:
            cursor.execute(sql.replace("%", "%%").replace("%%s", "%s"), values)
        else:
            cursor.execute(sql)
        return int(cursor.rowcount)


def driver_table(rows: int) -> None:
    """bench_n(n, r0 … r15): `rows` rows of random integers in [0, 1e9), made by the database."""
    columns = ", ".join(f"{_random_int()} AS r{i}" for i in range(DRIVER_COLUMNS))
    execute("DROP TABLE IF EXISTS bench_n")
    if _vendor() == "postgresql":
        source = f"generate_series(1, {int(rows)}) AS s(n)"
        execute(f"CREATE TABLE bench_n AS SELECT n, {columns} FROM {source}")  # noqa: S608 - ints
    else:
        execute(
            "CREATE TABLE bench_n AS WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL "  # noqa: S608
            f"SELECT n + 1 FROM s WHERE n < {int(rows)}) SELECT n, {columns} FROM s"
        )
    execute("CREATE UNIQUE INDEX bench_n_n ON bench_n (n)")


def small_table(name: str, columns: Mapping[str, str], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    execute(f"DROP TABLE IF EXISTS {name}")
    execute(f"CREATE TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns.items())})")
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)  # noqa: S608 - ours


def insert_select(
    model: Any, exprs: Mapping[str, str], source: str, params: Iterable[Any] = ()
) -> int:
    """INSERT INTO model's table (the given columns as SQL expressions over `source`; every other
    column its field's default, prepared by the field) SELECT … FROM source."""
    from django.db import connection

    columns, values, defaults = [], [], []
    for field in model._meta.concrete_fields:
        if field.column in exprs:
            columns.append(field.column)
            values.append(exprs[field.column])
        elif not field.primary_key:
            default = field.get_default()
            if default is None and not field.null:
                raise SystemExit(f"{model.__name__}.{field.name} needs a value in the bench")
            columns.append(field.column)
            values.append("%s")
            defaults.append(field.get_db_prep_save(default, connection))
    unknown = set(exprs) - set(columns)
    if unknown:
        raise SystemExit(f"{model.__name__}: no columns {sorted(unknown)}")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - ours
        f"SELECT {', '.join(values)} FROM {source}"
    )
    return execute(sql, [*defaults, *params])


def organisation(agents: int) -> dict[str, Any]:
    """Brands, sites, teams and agents through the actions; a supervisor; saved replies."""
    from rapport.cases.models import SavedReply
    from rapport.outreach.models import Incident
    from rapport.people.actions.agents import create_agent, create_brand, create_site, create_team

    brands = [
        create_brand(name=name, slug=name.lower().replace(" ", "-"), by=None)
        for name in ("Northwind", "Fjord Air", "Clinica Sol")
    ]
    places = (
        ("Madrid", "Europe/Madrid", "ES"),
        ("Toronto", "America/Toronto", "CA"),
        ("Manila", "Asia/Manila", "PH"),
        ("Lisbon", "Europe/Lisbon", "PT"),
    )
    sites = [
        create_site(name=n, timezone_name=z, country=c, brand=brands[i % 3])
        for i, (n, z, c) in enumerate(places)
    ]
    team_count = max(1, agents // AGENTS_PER_TEAM)
    people = []
    for i in range(agents):
        site = sites[i % len(sites)]
        people.append(
            create_agent(
                username=f"agent{i}",
                display_name=f"Agent {i:03d}",
                password=None,
                site=site,
                timezone_name=site.timezone,
                signature=f"Agent {i:03d}, {site.name}",
                working_hours={"mon": [["09:00", "17:00"]]},
            )
        )
    teams = [
        create_team(
            name=f"Team {t}", slug=f"team-{t}", members=people[t::team_count], brand=brands[t % 3]
        )
        for t in range(team_count)
    ]
    supervisor = create_agent(
        username="boss", display_name="Bench Supervisor", password=None, is_supervisor=True
    )
    saved = [
        SavedReply.objects.create(title=f"Saved reply {i}", text=f"Thanks for writing ({i}).")
        for i in range(20)
    ]
    incidents = [
        Incident.objects.create(title=f"Incident {i}", message_draft="We are sorry.")
        for i in range(4)
    ]
    slots = [
        (i, a.pk, teams[i % team_count].pk, brands[(i % team_count) % 3].pk)
        for i, a in enumerate(people)
    ]
    return {
        "supervisor": supervisor,
        "slots": slots,
        "saved": [s.pk for s in saved],
        "incidents": [i.pk for i in incidents],
    }


def triage_templates(now: datetime) -> list[tuple[int, str, str, str]]:
    """(k, text, triage JSON, priority) for every labelled message: what triage stores."""
    from rapport.cases.models import Case, Priority
    from rapport.triage.learned import load_shipped
    from rapport.triage.service import as_case_fields
    from rapport.triage.signals import triage

    model = load_shipped()
    rows = []
    names = ("labelled.jsonl", "labelled_more.jsonl")
    lines = [
        json.loads(line)
        for name in names
        for line in (ROOT / "rapport" / "triage" / "data" / name).read_text().splitlines()
        if line.strip()
    ]
    for k, line in enumerate(lines):
        result = triage(line["text"], channel=line["channel"], now=now, model=model)
        fields = as_case_fields(Case(priority=Priority.LOW), result, now=now)
        priority = fields.get("priority", Priority.LOW)
        rows.append((k, line["text"], json.dumps(fields["triage"]), str(priority)))
    return rows


def _pick(column: str, weighted: Iterable[tuple[str, int]]) -> str:
    """CASE over `column % 100` giving each value its share of 100."""
    parts, edge = [], 0
    for value, share in weighted:
        edge += share
        parts.append(f"WHEN {column} % 100 < {edge} THEN '{value}'")
    return f"CASE {' '.join(parts)} END"


@dataclass(frozen=True)
class Plan:
    """What every step derives its rows from."""

    cases: int
    customers: int
    now_s: int
    agents: int  # slots in bench_agent
    texts: int  # rows in bench_text
    saved: tuple[int, ...]
    incidents: tuple[int, ...]


DONE = "status IN ('resolved', 'closed')"


def _resolved(plan: Plan) -> str:
    """When a finished case was resolved (epoch seconds over bench_case; NULL if active)."""
    return (
        f"CASE WHEN {DONE} THEN {_least()}coalesce(answered_s, created_s) + work_s, "
        f"{plan.now_s}) END"
    )


def generate(*, cases: int, agents: int, log: Any = print) -> dict[str, Any]:
    """Fill an empty, migrated database; returns the supervisor who times the pages."""
    from django.db import connection, transaction

    started = time.perf_counter()
    now = datetime.now(tz=UTC).replace(microsecond=0)
    if connection.vendor == "sqlite":  # outside any transaction, where SQLite honours them
        execute("PRAGMA foreign_keys = OFF")
        execute("PRAGMA synchronous = OFF")
        # Cases and messages arrive in id order but every other index of theirs at random:
        # with SQLite's 2 MB default cache each insert reads index pages back from disk.
        execute("PRAGMA cache_size = -2000000")
    timings: dict[str, float] = {}
    with transaction.atomic():
        org = organisation(agents)
        templates = triage_templates(now)
        small_table(
            "bench_text",
            {"k": "integer", "body": "text", "triage": "text", "priority": "varchar(10)"},
            templates,
        )
        small_table(
            "bench_agent",
            {"slot": "integer", "agent_id": "integer", "team_id": "integer", "brand_id": "integer"},
            org["slots"],
        )
        driver_table(max(cases, cases // 3))
    first = "organisation, triage of the texts, driver rows"
    timings[first] = round(time.perf_counter() - started, 1)
    log(f"  {first}: {timings[first]} s", flush=True)
    plan = Plan(
        cases=cases,
        customers=max(1, cases // 3),
        now_s=int(now.timestamp()),
        agents=len(org["slots"]),
        texts=len(templates),
        saved=tuple(org["saved"]),
        incidents=tuple(org["incidents"]),
    )
    for name, make in (
        ("customers", _customers),
        ("case plan", _case_plan),
        ("cases", _cases),
        ("messages", _messages),
        ("events and calls", _events_and_calls),
        ("promises", _promises),
        ("surveys", _surveys),
        ("incident outreach", _outreach),
    ):
        mark = time.perf_counter()
        with transaction.atomic():
            rows = make(plan)
        timings[name] = round(time.perf_counter() - mark, 1)
        log(f"  {name}: {rows} rows in {timings[name]} s", flush=True)
    total = _finish(plan, now, started)
    mark = time.perf_counter()
    # As autovacuum leaves a running desk (PostgreSQL's index-only scans need the visibility
    # map a vacuum writes); SQLite's planner needs the statistics.
    execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    timings["analyze"] = round(time.perf_counter() - mark, 1)
    return {"supervisor": org["supervisor"], "generation_s": total, "steps": timings}


def _customers(plan: Plan) -> int:
    from rapport.people.models import Customer, Identity

    rows = insert_select(
        Customer,
        {
            "id": "n",
            "name": "'Customer ' || n",
            "owner_id": "a.agent_id",
            "created_at": ts(f"{plan.now_s} - {YEAR_S} - r1 % {YEAR_S}"),
            "updated_at": ts(f"{plan.now_s} - r1 % {YEAR_S}"),
        },
        f"bench_n JOIN bench_agent a ON a.slot = bench_n.r0 % {plan.agents} "
        f"WHERE n <= {plan.customers}",
    )
    return rows + insert_select(
        Identity,
        {
            "customer_id": "n",
            "kind": "'email'",
            "value": "'customer' || n || '@example.com'",
            "is_primary": "1 = 1",
        },
        f"bench_n WHERE n <= {plan.customers}",
    )


def _case_plan(plan: Plan) -> int:
    """bench_case: one row per case with everything its other rows derive from."""
    channel = _pick(
        "r3",
        (("email", 45), ("chat", 20), ("phone", 15), ("web", 10), ("sms", 5), ("social", 5)),
    )
    active = _pick("r6", (("new", 20), ("open", 35), ("waiting_customer", 30), ("waiting_us", 15)))
    fresh = 14 * 86400
    execute("DROP TABLE IF EXISTS bench_case")
    execute(
        f"""CREATE TABLE bench_case AS SELECT
            n AS id, 1 + r1 % {plan.customers} AS customer_id,
            a.agent_id AS owner_id, a.team_id AS team_id, a.brand_id AS brand_id,
            b.agent_id AS first_owner_id,
            {plan.now_s} - age AS created_s, age, channel, t.priority AS priority, t.k AS text_k,
            CASE WHEN r5 % 100 < 3 THEN 'desk' ELSE 'customer' END AS initiative,
            CASE WHEN (age < {fresh} AND r4 % 100 < 40) OR r4 % 1000 < 5 THEN {active}
                WHEN r4 % 100 < 55 THEN 'resolved' ELSE 'closed' END AS status,
            CASE WHEN channel IN ('chat', 'phone') THEN 30 + (r7 % 1000) * (r7 % 1000) / 400
                ELSE 300 + (r7 % 1000) * (r7 % 1000) / 10 END AS wait_s,
            CASE WHEN channel IN ('chat', 'phone') THEN 600
                WHEN t.priority = 'urgent' THEN 3600 WHEN t.priority = 'high' THEN 14400
                ELSE 28800 END AS target_s,
            3600 + r8 % 400000 AS work_s, 600 + r9 % 86400 AS again_s,
            r10, r11, r12, r13, r14, r15
        FROM (SELECT n, r1, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15,
                     r0 % {plan.agents} AS slot, r2 % {plan.agents} AS first_slot,
                     r2 % {plan.texts} AS text_k, r3 % {YEAR_S} AS age, {channel} AS channel
              FROM bench_n WHERE n <= {plan.cases}) AS d
        JOIN bench_agent a ON a.slot = d.slot
        JOIN bench_agent b ON b.slot = CASE WHEN d.r10 % 100 < 12 THEN d.first_slot
                                            ELSE d.slot END
        JOIN bench_text t ON t.k = d.text_k"""  # noqa: S608 - integers of ours
    )
    execute("CREATE UNIQUE INDEX bench_case_id ON bench_case (id)")
    rows = plan.cases
    # The first reply: once the wait is over (never after now); a new case has none.
    execute("ALTER TABLE bench_case ADD COLUMN answered_s bigint")
    execute(
        f"UPDATE bench_case SET answered_s = CASE WHEN status <> 'new' AND "  # noqa: S608
        f"created_s + wait_s <= {plan.now_s} THEN created_s + wait_s END"
    )
    return rows


def _cases(plan: Plan) -> int:
    from rapport.cases.models import Case

    resolved = _resolved(plan).replace("status", "c.status")
    return insert_select(
        Case,
        {
            "id": "c.id",
            "customer_id": "c.customer_id",
            "subject": "substr(t.body, 1, 60)",
            "status": "c.status",
            "priority": "c.priority",
            "owner_id": "c.owner_id",
            "team_id": "c.team_id",
            "brand_id": "c.brand_id",
            "origin_channel": "c.channel",
            "initiative": "c.initiative",
            "first_response_due_at": ts("c.created_s + c.target_s"),
            "next_response_due_at": ts(
                "CASE WHEN c.status IN ('open', 'waiting_us', 'new') "
                "THEN c.created_s + c.target_s + c.again_s END"
            ),
            "first_response_at": ts("c.answered_s"),
            "first_wait": span("c.answered_s - c.created_s"),
            "resolved_at": ts(resolved),
            "last_message_preview": "substr(t.body, 1, 200)",
            "triage": as_json("t.triage"),
            "created_at": ts("c.created_s"),
            "updated_at": ts(f"coalesce({resolved}, c.answered_s, c.created_s)"),
        },
        "bench_case c JOIN bench_text t ON t.k = c.text_k",
    )


def _messages(plan: Plan) -> int:
    from rapport.cases.models import Message

    message = {
        "case_id": "c.id",
        "customer_id": "c.customer_id",
    }
    inbound = insert_select(
        Message,
        {
            **message,
            "direction": "'in'",
            "channel": "c.channel",
            "text": "t.body",
            "delivery_status": "'received'",
            "created_at": ts("c.created_s"),
        },
        "bench_case c JOIN bench_text t ON t.k = c.text_k",
    )
    saved = f"CASE WHEN c.r11 % 100 < 20 THEN {plan.saved[0]} + c.r11 % {len(plan.saved)} END"
    reply = {
        **message,
        "direction": "'out'",
        "channel": "c.channel",
        "author_id": "c.first_owner_id",
        "text": "'Thank you, we are on it. ' || a.signature",
        "delivery_status": "'sent'",
        "saved_reply_id": saved,
        "sent_unchanged": "CASE WHEN c.r11 % 100 < 20 THEN c.r11 % 3 = 0 END",
    }
    replies = insert_select(
        Message,
        {**reply, "created_at": ts("c.answered_s")},
        "bench_case c JOIN people_agent a ON a.id = c.first_owner_id "
        "WHERE c.answered_s IS NOT NULL",
    )
    again = "c.answered_s + c.again_s"
    inbound += insert_select(
        Message,
        {
            **message,
            "direction": "'in'",
            "channel": "c.channel",
            "text": "'Thanks. One more thing: ' || t.body",
            "delivery_status": "'received'",
            "created_at": ts(again),
        },
        "bench_case c JOIN bench_text t ON t.k = (c.text_k + 7) % "
        f"{plan.texts} WHERE c.answered_s IS NOT NULL AND c.r12 % 100 < 55 "
        f"AND {again} <= {plan.now_s}",
    )
    later = "c.answered_s + 2 * c.again_s"
    replies += insert_select(
        Message,
        {**reply, "author_id": "c.owner_id", "created_at": ts(later)},
        "bench_case c JOIN people_agent a ON a.id = c.owner_id "
        f"WHERE c.answered_s IS NOT NULL AND c.r12 % 100 < 45 AND {later} <= {plan.now_s}",
    )
    notes = insert_select(
        Message,
        {
            **message,
            "direction": "'note'",
            "channel": "'system'",
            "author_id": "c.owner_id",
            "text": "'Checked the order history.'",
            "delivery_status": "'n/a'",
            "created_at": ts("c.created_s + 60"),
        },
        "bench_case c WHERE c.r12 % 100 >= 90",
    )
    return inbound + replies + notes


def _events_and_calls(plan: Plan) -> int:
    from rapport.cases.models import Call, CaseEvent

    rows = 0
    rows += insert_select(
        CaseEvent,
        {"case_id": "id", "actor_id": "first_owner_id", "kind": "'opened'",
         "created_at": ts("created_s")},
        "bench_case",
    )  # fmt: skip
    rows += insert_select(
        CaseEvent,
        {
            "case_id": "id",
            "actor_id": "owner_id",
            "kind": "'assigned'",
            "reason": "'Handed over'",
            "created_at": ts("created_s + wait_s / 2"),
        },
        "bench_case WHERE first_owner_id <> owner_id",
    )
    rows += insert_select(
        Call,
        {
            "case_id": "id",
            "customer_id": "customer_id",
            "agent_id": "owner_id",
            "direction": "CASE WHEN r13 % 2 = 0 THEN 'outbound' ELSE 'inbound' END",
            "outcome": _pick("r13", (("reached", 75), ("voicemail", 15), ("no_answer", 10))),
            "duration_seconds": "30 + r13 % 1200",
            "started_at": ts("coalesce(answered_s, created_s)"),
            "created_at": ts("coalesce(answered_s, created_s)"),
        },
        "bench_case WHERE r13 % 1000 < 100",
    )
    return rows


def _promises(plan: Plan) -> int:
    """Follow-ups, callbacks with a window, warm referrals; the open ones are recent."""
    from rapport.care.models import Promise, Referral

    due = "created_s + 86400 + r14 % 259200"
    kept = f"{due} + (r14 % 1000 - 150) * 30"
    rows = insert_select(
        Promise,
        {
            "kind": _pick("r14", (("follow_up", 50), ("callback", 35), ("referral", 15))),
            "customer_id": "customer_id",
            "case_id": "id",
            "owner_id": "owner_id",
            "due_at": ts(due),
            "window_end": ts(f"CASE WHEN r14 % 100 BETWEEN 50 AND 84 THEN {due} + 7200 END"),
            "purpose": "'Check in on the outcome'",
            "status": f"CASE WHEN {due} > {plan.now_s} THEN 'open' WHEN r15 % 100 < 85 THEN "
            "'kept' WHEN r15 % 100 < 95 THEN 'missed' ELSE 'cancelled' END",
            "kept_at": ts(f"CASE WHEN {due} <= {plan.now_s} AND r15 % 100 < 85 THEN {kept} END"),
            "late": f"{due} <= {plan.now_s} AND r15 % 100 < 85 AND {kept} > {due} + 7200",
            "miss_at": ts(f"{due} + 7200"),
            "created_at": ts("created_s"),
            "updated_at": ts(f"{_least()}{due}, {plan.now_s})"),
        },
        "bench_case WHERE r15 % 1000 >= 920",
    )
    return rows + insert_select(
        Referral,
        {
            "promise_id": "p.id",
            "to_team_id": "c.team_id",
            "situation": "'Needs a specialist.'",
            "needs": "'A call within two days.'",
            "state": "CASE WHEN p.status = 'kept' THEN 'acknowledged' ELSE 'sent' END",
            "acknowledged_at": ts(
                f"CASE WHEN p.status = 'kept' THEN {_epoch('p.created_at')} + 3600 END"
            ),
        },
        "care_promise p JOIN bench_case c ON c.id = p.case_id WHERE p.kind = 'referral'",
    )


def _surveys(plan: Plan) -> int:
    from rapport.surveys.models import Survey

    resolved = _resolved(plan)
    answered_survey = "r15 % 100 < 30"
    return insert_select(
        Survey,
        {
            "kind": "CASE WHEN r14 % 100 < 88 THEN 'csat' ELSE 'nps' END",
            "customer_id": "customer_id",
            "case_id": "id",
            "agent_id": "owner_id",
            "status": f"CASE WHEN {answered_survey} THEN 'answered' ELSE 'expired' END",
            "due_at": ts(resolved),
            "channel": "'email'",
            "sent_at": ts(resolved),
            "expires_at": ts(f"{resolved} + 7 * 86400"),
            "answered_at": ts(f"CASE WHEN {answered_survey} THEN {resolved} + 5000 END"),
            # Most customers are content; a few are not (CSAT 1-2, NPS detractors 0-6).
            "score": f"CASE WHEN NOT ({answered_survey}) THEN NULL WHEN r14 % 100 < 88 THEN "
            "(CASE WHEN r12 % 100 < 6 THEN 1 WHEN r12 % 100 < 12 THEN 2 WHEN r12 % 100 < 25 "
            "THEN 3 WHEN r12 % 100 < 55 THEN 4 ELSE 5 END) ELSE (CASE WHEN r12 % 100 < 15 "
            "THEN r12 % 7 WHEN r12 % 100 < 40 THEN 7 + r12 % 2 ELSE 9 + r12 % 2 END) END",
            "created_at": ts(resolved),
        },
        f"bench_case WHERE {DONE} AND r13 % 1000 < 400",
    )


def _outreach(plan: Plan) -> int:
    from rapport.outreach.models import OutreachTask

    first = "SELECT min(id) FROM bench_case WHERE initiative = 'desk' GROUP BY customer_id"
    n_incidents = len(plan.incidents)
    return insert_select(
        OutreachTask,
        {
            "incident_id": f"{plan.incidents[0]} + customer_id % {n_incidents}",
            "customer_id": "customer_id",
            "case_id": "id",
            "owner_id": "owner_id",
            "contact": "'phone'",
            "status": f"CASE WHEN {DONE} THEN 'reached' ELSE 'attempted' END",
            "attempts": "1",
            "created_at": ts("created_s"),
            "updated_at": ts("created_s"),
        },
        f"bench_case WHERE id IN ({first})",
    )


def _finish(plan: Plan, now: datetime, started: float) -> float:
    """Sequences past the ids given, the scaffolding dropped, the desk marked as finished."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from rapport.cases.models import Case
    from rapport.people.models import Customer

    with transaction.atomic():
        if connection.vendor == "postgresql":
            for sql in connection.ops.sequence_reset_sql(no_style(), [Customer, Case]):
                execute(sql)
        for table in ("bench_case", "bench_n", "bench_text", "bench_agent"):
            execute(f"DROP TABLE {table}")
        execute(f"CREATE TABLE {MARK} (cases integer, generated_s real, made_at varchar(40))")
        total = round(time.perf_counter() - started, 1)
        execute(
            f"INSERT INTO {MARK} VALUES (%s, %s, %s)",  # noqa: S608 - our table
            [plan.cases, total, now.isoformat()],
        )
    return total


def _least() -> str:
    return "least(" if _vendor() == "postgresql" else "min("


def _epoch(column: str) -> str:
    if _vendor() == "postgresql":
        return f"extract(epoch from {column})::bigint"
    return f"unixepoch({column})"


def generated() -> dict[str, Any] | None:
    """What an earlier run left (its size and when), or None when nothing finished there."""
    from django.db import connection

    if MARK not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cases, generated_s, made_at FROM {MARK}")  # noqa: S608 - ours
        row = cursor.fetchone()
    if row is None:
        return None
    return {"cases": row[0], "generation_s": row[1], "made_at": row[2]}
