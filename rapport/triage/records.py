"""JSON in, triage out: the line format of `rapport triage --jsonl` and the evaluation set."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapport.triage import learned
from rapport.triage.signals import HistoryItem, TriageResult, triage


class BadRecord(ValueError):
    """A line that is not a triage request; the message says what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Request:
    text: str
    channel: str = "email"
    history: tuple[HistoryItem, ...] = ()
    now: datetime | None = None
    phone_available: bool = True

    def run(
        self, *, phone_available: bool | None = None, model: learned.Model | None = None
    ) -> TriageResult:
        """Triage of the request; `model` as in `triage` (None: the shipped model)."""
        return triage(
            self.text,
            channel=self.channel,
            history=self.history,
            now=self.now,
            phone_available=self.phone_available if phone_available is None else phone_available,
            model=model,
        )


def _aware(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise BadRecord(f"{where} must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRecord(f"{where} is not an ISO 8601 date-time: {value!r}") from None
    if moment.tzinfo is None:
        raise BadRecord(f"{where} needs a time zone offset: {value!r}")
    return moment


def parse_request(data: Any) -> Request:
    """``{"text", "channel"?, "history"?: [{"text", "at"}], "now"?, "phone_available"?}``."""
    if not isinstance(data, dict):
        raise BadRecord("expected a JSON object")
    text = data.get("text")
    if not isinstance(text, str):
        raise BadRecord('"text" is missing or not a string')
    channel = data.get("channel", "email")
    if not isinstance(channel, str):
        raise BadRecord('"channel" must be a string')
    raw_history = data.get("history", [])
    if not isinstance(raw_history, list):
        raise BadRecord('"history" must be a list')
    history = []
    for index, item in enumerate(raw_history):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise BadRecord(f'history[{index}] must be an object with a "text" string')
        history.append(HistoryItem(item["text"], _aware(item.get("at"), f"history[{index}].at")))
    now = _aware(data["now"], '"now"') if data.get("now") is not None else None
    phone_available = data.get("phone_available", True)
    if not isinstance(phone_available, bool):
        raise BadRecord('"phone_available" must be true or false')
    return Request(text, channel, tuple(history), now, phone_available)


def parse_line(line: str) -> Request:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadRecord(f"not valid JSON ({error.msg} at column {error.colno})") from None
    return parse_request(data)
