"""One SHA-256 over what the shipped model and the triage say of every training message (each
head's exact score, the words and examples explaining it, the whole triage result): run it before
and after a refactor of rapport/triage/ to show the behaviour is byte-identical.

Usage: .venv/bin/python bench/triage_fingerprint.py
Prints: <messages> <sha256>
"""

from __future__ import annotations

import hashlib
import json

from rapport.triage import learned, signals, training
from rapport.triage.records import parse_request


def fingerprint() -> tuple[int, str]:
    model = learned.load_shipped()
    digest = hashlib.sha256()
    count = 0
    for path in training.shipped_data():
        for line in path.read_text(encoding="utf-8").splitlines():
            request = parse_request(json.loads(line))
            channel, history, now = request.channel, request.history, request.now
            features = signals.features(request.text, channel=channel, history=history, now=now)
            predicted = model.predict(features)
            result = signals.triage(
                request.text, channel=channel, history=history, now=now, model=model
            )
            seen = [
                {head: hit.score.hex() for head, hit in predicted.items()},
                {h: (hit.words, [e.text for e in hit.examples]) for h, hit in predicted.items()},
                result.to_dict(),
                result.learned,
                result.safety,
            ]
            digest.update(json.dumps(seen, sort_keys=True, default=str).encode())
            count += 1
    return count, digest.hexdigest()


if __name__ == "__main__":
    print(*fingerprint())
