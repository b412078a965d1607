"""Training triage's learned layer: a logistic regression per head on [embedding ⊕ features],
blended with the nearest labelled examples, each threshold chosen on 5-fold cross-validation
repeated over several fold splits (fitting.REPEATS), their held-out scores pooled.
Pure: numpy, no Django.

A model's identity is `identity()`: a hash of the examples as training reads them and of every
setting that changes what training makes of them. The shipped model's version is its first 12
hex digits, so two models trained differently never carry the same version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from rapport.triage import embedding, fitting
from rapport.triage.inputs import (
    CALL_HEAD,
    CALL_SIGNALS,
    EMBED_SCALE,
    FEATURES,
    HEADS,
    MIN_WORDS,
    RULE_SIGNALS,
    Labelled,
    call_label,
    too_short,
)
from rapport.triage.learned import LOOP_SIMILARITY, Model, shorten

# The union head's threshold is the highest at which cross-validated recall of the whole
# decision reaches CALL_RECALL (docs/triage-and-routing.md: 0.97 was tried and taken back).
CALL_RECALL = 0.95
# Each threshold maximises the combined signal's F-beta on cross-validation: precision and
# recall weigh alike for the signals that steer to a call (the issue asks both >= 0.85); a false
# compliment marks a case "nothing left to do", so there precision weighs most.
BETA = {"urgent": 1.0, "upset": 1.0, "wants_human": 1.0, "compliment": 0.5}
# Raise it when what training reads of an example or how it fits changes in a way `settings()`
# and the examples' features do not show (the extras' formulas, the fitting's arithmetic).
FORMAT = 1


def settings(seed: int) -> dict[str, Any]:
    """Every setting that changes the model training makes of the same examples."""
    return {
        "format": FORMAT,
        "encoder": embedding.ENCODER,
        "embed_chars": embedding.EMBED_CHARS,
        "embed_scale": EMBED_SCALE,
        "features": list(FEATURES),
        "rule_signals": list(RULE_SIGNALS),
        "heads": [*HEADS, CALL_HEAD],
        "call_signals": list(CALL_SIGNALS),
        "min_words": MIN_WORDS,
        "call_recall": CALL_RECALL,
        "beta": BETA,
        "folds": fitting.FOLDS,
        "repeats": fitting.REPEATS,
        "seed": seed,
        "l2": fitting.L2,
        "bias_l2": fitting.BIAS_L2,
        "fit_steps": fitting.FIT_STEPS,
        "fit_tolerance": fitting.FIT_TOLERANCE,
        "threshold_range": list(fitting.THRESHOLD_RANGE),
        "neighbours": fitting.NEIGHBOURS,
        "neighbour_power": fitting.NEIGHBOUR_POWER,
        "neighbour_weight": fitting.NEIGHBOUR_WEIGHT,
        "loop_similarity": LOOP_SIMILARITY,  # stored in the model, read when it decides
    }


def identity(examples: Sequence[Labelled], chosen: dict[str, Any]) -> str:
    """SHA-256 of training's settings and of each example as training reads it: its words,
    the rules that fired on it (so a changed rule makes another model), its tone, its labels."""
    digest = hashlib.sha256(json.dumps(chosen, sort_keys=True).encode())
    for example in examples:
        features = example.features
        read = [
            features.text,
            sorted(name for name, fired in features.rules.items() if fired),
            f"{features.vader:.9f}",
            sorted(example.labels.items()),
        ]
        digest.update(json.dumps(read, ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()


def data_sha256(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def train(
    examples: Sequence[Labelled],
    *,
    name: str = "desk",
    version: str | None = None,
    trained_at: datetime | None = None,
    data_hash: str = "",
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> tuple[Model, dict[str, Any]]:
    """A model trained on `examples`, and its cross-validated figures per signal (5 folds,
    repeated over fitting.REPEATS splits and pooled: precision and recall, and counts summed
    over the splits, of the learned head alone, the rule alone, and both combined at the chosen
    threshold). Its version is `version`, else the first 12 digits of its identity."""
    if not examples:
        raise ValueError("no examples to train on")
    chosen = settings(seed)
    identified = identity(examples, chosen)
    embedded = embedding.encoder().embed_many([example.features.text for example in examples])
    validated = cross_validate(examples, embedded, seed=seed, progress=progress)
    positive, known = validated.positive, validated.known
    heads: list[Any] = []
    for column, head in enumerate((*HEADS, CALL_HEAD)):
        knows, truth = known[:, column], positive[:, column]
        rows = _rows(examples, embedded, head)
        if truth[knows].any() and not truth[knows].all():
            heads.append(fitting.fit(rows[knows], truth[knows].astype(float), fitting.L2))
        else:  # nothing to learn from: a head that never fires
            heads.append(np.concatenate([np.zeros(rows.shape[1]), [-40.0]]))
    thresholds = [validated.thresholds[head] for head in (*HEADS, CALL_HEAD)]
    figures = validated.figures
    at = (trained_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    stacked = np.stack(heads)
    model = Model(
        name=name,
        version=version or identified[:12],
        weights=stacked[:, :-1],
        bias=stacked[:, -1],
        thresholds=np.array(thresholds),
        vectors=embedded.astype(np.float16),
        labels=positive,
        known=known,
        neighbour_weight=fitting.NEIGHBOUR_WEIGHT,
        heads=(*HEADS, CALL_HEAD),
        texts=[shorten(e.features.text) for e in examples],
        meta={
            "trained_at": at.isoformat(),
            "data_sha256": data_hash,
            "identity_sha256": identified,
            "settings": chosen,
            "figures": figures,
        },
    )
    return model, figures


@dataclass(frozen=True, slots=True)
class CrossValidated:
    """What 5-fold cross-validation, repeated over fitting.REPEATS fold splits, says of each
    training example (rows: fold splits; columns: examples): each head's blended held-out score,
    whether a call signal was raised (by its rule or its head at the chosen threshold) and
    whether the whole decision called (those, or the union head). `positive` and `known` are
    the examples' labels per head (columns: HEADS, then the union head)."""

    scores: dict[str, npt.NDArray[np.float64]]
    thresholds: dict[str, float]
    raised: npt.NDArray[np.bool_]
    called: npt.NDArray[np.bool_]
    positive: npt.NDArray[np.bool_]
    known: npt.NDArray[np.bool_]
    figures: dict[str, Any]


def cross_validate(
    examples: Sequence[Labelled],
    embedded: embedding.Vector,
    *,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> CrossValidated:
    """Every head's held-out scores and thresholds (the build's own folds: those of `train`)
    and the figures `train` reports."""
    splits = fitting.repeated_folds(len(examples), seed)
    union = [call_label(e.labels) for e in examples]
    positive = np.array(
        [
            [bool(e.labels.get(h)) for h in HEADS] + [bool(u)]
            for e, u in zip(examples, union, strict=True)
        ]
    )
    known = np.array(
        [
            [h in e.labels for h in HEADS] + [u is not None]
            for e, u in zip(examples, union, strict=True)
        ]
    )
    # One row of neighbour shares per fold split: (repeats, examples, heads).
    shares = np.stack(
        [fitting.held_out_neighbours(embedded, positive, known, folds) for folds in splits]
    )
    # Held out as in use: the learned layer raises nothing on a message too short to read.
    readable = np.array([not too_short(e.features.text) for e in examples])
    figures: dict[str, Any] = {
        "examples": len(examples),
        "folds": fitting.FOLDS,
        "repeats": len(splits),
        "signals": {},
    }
    scores: dict[str, npt.NDArray[np.float64]] = {}
    thresholds: dict[str, float] = {}
    # Any call signal, by rule or head, held out: a row per fold split.
    raised = np.zeros((len(splits), len(examples)), dtype=bool)
    for column, head in enumerate(HEADS):
        knows, truth = known[:, column], positive[:, column]
        rule = np.array([bool(e.features.rules.get(head)) for e in examples])
        held_out = _held_out(
            _rows(examples, embedded, head),
            knows,
            truth,
            splits,
            shares=shares[:, :, column],
            readable=readable,
        )
        # Pooled over the splits: an example counts once per split.
        k_truth = np.tile(truth[knows], len(splits))
        k_rule = np.tile(rule[knows], len(splits))
        k_scores = held_out[:, knows].ravel()
        threshold = fitting.threshold(k_scores, k_rule, k_truth, BETA[head])
        learned = k_scores >= threshold
        if head in CALL_SIGNALS:
            raised |= rule | (held_out >= threshold)
        figures["signals"][head] = {
            "threshold": threshold,
            "positives": int(truth[knows].sum()),
            "rules": fitting.counts(k_rule, k_truth),
            "learned": fitting.counts(learned, k_truth),
            "combined": fitting.counts(k_rule | learned, k_truth),
        }
        scores[head], thresholds[head] = held_out, threshold
        if progress:
            progress(f"{head}: {figures['signals'][head]['combined']}")
    knows, truth = known[:, -1], positive[:, -1]
    held_out = _held_out(
        _rows(examples, embedded, CALL_HEAD),
        knows,
        truth,
        splits,
        shares=shares[:, :, -1],
        readable=readable,
    )
    threshold = _call_threshold(held_out[:, knows], raised[:, knows], truth[knows], figures)
    scores[CALL_HEAD], thresholds[CALL_HEAD] = held_out, threshold
    if progress:
        progress(f"{CALL_HEAD}: {figures['signals'][CALL_HEAD]['combined']}")
    return CrossValidated(
        scores=scores,
        thresholds=thresholds,
        raised=raised,
        called=raised | (held_out >= threshold),
        positive=positive,
        known=known,
        figures=figures,
    )


def _rows(
    examples: Sequence[Labelled], embedded: embedding.Vector, head: str
) -> npt.NDArray[np.float64]:
    """A head's inputs, a row an example: [embedding ⊕ the features it sees]."""
    return np.hstack(
        [EMBED_SCALE * embedded, np.array([e.features.rows((head,))[0] for e in examples])]
    ).astype(np.float64)


def _held_out(
    rows: npt.NDArray[np.float64],
    known: npt.NDArray[np.bool_],
    truth: npt.NDArray[np.bool_],
    splits: Sequence[npt.NDArray[np.int64]],
    *,
    shares: npt.NDArray[np.float64],
    readable: npt.NDArray[np.bool_],
) -> npt.NDArray[np.float64]:
    """A head's blended held-out scores, a row per fold split."""
    return np.stack(
        [
            readable * fitting.blend(fitting.held_out_scores(rows, known, truth, folds), share)
            for folds, share in zip(splits, shares, strict=True)
        ]
    )


def _call_threshold(
    scores: npt.NDArray[np.float64],
    raised: npt.NDArray[np.bool_],
    truth: npt.NDArray[np.bool_],
    figures: dict[str, Any],
) -> float:
    """The union head's threshold ("needs a call"; `scores` and `raised` of the examples whose
    union label is known, a row per fold split): the highest at which the whole decision (a
    call signal raised by rule or head, or this head) reaches CALL_RECALL on cross-validation
    pooled over the fold splits (the lowest threshold tried when none does)."""
    k_truth = np.tile(truth, len(scores))
    k_raised, k_scores = raised.ravel(), scores.ravel()
    low, high = fitting.THRESHOLD_RANGE
    chosen = low
    for threshold in np.round(np.arange(high, low - 1e-9, -0.01), 2):
        said = k_raised | (k_scores >= threshold)
        tp, fn = int(np.sum(said & k_truth)), int(np.sum(~said & k_truth))
        if tp and tp / (tp + fn) >= CALL_RECALL:
            chosen = float(threshold)
            break
    figures["signals"][CALL_HEAD] = {
        "threshold": chosen,
        "positives": int(truth.sum()),
        "rules": fitting.counts(k_raised, k_truth),  # the signals' own decisions (rules and heads)
        "learned": fitting.counts(k_scores >= chosen, k_truth),
        "combined": fitting.counts(k_raised | (k_scores >= chosen), k_truth),
    }
    return chosen
