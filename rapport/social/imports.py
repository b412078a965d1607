"""Reading an export of posts (JSONL or CSV) into checked posts, every row before any is taken
in: each bad row is reported with its line number and why, so a file is fixed and imported
whole (`rapport social-import`, rapport/social/actions/imports.py).

Both formats use the webhook's field names: `platform`, `post_id`, `author_handle`,
`author_id` (optional: the author's account id), `author_name`, `text`, `url`, `posted_at` (ISO
8601 with its offset), `in_reply_to`, `rating` (1-5, blank for a post). CSV has them as its
header row; other columns are ignored (and named in the report). A post appearing twice in
one file is a bad row: which line it repeats is said.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from rapport.lib.errors import ActionError
from rapport.social.actions.ingest import IncomingPost, check_post

Format = Literal["jsonl", "csv"]
FIELDS = (
    "platform",
    "post_id",
    "author_handle",
    "author_id",
    "author_name",
    "text",
    "url",
    "posted_at",
    "in_reply_to",
    "rating",
)
REQUIRED = ("platform", "post_id", "author_handle", "text", "posted_at")


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str


@dataclass
class ReadFile:
    posts: list[IncomingPost] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def format_of(filename: str, given: str | None) -> Format:
    """The format asked for, else the one the file's extension names."""
    if given:
        if given not in ("jsonl", "csv"):
            raise ActionError(f"{given!r} is not a format: use jsonl or csv.", field="format")
        return given  # type: ignore[return-value]
    name = filename.lower()
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    raise ActionError(
        f"Cannot tell the format of {filename!r} from its name: give --format jsonl or csv.",
        field="format",
    )


def read_posts(content: bytes, *, fmt: Format, platform: str = "") -> ReadFile:
    """Every row of the file checked; `platform` fills rows that name none."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return ReadFile(bad=[BadRow(line, "the file is not UTF-8 text from here on")])
    result = ReadFile()
    rows = _jsonl_rows(text) if fmt == "jsonl" else _csv_rows(text, result)
    first_seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        if isinstance(row, str):
            result.bad.append(BadRow(line, row))
            continue
        try:
            post = _post(row, platform=platform)
            checked = check_post(post)
        except ActionError as exc:
            result.bad.append(BadRow(line, exc.message))
            continue
        key = (checked.platform, checked.post_id)
        if key in first_seen:
            result.bad.append(
                BadRow(line, f"the same post ({checked.post_id}) as line {first_seen[key]}")
            )
            continue
        first_seen[key] = line
        result.posts.append(post)
    return result


def _jsonl_rows(text: str) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    # Only "\n" ends a line (a CRLF's "\r" is white space to JSON): str.splitlines also cuts at
    # U+2028, U+0085 and form feeds, which JSON lets stand raw inside a post's text.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"not a JSON object ({exc.msg} at column {exc.colno})"
            continue
        except RecursionError:
            yield number, "not a JSON object (nested too deeply)"
            continue
        yield number, row if isinstance(row, dict) else "not a JSON object"


def _csv_rows(text: str, result: ReadFile) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        yield 1, f"the header row cannot be read: {exc}"
        return
    missing = [name for name in REQUIRED if name not in header and name != "platform"]
    if missing:
        yield 1, f"the header row lacks {', '.join(missing)} (columns: {', '.join(FIELDS)})"
        return
    result.ignored_columns = [name for name in header if name not in FIELDS]
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, f"the row cannot be read as CSV: {exc}"
            return
        if None in row:
            yield start, "more values than columns"
        else:
            yield start, row
        start = reader.line_num + 1


def _text(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ActionError(f"{name} must be text.", field=name)
    return value


def _id(row: Mapping[str, Any], name: str) -> str:
    """An id, which a JSON export may write as a number."""
    value = row.get(name)
    return (
        str(value) if isinstance(value, int) and not isinstance(value, bool) else _text(row, name)
    )


def _post(row: Mapping[str, Any], *, platform: str) -> IncomingPost:
    for name in REQUIRED:
        if name == "platform" and platform:
            continue
        if row.get(name) in (None, ""):
            raise ActionError(f"{name} is missing.", field=name)
    posted = _text(row, "posted_at")
    try:
        posted_at = datetime.fromisoformat(posted.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ActionError(
            f"posted_at {posted[:40]!r} is not a time (e.g. 2026-12-07T09:30:00Z).",
            field="posted_at",
        ) from exc
    return IncomingPost(
        platform=_text(row, "platform") or platform,
        post_id=_id(row, "post_id"),
        author_handle=_text(row, "author_handle"),
        author_id=_id(row, "author_id"),
        author_name=_text(row, "author_name"),
        text=_text(row, "text"),
        url=_text(row, "url"),
        posted_at=posted_at,
        in_reply_to=_text(row, "in_reply_to"),
        rating=_rating(row.get("rating")),
    )


def _rating(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ActionError("rating must be a whole number of stars from 1 to 5.", field="rating")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ActionError("rating must be a whole number of stars from 1 to 5.", field="rating")
