"""Permission-checked reads of promises and referrals: "missing" and "not yours" are one 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from rapport.care.models import FollowUpPolicy, Promise, Referral
from rapport.cases.access import cases_for_agent
from rapport.lib.access import one
from rapport.people.models import Agent


def promises_for_agent(agent: Agent) -> QuerySet[Promise]:
    """Promises on cases the agent may see, and the ones they own or were referred."""
    if agent.is_supervisor:
        return Promise.objects.all()
    return Promise.objects.filter(
        Q(case__in=cases_for_agent(agent))
        | Q(owner=agent)
        | Q(referral__to_agent=agent)
        | Q(referral__to_team__members=agent)
    ).distinct()


def promise_for_agent(agent: Agent, promise_id: int) -> Promise:
    promise = (
        promises_for_agent(agent)
        .select_related("customer", "case", "owner")
        .filter(pk=promise_id)
        .first()
    )
    if promise is None:
        raise Http404("No such promise")
    return promise


def referral_for_agent(agent: Agent, referral_id: int) -> Referral:
    referral = (
        Referral.objects.filter(promise__in=promises_for_agent(agent))
        .select_related(
            "promise__case",
            "promise__customer",
            "promise__owner",
            "to_agent",
            "to_team",
            "referred_by",
            "return_to",
            "acknowledged_by",
        )
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404("No such referral")
    return referral


def follow_up_policy_by_id(policy_id: int) -> FollowUpPolicy:
    """The desk's follow-up policies are its settings: every agent may read them (the API's
    GET), only a supervisor change them (the actions check)."""
    return one(FollowUpPolicy.objects.select_related("team"), policy_id, what="follow-up policy")
