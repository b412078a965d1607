"""`rapport staffing`: how many people one interval needs to keep its time-to-answer promise.

    rapport staffing --json --arrivals 100 --interval-minutes 30 --aht-seconds 180 \\
        --target-seconds 20 --service-level 0.8 --max-occupancy 0.85 --shrinkage 0.3

Erlang C by default; Erlang A with `--patience-seconds` (how long callers wait before hanging up,
e.g. from abandoned calls and chats); chat with `--concurrency`. `--agents N` asks what N people
give instead of how many are needed. A load the agents cannot carry, or a nonsense input, is an
error with exit status 2.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.insights.erlang import Load, Outcome, StaffingError, outcome, required

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Agents needed for one interval's arrivals (Erlang C, or Erlang A with patience)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--arrivals", type=float, required=True, help="contacts in the interval"
        )
        parser.add_argument("--interval-minutes", type=float, required=True, help="e.g. 30")
        parser.add_argument("--aht-seconds", type=float, required=True, help="average handle time")
        parser.add_argument(
            "--target-seconds", type=float, required=True, help="answered within this many seconds"
        )
        parser.add_argument(
            "--service-level", type=float, required=True, help="share answered in time, e.g. 0.8"
        )
        parser.add_argument("--max-occupancy", type=float, default=1.0, help="e.g. 0.85")
        parser.add_argument(
            "--shrinkage",
            type=float,
            default=0.0,
            help="share of rostered time off the queue, e.g. 0.3",
        )
        parser.add_argument(
            "--concurrency", type=float, default=1.0, help="chats one person holds at once"
        )
        parser.add_argument(
            "--patience-seconds",
            type=float,
            default=None,
            help="mean wait before hanging up (Erlang A)",
        )
        parser.add_argument(
            "--agents", type=int, default=None, help="what this many agents on duty give"
        )
        parser.add_argument("--json", action="store_true", help="one JSON object on stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            load = Load(
                arrivals=options["arrivals"],
                interval_seconds=options["interval_minutes"] * 60.0,
                aht_seconds=options["aht_seconds"],
                target_seconds=options["target_seconds"],
                service_level=options["service_level"],
                max_occupancy=options["max_occupancy"],
                shrinkage=options["shrinkage"],
                concurrency=options["concurrency"],
                patience_seconds=options["patience_seconds"],
            )
            result = (
                required(load) if options["agents"] is None else outcome(load, options["agents"])
            )
        except StaffingError as exc:
            raise CommandError(str(exc), returncode=USAGE_ERROR) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        else:
            self.stdout.write(_prose(load, result))


def _prose(load: Load, result: Outcome) -> str:
    lines = [
        f"Load: {load.erlangs:.2f} Erlangs.",
        f"Agents on duty: {result.agents} (roster {result.scheduled_agents} with shrinkage).",
        f"Answered within {load.target_seconds:g} s: {result.service_level:.1%}.",
        f"Probability of waiting: {result.probability_of_waiting:.1%}.",
        f"Average speed of answer: {result.average_speed_of_answer_seconds:.1f} s.",
        f"Occupancy: {result.occupancy:.1%}.",
    ]
    if result.probability_of_abandoning is not None:
        lines.append(f"Hanging up before an answer: {result.probability_of_abandoning:.1%}.")
    return "\n".join(lines)
