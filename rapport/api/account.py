"""/agents/me/...: what an agent sets for themself (email notifications)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.schemas import Input
from rapport.people.actions.notifications import Choice, choices_of, set_notification_choices
from rapport.people.models import NoticeKind

router = Router(tags=["agents"])


class NotificationChoiceOut(Schema):
    kind: NoticeKind
    label: str
    email: bool = Field(description="Mail this kind of notice to the agent's address.")
    even_off_shift: bool = Field(
        description="Mail it also while the agent is off shift (outside their working hours, "
        "away or off); otherwise nothing is mailed then."
    )


class NotificationChoicesOut(Schema):
    choices: list[NotificationChoiceOut] = Field(description="Every kind, in a fixed order.")


class NotificationChoiceIn(Input):
    kind: NoticeKind
    email: bool
    even_off_shift: bool = False


class NotificationChoicesIn(Input):
    choices: list[NotificationChoiceIn] = Field(
        description="The kinds to set; a kind not listed keeps its choice.", max_length=20
    )


def _out(choices: dict[NoticeKind, Choice]) -> NotificationChoicesOut:
    return NotificationChoicesOut(
        choices=[
            NotificationChoiceOut(
                kind=kind,
                label=kind.label,
                email=choice.email,
                even_off_shift=choice.even_off_shift,
            )
            for kind, choice in choices.items()
        ]
    )


@router.get(
    "/notifications",
    response={200: NotificationChoicesOut, **READ_ERRORS},
    summary="Your email-notification choices",
)
def my_notifications(request: HttpRequest) -> NotificationChoicesOut:
    """Which kinds of notice are emailed to you (batched, a few minutes apart), and which even
    off shift. Every kind is off until you switch it on."""
    return _out(choices_of(agent_of(request)))


@router.put(
    "/notifications",
    response={200: NotificationChoicesOut, **WRITE_ERRORS},
    summary="Set your email-notification choices",
)
def set_my_notifications(
    request: HttpRequest, body: NotificationChoicesIn
) -> NotificationChoicesOut:
    """Set the kinds listed; the others keep their choice. A kind switched on is mailed from
    now on, never what you were told before. Answers every kind, as `GET` does."""
    wanted = {str(each.kind): Choice(each.email, each.even_off_shift) for each in body.choices}
    return _out(set_notification_choices(agent=agent_of(request), choices=wanted))
