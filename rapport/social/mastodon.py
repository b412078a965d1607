"""Mastodon over plain HTTP: the mentions of the desk's account, and replies to them.

Only what the documented REST API says (docs.joinmastodon.org): `GET /api/v1/notifications`
with `types[]=mention`, `since_id` and `limit`, paged by the `Link` header (`rel="next"` goes to
older notifications: it carries `max_id` and drops `since_id`, so a walk stops at the cursor
itself); the `X-RateLimit-Limit/Remaining/Reset` headers (Reset is an ISO 8601 time);
`GET /api/v1/statuses/:id`; `POST /api/v1/statuses` with `status`, `in_reply_to_id`,
`visibility` and an `Idempotency-Key` header (the same key within an hour answers the status
it made the first time, so a retry never posts twice).

Every failure is a `MastodonError` saying what happened, and whether trying again can help
(`temporary`): a 5xx, a timeout, no connection and an answer that is not the API's JSON are
temporary; a refusal (4xx) is not, except 429 (`RateLimited`, with when to try again).

No Django here but `rapport.lib.html`: the poller (`rapport.social.polling`) and the reply
transport (`rapport.social.transport`) hold the database side.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from rapport.lib.html import to_text

# (connect, read) seconds: a stalled instance must not hold a worker.
TIMEOUT = (5.0, 20.0)
# An answer is read whole within these (the read timeout above is per chunk: a server trickling
# bytes, or sending without end, would otherwise hold the worker and its memory for ever).
MAX_ANSWER_BYTES = 8 * 1024 * 1024
ANSWER_SECONDS = 60.0
PAGE_SIZE = 40  # Mastodon's default; its maximum for notifications is 80
MAX_PAGES = 50  # a walk longer than this is cut (and reported): 2,000 mentions per poll
# Mastodon counts requests in windows of five minutes (its X-RateLimit-Reset says when).
RATE_WINDOW = timedelta(minutes=5)
STATUS_LIMIT = 500  # characters in a status on a stock instance
USER_AGENT = "Rapport (+https://rapport.invalid/docs/social)"
# How much earlier than it reached the network a post may say it was written (its author's
# clock, or their instance's, is slow).
CLOCK_SKEW = timedelta(minutes=10)
VISIBILITIES = ("public", "unlisted", "private", "direct")
_DIGITS = re.compile(r"\d+")
NOTIFICATIONS = "/api/v1/notifications"
Params = list[tuple[str, str]]


class MastodonError(Exception):
    """What went wrong talking to the instance, in words an operator can act on."""

    temporary = True


class Unavailable(MastodonError):
    """A 5xx, a timeout or no connection: try again later."""


class Malformed(MastodonError):
    """The answer was not the API's JSON (an HTML error page, a proxy's, a truncated body)."""


class Refused(MastodonError):
    """A 4xx: the token, its scopes or the request is wrong; trying again will not help."""

    temporary = False

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class RateLimited(MastodonError):
    """429, or no requests left in this window: nothing more until `reset`."""

    def __init__(self, message: str, *, reset: datetime | None) -> None:
        super().__init__(message)
        self.reset = reset


@dataclass(frozen=True)
class RateLimit:
    limit: int | None = None
    remaining: int | None = None
    reset: datetime | None = None

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining <= 0


@dataclass(frozen=True)
class Mention:
    """One mention notification and its status, the content as plain text."""

    notification_id: str
    status_id: str
    url: str
    text: str
    posted_at: datetime
    in_reply_to_id: str
    acct: str
    account_id: str  # the author's id on the instance read (it outlives `acct`)
    display_name: str


@dataclass(frozen=True)
class Page:
    mentions: list[Mention]
    notification_ids: list[str]  # every notification on the page, newest first
    next_url: str | None
    rate: RateLimit


@dataclass(frozen=True)
class Mentions:
    """The mentions newer than the cursor, oldest first, and the last rate-limit headers."""

    mentions: list[Mention]
    newest_id: str  # the newest notification seen ("" when none): the next cursor
    rate: RateLimit
    pages: int


@dataclass(frozen=True)
class Status:
    id: str
    url: str
    visibility: str
    acct: str


def newer(a: str, b: str) -> bool:
    """Whether notification id `a` is newer than `b` (ids are numeric strings; "" is oldest)."""
    if not b:
        return bool(a)
    if _DIGITS.fullmatch(a) and _DIGITS.fullmatch(b):
        return int(a) > int(b)
    return (len(a), a) > (len(b), b)


class Mastodon:
    """One account on one instance (`base_url` like "https://mastodon.example")."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: tuple[float, float] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"{base_url!r} is not an http(s) address of a Mastodon instance")
        self.origin = (parts.scheme, parts.netloc)
        self.host = parts.hostname or parts.netloc
        self.timeout = timeout or TIMEOUT
        self.session = session or requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT})

    # -- Mentions --------------------------------------------------------------------------------

    def mentions(self, *, since_id: str, page_size: int | None = None) -> Mentions:
        """Every mention newer than `since_id`, oldest first, walking `rel="next"` down to it.

        With no cursor, only the newest page (the desk starts listening now, not from the
        account's whole history). Raises `RateLimited` when the window runs out before the walk
        reaches the cursor: what was read is dropped, the caller keeps its cursor.
        """
        page_size = page_size or PAGE_SIZE
        params: Params = [("types[]", "mention"), ("limit", str(page_size))]
        if since_id:
            params.append(("since_id", since_id))
        page = self._page(params)
        pages = [page]
        while since_id and page.next_url and self._continues(page, since_id, page_size):
            if len(pages) >= MAX_PAGES:
                raise Unavailable(
                    f"More than {MAX_PAGES * page_size} new mentions: stopped after "
                    f"{MAX_PAGES} pages without reaching the last one read (#{since_id})."
                )
            if page.rate.exhausted:
                raise RateLimited(
                    f"Rate limit reached after {len(pages)} pages of mentions",
                    reset=page.rate.reset,
                )
            page = self._page(_next_params(page.next_url))
            pages.append(page)
        found: dict[str, Mention] = {}
        for each in pages:
            for mention in each.mentions:
                if newer(mention.notification_id, since_id):
                    found.setdefault(mention.notification_id, mention)
        ids = [i for each in pages for i in each.notification_ids if newer(i, since_id)]
        newest = max(ids, key=lambda i: (len(i), i), default="")
        ordered = sorted(found.values(), key=lambda m: (len(m.notification_id), m.notification_id))
        return Mentions(ordered, newest, pages[-1].rate, len(pages))

    @staticmethod
    def _continues(page: Page, since_id: str, page_size: int) -> bool:
        """More to read: the page was full and did not reach the cursor (a page of fewer
        than asked for holds everything newer than since_id)."""
        ids = page.notification_ids
        return len(ids) >= page_size and all(newer(i, since_id) for i in ids)

    def _page(self, params: Params) -> Page:
        response = self._send("GET", f"{self.base_url}{NOTIFICATIONS}", params=params)
        body = _json(response)
        if not isinstance(body, list):
            raise Malformed(f"Notifications were not a list: {sample(response)}")
        mentions = [m for m in (_mention(item) for item in body) if m is not None]
        ids = [_id(item) for item in body]
        links = response.links
        return Page(mentions, ids, links.get("next", {}).get("url"), _rate(response))

    # -- Replies ---------------------------------------------------------------------------------

    def status(self, status_id: str) -> Status:
        response = self._send("GET", f"{self.base_url}/api/v1/statuses/{status_id}")
        return _status(_json(response), response)

    def post_status(
        self, *, text: str, in_reply_to_id: str, visibility: str, idempotency_key: str
    ) -> Status:
        """Post `text` as a reply; the same `idempotency_key` again answers the same status."""
        if visibility not in VISIBILITIES:
            raise ValueError(f"{visibility!r} is not a Mastodon visibility")
        response = self._send(
            "POST",
            f"{self.base_url}/api/v1/statuses",
            data={"status": text, "in_reply_to_id": in_reply_to_id, "visibility": visibility},
            headers={"Idempotency-Key": idempotency_key},
        )
        return _status(_json(response), response)

    # -- HTTP ------------------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Params | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        where = f"{method} {urlsplit(url).path}"
        response = send(
            self.session,
            method,
            url,
            where=where,
            host=self.host,
            timeout=self.timeout,
            rate=_rate,
            params=params,
            data=data,
            headers=dict(headers or {}),
        )
        status = response.status_code
        if status >= 300:
            raise Refused(
                f"{where}: {self.host} refused it ({status}: {_error(response)})", status=status
            )
        return response


def send(
    http: requests.Session,
    method: str,
    url: str,
    *,
    where: str,
    host: str,
    timeout: tuple[float, float],
    rate: Callable[[requests.Response], RateLimit],
    **options: Any,
) -> requests.Response:
    """One request, no redirects followed; what cannot help to read is raised: no answer or a
    timeout and a 5xx (`Unavailable`), a 429 (`RateLimited`, until the platform's reset). Both
    platforms' clients send through this."""
    try:
        response = http.request(
            method, url, timeout=timeout, allow_redirects=False, stream=True, **options
        )
        _read_whole(response, where=where, host=host)
    except requests.Timeout as exc:
        raise Unavailable(f"{where} on {host} timed out ({exc})") from exc
    except requests.RequestException as exc:
        raise Unavailable(f"{where}: cannot reach {host} ({exc})") from exc
    status = response.status_code
    if status == 429:
        raise RateLimited(f"{where}: rate limited by {host} (429)", reset=rate(response).reset)
    if status >= 500:
        raise Unavailable(f"{where}: {host} answered {status} ({sample(response)})")
    return response


def _read_whole(response: requests.Response, *, where: str, host: str) -> None:
    """The answer's body, read within ANSWER_SECONDS and MAX_ANSWER_BYTES (else raised: the
    poll is reported and its cursor kept), kept on the response for `.json()` and `.text`."""
    deadline = time.monotonic() + ANSWER_SECONDS
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise Malformed(f"{where}: {host} answered more than {MAX_ANSWER_BYTES:,} bytes")
            if time.monotonic() > deadline:
                raise Unavailable(f"{where}: {host} took over {ANSWER_SECONDS:.0f} s to answer")
            chunks.append(chunk)
    finally:
        response.close()
    response._content = b"".join(chunks)


def _next_params(link: str) -> Params:
    """The paging parameters of a `rel="next"` link, asked of the configured instance: the
    link's own host (the instance's web domain, or whatever a proxy wrote) never gets the
    token."""
    parts = urlsplit(link)
    if not parts.path.endswith(NOTIFICATIONS):
        raise Malformed(f"The next page's link is not to the notifications ({link})")
    return parse_qsl(parts.query)


def _id(item: object) -> str:
    if not isinstance(item, dict) or not item.get("id"):
        raise Malformed(f"A notification has no id ({str(item)[:120]!r})")
    return str(item["id"])


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise Malformed(
            f"{response.request.method} {urlsplit(response.url).path}: the answer was not JSON "
            f"({sample(response)})"
        ) from exc


def sample(response: requests.Response) -> str:
    text = " ".join(response.text[:120].split())
    return f"{response.headers.get('Content-Type', 'no content type')}: {text!r}"


def _error(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return sample(response)
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return str(body["error"])[:300]
    return sample(response)


def _rate(response: requests.Response) -> RateLimit:
    headers = response.headers
    return RateLimit(
        limit=_int(headers.get("X-RateLimit-Limit")),
        remaining=_int(headers.get("X-RateLimit-Remaining")),
        reset=_time(headers.get("X-RateLimit-Reset")),
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _time(value: str | None) -> datetime | None:
    """An ISO 8601 time (Mastodon's), aware; None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def said_at(claimed: datetime, *, seen: datetime) -> datetime:
    """When a post was written, as the desk counts it: the time its author's side claims (a
    remote instance's created_at, a Bluesky record's createdAt), unless that is earlier than the
    desk's side first saw it by more than a slow clock's minutes; then when it was seen. Anyone
    can date a mention a year back: its case was overdue the moment it came, and each such post
    marked a settled day of the insights changed."""
    return seen if claimed < seen - CLOCK_SKEW else claimed


def _mention(item: object) -> Mention | None:
    """The mention in one notification; None for another type or a deleted status."""
    try:
        if not isinstance(item, dict):
            raise TypeError("a notification is not an object")
        if item["type"] != "mention" or not item.get("status"):
            return None
        status = item["status"]
        account = status.get("account") or item["account"]
        posted_at = datetime.fromisoformat(str(status["created_at"]))
        noticed = datetime.fromisoformat(str(item["created_at"]))
        if posted_at.tzinfo is None or noticed.tzinfo is None:
            raise ValueError("created_at has no time zone")
        return Mention(
            notification_id=str(item["id"]),
            status_id=str(status["id"]),
            url=str(status.get("url") or status.get("uri") or ""),
            text=to_text(str(status["content"])),
            posted_at=said_at(posted_at, seen=noticed),
            in_reply_to_id=str(status.get("in_reply_to_id") or ""),
            acct=str(account["acct"]),
            account_id=str(account["id"]),
            display_name=str(account.get("display_name") or account.get("username") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Malformed(f"A notification is not one the API documents ({exc!r})") from exc


def _status(body: Any, response: requests.Response) -> Status:
    if not isinstance(body, dict) or not body.get("id"):
        raise Malformed(f"The answer was not a status with an id ({sample(response)})")
    account = body.get("account") or {}
    return Status(
        id=str(body["id"]),
        url=str(body.get("url") or body.get("uri") or ""),
        visibility=str(body.get("visibility") or "public"),
        acct=str(account.get("acct") or "") if isinstance(account, dict) else "",
    )
