from datetime import datetime

from django.apps import AppConfig
from django.conf import settings


class MailConfig(AppConfig):
    name = "rapport.mail"
    label = "mail"

    def ready(self) -> None:
        from rapport.cases.transports import Transport, register, register_outbox
        from rapport.jobs.items import name_items
        from rapport.jobs.scheduler import register_sweep
        from rapport.mail.actions.intake import sweep_intake
        from rapport.mail.actions.outbox import (
            queue_address_mail,
            queue_agent_mail,
            queue_outbound_message,
        )
        from rapport.mail.notices import mail_notices
        from rapport.mail.outbound import sweep_outbox
        from rapport.mail.to_agents import sweep_agent_mail
        from rapport.people.mailer import register_address_mailer, register_agent_mailer
        from rapport.people.models import Agent, Channel, IdentityKind

        # Without an SMTP host the embedded desk prints mail to the server console: the agent
        # is told, so "Sent" never hides that it reached nobody's inbox. Read when asked, not
        # here: ready() runs again when the installed apps change, under other settings.
        def console_caveat() -> str:
            if "console" not in settings.EMAIL_BACKEND:
                return ""
            return (
                "No SMTP host is set up (EMAIL_HOST): email is printed to the server "
                "console, not delivered."
            )

        register(
            Transport(
                channel=Channel.EMAIL,
                queue=queue_outbound_message,
                needs=IdentityKind.EMAIL,
                caveat=console_caveat,
            )
        )

        # A channel that posts to a remote API queues in the same outbox (its transport sends).
        register_outbox(queue_outbound_message)

        # The core's own mail to an agent (an invitation's link) goes through the same outbox.
        def mail_agent(*, agent: Agent, subject: str, text: str, now: datetime) -> int | None:
            queued = queue_agent_mail(agent=agent, subject=subject, text=text, now=now)
            return None if queued is None else queued.pk

        register_agent_mailer(mail_agent)

        # A chat visitor's verification code, to the address they typed.
        def mail_address(*, to: str, subject: str, text: str, now: datetime) -> int:
            return queue_address_mail(to=to, subject=subject, text=text, now=now).pk

        register_address_mailer(mail_address)
        register_sweep("intake", sweep_intake)
        register_sweep("outbox", sweep_outbox)
        register_sweep("agent_notices", mail_notices)
        register_sweep("agent_mail", sweep_agent_mail)
        name_items("agent", "agent_notices")
