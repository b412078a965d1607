"""An airline's care team, a cancelled flight and its passengers (story 5)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from rapport.cases.models import ACTIVE_STATUSES, Case
from rapport.people.actions.agents import create_agent
from rapport.people.actions.customers import create_customer
from rapport.people.actions.notes import add_asset
from rapport.people.models import Agent, Customer, Team
from rapport.routing.actions.opening import open_case
from tests.conftest import PASSWORD, World

FLIGHT = "AU 482"


def make_care_team(world: World, *, size: int, capacity: int) -> tuple[Team, list[Agent]]:
    care = Team.objects.create(name="Aurora Air Care", slug="care")
    agents = [
        create_agent(username=f"care{i}", display_name=f"Care Agent {i:02d}", password=PASSWORD)
        for i in range(size)
    ]
    Agent.objects.filter(pk__in=[a.pk for a in agents]).update(capacity=capacity)
    care.members.add(*agents)
    for agent in agents:
        agent.refresh_from_db()
    return care, agents


def give_open_cases(agent: Agent, count: int, team: Team) -> None:
    """`count` open cases owned by `agent`: work they already carry."""
    customer = create_customer(name=f"Earlier customer of {agent.display_name}", by=None)
    for i in range(count):
        open_case(
            customer=customer,
            subject=f"Earlier question {i}",
            channel="email",
            text="Hello",
            by=agent,
            owner=agent,
            team=team,
        )


def add_passenger(
    index: int,
    *,
    owner: Agent | None = None,
    deputy: Agent | None = None,
    attributes: dict[str, object] | None = None,
    phone: bool = True,
) -> Customer:
    identities = [("email", f"passenger{index}@example.com")]
    if phone:
        identities.append(("phone", f"+34 600 {index // 1000:03d} {index % 1000:03d}"))
    customer = create_customer(
        name=f"Passenger {index:03d}",
        by=None,
        identities=identities,
        timezone_name="Europe/Madrid",
        owner=owner,
        deputy=deputy,
    )
    add_asset(
        customer=customer,
        name=f"Booking {FLIGHT} Madrid → Manila",
        kind="booking",
        reference=f"AU482-{7000 + index}",
        attributes={"flight": FLIGHT, "seat": f"{index % 30 + 1}C", **(attributes or {})},
        by=None,
    )
    return customer


def load_of(agent: Agent) -> int:
    return Case.objects.filter(owner=agent, status__in=ACTIVE_STATUSES).count()


def today_iso(zone: str = "Europe/Madrid") -> str:
    """Today where the customer is (passengers here live in Madrid): the rules' "today"."""
    return timezone.now().astimezone(ZoneInfo(zone)).date().isoformat()


def tomorrow_iso() -> str:
    return (
        (timezone.now().astimezone(ZoneInfo("Europe/Madrid")) + timedelta(days=1))
        .date()
        .isoformat()
    )
