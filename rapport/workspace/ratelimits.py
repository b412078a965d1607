"""Rate limits per client address on every endpoint anyone can reach, counted in the cache.

Each rule names a URL and the setting that holds its rate; every other request from someone who
is neither signed in nor sending credentials counts against RAPPORT_RATE_ANONYMOUS. Past the
limit the answer is 429 with Retry-After: a page for people, JSON for the API and webhooks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from rapport.api.errors import error_body
from rapport.lib.clientip import client_network


@dataclass(frozen=True)
class Rule:
    setting: str
    methods: tuple[str, ...] = ("POST",)


# URL names (namespaced where the URL conf has a namespace) to their limits.
RULES = {
    "login": Rule("RAPPORT_RATE_LOGIN"),
    "two_factor_verify": Rule("RAPPORT_RATE_LOGIN"),
    "password_reset": Rule("RAPPORT_RATE_PASSWORD_RESET"),
    "password_reset_confirm": Rule("RAPPORT_RATE_PASSWORD_RESET"),
    "contact": Rule("RAPPORT_RATE_CONTACT"),
    "mail:inbound": Rule("RAPPORT_RATE_INBOUND", ("POST", "GET", "PUT")),
}
ANONYMOUS = Rule("RAPPORT_RATE_ANONYMOUS", ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"))
# Answers for machines: the API and the provider webhook.
JSON_PREFIXES = ("/api/", "/mail/inbound/")


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        rules = [(name, RULES[name])] if name in RULES else []
        if _anonymous(request):
            rules.append(("anonymous", ANONYMOUS))
        for group, rule in rules:
            wait = _over_limit(request, group, rule)
            if wait is not None:
                return too_many_requests(request, wait)
        return None


def _anonymous(request: HttpRequest) -> bool:
    return not request.user.is_authenticated and "Authorization" not in request.headers


def _over_limit(request: HttpRequest, group: str, rule: Rule) -> int | None:
    """Seconds until the client may try again, or None while under the limit."""
    rate = getattr(settings, rule.setting)
    if rate == "off" or request.method not in rule.methods:
        return None
    usage = get_usage(
        request,
        group=f"rapport:{group}",
        key=lambda _group, req: client_network(req),
        rate=rate,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponseBase:
    minutes = math.ceil(wait / 60)
    when = f"{wait} seconds" if wait < 120 else f"{minutes} minutes"
    message = f"Too many requests from your address. Please try again in {when}."
    headers = {"Retry-After": str(wait)}
    if request.path.startswith(JSON_PREFIXES):
        body = error_body("too_many_requests", message)
        return JsonResponse(body, status=429, headers=headers)
    response = render(
        request, "workspace/rate_limited.html", {"message": message, "wait": when}, status=429
    )
    response["Retry-After"] = headers["Retry-After"]
    return response
