"""The arithmetic of training triage's learned layer: L2-regularised logistic regression,
nearest-neighbour shares, cross-validated scores and thresholds. Pure numpy, no Django."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FOLDS = 5
# Cross-validation is repeated over REPEATS fold splits (seeds seed, seed + 1, ...) and each
# threshold is chosen on the held-out scores of all of them pooled. With one split, each
# example's fold is a permutation of the example count, so a few added lines reshuffled every
# fold and moved the thresholds by up to 0.11 (docs/triage-and-routing.md, "Session 14").
REPEATS = 5
L2 = 10.0
BIAS_L2 = 1e-3  # the bias is all but unshrunk
FIT_STEPS = 2000  # at most, each a Newton step by the bound
FIT_TOLERANCE = 1e-7  # done when no weight moves more than this
THRESHOLD_RANGE = (0.3, 0.95)
# A head's score is a blend: its logistic regression's probability and the share of the signal
# among the message's NEIGHBOURS nearest labelled examples (each weighing its cosine to the power
# NEIGHBOUR_POWER): the neighbours catch a phrasing the linear head averages away. Measured by
# 5-fold cross-validation on the training data: the blend ranks the messages the rules miss
# better than either alone (area under the curve, urgent 0.878 -> 0.903, upset 0.794 -> 0.827).
NEIGHBOURS = 20
NEIGHBOUR_POWER = 4
NEIGHBOUR_WEIGHT = 0.5


def neighbour_share(
    weight: npt.NDArray[Any], positive: npt.NDArray[Any], known: npt.NDArray[Any]
) -> npt.NDArray[np.float64]:
    """Per head (columns), the weighted share of the signal among neighbours that know it
    (rows: neighbours; with a leading axis, one set of neighbours a message)."""
    said = np.einsum("...n,...nh->...h", weight, positive)
    total = np.einsum("...n,...nh->...h", weight, known)
    return np.asarray(said / np.maximum(total, 1e-9), dtype=np.float64)


def fit(
    inputs: npt.NDArray[np.float64], targets: npt.NDArray[np.float64], l2: float
) -> npt.NDArray[np.float64]:
    """L2-regularised logistic regression (the bias, last, is not shrunk), by Böhning's bound:
    the Hessian is at most X'X/4 + l2, so one inverse serves every step (fast, monotone)."""
    rows = np.hstack([inputs, np.ones((len(inputs), 1))])
    shrink = np.full(rows.shape[1], l2)
    shrink[-1] = BIAS_L2
    bound = np.linalg.inv(rows.T @ rows / 4 + np.diag(shrink))
    weights = np.zeros(rows.shape[1])
    for _ in range(FIT_STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(rows @ weights, -40, 40)))
        step = bound @ (rows.T @ (p - targets) + shrink * weights)
        weights -= step
        if float(np.max(np.abs(step))) < FIT_TOLERANCE:
            break
    return weights


def score(rows: npt.NDArray[np.float64], weights: npt.NDArray[np.float64]) -> Any:
    return 1.0 / (1.0 + np.exp(-np.clip(rows @ weights[:-1] + weights[-1], -40, 40)))


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def counts(said: npt.NDArray[np.bool_], truth: npt.NDArray[np.bool_]) -> dict[str, Any]:
    tp = int(np.sum(said & truth))
    fp = int(np.sum(said & ~truth))
    fn = int(np.sum(~said & truth))
    return {
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def threshold(
    scores: npt.NDArray[np.float64],
    rule: npt.NDArray[np.bool_],
    truth: npt.NDArray[np.bool_],
    beta: float,
) -> float:
    """The threshold at which the combined signal (rule OR learned) has its best F-beta on
    held-out scores (beta > 1 weighs recall, beta < 1 precision)."""
    low, high = THRESHOLD_RANGE
    best, chosen = -1.0, high
    for candidate in np.round(np.arange(high, low - 1e-9, -0.01), 2):
        said = rule | (scores >= candidate)
        tp, fp = int(np.sum(said & truth)), int(np.sum(said & ~truth))
        fn = int(np.sum(~said & truth))
        f = (1 + beta**2) * tp / ((1 + beta**2) * tp + beta**2 * fn + fp) if tp else 0.0
        if f > best + 1e-9:
            best, chosen = f, float(candidate)
    return chosen


def folds_of(count: int, seed: int) -> npt.NDArray[np.int64]:
    return np.random.default_rng(seed).permutation(count) % FOLDS


def repeated_folds(count: int, seed: int) -> list[npt.NDArray[np.int64]]:
    """REPEATS fold splits of `count` examples, the first the split of `seed` alone."""
    return [folds_of(count, seed + repeat) for repeat in range(REPEATS)]


def held_out_scores(
    rows: npt.NDArray[np.float64],
    known: npt.NDArray[np.bool_],
    truth: npt.NDArray[np.bool_],
    folds: npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    """Each example's score by a head fitted on the other folds' known examples."""
    held_out = np.zeros(len(rows))
    for fold in range(FOLDS):
        fit_on = known & (folds != fold)
        if truth[fit_on].any() and not truth[fit_on].all():
            weights = fit(rows[fit_on], truth[fit_on].astype(float), L2)
            held_out[folds == fold] = score(rows[folds == fold], weights)
    return held_out


def blend(
    scores: npt.NDArray[np.float64], shares: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    return (1 - NEIGHBOUR_WEIGHT) * scores + NEIGHBOUR_WEIGHT * shares


def held_out_neighbours(
    embedded: npt.NDArray[np.float32],
    positive: npt.NDArray[np.bool_],
    known: npt.NDArray[np.bool_],
    folds: npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    """Each example's neighbour share per head (columns), among the other folds' examples."""
    shares = np.zeros(positive.shape, dtype=np.float64)
    for fold in range(FOLDS):
        held, rest = np.flatnonzero(folds == fold), np.flatnonzero(folds != fold)
        if not len(held) or not len(rest):
            continue
        similarity = embedded[held] @ embedded[rest].T
        count = min(NEIGHBOURS, len(rest))
        nearest = np.argpartition(-similarity, count - 1, axis=1)[:, :count]
        weight = np.maximum(np.take_along_axis(similarity, nearest, axis=1), 0) ** NEIGHBOUR_POWER
        shares[held] = neighbour_share(
            weight, positive[rest][nearest].astype(np.float32), known[rest][nearest]
        )
    return shares
