"""A write the database refused because another held its lock too long: a 503, not a 500.

SQLite has one writer at a time. A write waits for the lock up to its busy timeout (10 s, in
the settings) and then fails with OperationalError "database is locked"; its transaction is
rolled back, so nothing of it was stored. PostgreSQL locks rows and tables, not the database: a
write waits for a lock up to `lock_timeout` (10 s, in the settings) and then fails with SQLSTATE
55P03 (lock_not_available), its transaction likewise rolled back. The surfaces that take a
person's words (the chat widget, the agent's reply on the web and in the API) answer that with
503 and Retry-After and say the words were not sent, so the person (or the widget's script)
sends them again.
"""

from __future__ import annotations

from django.db import OperationalError

from rapport.lib.errors import ActionError

# Long enough for a queue of writes ahead to drain; short enough for a person waiting.
RETRY_AFTER_SECONDS = 5


LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock not granted within lock_timeout


def database_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" (or "database table is locked"), or PostgreSQL's lock
    timeout: nothing was written."""
    if not isinstance(exc, OperationalError):
        return False
    return "is locked" in str(exc) or getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE


def busy_message(what: str = "") -> str:
    """What to tell the person: `what` ("your reply", "your message") was not sent."""
    done = f"{what} was not sent (nothing was saved)" if what else "nothing was saved"
    return f"The desk is busy right now: {done}. Please send it again in a few seconds."


class DatabaseBusy(ActionError):
    """A form's action met a busy database (see the module): refused, 503."""

    status_code = 503

    def __init__(self, what: str = "") -> None:
        super().__init__(busy_message(what))
