"""Thread the 292-message fedora-devel mbox (jwzthreading_rth) and compare with MHonArc.

Prints JSON: the fraction of messages whose thread holds exactly MHonArc's messages.
Run: .venv/bin/python bench/threading_eval.py
"""

from __future__ import annotations

import email.parser
import email.policy
import gzip
import json
import os
import re
from pathlib import Path

from rapport.mail.parse import parse_message_ids
from rapport.mail.threading import ThreadMessage, grouping_agreement, root_of, thread

# Where the shared fixtures are, as tests/conftest.py finds them ($RAPPORT_SHARED_FIXTURES first).
SHARED = (
    os.environ.get("RAPPORT_SHARED_FIXTURES")
    or Path(__file__).resolve().parents[2] / "shared/fixtures"
)
FIXTURE = Path(SHARED) / "jwzthreading_rth"
_SEPARATOR = re.compile(rb"^From .*\d\d \d\d\d\d$", re.MULTILINE)


def load_mbox(fixture: Path = FIXTURE) -> list[ThreadMessage[int]]:
    data = gzip.decompress((fixture / "data" / "2010-January.txt.gz").read_bytes())
    starts = [m.start() for m in _SEPARATOR.finditer(data)]
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    messages = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(data)
        chunk = data[start:end].split(b"\n", 1)[1]
        headers = parser.parsebytes(chunk)
        messages.append(
            ThreadMessage(
                key=index,
                message_id=next(iter(parse_message_ids(str(headers["Message-ID"] or ""))), ""),
                in_reply_to=parse_message_ids(str(headers["In-Reply-To"] or "")),
                references=parse_message_ids(str(headers["References"] or "")),
                subject=str(headers["Subject"] or ""),
            )
        )
    return messages


def expected_roots(fixture: Path = FIXTURE) -> dict[int, int]:
    expected = json.loads((fixture / "expected_threads.json").read_text())
    return {m["idx"]: m["mhonarc_root_idx"] for m in expected["messages"]}


def evaluate(
    *, group_by_subject: bool = False, fixture: Path = FIXTURE
) -> dict[str, float | int | bool]:
    messages = load_mbox(fixture)
    roots = thread(messages, group_by_subject=group_by_subject)
    predicted = root_of(roots)
    expected = expected_roots(fixture)
    return {
        "messages": len(messages),
        "threads": len(roots),
        "expected_threads": len(set(expected.values())),
        "group_by_subject": group_by_subject,
        "agreement": round(grouping_agreement(predicted, expected), 4),
    }


if __name__ == "__main__":
    print(json.dumps({"headers_only": evaluate(), "with_subject": evaluate(group_by_subject=True)}))
