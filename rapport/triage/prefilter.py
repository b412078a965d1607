"""Which words a rule's pattern cannot match without, so most rules are never run.

Triage checks a message against about a hundred word patterns, and a message matches one or
two of them. Running each pattern costs about 5 µs; telling from the words of the message
that a pattern cannot match costs a set lookup. `requirement` reads a pattern (as Python's
own regular-expression parser parses it) and finds, for each of its top-level alternatives,
the words every match of that alternative must contain at the start of a word of the text:
"(?:is|are) (?:there|this) (?:a )?(?:human|person)" needs one of {is, are}, one of
{there, this} and one of {human, person}. `may_match` then asks whether a message's words
(`word_starts`) hold them.

The analysis is sound, not complete: where it cannot tell (a character class that may be a
letter, an optional part, a back-reference) it asks for less, never for a word a match could
lack. tests/triage/test_prefilter.py checks that on generated matches of every rule.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from typing import Any

# The parser `re` itself uses, and its op codes (not in the type stubs; `sre_parse` is their
# deprecated public name).
sre_parse: Any = importlib.import_module("re._parser")
sre: Any = importlib.import_module("re._constants")

# Words are what the triage tokenizer calls words: runs of these characters (text is folded
# to lower case without accents first). A word starts after any other character.
WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
LONGEST = 10  # words needed are cut to this many characters (a prefix is needed as well)

Requirement = tuple[tuple[frozenset[str], ...], ...]  # any alternative: all of its word sets


@dataclass
class _State:
    at_start: bool = True  # the next character of a match begins a word of the text
    word: str | None = None  # the literal word being read, which began a word
    needs: list[frozenset[str]] = field(default_factory=list)

    def flush(self) -> None:
        if self.word is not None and len(self.word) >= 2:
            self.needs.append(frozenset({self.word[:LONGEST]}))
        self.word = None


def requirement(pattern: str, flags: int = 0) -> Requirement | None:
    """For each top-level alternative of `pattern`, the word sets a match needs one word of
    each of; None if some alternative needs no word (the pattern must always be run)."""
    items = list(sre_parse.parse(pattern, flags))
    branches: list[list[Any]] = (
        [list(alternative) for alternative in items[0][1][1]]
        if len(items) == 1 and items[0][0] is sre.BRANCH
        else [items]
    )
    found = []
    for branch in branches:
        state = _State()
        _sequence(branch, state)
        state.flush()
        if not state.needs:
            return None
        found.append(tuple(dict.fromkeys(state.needs)))
    return tuple(found)


def word_starts(folded: str, longest: int) -> frozenset[str]:
    """Every beginning (2 to `longest` characters) of every word of the folded text."""
    starts: set[str] = set()
    for word in set(_WORD.findall(folded)):
        starts.update(word[:size] for size in range(2, min(len(word), longest) + 1))
    return frozenset(starts)


def may_match(needed: Requirement | None, starts: frozenset[str]) -> bool:
    if needed is None:
        return True
    for branch in needed:  # plain loops: this runs for every candidate rule of every message
        for words in branch:
            if words.isdisjoint(starts):
                break
        else:
            return True
    return False


class Screen:
    """The rules of a table that may match a text, found from the text's words: each rule is
    filed under the words of its most telling word set (one a branch), so a text is checked
    against only the rules filed under its words, and those rules' full requirements."""

    def __init__(self, needs: list[Requirement | None]) -> None:
        self._needs = needs
        self._always = frozenset(i for i, needed in enumerate(needs) if needed is None)
        index: dict[str, set[int]] = {}
        for i, needed in enumerate(needs):
            for branch in needed or ():
                for word in max(branch, key=_selectivity):
                    index.setdefault(word, set()).add(i)
        self._index = {word: frozenset(rules) for word, rules in index.items()}
        self._words = frozenset(self._index)

    def candidates(self, starts: frozenset[str]) -> list[int]:
        """The rules (by position, in order) whose requirement the words meet."""
        found = set(self._always)
        for word in self._words.intersection(starts):
            found |= self._index[word]
        return [i for i in sorted(found) if may_match(self._needs[i], starts)]


_WORD = re.compile(r"[a-z0-9]+")


def _sequence(items: list[Any], state: _State) -> None:
    for op, av in items:
        _item(op, av, state)


def _item(op: Any, av: Any, state: _State) -> None:
    if op is sre.LITERAL:
        char = chr(av)
        if char in WORD_CHARS:
            if state.word is not None:
                state.word += char
            elif state.at_start:
                state.word = char
            state.at_start = False
        else:
            state.flush()
            state.at_start = True
    elif op is sre.IN:
        state.flush()
        state.at_start = not _class_has_word_char(av)
    elif op is sre.SUBPATTERN:  # a group: its words go on from before it and after it
        _sequence(list(av[-1]), state)
    elif op is sre.BRANCH:  # a word begun before it goes on in each alternative
        _branch(av[1], state)
    elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        state.flush()
        _repeat(av, state)
    elif op is sre.AT:
        state.flush()
        # After \b or at a line's start, a word character begins a word; else nothing is known.
        state.at_start = av in (
            sre.AT_BOUNDARY,
            sre.AT_BEGINNING,
            sre.AT_BEGINNING_LINE,
            sre.AT_BEGINNING_STRING,
        )
    elif op in (sre.ASSERT, sre.ASSERT_NOT):
        state.flush()  # zero width: what follows is read as if it were not there
    else:  # ANY, NOT_LITERAL, GROUPREF, ...: a character that may be anything
        state.flush()
        state.at_start = False


def _branch(alternatives: list[Any], state: _State) -> None:
    """One word set from all alternatives (the best each offers), if every one needs a word."""
    chosen: set[str] = set()
    complete = True
    ends_at_start = True
    for alternative in alternatives:
        inner = _State(at_start=state.at_start, word=state.word)
        _sequence(list(alternative), inner)
        inner.flush()
        ends_at_start = ends_at_start and inner.at_start
        if inner.needs and complete:
            chosen |= max(inner.needs, key=_selectivity)
        else:
            complete = False
    if complete:
        state.needs.append(frozenset(chosen))
    state.word = None
    state.at_start = ends_at_start


def _repeat(av: Any, state: _State) -> None:
    low, _high, inner_items = av
    once = _State(at_start=state.at_start)
    _sequence(list(inner_items), once)
    once.flush()
    again = _State(at_start=once.at_start)  # a second time round, from where the first ended
    _sequence(list(inner_items), again)
    ends_at_start = once.at_start and again.at_start
    if low == 0:
        # Perhaps not there at all: it needs nothing, and a word starts after it only if one
        # would start there without it too.
        state.at_start = state.at_start and ends_at_start
        return
    state.needs += once.needs
    state.at_start = ends_at_start


def _selectivity(words: Set[str]) -> tuple[int, int]:
    """Longer words are rarer; fewer of them, too."""
    return min(len(word) for word in words), -len(words)


def _class_has_word_char(items: list[Any]) -> bool:
    """Whether a character class may match a word character (checked for each of them)."""
    negate = bool(items) and items[0][0] is sre.NEGATE
    members = items[1:] if negate else items
    matched = {char for char in WORD_CHARS if any(_in(char, op, av) for op, av in members)}
    return bool(WORD_CHARS - matched) if negate else bool(matched)


_CATEGORIES: dict[Any, Callable[[str], bool]] = {
    sre.CATEGORY_DIGIT: str.isdigit,
    sre.CATEGORY_NOT_DIGIT: lambda char: not char.isdigit(),
    sre.CATEGORY_SPACE: str.isspace,
    sre.CATEGORY_NOT_SPACE: lambda char: not char.isspace(),
    sre.CATEGORY_WORD: lambda char: True,  # every word character is a \w
    sre.CATEGORY_NOT_WORD: lambda char: False,
}


def _in(char: str, op: Any, av: Any) -> bool:
    if op is sre.LITERAL:
        return chr(av) == char
    if op is sre.RANGE:
        return bool(av[0] <= ord(char) <= av[1])
    if op is sre.CATEGORY:
        test = _CATEGORIES.get(av)
        return True if test is None else bool(test(char))  # unknown: it may match
    return True  # anything else: it may match
