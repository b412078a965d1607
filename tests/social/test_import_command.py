"""`rapport social-import FILE`: JSONL and CSV, every row checked first (bad rows listed with
their line numbers, nothing imported, exit 2), a failure midway (whole posts kept, a rerun
completes), a progress bar on a terminal, the report of new cases, threaded posts and
duplicates, --brand."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from rapport.cases.models import Case
from rapport.people.models import Brand
from rapport.social.models import SocialPost
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("at_now")


def row(post_id: str, **more: Any) -> dict[str, Any]:
    return {
        "platform": "trustpilot",
        "post_id": post_id,
        "author_handle": f"reviewer{post_id}",
        "author_name": f"Reviewer {post_id}",
        "text": f"Review number {post_id}",
        "url": f"https://trustpilot.example/r/{post_id}",
        "posted_at": "2026-12-06T10:00:00Z",
        "rating": 4,
        **more,
    }


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(path: Path, *args: str, stderr: io.StringIO | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    call_command("social_import", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def jsonl(tmp_path: Path, rows: list[dict[str, Any] | str], name: str = "posts.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n",
        encoding="utf-8",
    )
    return path


def test_a_jsonl_file_is_imported_with_its_report(world: World, tmp_path: Path) -> None:
    first = row("1", author_handle="maria")
    reply = row("2", author_handle="maria", in_reply_to="1", rating=None, text="And again")
    path = jsonl(tmp_path, [reply, first, row("3")])  # out of order: oldest first on import
    reply["posted_at"] = "2026-12-06T11:00:00Z"
    path = jsonl(tmp_path, [reply, first, row("3")])

    out, _ = run(path)

    assert out.strip() == (
        "3 posts imported: 2 new cases, 1 threaded on open cases, 0 duplicates (already taken in)."
    )
    assert set(SocialPost.objects.values_list("source", flat=True)) == {"import"}

    again, _ = run(path)
    assert "0 new cases, 0 threaded on open cases, 3 duplicates" in again


def test_a_csv_file_with_the_brand(world: World, tmp_path: Path) -> None:
    Brand.objects.create(name="Night Clinic", slug="night")
    path = tmp_path / "export.CSV"
    path.write_text(
        "post_id,author_handle,author_name,text,posted_at,rating,stars_shown\n"
        '9,@pat,Pat,"Great team,\nslow phone line",2026-12-05T08:00:00+01:00,5,*****\n',
        encoding="utf-8",
    )

    out, err = run(path, "--platform", "Trustpilot", "--brand", "night")

    assert "1 posts imported: 1 new cases" in out
    assert "Ignored columns: stars_shown" in err
    post = SocialPost.objects.get()
    assert (post.platform, post.author_handle, post.rating) == ("trustpilot", "pat", 5)
    assert post.text == "Great team,\nslow phone line"
    assert post.case is not None and post.case.brand is not None
    assert post.case.brand.slug == "night"


def test_an_author_id_matches_the_account_across_handles(world: World, tmp_path: Path) -> None:
    """A JSONL id may be a number; a CSV row without one is matched by its handle."""
    rows: list[dict[str, Any] | str] = [
        row("1", platform="mastodon", author_handle="ann@social.example", author_id=42),
        row("2", platform="mastodon", author_handle="annie@social.example", author_id="42"),
        row("3", platform="mastodon", author_handle="ann@social.example", author_id="43"),
    ]
    out, _ = run(jsonl(tmp_path, rows))
    assert "3 posts imported: 2 new cases, 1 threaded" in out
    posts = {p.post_id: p for p in SocialPost.objects.all()}
    assert posts["1"].author_id == posts["2"].author_id == "42"
    assert posts["2"].case == posts["1"].case and posts["3"].customer != posts["1"].customer
    path = tmp_path / "more.csv"
    path.write_text(
        "platform,post_id,author_handle,author_id,text,posted_at\n"
        "mastodon,4,annie@social.example,,Any news?,2026-12-06T12:00:00Z\n",
        encoding="utf-8",
    )
    more, _ = run(path)
    assert "1 threaded" in more
    assert SocialPost.objects.get(post_id="4").case == posts["1"].case


def test_bad_rows_are_listed_by_line_and_nothing_is_imported(world: World, tmp_path: Path) -> None:
    path = jsonl(
        tmp_path,
        [
            row("1"),
            "",  # blank lines are skipped, and counted
            row("2", rating=7),
            "{not json",
            row("1", text="the same id again"),
            row("4", posted_at="yesterday"),
            row("5", url="javascript:alert(1)"),
            row("6", text="x" * 30_000),
            "[" * 100_000,  # nested past what the parser can hold: was a RecursionError
            row("7"),
        ],
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as failed:
        run(path, stderr=err)

    assert failed.value.returncode == 2
    assert "7 bad row(s)" in str(failed.value) and "nothing was imported" in str(failed.value)
    lines = err.getvalue().splitlines()
    assert lines == [
        "line 3: rating must be a whole number of stars from 1 to 5.",
        "line 4: not a JSON object (Expecting property name enclosed in double quotes at column 2)",
        "line 5: the same post (1) as line 1",
        "line 6: posted_at 'yesterday' is not a time (e.g. 2026-12-07T09:30:00Z).",
        "line 7: url (the post's address) must be an http(s) address of up to 2000 characters.",
        "line 8: text is 30,000 characters; the desk takes posts of up to 20,000.",
        "line 9: not a JSON object (nested too deeply)",
    ]
    assert not SocialPost.objects.exists()
    assert Case.objects.count() == 1  # the world's own


def test_a_csv_row_that_cannot_be_read_is_reported_with_its_line(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        "platform,post_id,author_handle,text,posted_at\n"
        "mastodon,1,a@x.example,fine,2026-12-06T10:00:00Z\n"
        "mastodon,2,b@x.example,too,many,2026-12-06T10:00:00Z\n"
        "mastodon,3,,no handle,2026-12-06T10:00:00Z\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        run(path, stderr=err)
    assert err.getvalue().splitlines() == [
        "line 3: more values than columns",
        "line 4: author_handle is missing.",
    ]
    assert not SocialPost.objects.exists()


def test_a_missing_column_an_unknown_format_and_a_missing_file(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("platform,post_id,text\nx,1,hi\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        run(path, stderr=err)
    assert "line 1: the header row lacks author_handle, posted_at" in err.getvalue()
    with pytest.raises(CommandError, match="give --format jsonl or csv"):
        run(tmp_path / "posts.txt")
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "absent.jsonl")
    with pytest.raises(CommandError, match="no business 'nope'"):
        run(jsonl(tmp_path, [row("1")]), "--brand", "nope")


def test_a_progress_bar_on_a_terminal_only(world: World, tmp_path: Path) -> None:
    path = jsonl(tmp_path, [row(str(n)) for n in range(1, 4)])
    terminal = Terminal()
    run(path, stderr=terminal)
    assert "\rImporting [" in terminal.getvalue() and "] 3/3" in terminal.getvalue()

    quiet = io.StringIO()
    run(jsonl(tmp_path, [row("9")], name="more.jsonl"), stderr=quiet)
    assert "Importing" not in quiet.getvalue()


def test_the_format_option_overrides_the_extension(world: World, tmp_path: Path) -> None:
    path = jsonl(tmp_path, [row("1")], name="export.txt")
    out, _ = run(path, "--format", "jsonl")
    assert "1 posts imported" in out


def test_a_failure_midway_keeps_whole_posts_and_a_rerun_completes_the_file(
    world: World, tmp_path: Path, settings: Any
) -> None:
    # Configured above what a case message holds: row 3 passes the check, then fails when taken
    # in, after rows 1 and 2 were.
    settings.RAPPORT_SOCIAL_MAX_TEXT = 200_000
    rows: list[dict[str, Any] | str] = [
        row("1"),
        row("2"),
        row("3", text="y" * 150_000, posted_at="2026-12-06T12:00:00Z"),
    ]
    path = jsonl(tmp_path, rows)
    with pytest.raises(CommandError, match="stopped at post 3 of 3") as failed:
        run(path)
    assert failed.value.returncode == 1
    assert "The 2 post(s) before it were taken in" in str(failed.value)
    # Never half a post: each one taken in has its case and its message.
    taken = list(SocialPost.objects.order_by("post_id"))
    assert [p.post_id for p in taken] == ["1", "2"]
    assert all(p.case_id and p.message_id and p.customer_id for p in taken)
    assert Case.objects.count() == 1 + 2

    rows[2] = row("3", text="Short again", posted_at="2026-12-06T12:00:00Z")
    out, _ = run(jsonl(tmp_path, rows))

    assert "1 new cases, 0 threaded on open cases, 2 duplicates" in out
    assert SocialPost.objects.count() == 3 and Case.objects.count() == 1 + 3


def test_a_jsonl_post_with_a_raw_line_separator_is_one_row(world: World, tmp_path: Path) -> None:
    # JSON lets U+2028/U+2029 (and U+0085) stand raw inside a string (json.dumps with
    # ensure_ascii=False writes them so): only "\n" ends a JSONL line. A CRLF file too.
    words = "First line\u2028second\u2029third\x85fourth\x0cend"
    path = tmp_path / "posts.jsonl"
    rows = [row("1", text=words), row("2")]
    path.write_bytes(
        "\r\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode() + b"\r\n"
    )

    out, _ = run(path)

    assert out.startswith("2 posts imported"), out
    assert SocialPost.objects.get(post_id="1").text == words
