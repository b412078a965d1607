"""`rapport social-import FILE [--format jsonl|csv] [--brand SLUG] [--platform NAME]`."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from rapport.lib.errors import ActionError
from rapport.people.models import Brand
from rapport.social.actions.imports import ImportStopped, import_posts
from rapport.social.imports import format_of, read_posts

BAR = 30


class Command(BaseCommand):
    help = (
        "Import public posts and reviews from a JSONL or CSV export (the webhook's fields; see "
        "docs/social.md). Every row is checked first: if any is bad, each is listed as "
        "'line N: reason', nothing is imported and the exit status is 2. Then each post is "
        "taken in as the webhook takes it (one at a time: agents keep working meanwhile), and "
        "the new cases, threaded posts and duplicates are counted. An import stopped midway "
        "(exit 1) is completed by running the same file again."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The export, or - for standard input (with --format).")
        parser.add_argument(
            "--format", choices=["jsonl", "csv"], help="Default: from the file's extension."
        )
        parser.add_argument("--brand", help="The business the posts came to (its slug).")
        parser.add_argument(
            "--platform", default="", help="For rows without a platform (e.g. trustpilot)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            fmt = format_of(path if path != "-" else "", options["format"])
        except ActionError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        brand = None
        if options["brand"]:
            brand = Brand.objects.filter(slug=options["brand"]).first()
            if brand is None:
                raise CommandError(f"There is no business {options['brand']!r}.", returncode=2)
        try:
            content = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}", returncode=2) from exc
        read = read_posts(content, fmt=fmt, platform=options["platform"].strip().lower())
        if read.ignored_columns:
            self.stderr.write(f"Ignored columns: {', '.join(read.ignored_columns)}")
        if read.bad:
            for bad in read.bad:
                self.stderr.write(f"line {bad.line}: {bad.reason}")
            raise CommandError(
                f"{len(read.bad)} bad row(s) in {path}; nothing was imported. Fix them and run "
                "the import again.",
                returncode=2,
            )
        if not read.posts:
            raise CommandError(f"{path} holds no posts.", returncode=2)
        bar = _bar(self.stderr) if self.stderr.isatty() else None
        try:
            counts = import_posts(posts=read.posts, brand=brand, progress=bar)
        except ImportStopped as exc:
            if bar is not None:
                self.stderr.write("")
            raise CommandError(str(exc), returncode=1) from exc
        if bar is not None:
            self.stderr.write("")
        self.stdout.write(
            f"{len(read.posts)} posts imported: {counts['new_case']} new cases, "
            f"{counts['threaded']} threaded on open cases, {counts['duplicate']} duplicates "
            "(already taken in)."
        )


def _bar(out: OutputWrapper) -> Callable[[int, int], None]:
    """A progress bar redrawn in place (only on a terminal: a log gets the report alone)."""

    def show(done: int, total: int) -> None:
        filled = BAR * done // total
        out.write(f"\rImporting [{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}", ending="")
        out.flush()

    return show
