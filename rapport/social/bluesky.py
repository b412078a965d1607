"""Bluesky over plain HTTP (XRPC): the mentions, replies and quotes of the desk's account, and
replies to them.

Only the documented lexicons (docs.bsky.app): `com.atproto.server.createSession` with the
account's handle and an app password (once per process; `com.atproto.server.refreshSession`
when the access token answers `ExpiredToken`, a new session when the refresh token has expired
too); `app.bsky.notification.listNotifications` (newest first, `cursor` to older pages, each
notification with its `reason`, `record`, `author` and `indexedAt`); `app.bsky.feed.getPosts`
(the post a reply answers: its cid and its thread's root); `com.atproto.repo.getRecord` and
`com.atproto.repo.createRecord` (the reply, an `app.bsky.feed.post` with `reply.root/parent`,
under a record key made from the outbox message, so a retry finds the post it made instead of
posting twice). The PDS's `RateLimit-Remaining` and `RateLimit-Reset` (Unix seconds) headers
are honoured.

Failures are `MastodonError`'s kinds (`Unavailable`, `Malformed`, `Refused`, `RateLimited`):
the poller and the transport treat both platforms alike.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from rapport.social.mastodon import (
    TIMEOUT,
    USER_AGENT,
    Malformed,
    RateLimit,
    RateLimited,
    Refused,
    Unavailable,
    said_at,
    sample,
    send,
)

DEFAULT_SERVICE = "https://bsky.social"
PAGE_SIZE = 50
MAX_PAGES = 40  # 2,000 notifications a poll at most (mentions or not)
REASONS = ("mention", "reply", "quote")
POST_LIMIT = 300  # graphemes in a post (characters here: a conservative count)
POST = "app.bsky.feed.post"
# What the AppView shows for any account whose handle no longer verifies: not one person's name.
INVALID_HANDLE = "handle.invalid"
_TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Notice:
    """One mention, reply or quote of the desk's account."""

    uri: str  # the post's at:// address: its id on the desk
    indexed_at: str  # a cursor value: UTC, fixed width, so later sorts after
    url: str
    text: str
    posted_at: datetime
    in_reply_to: str  # the at:// address of the post it answers ("" for none)
    handle: str
    did: str  # the author's account, which outlives their handle
    display_name: str


@dataclass(frozen=True)
class Notices:
    notices: list[Notice]  # oldest first
    rate: RateLimit
    pages: int


@dataclass(frozen=True)
class Ref:
    uri: str
    cid: str


@dataclass(frozen=True)
class PostRef:
    """A post to answer: itself and the root of its thread (itself when it starts one)."""

    parent: Ref
    root: Ref
    handle: str


@dataclass
class Session:
    did: str
    access: str
    refresh: str


# One session per account per process: createSession is limited (30 in 5 minutes, 300 a day),
# so the worker signs in once and refreshes; `rapport social-poll` signs in once a run.
_sessions: dict[tuple[str, str], Session] = {}
_sessions_lock = threading.Lock()


def forget_sessions() -> None:
    with _sessions_lock:
        _sessions.clear()


def stamp(when: datetime) -> str:
    """`when` as a cursor value: UTC with microseconds, always 27 characters."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def web_url(uri: str, handle: str) -> str:
    """The post's address on bsky.app (at://did/app.bsky.feed.post/rkey)."""
    rkey = uri.rsplit("/", 1)[-1]
    return f"https://bsky.app/profile/{handle}/post/{rkey}"


def tid(micros: int, clock: int) -> str:
    """A record key in the TID format (13 characters of base32-sortable: the microseconds since
    1970 and a 10-bit clock id), made from the outbox message so the same reply gets the same
    key every attempt."""
    value = ((micros & ((1 << 53) - 1)) << 10) | (clock & 0x3FF)
    return "".join(_TID_CHARS[(value >> (5 * i)) & 31] for i in reversed(range(13)))


class Bluesky:
    """The desk's account (`handle`, an app password) on its PDS (`service`)."""

    def __init__(
        self,
        service: str,
        handle: str,
        password: str,
        *,
        timeout: tuple[float, float] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.service = service.rstrip("/")
        parts = urlsplit(self.service)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"{service!r} is not an http(s) address of a Bluesky service")
        self.host = parts.hostname or parts.netloc
        self.handle, self.password = handle, password
        self.timeout = timeout or TIMEOUT
        self.http = session or requests.Session()
        self.http.headers.update({"User-Agent": USER_AGENT})

    # -- Notifications ---------------------------------------------------------------------------

    def notices(self, *, since: str, page_size: int | None = None) -> Notices:
        """Every mention, reply and quote indexed at or after `since` (a `stamp`), oldest first.

        With no `since`, the newest page only (the desk listens from now on). The one at `since`
        itself is read again (the intake makes it a duplicate): two posts indexed in the same
        microsecond are never skipped. Raises `RateLimited` when the window runs out first.
        """
        page_size = page_size or PAGE_SIZE
        params: list[tuple[str, str]] = [("limit", str(page_size))]
        params += [("reasons", reason) for reason in REASONS]
        found: dict[str, Notice] = {}
        pages, cursor, rate = 0, "", RateLimit()
        while True:
            if pages >= MAX_PAGES:
                raise Unavailable(
                    f"More than {MAX_PAGES * page_size} new notifications: stopped after "
                    f"{MAX_PAGES} pages without reaching the last one read ({since})."
                )
            if rate.exhausted:
                raise RateLimited(
                    f"Rate limit reached after {pages} pages of notifications", reset=rate.reset
                )
            body, rate = self._xrpc(
                "GET",
                "app.bsky.notification.listNotifications",
                params=params + ([("cursor", cursor)] if cursor else []),
            )
            pages += 1
            items = body.get("notifications")
            if not isinstance(items, list):
                raise Malformed("listNotifications answered without a list of notifications")
            stamps = []
            for item in items:
                notice = _notice(item)
                stamps.append(notice[0])
                if notice[1] is not None and notice[0] >= since:
                    found.setdefault(notice[1].uri, notice[1])
            cursor = str(body.get("cursor") or "")
            reached = not since or any(s < since for s in stamps)
            if reached or not cursor or len(items) < page_size:
                break
        ordered = sorted(found.values(), key=lambda n: (n.indexed_at, n.uri))
        return Notices(ordered, rate, pages)

    # -- Replies ---------------------------------------------------------------------------------

    def post_ref(self, uri: str) -> PostRef:
        """The post at `uri` as a reply needs it; `Refused` (404) when it is gone."""
        body, _ = self._xrpc("GET", "app.bsky.feed.getPosts", params=[("uris", uri)])
        posts = body.get("posts")
        if not isinstance(posts, list):
            raise Malformed("getPosts answered without a list of posts")
        if not posts:
            raise Refused(f"the post {uri} was deleted or is hidden", status=404)
        try:
            post = posts[0]
            parent = Ref(str(post["uri"]), str(post["cid"]))
            reply = (post.get("record") or {}).get("reply") or {}
            root = Ref(str(reply["root"]["uri"]), str(reply["root"]["cid"])) if reply else parent
            handle = str((post.get("author") or {}).get("handle") or "")
        except (KeyError, TypeError, AttributeError) as exc:
            raise Malformed(f"getPosts answered a post the lexicon does not ({exc!r})") from exc
        return PostRef(parent=parent, root=root, handle=handle)

    def reply(self, *, to: PostRef, text: str, rkey: str, now: datetime) -> str:
        """Post `text` in answer to `to` under the record key `rkey`; answers the new post's
        at:// address. A post already under that key (an earlier attempt whose answer was
        lost) is answered as it is, never posted twice."""
        did = self._session().did
        existing = self._existing(did, rkey)
        if existing:
            return existing
        record = {
            "$type": POST,
            "text": text,
            "createdAt": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "reply": {
                "root": {"uri": to.root.uri, "cid": to.root.cid},
                "parent": {"uri": to.parent.uri, "cid": to.parent.cid},
            },
        }
        body, _ = self._xrpc(
            "POST",
            "com.atproto.repo.createRecord",
            json={"repo": did, "collection": POST, "rkey": rkey, "record": record},
        )
        if not isinstance(body.get("uri"), str):
            raise Malformed("createRecord answered without the post's uri")
        return str(body["uri"])

    def _existing(self, did: str, rkey: str) -> str:
        try:
            body, _ = self._xrpc(
                "GET",
                "com.atproto.repo.getRecord",
                params=[("repo", did), ("collection", POST), ("rkey", rkey)],
            )
        except BlueskyRefused as exc:
            if exc.error == "RecordNotFound":
                return ""
            raise
        return str(body.get("uri") or "")

    # -- Sessions and HTTP -----------------------------------------------------------------------

    def _session(self) -> Session:
        with _sessions_lock:
            known = _sessions.get((self.service, self.handle))
        if known is not None:
            return known
        body, _ = self._send(
            "POST",
            "com.atproto.server.createSession",
            json={"identifier": self.handle, "password": self.password},
        )
        session = _session_of(body)
        with _sessions_lock:
            _sessions[(self.service, self.handle)] = session
        return session

    def _forget(self) -> None:
        with _sessions_lock:
            _sessions.pop((self.service, self.handle), None)

    def _refresh(self, session: Session) -> None:
        try:
            body, _ = self._send(
                "POST", "com.atproto.server.refreshSession", bearer=session.refresh
            )
        except Refused:
            self._forget()  # the refresh token expired too (or was revoked): sign in again
            return
        fresh = _session_of(body)
        session.access, session.refresh = fresh.access, fresh.refresh

    def _xrpc(
        self,
        method: str,
        name: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], RateLimit]:
        """An authenticated call; an expired access token is refreshed once and the call made
        again."""
        session = self._session()
        try:
            return self._send(method, name, params=params, json=json, bearer=session.access)
        except BlueskyRefused as exc:
            if exc.error == "ExpiredToken":
                self._refresh(session)
            elif exc.status == 401:  # the session was revoked: sign in again
                self._forget()
            else:
                raise
        session = self._session()
        return self._send(method, name, params=params, json=json, bearer=session.access)

    def _send(
        self,
        method: str,
        name: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json: dict[str, Any] | None = None,
        bearer: str = "",
    ) -> tuple[dict[str, Any], RateLimit]:
        where = f"{method} {name}"
        response = send(
            self.http,
            method,
            f"{self.service}/xrpc/{name}",
            where=where,
            host=self.host,
            timeout=self.timeout,
            rate=_rate,
            params=params,
            json=json,
            headers={"Authorization": f"Bearer {bearer}"} if bearer else {},
        )
        rate, status = _rate(response), response.status_code
        body = _body(response, where)
        if status >= 300:
            error = str(body.get("error") or "") if isinstance(body, dict) else ""
            message = str(body.get("message") or "") if isinstance(body, dict) else ""
            raise BlueskyRefused(
                f"{where}: {self.host} refused it ({status}: {error or 'no reason'}"
                f"{': ' + message[:200] if message else ''})",
                status=status,
                error=error,
            )
        if not isinstance(body, dict):
            raise Malformed(f"{where}: the answer was not a JSON object ({sample(response)})")
        return body, rate


class BlueskyRefused(Refused):
    """A 4xx with its XRPC error name (`ExpiredToken`, `RecordNotFound`)."""

    def __init__(self, message: str, *, status: int, error: str) -> None:
        super().__init__(message, status=status)
        self.error = error


def _session_of(body: dict[str, Any]) -> Session:
    try:
        return Session(str(body["did"]), str(body["accessJwt"]), str(body["refreshJwt"]))
    except KeyError as exc:
        raise Malformed(f"The session answer lacks {exc}") from exc


def _body(response: requests.Response, where: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise Malformed(f"{where}: the answer was not JSON ({sample(response)})") from exc


def _rate(response: requests.Response) -> RateLimit:
    def number(name: str) -> int | None:
        try:
            return int(response.headers[name])
        except (KeyError, ValueError):
            return None

    reset = number("RateLimit-Reset")
    return RateLimit(
        limit=number("RateLimit-Limit"),
        remaining=number("RateLimit-Remaining"),
        reset=datetime.fromtimestamp(reset, UTC) if reset is not None else None,
    )


def _notice(item: object) -> tuple[str, Notice | None]:
    """The notification's cursor value, and the post in it (None for another reason)."""
    try:
        if not isinstance(item, dict):
            raise TypeError("a notification is not an object")
        indexed = datetime.fromisoformat(str(item["indexedAt"]).replace("Z", "+00:00"))
        if indexed.tzinfo is None:
            raise ValueError("indexedAt has no time zone")
        at = stamp(indexed)
        if item["reason"] not in REASONS:
            return at, None
        record, author = item["record"], item["author"]
        posted_at = datetime.fromisoformat(str(record["createdAt"]).replace("Z", "+00:00"))
        if posted_at.tzinfo is None:
            raise ValueError("createdAt has no time zone")
        reply = record.get("reply") or {}
        uri, handle, profile = str(item["uri"]), str(author["handle"]), str(author["handle"])
        did = str(author["did"])
        if handle == INVALID_HANDLE:  # shared by every such account: its own DID names it
            profile = did
            handle = did.replace(":", ".")  # did.plc.…: a handle no domain can take
        return at, Notice(
            uri=uri,
            indexed_at=at,
            url=web_url(uri, profile),
            text=str(record.get("text") or ""),
            posted_at=said_at(posted_at, seen=indexed),  # createdAt is what the app wrote
            in_reply_to=str(reply["parent"]["uri"]) if reply else "",
            handle=handle,
            did=did,
            display_name=str(author.get("displayName") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Malformed(f"A notification is not one the lexicon documents ({exc!r})") from exc
