"""Agents and teams as the API shows them."""

from __future__ import annotations

from typing import Self

from ninja import Schema

from rapport.people.models import Agent, Availability, Team


class AgentRef(Schema):
    id: int
    display_name: str

    @classmethod
    def of(cls, agent: Agent | None) -> Self | None:
        return None if agent is None else cls(id=agent.pk, display_name=agent.display_name)


class TeamRef(Schema):
    id: int
    name: str
    slug: str

    @classmethod
    def of(cls, team: Team | None) -> Self | None:
        return None if team is None else cls(id=team.pk, name=team.name, slug=team.slug)


class SiteRef(Schema):
    id: int
    name: str
    timezone: str


class AgentOut(Schema):
    id: int
    username: str
    display_name: str
    signature: str
    site: SiteRef | None
    timezone: str
    availability: Availability
    is_supervisor: bool
    skills: list[str]
    capacity: int
    phone: str
    teams: list[TeamRef]

    @classmethod
    def of(cls, agent: Agent) -> Self:
        site = agent.site
        return cls(
            id=agent.pk,
            username=agent.user.get_username(),
            display_name=agent.display_name,
            signature=agent.signature,
            site=None
            if site is None
            else SiteRef(id=site.pk, name=site.name, timezone=site.timezone),
            timezone=agent.timezone,
            availability=Availability(agent.availability),
            is_supervisor=agent.is_supervisor,
            skills=[str(skill) for skill in agent.skills],
            capacity=agent.capacity,
            phone=agent.phone,
            teams=[TeamRef(id=t.pk, name=t.name, slug=t.slug) for t in agent.teams.all()],
        )


class AgentPage(Schema):
    items: list[AgentOut]
    next: str | None
