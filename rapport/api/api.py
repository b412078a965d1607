"""The versioned JSON API: token (or session) authentication, one error shape, OpenAPI docs."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from rapport.api import agents, cases, customers, insights, outreach
from rapport.api.auth import SessionAuth, TokenAuth
from rapport.api.errors import install_error_handlers

DESCRIPTION = """
Everything the agent workspace can do, for integrations.

**Authentication.** Send `Authorization: Bearer <token>`; create a token on your account page,
with `POST /tokens`, or with `rapport create-api-token --agent USERNAME --name NAME [--days N]`.
A token works until it expires (90 days unless given its own lifetime) or is revoked. A
signed-in browser session also works (with the `X-CSRFToken` header on writes), which is what
this page uses; it needs the one-time code first where the account has an authenticator app.
Unauthenticated requests are rate-limited per address (429 with `Retry-After`).

**Errors** always look like
`{"error": {"code": "not_found", "message": "...", "field": null}}`, for every path under
`/api/v1/` (an unknown path, a method a path does not have, a failed CSRF check included);
`code` is one of `bad_request`, `unauthorized`, `forbidden`, `not_found`, `method_not_allowed`,
`conflict`, `gone`, `payload_too_large`, `validation_error`, `too_many_requests`,
`server_error`, `busy`, and a 422 also lists every problem in `details`. Something you may not
see is a 404, like something that does not exist.

**Input** is refused with a 422 when the database could not keep it: text with a NUL character
or a lone surrogate, text longer than its `maxLength`, a time without an offset or outside the
years 1900-2199, an integer past 64 bits. A body over the server's limit (16 MiB by default:
room for one attachment in base64) is a 413.

**Busy.** On a desk that runs on SQLite (one writer at a time) a write that waited past the
database's lock timeout is a 503 with `Retry-After` and code `busy`: nothing was saved or sent;
send the same request again.

**Pages.** Every list returns `{"items": [...], "next": "<cursor>"}`; pass `cursor=<next>` with
the same filters for the next page until `next` is null. `limit` is 1-200 (default 50). A few
short lists (sites, SLA policies, calls due today, a customer's word of mouth) always fit on
one page and take no `limit`.

**Times** are ISO 8601 with an offset (UTC, written `Z`).
"""

api = NinjaAPI(
    title="Rapport API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    # Swagger UI comes from ninja's own static files ("ninja" is an installed app); no CDN, and
    # no spec sent to the public online validator.
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(api)
api.add_router("/customers", customers.router)
api.add_router("/customers/matches", "rapport.api.matches.router")
api.add_router("/cases", cases.router)
api.add_router("/messages", cases.messages_router)
api.add_router("/attachments", cases.attachments_router)
api.add_router("/agents", agents.router)
api.add_router("/agents/me", "rapport.api.account.router")
api.add_router("/insights", insights.router)
api.add_router("/staffing", "rapport.api.staffing.router")
api.add_router("/outreach", outreach.router)
api.add_router("/care", "rapport.api.care.router")
api.add_router("/intake", "rapport.api.intake.router")
api.add_router("/desk", "rapport.api.desk.router")
api.add_router("/desk/brands", "rapport.api.brand_logos.router")
api.add_router("/desk/follow-up-policies", "rapport.api.follow_ups.router")
api.add_router("/tokens", "rapport.api.tokens.router")
api.add_router("/saved-replies", "rapport.api.saved_replies.router")
api.add_router("/surveys", "rapport.api.surveys.router")
api.add_router("", "rapport.api.datacare.router")
api.add_router("", "rapport.api.queue.router")
api.add_router("", "rapport.api.triage.router")
api.add_router("", "rapport.api.chat.router")
api.add_router("", "rapport.api.status_links.router")
api.add_router("", "rapport.api.social.router")
