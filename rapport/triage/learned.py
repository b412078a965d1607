"""The learned layer of triage: a linear classifier per signal on a sentence embedding plus the
rules' features, trained on labelled messages. Pure: numpy and the embedding's files, no Django.

The embedding is WordLlama's `l2_supercat_256` (the token embeddings of the `wordllama` pip
package, averaged over a message's tokens and normalised). Its two files ship inside the package
and are read here directly: nothing is downloaded, and `wordllama` itself is not imported (its
inference module configures the root logger when imported). A message's score for a signal is
``sigmoid(w · [embedding ⊕ features] + b)``; being linear, it splits exactly into what each word
added, which is how a learned hit explains itself (the words that weighed most, and the nearest
labelled examples that carry the signal).

A model is stored without pickle: one ``.npz`` of arrays plus its metadata as JSON
(`to_bytes`/`from_bytes`). `load_shipped()` reads `data/shipped_model.npz`, built from the
shipped labelled data by ``python -m rapport.triage.training``. What the layer reads of a
message is in `inputs.py`, how a model is trained in `learning.py`.
"""

from __future__ import annotations

import functools
import io
import json
import math
import re
from collections.abc import Callable, Collection, Container, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tokenizers import Encoding as Tokens

from rapport.triage import embedding, fitting
from rapport.triage.inputs import CALL_HEAD, EMBED_SCALE, FEATURES, HEADS, Features, shown_rules

SHIPPED = Path(__file__).resolve().parent / "data" / "shipped_model.npz"
# The labelled examples' embeddings are compared with a message's BLOCK_ROWS at a time: OpenBLAS
# shares a matrix-vector product among threads above 460,800 elements (1,800 rows of 256), and on
# a busy machine waking them costs far more than the product (measured with 1,811 rows, load
# average 13 on 2 cores: 2.7 ms a product against 0.06 ms single-threaded).
BLOCK_ROWS = 1024
_TONE = FEATURES.index("vader")  # VADER's compound, within [-1, 1]
LOOP_SIMILARITY = 0.65  # cosine of two messages' embeddings: the same request, reworded
EXAMPLE_CHARS = 160  # of a nearest example, as stored on the case
REASON_CHARS = 60  # of one quoted in the reason line
WORDS = 3
EXAMPLES = 2

_ALNUM = re.compile(r"\w")


# ---------------------------------------------------------------- predictions
@dataclass(frozen=True, slots=True)
class Similar:
    text: str
    labels: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "labels": list(self.labels)}


@dataclass(frozen=True, slots=True)
class Learned:
    """The classifier's view of one signal on one message."""

    signal: str
    score: float
    raised: bool  # score at or above the signal's threshold
    words: tuple[str, ...] = ()  # the words that weighed most, when raised
    examples: tuple[Similar, ...] = ()  # the nearest labelled examples carrying the signal

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 2),
            "words": list(self.words),
            "examples": [example.as_dict() for example in self.examples],
        }

    def reason(self) -> str:
        words = ", ".join(f'"{word}"' for word in self.words) or "the message as a whole"
        if self.signal == CALL_HEAD:
            return f"reads like someone who needs a person ({self.score:.2f}): {words}"
        like = " | ".join(f'"{shorten(e.text, REASON_CHARS)}"' for e in self.examples)
        return f"{self.signal}: learned ({self.score:.2f}): {words}" + (
            f"; like: {like}" * bool(like)
        )


def _sigmoid(logits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40))), dtype=np.float64)


def _bounded_sigmoid(logit: float) -> float:
    """`_sigmoid` of one logit (to within rounding: for the bounds, never for a score)."""
    return 1.0 / (1.0 + math.exp(-min(max(logit, -40.0), 40.0)))


def shorten(text: str, chars: int = EXAMPLE_CHARS) -> str:
    words = " ".join(text.split())
    return words if len(words) <= chars else words[: chars - 3] + "..."


@dataclass
class Model:
    """Per head: weights over [embedding ⊕ features], a bias and a threshold; the training
    examples' embeddings, short texts and labels for "like: ..."; metadata."""

    name: str
    version: str
    weights: npt.NDArray[np.float64]  # (heads, dim + features)
    bias: npt.NDArray[np.float64]  # (heads,)
    thresholds: npt.NDArray[np.float64]  # (heads,)
    vectors: npt.NDArray[np.float16]  # (examples, dim): training embeddings, normalised
    labels: npt.NDArray[np.bool_]  # (examples, heads)
    texts: list[str]
    heads: tuple[str, ...] = HEADS
    loop_similarity: float | None = LOOP_SIMILARITY
    meta: dict[str, Any] = field(default_factory=dict)
    # Which labels are known (a desk's correction says one signal); None: all of them.
    known: npt.NDArray[np.bool_] | None = None
    # The neighbours' share of each head's score (0: the logistic regression alone, as models
    # stored before the neighbours were added).
    neighbour_weight: float = 0.0

    def __post_init__(self) -> None:
        # Per head, the training examples carrying it and their embeddings, ready to compare;
        # an example without its text (a desk's own message) trains but is never shown.
        shown = np.array([bool(text) for text in self.texts], dtype=np.bool_)
        self._carrying = [np.flatnonzero(self.labels[:, i] & shown) for i in range(len(self.heads))]
        self._vectors = self.vectors.astype(np.float32)
        self._blocks = [
            self._vectors[first : first + BLOCK_ROWS]
            for first in range(0, len(self._vectors), BLOCK_ROWS)
        ]
        # The weights split once: on the embedding (times EMBED_SCALE, a power of two, so the
        # products are exactly those of scaling after) and on the features.
        dim = self.weights.shape[1] - len(FEATURES) if self.heads else 0
        self._embed_weights = np.ascontiguousarray(EMBED_SCALE * self.weights[:, :dim])
        self._feature_weights = np.ascontiguousarray(self.weights[:, dim:])
        self._shown = shown_rules(self.heads)
        self._thresholds: list[float] = self.thresholds.tolist()
        # The embedding (`embedding.read`'s own object, kept alive here) and its similarities.
        self._last_similarity: tuple[embedding.Vector, embedding.Vector] | None = None
        # What `predict_toned` bounds by: the most the tone can add to a logit (the compound
        # lies within [-1, 1]) and the neighbours' highest share.
        self._reach: list[float] = (
            np.abs(self._feature_weights[:, _TONE]).tolist() if self.heads else []
        )
        known = self.known if self.known is not None else np.ones_like(self.labels)
        self._known = known.astype(np.float32)
        self._positive = (self.labels & known).astype(np.float32)

    @property
    def trained_at(self) -> str:
        return str(self.meta.get("trained_at", ""))

    @property
    def figures(self) -> dict[str, Any]:
        return dict(self.meta.get("figures", {}))

    @property
    def data_sha256(self) -> str:
        return str(self.meta.get("data_sha256", ""))

    @property
    def identity_sha256(self) -> str:
        """What it was trained from and how (`learning.identity`); the shipped version's source."""
        return str(self.meta.get("identity_sha256", ""))

    # -- prediction
    def predict(self, features: Features, *, explain: Container[str] = HEADS) -> dict[str, Learned]:
        """Each head's score on a message; a raised one among `explain` says why: the words
        that weighed most and the nearest labelled examples carrying the signal."""
        if not self.heads:
            return {}
        tokens, vector = embedding.read(features.text)
        similarity = self._similarity(vector)  # to every labelled example
        shares = self._neighbours(similarity) if self.neighbour_weight else None
        result = self._results(self._scores(features.rows_shown(self._shown), vector, shares))
        chosen = [hit for head, hit in result.items() if hit.raised and head in explain]
        if chosen:
            result |= self._explain(features.text, chosen, tokens, similarity)
        return result

    def predict_toned(
        self, features: Features, heads: Collection[str], tone: Callable[[], float]
    ) -> dict[str, Learned]:
        """`predict(explain=())` of the features with their tone read by `tone()` (VADER's
        compound), or {} when none of `heads` can reach its threshold: the same decisions as
        `predict`, at less cost for most messages. A score is the logistic regression's
        probability blended with the neighbours' share, and the tone adds at most its weight
        (the compound lies within [-1, 1]) to the regression's logit: when even the most
        favourable tone and neighbours leave every one of `heads` below its threshold, neither
        is read (the neighbours are a product with every labelled example; VADER is the
        costliest feature after the embedding)."""
        indexes = [self.heads.index(head) for head in heads if head in self.heads]
        if not indexes:
            return {}
        _, vector = embedding.read(features.text)
        rows = features.rows_shown(self._shown)
        rows[:, _TONE] = 0.0  # as `rows_shown` of the features without their tone
        # The same arithmetic as `_scores`, each part computed once for the three steps.
        fixed = self.bias + self._embed_weights @ vector
        # The bounds in plain floats, for the heads asked about (a bound has a margin far above
        # rounding, so it needs not be the scores' arithmetic; each numpy call on arrays of five
        # costs a few microseconds).
        toneless = (fixed + np.einsum("hf,hf->h", self._feature_weights, rows)).tolist()
        weight = self.neighbour_weight
        kept = {i: (1 - weight) * _bounded_sigmoid(toneless[i] + self._reach[i]) for i in indexes}
        if self._below_all({i: k + weight for i, k in kept.items()}):  # all neighbours carry it
            return {}
        shares = self._neighbours(self._similarity(vector)) if weight else None
        if shares is not None:
            share = shares.tolist()
            if self._below_all({i: k + weight * share[i] for i, k in kept.items()}):
                return {}
        rows[:, _TONE] = tone()  # now as `rows_shown` of the features with their tone
        scores = _sigmoid(fixed + np.einsum("hf,hf->h", self._feature_weights, rows))
        if shares is not None:
            scores = (1 - weight) * scores + weight * shares
        return self._results(scores)

    def _similarity(self, vector: embedding.Vector) -> embedding.Vector:
        """The cosine of a message's embedding to every labelled example, a block at a time
        (see BLOCK_ROWS). The last message's is kept: explaining a hit reads it again. Shared:
        never write to it."""
        last = self._last_similarity
        if last is not None and last[0] is vector:  # the same message, explained after scoring
            return last[1]
        similarity = np.empty(len(self._vectors), np.float32)
        for first, block in zip(range(0, len(similarity), BLOCK_ROWS), self._blocks, strict=True):
            np.matmul(block, vector, out=similarity[first : first + len(block)])
        self._last_similarity = (vector, similarity)
        return similarity

    def _below_all(self, highest: dict[int, float]) -> bool:
        """Whether each of these heads' highest possible scores (by index) is below its
        threshold (by a margin far above rounding, so the bound never decides where the exact
        score would not)."""
        return all(value < self._thresholds[i] - 1e-9 for i, value in highest.items())

    def _scores(
        self,
        rows: npt.NDArray[np.float64],
        vector: embedding.Vector,
        shares: npt.NDArray[np.float64] | None,
        *,
        add: npt.NDArray[np.float64] | None = None,
    ) -> npt.NDArray[np.float64]:
        logits = (
            self.bias
            + self._embed_weights @ vector
            + np.einsum("hf,hf->h", self._feature_weights, rows)
        )
        if add is not None:
            logits = logits + add
        scores = _sigmoid(logits)
        if shares is not None:
            scores = (1 - self.neighbour_weight) * scores + self.neighbour_weight * shares
        return scores

    def _results(self, scores: npt.NDArray[np.float64]) -> dict[str, Learned]:
        return {
            head: Learned(head, score, score >= threshold)
            for head, score, threshold in zip(
                self.heads, scores.tolist(), self._thresholds, strict=True
            )
        }

    def explain(self, features: Features, hits: Sequence[Learned]) -> dict[str, Learned]:
        """Raised hits with why: the words that weighed most and the nearest labelled examples
        carrying the signal (for the hits a decision uses, after `predict(explain=())`)."""
        tokens, vector = embedding.read(features.text)
        return self._explain(features.text, hits, tokens, self._similarity(vector))

    def _explain(
        self,
        text: str,
        hits: Sequence[Learned],
        tokens: Tokens,
        similarity: embedding.Vector,
    ) -> dict[str, Learned]:
        encoded = embedding.encoder().encode(text, tokens)
        dim = encoded.vector.shape[0]
        result = {}
        for hit in hits:
            index = self.heads.index(hit.signal)
            words = self._words(text, encoded, self.weights[index, :dim])
            result[hit.signal] = Learned(
                hit.signal, hit.score, True, words, self._nearest(similarity, index)
            )
        return result

    def _neighbours(self, similarity: embedding.Vector) -> npt.NDArray[np.float64]:
        """Per head, the signal's share among the nearest labelled examples that know it."""
        count = min(fitting.NEIGHBOURS, len(similarity))
        if not count:
            return np.zeros(len(self.heads))
        nearest = np.argpartition(-similarity, count - 1)[:count]
        weight = np.maximum(similarity[nearest], 0.0) ** fitting.NEIGHBOUR_POWER
        return fitting.neighbour_share(weight, self._positive[nearest], self._known[nearest])

    @staticmethod
    def _words(
        text: str, encoded: embedding.Encoding, weights: npt.NDArray[np.float64]
    ) -> tuple[str, ...]:
        """The words that added most to the score, adjacent ones joined into phrases."""
        if not encoded.spans or not encoded.norm:
            return ()
        added = EMBED_SCALE * (encoded.word_sums @ weights) / (encoded.tokens * encoded.norm)
        order = [
            i
            for i in np.argsort(-added)
            if added[i] > 0 and _ALNUM.search(text[encoded.spans[i][0] : encoded.spans[i][1]])
        ][: WORDS + 1]
        chosen = sorted(int(i) for i in order)
        phrases: list[tuple[float, int, int]] = []
        for i in chosen:
            if phrases and phrases[-1][2] == i - 1:
                weight, first, _ = phrases[-1]
                phrases[-1] = (weight + float(added[i]), first, i)
            else:
                phrases.append((float(added[i]), i, i))
        phrases.sort(key=lambda phrase: -phrase[0])
        return tuple(
            " ".join(text[encoded.spans[first][0] : encoded.spans[last][1]].split())
            for _, first, last in phrases[:WORDS]
        )

    def _nearest(self, similarity: embedding.Vector, head: int) -> tuple[Similar, ...]:
        carrying = self._carrying[head]
        if not len(carrying):
            return ()
        best = carrying[np.argsort(-similarity[carrying])[:EXAMPLES]]
        return tuple(
            Similar(
                self.texts[i],
                tuple(name for j, name in enumerate(self.heads) if self.labels[i, j]),
            )
            for i in best
        )

    def similarity(self, text: str, earlier: Sequence[str]) -> list[float]:
        """Cosine similarity of `text` to each earlier message (for loops). The earlier ones
        come back message after message, so their embeddings are remembered."""
        if not earlier:
            return []
        vector = embedding.read(text)[1]
        return [float(embedding.remembered(item) @ vector) for item in earlier]

    # -- storage, without pickle
    def to_bytes(self) -> bytes:
        meta = {
            **self.meta,
            "name": self.name,
            "version": self.version,
            "heads": list(self.heads),
            "features": list(FEATURES),
            "encoder": embedding.ENCODER,
            "loop_similarity": self.loop_similarity,
            "neighbour_weight": self.neighbour_weight,
            "texts": self.texts,
        }
        arrays: dict[str, npt.NDArray[Any]] = {
            "weights": self.weights,
            "bias": self.bias,
            "thresholds": self.thresholds,
            "vectors": self.vectors,
            "labels": self.labels,
            "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8),
        }
        if self.known is not None:
            arrays["known"] = self.known
        buffer = io.BytesIO()
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Model:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(arrays["meta"].tobytes().decode())
            if meta.get("encoder") != embedding.ENCODER or meta.get("features") != list(FEATURES):
                raise ValueError(
                    f"model built for {meta.get('encoder')!r} with other features; retrain it"
                )
            return cls(
                name=meta.pop("name"),
                version=meta.pop("version"),
                weights=arrays["weights"],
                bias=arrays["bias"],
                thresholds=arrays["thresholds"],
                vectors=arrays["vectors"],
                labels=arrays["labels"],
                texts=meta.pop("texts"),
                heads=tuple(meta.pop("heads")),
                loop_similarity=meta.pop("loop_similarity"),
                known=arrays["known"] if "known" in arrays.files else None,
                neighbour_weight=float(meta.pop("neighbour_weight", 0.0)),
                meta={k: v for k, v in meta.items() if k not in {"encoder", "features"}},
            )

    def save(self, path: Path) -> None:
        path.write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> Model:
        return cls.from_bytes(path.read_bytes())


def rules_only() -> Model:
    """A model that raises nothing and sees no loops: triage by the rules alone."""
    return Model(
        name="rules",
        version="",
        weights=np.zeros((0, 0)),
        bias=np.zeros(0),
        thresholds=np.zeros(0),
        vectors=np.zeros((0, 0), np.float16),
        labels=np.zeros((0, 0), bool),
        texts=[],
        heads=(),
        loop_similarity=None,
    )


RULES_ONLY = rules_only()


@functools.cache
def load_shipped() -> Model:
    """The model shipped with Rapport, read once per process."""
    return Model.load(SHIPPED)
