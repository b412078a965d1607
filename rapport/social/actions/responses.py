"""What a person did about a public post, recorded by them: a public reply on the platform (by
name, with the reply's link), the conversation moved to a private channel, or a call. Rapport
posted none of it (a platform with no transport is answered there by the agent), so nothing here
says "sent": it says who did what, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.cases.actions.events import record_case_event
from rapport.cases.actions.messages import log_call
from rapport.cases.hooks import HumanResponse, on_human_response
from rapport.cases.models import CallDirection, CallOutcome, Case, CaseEventKind, Status
from rapport.lib.errors import ActionError
from rapport.people.models import Agent
from rapport.social.links import checked_link
from rapport.social.models import ResponseKind, SocialPost, SocialResponse

MAX_NOTE = 500


@transaction.atomic
def record_response(
    *,
    case: Case,
    kind: str,
    by: Agent,
    url: str = "",
    note: str = "",
    at: datetime | None = None,
) -> SocialResponse:
    """`by` answered the case's public post(s) as `kind` says: the answer counts as a person's
    response (the response deadline is met); a public reply or a move to a private channel
    then waits on the customer; a call is also logged as a call that reached them."""
    if kind not in ResponseKind.values:
        raise ActionError(f"{kind!r} is not a kind of response.", field="kind")
    url = checked_link(url, field="url", what="The link to your reply")
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise ActionError(f"Keep the note under {MAX_NOTE} characters.", field="note")
    if kind == ResponseKind.PUBLIC_REPLY and not url:
        raise ActionError("Give the link to your public reply.", field="url")
    now = timezone.now()
    when = at or now
    if when > now:
        raise ActionError("A response cannot be recorded in the future.", field="at")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Status.CLOSED:
        raise ActionError("This case is closed; record the response on a new case.")
    post = SocialPost.objects.filter(case=case).order_by("-posted_at", "-pk").first()
    if post is None:
        raise ActionError("This case has no public post to respond to.")
    if when < case.created_at:
        # Earlier than the case, it would count as answered before the customer asked (a
        # tester's backdated response made the desk's median wait negative).
        raise ActionError(
            "A response cannot be recorded before the post reached the desk.", field="at"
        )
    response = SocialResponse.objects.create(
        case=case, post=post, kind=kind, agent=by, at=when, url=url, note=note
    )
    fields: dict[str, Any] = {"updated_at": now}
    if kind == ResponseKind.CALLED:
        # One call on the timeline; log_call tells routing a person answered.
        log_call(
            case=case,
            by=by,
            direction=CallDirection.OUTBOUND,
            outcome=CallOutcome.REACHED,
            notes=note or "Called about their public post.",
            started_at=when,
        )
    else:
        if case.status in (Status.NEW, Status.OPEN, Status.WAITING_US):
            fields["status"] = Status.WAITING_CUSTOMER
        waiting = fields.get("status", case.status) == Status.WAITING_CUSTOMER
        fields.update(
            on_human_response.fields(HumanResponse(case=case, at=when, waiting_on_customer=waiting))
        )
    Case.objects.filter(pk=case.pk).update(**fields)
    record_case_event(
        case,
        by=by,
        kind=CaseEventKind.SOCIAL_RESPONSE,
        after={
            "response": response.pk,
            "kind": kind,
            "post": post.pk,
            "url": url,
            **({"status": fields["status"]} if "status" in fields else {}),
        },
        reason=note,
    )
    return response
