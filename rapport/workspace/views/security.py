"""What browsers send on their own: CSP violation reports and the favicon."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

logger = logging.getLogger("rapport.csp")

REPORT_MAX_BYTES = 64 * 1024
REPORTS_PER_REQUEST = 20
FIELD_MAX_CHARS = 300
# (name in application/csp-report, name in the Reporting API's application/reports+json)
FIELDS = (
    ("document-uri", "documentURL"),
    ("effective-directive", "effectiveDirective"),
    ("blocked-uri", "blockedURL"),
    ("source-file", "sourceFile"),
    ("line-number", "lineNumber"),
    ("script-sample", "sample"),
    ("disposition", "disposition"),
)
FAVICON = Path(__file__).resolve().parent.parent / "static" / "workspace" / "favicon.ico"


def _reports(payload: Any) -> list[dict[str, Any]]:
    """The violation bodies of either report format; anything else is ignored."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):
        return [
            item["body"]
            for item in payload[:REPORTS_PER_REQUEST]
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    return []


def _field(report: dict[str, Any], legacy: str, modern: str) -> str:
    value = report.get(legacy, report.get(modern, ""))
    # repr() keeps a hostile value on one log line, its control characters escaped.
    return repr(str(value)[:FIELD_MAX_CHARS])


@csrf_exempt  # browsers post reports without a token, and no state changes
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log each violation a browser reports (both formats); always 204, bounded in size."""
    body = request.read(REPORT_MAX_BYTES + 1)
    if len(body) > REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=400)
    for report in _reports(payload):
        details = " ".join(
            f"{legacy}={_field(report, legacy, modern)}" for legacy, modern in FIELDS
        )
        logger.warning("CSP violation: %s", details)
    return HttpResponse(status=204)


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
