"""How the core mails an agent something of its own (an invitation's link): through the outbox
of mail to agents, which the mail app registers when it is ready (`rapport.mail.apps`), as it
registers its transport for replies; the core never imports a feature.

The registered function queues the mail in the caller's transaction (sent by the worker on
commit, retried like any mail to an agent) and returns the queued mail's id, or None when the
agent has no address. A feature mails an address that is nobody's yet (chat's verification code
to the address a visitor typed) through `mail_address`, registered the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from rapport.people.models import Agent


class AgentMailer(Protocol):
    def __call__(self, *, agent: Agent, subject: str, text: str, now: datetime) -> int | None: ...


_mailers: list[AgentMailer] = []


def register_agent_mailer(mailer: AgentMailer) -> None:
    _mailers[:] = [mailer]


def mail_agent(*, agent: Agent, subject: str, text: str, now: datetime) -> int | None:
    if not _mailers:
        raise RuntimeError("nothing mails agents: is rapport.mail in INSTALLED_APPS?")
    return _mailers[0](agent=agent, subject=subject, text=text, now=now)


class AddressMailer(Protocol):
    def __call__(self, *, to: str, subject: str, text: str, now: datetime) -> int: ...


_address_mailers: list[AddressMailer] = []


def register_address_mailer(mailer: AddressMailer) -> None:
    _address_mailers[:] = [mailer]


def mail_address(*, to: str, subject: str, text: str, now: datetime) -> int:
    if not _address_mailers:
        raise RuntimeError("nothing mails addresses: is rapport.mail in INSTALLED_APPS?")
    return _address_mailers[0](to=to, subject=subject, text=text, now=now)
