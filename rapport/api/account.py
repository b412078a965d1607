"""/agents/me/...: what an agent sets for themself (email notifications, signature, photo)."""

from __future__ import annotations

import base64
import binascii

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.schemas.base import Input
from rapport.lib.errors import ActionError
from rapport.people.actions.notifications import Choice, choices_of, set_notification_choices
from rapport.people.actions.profile import SIGNATURE_MAX, remove_photo, set_photo, set_signature
from rapport.people.models import Agent, NoticeKind
from rapport.people.photos import MAX_BYTES

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


class ProfileOut(Schema):
    display_name: str
    signature: str = Field(description="The lines under your name at the end of your replies.")
    photo_url: str | None = Field(
        description="Your photo (a 256 x 256 PNG), for signed-in agents; null: none."
    )
    initials: str = Field(description="Shown instead of a photo.")

    @classmethod
    def of(cls, agent: Agent) -> ProfileOut:
        return cls(
            display_name=agent.display_name,
            signature=agent.signature,
            photo_url=reverse("agent_photo", args=[agent.pk]) if agent.photo else None,
            initials=agent.initials,
        )


class SignatureIn(Input):
    signature: str = Field(max_length=SIGNATURE_MAX)


class PhotoIn(Input):
    content_base64: str = Field(
        # 2 MB, base64-encoded (4 characters for every 3 bytes).
        max_length=-(-MAX_BYTES // 3) * 4,
        description="A PNG, JPEG, WebP or GIF image of at most 2 MB, base64-encoded; it is "
        "re-drawn as a 256 x 256 PNG.",
    )


@router.put("/signature", response={200: ProfileOut, **WRITE_ERRORS}, summary="Set your signature")
def set_my_signature(request: HttpRequest, body: SignatureIn) -> ProfileOut:
    """Your replies end with your name and then these lines (empty: your name alone)."""
    return ProfileOut.of(set_signature(agent=agent_of(request), signature=body.signature))


@router.put("/photo", response={200: ProfileOut, **WRITE_ERRORS}, summary="Set your photo")
def set_my_photo(request: HttpRequest, body: PhotoIn) -> ProfileOut:
    """Anything that is not a readable image, or is over 2 MB, is a 400 naming `photo`, and
    your photo stays as it was."""
    try:
        data = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ActionError("content_base64 is not valid base64.", field="photo") from exc
    return ProfileOut.of(set_photo(agent=agent_of(request), data=data))


@router.delete("/photo", response={200: ProfileOut, **WRITE_ERRORS}, summary="Remove your photo")
def remove_my_photo(request: HttpRequest) -> ProfileOut:
    """Your initials are shown instead."""
    return ProfileOut.of(remove_photo(agent=agent_of(request)))
