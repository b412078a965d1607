"""Every environment variable Rapport reads through rapport.lib.env is in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READ = re.compile(r"""env_(?:str|bool|int|list|rate)\(\s*["']([A-Z0-9_]+)["']""")
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]+)=", re.MULTILINE)


def test_every_setting_read_from_the_environment_is_in_env_example() -> None:
    read = {
        name
        for module in (ROOT / "rapport").rglob("*.py")
        for name in READ.findall(module.read_text(encoding="utf-8"))
    }
    documented = set(DOCUMENTED.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    assert {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_HOST"} <= read
    assert read - documented == set(), "add these to .env.example"
