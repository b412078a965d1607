"""Triage: read what a customer needs from how they write. Pure Python, no Django.

`triage(text, channel=..., history=..., now=..., phone_available=...)` returns a frozen
`TriageResult` with five signals (urgent, upset, wants_human, loop, compliment), a priority,
a recommended contact (call, callback or reply) and the reasons an agent sees, e.g.
``urgent: "flight tomorrow" (hard deadline)``. See docs/triage-and-routing.md for how to tune it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rapport.triage import (
    inputs,
    learned,
    lexicon,
    lexicon_contact,
    lexicon_urgent,
    loops,
    prefilter,
    reading,
    upsets,
)
from rapport.triage.sentiment import compound

CHANNELS = frozenset({"email", "chat", "phone", "sms", "social", "web", "system"})
PRIORITIES = ("urgent", "high", "normal", "low")
CONTACTS = ("call", "callback", "reply")
JSON_KEYS = (
    "priority",
    "urgent",
    "upset",
    "wants_human",
    "loop",
    "compliment",
    "recommended_contact",
    "reasons",
)

# Anything with the text of an earlier customer message and when it arrived.
Said = loops.Said


@dataclass(frozen=True, slots=True)
class HistoryItem:
    text: str
    at: datetime
    where: str = ""  # "case #12 by chat": shown in the reason when the repeat was elsewhere


@dataclass(frozen=True, slots=True)
class TriageResult:
    priority: str
    urgent: bool
    upset: bool
    wants_human: bool
    loop: bool
    compliment: bool
    recommended_contact: str
    reasons: list[str]
    urgent_reasons: tuple[str, ...] = ()
    upset_reasons: tuple[str, ...] = ()
    wants_human_reasons: tuple[str, ...] = ()
    loop_reasons: tuple[str, ...] = ()
    compliment_reasons: tuple[str, ...] = ()
    # Which safety kinds raised urgent ("health", "money", "access", "deadline"): each steers
    # the contact to a call (see `_contact`).
    safety: tuple[str, ...] = ()
    model_name: str = "rules"
    model_version: str = ""
    # For each signal the learned layer raised (and no rule did): score, words, examples.
    learned: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON keys, plus which model decided."""
        data = {
            key: (list(self.reasons) if key == "reasons" else getattr(self, key))
            for key in JSON_KEYS
        }
        data["model"] = {"name": self.model_name, "version": self.model_version}
        return data


# ---------------------------------------------------------------- the rules' tables


_URGENT = reading.table(lexicon_urgent.URGENT_RULES)
_HUMAN = reading.table(lexicon_contact.HUMAN_RULES)
_CALM = reading.screened("|".join(lexicon_urgent.CALM))
_NO_CALL = reading.screened(lexicon_contact.NO_CALL)
_PRAISE = reading.screened(lexicon_contact.PRAISE)
_PRAISE_EMOJI = re.compile(lexicon_contact.PRAISE_EMOJI)
_PROBLEM = reading.screened(lexicon_contact.PROBLEM)
_THANKS_FOR_A_FIX = reading.screened(lexicon_contact.THANKS_FOR_A_FIX)
_BOT_MENTION = reading.words(lexicon_contact.BOT_MENTION)
_DEADLINE_TIME = reading.screened(lexicon_urgent.DEADLINE_TIME)
_DEADLINE_NEED = reading.words(lexicon_urgent.DEADLINE_NEED)
_SETTLED = reading.words(lexicon_urgent.SETTLED)
_LONG_AGO = reading.words(lexicon_urgent.LONG_AGO)
_STILL_NOW = reading.words(lexicon_urgent.STILL_NOW)
_TAKEN_BACK = reading.screened(lexicon_urgent.TAKEN_BACK)
_CALL_ME = reading.words(lexicon_urgent.CALL_ME_WHEN)
_MILD = reading.words(lexicon_urgent.MILD)
_DEADLINE_LATER = reading.words(lexicon_urgent.DEADLINE_LATER)
_DEADLINE_MOVED = reading.words(lexicon_urgent.DEADLINE_MOVED)


# The word lists searched in the whole text when their words are there (`reading.Words`).
_SCREENED = (
    _CALM,
    _NO_CALL,
    _PRAISE,
    _PROBLEM,
    _THANKS_FOR_A_FIX,
    _DEADLINE_TIME,
    _TAKEN_BACK,
    *upsets.SCREENED,
)
# What the rules' prefilter asks about: every table's and word list's words.
_VOCABULARY = prefilter.Vocabulary(
    [
        *(
            compiled.needs
            for table in (_URGENT, upsets.TABLE, _HUMAN, loops.TABLE)
            for compiled in table.rules
        ),
        *(words.needs for words in _SCREENED),
    ]
)


def _word_starts(folded: str) -> frozenset[str]:
    """The beginnings of the words, among those the rules need: what they are checked against."""
    return _VOCABULARY.starts(folded)


def _settled(folded: str, start: int, end: int, *, long_ago: bool = True) -> bool:
    """The problem is told as over ("he's fine now", "it was refunded") or long past ("last
    year"), and nothing in its sentence says it is still going on. A deadline is ahead by
    nature: "posted two weeks ago" next to it says nothing of it (`long_ago=False`)."""
    first, last = reading.sentence_around(folded, start, end)
    sentence = folded[first:last]
    if _STILL_NOW.search(sentence):
        return False
    if long_ago and _LONG_AGO.search(sentence):
        return True
    following = reading.SENTENCE_SPLIT.search(folded, last)
    upto = reading.SENTENCE_SPLIT.search(folded, following.end()) if following else None
    return bool(_SETTLED.search(folded, end, upto.start() if upto else len(folded)))


def _urgent(
    body: str, folded: str, starts: frozenset[str], calm: bool
) -> tuple[list[str], list[str]]:
    """The urgent reasons, and the safety kinds among them (`lexicon.SAFETY`, in order)."""
    reasons: list[str] = []
    safety: list[str] = []
    taken_back = _TAKEN_BACK.search(folded, starts) is not None
    for hit in reading.hits(_URGENT, folded, starts):
        if calm and hit.rule.weak:
            continue
        kind = lexicon.SAFETY.get(hit.rule.kind)
        if kind and taken_back:
            continue
        if kind == "health" and _MILD.search(folded, max(0, hit.start - 24), hit.start):
            continue
        if kind and _settled(folded, hit.start, hit.end, long_ago=kind != "deadline"):
            continue
        if kind == "deadline" and _DEADLINE_LATER.search(folded, hit.start, hit.end):
            kind = None  # "the wedding is next Saturday": urgent, but not within a day
        reasons.append(reading.reason("urgent", body, hit.start, hit.end, hit.rule.kind))
        if kind and kind not in safety:
            safety.append(kind)
    if not calm and not any(lexicon.DEADLINE in reason for reason in reasons):
        deadline = _deadline(folded, starts)
        if deadline:
            start, end, soon = deadline
            reasons.append(reading.reason("urgent", body, start, end, lexicon.DEADLINE))
            if soon and "deadline" not in safety:
                safety.append("deadline")
    return reasons, safety


def _deadline(folded: str, starts: frozenset[str]) -> tuple[int, int, bool] | None:
    """A time word with a need cue in the same sentence: "I need it today", "deadline is 5pm";
    where it is and whether it is within a day."""
    if not _DEADLINE_TIME.may_match(starts):  # no time word in any sentence
        return None
    position = 0
    for sentence in reading.SENTENCE_SPLIT.split(folded):
        offset = folded.find(sentence, position)
        position = offset + len(sentence)
        time = _DEADLINE_TIME.regex.search(sentence)
        if time and _DEADLINE_NEED.search(sentence) and not _DEADLINE_MOVED.search(sentence):
            start, end = offset + time.start(), offset + time.end()
            if _settled(folded, start, end, long_ago=False) or _CALL_ME.search(
                folded, max(0, start - 24), start
            ):
                continue  # "please call me today" asks for a call, it names no deadline
            return start, end, not _DEADLINE_LATER.search(folded, start, end)
    return None


def _wants_human(body: str, folded: str, starts: frozenset[str], *, praise_only: bool) -> list[str]:
    reasons = []
    for hit in reading.hits(_HUMAN, folded, starts):
        mention = folded[hit.start : hit.end]
        if (
            praise_only
            and hit.rule.kind == lexicon_contact.AGAINST_BOTS
            and _BOT_MENTION.search(mention)
        ):
            continue  # "the bot answer was exactly what I needed" is no complaint
        reasons.append(reading.reason("wants_human", body, hit.start, hit.end, hit.rule.kind))
    return reasons


# ---------------------------------------------------------------- rules and the learned layer
def _combine(
    body: str,
    folded: str,
    starts: frozenset[str],
    rules: dict[str, list[str]],
    *,
    model: learned.Model,
    troubled: bool,
    calm: bool,
    no_call: bool,
) -> tuple[dict[str, list[str]], dict[str, dict[str, Any]], learned.Learned | None]:
    """Each signal is the rule OR the learned classifier: a signal no rule raised is raised
    when the model's score reaches its threshold (chosen on cross-validation), with a reason
    naming the words that weighed most and the nearest labelled examples. A compliment stays
    exclusive: none beside another signal or a question. Where the rules read praise with
    nothing troubled, only urgency may be added (a thank-you naming "the person on the phone"
    is not a request for one). What the customer says outright wins over what their words
    resemble: a rule's cue they negated, settled or put off ("no charge I don't recognise",
    "he's fine now", "no rush") and a declined call keep that signal to the rules. The third
    value is the union head's view ("needs a call"), when the model has one and it is raised.
    A message too short to carry a signal ("see attached") is left to the rules."""
    if not model.heads or inputs.too_short(body):
        return rules, {}, None
    missing = {signal for signal, reasons in rules.items() if not reasons}
    if rules["compliment"]:
        missing -= {"upset", "wants_human"}
    if calm:
        missing.discard("urgent")
    if no_call:
        missing.discard("wants_human")
    features = inputs.Features(
        body, {signal: bool(reasons) for signal, reasons in rules.items()}, vader=0.0
    )
    # The heads that can change the outcome: a signal no rule raised, and the union head when no
    # rule raised a call signal. When none can be raised, the tone is never read.
    deciding = set(missing)
    if not any(rules[signal] for signal in inputs.CALL_SIGNALS):
        deciding.add(inputs.CALL_HEAD)
    predicted = model.predict_toned(features, deciding, lambda: _tone(body))
    if not predicted:
        return rules, {}, None
    found = dict(rules)
    call = predicted.pop(inputs.CALL_HEAD, None)
    added = [
        hit
        for signal, hit in predicted.items()
        if hit.raised and signal in missing and not _cancelled(signal, folded, starts)
    ]
    for hit in added:
        found[hit.signal] = ["learned"]
    if any(found[signal] for signal in ("urgent", "upset", "wants_human", "loop")) or (
        troubled and found["compliment"] and not rules["compliment"]
    ):
        found["compliment"] = []
        added = [hit for hit in added if hit.signal != "compliment"]
    # Only what decides is explained (the union head: when no call signal is raised).
    if call is not None and call.raised and not any(found[s] for s in inputs.CALL_SIGNALS):
        added.append(call)
    explained = model.explain(features, added) if added else {}
    details = {signal: hit.as_dict() for signal, hit in explained.items()}
    for signal in details.keys() - {inputs.CALL_HEAD}:
        found[signal] = [explained[signal].reason()]
    return found, details, explained.get(inputs.CALL_HEAD)


_CANCELLABLE = {"urgent": _URGENT, "wants_human": _HUMAN}
_NEGATOR = re.compile(
    r"(?<![a-z0-9'])(?:" + "|".join(sorted(map(re.escape, lexicon.NEGATORS))) + r")(?![a-z0-9'])\s*"
)


def _cancelled(signal: str, folded: str, starts: frozenset[str]) -> bool:
    """Whether the customer named a rule's cue for `signal` and took it back: a rule matches
    the words, or the words with "not", "no", "isn't"... taken out ("the app isn't down",
    "there is no charge I don't recognise", "he's fine now"), yet none was kept."""
    table = _CANCELLABLE.get(signal)
    if table is None:
        return False
    plain = _NEGATOR.sub("", folded)
    return any(
        table.rules[index].regex.search(text)
        for text, words in ((folded, starts), (plain, _word_starts(plain)))
        for index in table.screen.candidates(words)
    )


def _tone(body: str) -> float:
    return compound(body[: inputs.TONE_CHARS])


def _praise_emoji(body: str) -> re.Match[str] | None:
    return None if body.isascii() else _PRAISE_EMOJI.search(body)


def _problem(folded: str, starts: frozenset[str]) -> bool:
    """A problem named, a thank-you for a fix aside ("thanks for sorting the refund")."""
    if _THANKS_FOR_A_FIX.may_match(starts):
        # Bounded on both sides, each thank-you becomes a space: no new word is made.
        folded = _THANKS_FOR_A_FIX.regex.sub(" ", folded)
    return _PROBLEM.search(folded, starts) is not None


# ---------------------------------------------------------------- the whole picture
SAFETY_WORDS = {
    "health": "health or safety",
    "money": "money being taken",
    "access": "losing access",
    "deadline": "a deadline within a day",
}


def _contact(
    body: str,
    *,
    no_call: re.Match[str] | None,
    needs_call: bool,
    asked: bool,
    safety: Sequence[str],
    phone_available: bool,
) -> tuple[str, list[str]]:
    """Safety before thrift: a customer in trouble gets a call (a callback when nobody can
    call now). One who declined a call ("please don't phone") gets a written reply unless
    they also asked for a person, or someone's health or safety is at risk: then a call,
    because a life outweighs a preference. Money, access and deadlines keep the reply they
    asked for, first in the queue (urgent). `no_call`: where they declined a call, if they did."""
    declined = bool(no_call) and not asked
    call = "call" if phone_available else "callback"
    reasons = []
    if needs_call and declined and no_call and "health" in safety:
        words = reading.quote(body, no_call.start(), no_call.end())
        reasons.append(f'contact: {call} despite "{words}" (health or safety at risk)')
    elif needs_call and declined and no_call:
        words = reading.quote(body, no_call.start(), no_call.end())
        why = f", urgent: {', '.join(SAFETY_WORDS[kind] for kind in safety)}" if safety else ""
        return "reply", [f'contact: reply ("{words}"{why})']
    elif not needs_call:
        return "reply", []
    if not phone_available:
        reasons.append("contact: callback (nobody can take a call now)")
    return call, reasons


def triage(
    text: str,
    *,
    channel: str = "email",
    history: Sequence[loops.Said] = (),
    now: datetime | None = None,
    phone_available: bool = True,
    model: learned.Model | None = None,
) -> TriageResult:
    """Signals, priority and recommended contact for one inbound customer message.

    `history` holds the customer's earlier messages on the case (any objects with `.text` and
    a timezone-aware `.at`); `now` defaults to the current time. `phone_available` is whether
    someone can take a call now: when not, a call becomes a `callback`. `model` is the learned
    layer that extends the rules (None: the shipped model; `learned.RULES_ONLY`: rules alone).
    """
    model = model or learned.load_shipped()
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    body = reading.body(text)
    folded = reading.fold(body)
    starts = _word_starts(folded)
    calm_match = _CALM.search(folded, starts)
    calm = calm_match is not None
    no_call = _NO_CALL.search(folded, starts)
    praise = _PRAISE.search(folded, starts) or _praise_emoji(body)
    troubled = "?" in body or "¿" in body or _problem(folded, starts)
    praise_only = bool(praise) and not troubled

    urgent, safety = _urgent(body, folded, starts, calm)
    said_loop = [reason for reason in loops.said(body, folded, starts) if reason]
    loop = said_loop + loops.repeats(text, history, now)
    # A follow-up on a recent message is a loop too, said last: a repeat names what was repeated.
    follow_up = [] if loop else loops.follow_up(body, folded, history, now)
    wants_human = _wants_human(body, folded, starts, praise_only=praise_only)
    upset = upsets.read(
        body,
        folded,
        starts,
        troubled=troubled or bool(urgent) or bool(loop or follow_up),
        praise_only=praise_only,
        loop=bool(said_loop),
    )
    compliment: list[str] = []
    if praise and praise_only and not (urgent or upset or wants_human or loop or follow_up):
        words = reading.quote(body, praise.start(), praise.end())
        compliment = [f'compliment: "{words}" (praise, nothing left to do)']

    # The learned layer: each signal is the rule OR the classifier (see _combine).
    rules = {
        "urgent": urgent,
        "upset": upset,
        "wants_human": wants_human,
        "loop": loop or follow_up,
    }
    found, learned_hits, call_hit = _combine(
        body,
        folded,
        starts,
        rules | {"compliment": compliment},
        model=model,
        troubled=troubled,
        calm=calm,
        no_call=no_call is not None,
    )
    urgent, upset, wants_human = found["urgent"], found["upset"], found["wants_human"]
    loop = loop or loops.similar(text, history, now, model) or follow_up
    compliment = [] if loop else found["compliment"]

    # The union head: no call signal raised, yet the message reads like one needing a person
    # (not a compliment: praise with nothing left to do needs nobody).
    reads_call = call_hit is not None and not (urgent or upset or wants_human or compliment)
    if urgent:
        priority = "urgent"
    elif upset or wants_human or loop or reads_call:
        priority = "high"
    elif calm and channel != "social":
        priority = "low"
    else:
        priority = "normal"

    reasons = [*urgent, *upset, *wants_human, *loop, *compliment]
    contact, said = _contact(
        body,
        no_call=no_call,
        needs_call=bool(urgent or upset or wants_human) or reads_call,
        asked=bool(wants_human),
        safety=safety,
        phone_available=phone_available,
    )
    if reads_call and call_hit is not None and contact != "reply":
        said.insert(0, f"contact: {contact} — {call_hit.reason()}")
    reasons.extend(said)
    if priority == "low" and calm_match:
        reasons.append(
            f'priority: low ("{reading.quote(body, calm_match.start(), calm_match.end())}")'
        )

    return TriageResult(
        priority=priority,
        urgent=bool(urgent),
        upset=bool(upset),
        wants_human=bool(wants_human),
        loop=bool(loop),
        compliment=bool(compliment),
        recommended_contact=contact,
        reasons=reasons,
        urgent_reasons=tuple(urgent),
        upset_reasons=tuple(upset),
        wants_human_reasons=tuple(wants_human),
        loop_reasons=tuple(loop),
        compliment_reasons=tuple(compliment),
        safety=tuple(safety),
        model_name=model.name,
        model_version=model.version,
        learned=learned_hits,
    )


def features(
    text: str,
    *,
    channel: str = "email",
    history: Sequence[loops.Said] = (),
    now: datetime | None = None,
) -> inputs.Features:
    """What the learned layer reads of a message besides its words: the customer's own words,
    which rules fired, the tone. Training reads examples through this, triage the same way."""
    result = triage(text, channel=channel, history=history, now=now, model=learned.RULES_ONLY)
    body = reading.body(text)
    return inputs.Features(
        body, {signal: getattr(result, signal) for signal in inputs.RULE_SIGNALS}, _tone(body)
    )
