"""`make lint`'s dead-code check (vulture, configured in pyproject.toml) finds dead definitions
and leaves alone what Django, Ninja and pytest call by name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def vulture(path: Path) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and a file we wrote
        [sys.executable, "-m", "vulture", str(path)],
        cwd=ROOT,  # the project's [tool.vulture] settings apply
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout


def test_dead_definitions_are_reported_and_framework_entry_points_are_not(tmp_path: Path) -> None:
    module = tmp_path / "feature.py"
    module.write_text(
        "from ninja import Router\n"
        "from django import forms\n"
        "router = Router()\n\n"
        "def format_phone(e164): return e164\n\n"
        "class Customer:\n"
        "    @property\n"
        "    def first_name(self): return ''\n\n"
        "@router.get('/x')\n"
        "def list_things(request): return []\n\n"
        "class ThingForm(forms.Form):\n"
        "    def clean_name(self): return ''\n"
        "    class Meta:\n"
        "        ordering = ['name']\n"
    )
    report = vulture(module)
    assert "unused function 'format_phone'" in report
    assert "unused property 'first_name'" in report
    assert "list_things" not in report
    assert "clean_name" not in report
    assert "ordering" not in report
    assert "Meta" not in report
