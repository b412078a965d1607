"""One change applied to many cases (the inbox's selection, `POST /api/v1/cases/bulk`).

Each case goes through the same action as on its own page (`assign_case`, `move_to_team`,
`change_status`, `set_tags`, `merge_cases`), so each is audited and refused for the same
reasons; a case that is refused never undoes the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import models, transaction

from rapport.cases.access import cases_for_agent
from rapport.cases.actions.assignment import assign_case, move_to_team, set_tags
from rapport.cases.actions.merging import merge_cases
from rapport.cases.actions.status import change_status
from rapport.cases.models import Case, Status
from rapport.cases.rules import clean_tags
from rapport.lib.errors import ActionError
from rapport.people.models import Agent, Team

# More than a screenful of cases at once is a script's job, done in batches. The web form's
# field limit (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS) stays above it: a test holds them so.
MAX_BULK_CASES = 500


def too_many_cases(selected: int | None) -> str:
    """What the web and the API say when more cases are selected than one change takes."""
    how_many = "more than that" if selected is None else str(selected)
    return f"Select at most {MAX_BULK_CASES} cases at once ({how_many} are selected)."


class BulkAction(models.TextChoices):
    ASSIGN = "assign", "Assign to"
    TEAM = "team", "Move to team"
    STATUS = "status", "Set status"
    TAG = "tag", "Add tag"
    MERGE = "merge", "Merge into"


@dataclass(frozen=True, slots=True)
class Refusal:
    id: int
    reason: str


@dataclass(slots=True)
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _change(
    action: str,
    *,
    by: Agent,
    owner: Agent | None,
    team: Team | None,
    status: str,
    tag: str,
    into: Case | None,
    reason: str,
) -> Callable[[Case], object]:
    """What happens to each case; ActionError (naming the missing field) before anything does."""
    if action == BulkAction.ASSIGN:
        if owner is None:
            raise ActionError("Choose the agent to assign the cases to.", field="owner_id")
        return lambda case: assign_case(case=case, owner=owner, by=by, reason=reason)
    if action == BulkAction.TEAM:
        if team is None:
            raise ActionError("Choose the team to move the cases to.", field="team_id")
        return lambda case: move_to_team(case=case, team=team, by=by, reason=reason)
    if action == BulkAction.STATUS:
        if status not in Status.values:
            raise ActionError("Choose the status to set.", field="status")
        return lambda case: change_status(case=case, to=status, by=by, reason=reason)
    if action == BulkAction.TAG:
        if not tag.strip():
            raise ActionError("Write the tag to add.", field="tag")
        (clean,) = clean_tags([tag])
        return lambda case: set_tags(case=case, tags=[*case.tags, clean], by=by, seen=case.tags)
    if action == BulkAction.MERGE:
        if into is None:
            raise ActionError("Choose the case to merge into.", field="into_case_id")
        return lambda case: merge_cases(source=case, target=into, by=by, reason=reason)
    raise ActionError(f"{action!r} is not a bulk action.", field="action")


@transaction.atomic
def apply_to_cases(
    *,
    case_ids: Sequence[int],
    action: str,
    by: Agent,
    owner: Agent | None = None,
    team: Team | None = None,
    status: str = "",
    tag: str = "",
    into: Case | None = None,
    reason: str = "",
) -> BulkResult:
    """Apply `action` to each case `by` may open, in the order given (each id once). A case they
    may not open, or one its action refuses, is refused with the reason; the rest are done."""
    change = _change(
        action, by=by, owner=owner, team=team, status=status, tag=tag, into=into, reason=reason
    )
    ids = list(dict.fromkeys(case_ids))
    if not ids:
        raise ActionError("Select at least one case.", field="case_ids")
    if len(ids) > MAX_BULK_CASES:
        raise ActionError(too_many_cases(len(ids)), field="case_ids")
    cases = cases_for_agent(by).in_bulk(ids)
    result = BulkResult()
    for case_id in ids:
        case = cases.get(case_id)
        if case is None:
            result.refused.append(Refusal(case_id, f"There is no case #{case_id} you can open."))
            continue
        try:
            # A savepoint each: a refused case leaves nothing half-done, the others stay done.
            with transaction.atomic():
                change(case)
        except ActionError as error:
            result.refused.append(Refusal(case_id, error.message))
        else:
            result.done.append(case_id)
    return result
