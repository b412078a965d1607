"""Triage's core stays pure: reading a message, the rules, the learned layer and its training
import nothing of Django (they run in any process, and `rapport triage` needs no settings)."""

from __future__ import annotations

import subprocess
import sys

PURE = (
    "rapport.triage.signals",
    "rapport.triage.reading",
    "rapport.triage.upsets",
    "rapport.triage.loops",
    "rapport.triage.lexicon",
    "rapport.triage.lexicon_health",
    "rapport.triage.lexicon_urgent",
    "rapport.triage.lexicon_upset",
    "rapport.triage.lexicon_contact",
    "rapport.triage.learned",
    "rapport.triage.embedding",
    "rapport.triage.fitting",
    "rapport.triage.training",
)


def test_the_triage_core_imports_nothing_of_django() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in PURE)
        + "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter, a constant program)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
