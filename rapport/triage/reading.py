"""Reading a message the way triage's rules do: the customer's own words (quotes and very long
tails cut), folded (lower case, accents off, the same length so reasons quote the original),
and the rules' tables compiled and matched (negated matches dropped). Pure Python, no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapport.triage import lexicon, prefilter
from rapport.triage.lexicon import Rule

_FOLD = str.maketrans(
    "áàâäãåéèêëíìîïóòôöõúùûüñçÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇ\u2019\u2018\u00b4`\u201c\u201d",
    "aaaaaaeeeeiiiiooooouuuuncaaaaaaeeeeiiiiooooouuuunc''''\"\"",
)


_QUOTE_HEADER = re.compile(
    r"^\s*(?:on\b.{0,200}\bwrote:|el\b.{0,200}\bescribi[oó]:|-{2,}\s*original message|from:\s.+@)",
    re.IGNORECASE,
)


SENTENCE_SPLIT = re.compile(r"[.!?\n]+")
_CLAUSE_SPLIT = re.compile(r"[.,;:!?\n()]|\bbut\b|\bpero\b")
_WORD = re.compile(r"[a-z']+")
MAX_CHARS = 6000  # look at head and tail of very long emails; keeps work bounded
HEAD_CHARS = 4500


def body(text: str) -> str:
    """The customer's own words: quoted replies dropped, very long mails cut to head + tail."""
    kept: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith(">"):
            continue
        if kept and _QUOTE_HEADER.match(line):
            break
        kept.append(line)
    own = "\n".join(kept).strip()
    if len(own) > MAX_CHARS:
        own = own[:HEAD_CHARS] + "\n" + own[-(MAX_CHARS - HEAD_CHARS) :]
    return own


def fold(text: str) -> str:
    """Lower-case, accents off; same length as the input so matches map back to the original."""
    if text.isascii() and "`" not in text:  # nothing to translate (most messages)
        return text.lower()
    folded = text.lower().translate(_FOLD)
    return folded if len(folded) == len(text) else text.translate(_FOLD).lower()[: len(text)]


def spaced(pattern: str) -> str:
    return pattern.replace(" ?", r"\s*").replace(" ", r"\s+")


def bounded(pattern: str) -> str:
    return rf"(?<![a-z0-9])(?:{spaced(pattern)})(?![a-z0-9])"


@dataclass(frozen=True, slots=True)
class Compiled:
    rule: Rule
    regex: re.Pattern[str]
    needs: prefilter.Requirement | None  # words it cannot match without (rapport.triage.prefilter)
    non_ascii: bool  # matches only characters outside ASCII (emoji): never an ASCII text


@dataclass(frozen=True)
class Table:
    rules: tuple[Compiled, ...]
    screen: prefilter.Screen


def table(rules: tuple[Rule, ...]) -> Table:
    compiled = tuple(
        Compiled(
            rule,
            re.compile(bounded(rule.pattern), re.MULTILINE),
            prefilter.requirement(rule.pattern),
            prefilter.non_ascii(rule.pattern),
        )
        for rule in rules
    )
    return Table(compiled, prefilter.Screen([c.needs for c in compiled]))


def words(pattern: str) -> re.Pattern[str]:
    return re.compile(bounded(pattern), re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Words:
    """A word pattern searched in a whole folded text only when the text has the words it
    needs (`prefilter`): most messages hold none of a long list's words, and telling that from
    their word beginnings is a few set lookups where the search is a pass over the text. Each
    alternative of the pattern is screened as a rule of a table is."""

    regex: re.Pattern[str]
    needs: prefilter.Requirement | None
    screen: prefilter.Screen

    def may_match(self, starts: frozenset[str]) -> bool:
        return self.screen.any(starts)

    def search(self, folded: str, starts: frozenset[str]) -> re.Match[str] | None:
        """`regex.search(folded)`; `starts`: the word beginnings of `folded` (or of a text it
        was cut from: any word of `folded` must begin a word there)."""
        return self.regex.search(folded) if self.screen.any(starts) else None


def screened(pattern: str) -> Words:
    needs = prefilter.requirement(pattern)
    alternatives: list[prefilter.Requirement | None] = (
        [(branch,) for branch in needs] if needs is not None else [None]
    )
    return Words(words(pattern), needs, prefilter.Screen(alternatives))


@dataclass(frozen=True, slots=True)
class Hit:
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


def hits(table: Table, folded: str, starts: frozenset[str]) -> list[Hit]:
    """The first match of each rule of a table, in text order; negated matches dropped."""
    hits: list[Hit] = []
    ascii = folded.isascii()
    for index in table.screen.candidates(starts):
        compiled = table.rules[index]
        if ascii and compiled.non_ascii:
            continue
        if not compiled.rule.negatable:
            first = compiled.regex.search(folded)
            if first:
                hits.append(Hit(compiled.rule, first.start(), first.end()))
            continue
        for match in compiled.regex.finditer(folded):
            if not _negated(folded, match.start()):
                hits.append(Hit(compiled.rule, match.start(), match.end()))
                break
    hits.sort(key=lambda hit: hit.start)
    return hits


def quote(body: str, start: int, end: int) -> str:
    words = " ".join(body[start:end].split())
    return words if len(words) <= 48 else words[:45] + "..."


def reason(signal: str, body: str, start: int, end: int, kind: str) -> str:
    return f'{signal}: "{quote(body, start, end)}" ({kind})'


def sentence_around(folded: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence holding folded[start:end] begins and ends."""
    before = max((m.end() for m in SENTENCE_SPLIT.finditer(folded, 0, start)), default=0)
    after = SENTENCE_SPLIT.search(folded, end)
    return before, after.start() if after else len(folded)
