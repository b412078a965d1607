"""Email notifications to agents: the scheduler's "agent_notices" sweep.

What an agent is told (`rapport.cases.models.Notification`) is mailed to them when they chose
that kind on their account page (`people.NotificationChoice`): a case assigned to them, the
customer wrote on their case, a promise of theirs due in 30 minutes, a make-good waiting for
approval. Notices are gathered into one mail per agent at most every
RAPPORT_NOTIFY_EMAIL_MINUTES, written with times in the agent's own zone, and queued through the
outbox (`queue_agent_mail`). A notice the agent has already read on the desk is not mailed.
While the agent is off shift (outside their working hours, away or off; `routing.on_shift`)
only the kinds they marked "even off shift" are mailed; the others are passed over for good,
and wait on the desk. `NoticeMailing` keeps each agent's place (the newest notice considered),
moved with a compare-and-set, so two workers never mail the same notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from rapport.cases.models import Notification, NotificationKind
from rapport.jobs.items import SweepItems
from rapport.mail.actions.outbox import queue_agent_mail
from rapport.mail.models import NoticeMailing
from rapport.people.models import Agent, NoticeKind, NotificationChoice
from rapport.routing.service import on_shift

# Which notifications each choice covers.
MAILED: dict[str, NoticeKind] = {
    NotificationKind.NEW_CASE: NoticeKind.ASSIGNED,
    NotificationKind.HANDOVER: NoticeKind.ASSIGNED,
    NotificationKind.PROMISE_HANDED_OVER: NoticeKind.ASSIGNED,
    NotificationKind.CUSTOMER_WROTE: NoticeKind.CUSTOMER_WROTE,
    NotificationKind.PROMISE_SOON: NoticeKind.PROMISE_DUE,
    NotificationKind.MAKE_GOOD_APPROVAL: NoticeKind.MAKE_GOOD_APPROVAL,
}
# A notice is looked at once it is this old, so one written in a transaction still open (its
# id taken, not yet committed) is not passed over.
SETTLE = timedelta(seconds=5)
MOST_IN_ONE_MAIL = 50
BATCH = 500


def mail_notices(*, now: datetime) -> dict[str, list[int]]:
    """Queue one mail for each agent with notices to mail and no mail in the last few minutes."""
    items = SweepItems("agent_notices", now=now)
    mailed: list[int] = []
    passed: list[int] = []
    for agent_id in _due_agents(now=now, put_off=items):
        with items.attempt(agent_id):
            sent = _mail_agent(agent_id, now=now)
            (mailed if sent else passed).append(agent_id)
    return {"mailed": mailed, "passed_over": passed, "deferred": items.deferred}


def _window() -> timedelta:
    return timedelta(minutes=settings.RAPPORT_NOTIFY_EMAIL_MINUTES)


def _due_agents(*, now: datetime, put_off: SweepItems) -> list[int]:
    """Agents who chose some mail, have an unread notice of a mailed kind past their place, and
    were not mailed in the last few minutes: one query."""
    choosers = (
        NotificationChoice.objects.filter(email=True, agent__user__is_active=True)
        .exclude(agent__user__email="")
        .values("agent_id")
    )
    place = NoticeMailing.objects.filter(agent_id=OuterRef("agent_id")).values(
        "last_notification_id"
    )
    recently = NoticeMailing.objects.filter(last_mailed_at__gt=now - _window()).values("agent_id")
    ids = (
        Notification.objects.filter(
            read_at__isnull=True, kind__in=list(MAILED), created_at__lte=now - SETTLE
        )
        .filter(agent_id__in=choosers)
        .exclude(agent_id__in=recently)
        .exclude(agent_id__in=put_off.put_off())
        .annotate(place=Coalesce(Subquery(place), Value(0)))
        .filter(pk__gt=F("place"))
        .values_list("agent_id", flat=True)
        .distinct()
        .order_by("agent_id")
    )
    return list(ids[:BATCH])


def _mail_agent(agent_id: int, *, now: datetime) -> bool:
    """Mail the agent's new notices (or pass over those not to mail now); whether a mail was
    queued. Runs in the sweep item's transaction."""
    agent = Agent.objects.select_related("user", "site").get(pk=agent_id)
    state, _ = NoticeMailing.objects.get_or_create(agent=agent)
    if state.last_mailed_at is not None and state.last_mailed_at > now - _window():
        return False
    choices = {row.kind: row for row in NotificationChoice.objects.filter(agent=agent, email=True)}
    notices = list(
        Notification.objects.filter(
            agent=agent,
            read_at__isnull=True,
            kind__in=list(MAILED),
            created_at__lte=now - SETTLE,
            pk__gt=state.last_notification_id,
        )
        .select_related("case")
        .order_by("pk")[:BATCH]
    )
    if not notices:
        return False
    working = on_shift(agent, now)
    wanted = [
        notice
        for notice in notices
        if (choice := choices.get(MAILED[notice.kind])) is not None
        and (choice.email_since is None or notice.created_at >= choice.email_since)
        and (working or choice.even_off_shift)
    ]
    claimed = NoticeMailing.objects.filter(
        pk=state.pk, last_notification_id=state.last_notification_id
    ).update(
        last_notification_id=notices[-1].pk,
        last_mailed_at=now if wanted else state.last_mailed_at,
    )
    if not claimed or not wanted:
        return False
    subject, text = compose(agent, wanted)
    return queue_agent_mail(agent=agent, subject=subject, text=text, now=now) is not None


def compose(agent: Agent, notices: Sequence[Notification]) -> tuple[str, str]:
    """The subject and text of one mail: each notice with its time in the agent's zone."""
    zone = ZoneInfo(agent.timezone)
    shown = list(notices[:MOST_IN_ONE_MAIL])
    if len(notices) == 1:
        only = notices[0]
        subject = f"{NotificationKind(only.kind).label}: {only.text}"
    else:
        subject = f"{len(notices)} notifications from {settings.SITE_NAME}"
    blocks = []
    for notice in shown:
        when = notice.created_at.astimezone(zone)
        lines = [f"{when:%a %-d %b %H:%M} · {NotificationKind(notice.kind).label}", notice.text]
        if notice.case_id is not None:
            lines.append(f"{settings.SITE_URL}{reverse('case', args=[notice.case_id])}")
        blocks.append("\n".join(lines))
    if len(notices) > len(shown):
        blocks.append(f"… and {len(notices) - len(shown)} more on the desk.")
    account = f"{settings.SITE_URL}{reverse('account')}#notifications"
    text = "\n\n".join(
        [
            f"Hello {agent.display_name},",
            *blocks,
            f"Times are in your zone, {agent.timezone}.\n"
            f"You get these mails because you chose them; change that on your account page:\n"
            f"{account}",
        ]
    )
    # One line: a notice's text may hold a line break (a reason typed into the API), which a
    # mail header must not.
    return " ".join(subject.split())[:200], text + "\n"
