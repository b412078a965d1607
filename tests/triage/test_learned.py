"""The learned layer: it generalises beyond the rules' words, explains itself, stores without
pickle, loads offline, and the shipped model is what the build makes of the shipped data."""

from __future__ import annotations

import dataclasses
import io
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from rapport.triage import embedding, fitting, inputs, learned, learning, signals, training
from rapport.triage.signals import HistoryItem, triage

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)

# Hand-written for this test, in no data file: signals said in other words than the data's.
PARAPHRASES = [
    ("my daughter is burning up with fever and has a rash that does not fade", "urgent"),
    ("there is a smell of gas in the hallway", "urgent"),
    ("mi padre se ha caído y no puede levantarse", "urgent"),
    ("I keep explaining the same thing and nobody listens", "upset"),
    ("I am sick and tired of being passed from one department to another", "upset"),
    ("put me through to someone who can actually help", "wants_human"),
    ("can I have a word with somebody, not this chat", "wants_human"),
]


@pytest.fixture(scope="module")
def model() -> learned.Model:
    return learned.load_shipped()


@pytest.mark.parametrize(("text", "signal"), PARAPHRASES)
def test_the_learned_layer_reads_a_signal_in_words_of_its_own(
    model: learned.Model, text: str, signal: str
) -> None:
    result = triage(text, model=model)
    assert getattr(result, signal)
    if not getattr(triage(text, model=learned.RULES_ONLY), signal):
        # What the rules miss, the head reads (one they catch may sit under its threshold).
        assert model.predict(signals.features(text))[signal].raised
        (reason,) = getattr(result, f"{signal}_reasons")
        assert reason.startswith(f"{signal}: learned (")


def test_some_paraphrases_are_caught_by_the_learned_layer_alone() -> None:
    missed = [
        text
        for text, signal in PARAPHRASES
        if not getattr(triage(text, model=learned.RULES_ONLY), signal)
    ]
    assert len(missed) >= 2, "the rules learnt these paraphrases: write new ones they miss"


def test_a_learned_hit_names_words_of_the_message_and_labelled_examples_like_it(
    model: learned.Model,
) -> None:
    text = "I keep explaining the same thing and nobody listens"
    hit = model.predict(signals.features(text))["upset"]
    assert hit.words
    for words in hit.words:
        assert words in text
    assert len(hit.examples) == 2
    for example in hit.examples:
        assert "upset" in example.labels
        assert example.text not in text
    reason = hit.reason()
    assert reason.startswith(f"upset: learned ({hit.score:.2f}): ")
    assert f'"{hit.words[0]}"' in reason
    assert "; like: " in reason


def _always(model: learned.Model, signal: str) -> learned.Model:
    """`model` with one head that fires on anything (its regression alone: no neighbours)."""
    bias = np.full(len(model.heads), -40.0)
    bias[model.heads.index(signal)] = 40.0
    return dataclasses.replace(
        model, bias=bias, weights=np.zeros_like(model.weights), neighbour_weight=0.0
    )


def test_a_signal_no_rule_raised_is_raised_by_the_model_and_stored_with_its_why(
    model: learned.Model,
) -> None:
    text = "hello, a question about the parcel"
    result = triage(text, model=_always(model, "wants_human"))
    assert result.wants_human and not (result.urgent or result.upset or result.compliment)
    (reason,) = result.wants_human_reasons
    assert reason.startswith("wants_human: learned (1.00): ")
    assert set(result.learned) == {"wants_human"}
    stored = result.learned["wants_human"]
    assert stored["score"] == 1.0
    assert all(example["labels"] and example["text"] for example in stored["examples"])
    assert result.recommended_contact == "call"
    assert result.to_dict()["model"] == {"name": "shipped", "version": model.version}


def test_what_the_customer_says_outright_wins_over_the_model(model: learned.Model) -> None:
    assert not triage(
        "no rush at all, book me in next month", model=_always(model, "urgent")
    ).urgent
    declined = triage("please don't call me, email is fine", model=_always(model, "wants_human"))
    assert not declined.wants_human
    praise = triage("the lady on the phone was lovely, thank you", model=_always(model, "upset"))
    assert praise.compliment and not praise.upset
    asked = triage("thanks! what time do you open?", model=_always(model, "compliment"))
    assert not asked.compliment


def test_rules_alone_raise_nothing_learned_and_say_so() -> None:
    result = triage("someone has taken money out of my account", model=learned.RULES_ONLY)
    assert (result.model_name, result.learned) == ("rules", {})
    assert result.to_dict()["model"] == {"name": "rules", "version": ""}


def test_the_shipped_model_decides_by_default_and_the_json_says_which(
    model: learned.Model,
) -> None:
    data = triage("hello").to_dict()
    assert data["model"] == {"name": "shipped", "version": model.version}


def test_a_thank_you_naming_a_person_or_a_declined_call_is_no_request(
    model: learned.Model,
) -> None:
    for text in (
        "I spoke to a very helpful person on the phone yesterday.",
        "Please don't call, I'm at work.",
    ):
        assert not triage(text, model=model).wants_human


def test_a_model_round_trips_through_bytes_without_pickle(model: learned.Model) -> None:
    data = model.to_bytes()
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        assert set(arrays.files) == {
            *("weights", "bias", "thresholds", "vectors", "labels", "known", "meta")
        }
        assert all(arrays[name].dtype != object for name in arrays.files)
    again = learned.Model.from_bytes(data)
    assert (again.name, again.version, again.heads) == (model.name, model.version, model.heads)
    assert again.figures == model.figures
    features = signals.features("my card was charged three times, please help")
    assert {k: v.score for k, v in again.predict(features).items()} == {
        k: v.score for k, v in model.predict(features).items()
    }


def test_a_model_for_another_embedding_is_refused(model: learned.Model) -> None:
    buffer = io.BytesIO()
    with np.load(io.BytesIO(model.to_bytes()), allow_pickle=False) as arrays:
        parts = {name: arrays[name] for name in arrays.files}
    meta = bytes(parts["meta"]).replace(embedding.ENCODER.encode(), b"other 64")
    parts["meta"] = np.frombuffer(meta, dtype=np.uint8)
    np.savez(buffer, **parts)
    with pytest.raises(ValueError, match="other 64"):
        learned.Model.from_bytes(buffer.getvalue())


def test_the_embedding_loads_from_the_package_with_no_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the learned layer tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    encoder = embedding.Encoder.from_package()
    vector = encoder.embed("my dog ate chocolate")
    assert vector.shape == (256,)
    assert abs(float(np.linalg.norm(vector)) - 1) < 1e-5
    assert learned.Model.load(learned.SHIPPED).heads == (*inputs.HEADS, inputs.CALL_HEAD)


def test_the_shipped_model_is_what_the_build_makes_of_the_shipped_data(
    model: learned.Model,
) -> None:
    """The data hash and the version must match exactly: rebuild after changing the data, a
    rule that fires on it or a training setting (the version names all three); a rebuild
    decides as the shipped model does."""
    paths = training.shipped_data()
    assert [path.name for path in paths] == ["labelled.jsonl", "labelled_more.jsonl"]
    assert model.data_sha256 == learning.data_sha256(paths), (
        "the shipped data changed: run .venv/bin/python -m rapport.triage.training"
    )
    rebuilt, _ = training.train_shipped()
    assert rebuilt.version == model.version == model.identity_sha256[:12], (
        "what training reads of the data (the rules) or a training setting changed: "
        "run .venv/bin/python -m rapport.triage.training"
    )
    assert (rebuilt.name, rebuilt.identity_sha256, rebuilt.texts) == (
        "shipped",
        model.identity_sha256,
        model.texts,
    )
    examples = training.read(paths)
    for head in model.heads:
        index = model.heads.index(head)
        agree = sum(
            (model.predict(e.features, explain=())[head].score >= model.thresholds[index])
            == rebuilt.predict(e.features, explain=())[head].raised
            for e in examples
        )
        assert agree >= 0.97 * len(examples), head
    assert len(model.to_bytes()) < 20 * 1024 * 1024


def test_training_reports_cross_validated_figures_per_signal() -> None:
    examples = [
        training.labelled(text, {"urgent": urgent, "upset": False})
        for text, urgent in [
            ("my dog is bleeding a lot", True),
            ("my cat ate rat poison", True),
            ("the baby is not breathing properly", True),
            ("he collapsed and is not waking up", True),
            ("chest pain and my arm is numb", True),
            ("what time do you open on sunday", False),
            ("can I change my delivery address", False),
            ("please send me the invoice for march", False),
            ("do you sell gift cards", False),
            ("is parking available near the clinic", False),
        ]
    ]
    model, figures = learning.train(examples, name="desk", version="7")
    assert (model.name, model.version) == ("desk", "7")
    assert (figures["examples"], figures["repeats"]) == (10, fitting.REPEATS)
    urgent = figures["signals"]["urgent"]
    assert urgent["positives"] == 5
    # Held out once per fold split, pooled: each positive counts once a split.
    combined = urgent["combined"]
    assert combined["tp"] + combined["fn"] == 5 * fitting.REPEATS
    assert set(urgent) >= {"threshold", "rules", "learned", "combined"}
    assert figures["signals"]["upset"]["positives"] == 0
    assert figures["signals"]["wants_human"]["positives"] == 0  # unknown: no examples
    scores = model.predict(signals.features("my puppy swallowed a sock and is bleeding"))
    assert scores["urgent"].score > scores["upset"].score


def test_cross_validation_repeats_over_distinct_fold_splits_the_first_the_seeds() -> None:
    splits = fitting.repeated_folds(23, seed=3)
    assert len(splits) == fitting.REPEATS > 1
    assert np.array_equal(splits[0], fitting.folds_of(23, 3))
    assert len({tuple(folds) for folds in splits}) == fitting.REPEATS
    for folds in splits:  # every fold holds out four or five of the 23
        assert sorted(np.bincount(folds, minlength=fitting.FOLDS)) == [4, 4, 5, 5, 5]


_FEW = [
    ("my dog is bleeding a lot", True),
    ("my cat ate rat poison and is shaking", True),
    ("the baby is not breathing properly", True),
    ("he collapsed and is not waking up", True),
    ("what time do you open on sunday", False),
    ("can I change my delivery address please", False),
    ("please send me the invoice for march", False),
    ("do you sell gift cards in the shop", False),
]


def _trained(upset: str = "") -> learned.Model:
    """A model of the few messages above (`upset`: the one also labelled upset)."""
    examples = [
        training.labelled(text, {"urgent": urgent, "upset": text == upset}) for text, urgent in _FEW
    ]
    return learning.train(examples, trained_at=NOW)[0]


def test_a_models_version_names_its_data_and_every_setting_that_changes_its_weights(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Which model decided is told by its version: the same data and settings give the same
    version; another setting, label or rule reading gives another (models trained apart)."""
    first = _trained()
    assert _trained().version == first.version == first.identity_sha256[:12]
    assert first.meta["settings"]["call_recall"] == learning.CALL_RECALL
    versions = {first.version}
    with monkeypatch.context() as patched:
        patched.setattr(learning, "CALL_RECALL", 0.97)
        versions.add(_trained().version)
    with monkeypatch.context() as patched:
        patched.setattr(fitting, "L2", 1.0)
        other = _trained()
        assert not np.array_equal(other.weights, first.weights)
        versions.add(other.version)
    with monkeypatch.context() as patched:
        patched.setattr(fitting, "NEIGHBOUR_WEIGHT", 0.3)
        versions.add(_trained().version)
    with monkeypatch.context() as patched:
        patched.setattr(learning, "FORMAT", learning.FORMAT + 1)
        versions.add(_trained().version)
    with monkeypatch.context() as patched:  # thresholds chosen over fewer fold splits
        patched.setattr(fitting, "REPEATS", 1)
        versions.add(_trained().version)
    versions.add(_trained(upset=_FEW[0][0]).version)  # one label more
    with monkeypatch.context() as patched:  # a rule that now fires on one of the messages
        read = signals.features

        def fired(text: str, **kwargs: Any) -> inputs.Features:
            features = read(text, **kwargs)
            if text == _FEW[4][0]:
                return dataclasses.replace(features, rules={**features.rules, "upset": True})
            return features

        patched.setattr(signals, "features", fired)
        versions.add(_trained().version)
    assert len(versions) == 8


def _said(text: str, minutes: int, where: str = "") -> HistoryItem:
    return HistoryItem(text, NOW - timedelta(minutes=minutes), where)


def test_a_request_reworded_within_a_day_is_a_loop_naming_where_it_was_said() -> None:
    history = [_said("Hi, the password reset email never arrives", 40, "case #12 by chat")]
    result = triage(
        "I'm still not getting the email to reset my password", history=history, now=NOW
    )
    assert result.loop
    (reason,) = result.loop_reasons
    assert '"Hi, the password reset email never arrives"' in reason
    assert "40 min ago, on case #12 by chat" in reason
    assert "similar in meaning" in reason
    rules_only = triage(
        "I'm still not getting the email to reset my password",
        history=history,
        now=NOW,
        model=learned.RULES_ONLY,
    )
    assert not any("similar in meaning" in reason for reason in rules_only.loop_reasons)


def test_a_new_request_or_one_older_than_a_day_is_no_loop() -> None:
    text = "Could you tell me your opening hours on bank holidays?"
    assert not triage(
        text, history=[_said("My parcel was delivered to the wrong house", 30)], now=NOW
    ).loop
    assert not triage(
        text, history=[_said("What are your opening hours on bank holidays?", 26 * 60)], now=NOW
    ).loop


def test_a_score_blends_the_regression_with_the_nearest_labelled_examples(
    model: learned.Model,
) -> None:
    """Half of a head's score is the signal's share among the message's nearest labelled
    examples: a head whose regression says nothing still scores by its neighbours."""
    text = "water is pouring through the kitchen ceiling light right now"
    silent = dataclasses.replace(
        model, bias=np.full(len(model.heads), -40.0), weights=np.zeros_like(model.weights)
    )
    score = silent.predict(signals.features(text))["urgent"].score
    assert 0.1 < score <= model.neighbour_weight
    alone = dataclasses.replace(silent, neighbour_weight=0.0)
    assert alone.predict(signals.features(text))["urgent"].score < 1e-6


def test_a_model_stored_before_the_neighbours_reads_as_the_regression_alone(
    model: learned.Model,
) -> None:
    old = dataclasses.replace(model, neighbour_weight=0.0, known=None)
    again = learned.Model.from_bytes(old.to_bytes())
    assert again.neighbour_weight == 0.0
    assert again.known is None
    assert learned.Model.from_bytes(model.to_bytes()).neighbour_weight == model.neighbour_weight
