"""Whether a customer is going round in circles: they say so, they repeat a request of the
last 24 hours (nearly word for word, or in other words by meaning), or they follow one up
("any news?"). Pure Python, no Django."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from rapidfuzz.distance import Indel

from rapport.triage import learned, lexicon_contact, reading


class Said(Protocol):
    """Anything with the text of an earlier customer message and when it arrived."""

    @property
    def text(self) -> str: ...

    @property
    def at(self) -> datetime: ...


LOOP_WINDOW = timedelta(hours=24)
LOOP_SIMILARITY = 0.8
LOOP_MIN_CHARS = 12  # "ok", "yes", "thanks" repeated are not a request repeated
SIMILARITY_CHARS = 600
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
TABLE = reading.table(lexicon_contact.LOOP_RULES)
_FOLLOW_UP = reading.words(lexicon_contact.FOLLOW_UP)
_GOOD_NEWS = reading.words(lexicon_contact.GOOD_NEWS)


def similarity_key(text: str) -> str:
    return _NON_ALNUM.sub(" ", reading.fold(text)).strip()[:SIMILARITY_CHARS]


def repeats(text: str, history: Sequence[Said], now: datetime) -> list[str]:
    if not history:  # most messages: nothing to compare, so the text is not read
        return []
    key = similarity_key(text)
    if len(key) < LOOP_MIN_CHARS:
        return []
    best, count, places = 0.0, 0, []
    for item in history:
        if item.at.tzinfo is None:
            raise ValueError("history times must be timezone-aware")
        age = now - item.at
        if not timedelta(0) <= age <= LOOP_WINDOW:
            continue
        # Indel similarity: twice the longest common subsequence over both lengths (difflib's
        # ratio, without its greedy block matching), in C; 0 below the cutoff.
        ratio = Indel.normalized_similarity(
            key, similarity_key(item.text), score_cutoff=LOOP_SIMILARITY
        )
        if ratio >= LOOP_SIMILARITY:
            best, count = max(best, ratio), count + 1
            where = getattr(item, "where", "")
            if where and where not in places:
                places.append(where)
    if not count:
        return []
    earlier = "1 earlier message" if count == 1 else f"{count} earlier messages"
    elsewhere = f", on {' and '.join(places)}" if places else ""
    return [f"loop: same request as {earlier} within 24 h{elsewhere} (similarity {best:.2f})"]


def follow_up(body: str, folded: str, history: Sequence[Said], now: datetime) -> list[str]:
    """A follow-up ("any news?", "hello?", "like I asked") on one of the customer's messages of
    the last 24 h: the same request again, whatever the words."""
    if not history:
        return []
    cue = _FOLLOW_UP.search(folded)
    if cue is None or _GOOD_NEWS.search(folded):
        return []
    ages = [now - item.at for item in history if timedelta(0) <= now - item.at <= LOOP_WINDOW]
    if not ages:
        return []
    return [
        f'loop: "{reading.quote(body, cue.start(), cue.end())}" (following up on a message '
        f"{ago(min(ages))})"
    ]


def ago(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    return f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"


def said(body: str, folded: str, starts: frozenset[str]) -> list[str]:
    """The customer says they are going round: "I've typed it four times", "it keeps asking"."""
    return [
        reading.reason("loop", body, hit.start, hit.end, hit.rule.kind)
        for hit in reading.hits(TABLE, folded, starts)
    ]


def similar(text: str, history: Sequence[Said], now: datetime, model: learned.Model) -> list[str]:
    """Loops by meaning: the same request reworded within 24 h ("where is my refund" and
    "still no money back"), by the cosine of the two messages' embeddings."""
    if not history or model.loop_similarity is None:
        return []
    if len(similarity_key(text)) < LOOP_MIN_CHARS:
        return []
    recent = [item for item in history if timedelta(0) <= now - item.at <= LOOP_WINDOW]
    if not recent:
        return []
    scores = model.similarity(reading.body(text), [reading.body(item.text) for item in recent])
    best = max(range(len(recent)), key=scores.__getitem__)
    if scores[best] < model.loop_similarity:
        return []
    item = recent[best]
    when = ago(now - item.at)
    where = getattr(item, "where", "")
    earlier = reading.quote(item.text, 0, len(item.text))
    return [
        f'loop: same request as "{earlier}" ({when}{", on " + where if where else ""}; '
        f"similar in meaning {scores[best]:.2f})"
    ]
