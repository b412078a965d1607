"""Which channels can carry a message to the customer, so nothing is marked "Sent" that went
nowhere.

A feature that transmits on a channel registers it here when the app is ready (mail registers
email, with its outbox's `queue_outbound_message`); the core never imports the feature, and a
reply goes out by `queue` below. Mail also registers its outbox (`register_outbox`): a channel
that posts to a remote API (social: Mastodon) queues its message there and gives its transport
a `send`, which the outbox's delivery calls with the same claim, retry and settling as email.
A reply asked for on a channel nobody registered (SMS and web have no transport yet; social
carries Mastodon cases only) is refused with what to do instead, and the composer does not
offer it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from rapport.cases.attachments import Upload
from rapport.cases.models import Case, Message
from rapport.lib.errors import ActionError
from rapport.people.models import Agent, Channel, Identity, IdentityKind


class Queue(Protocol):
    """How a transport queues a message to the customer (mail's `queue_outbound_message`)."""

    def __call__(
        self,
        *,
        case: Case,
        text: str,
        by: Agent | None,
        channel: str,
        attachments: Sequence[Upload],
        now: datetime,
    ) -> Message: ...


class Undelivered(Exception):
    """A transport's `send` could not deliver: `temporary` (the outbox tries again, with
    backoff) or not (the message fails, with this reason on the case)."""

    def __init__(self, reason: str, *, temporary: bool) -> None:
        super().__init__(reason)
        self.temporary = temporary


class Send(Protocol):
    """Deliver one claimed outbound message; answer what was done (e.g. the post's address),
    or raise `Undelivered`. Called again for a retry: it must be idempotent."""

    def __call__(self, message: Message) -> str: ...


@dataclass(frozen=True)
class Transport:
    channel: str
    # Writes the message and has it sent on commit.
    queue: Queue
    # What the agent is told about where the message goes ("" when it leaves for real); a
    # function is asked each time, for words that follow the settings (mail's console backend).
    caveat: str | Callable[[], str] = ""
    # The identity kind the channel writes to (an email address for email).
    needs: str = ""
    # For a channel tied to the case rather than an address (chat: the case's conversation):
    # whether this case can be reached by it.
    reaches: Callable[[Case], bool] | None = None
    # What the agent is told when `reaches` says no: fixed words, or the case's own reason
    # ("" : "This case has no open chat to reply in.").
    unreachable: str | Callable[[Case], str] = ""
    # For a channel the outbox delivers (queued through `outbox()`): how one message is sent.
    send: Send | None = None


def caveat_of(transport: Transport | None) -> str:
    """What the agent is told, now, about where a message by `transport` goes ("": nothing)."""
    if transport is None:
        return ""
    return transport.caveat() if callable(transport.caveat) else transport.caveat


def unreached_because(transport: Transport, case: Case) -> str:
    """Why `transport` cannot carry a reply on `case`, in the agent's words."""
    if callable(transport.unreachable):
        return transport.unreachable(case)
    return (
        transport.unreachable or f"This case has no open {_label(transport.channel)} to reply in."
    )


_registered: dict[str, Transport] = {}
_outbox: list[Queue] = []


def register(transport: Transport) -> None:
    _registered[transport.channel] = transport


def transport_for(channel: str) -> Transport | None:
    return _registered.get(channel)


def register_outbox(queue: Queue) -> None:
    """The outbox (mail's): queues a message that the worker delivers, and retries."""
    _outbox[:] = [queue]


def outbox() -> Queue:
    if not _outbox:
        raise ActionError("Rapport has no outbox to queue this message in.")
    return _outbox[0]


def queue(
    *,
    case: Case,
    channel: str,
    text: str,
    by: Agent | None,
    attachments: Sequence[Upload],
    now: datetime,
) -> Message:
    """The message queued by the transport registered for `channel` (see `reply_channel`)."""
    transport = _registered.get(channel)
    if transport is None:
        raise ActionError(f"Rapport cannot send by {_label(channel)}.", field="channel")
    return transport.queue(
        case=case, text=text, by=by, channel=channel, attachments=attachments, now=now
    )


def _label(channel: str) -> str:
    return str(dict(Channel.choices).get(channel, channel)).lower()


def reachable_channels(
    case: Case, *, identities: Iterable[Identity] | None = None
) -> list[Transport]:
    """The channels a reply on `case` can really go out by, the case's own first
    (`identities`: the customer's, when the caller has read them already)."""
    if identities is None:
        identities = Identity.objects.filter(customer_id=case.customer_id)
    # Only a verified address is written to (rapport/mail/outbound.py, `choose_recipient`).
    kinds = {i.kind for i in identities if not i.undeliverable_reason and i.is_verified}
    usable = [
        t
        for t in _registered.values()
        if (not t.needs or t.needs in kinds) and (t.reaches is None or t.reaches(case))
    ]
    usable.sort(key=lambda t: t.channel != case.origin_channel)
    return usable


def primary_phone(customer_id: int) -> str:
    """The number to call the customer on ("" if none): the primary first."""
    phone = (
        Identity.objects.filter(customer_id=customer_id, kind=IdentityKind.PHONE)
        .order_by("-is_primary", "pk")
        .values_list("value", flat=True)
        .first()
    )
    return phone or ""


def _call_instead(case: Case) -> str:
    phone = primary_phone(case.customer_id)
    return f" Call them on {phone} and log the call." if phone else " Log a call or a note instead."


def reply_channel(case: Case, requested: str | None) -> str:
    """The channel a reply goes out by: the one asked for, else the case's own, else the first
    that reaches the customer. Refused, saying why and what to do instead, when none can."""
    reachable = [t.channel for t in reachable_channels(case)]
    usable = set(reachable)
    if requested:
        if requested in usable:
            return requested
        if requested not in _registered:
            raise ActionError(
                f"Rapport cannot send by {_label(requested)} yet (no {_label(requested)} "
                f"transport is set up), so a reply there would reach nobody."
                + (f" Reply by {' or '.join(sorted(map(_label, usable)))}." if usable else "")
                + _call_instead(case),
                field="channel",
            )
        if _registered[requested].reaches is not None:
            raise ActionError(
                unreached_because(_registered[requested], case)
                + (f" Reply by {' or '.join(sorted(map(_label, usable)))}." if usable else "")
                + _call_instead(case),
                field="channel",
            )
        raise ActionError(
            f"{case.customer.greeting_name} has no {_label(requested)} address we can write to."
            + _call_instead(case),
            field="channel",
        )
    if reachable:
        return reachable[0]
    bounced = (
        Identity.objects.filter(customer_id=case.customer_id)
        .exclude(undeliverable_reason="")
        .order_by("pk")
        .first()
    )
    claimed = list(
        Identity.objects.filter(customer_id=case.customer_id, verified_at__isnull=True)
        .order_by("pk")
        .values_list("value", flat=True)[:3]
    )
    if bounced is not None:
        why = f"{bounced.value} is undeliverable ({bounced.undeliverable_reason})"
    elif claimed:
        why = (
            f"{' and '.join(claimed)} {'is' if len(claimed) == 1 else 'are'} not verified "
            "(anyone could have typed them); verify one on their page once you have checked "
            "it with them"
        )
    else:
        why = "they have no address any of Rapport's channels can write to"
    raise ActionError(
        f"There is no way to write to {case.customer.greeting_name}: {why}." + _call_instead(case),
        field="channel",
    )
