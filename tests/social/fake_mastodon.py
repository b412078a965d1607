"""A Mastodon instance on loopback that speaks the documented API (pytest-httpserver).

`GET /api/v1/notifications` (types[], since_id, max_id, min_id, limit; newest first; a `Link`
header with rel="next" (max_id, older) and rel="prev" (min_id, newer) carrying the other
parameters but not since_id, as Mastodon's do), `GET /api/v1/statuses/:id`, and
`POST /api/v1/statuses` (status, in_reply_to_id, visibility; a repeated `Idempotency-Key`
answers the status it made the first time). Every answer carries X-RateLimit-Limit, -Remaining
and -Reset (ISO 8601); with no requests left it answers 429.

`fail_next(...)` makes the next request(s) answer a 5xx, an HTML page, hang past the client's
timeout, or do their work and answer too late (a lost answer).
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer, URIPattern
from werkzeug import Request, Response

RESET = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)


def configured(server: HTTPServer, settings: Settings) -> FakeMastodon:
    """A fake instance the desk is set up to listen to (RAPPORT_MASTODON_URL and _TOKEN)."""
    instance = FakeMastodon(server)
    settings.RAPPORT_MASTODON_URL = instance.url
    settings.RAPPORT_MASTODON_TOKEN = instance.token
    return instance


@dataclass
class Failure:
    status: int = 503
    body: str = "<html><body>502 Bad Gateway</body></html>"
    content_type: str = "text/html"
    delay: float = 0.0
    # Do the work, then answer only after `delay` (the client's answer is lost to its timeout).
    after: bool = False
    trickle: float = 0.0  # seconds between the body's bytes, each sent alone


def failing(failure: Failure | None, handler: Any, request: Request) -> Response | None:
    """The answer `failure` makes of the request (None: no failure, answer as usual)."""
    if failure is None:
        return None
    if failure.after:
        done: Response = handler(request)
        time.sleep(failure.delay)
        return done
    time.sleep(failure.delay)
    if failure.trickle:
        return Response(
            _slowly(failure.body.encode(), failure.trickle),
            status=failure.status,
            content_type=failure.content_type,
        )
    return Response(failure.body, status=failure.status, content_type=failure.content_type)


def _slowly(body: bytes, pause: float) -> Iterator[bytes]:
    for byte in body:
        time.sleep(pause)
        yield bytes([byte])


@dataclass
class FakeMastodon:
    server: HTTPServer
    token: str = "test-token"
    host: str = "social.example"
    notifications: list[dict[str, Any]] = field(default_factory=list)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    posted: list[dict[str, Any]] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    limit: int = 300
    remaining: int = 300
    reset: datetime = RESET
    failures: list[Failure | None] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    # Each account's id on this instance, by acct: the same for every post of theirs.
    accounts: dict[str, str] = field(default_factory=dict)
    # Where the Link header points (a misbehaving instance may point anywhere).
    link_base: str = ""
    link_path: str = "/api/v1/notifications"
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(110_000_000_000))

    def __post_init__(self) -> None:
        self.server.expect_request("/api/v1/notifications", method="GET").respond_with_handler(
            self._guarded(self._notifications)
        )
        self.server.expect_request("/api/v1/statuses", method="POST").respond_with_handler(
            self._guarded(self._post)
        )
        self.server.expect_request(_StatusPath(), method="GET").respond_with_handler(
            self._guarded(self._get_status)
        )

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    # -- Building the instance's state -----------------------------------------------------------

    def next_id(self) -> str:
        return str(next(self._ids))

    def mention(
        self,
        text: str = "<p>Hello</p>",
        *,
        acct: str = "alice@elsewhere.example",
        display_name: str = "Alice",
        in_reply_to_id: str | None = None,
        visibility: str = "public",
        at: datetime | None = None,
        kind: str = "mention",
        account_id: str = "",
        claimed: datetime | None = None,
    ) -> dict[str, Any]:
        """A notification of `kind` (a mention unless said) with its status, the newest. The
        author is the account `acct` names (its id kept across posts), unless `account_id`
        says which (another account now holding that acct, or the same one renamed). Its
        status says it was written `claimed` (its instance's word: `at` unless given)."""
        at = at or datetime(2026, 3, 2, 8, 0, tzinfo=UTC) + timedelta(
            minutes=len(self.notifications)
        )
        status_id = self.next_id()
        username = acct.split("@", maxsplit=1)[0]
        fresh = self.next_id()
        account_id = account_id or self.accounts.setdefault(acct, fresh)
        self.accounts[acct] = account_id
        account = {"id": account_id, "username": username, "acct": acct}
        account["display_name"] = display_name
        status = {
            "id": status_id,
            "uri": f"https://{self.host}/users/{username}/statuses/{status_id}",
            "url": f"https://{self.host}/@{username}/{status_id}",
            "created_at": (claimed or at).isoformat().replace("+00:00", "Z"),
            "content": text,
            "visibility": visibility,
            "in_reply_to_id": in_reply_to_id,
            "account": account,
        }
        self.statuses[status_id] = status
        notification = {
            "id": self.next_id(),
            "type": kind,
            "created_at": at.isoformat().replace("+00:00", "Z"),
            "account": account,
            "status": status,
        }
        self.notifications.append(notification)
        return notification

    def fail_next(self, *failures: Failure | None) -> None:
        """The next requests fail so, in order (None: that one answers as usual)."""
        self.failures.extend(failures)

    # -- Handlers --------------------------------------------------------------------------------

    def _guarded(self, handler: Any) -> Any:
        def respond(request: Request) -> Response:
            self.requests.append(request.full_path)
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                return self._json({"error": "The access token is invalid"}, status=401)
            failed = failing(self.failures.pop(0) if self.failures else None, handler, request)
            if failed is not None:
                return failed
            if self.remaining <= 0:
                return self._json({"error": "Too many requests"}, status=429)
            self.remaining -= 1
            response: Response = handler(request)
            return response

        return respond

    def _notifications(self, request: Request) -> Response:
        args = request.args
        types = args.getlist("types[]")
        limit = min(int(args.get("limit", 40)), 80)
        rows = [n for n in self.notifications if not types or n["type"] in types]
        rows.sort(key=lambda n: int(n["id"]), reverse=True)
        if "max_id" in args:
            rows = [n for n in rows if int(n["id"]) < int(args["max_id"])]
        if "min_id" in args:
            # The page right after min_id (oldest first, then shown newest first).
            rows = [n for n in rows if int(n["id"]) > int(args["min_id"])][-limit:]
        elif "since_id" in args:
            rows = [n for n in rows if int(n["id"]) > int(args["since_id"])]
        page = rows[:limit]
        response = self._json(page)
        if page:
            kept = [("types[]", t) for t in types] + [("limit", str(limit))]
            base = f"{self.link_base or self.url}{self.link_path}?"
            response.headers["Link"] = (
                f'<{base}{urlencode([*kept, ("max_id", page[-1]["id"])])}>; rel="next", '
                f'<{base}{urlencode([*kept, ("min_id", page[0]["id"])])}>; rel="prev"'
            )
        return response

    def _get_status(self, request: Request) -> Response:
        status = self.statuses.get(request.path.rsplit("/", 1)[-1])
        if status is None:
            return self._json({"error": "Record not found"}, status=404)
        return self._json(status)

    def _post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        if key and key in self.keys:
            return self._json(self.statuses[self.keys[key]])
        form = request.form
        text = form.get("status", "")
        if not text or len(text) > 500:
            return self._json({"error": "Validation failed: Text can't be blank"}, status=422)
        reply_to = form.get("in_reply_to_id") or None
        if reply_to is not None and reply_to not in self.statuses:
            return self._json({"error": "Record not found"}, status=404)
        status_id = self.next_id()
        status = {
            "id": status_id,
            "uri": f"https://{self.host}/users/brand/statuses/{status_id}",
            "url": f"https://{self.host}/@brand/{status_id}",
            "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "content": f"<p>{text}</p>",
            "visibility": form.get("visibility", "public"),
            "in_reply_to_id": reply_to,
            "account": {"id": "1", "username": "brand", "acct": "brand", "display_name": "Brand"},
        }
        self.statuses[status_id] = status
        self.posted.append({"form": dict(form), "key": key, "id": status_id})
        if key:
            self.keys[key] = status_id
        return self._json(status)

    def _json(self, body: object, *, status: int = 200) -> Response:
        response = Response(json.dumps(body), status=status, content_type="application/json")
        response.headers["X-RateLimit-Limit"] = str(self.limit)
        response.headers["X-RateLimit-Remaining"] = str(max(self.remaining, 0))
        response.headers["X-RateLimit-Reset"] = self.reset.isoformat().replace("+00:00", ".000Z")
        return response


class _StatusPath(URIPattern):
    """Matches /api/v1/statuses/<id>."""

    def match(self, uri: str) -> bool:
        prefix = "/api/v1/statuses/"
        return uri.startswith(prefix) and uri[len(prefix) :].isdigit()
