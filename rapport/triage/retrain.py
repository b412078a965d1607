"""`rapport triage train`: the desk's own model from agents' corrections plus the shipped data,
checked on the frozen set against the model deciding now before it may replace it.

Each corrected message is one training example. Its labels: when it is the message the case's
triage still shows, the case's signals as corrected (all of them: what an agent left alone they
let stand); an older message, only the signals an agent corrected (the rest are unknown and left
out of those signals' training). Where agents disagree on a message, the newest word wins.
The desk's messages are learned from but their words are not kept in the model (it shows only
the shipped data's examples).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rapport.cases.models import Direction, Message
from rapport.people.models import CustomerEventKind
from rapport.triage import evaluation, inputs, learned, learning, training
from rapport.triage.corrected import effective
from rapport.triage.models import TriageCorrection
from rapport.triage.records import Request
from rapport.triage.signals import triage

FROZEN = Path(__file__).resolve().parent / "data" / "frozen.jsonl"
SIGNALS = evaluation.SIGNALS
# Worse: a signal's F1 on the frozen set below the deciding model's by more than this (about
# one message in a hundred positives; retraining on the same data gives the same model).
TOLERANCE = 0.01


@dataclass(frozen=True, slots=True)
class Corrected:
    examples: list[inputs.Labelled]
    corrections: int  # how many corrections they came from


def corrected_examples() -> Corrected:
    """The desk's corrections as training examples (one per corrected message)."""
    rows = (
        TriageCorrection.objects.filter(message__isnull=False)
        # An erased customer's words are "(erased)": nothing to learn, only noise.
        .exclude(message__customer__events__kind=CustomerEventKind.ERASED)
        .select_related("message", "case")
        .order_by("created_at", "pk")
    )
    words: dict[int, dict[str, bool]] = {}
    messages: dict[int, Message] = {}
    count = 0
    for row in rows:
        assert row.message is not None  # noqa: S101 - filtered above
        messages[row.message.pk] = row.message
        words.setdefault(row.message.pk, {})[row.signal] = row.value  # newest wins
        count += 1
    newest = _newest_inbound({message.case_id for message in messages.values()})
    examples = []
    for pk, said in words.items():
        message = messages[pk]
        labels = dict(said)
        if newest.get(message.case_id) == pk:
            shown = message.case.triage
            labels = {signal: effective(shown, signal) for signal in inputs.HEADS} | said
        known = {signal: value for signal, value in labels.items() if signal in inputs.HEADS}
        if known:
            examples.append(
                training.labelled(
                    message.text, known, channel=message.channel, now=message.created_at
                )
            )
    return Corrected(examples=examples, corrections=count)


def _newest_inbound(case_ids: set[int]) -> dict[int, int]:
    """Each case's newest message from the customer: the one its triage shows."""
    rows = Message.objects.filter(case_id__in=case_ids, direction=Direction.INBOUND)
    # Ordered by pk, the last of each case stays.
    return dict(rows.order_by("case_id", "pk").values_list("case_id", "pk"))


def train(
    corrected: Corrected, *, version: str, progress: Callable[[str], None] | None = None
) -> tuple[learned.Model, dict[str, Any]]:
    """A desk model on the shipped data plus the corrections, and its cross-validated figures."""
    paths = training.shipped_data()
    examples = training.read(paths) + corrected.examples
    model, figures = learning.train(
        examples,
        name="desk",
        version=version,
        data_hash=learning.data_sha256(paths),
        progress=progress,
    )
    # The desk's messages train it but are not kept as words: a nearest example is shown on any
    # team's case and copied into its triage, and a customer's erasure cannot reach a model.
    shipped = len(examples) - len(corrected.examples)
    return replace(model, texts=model.texts[:shipped] + [""] * len(corrected.examples)), figures


def frozen_scores(model: learned.Model, path: Path | None = None) -> dict[str, dict[str, Any]]:
    """Precision, recall and F1 per signal of triage with `model` on the frozen set (figures
    only: the set is never shown, and never trained or tuned on)."""

    def predict(request: Request) -> dict[str, bool]:
        result = triage(
            request.text,
            channel=request.channel,
            history=request.history,
            now=request.now,
            model=model,
        )
        return {signal: bool(getattr(result, signal)) for signal in SIGNALS}

    scores = evaluation.score(evaluation.load(path or FROZEN), predict)
    for figures in scores.values():
        figures["f1"] = f1(figures)
    return scores


def f1(figures: dict[str, Any]) -> float:
    tp, fp, fn = figures["tp"], figures["fp"], figures["fn"]
    return round(2 * tp / (2 * tp + fp + fn), 3) if tp else 0.0


def worse(new: dict[str, dict[str, Any]], current: dict[str, dict[str, Any]]) -> list[str]:
    """The signals on which `new` scores worse than `current`, in words; empty: not worse."""
    return [
        f"{signal}: F1 {current[signal]['f1']} -> {new[signal]['f1']} "
        f"(precision {current[signal]['precision']} -> {new[signal]['precision']}, "
        f"recall {current[signal]['recall']} -> {new[signal]['recall']})"
        for signal in SIGNALS
        if new[signal]["f1"] < current[signal]["f1"] - TOLERANCE
    ]


def figures_table(figures: dict[str, Any], signals: Sequence[str] = inputs.HEADS) -> list[str]:
    """Cross-validated figures, a line per signal: rules alone, learned alone, combined."""
    lines = []
    for signal in signals:
        row = figures["signals"].get(signal)
        if row is None:
            continue
        parts = [
            f"{kind} P {row[kind]['precision']} R {row[kind]['recall']}"
            for kind in ("rules", "learned", "combined")
        ]
        lines.append(f"  {signal:<12} {row['positives']:>4} positives  " + " | ".join(parts))
    return lines
