"""Long-running processes (the worker, the SMTP listener, the IMAP fetcher) once started."""

from __future__ import annotations

import gc
import threading

_settled = threading.Event()


def settle_after_start() -> None:
    """Everything loaded at start (modules, settings, models, URL patterns) lives as long as
    the process: it is moved out of the cyclic garbage collector's sight (`gc.freeze`), so the
    collector's full passes, which otherwise walk all of it again every few seconds of busy
    intake, look only at what was made since. Intake runs ~2 % faster (bench/README.md); a
    worker that forks (RQ) also shares these pages with its children longer. Once a process:
    what is frozen is never collected, so only what is alive at start should be."""
    if _settled.is_set():
        return
    _settled.set()
    gc.collect()
    gc.freeze()
