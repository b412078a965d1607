"""Who has a case: its owner and team, and its tags."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from rapport.cases.actions.events import notify_agent, record_case_event
from rapport.cases.hooks import CaseTaken, on_case_taken
from rapport.cases.models import Case, CaseEventKind, NotificationKind
from rapport.cases.rules import (
    check_works_for,
    clean_tags,
    default_team,
)
from rapport.people.models import Agent, Team


@transaction.atomic
def assign_case(
    *,
    case: Case,
    owner: Agent,
    by: Agent | None,
    reason: str = "",
    team: Team | None = None,
    tell_owner: bool = True,
) -> Case:
    """Give the case to a named person; the reason is kept in the audit trail. A person handed
    a case by someone else is notified, unless the caller tells them itself (`tell_owner`)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.owner_id == owner.pk and (team is None or case.team_id == team.pk):
        if by is not None and by.pk == owner.pk:
            # Routing named them; now they take it themselves (chat announces them once).
            on_case_taken.send(CaseTaken(case=case, agent=owner))
        return case
    check_works_for(case.brand, owner=owner, team=team)
    before = {"owner": case.owner_id, "team": case.team_id}
    case.owner = owner
    if team is not None:
        case.team = team
    elif case.team_id is None or not owner.teams.filter(pk=case.team_id).exists():
        case.team = default_team(owner, case.brand) or case.team
    _save_handover(case, before=before, by=by, reason=reason)
    if by is not None and by.pk == owner.pk:
        on_case_taken.send(CaseTaken(case=case, agent=owner))
    if tell_owner and by is not None and by.pk != owner.pk:
        why = f": {reason.strip()}" if reason.strip() else "."
        notify_agent(
            agent=owner,
            kind=NotificationKind.HANDOVER,
            text=f"{by.display_name} handed you case {case.reference} {case.subject}{why}",
            case=case,
        )
    return case


@transaction.atomic
def move_to_team(*, case: Case, team: Team, by: Agent | None, reason: str = "") -> Case:
    """The case goes to another team of its business; its owner keeps it (hand it to someone
    of that team with `assign_case` when they should take it over)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.team_id == team.pk:
        return case
    check_works_for(case.brand, team=team)
    before = {"owner": case.owner_id, "team": case.team_id}
    case.team = team
    _save_handover(case, before=before, by=by, reason=reason)
    return case


def _save_handover(
    case: Case, *, before: dict[str, int | None], by: Agent | None, reason: str
) -> None:
    """Save who has the case now (owner and team, under the caller's row lock) and audit it."""
    case.updated_at = timezone.now()
    case.save(update_fields=["owner", "team", "updated_at"])
    after = {"owner": case.owner_id, "team": case.team_id}
    record_case_event(
        case, by=by, kind=CaseEventKind.ASSIGNED, before=before, after=after, reason=reason
    )


@transaction.atomic
def set_tags(
    *, case: Case, tags: Iterable[str], by: Agent | None, seen: Iterable[str] | None = None
) -> Case:
    """The tags become `tags`: what the person changed from the tags they saw (`seen`, else
    those of `case` as the caller holds it) is applied to the case under its row lock, so a tag
    someone else added or removed meanwhile stays as they left it."""
    wanted = set(clean_tags(tags))
    shown = {t.strip().lower() for t in (case.tags if seen is None else seen) if t.strip()}
    locked = Case.objects.select_for_update().get(pk=case.pk)
    before = list(locked.tags)
    clean = clean_tags((set(before) - (shown - wanted)) | (wanted - shown))
    locked.tags = clean
    locked.updated_at = timezone.now()
    locked.save(update_fields=["tags", "updated_at"])
    record_case_event(
        locked, by=by, kind=CaseEventKind.TAGS, before={"tags": before}, after={"tags": clean}
    )
    case.tags, case.updated_at = clean, locked.updated_at
    return locked
