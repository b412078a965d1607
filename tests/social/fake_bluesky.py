"""A Bluesky PDS on loopback that speaks the documented XRPC (pytest-httpserver).

`com.atproto.server.createSession` (identifier + app password -> did, accessJwt, refreshJwt),
`com.atproto.server.refreshSession` (Bearer refreshJwt), `app.bsky.notification.listNotifications`
(newest first, `limit`, `reasons`, an opaque `cursor` to the next older page),
`app.bsky.feed.getPosts` (`uris`), `com.atproto.repo.getRecord` (400 `RecordNotFound`) and
`com.atproto.repo.createRecord` (a post under its `rkey`; the same key twice is refused). XRPC
errors are `{"error", "message"}`; every answer carries RateLimit-Limit, -Remaining and -Reset
(Unix seconds), and with no requests left it answers 429.

`expire_access()` makes the current access token answer 400 ExpiredToken; `fail_next(...)`
(fake_mastodon's `Failure`) makes the next authenticated request(s) fail.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.social.fake_mastodon import Failure, failing

RESET = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
DESK_DID = "did:plc:deskclinic"


def configured(server: HTTPServer, settings: Settings) -> FakeBluesky:
    """A fake PDS the desk is set up to listen to (RAPPORT_BLUESKY_*)."""
    pds = FakeBluesky(server)
    settings.RAPPORT_BLUESKY_SERVICE = pds.url
    settings.RAPPORT_BLUESKY_HANDLE = pds.handle
    settings.RAPPORT_BLUESKY_APP_PASSWORD = pds.password
    return pds


@dataclass
class FakeBluesky:
    server: HTTPServer
    handle: str = "clinic.bsky.social"
    password: str = "abcd-efgh-ijkl-mnop"
    notifications: list[dict[str, Any]] = field(default_factory=list)
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    created: list[dict[str, Any]] = field(default_factory=list)
    sessions: int = 0
    refreshes: int = 0
    access: str = ""
    refresh: str = ""
    expired: set[str] = field(default_factory=set)
    limit: int = 3000
    remaining: int = 3000
    reset: datetime = RESET
    failures: list[Failure | None] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    _n: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        routes = {
            "com.atproto.server.createSession": ("POST", self._create_session, False),
            "com.atproto.server.refreshSession": ("POST", self._refresh_session, False),
            "app.bsky.notification.listNotifications": ("GET", self._notifications, True),
            "app.bsky.feed.getPosts": ("GET", self._get_posts, True),
            "com.atproto.repo.getRecord": ("GET", self._get_record, True),
            "com.atproto.repo.createRecord": ("POST", self._create_record, True),
        }
        for name, (method, handler, guarded) in routes.items():
            self.server.expect_request(f"/xrpc/{name}", method=method).respond_with_handler(
                self._guarded(handler) if guarded else handler
            )

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    # -- Building the PDS's state ----------------------------------------------------------------

    def notify(
        self,
        text: str = "@clinic.bsky.social hello",
        *,
        reason: str = "mention",
        handle: str = "maria.bsky.social",
        display_name: str = "Maria",
        reply_to: dict[str, Any] | None = None,
        at: datetime | None = None,
        did: str = "",
        claimed: datetime | None = None,
    ) -> dict[str, Any]:
        """A notification of `reason` for a new post by `handle` (the newest), indexed `at`;
        its record says it was created `claimed` (its author's app sets it: `at` unless given)."""
        n = next(self._n)
        at = at or datetime(2026, 3, 2, 8, 0, tzinfo=UTC) + timedelta(minutes=n)
        did = did or f"did:plc:{handle.split('.', maxsplit=1)[0]}"
        uri = f"at://{did}/app.bsky.feed.post/3lpost{n:05d}"
        stamp = at.isoformat().replace("+00:00", "Z")
        created = (claimed or at).isoformat().replace("+00:00", "Z")
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": created}
        if reply_to is not None:
            parent = {"uri": reply_to["uri"], "cid": reply_to["cid"]}
            root = reply_to["record"].get("reply", {}).get("root") or parent
            record["reply"] = {"root": root, "parent": parent}
        author = {"did": did, "handle": handle, "displayName": display_name}
        post = {"uri": uri, "cid": f"bafycid{n}", "author": author, "record": record}
        self.posts[uri] = post
        self.notifications.append(
            {
                "uri": uri,
                "cid": post["cid"],
                "author": author,
                "reason": reason,
                "record": record,
                "isRead": False,
                "indexedAt": stamp,
            }
        )
        return post

    def expire_access(self) -> None:
        self.expired.add(self.access)

    def fail_next(self, *failures: Failure | None) -> None:
        self.failures.extend(failures)

    # -- Handlers --------------------------------------------------------------------------------

    def _tokens(self) -> dict[str, str]:
        n = next(self._n)
        self.access, self.refresh = f"access-{n}", f"refresh-{n}"
        return {"accessJwt": self.access, "refreshJwt": self.refresh}

    def _create_session(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        if (body.get("identifier"), body.get("password")) != (self.handle, self.password):
            return self._error(401, "AuthenticationRequired", "Invalid identifier or password")
        self.sessions += 1
        return self._json({"did": DESK_DID, "handle": self.handle, **self._tokens()})

    def _refresh_session(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.refresh}" or not self.refresh:
            return self._error(400, "ExpiredToken", "Token has expired")
        self.refreshes += 1
        return self._json({"did": DESK_DID, "handle": self.handle, **self._tokens()})

    def _guarded(self, handler: Any) -> Any:
        def respond(request: Request) -> Response:
            self.requests.append(request.full_path)
            bearer = request.headers.get("Authorization", "")
            if bearer in (f"Bearer {t}" for t in self.expired):
                return self._error(400, "ExpiredToken", "Token has expired")
            if bearer != f"Bearer {self.access}" or not self.access:
                return self._error(401, "AuthenticationRequired", "Invalid token")
            failed = failing(self.failures.pop(0) if self.failures else None, handler, request)
            if failed is not None:
                return failed
            if self.remaining <= 0:
                return self._error(429, "RateLimitExceeded", "Rate Limit Exceeded")
            self.remaining -= 1
            response: Response = handler(request)
            return response

        return respond

    def _notifications(self, request: Request) -> Response:
        args = request.args
        limit = min(int(args.get("limit", 50)), 100)
        reasons = args.getlist("reasons")
        rows = [n for n in reversed(self.notifications) if not reasons or n["reason"] in reasons]
        start = int(args.get("cursor") or 0)
        page = rows[start : start + limit]
        body: dict[str, Any] = {"notifications": page}
        if start + limit < len(rows):
            body["cursor"] = str(start + limit)
        return self._json(body)

    def _get_posts(self, request: Request) -> Response:
        found = [self.posts[u] for u in request.args.getlist("uris") if u in self.posts]
        return self._json({"posts": found})

    def _get_record(self, request: Request) -> Response:
        args = request.args
        uri = f"at://{args['repo']}/{args['collection']}/{args['rkey']}"
        if uri not in self.posts:
            return self._error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return self._json({"uri": uri, "cid": self.posts[uri]["cid"], "value": {}})

    def _create_record(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        record = body.get("record") or {}
        if body.get("repo") != DESK_DID or body.get("collection") != "app.bsky.feed.post":
            return self._error(400, "InvalidRequest", "Wrong repo or collection")
        text = record.get("text", "")
        if not text or len(text) > 300:
            return self._error(400, "InvalidRequest", "Record/text must not be longer than 300")
        parent = (record.get("reply") or {}).get("parent") or {}
        if parent and parent.get("uri") not in self.posts:
            return self._error(400, "InvalidRequest", "Parent post not found")
        uri = f"at://{DESK_DID}/app.bsky.feed.post/{body.get('rkey') or next(self._n)}"
        if uri in self.posts:
            return self._error(400, "InvalidSwap", "Record already exists")
        post = {
            "uri": uri,
            "cid": f"bafyreply{len(self.created)}",
            "author": {"did": DESK_DID, "handle": self.handle},
            "record": record,
        }
        self.posts[uri] = post
        self.created.append(body)
        return self._json({"uri": uri, "cid": post["cid"]})

    def _error(self, status: int, error: str, message: str) -> Response:
        return self._json({"error": error, "message": message}, status=status)

    def _json(self, body: object, *, status: int = 200) -> Response:
        response = Response(json.dumps(body), status=status, content_type="application/json")
        response.headers["RateLimit-Limit"] = str(self.limit)
        response.headers["RateLimit-Remaining"] = str(max(self.remaining, 0))
        response.headers["RateLimit-Reset"] = str(int(self.reset.timestamp()))
        response.headers["RateLimit-Policy"] = f"{self.limit};w=300"
        return response
