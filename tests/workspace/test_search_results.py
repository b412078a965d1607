"""The inbox search and the customer search show why each result matched: the field and the
matched words marked, everything escaped; the `/` key reaches either search box."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.actions.messages import add_note, log_call
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-(?:case|customer)-id="(\d+)"', html)]


def _why(html: str) -> list[tuple[str, str]]:
    """(field, text with <mark> kept) of every match shown."""
    return [
        (field, re.sub(r"\s+", " ", text))
        for field, text in re.findall(
            r'<li data-match-field="([a-z_]+)">.*?<span class="match-text">(.*?)</span></li>',
            html,
            re.S,
        )
    ]


def test_inbox_search_shows_the_call_note_that_matched(world: World) -> None:
    log_call(
        case=world.case, by=world.agent, direction="outbound", outcome="reached",
        notes="Owner says the antibiotics helped.\nAppetite back.",
    )  # fmt: skip
    html = world.client_for(world.agent).get("/", {"view": "recent", "q": "antibiotic"}).content
    page = html.decode()
    assert _ids(page) == [world.case.pk]
    assert _why(page) == [
        ("call", "Owner says the <mark>antibiotics</mark> helped. Appetite back.")
    ]
    assert '<span class="match-label">Call notes:</span>' in page


def test_inbox_search_names_the_phone_typed_any_way(world: World) -> None:
    client = world.client_for(world.agent)
    page = client.get("/", {"view": "recent", "q": "612 345 678"}).content.decode()
    assert _ids(page) == [world.case.pk]
    assert _why(page) == [("phone", "+34<mark>612345678</mark>")]


def test_inbox_search_names_the_subject_message_and_organisation(world: World) -> None:
    jo = create_customer(name="Jo Quinn", by=world.agent, organization="Cough Drops Ltd")
    case = open_case(
        customer=jo, subject="Cough drops order", channel="email",
        text="The cough drops arrived crushed.", by=world.agent, team=world.clinic,
    )  # fmt: skip
    page = world.client_for(world.agent).get("/", {"view": "recent", "q": "cough drops"}).content
    html = page.decode()
    assert _ids(html) == [case.pk]
    assert _why(html) == [
        ("subject", "<mark>Cough</mark> <mark>drops</mark> order"),
        ("message", "The <mark>cough</mark> <mark>drops</mark> arrived crushed."),
        ("organization", "<mark>Cough</mark> <mark>Drops</mark> Ltd"),
    ]


def test_matched_text_is_escaped(world: World) -> None:
    add_note(
        case=world.case, text='<script>alert("x")</script> doxycycline <b>twice</b>', by=world.agent
    )
    html = world.client_for(world.agent).get("/", {"view": "recent", "q": "doxycycline"}).content
    page = html.decode()
    assert "<script>alert" not in page and "<b>twice" not in page
    assert _why(page) == [
        (
            "note",
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>doxycycline</mark>"
            " &lt;b&gt;twice&lt;/b&gt;",
        )
    ]


def test_htmx_search_returns_the_list_with_why(world: World) -> None:
    client = world.client_for(world.agent)
    html = client.get("/", {"view": "recent", "q": "lopez"}, headers=HTMX).content.decode()
    assert html.startswith('<div id="case-list"')
    assert _why(html) == [("name", "Maria <mark>Lopez</mark>")]


def test_no_why_without_a_search(world: World) -> None:
    assert "search-matches" not in world.client_for(world.agent).get("/").content.decode()


def test_search_query_count_does_not_grow_with_rows(world: World) -> None:
    client = world.client_for(world.agent)
    with CaptureQueriesContext(connection) as few:
        client.get("/", {"view": "recent", "q": "puppy"})
    for n in range(12):
        case = open_case(
            customer=world.customer if n % 2 else create_customer(name=f"Puppy owner {n}", by=None),
            subject=f"Puppy visit {n}", channel="phone", text="The puppy is fine.",
            by=None, owner=world.agent, team=world.clinic,
        )  # fmt: skip
        log_call(case=case, by=world.agent, direction="inbound", outcome="reached", notes="puppy")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/", {"view": "recent", "q": "puppy"}).content.decode()
    assert len(_ids(page)) == 13
    assert len(many.captured_queries) == len(few.captured_queries)


def test_outsider_finds_nothing_of_the_clinic(world: World) -> None:
    client = world.client_for(world.outsider)
    for q in ("612 345 678", "lopez", "coughing"):
        assert _ids(client.get("/", {"view": "recent", "q": q}).content.decode()) == []
        assert _ids(client.get("/customers/", {"q": q}).content.decode()) == []


def test_anonymous_is_sent_to_sign_in() -> None:
    assert_login_required("/?q=lopez")
    assert_login_required("/customers/?q=lopez")


def test_customer_search_shows_why(world: World) -> None:
    create_customer(
        name="Jo <Quinn>", by=world.agent, owner=world.agent, organization="Northwind Labs",
        identities=[("social", "x:@jo_quinn"), ("phone", "+1 647 555 0142")],
    )  # fmt: skip
    client = world.client_for(world.agent)
    assert _why(client.get("/customers/", {"q": "+1 647 555 0142"}).content.decode()) == [
        ("phone", "<mark>+16475550142</mark>")
    ]
    assert _why(client.get("/customers/", {"q": "@jo_quinn"}).content.decode()) == [
        ("name", "<mark>Jo</mark> &lt;<mark>Quinn</mark>&gt;"),  # the words of the handle
        ("social", "x:<mark>jo_quinn</mark>"),
    ]
    assert _why(client.get("/customers/", {"q": "uin"}).content.decode()) == [
        ("name", "Jo &lt;Q<mark>uin</mark>n&gt;"),  # part of a name, as the list searches
        ("social", "x:jo_q<mark>uin</mark>n"),
    ]
    assert _why(client.get("/customers/", {"q": "northwind"}).content.decode()) == [
        ("organization", "<mark>Northwind</mark> Labs")
    ]
    assert _why(client.get("/customers/", {"q": "quinn"}).content.decode()) == [
        ("name", "Jo &lt;<mark>Quinn</mark>&gt;"),
        ("social", "x:jo_<mark>quinn</mark>"),
    ]


def test_customer_search_query_count_does_not_grow_with_rows(world: World) -> None:
    client = world.client_for(world.supervisor)
    create_customer(name="Caller", by=None, identities=[("phone", "+1 647 555 0199")])
    with CaptureQueriesContext(connection) as few:
        assert len(_ids(client.get("/customers/", {"q": "647 555 01"}).content.decode())) == 1
    for n in range(10):
        create_customer(
            name=f"Caller {n}", by=None, organization=f"Org {n}",
            identities=[("phone", f"+1 647 555 01{n:02d}")],
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        page = client.get("/customers/", {"q": "647 555 01"}).content.decode()
    assert len(_ids(page)) == 11
    assert len(many.captured_queries) == len(few.captured_queries)


def test_slash_focuses_either_search_box(world: World) -> None:
    client = world.client_for(world.agent)
    assert 'id="search"' in client.get("/").content.decode()
    assert 'id="customer-q"' in client.get("/customers/").content.decode()
