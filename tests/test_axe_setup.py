"""The accessibility audit's own set-up: axe-core comes from node_modules (`npm ci`, pinned in
package-lock.json); in CI its absence fails the test instead of skipping it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import conftest
from tests.browser import axe
from tests.browser.fixtures import REPO_ROOT


def test_axe_core_is_pinned_exactly_in_the_lock_file() -> None:
    wanted = json.loads((REPO_ROOT / "package.json").read_text())["devDependencies"]["axe-core"]
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    assert wanted[0].isdigit(), "pin an exact version, not a range"
    assert lock["packages"]["node_modules/axe-core"]["version"] == wanted


def test_in_ci_a_missing_axe_core_fails_instead_of_skipping(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(axe, "AXE", tmp_path / "axe.min.js")
    page: Any = None  # never reached: the check comes first
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="axe-core not found"):
        axe.axe_violations(page)
    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="axe-core not found"):
        axe.axe_violations(page)
