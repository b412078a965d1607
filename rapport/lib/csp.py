"""The Content-Security-Policy every response carries unless its view sets its own.

No page needs inline script or style: handlers live in static files and find their elements by
data attributes, so the policy allows scripts and styles from this origin only. A view that
must differ (the sandboxed view of a mail with its remote images) sets the header itself and the
middleware leaves it alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"
REPORT_GROUP = "csp"

DESK_POLICY: Mapping[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(directives: Mapping[str, str], *, report_uri: str = "") -> str:
    """The header value: directives in order, then where violations are reported."""
    parts = [f"{name} {value}".strip() for name, value in directives.items()]
    if report_uri:
        parts += [f"report-uri {report_uri}", f"report-to {REPORT_GROUP}"]
    return "; ".join(parts)


def has_policy(response: HttpResponseBase) -> bool:
    return HEADER in response.headers or REPORT_ONLY_HEADER in response.headers


class ContentSecurityPolicyMiddleware:
    """Adds the desk's policy (enforced, or report-only with RAPPORT_CSP_REPORT_ONLY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.report_uri = reverse("csp_report")
        self.value = policy(DESK_POLICY, report_uri=self.report_uri)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if has_policy(response):
            return response
        name = REPORT_ONLY_HEADER if settings.RAPPORT_CSP_REPORT_ONLY else HEADER
        response.headers[name] = self.value
        response.headers.setdefault("Reporting-Endpoints", f'{REPORT_GROUP}="{self.report_uri}"')
        return response
