"""`rapport triage train | models | activate`: the desk's own model, from the command line."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.triage import desk, learned, retrain
from rapport.triage.actions import models as actions
from rapport.triage.models import TriageModel
from rapport.triage.overview import describe

TASKS = ("train", "models", "activate")


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "task",
        nargs="?",
        choices=TASKS,
        help="train: retrain the desk's model from agents' corrections and the shipped data "
        "(kept only if not worse on the frozen set); models: list them; activate VERSION or "
        "--shipped: choose which decides",
    )
    parser.add_argument("version", nargs="?", help="activate: the desk model's version")
    parser.add_argument(
        "--shipped", action="store_true", help="activate: the shipped model decides again"
    )


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    out = command.stdout.write
    task = options["task"]
    if task == "train":
        train(out)
    elif task == "models":
        for line in listing():
            out(line)
    else:
        if (options["version"] is None) == (not options["shipped"]):
            raise CommandError("activate takes a VERSION or --shipped (one of them)")
        try:
            chosen = actions.activate_model(version=options["version"], by=None)
        except ActionError as error:
            raise CommandError(error.message) from None
        out(f"{describe(chosen)} decides now.")


def listing() -> list[str]:
    shipped = learned.load_shipped()
    rows = list(TriageModel.objects.order_by("-trained_at", "-pk").defer("data"))
    deciding = next((row for row in rows if row.active), None)
    lines = [f"{'*' if deciding is None else ' '} shipped {shipped.version}  (ships with Rapport)"]
    for row in rows:
        frozen = row.figures.get("frozen", {})
        scores = " ".join(f"{signal} F1 {frozen[signal]['f1']}" for signal in frozen)
        lines.append(
            f"{'*' if row.active else ' '} desk {row.version}  trained "
            f"{row.trained_at:%Y-%m-%d %H:%M} UTC on {row.corrections} corrections"
            + (f"; frozen set: {scores}" if scores else "")
        )
    lines.append("(* decides)")
    return lines


def train(out: Any) -> None:
    corrected = retrain.corrected_examples()
    version = actions.next_version()
    out(
        f"Training desk model {version} on the shipped data and {corrected.corrections} "
        f"corrections ({len(corrected.examples)} corrected messages)..."
    )
    model, figures = retrain.train(corrected, version=version)
    out(
        f"Cross-validated ({figures['folds']} folds x {figures['repeats']} splits, "
        f"{figures['examples']} messages):"
    )
    for line in retrain.figures_table(figures):
        out(line)
    current = desk.current_model() or learned.load_shipped()
    new_scores = retrain.frozen_scores(model)
    current_scores = retrain.frozen_scores(current)
    deciding = f"{current.name} {current.version}"
    out(f"On the frozen set (F1): deciding now {deciding} | new desk {version}")
    for signal in retrain.SIGNALS:
        out(f"  {signal:<12} {current_scores[signal]['f1']:<6} {new_scores[signal]['f1']}")
    worse = retrain.worse(new_scores, current_scores)
    if worse:
        sys.stdout.flush()
        raise CommandError(
            f"Not activated: desk model {version} is worse on the frozen set than "
            f"{current.name} {current.version}: " + "; ".join(worse)
        )
    actions.store_model(
        version=version,
        data=model.to_bytes(),
        figures={
            "cross_validated": figures,
            "frozen": new_scores,
            "frozen_before": {"model": f"{current.name} {current.version}", **current_scores},
        },
        corrections=corrected.corrections,
        by=None,
    )
    out(f"Desk model {version} decides now (`rapport triage activate --shipped` rolls back).")
