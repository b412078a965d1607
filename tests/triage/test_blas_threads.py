"""numpy's OpenBLAS runs on the thread that calls it (rapport/__init__.py): a desk's web and
worker processes share the cores, and per-core BLAS threads only waited for each other."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import os
from rapport.triage import fitting  # a desk's process imports rapport before numpy
import numpy as np
rows = np.random.default_rng(1).random((400, 300))
fitting.fit(rows, (rows[:, 0] > 0.5).astype(float), fitting.L2)
print(len(os.listdir("/proc/self/task")))
"""


def _threads(**environment: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"} | environment
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def test_triage_trains_on_the_calling_thread_unless_the_operator_says_otherwise() -> None:
    assert _threads() == 1
    assert _threads(OPENBLAS_NUM_THREADS="2") == 2
