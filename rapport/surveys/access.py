"""The surveys an agent may see: those of the cases they may open (404 otherwise)."""

from __future__ import annotations

from django.db.models import QuerySet

from rapport.cases.access import cases_for_agent
from rapport.lib.access import one
from rapport.people.models import Agent
from rapport.surveys.models import Survey


def surveys_for_agent(agent: Agent) -> QuerySet[Survey]:
    if agent.is_supervisor:
        return Survey.objects.all()
    return Survey.objects.filter(case__in=cases_for_agent(agent))


def survey_for_agent(agent: Agent, survey_id: int) -> Survey:
    return one(surveys_for_agent(agent), survey_id, what="survey")
