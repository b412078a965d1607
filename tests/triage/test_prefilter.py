"""rapport.triage.prefilter: a rule is skipped only when it cannot match.

For every rule of every table, Hypothesis generates text its pattern matches (with words
around it) and the prefilter must let the rule run on that text; the words it asks for are
checked on hand-written patterns; and triage gives the same result with and without it.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.triage import loops, prefilter, reading, signals, upsets
from rapport.triage.evaluation import DEFAULT_SET

RULES = [
    (name, compiled)
    for name, table in (
        ("urgent", signals._URGENT),
        ("upset", upsets.TABLE),
        ("human", signals._HUMAN),
        ("loop", loops.TABLE),
    )
    for compiled in table.rules
]
# The word lists searched in the whole text when their words are there (reading.Words).
SCREENED = [(words.regex.pattern, words) for words in signals._SCREENED]
FILLER = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 .,'!?\n-_é", max_size=12)


def _words(text: str) -> frozenset[str]:
    return prefilter.word_starts(text, prefilter.LONGEST)


@pytest.mark.parametrize(
    ("table", "compiled"), RULES, ids=[f"{n}{i}" for i, (n, _) in enumerate(RULES)]
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_rule_runs_on_every_text_it_matches(
    table: str, compiled: reading.Compiled, data: st.DataObject
) -> None:
    inner = data.draw(
        st.from_regex(re.compile(reading.spaced(compiled.rule.pattern)), fullmatch=True)
    )
    text = data.draw(FILLER) + data.draw(st.sampled_from([" ", "\n", ".", ""])) + inner
    text += data.draw(st.sampled_from([" ", "!", ""])) + data.draw(FILLER)
    if compiled.regex.search(text):
        assert prefilter.may_match(compiled.needs, _words(text)), (compiled.rule.pattern, text)


@pytest.mark.parametrize(
    "words", [words for _, words in SCREENED], ids=[f"list{i}" for i in range(len(SCREENED))]
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_word_list_is_searched_in_every_text_it_matches(
    words: reading.Words, data: st.DataObject
) -> None:
    inner = data.draw(st.from_regex(words.regex, fullmatch=True))
    text = data.draw(FILLER) + data.draw(st.sampled_from([" ", "\n", ".", ""])) + inner
    text += data.draw(st.sampled_from([" ", "!", ""])) + data.draw(FILLER)
    if words.regex.search(text):
        assert words.may_match(_words(text)), (words.regex.pattern, text)


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (
            "(?:is|are) (?:there|this) (?:a |an )?(?:real )?(?:human|person)",
            (
                (
                    frozenset({"is", "are"}),
                    frozenset({"there", "this"}),
                    frozenset({"human", "person"}),
                ),
            ),
        ),
        (
            "bleed(?:ing|s)?|blood everywhere",
            ((frozenset({"bleed"}),), (frozenset({"blood"}), frozenset({"everywhere"}))),
        ),
        # A word begun before a group goes on into each of its alternatives.
        (
            "bl(?:eed|ood) (?:a lot|everywhere)",
            ((frozenset({"bleed", "blood"}), frozenset({"lot", "everywhere"})),),
        ),
        # A letter that may repeat or be missing ends the word known so far.
        ("s+o bad|colou?r", ((frozenset({"bad"}),), (frozenset({"colo"}),))),
        # After what cannot be in a word, optional or not, a word begins.
        (r"^\W*(?:an? )?(?:agent|human)\W*$", ((frozenset({"agent", "human"}),),)),
        (
            r"ate(?: [\w'-]+){0,6} (?:grapes|poison)",
            ((frozenset({"ate"}), frozenset({"grapes", "poison"})),),
        ),
        ("urgent(?:ly)?|asap", ((frozenset({"urgent"}),), (frozenset({"asap"}),))),
        ("enfadad[oa]", ((frozenset({"enfadad"}),),)),
        # "can ?not" may be "cannot": "not" need not begin a word.
        ("can ?not sleep", ((frozenset({"can"}), frozenset({"sleep"})),)),
        ("un(?:happy|well)", ((frozenset({"unhappy", "unwell"}),),)),
        # An escape naming a character by its code is one character, not a word.
        (
            r"(?:great|system)\W{0,3}\U0001F44F|x\u00e9 bien|ol\N{LATIN SMALL LETTER E}  ok",
            (
                (frozenset({"great", "system"}),),
                (frozenset({"bien"}),),
                (frozenset({"ol"}), frozenset({"ok"})),
            ),
        ),
    ],
)
def test_the_words_a_pattern_needs(pattern: str, needs: prefilter.Requirement) -> None:
    assert prefilter.requirement(pattern) == needs


@pytest.mark.parametrize("pattern", [r"\w+ing", "(?:x )?[a-z]+ !", r"^\W*(?:a|b)", "ok|.+fine"])
def test_a_pattern_that_may_match_without_a_word_is_always_run(pattern: str) -> None:
    assert prefilter.requirement(pattern) is None
    assert prefilter.may_match(None, frozenset())


def test_a_group_it_cannot_read_is_refused_when_the_rules_load() -> None:
    with pytest.raises(ValueError, match="Unsupported group"):
        prefilter.requirement("(?i)urgent")


def test_words_longer_than_the_longest_are_needed_by_their_beginning() -> None:
    (branch,) = prefilter.requirement("antihistamines") or ()
    assert branch == (frozenset({"antihistamines"[: prefilter.LONGEST]}),)
    assert prefilter.may_match(((frozenset({"antihistam"}),),), _words("two antihistamines"))
    assert not prefilter.may_match(((frozenset({"antihistam"}),),), _words("anti histamines"))


def test_the_screen_gives_the_rules_whose_words_are_there_in_order() -> None:
    needs = [
        prefilter.requirement("call me back"),
        None,
        prefilter.requirement("refund|money back"),
        prefilter.requirement("call (?:you|them)"),
    ]
    screen = prefilter.Screen(needs)
    assert screen.candidates(_words("please call me back")) == [0, 1]
    assert screen.candidates(_words("I want my money back, call them")) == [1, 2, 3]
    assert screen.candidates(_words("nothing here")) == [1]


def test_triage_of_the_evaluation_set_is_the_same_with_every_rule_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = DEFAULT_SET.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    screened = [signals.triage(text, channel="email") for text in texts]
    monkeypatch.setattr(prefilter, "may_match", lambda needed, starts: True)
    monkeypatch.setattr(
        prefilter.Screen, "candidates", lambda self, starts: list(range(len(self._needs)))
    )
    assert [signals.triage(text, channel="email") for text in texts] == screened
    assert sum(bool(result.reasons) for result in screened) > 100


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("[\\U0001F620\\U0001F621\\U0001F44E]", True),
        ("[\U0001f643\U0001f644]", True),
        ("[a\\U0001F620]", False),  # an ASCII letter too
        ("[^\\U0001F620]", False),  # anything but
        ("[\\U0001F620]x", False),  # more than the class
        ("[\\x41\\U0001F620]", False),  # "A" by its code
        ("\\U0001F620", False),  # not a class: screened by its words, if any
    ],
)
def test_a_class_of_characters_outside_ascii_never_runs_on_an_ascii_text(
    pattern: str, expected: bool
) -> None:
    assert prefilter.non_ascii(pattern) is expected


def test_the_word_beginnings_cover_every_table_and_word_list_of_the_rules() -> None:
    """Triage checks only the beginnings of the words some table or list asks about: a table
    or list left out of signals._VOCABULARY would never run."""
    vocabulary = signals._VOCABULARY.words
    modules = (signals, upsets, loops)
    tables = {id(v): v for m in modules for v in vars(m).values() if isinstance(v, reading.Table)}
    lists = {id(v): v for m in modules for v in vars(m).values() if isinstance(v, reading.Words)}
    needs = [c.needs for t in tables.values() for c in t.rules] + [w.needs for w in lists.values()]
    asked = {
        word for needed in needs for branch in needed or () for words in branch for word in words
    }
    assert len(tables) == 4
    assert len(lists) == len(signals._SCREENED)
    assert asked <= vocabulary
    starts = signals._word_starts("my chest hurts, please call me back")
    assert {"chest", "call"} <= starts <= vocabulary
