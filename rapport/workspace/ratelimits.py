"""Rate limits per client address on every endpoint anyone can reach, counted in the cache.

Each rule names a URL and the setting that holds its rate; every other request from someone who
is neither signed in nor sending credentials, and every request whose credentials the API
refused, counts against RAPPORT_RATE_ANONYMOUS. Past the
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

from rapport.api.errors import error_body
from rapport.lib import ratecount
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
    "welcome": Rule("RAPPORT_RATE_PASSWORD_RESET"),
    "contact": Rule("RAPPORT_RATE_CONTACT"),
    "contact_brand": Rule("RAPPORT_RATE_CONTACT"),
    "mail:inbound": Rule("RAPPORT_RATE_INBOUND", ("POST", "GET", "PUT")),
    "status_reply": Rule("RAPPORT_RATE_STATUS_LINK"),
    "status_call": Rule("RAPPORT_RATE_STATUS_LINK"),
    "status_solved": Rule("RAPPORT_RATE_STATUS_LINK"),
    "status_reopen": Rule("RAPPORT_RATE_STATUS_LINK"),
    "status_fresh": Rule("RAPPORT_RATE_STATUS_LINK_FRESH"),
    "surveys:answer": Rule("RAPPORT_RATE_SURVEY"),
    "surveys:stop": Rule("RAPPORT_RATE_SURVEY"),
    "surveys:referral": Rule("RAPPORT_RATE_SURVEY"),
    "api-v1:take_post": Rule("RAPPORT_RATE_SOCIAL_WEBHOOK"),
}
ANONYMOUS = Rule("RAPPORT_RATE_ANONYMOUS", ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"))
# Answers for machines: the API and the provider webhook.
JSON_PREFIXES = ("/api/", "/mail/inbound/")


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code == 401 and _carries_credentials(request):
            # Credentials the API refused count like anonymous requests (see process_view).
            _over_limit(request, ANONYMOUS)
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        rules = [(RULES[name], True)] if name in RULES else []
        if not request.user.is_authenticated:
            # Someone sending a token is counted only once it has been refused: a working
            # token is never limited, a guessed one soon is.
            rules.append((ANONYMOUS, not _carries_credentials(request)))
        for rule, count in rules:
            wait = _over_limit(request, rule, count=count)
            if wait is not None:
                return too_many_requests(request, wait)
        return None


def _carries_credentials(request: HttpRequest) -> bool:
    # The social webhook's signature is a credential too (rapport/api/social.py).
    return "Authorization" in request.headers or "X-Rapport-Signature" in request.headers


def _over_limit(request: HttpRequest, rule: Rule, *, count: bool = True) -> int | None:
    """Seconds until the client may try again, or None while under the limit; `count` adds
    this request to the tally. URLs under one setting share one tally (every brand's contact
    page, the password and the code of a sign-in)."""
    rate = getattr(settings, rule.setting)
    if rate == "off" or request.method not in rule.methods:
        return None
    usage = ratecount.usage(
        request,
        group=f"rapport:{rule.setting}",
        key=lambda _group, req: client_network(req),
        rate=rate,
        increment=count,
    )
    if usage is None:
        return None
    # A counted request is refused once it goes past the limit; a peek once the tally is full.
    full = usage["should_limit"] or (not count and usage["count"] >= usage["limit"])
    return max(1, int(usage["time_left"])) if full else None


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
