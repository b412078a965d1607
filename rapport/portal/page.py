"""What the contact page says about reaching a person now: figured on each request from who is
on shift and the live chat queue (rapport/chat/honesty.py), never a fixed promise."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from rapport.chat.honesty import Outlook, outlook
from rapport.people.models import Brand
from rapport.portal.hours import opening_hours


@dataclass(frozen=True)
class Reach:
    """The live answer to "can I talk to someone now?"."""

    can_chat: bool
    headline: str  # one plain sentence
    wait: str  # "about 4 minutes", "" without a basis
    basis: str  # what the figure (or its absence) rests on
    next_in: datetime | None  # nobody free: when someone next starts (shown on the visitor's clock)
    busy: bool  # nobody free, but people are on shift (so no "next in")
    chat_query: str  # "?brand=slug" for the chat page, "" on a desk without brands


def wait_words(seconds: int) -> str:
    if seconds < 60:
        return "under a minute"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    return f"about {round(minutes / 60)} hours"


def reach(brand: Brand | None, *, now: datetime) -> Reach:
    seen = outlook(brand, now=now)
    query = f"?brand={brand.slug}" if brand else ""
    days = settings.RAPPORT_CHAT_WAIT_WINDOW_DAYS
    ahead = _ahead(seen)
    if seen.free_agents:
        people = "person is" if seen.free_agents == 1 else "people are"
        headline = f"A person can answer a chat now: {seen.free_agents} {people} free."
        if seen.wait_seconds is None:
            return Reach(
                True,
                headline,
                "",
                f"No expected wait is shown: no chat was answered in the last {days} days to "
                f"base one on. {ahead}",
                None,
                False,
                query,
            )
        return Reach(
            True,
            headline,
            wait_words(seen.wait_seconds),
            f"From how long the first answer to a chat took over the last {days} days, "
            f"and the queue now. {ahead}",
            None,
            False,
            query,
        )
    if seen.on_shift:
        headline = "Nobody can answer a chat right now: everyone on shift is helping someone."
    else:
        headline = "Nobody can answer right now: nobody is on shift."
    return Reach(False, headline, "", ahead, seen.next_in, bool(seen.on_shift), query)


def _ahead(seen: Outlook) -> str:
    if not seen.waiting:
        return "Nobody is waiting ahead of you."
    chats = "chat is" if seen.waiting == 1 else "chats are"
    return f"{seen.waiting} {chats} waiting for a first answer."


def contact_context(brand: Brand | None, *, now: datetime) -> dict[str, Any]:
    hours = opening_hours(now, brand)
    return {
        "brand": brand,
        "support_phone": (brand.phone if brand else "") or settings.RAPPORT_SUPPORT_PHONE,
        "hours": hours,
        # Times that belong to no one site (when people are next in) are shown in the first
        # site's zone, named; portal.js puts them on the visitor's clock.
        "page_zone": hours[0].timezone if hours else settings.TIME_ZONE,
        "reach": reach(brand, now=now),
    }
