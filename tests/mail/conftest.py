"""What the intake tests share: attachments stored in a temporary folder, and the desk's own
address (mail from it, or to it in a loop, is refused)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def intake_settings(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.DEFAULT_FROM_EMAIL = "Night Clinic <support@clinic.example>"
