"""rapport.lib.process: what a long-running process does once started."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_settling_freezes_what_is_loaded_once_and_only_once() -> None:
    script = (
        "import gc\n"
        "from rapport.lib.process import settle_after_start\n"
        "assert gc.get_freeze_count() == 0\n"
        "settle_after_start()\n"
        "frozen = gc.get_freeze_count()\n"
        "assert frozen > 1000, frozen\n"
        "later = [[] for _ in range(5000)]\n"
        "settle_after_start()\n"
        "assert gc.get_freeze_count() == frozen  # what came later stays collectable\n"
        "print('ok')\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr
