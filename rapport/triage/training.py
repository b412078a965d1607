"""Training the learned layer on labelled messages: the shipped data (JSON lines in
`rapport/triage/data/`) and, on a desk, agents' corrections.

``python -m rapport.triage.training`` rebuilds `data/shipped_model.npz` from the shipped data
and prints its cross-validated figures; the same data and settings give the same model. Its
version is the start of `learning.identity` (the examples as read and every training setting),
and the data files' SHA-256 is kept in its metadata.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rapport.triage import inputs, learned, learning, signals
from rapport.triage.records import parse_request

DATA = Path(__file__).resolve().parent / "data"
SHIPPED_DATA = (DATA / "labelled.jsonl", DATA / "labelled_more.jsonl")
# The shipped model's date: fixed, so that rebuilding it gives the same file.
SHIPPED_AT = datetime(2026, 12, 7, tzinfo=UTC)


def shipped_data() -> list[Path]:
    """The labelled files the shipped model is trained on (the frozen set is never one)."""
    return [path for path in SHIPPED_DATA if path.exists()]


def labelled(
    text: str,
    labels: Mapping[str, bool],
    *,
    channel: str = "email",
    history: Sequence[signals.Said] = (),
    now: datetime | None = None,
) -> inputs.Labelled:
    """A training example from a message and what is known of its signals."""
    features = signals.features(text, channel=channel, history=history, now=now)
    return inputs.Labelled(features, dict(labels))


def read(paths: Iterable[Path]) -> list[inputs.Labelled]:
    """The examples of labelled JSON-lines files (the evaluation line format)."""
    examples = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                data = json.loads(line)
                request = parse_request(data)
                labels = {signal: bool(data["labels"][signal]) for signal in inputs.HEADS}
                examples.append(
                    labelled(
                        request.text,
                        labels,
                        channel=request.channel,
                        history=request.history,
                        now=request.now,
                    )
                )
    return examples


def train_shipped(
    progress: Callable[[str], None] | None = None,
) -> tuple[learned.Model, dict[str, Any]]:
    """The shipped model, trained on the shipped data: the same data gives the same model."""
    paths = shipped_data()
    return learning.train(
        read(paths),
        name="shipped",
        trained_at=SHIPPED_AT,
        data_hash=learning.data_sha256(paths),
        progress=progress,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=learned.SHIPPED)
    args = parser.parse_args(argv)
    model, figures = train_shipped(progress=lambda line: print(line, file=sys.stderr))
    model.save(args.out)
    print(json.dumps({"version": model.version, "figures": figures}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
