"""Permission-checked reads: "missing" and "not yours" are the same 404."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from rapport.cases.models import Attachment, Case, Message, SavedReply, SavedView, Status
from rapport.lib.access import one
from rapport.lib.errors import Forbidden
from rapport.people.models import Agent, Asset, Customer, Team


def _team_ids(agent: Agent) -> list[int]:
    cached: list[int] | None = getattr(agent, "_team_ids", None)
    if cached is None:
        cached = list(agent.teams.values_list("pk", flat=True))
        agent._team_ids = cached  # type: ignore[attr-defined]
    return cached


def agent_team_ids(agent: Agent) -> list[int]:
    """The ids of the agent's teams, read once per request."""
    return _team_ids(agent)


def cases_for_agent(agent: Agent) -> QuerySet[Case]:
    """Every case this agent may see: supervisors all; agents their teams' cases, their own, and
    every case of a customer whose owner or deputy they are (access follows the relationship)."""
    if agent.is_supervisor:
        return Case.objects.all()
    return _visible_cases(agent)


# Which of the cases an agent may see a list walks: all of them, only their own, only their
# teams'. The inbox's "mine" and "team" hold only cases of one kind; walking the other slices too
# would only read the same cases again, through longer walks.
Scope = Literal["all", "own", "teams"]


def newest_cases_for_agent(
    agent: Agent,
    *,
    where: Q,
    limit: int,
    statuses: Sequence[str] | None = None,
    scope: Scope = "all",
) -> list[QuerySet[Case, Any]]:
    """The ids of cases matching `where` that this agent may see, in slices whose union holds
    the `limit` most recently updated of them.

    Cut the union by `-updated_at, -pk` (with whatever else the list orders by first) in the
    statement that reads the rows: a cut of its own would nest every slice once more, and
    building and compiling the nested statement cost more than the rows it spares (the inbox's
    "recently updated", 13 slices, 100k-case desk). `statuses` (None: any) narrows it;
    `scope` "own" or "teams" reads only the agent's own cases or their teams' (the caller's
    `where` says the same: those are cases they may always see).

    `ORDER BY updated_at DESC LIMIT n` over "their teams' cases or their own" makes the database
    collect and sort every case the agent may see (the OR spans two indexes). Instead each slice
    of what they may see -- one team, their own cases, each times one status -- is read newest
    first on its own index (`case_team_inbox`, `case_owner_inbox`; `case_status_inbox` or
    `case_recent` for a supervisor) with its own LIMIT; the caller cuts the union of those short
    lists. The cost follows the page size and the number of slices, not the size of
    the desk, of a team, or how rarely a tiny team's cases come up among everyone's.

    The cases of the customers they look after (owner or deputy) are one more slice, read
    through `case_customer` customer by customer: once for all statuses, since per status it
    would walk every such customer's cases once a status.
    """
    parts: list[Q]
    if scope == "own":
        parts = [Q(owner=agent)]
    elif scope == "teams":
        parts = [Q(team_id=team_id) for team_id in _team_ids(agent)]
    elif agent.is_supervisor:
        parts = [Q()]
    else:
        parts = [*(Q(team_id=team_id) for team_id in _team_ids(agent)), Q(owner=agent)]
    if parts == [Q()] and statuses is None:
        arms = parts  # the whole desk, newest first: one walk of `case_recent`
    else:
        # each (team, status), (owner, status) and (status) is an index prefix
        each = Status.values if statuses is None else statuses
        arms = [part & Q(status=status) for part in parts for status in each]
    if scope == "all" and not agent.is_supervisor:
        arms.append(
            Q(customer_id__in=_related_customers(agent))
            if statuses is None
            else Q(customer_id__in=_related_customers(agent), status__in=statuses)
        )
    # Each slice is its own short index walk: ORDER BY … LIMIT inside `pk IN (…)`, since
    # SQLite refuses a LIMIT in a part of a UNION.
    matching = Case.objects.filter(where)
    return [
        Case.objects.filter(pk__in=_newest(matching.filter(part), limit)).values("pk")
        for part in arms
    ]


def _newest(cases: QuerySet[Case], limit: int) -> QuerySet[Case, Any]:
    return cases.order_by("-updated_at", "-pk").values("pk")[:limit]


def case_for_agent(agent: Agent, case_id: int) -> Case:
    case = (
        cases_for_agent(agent)
        .select_related("customer", "owner", "team", "customer__owner", "customer__deputy")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    return case


def _related_customers(agent: Agent) -> QuerySet[Customer, Any]:
    """The customers whose owner or deputy this agent is (as a subquery, never read alone).

    Two index reads joined, not one OR: with deputies rare, SQLite's statistics rate the deputy
    index useless and it scanned every customer for `owner = ? OR deputy = ?` (33k customers:
    2.6 ms, against 0.3 ms), on every read of what an agent may see."""
    owned = Customer.objects.filter(owner=agent).values("pk")
    return owned.union(Customer.objects.filter(deputy=agent).values("pk"))


def _visible_cases(agent: Agent) -> QuerySet[Case]:
    return Case.objects.filter(
        Q(team_id__in=_team_ids(agent))
        | Q(owner=agent)
        | Q(customer_id__in=_related_customers(agent))
    )


def customers_for_agent(agent: Agent) -> QuerySet[Customer]:
    """Customers this agent serves: through a visible case or the relationship itself."""
    customers = Customer.objects.filter(merged_into__isnull=True)
    if agent.is_supervisor:
        return customers
    # A correlated EXISTS walks each customer's own cases (index `case_customer`) instead of
    # collecting the customer ids of every case the agent can see.
    return customers.filter(
        Q(owner=agent)
        | Q(deputy=agent)
        | Exists(_visible_cases(agent).filter(customer_id=OuterRef("pk")))
    )


def customer_for_agent(agent: Agent, customer_id: int) -> Customer:
    customer = (
        Customer.objects.filter(merged_into__isnull=True)
        .select_related("owner", "deputy", "organization")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None or not _serves(agent, customer):
        raise Http404("No such customer")
    return customer


def customer_cases_for_agent(agent: Agent, customer: Customer) -> QuerySet[Case] | None:
    """Which of this customer's cases the agent may see: None when all of them (a supervisor,
    the customer's owner or deputy), else the cases they may see, to narrow a timeline with."""
    if agent.is_supervisor or agent.pk in (customer.owner_id, customer.deputy_id):
        return None
    return _visible_cases(agent).filter(customer_id=customer.pk)


def _serves(agent: Agent, customer: Customer) -> bool:
    if agent.is_supervisor or agent.pk in (customer.owner_id, customer.deputy_id):
        return True
    return _visible_cases(agent).filter(customer_id=customer.pk).exists()


def message_for_agent(agent: Agent, message_id: int) -> Message:
    message = (
        Message.objects.select_related("case")
        .filter(pk=message_id, case__in=cases_for_agent(agent))
        .first()
    )
    if message is None:
        raise Http404("No such message")
    return message


def attachment_for_agent(agent: Agent, attachment_id: int) -> Attachment:
    """An attachment on a message of a case the agent may open; 404 otherwise."""
    attachment = (
        Attachment.objects.select_related("message")
        .filter(pk=attachment_id, message__case__in=cases_for_agent(agent))
        .first()
    )
    if attachment is None:
        raise Http404("No such file")
    return attachment


def asset_for_agent(agent: Agent, asset_id: int, *, customer: Customer | None = None) -> Asset:
    """An asset (an order, a flight, a pet) of a customer the agent serves; with `customer`,
    only one of theirs. 404 otherwise."""
    asset = one(Asset.objects.select_related("customer"), asset_id, what="asset")
    if customer is not None:
        mine = asset.customer_id == customer.pk
    else:
        mine = _serves(agent, asset.customer)
    if not mine:
        raise Http404("No such asset")
    return asset


def agent_can_see_case(agent: Agent, case: Case) -> bool:
    """`case_for_agent`'s answer for a case already loaded (its customer is read if need be)."""
    return access_reason(agent, case) is not None


def access_reason(agent: Agent, case: Case) -> str | None:
    """Why this agent may open the case ("as its owner"), or None when they may not; the same
    rule as `cases_for_agent`, for a case already loaded."""
    if agent.is_supervisor:
        return "as a supervisor"
    if case.owner_id == agent.pk:
        return "as its owner"
    if case.team_id in _team_ids(agent):
        return f"as a member of {case.team}"
    if agent.pk == case.customer.owner_id:
        return "as the customer's owner"
    if agent.pk == case.customer.deputy_id:
        return "as the customer's deputy"
    return None


def may_open_case_for(agent: Agent, customer: Customer) -> bool:
    """Whether an agent who typed one of this customer's addresses may file a case on them: a
    customer they serve, or one nobody serves yet (no owner, no deputy, no case)."""
    if _serves(agent, customer):
        return True
    return (
        customer.owner_id is None
        and customer.deputy_id is None
        and not Case.objects.filter(customer_id=customer.pk).exists()
    )


def customer_to_file_for(agent: Agent, customer_id: int) -> Customer:
    """A customer the agent picked to open a case for: one they serve, or one nobody serves
    yet (`may_open_case_for`); 404 otherwise."""
    customer = (
        Customer.objects.filter(merged_into__isnull=True)
        .select_related("owner", "deputy", "organization")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None or not may_open_case_for(agent, customer):
        raise Http404("No such customer")
    return customer


def check_may_file(
    agent: Agent, *, owner: Agent | None, team: Team | None, customer: Customer
) -> None:
    """A case an agent opens goes to people and teams they may assign: one of their own teams,
    and themselves, a teammate or the customer's own owner or deputy. Supervisors file
    anywhere."""
    if agent.is_supervisor:
        return
    teams = _team_ids(agent)
    if team is not None and team.pk not in teams:
        raise Forbidden(
            "You can open cases only in your own teams; hand the case over once it is open.",
            field="team_id",
        )
    if owner is None or owner.pk in (agent.pk, customer.owner_id, customer.deputy_id):
        return
    if not owner.teams.filter(pk__in=teams).exists():
        raise Forbidden(
            "You can give a new case only to yourself, a teammate or the customer's own "
            "person; hand it over once it is open.",
            field="owner_id",
        )


def check_may_change_relationship(agent: Agent, customer: Customer) -> None:
    """Owner and deputy open all of a customer's cases, so naming them is for a supervisor,
    the customer's current owner or deputy, or an agent who already sees every case of theirs."""
    if agent.is_supervisor or agent.pk in (customer.owner_id, customer.deputy_id):
        return
    hidden = Case.objects.filter(customer_id=customer.pk).exclude(pk__in=_visible_cases(agent))
    if hidden.exists():
        raise Forbidden(
            "Only a supervisor or the customer's owner or deputy can change who looks after "
            "this customer.",
            field="owner",
        )


def check_may_merge(agent: Agent, *, source: Customer, target: Customer) -> None:
    """A merge moves one customer's cases under another's owner and deputy (and may carry the
    source's relationship over): a grant on both sides, so the same rule as naming them."""
    for customer in (source, target):
        try:
            check_may_change_relationship(agent, customer)
        except Forbidden as exc:
            raise Forbidden(
                "Only a supervisor or the customer's owner or deputy can merge these customers."
            ) from exc


def saved_replies_for_agent(agent: Agent) -> QuerySet[SavedReply]:
    """The saved replies an agent may see: a supervisor all; an agent those for every team and
    for their own teams."""
    replies = SavedReply.objects.select_related("brand", "team")
    if agent.is_supervisor:
        return replies
    return replies.filter(Q(team__isnull=True) | Q(team_id__in=_team_ids(agent)))


def saved_replies_for_case(agent: Agent, case: Case) -> QuerySet[SavedReply]:
    """The saved replies the agent can start a reply on `case` from: the case's business (or
    every business) and the agent's teams or the case's (or every team)."""
    teams = Q(team__isnull=True) | Q(team_id__in=_team_ids(agent))
    if case.team_id is not None:
        teams |= Q(team_id=case.team_id)
    brands = Q(brand__isnull=True)
    if case.brand_id is not None:
        brands |= Q(brand_id=case.brand_id)
    return SavedReply.objects.select_related("brand", "team").filter(teams, brands)


def saved_reply_for_agent(agent: Agent, saved_reply_id: int) -> SavedReply:
    return one(saved_replies_for_agent(agent), saved_reply_id, what="saved reply")


def saved_reply_for_case(agent: Agent, case: Case, saved_reply_id: int) -> SavedReply:
    """One of the saved replies the composer offers on `case` (`saved_replies_for_case`)."""
    return one(saved_replies_for_case(agent, case), saved_reply_id, what="saved reply")


def check_may_edit_saved_reply(agent: Agent, *, team: Team | None) -> None:
    """A supervisor keeps any saved reply; an agent those of a team they belong to."""
    if agent.is_supervisor:
        return
    if team is None or team.pk not in _team_ids(agent):
        raise Forbidden(
            "Only a supervisor can keep saved replies for every team; choose one of your teams.",
            field="team",
        )


def saved_views_of(agent: Agent) -> QuerySet[SavedView]:
    """An agent's own saved views, by name; nobody else's, supervisors included."""
    return SavedView.objects.filter(agent=agent).order_by("name", "pk")


def saved_view_for_agent(agent: Agent, view_id: int) -> SavedView:
    return one(saved_views_of(agent), view_id, what="saved view")
