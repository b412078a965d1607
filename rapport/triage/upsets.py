"""Whether a customer is upset: the weighted rules (anger, frustration, distress or fear),
sarcasm, capitals and repeated punctuation, and VADER's tone to tip a near miss. Pure Python,
no Django."""

from __future__ import annotations

import re

from rapport.triage import lexicon, lexicon_upset, reading
from rapport.triage.sentiment import compound

_ALPHA_TOKEN = re.compile(r"\b[^\W\d_]+\b")
_TWO_CAPITALS = re.compile(r"[A-Z]{2}")
_REPEATED_PUNCT = re.compile(r"[!?]{2,}")
_CONTRAST = re.compile(r"\b(?:but|however|although|though|unfortunately|pero|aunque)\b")
_VOWEL = re.compile(r"[AEIOUÁÉÍÓÚ]")
_PAST = re.compile(
    r"\b(?:was|were|had been|felt|estaba|estabamos|estuve|me sentia|me senti|escribi|iba|iban)"
    r"\s+(?:\w+\s+)?$"
)


VADER_CHARS = 1000
VADER_UPSET = -0.5  # VADER only tips the balance when one domain cue is already there
TABLE = reading.table(lexicon_upset.UPSET_RULES)
_SARCASM_OPENER = re.compile(reading.spaced(lexicon_upset.SARCASM_OPENERS))
_SARCASM_FAILURE = reading.words(lexicon_upset.SARCASM_FAILURE)
_SARCASM_THANKS = re.compile(reading.spaced(lexicon_upset.SARCASM_THANKS))
_SARCASM_THANKS_FAILURE = reading.words(lexicon_upset.SARCASM_THANKS_FAILURE)
_SARCASM_PHRASE = reading.screened(lexicon_upset.SARCASM_PHRASES)
SCREENED = (_SARCASM_PHRASE,)  # searched when their words are there (`reading.Words`)
_SARCASM_CLOSER = re.compile(
    r"[,.!;:]\s*(?:just |oh |how |que |simplemente )?" + lexicon_upset.SARCASM_CLOSERS + r"[\W_]*$"
)


def _shouting(body: str) -> tuple[int, str]:
    if body.isascii() and not _TWO_CAPITALS.search(body):
        return 0, ""  # an ASCII word in capitals has two capitals in a row
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


def _clause_after(folded: str, at: int) -> tuple[int, str]:
    """Where the clause after a praise word starts, and its text: the rest of its sentence, or
    the next sentence when the praise stands alone ("Brilliant. The delivery is on day nine.")."""
    stop = reading.SENTENCE_SPLIT.search(folded, at)
    if stop is None:
        return at, folded[at:]
    if folded[at : stop.start()].strip(" ,"):
        return at, folded[at : stop.start()]
    following = reading.SENTENCE_SPLIT.search(folded, stop.end())
    return stop.end(), folded[stop.end() : following.start() if following else len(folded)]


def _sarcasm(body: str, folded: str, starts: frozenset[str]) -> str:
    phrase = _SARCASM_PHRASE.search(folded, starts)
    if phrase:
        return reading.reason("upset", body, phrase.start(), phrase.end(), lexicon_upset.SARCASM)
    openers = [(opener, _SARCASM_FAILURE) for opener in _SARCASM_OPENER.finditer(folded)]
    openers += [(thanks, _SARCASM_THANKS_FAILURE) for thanks in _SARCASM_THANKS.finditer(folded)]
    for opener, failures in openers:
        offset, clause = _clause_after(folded, opener.end())
        if _CONTRAST.search(clause):
            continue
        failure = failures.search(clause)
        if failure:
            start = opener.start() + len(opener.group()) - len(opener.group().lstrip(".!?\n "))
            end = offset + failure.end()
            return reading.reason("upset", body, start, end, lexicon_upset.SARCASM)
    closer = _SARCASM_CLOSER.search(folded)
    if closer and not _CONTRAST.search(folded[: closer.start()]):
        failure = _SARCASM_FAILURE.search(folded[: closer.start()])
        if failure:
            return reading.reason(
                "upset", body, failure.start(), closer.end(), lexicon_upset.SARCASM
            )
    return ""


def read(
    body: str, folded: str, starts: frozenset[str], *, troubled: bool, praise_only: bool, loop: bool
) -> list[str]:
    score = 0
    reasons: list[str] = []
    for hit in reading.hits(TABLE, folded, starts):
        weight = hit.rule.weight
        # "I was terrified that night" in a thank-you letter is a memory, not a present fear.
        if hit.rule.kind == lexicon_upset.DISTRESS and _PAST.search(
            folded[max(0, hit.start - 30) : hit.start]
        ):
            weight = 1
        score += weight
        reasons.append(reading.reason("upset", body, hit.start, hit.end, hit.rule.kind))
    sarcasm = _sarcasm(body, folded, starts)
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
