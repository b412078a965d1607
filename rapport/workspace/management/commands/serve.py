"""`rapport serve`: the desk's production web server (uvicorn running `rapport.asgi`).

One ASGI server for pages, the API, static files (WhiteNoise) and the live sockets. With more
than one worker process set REDIS_URL: the in-memory channel layer reaches only its own process
(docs/operations.md).
"""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve the desk (pages, API, static files, live sockets) with uvicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--workers", type=int, default=1, help="Worker processes (more need REDIS_URL)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers: int = options["workers"]
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be between 1 and 65535")
        if workers > 1 and not settings.REDIS_URL:
            self.stderr.write(
                "Warning: without REDIS_URL each worker has its own in-memory channel layer: "
                "live nudges reach only the sockets of the process that sent them (pages still "
                "catch up by their slow poll)."
            )
        self.stdout.write(f"Serving Rapport on http://{options['host']}:{options['port']}/")
        uvicorn.run(
            "rapport.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=workers,
            lifespan="off",  # Django has no lifespan events
            # A proxy's X-Forwarded-* headers are read by the desk itself, as configured
            # (RAPPORT_TRUSTED_PROXY_COUNT, RAPPORT_PROXY_SSL_HEADER), never by the server.
            proxy_headers=False,
            log_level="info" if settings.DEBUG else "warning",
        )
