"""Can a person answer now, and how long the wait is: figured from the live queue and who is
on shift, or null when there is no basis (docs/chat.md, "Can a person answer now").

Never a made-up figure: the wait is the brand's recent median time to the first human reply
on chat, times the rounds of the queue the people free now must work through before this
chat; without a median (no answered chat in the window) or with nobody free, it is null.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from rapport.cases.models import ACTIVE_STATUSES, Case
from rapport.chat.models import Conversation, ConversationState
from rapport.people.models import Agent, Brand, Channel
from rapport.routing.core import Candidate, within_brand
from rapport.routing.service import load_candidates, open_chats


@dataclass(frozen=True, slots=True)
class Queue:
    available: bool  # someone of the brand is on shift with room for another chat
    free_agents: int
    position: int | None  # 1 = next; None once a person has answered
    wait_seconds: int | None  # None without a basis


def on_shift(brand_id: int | None, *, now: datetime) -> list[Candidate]:
    return [c for c in within_brand(load_candidates(now=now), brand_id) if c.on_shift(now)]


def next_shift(brand_id: int | None, *, now: datetime) -> tuple[datetime, str] | None:
    """When the first person of the brand who is not away starts work next, and in which zone
    their hours are kept; None when nobody has hours ahead."""
    starts = [
        (start, str(c.calendar.tz))
        for c in within_brand(load_candidates(now=now), brand_id)
        if c.available and (start := c.calendar.next_open(now)) is not None
    ]
    return min(starts) if starts else None


def free_agents(brand_id: int | None, *, now: datetime) -> int:
    """People of the brand on shift now whose open chats are below their chat capacity."""
    people = on_shift(brand_id, now=now)
    if not people:
        return 0
    ids = [c.agent_id for c in people]
    chats = open_chats(ids)
    limits = dict(Agent.objects.filter(pk__in=ids).values_list("pk", "chat_capacity"))
    return sum(1 for i in ids if chats.get(i, 0) < limits.get(i, 1))


def median_first_reply(brand_id: int | None, *, now: datetime) -> float | None:
    """Seconds from a chat's start to its first human reply, median over the brand's chats
    answered in the last RAPPORT_CHAT_WAIT_WINDOW_DAYS days; None without one."""
    since = now - timedelta(days=settings.RAPPORT_CHAT_WAIT_WINDOW_DAYS)
    rows = (
        Case.objects.filter(
            origin_channel=Channel.CHAT,
            first_response_at__isnull=False,
            first_response_at__gte=since,
        )
        .filter(_of_brand("conversations__brand", brand_id))
        .values_list("created_at", "first_response_at")
    )
    spans = [(answered - started).total_seconds() for started, answered in rows if answered]
    return statistics.median(spans) if spans else None


def waiting_ahead(conversation: Conversation) -> int:
    """Open chats of the same brand started before this one and not yet answered by a person."""
    return (
        Conversation.objects.filter(
            _of_brand("brand", conversation.brand_id),
            state=ConversationState.OPEN,
            case__status__in=ACTIVE_STATUSES,
            case__first_response_at__isnull=True,
            created_at__lt=conversation.created_at,
        )
        .exclude(pk=conversation.pk)
        .count()
    )


def _of_brand(field: str, brand_id: int | None) -> Q:
    return Q(**{f"{field}__isnull": True}) if brand_id is None else Q(**{f"{field}_id": brand_id})


def availability(brand: Brand | None, *, now: datetime) -> bool:
    return free_agents(brand.pk if brand else None, now=now) > 0


def queue_for(conversation: Conversation, *, now: datetime) -> Queue:
    free = free_agents(conversation.brand_id, now=now)
    if conversation.case.first_response_at is not None:
        return Queue(available=free > 0, free_agents=free, position=None, wait_seconds=None)
    ahead = waiting_ahead(conversation)
    median = median_first_reply(conversation.brand_id, now=now)
    wait = None
    if median is not None and free > 0:
        wait = round(median * math.ceil((ahead + 1) / free))
    return Queue(available=free > 0, free_agents=free, position=ahead + 1, wait_seconds=wait)


@dataclass(frozen=True, slots=True)
class Outlook:
    """What a visitor who has not started a chat can be told (the contact page)."""

    free_agents: int
    on_shift: int  # people of the brand on shift now, free or not
    waiting: int  # the brand's open chats no person has answered yet
    wait_seconds: int | None  # None without a basis (no recent answered chat, nobody free)
    next_in: datetime | None  # nobody free: when someone of the brand next starts a shift


def outlook(brand: Brand | None, *, now: datetime) -> Outlook:
    """The wait a new chat would have now: the same figure `queue_for` gives it once started
    (median first reply times the rounds of the queue), and, when nobody is free, the next
    shift start of anyone of the brand who is not away (None when nobody is scheduled)."""
    brand_id = brand.pk if brand else None
    free = free_agents(brand_id, now=now)
    waiting = Conversation.objects.filter(
        _of_brand("brand", brand_id),
        state=ConversationState.OPEN,
        case__status__in=ACTIVE_STATUSES,
        case__first_response_at__isnull=True,
    ).count()
    people = [c for c in within_brand(load_candidates(now=now), brand_id) if c.available]
    on_shift = sum(1 for c in people if c.calendar.is_open(now))
    if free > 0:
        median = median_first_reply(brand_id, now=now)
        wait = None if median is None else round(median * math.ceil((waiting + 1) / free))
        return Outlook(free, on_shift, waiting, wait_seconds=wait, next_in=None)
    starts = [start for c in people if (start := c.calendar.next_open(now)) and start > now]
    return Outlook(0, on_shift, waiting, wait_seconds=None, next_in=min(starts, default=None))


def wait_words(seconds: int) -> str:
    """70 -> "about 2 minutes": rounded up, never shorter than the figure."""
    if seconds < 60:
        return "under a minute"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    return f"about {math.ceil(minutes / 60)} hours"


def queue_words(position: int | None, wait_seconds: int | None) -> str:
    """What the customer is told while they wait for a person (chat.js says the same)."""
    if position is None:
        return ""
    place = f"You are number {position} in the queue."
    if wait_seconds is None:
        return f"{place} We can't estimate the wait."
    return f"{place} Expected wait: {wait_words(wait_seconds)}."


def nobody_can_answer(conversation: Conversation, *, now: datetime) -> str:
    """Why no person can take this chat now, in words for the customer; "" when someone can
    (or has). Outside hours (nobody of the brand on shift), everyone on shift busy with as many
    chats as they take, or an expected wait past the brand's `chat_answer_minutes`."""
    if conversation.case.first_response_at is not None:
        return ""
    closed = outside_hours(conversation, now=now)
    if closed:
        return closed
    queue = queue_for(conversation, now=now)
    if queue.free_agents == 0:
        return (
            "Everyone who can answer is with other customers, and we can't estimate when one "
            "will be free."
        )
    most = answer_minutes(conversation) * 60
    if queue.wait_seconds is not None and queue.wait_seconds > most:
        return (
            f"The expected wait is {wait_words(queue.wait_seconds)}, longer than we mean "
            "anyone to wait here."
        )
    return ""


def outside_hours(conversation: Conversation, *, now: datetime) -> str:
    """Nobody of the brand is on shift: that, and when the next person starts, in words for the
    customer; "" while someone is on shift."""
    brand_id = conversation.brand_id
    if on_shift(brand_id, now=now):
        return ""
    starts = next_shift(brand_id, now=now)
    if starts is None:
        return "Nobody can answer chats right now."
    # On the customer's clock when their browser told us their zone, else the worker's.
    at, zone = starts
    customer_zone = conversation.case.customer.timezone
    if customer_zone and customer_zone != "UTC":
        zone = customer_zone
    return (
        "We are outside our hours: nobody can answer right now. The next person starts "
        f"{at.astimezone(ZoneInfo(zone)):%A %-d %B at %H:%M} ({zone})."
    )


def offer_words(offers: dict[str, bool] | None) -> str:
    """What a customer nobody can answer may still ask for, pointing at the page's forms."""
    if not offers:
        return ""
    if offers.get("callback") and offers.get("email"):
        return "You can ask us to call you back, or continue by email (below)."
    if offers.get("callback"):
        return "You can ask us to call you back (below)."
    if offers.get("email"):
        return "You can continue by email (below)."
    return ""


def answer_minutes(conversation: Conversation) -> int:
    brand = conversation.brand
    return brand.chat_answer_minutes if brand is not None else settings.RAPPORT_CHAT_ANSWER_MINUTES
