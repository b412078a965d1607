"""Which model decides: the desk's active model (stored in the database, so every web process
and worker reads the same one), else the shipped one.

Each triage asks `current_model()`. The active model's id is read at most once every
`CHECK_SECONDS` per process (one indexed query), and its bytes only when that id changed: a
model activated or rolled back is in use everywhere within that time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from rapport.triage import learned
from rapport.triage.models import TriageModel

CHECK_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class _Seen:
    checked: float  # time.monotonic() of the check
    model_id: int | None
    model: learned.Model | None


_seen = _Seen(checked=float("-inf"), model_id=None, model=None)
_lock = threading.Lock()


def current_model() -> learned.Model | None:
    """The active desk model; None: the shipped model decides."""
    global _seen  # noqa: PLW0603 - one per process, replaced whole under the lock
    seen = _seen
    now = time.monotonic()
    if now - seen.checked < CHECK_SECONDS:
        return seen.model
    with _lock:
        active = TriageModel.objects.filter(active=True).values_list("pk", flat=True).first()
        if active == _seen.model_id:
            _seen = _Seen(checked=now, model_id=active, model=_seen.model)
        else:
            model = None
            if active is not None:
                data = TriageModel.objects.values_list("data", flat=True).get(pk=active)
                model = learned.Model.from_bytes(bytes(data))
            _seen = _Seen(checked=now, model_id=active, model=model)
        return _seen.model


def forget() -> None:
    """Check again on the next triage (after this process changed the active model)."""
    global _seen  # noqa: PLW0603 - see current_model
    with _lock:
        _seen = _Seen(checked=float("-inf"), model_id=_seen.model_id, model=_seen.model)
