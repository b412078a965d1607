"""The `rapport` command: Django's management commands under the project's settings."""

from __future__ import annotations

import os
import sys

from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    # `rapport create-api-token` reads better than Django's module name `create_api_token`.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    if args[:1] == ["serve"]:  # read by the settings: an ASGI server pools its connections
        os.environ.setdefault("RAPPORT_SERVER", "asgi")
    execute_from_command_line(["rapport", *args])


if __name__ == "__main__":
    main()
