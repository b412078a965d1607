"""The SMTP listener (aiosmtpd): every accepted message is committed before the 250 reply.

The asyncio loop only talks SMTP; the database work runs in one worker thread, so the loop is
never blocked and writes are not interleaved. A database that cannot be reached gets a 451 (the
sender keeps the message and tries again), never a 250 for a message we do not hold.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections, connections

from rapport.mail.actions.intake import MessageTooBig, store_inbound_email
from rapport.mail.models import Source

logger = logging.getLogger("rapport.mail.smtpd")

TOO_BIG = "552 5.3.4 Message too big"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
TRY_LATER = "451 4.3.0 Temporarily unable to store the message; please try again later"


class IntakeHandler:
    """aiosmtpd handler: store the exact bytes and envelope, answer once they are committed."""

    def __init__(self, *, max_size: int) -> None:
        self.max_size = max_size
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smtpd-db")
        self._lock = threading.Lock()
        self._in_flight = 0
        self._idle = threading.Event()
        self._idle.set()

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= settings.RAPPORT_INBOUND_MAX_RECIPIENTS:
            return TOO_MANY_RECIPIENTS  # RFC 5321 4.5.3.1.8: the client sends the rest later
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        raw = envelope.original_content or b""
        if not isinstance(raw, bytes):  # pragma: no cover - decode_data is off
            raw = str(raw).encode("utf-8", "surrogateescape")
        if len(raw) > self.max_size:
            return TOO_BIG
        peer = session.peer
        self._begin()
        try:
            row_id = await asyncio.get_running_loop().run_in_executor(
                self.executor,
                self._store,
                raw,
                envelope.mail_from or "",
                list(envelope.rcpt_tos),
                f"peer={peer[0]}" if isinstance(peer, tuple) else "",
            )
        except MessageTooBig:  # over RAPPORT_INBOUND_MAX_BYTES, if --max-size was set higher
            return TOO_BIG
        except Exception:
            logger.exception("Could not store a message from %s; answered 451", peer)
            return TRY_LATER
        finally:
            self._end()
        return f"250 2.0.0 OK queued as {row_id}"

    def _store(self, raw: bytes, mail_from: str, rcpt_tos: list[str], peer: str) -> int:
        close_old_connections()
        row = store_inbound_email(
            raw=raw,
            source=Source.SMTP,
            envelope_from=mail_from,
            envelope_to=rcpt_tos,
            source_ref=peer,
        )
        return row.pk

    def _begin(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._idle.clear()

    def _end(self) -> None:
        with self._lock:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    def wait_idle(self, timeout: float) -> bool:
        """Wait for messages being stored right now; True if none is left."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self.executor.submit(connections.close_all).result()
        self.executor.shutdown(wait=True)


class _IntakeSMTP(SMTP):
    """aiosmtpd's server with an RFC 3463 size refusal instead of its generic wording."""

    async def push(self, status: Any) -> None:
        if isinstance(status, str) and status.startswith("552 Error:"):
            status = TOO_BIG
        await super().push(status)


class IntakeController(Controller):
    """A threaded listener on host:port; `stop_gracefully` lets messages in hand finish."""

    handler: IntakeHandler

    def __init__(
        self, *, host: str, port: int, max_size: int, server_hostname: str | None = None
    ) -> None:
        super().__init__(
            IntakeHandler(max_size=max_size),
            hostname=host,
            port=port,
            # Looked up once here: aiosmtpd would otherwise ask DNS on every connection.
            server_hostname=server_hostname or socket.getfqdn(),
            data_size_limit=max_size,
            ident="Rapport",
        )

    def factory(self) -> SMTP:
        return _IntakeSMTP(self.handler, **self.SMTP_kwargs)

    def stop_gracefully(self, timeout: float = 30.0) -> None:
        """Stop accepting connections, wait for messages being stored, then stop."""
        if self.server is not None:
            self.loop.call_soon_threadsafe(self.server.close)
        if not self.handler.wait_idle(timeout):
            logger.warning("Stopping with messages still being stored; senders will retry")
        self.stop()
        self.handler.close()
