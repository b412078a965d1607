"""redis-server on loopback, started and stopped by a test (a missing server fails in CI)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time

from tests.asgi_server import free_port
from tests.conftest import missing_component


class RedisServer:
    """`with RedisServer() as redis:` runs one on a free port (`redis.url`); `stop()` kills it
    mid-test and `start()` brings it back on the same port, empty."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = tempfile.TemporaryDirectory()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing_component(
                "redis-server is not installed (Debian package redis-server; .ci/run installs it)"
            )
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [*command, "--dir", self.folder.name], stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError as exc:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from exc
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.folder.cleanup()
