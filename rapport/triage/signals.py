"""Triage: read what a customer needs from how they write. Pure Python, no Django.

`triage(text, channel=..., history=..., now=..., phone_available=...)` returns a frozen
`TriageResult` with five signals (urgent, upset, wants_human, loop, compliment), a priority,
a recommended contact (call, callback or reply) and the reasons an agent sees, e.g.
``urgent: "flight tomorrow" (hard deadline)``. See docs/triage-and-routing.md for how to tune it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from rapidfuzz.distance import Indel

from rapport.triage import (
    learned,
    lexicon,
    lexicon_contact,
    lexicon_upset,
    lexicon_urgent,
    prefilter,
)
from rapport.triage.lexicon import Rule
from rapport.triage.sentiment import compound

CHANNELS = frozenset({"email", "chat", "phone", "sms", "social", "web", "system"})
PRIORITIES = ("urgent", "high", "normal", "low")
CONTACTS = ("call", "callback", "reply")

LOOP_WINDOW = timedelta(hours=24)
LOOP_SIMILARITY = 0.8
LOOP_MIN_CHARS = 12  # "ok", "yes", "thanks" repeated are not a request repeated
MAX_CHARS = 6000  # look at head and tail of very long emails; keeps work bounded
HEAD_CHARS = 4500
SIMILARITY_CHARS = 600
VADER_CHARS = 1000
VADER_UPSET = -0.5  # VADER only tips the balance when one domain cue is already there

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


class Said(Protocol):
    """Anything with the text of an earlier customer message and when it arrived."""

    @property
    def text(self) -> str: ...

    @property
    def at(self) -> datetime: ...


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


# ---------------------------------------------------------------- text preparation
_FOLD = str.maketrans(
    "áàâäãåéèêëíìîïóòôöõúùûüñçÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇ\u2019\u2018\u00b4`\u201c\u201d",
    "aaaaaaeeeeiiiiooooouuuuncaaaaaaeeeeiiiiooooouuuunc''''\"\"",
)
_QUOTE_HEADER = re.compile(
    r"^\s*(?:on\b.{0,200}\bwrote:|el\b.{0,200}\bescribi[oó]:|-{2,}\s*original message|from:\s.+@)",
    re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(r"[.!?\n]+")
_CLAUSE_SPLIT = re.compile(r"[.,;:!?\n()]|\bbut\b|\bpero\b")
_WORD = re.compile(r"[a-z']+")
_ALPHA_TOKEN = re.compile(r"\b[^\W\d_]+\b")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_REPEATED_PUNCT = re.compile(r"[!?]{2,}")
_CONTRAST = re.compile(r"\b(?:but|however|although|though|unfortunately|pero|aunque)\b")
_VOWEL = re.compile(r"[AEIOUÁÉÍÓÚ]")
_PAST = re.compile(
    r"\b(?:was|were|had been|felt|estaba|estabamos|estuve|me sentia|me senti|escribi|iba|iban)"
    r"\s+(?:\w+\s+)?$"
)


def _body(text: str) -> str:
    """The customer's own words: quoted replies dropped, very long mails cut to head + tail."""
    kept: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith(">"):
            continue
        if _QUOTE_HEADER.match(line) and kept:
            break
        kept.append(line)
    body = "\n".join(kept).strip()
    if len(body) > MAX_CHARS:
        body = body[:HEAD_CHARS] + "\n" + body[-(MAX_CHARS - HEAD_CHARS) :]
    return body


def _fold(text: str) -> str:
    """Lower-case, accents off; same length as the input so matches map back to the original."""
    folded = text.lower().translate(_FOLD)
    return folded if len(folded) == len(text) else text.translate(_FOLD).lower()[: len(text)]


def _spaced(pattern: str) -> str:
    return pattern.replace(" ?", r"\s*").replace(" ", r"\s+")


def _bounded(pattern: str) -> str:
    return rf"(?<![a-z0-9])(?:{_spaced(pattern)})(?![a-z0-9])"


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: Rule
    regex: re.Pattern[str]
    needs: prefilter.Requirement | None  # words it cannot match without (rapport.triage.prefilter)


@dataclass(frozen=True)
class _Table:
    rules: tuple[_Compiled, ...]
    screen: prefilter.Screen


def _table(rules: tuple[Rule, ...]) -> _Table:
    compiled = tuple(
        _Compiled(
            rule,
            re.compile(_bounded(rule.pattern), re.MULTILINE),
            prefilter.requirement(rule.pattern),
        )
        for rule in rules
    )
    return _Table(compiled, prefilter.Screen([c.needs for c in compiled]))


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(_bounded(pattern), re.MULTILINE)


_URGENT = _table(lexicon_urgent.URGENT_RULES)
_UPSET = _table(lexicon_upset.UPSET_RULES)
_HUMAN = _table(lexicon_contact.HUMAN_RULES)
_LOOP = _table(lexicon_contact.LOOP_RULES)
_CALM = _words("|".join(lexicon_urgent.CALM))
_NO_CALL = _words(lexicon_contact.NO_CALL)
_PRAISE = _words(lexicon_contact.PRAISE)
_PRAISE_EMOJI = re.compile(lexicon_contact.PRAISE_EMOJI)
_PROBLEM = _words(lexicon_contact.PROBLEM)
_THANKS_FOR_A_FIX = _words(lexicon_contact.THANKS_FOR_A_FIX)
_BOT_MENTION = _words(lexicon_contact.BOT_MENTION)
_FOLLOW_UP = _words(lexicon_contact.FOLLOW_UP)
_GOOD_NEWS = _words(lexicon_contact.GOOD_NEWS)
_DEADLINE_TIME = _words(lexicon_urgent.DEADLINE_TIME)
_DEADLINE_NEED = _words(lexicon_urgent.DEADLINE_NEED)
_SARCASM_OPENER = re.compile(_spaced(lexicon_upset.SARCASM_OPENERS))
_SARCASM_FAILURE = _words(lexicon_upset.SARCASM_FAILURE)
_SARCASM_PHRASE = _words(lexicon_upset.SARCASM_PHRASES)
_SETTLED = _words(lexicon_urgent.SETTLED)
_LONG_AGO = _words(lexicon_urgent.LONG_AGO)
_STILL_NOW = _words(lexicon_urgent.STILL_NOW)
_TAKEN_BACK = _words(lexicon_urgent.TAKEN_BACK)
_CALL_ME = _words(lexicon_urgent.CALL_ME_WHEN)
_MILD = _words(lexicon_urgent.MILD)
_DEADLINE_LATER = _words(lexicon_urgent.DEADLINE_LATER)
_DEADLINE_MOVED = _words(lexicon_urgent.DEADLINE_MOVED)


@dataclass(frozen=True, slots=True)
class _Hit:
    rule: Rule
    start: int
    end: int


def _negated(folded: str, start: int) -> bool:
    clause = _CLAUSE_SPLIT.split(folded[max(0, start - 60) : start])[-1]
    words = _WORD.findall(clause)[-3:]
    for at, word in enumerate(words):
        if word in lexicon.NEGATORS:
            # "won't stop bleeding", "no para de sangrar": a negated stop is the thing going on
            return not lexicon.STOPS.intersection(words[at + 1 :])
    return False


_LONGEST_NEEDED = max(
    len(word)
    for table in (_URGENT, _UPSET, _HUMAN, _LOOP)
    for compiled in table.rules
    for branch in compiled.needs or ()
    for words in branch
    for word in words
)


def _word_starts(folded: str) -> frozenset[str]:
    """Every beginning of every word, as long as the rules need: what they are checked against."""
    return prefilter.word_starts(folded, _LONGEST_NEEDED)


def _hits(table: _Table, folded: str, starts: frozenset[str]) -> list[_Hit]:
    """The first match of each rule of a table, in text order; negated matches dropped."""
    hits: list[_Hit] = []
    for index in table.screen.candidates(starts):
        compiled = table.rules[index]
        for match in compiled.regex.finditer(folded):
            if compiled.rule.negatable and _negated(folded, match.start()):
                continue
            hits.append(_Hit(compiled.rule, match.start(), match.end()))
            break
    hits.sort(key=lambda hit: hit.start)
    return hits


def _quote(body: str, start: int, end: int) -> str:
    words = " ".join(body[start:end].split())
    return words if len(words) <= 48 else words[:45] + "..."


def _reason(signal: str, body: str, start: int, end: int, kind: str) -> str:
    return f'{signal}: "{_quote(body, start, end)}" ({kind})'


# ---------------------------------------------------------------- signals
def _sentence_around(folded: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence holding folded[start:end] begins and ends."""
    before = max((m.end() for m in _SENTENCE_SPLIT.finditer(folded, 0, start)), default=0)
    after = _SENTENCE_SPLIT.search(folded, end)
    return before, after.start() if after else len(folded)


def _settled(folded: str, start: int, end: int, *, long_ago: bool = True) -> bool:
    """The problem is told as over ("he's fine now", "it was refunded") or long past ("last
    year"), and nothing in its sentence says it is still going on. A deadline is ahead by
    nature: "posted two weeks ago" next to it says nothing of it (`long_ago=False`)."""
    first, last = _sentence_around(folded, start, end)
    sentence = folded[first:last]
    if _STILL_NOW.search(sentence):
        return False
    if long_ago and _LONG_AGO.search(sentence):
        return True
    following = _SENTENCE_SPLIT.search(folded, last)
    upto = _SENTENCE_SPLIT.search(folded, following.end()) if following else None
    return bool(_SETTLED.search(folded, end, upto.start() if upto else len(folded)))


def _urgent(
    body: str, folded: str, starts: frozenset[str], calm: bool
) -> tuple[list[str], list[str]]:
    """The urgent reasons, and the safety kinds among them (`lexicon.SAFETY`, in order)."""
    reasons: list[str] = []
    safety: list[str] = []
    taken_back = _TAKEN_BACK.search(folded) is not None
    for hit in _hits(_URGENT, folded, starts):
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
        reasons.append(_reason("urgent", body, hit.start, hit.end, hit.rule.kind))
        if kind and kind not in safety:
            safety.append(kind)
    if not calm and not any(lexicon.DEADLINE in reason for reason in reasons):
        deadline = _deadline(folded)
        if deadline:
            start, end, soon = deadline
            reasons.append(_reason("urgent", body, start, end, lexicon.DEADLINE))
            if soon and "deadline" not in safety:
                safety.append("deadline")
    return reasons, safety


def _deadline(folded: str) -> tuple[int, int, bool] | None:
    """A time word with a need cue in the same sentence: "I need it today", "deadline is 5pm";
    where it is and whether it is within a day."""
    position = 0
    for sentence in _SENTENCE_SPLIT.split(folded):
        offset = folded.find(sentence, position)
        position = offset + len(sentence)
        time = _DEADLINE_TIME.search(sentence)
        if time and _DEADLINE_NEED.search(sentence) and not _DEADLINE_MOVED.search(sentence):
            start, end = offset + time.start(), offset + time.end()
            if _settled(folded, start, end, long_ago=False) or _CALL_ME.search(
                folded, max(0, start - 24), start
            ):
                continue  # "please call me today" asks for a call, it names no deadline
            return start, end, not _DEADLINE_LATER.search(folded, start, end)
    return None


def _shouting(body: str) -> tuple[int, str]:
    tokens = _ALPHA_TOKEN.findall(body)
    capitals = [
        token
        for token in tokens
        if len(token) >= 2 and token.isupper() and token not in lexicon.ACRONYMS
    ]
    # One shouted word: a word, not a code ("AGAIN", "NOT", "DÓNDE"; not "GSD", "DGTL", "SIM").
    emphatic = [
        token
        for token in capitals
        if token in lexicon.SHOUTED or (len(token) >= 4 and _VOWEL.search(token))
    ]
    if len(capitals) >= 3 and len(capitals) * 2 >= len(tokens):
        return 2, f'upset: "{" ".join(capitals[:4])}" (CAPITALS)'
    if emphatic:
        return 1, f'upset: "{emphatic[0]}" (CAPITALS)'
    return 0, ""


def _sarcasm(body: str, folded: str) -> str:
    phrase = _SARCASM_PHRASE.search(folded)
    if phrase:
        return _reason("upset", body, phrase.start(), phrase.end(), lexicon_upset.SARCASM)
    for opener in _SARCASM_OPENER.finditer(folded):
        rest = folded[opener.end() :]
        stop = _SENTENCE_SPLIT.search(rest)
        clause = rest[: stop.start()] if stop else rest
        if _CONTRAST.search(clause):
            continue
        failure = _SARCASM_FAILURE.search(clause)
        if failure:
            end = opener.end() + failure.end()
            start = opener.start() + len(opener.group()) - len(opener.group().lstrip(".!?\n "))
            return _reason("upset", body, start, end, lexicon_upset.SARCASM)
    return ""


def _upset(
    body: str, folded: str, starts: frozenset[str], *, troubled: bool, praise_only: bool, loop: bool
) -> list[str]:
    score = 0
    reasons: list[str] = []
    for hit in _hits(_UPSET, folded, starts):
        weight = hit.rule.weight
        # "I was terrified that night" in a thank-you letter is a memory, not a present fear.
        if hit.rule.kind == lexicon_upset.DISTRESS and _PAST.search(
            folded[max(0, hit.start - 30) : hit.start]
        ):
            weight = 1
        score += weight
        reasons.append(_reason("upset", body, hit.start, hit.end, hit.rule.kind))
    sarcasm = _sarcasm(body, folded)
    if sarcasm:
        score += 2
        reasons.append(sarcasm)
    # Capitals and "!!!" intensify a complaint; on praise they are joy ("THANK YOU!!!").
    weight, reason = _shouting(body) if not praise_only else (0, "")
    if weight == 2 or (weight and (troubled or score)):
        score += weight
        reasons.append(reason)
    if not praise_only and (troubled or score):
        marks = _REPEATED_PUNCT.findall(body)
        if marks:
            longest = max(marks, key=len)
            score += 2 if len(longest) >= 3 or "?!" in longest or "!?" in longest else 1
            reasons.append(f'upset: "{longest}" (repeated punctuation)')
    if loop and score:  # having to say it again is frustrating in itself
        score += 1
        reasons.append("upset: has had to repeat themselves")
    if score == lexicon_upset.UPSET_THRESHOLD - 1:
        tone = compound(body[:VADER_CHARS])
        if tone <= VADER_UPSET:
            score += 1
            reasons.append(f"upset: negative tone (VADER {tone:+.2f})")
    return reasons if score >= lexicon_upset.UPSET_THRESHOLD else []


def _wants_human(body: str, folded: str, starts: frozenset[str], *, praise_only: bool) -> list[str]:
    reasons = []
    for hit in _hits(_HUMAN, folded, starts):
        mention = folded[hit.start : hit.end]
        if (
            praise_only
            and hit.rule.kind == lexicon_contact.AGAINST_BOTS
            and _BOT_MENTION.search(mention)
        ):
            continue  # "the bot answer was exactly what I needed" is no complaint
        reasons.append(_reason("wants_human", body, hit.start, hit.end, hit.rule.kind))
    return reasons


def _similarity_key(text: str) -> str:
    return _NON_ALNUM.sub(" ", _fold(text)).strip()[:SIMILARITY_CHARS]


def _repeats(text: str, history: Iterable[Said], now: datetime) -> list[str]:
    key = _similarity_key(text)
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
            key, _similarity_key(item.text), score_cutoff=LOOP_SIMILARITY
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


def _follow_up(body: str, folded: str, history: Sequence[Said], now: datetime) -> list[str]:
    """A follow-up ("any news?", "hello?", "like I asked") on one of the customer's messages of
    the last 24 h: the same request again, whatever the words."""
    cue = _FOLLOW_UP.search(folded)
    if cue is None or _GOOD_NEWS.search(folded):
        return []
    ages = [now - item.at for item in history if timedelta(0) <= now - item.at <= LOOP_WINDOW]
    if not ages:
        return []
    return [
        f'loop: "{_quote(body, cue.start(), cue.end())}" (following up on a message '
        f"{_ago(min(ages))})"
    ]


def _ago(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    return f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"


def _loop(body: str, folded: str, starts: frozenset[str]) -> list[str]:
    """The customer says they are going round: "I've typed it four times", "it keeps asking"."""
    return [
        _reason("loop", body, hit.start, hit.end, hit.rule.kind)
        for hit in _hits(_LOOP, folded, starts)
    ]


# ---------------------------------------------------------------- rules and the learned layer
def _combine(
    body: str,
    folded: str,
    starts: frozenset[str],
    rules: dict[str, list[str]],
    *,
    model: learned.Model,
    troubled: bool,
) -> tuple[dict[str, list[str]], dict[str, dict[str, Any]], learned.Learned | None]:
    """Each signal is the rule OR the learned classifier: a signal no rule raised is raised
    when the model's score reaches its threshold (chosen on cross-validation), with a reason
    naming the words that weighed most and the nearest labelled examples. A compliment stays
    exclusive: none beside another signal or a question. Where the rules read praise with
    nothing troubled, only urgency may be added (a thank-you naming "the person on the phone"
    is not a request for one). What the customer says outright wins over what their words
    resemble: a rule's cue they negated, settled or put off ("no charge I don't recognise",
    "he's fine now", "no rush") and a declined call keep that signal to the rules. The third
    value is the union head's view ("needs a call"), when the model has one and it is raised."""
    if not model.heads:
        return rules, {}, None
    missing = {signal for signal, reasons in rules.items() if not reasons}
    if rules["compliment"]:
        missing -= {"upset", "wants_human"}
    if _CALM.search(folded):
        missing.discard("urgent")
    if _NO_CALL.search(folded):
        missing.discard("wants_human")
    features = learned.Features(
        body, {signal: bool(reasons) for signal, reasons in rules.items()}, _tone(body)
    )
    found = dict(rules)
    predicted = model.predict(features, explain=())
    call = predicted.pop(learned.CALL_HEAD, None)
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
    if call is not None and call.raised and not any(found[s] for s in learned.CALL_SIGNALS):
        added.append(call)
    explained = model.explain(features, added) if added else {}
    details = {signal: hit.as_dict() for signal, hit in explained.items()}
    for signal in details.keys() - {learned.CALL_HEAD}:
        found[signal] = [explained[signal].reason()]
    return found, details, explained.get(learned.CALL_HEAD)


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
    return compound(body[: learned.TONE_CHARS])


def _similar(text: str, history: Sequence[Said], now: datetime, model: learned.Model) -> list[str]:
    """Loops by meaning: the same request reworded within 24 h ("where is my refund" and
    "still no money back"), by the cosine of the two messages' embeddings."""
    if model.loop_similarity is None or len(_similarity_key(text)) < LOOP_MIN_CHARS:
        return []
    recent = [item for item in history if timedelta(0) <= now - item.at <= LOOP_WINDOW]
    if not recent:
        return []
    scores = model.similarity(_body(text), [_body(item.text) for item in recent])
    best = max(range(len(recent)), key=scores.__getitem__)
    if scores[best] < model.loop_similarity:
        return []
    item = recent[best]
    ago = _ago(now - item.at)
    where = getattr(item, "where", "")
    said = _quote(item.text, 0, len(item.text))
    return [
        f'loop: same request as "{said}" ({ago}{", on " + where if where else ""}; '
        f"similar in meaning {scores[best]:.2f})"
    ]


# ---------------------------------------------------------------- the whole picture
SAFETY_WORDS = {
    "health": "health or safety",
    "money": "money being taken",
    "access": "losing access",
    "deadline": "a deadline within a day",
}


def _contact(
    body: str,
    folded: str,
    *,
    needs_call: bool,
    asked: bool,
    safety: Sequence[str],
    phone_available: bool,
) -> tuple[str, list[str]]:
    """Safety before thrift: a customer in trouble gets a call (a callback when nobody can
    call now). One who declined a call ("please don't phone") gets a written reply unless
    they also asked for a person, or someone's health or safety is at risk: then a call,
    because a life outweighs a preference. Money, access and deadlines keep the reply they
    asked for, first in the queue (urgent)."""
    no_call = _NO_CALL.search(folded)
    declined = bool(no_call) and not asked
    call = "call" if phone_available else "callback"
    reasons = []
    if needs_call and declined and no_call and "health" in safety:
        words = _quote(body, no_call.start(), no_call.end())
        reasons.append(f'contact: {call} despite "{words}" (health or safety at risk)')
    elif needs_call and declined and no_call:
        words = _quote(body, no_call.start(), no_call.end())
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
    history: Sequence[Said] = (),
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
    body = _body(text)
    folded = _fold(body)
    starts = _word_starts(folded)
    calm_match = _CALM.search(folded)
    calm = calm_match is not None
    praise = _PRAISE.search(folded) or _PRAISE_EMOJI.search(body)
    troubled = (
        bool(_PROBLEM.search(_THANKS_FOR_A_FIX.sub(" ", folded))) or "?" in body or "¿" in body
    )
    praise_only = bool(praise) and not troubled

    urgent, safety = _urgent(body, folded, starts, calm)
    said_loop = [reason for reason in _loop(body, folded, starts) if reason]
    loop = said_loop + _repeats(text, history, now)
    # A follow-up on a recent message is a loop too, said last: a repeat names what was repeated.
    follow_up = [] if loop else _follow_up(body, folded, history, now)
    wants_human = _wants_human(body, folded, starts, praise_only=praise_only)
    upset = _upset(
        body,
        folded,
        starts,
        troubled=troubled or bool(urgent) or bool(loop or follow_up),
        praise_only=praise_only,
        loop=bool(said_loop),
    )
    compliment: list[str] = []
    if praise and praise_only and not (urgent or upset or wants_human or loop or follow_up):
        words = _quote(body, praise.start(), praise.end())
        compliment = [f'compliment: "{words}" (praise, nothing left to do)']

    # The learned layer: each signal is the rule OR the classifier (see _combine).
    rules = {
        "urgent": urgent,
        "upset": upset,
        "wants_human": wants_human,
        "loop": loop or follow_up,
    }
    found, learned_hits, call_hit = _combine(
        body, folded, starts, rules | {"compliment": compliment}, model=model, troubled=troubled
    )
    urgent, upset, wants_human = found["urgent"], found["upset"], found["wants_human"]
    loop = loop or _similar(text, history, now, model) or follow_up
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
        folded,
        needs_call=bool(urgent or upset or wants_human) or reads_call,
        asked=bool(wants_human),
        safety=safety,
        phone_available=phone_available,
    )
    if reads_call and call_hit is not None and contact != "reply":
        said.insert(0, f"contact: {contact} — {call_hit.reason()}")
    reasons.extend(said)
    if priority == "low" and calm_match:
        reasons.append(f'priority: low ("{_quote(body, calm_match.start(), calm_match.end())}")')

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
    history: Sequence[Said] = (),
    now: datetime | None = None,
) -> learned.Features:
    """What the learned layer reads of a message besides its words: the customer's own words,
    which rules fired, the tone. Training reads examples through this, triage the same way."""
    result = triage(text, channel=channel, history=history, now=now, model=learned.RULES_ONLY)
    body = _body(text)
    return learned.Features(
        body, {signal: getattr(result, signal) for signal in learned.RULE_SIGNALS}, _tone(body)
    )
