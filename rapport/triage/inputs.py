"""What triage's learned layer reads of a message: the heads it has, the rules' features and a
few measures of tone beside the embedding, and what a training example knows of its labels.
Pure: no Django."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rapport.triage import embedding

HEADS = ("urgent", "upset", "wants_human", "compliment")  # what the classifier can raise
RULE_SIGNALS = ("urgent", "upset", "wants_human", "loop", "compliment")
# The union head: "needs a call" (urgent, upset or wants a person), trained beside the signals'
# heads; its threshold is the highest at which cross-validated recall of the whole decision
# (any signal raised, by rule or head, or this head) reaches learning.CALL_RECALL.
CALL_SIGNALS = ("urgent", "upset", "wants_human")
CALL_HEAD = "needs_call"
TONE_CHARS = 300  # VADER's compound of the first 300 (its cost grows faster than the length)
EMBED_SCALE = 16.0  # sqrt(256): a normalised embedding's coordinates on the features' scale
EXTRAS = ("vader", "length", "capitals", "exclamations", "questions")
FEATURES = (*(f"rule_{name}" for name in RULE_SIGNALS), *EXTRAS)
# A message of fewer words than this carries too little to read a signal from ("see attached",
# "thanks, got it", "Tell me more"): the learned layer raises nothing on it, only the rules may.
# Half the training messages need a call, so on so few words the neighbours' share sits near
# 0.5, above the union head's threshold. Chosen by 5-fold cross-validation on the training data
# (docs/triage-and-routing.md, "Too short to read").
MIN_WORDS = 4

_ALPHA = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Features:
    """What the classifier reads of a message besides its words: which rules fired and a few
    measures of tone. `text` is the customer's own words (quotes and signatures cut)."""

    text: str
    rules: Mapping[str, bool]
    vader: float

    def extras(self) -> list[float]:
        tokens = _words(self.text)
        capitals = sum(1 for token in tokens if len(token) >= 2 and token.isupper())
        return [
            self.vader,
            math.log1p(len(self.text)) / 8,
            capitals / max(1, len(tokens)),
            min(self.text.count("!"), 5) / 5,
            min(self.text.count("?") + self.text.count("¿"), 5) / 5,
        ]

    def rows(self, heads: Sequence[str]) -> npt.NDArray[np.float64]:
        """The non-embedding inputs of each head's classifier, one row a head. A head does not
        see its own rule: it must learn the signal from the words, not copy the rule it is there
        to extend."""
        return self.rows_shown(shown_rules(heads))

    def rows_shown(self, shown: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """`rows` with what each head sees given (`shown_rules(heads)`, once a model)."""
        fired = [float(bool(self.rules.get(name))) for name in RULE_SIGNALS]
        values: npt.NDArray[np.float64] = np.array([*fired, *self.extras()])
        return shown * values


def too_short(text: str) -> bool:
    """Whether a message has too few words for the learned layer to raise a signal from."""
    return len(_words(text)) < MIN_WORDS


@functools.lru_cache(maxsize=8)
def _words(text: str) -> tuple[str, ...]:
    """The words of a message's first EMBED_CHARS characters, kept for the few messages being
    triaged now: the short-message guard and the features read them both."""
    return tuple(_ALPHA.findall(text[: embedding.EMBED_CHARS]))


def _hidden(head: str) -> tuple[str, ...]:
    """The rules a head does not see: its own (the union head: those of the signals it joins)."""
    return CALL_SIGNALS if head == CALL_HEAD else (head,)


def shown_rules(heads: Sequence[str]) -> npt.NDArray[np.float64]:
    """Per head (rows), per feature: 0.0 for the rule signals it does not see, else 1.0 (the
    rows are the features' values times these: a hidden rule reads 0, the rest as they are)."""
    return np.array(
        [
            [0.0 if name in _hidden(head) else 1.0 for name in RULE_SIGNALS] + [1.0] * len(EXTRAS)
            for head in heads
        ]
    ).reshape(len(heads), len(FEATURES))


def call_label(labels: Mapping[str, bool]) -> bool | None:
    """Whether a message needs a call, when its labels say: any call signal true, or all known
    and false; None when unknown."""
    if any(labels.get(signal) for signal in CALL_SIGNALS):
        return True
    return False if all(signal in labels for signal in CALL_SIGNALS) else None


@dataclass(frozen=True, slots=True)
class Labelled:
    """A training example: its features and what is known of its labels (a missing signal is
    unknown and is left out of that signal's training)."""

    features: Features
    labels: Mapping[str, bool]
