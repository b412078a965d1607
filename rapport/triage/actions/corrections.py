"""An agent's word on what triage read: "not urgent", "was upset". Stored for retraining and
shown on the case at once: the signal as corrected, by whom, and the priority that follows."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from rapport.cases.access import cases_for_agent
from rapport.cases.actions.events import record_case_event
from rapport.cases.actions.status import change_priority
from rapport.cases.models import PRIORITY_RANK, Case, CaseEventKind, Direction, Message, Priority
from rapport.lib.errors import ActionError
from rapport.people.models import Agent
from rapport.triage.corrected import CALLING, effective, suggested_priority
from rapport.triage.explain import corrected_word
from rapport.triage.models import TriageCorrection, TriageSignal


@transaction.atomic
def correct_signal(
    *,
    agent: Agent,
    case: Case,
    signal: str,
    value: bool,
    message: Message | None = None,
    reading: str | None = None,
) -> TriageCorrection:
    """Record that `signal` was (`value` true) or was not there in `message` (default: the
    newest message from the customer). The same word twice is one correction; a changed mind
    replaces the agent's earlier one. The case shows the signal as corrected; its priority
    follows the corrected signals up, and down again unless an agent set it by hand. A word on
    an earlier message is kept (and audited) but leaves what the case shows about its newest
    one; a case triage never read (the desk wrote or called first) is refused. `reading`: when
    triage read what the agent saw (`Case.triage["at"]`); refused if it has read again since."""
    if signal not in TriageSignal.values:
        raise ActionError(f"{signal!r} is not a triage signal.", field="signal")
    locked = cases_for_agent(agent).select_for_update(of=("self",)).filter(pk=case.pk).first()
    if locked is None:
        raise Http404("No such case")
    case = locked
    if reading is not None and reading != case.triage.get("at"):
        raise ActionError(
            "The customer wrote again since this page was loaded, and triage has read their new "
            "message: read it, then correct what triage read there.",
            field="signal",
        )
    message, newest = _read(case, message)
    now = timezone.now()
    earlier = TriageCorrection.objects.filter(
        case=case, message=message, signal=signal, agent=agent
    ).first()
    if earlier is not None and earlier.value == value:
        return earlier
    decided = case.triage.get("model") or {}
    correction = earlier or TriageCorrection(
        case=case,
        message=message,
        signal=signal,
        agent=agent,
        model_name=str(decided.get("name", ""))[:40],
        model_version=str(decided.get("version", ""))[:80],
    )
    correction.value, correction.created_at = value, now
    correction.save()
    word = corrected_word(signal, value)
    if message is not None and newest is not None and message.pk != newest.pk:
        # Kept for training; the case shows what triage read in its newest message.
        record_case_event(
            case,
            kind=CaseEventKind.TRIAGE_CORRECTED,
            by=agent,
            before={"signal": signal},
            after={"signal": signal, "value": value, "message_id": message.pk},
            reason=f"{word} on an earlier message; the case shows its newest message's reading",
        )
        return correction

    was = effective(case.triage, signal)
    triage = dict(case.triage)
    triage["corrected"] = {
        **triage.get("corrected", {}),
        signal: {
            "value": value,
            "read": bool(case.triage.get(signal)),
            "by": agent.display_name,
            "by_id": agent.pk,
            "at": now.isoformat(),
        },
    }
    if not any(effective(triage, name) for name in CALLING):
        triage["recommended_contact"] = "reply"
    elif triage.get("recommended_contact") == "reply" and value and signal in CALLING:
        triage["recommended_contact"] = "call"

    before, to = Priority(case.priority), suggested_priority(triage)
    moves = to != before and not case.priority_overridden
    if moves and PRIORITY_RANK[to] > PRIORITY_RANK[before]:
        # Lowering undoes triage: only from the priority triage (or a correction) gave it.
        moves = before in (triage.get("priority"), triage.get("corrected_priority"))
    if moves:
        outcome = f"priority {before.label.lower()} -> {to.label.lower()}"
        triage["corrected_priority"] = to.value
    elif to != before and case.priority_overridden:
        outcome = f"priority stays {before.label.lower()}: set by hand"
    else:
        outcome = f"priority stays {before.label.lower()}"
    case.triage = triage
    case.save(update_fields=["triage"])
    record_case_event(
        case,
        kind=CaseEventKind.TRIAGE_CORRECTED,
        by=agent,
        before={"signal": signal, "value": was},
        after={"signal": signal, "value": value, "message_id": message.pk if message else None},
        reason=f"{word}; {outcome}",
    )
    if moves:
        # Not by the agent's hand: triage's priority as corrected, so triage may move it again.
        change_priority(case=case, to=to, by=None, reason=f"triage corrected: {word}")
    return correction


def _read(case: Case, message: Message | None) -> tuple[Message | None, Message | None]:
    """The message corrected (default: the newest from the customer) and that newest one,
    whose reading the case shows; refused when triage read nothing here or it is not theirs."""
    if "recommended_contact" not in case.triage:  # what every reading stores
        raise ActionError(
            "Triage has read nothing from the customer on this case: nothing to correct.",
            field="signal",
        )
    newest = Message.objects.filter(case=case, direction=Direction.INBOUND).order_by("-pk").first()
    if message is None:
        return newest, newest
    if message.case_id != case.pk or message.direction != Direction.INBOUND:
        raise ActionError(
            "Triage only reads the customer's messages on this case.", field="message_id"
        )
    return message, newest
