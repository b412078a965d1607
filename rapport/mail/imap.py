"""`rapport fetch-imap`: read IMAP mailboxes into intake, nothing fetched twice or missed.

Each mailbox is a URL, imaps://user:pass@host:993/INBOX (imap:// for plain IMAP on loopback).
The folder is opened read-only: Rapport never changes the mailbox. Messages are fetched in UID
order, FETCH_BATCH at a time; each batch is stored with `store_inbound_emails(source="imap")`
and the folder's cursor (`ImapCursor`, per UIDVALIDITY) advanced in the same transaction, so a
crash at any point re-fetches at most the batch in hand (never stored twice: it was stored with
the cursor or not at all). A new
UIDVALIDITY starts a new cursor at zero: the folder is read again, safely.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.db.models import F
from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from rapport.mail.actions.intake import Arrival, store_inbound_emails
from rapport.mail.models import ImapCursor

logger = logging.getLogger("rapport.mail.imap")

FETCH_BATCH = 50
IDLE_RENEW_SECONDS = 29 * 60  # RFC 2177: re-issue IDLE at least every 29 minutes


class MailboxError(ValueError):
    pass


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    tls: bool = True

    @property
    def name(self) -> str:
        """How the mailbox is known in cursors and logs: no password."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"

    @classmethod
    def from_url(cls, url: str) -> Mailbox:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("imap", "imaps"):
            raise MailboxError(f"{_safe(url)}: use imaps://user:pass@host:993/INBOX or imap://")
        if not parts.hostname or not parts.username:
            raise MailboxError(f"{_safe(url)}: a host and a user are needed")
        tls = parts.scheme == "imaps"
        try:
            port = parts.port or (993 if tls else 143)
        except ValueError as exc:
            raise MailboxError(f"{_safe(url)}: {exc}") from exc
        folder = unquote(parts.path.lstrip("/")) or "INBOX"
        return cls(
            host=parts.hostname,
            port=port,
            user=unquote(parts.username),
            password=unquote(parts.password or ""),
            folder=folder,
            tls=tls,
        )


def _safe(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def mailboxes_from(urls: Iterable[str]) -> list[Mailbox]:
    return [Mailbox.from_url(url) for url in urls if url.strip()]


def connect(mailbox: Mailbox, *, timeout: float = 30.0) -> IMAPClient:
    context = ssl.create_default_context() if mailbox.tls else None
    client = IMAPClient(
        mailbox.host, port=mailbox.port, ssl=mailbox.tls, ssl_context=context, timeout=timeout
    )
    client.login(mailbox.user, mailbox.password)
    return client


def fetch_new(client: IMAPClient, mailbox: Mailbox) -> int:
    """Store every message after the cursor; returns how many were stored."""
    selected = client.select_folder(mailbox.folder, readonly=True)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    cursor, _ = ImapCursor.objects.get_or_create(mailbox=mailbox.name, uidvalidity=uidvalidity)
    # "n:*" always matches the newest message, even when it is below n: filter again.
    found = client.search(["UID", f"{cursor.last_uid + 1}:*"])
    uids = sorted(uid for uid in found if uid > cursor.last_uid)
    stored = 0
    for batch in _chunks(uids, FETCH_BATCH):
        wanted = _within_size_limit(client, mailbox, batch)
        fetched = client.fetch(wanted, ["BODY.PEEK[]", "INTERNALDATE"]) if wanted else {}
        # Expunged between SEARCH and FETCH: nothing to keep, the cursor passes them.
        arrivals = [
            Arrival(
                raw=bytes(fetched[uid].get(b"BODY[]") or b""),
                envelope_to=(mailbox.user,) if "@" in mailbox.user else (),
                source_ref=f"{mailbox.folder};uidvalidity={uidvalidity};uid={uid}",
            )
            for uid in wanted
            if uid in fetched
        ]
        # The batch and the cursor move together: all of it is kept and passed, or none.
        with transaction.atomic():
            store_inbound_emails(arrivals=arrivals, source="imap")
            _advance(cursor, batch[-1], stored=len(arrivals))
        stored += len(arrivals)
    return stored


def _within_size_limit(client: IMAPClient, mailbox: Mailbox, uids: list[int]) -> list[int]:
    """The UIDs whose message is within RAPPORT_INBOUND_MAX_BYTES, asked of the server before
    fetching; a bigger one is logged and passed (it stays in the mailbox, which is read-only)."""
    limit = settings.RAPPORT_INBOUND_MAX_BYTES
    sizes = client.fetch(uids, ["RFC822.SIZE"])
    wanted = []
    for uid in uids:
        size = int(sizes.get(uid, {}).get(b"RFC822.SIZE") or 0)
        if size > limit:
            logger.warning(
                "IMAP %s: message uid %s is %s bytes, over RAPPORT_INBOUND_MAX_BYTES (%s); not "
                "stored, left in the mailbox",
                mailbox.name,
                uid,
                size,
                limit,
            )
            continue
        wanted.append(uid)
    return wanted


def _advance(cursor: ImapCursor, uid: int, *, stored: int) -> None:
    """Move the cursor forward (never back) past `stored` new mails, in the caller's
    transaction."""
    fields: dict[str, Any] = {"last_uid": uid, "updated_at": timezone.now()}
    if stored:
        fields["fetched"] = F("fetched") + stored
    ImapCursor.objects.filter(pk=cursor.pk, last_uid__lt=uid).update(**fields)
    cursor.last_uid = max(cursor.last_uid, uid)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class MailboxWorker:
    """One mailbox, in its own thread: fetch, then wait (IDLE or poll), reconnecting on error."""

    def __init__(
        self,
        mailbox: Mailbox,
        *,
        stop: threading.Event,
        idle: bool,
        interval: float,
        idle_timeout: float,
        once: bool,
    ) -> None:
        self.mailbox = mailbox
        self.stop = stop
        self.idle = idle
        self.interval = interval
        self.idle_timeout = min(idle_timeout, IDLE_RENEW_SECONDS)
        self.once = once
        self.stored = 0
        self.error = ""

    def run(self) -> None:
        backoff = 1.0
        try:
            while not self.stop.is_set():
                try:
                    self._session()
                    backoff = 1.0
                except (OSError, IMAPClientError, DatabaseError) as exc:
                    self.error = f"{type(exc).__name__}: {exc}"
                    logger.warning("IMAP %s: %s", self.mailbox.name, self.error)
                    if self.once:
                        return
                    self.stop.wait(backoff)
                    backoff = min(backoff * 2, 300.0)
                if self.once:
                    return
        finally:
            connections.close_all()  # this thread's database connections

    def _session(self) -> None:
        client = connect(self.mailbox)
        try:
            can_idle = self.idle and client.has_capability("IDLE")
            while not self.stop.is_set():
                close_old_connections()
                self.stored += fetch_new(client, self.mailbox)
                self.error = ""
                if self.once:
                    return
                if can_idle:
                    self._wait_idle(client)
                else:
                    client.noop()
                    self.stop.wait(self.interval)
        finally:
            with contextlib.suppress(OSError, IMAPClientError):
                client.logout()

    def _wait_idle(self, client: IMAPClient) -> None:
        """IDLE until the server reports a change, the timeout passes, or we are stopped (the
        stop flag is checked every second)."""
        client.idle()
        try:
            waited = 0.0
            while not self.stop.is_set() and waited < self.idle_timeout:
                if client.idle_check(timeout=1):
                    return
                waited += 1
        finally:
            client.idle_done()


def run_mailboxes(
    mailboxes: list[Mailbox],
    *,
    stop: threading.Event,
    once: bool,
    idle: bool,
    interval: float,
    idle_timeout: float = 300.0,
) -> list[MailboxWorker]:
    """Every mailbox in its own thread until `stop` (or after one pass with `once`)."""
    workers = [
        MailboxWorker(
            mailbox, stop=stop, idle=idle, interval=interval, idle_timeout=idle_timeout, once=once
        )
        for mailbox in mailboxes
    ]
    threads = [
        threading.Thread(target=worker.run, name=f"imap:{worker.mailbox.name}", daemon=True)
        for worker in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=0.5)
    return workers
