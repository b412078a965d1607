"""Time the email cores on the fixtures' worst cases and on ordinary mail; print JSON.

The two guard fixtures of github/email_reply_parser (pathological.txt: catastrophic regex
backtracking; email_long_quote.txt: a 767 KB body with a 700 000-character quoted line) must each
parse in far less than 1 s. Run: .venv/bin/python bench/mail_parse.py
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from rapport.mail.parse import parse_email
from rapport.mail.reply import read_fragments, strip_quotation, visible_reply

# Where the shared fixtures are, as tests/conftest.py finds them ($RAPPORT_SHARED_FIXTURES first).
SHARED = (
    os.environ.get("RAPPORT_SHARED_FIXTURES")
    or Path(__file__).resolve().parents[2] / "shared/fixtures"
)
FIXTURES = Path(SHARED)
GUARDS = FIXTURES / "github_email_reply_parser" / "emails"
LIMIT_SECONDS = 1.0


def best_of(function: Callable[[], object], repeat: int = 5) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> dict[str, object]:
    guards: dict[str, dict[str, float]] = {}
    for name in ("pathological.txt", "email_long_quote.txt"):
        body = (GUARDS / name).read_text(encoding="utf-8")
        raw = b"From: a@example.com\r\nSubject: x\r\n\r\n" + body.encode()
        guards[name] = {
            "fragments_s": round(best_of(partial(read_fragments, body)), 5),
            "strip_quotation_s": round(best_of(partial(strip_quotation, body)), 5),
            "visible_reply_s": round(best_of(partial(visible_reply, body)), 5),
            "parse_email_s": round(best_of(partial(parse_email, raw)), 5),
        }
    corpus = sorted((FIXTURES / "sisimai_set_of_emails" / "maildir").rglob("*.eml"))
    corpus += sorted((FIXTURES / "mailgun_talon" / "tests" / "fixtures").rglob("*.eml"))
    raws = [path.read_bytes() for path in corpus]
    per_mail = []
    for raw in raws:
        start = time.perf_counter()
        parse_email(raw)
        per_mail.append(time.perf_counter() - start)
    worst = max(max(g.values()) for g in guards.values())
    return {
        "guards": guards,
        "guard_limit_s": LIMIT_SECONDS,
        "guards_within_limit": worst < LIMIT_SECONDS,
        "worst_guard_ratio_of_limit": round(worst / LIMIT_SECONDS, 4),
        "corpus_mails": len(raws),
        "corpus_mails_per_s": round(len(raws) / sum(per_mail), 1),
        "corpus_p50_ms": round(statistics.median(per_mail) * 1000, 3),
        "corpus_p99_ms": round(sorted(per_mail)[int(len(per_mail) * 0.99) - 1] * 1000, 3),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
