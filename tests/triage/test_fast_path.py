"""Triage's shortcuts change nothing it says: on every message of the development set
(labelled.jsonl, with its histories), triage with the shipped model gives exactly what it gives
when the learned layer reads everything (the tone, the neighbours) before deciding, and a
message's embedding is computed once however often triage reads it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Collection

import numpy as np
import pytest

from rapport.triage import embedding, inputs, learned, training
from rapport.triage.records import Request, parse_request


class ReadsEverything(learned.Model):
    """The shipped model without the shortcut: the tone and the neighbours always read."""

    def predict_toned(
        self, features: inputs.Features, heads: Collection[str], tone: Callable[[], float]
    ) -> dict[str, learned.Learned]:
        return self.predict(dataclasses.replace(features, vader=tone()), explain=())


@pytest.fixture(scope="module")
def development() -> list[Request]:
    lines = (training.DATA / "labelled.jsonl").read_text(encoding="utf-8").splitlines()
    return [parse_request(json.loads(line)) for line in lines if line.strip()]


def test_triage_says_the_same_with_and_without_its_shortcuts(development: list[Request]) -> None:
    shipped = learned.load_shipped()
    eager = ReadsEverything(
        **{field.name: getattr(shipped, field.name) for field in dataclasses.fields(shipped)}
    )
    different = []
    for request in development:
        for phone_available in (True, False):
            fast = request.run(model=shipped, phone_available=phone_available)
            slow = request.run(model=eager, phone_available=phone_available)
            if dataclasses.asdict(fast) != dataclasses.asdict(slow):
                different.append(request.text[:60])
    assert len(development) > 300
    assert different == []


def test_the_shortcut_is_taken_and_decides_as_the_full_scores_do(
    development: list[Request],
) -> None:
    """Most messages leave every head far below its threshold: their tone is never read. Where
    the shortcut answers, no head could have been raised; where it does not, the scores are
    `predict`'s to the last bit."""
    shipped = learned.load_shipped()
    skipped = 0
    for request in development:
        features = inputs.Features(request.text, {}, 0.25)
        read: list[bool] = []

        def tone(read: list[bool] = read) -> float:
            read.append(True)
            return 0.25

        toned = shipped.predict_toned(features, shipped.heads, tone)
        full = shipped.predict(features, explain=())
        if not toned:
            skipped += 1
            assert not read
            assert not any(hit.raised for hit in full.values())
        else:
            assert read == [True]
            assert {h: (x.score, x.raised) for h, x in toned.items()} == {
                h: (x.score, x.raised) for h, x in full.items()
            }
    assert skipped > len(development) // 4


def test_a_message_is_tokenized_once_for_the_classifier_its_explanation_and_its_loops() -> None:
    embedding.read.cache_clear()
    text = "My puppy swallowed a sock and is bleeding, please someone help"
    shipped = learned.load_shipped()
    features = inputs.Features(text, {}, 0.0)
    shipped.predict(features)
    shipped.explain(features, [learned.Learned("urgent", 0.9, True)])
    shipped.similarity(text, ["my puppy ate a sock"])
    info = embedding.read.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_the_labelled_examples_compared_in_blocks_are_those_one_product_finds() -> None:
    """The shipped model holds more examples than one block (OpenBLAS would thread a single
    product of that size); the nearest examples a learned hit shows are the same."""
    shipped = learned.load_shipped()
    assert len(shipped.texts) > learned.BLOCK_ROWS
    text = "my puppy swallowed a sock and is bleeding"
    hit = shipped.predict(inputs.Features(text, {}, 0.0))["urgent"]
    assert hit.raised
    similarity = shipped.vectors.astype(np.float32) @ embedding.read(text)[1]
    urgent = shipped.heads.index("urgent")
    nearest = [
        shipped.texts[i]
        for i in np.argsort(-similarity)
        if shipped.labels[i, urgent] and shipped.texts[i]
    ][: learned.EXAMPLES]
    assert [example.text for example in hit.examples] == nearest
