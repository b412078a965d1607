"""Run the same work in threads at once (two requests racing), each on its own database
connection, and collect what each returned or raised (an error in a thread is not lost)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def at_once(
    work: Callable[[], T], *, times: int = 2, wait: float = 60
) -> tuple[list[T], list[Exception]]:
    results: list[T] = []
    errors: list[Exception] = []

    def run() -> None:
        try:
            results.append(work())
        except Exception as exc:  # reported by the caller's assertion, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=wait)
    return results, errors
