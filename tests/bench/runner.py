"""Running a bench script end to end in a subprocess, as a person would, on a small load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_bench(script: str, *args: str, out: Path) -> dict[str, Any]:
    """`bench/<script> ARGS --out OUT` on its own throwaway desk; the JSON it wrote. Exit 1 (an
    aim missed on this machine) is allowed; anything else fails with the script's output."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "RAPPORT_DATA_DIR")}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, f"bench/{script}", *args, "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]
    result: dict[str, Any] = json.loads(out.read_text())
    return result
