"""Shared bits for workspace view tests."""

from __future__ import annotations

import re

from django.test import Client

from rapport.cases.actions.messages import add_note, log_call, reply
from rapport.cases.models import Attachment, Case, Message
from rapport.people.actions.customers import create_customer
from rapport.people.models import Agent
from rapport.routing.actions.opening import open_case
from tests.conftest import World

HTMX = {"HX-Request": "true"}


def assert_login_required(url: str, *, method: str = "get") -> None:
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def new_team_case(world: World) -> Case:
    """Maria's second case, new in the clinic team's queue (what a live inbox must show)."""
    return open_case(
        customer=world.customer,
        subject="Second puppy sneezing",
        channel="email",
        text="And now Max sneezes.",
        by=None,
        team=world.clinic,
    )


def make_cases(world: World, count: int, *, owners: list[Agent] | None = None) -> list[Case]:
    """`count` clinic cases spread over several customers and owners."""
    owners = owners or [world.agent, world.colleague]
    customers = [
        create_customer(name=f"Customer {i}", preferred_name=f"C{i}", by=None) for i in range(3)
    ]
    return [
        open_case(
            customer=customers[i % len(customers)],
            subject=f"Question {i}",
            channel="email" if i % 2 else "chat",
            text=f"Message body {i}",
            by=None,
            owner=owners[i % len(owners)],
            team=world.clinic,
        )
        for i in range(count)
    ]


def grow_timeline(world: World, count: int) -> None:
    """Messages (with attachments), notes, calls and events on the customer's cases."""
    other = open_case(
        customer=world.customer, subject="Invoice question", channel="email", text="Hi", by=None
    )
    for i in range(count):
        case = world.case if i % 2 else other
        message = reply(case=case, text=f"Reply {i}", by=world.agent)
        Attachment.objects.create(
            message=message, file=f"attachments/x{i}.pdf", filename=f"x{i}.pdf"
        )
        add_note(case=case, text=f"Note {i}", by=world.colleague)
        log_call(case=case, by=world.agent, direction="outbound", outcome="reached")
    assert Message.objects.filter(customer=world.customer).count() >= count


def inbox_ids(html: str) -> list[int]:
    """The case ids of the inbox's rows, top to bottom."""
    return [int(pk) for pk in re.findall(r'data-case-id="(\d+)"', html)]


def every_page(client: Client, query: str, *, pages: int) -> list[int]:
    """The inbox's rows page after page (following "Next page") for at most `pages` pages."""
    seen: list[int] = []
    for _ in range(pages):
        response = client.get(f"/?{query}")
        seen += inbox_ids(response.content.decode())
        query = response.context["next_query"]
        if not query:
            break
    return seen
