"""Who may reach what: every web URL of the URL conf and every operation of the OpenAPI document,
for every persona, classified in one table and exercised against the clinic team's own objects.

A new URL pattern or API operation fails `test_every_endpoint_is_classified` until a row for it
is added below. Each cell is one of:

- "ok": reached (any answer but 401, 403, 404, a login redirect or a 5xx; API writes must also
  get past validation, so the access check really ran);
- "404": missing and not-yours alike;
- "403": seen but not allowed (a supervisor's decision); `@supervisor_required(hidden=False)`
  refuses before any id is read, so another team's agent gets it for any incident, theirs or not;
- "login": redirected to the login page; "401": the API asks for a token;
- "400" / "409": reached, then refused by the action's own rule for that person or state (only
  the specialist acknowledges a referral; a customer another team serves, named in a body, is
  "There is no customer #N").

Personas: anonymous; a link holder (only where a signed link exists, see LINKS); Olga, an agent
of another team (dental), who is sent the clinic's ids; Ana, an agent of the clinic team, who owns
the case and is the customer's deputy; Sam, a supervisor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rapport.api.api import api
from rapport.care.actions.promises import create_follow_up_policy, schedule_follow_up, tomorrow_at
from rapport.care.actions.referrals import refer_case
from rapport.cases.actions.messages import reply
from rapport.cases.actions.saved_replies import create_saved_reply
from rapport.cases.actions.saved_views import save_view
from rapport.cases.attachments import Upload
from rapport.cases.models import Attachment
from rapport.cases.status_links import status_link
from rapport.mail.actions.intake import process_inbound_email, store_inbound_email
from rapport.outreach.actions.imports import start_import
from rapport.outreach.actions.incidents import create_incident
from rapport.outreach.actions.make_goods import record_make_good
from rapport.outreach.actions.tasks import add_audience
from rapport.people.actions.agents import create_brand
from rapport.people.actions.branding import set_brand_logo
from rapport.people.actions.customers import create_customer
from rapport.people.actions.notes import add_rapport_note
from rapport.people.actions.staff import invite_agent
from rapport.people.invitations import invitation_token
from rapport.people.models import ApiToken
from rapport.routing.actions.desk import add_closure, set_sla_policy
from rapport.routing.actions.opening import open_case
from rapport.surveys.links import referral_url, survey_url
from rapport.surveys.models import Survey
from tests.conftest import World
from tests.images import png
from tests.mail.intake_helpers import make_mail

PERSONAS = ("anonymous", "outsider", "agent", "supervisor")


# URL patterns that take a signed link instead of a login: route -> a function making the link
# for the world's objects; a link holder elsewhere is simply anonymous.
def _reset_link(world: World) -> str:
    """What the password-reset email gives Ana."""
    user = get_user_model().objects.get(pk=world.agent.user.pk)  # as stored, not as cached
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/password-reset/{uid}/{default_token_generator.make_token(user)}/"


def _welcome_link(world: World) -> str:
    """What the invitation mail gives a new agent."""
    invitation = invite_agent(email="new@clinic.example", display_name="New", by=world.supervisor)
    return f"/welcome/{invitation_token(invitation)}/"


def _status_link(world: World) -> str:
    """What every acknowledgment and reply gives Maria: her case's status page."""
    return "/" + status_link(world.case).url.split("/", 3)[3]


def _status_file_link(world: World) -> str:
    """A file of a public message, through Maria's status link."""
    message = reply(
        case=world.case,
        text="The dosage",
        by=world.agent,
        channel="email",
        attachments=[Upload("dosage.txt", "text/plain", b"5 ml")],
    )
    return f"{_status_link(world)}files/{message.attachments.get().pk}/"


def _survey_link(world: World) -> str:
    """What the survey mail gives Maria (a sent CSAT about her case)."""
    survey = _sent_survey(world)
    return urlparse(survey_url(survey)).path


def _referral_link(world: World) -> str:
    """What a promoter's thank-you gives Maria to pass on."""
    return urlparse(referral_url(world.customer)).path


def _sent_survey(world: World) -> Survey:
    survey = Survey.objects.filter(case=world.case, kind="csat").first()
    if survey is None:
        now = timezone.now()
        survey = Survey.objects.create(
            kind="csat",
            customer=world.customer,
            case=world.case,
            agent=world.agent,
            status="sent",
            due_at=now,
            sent_at=now,
            expires_at=now + timedelta(days=14),
        )
    return survey


LINKS: dict[str, Callable[[World], str]] = {
    "password-reset/<uidb64>/<token>/": _reset_link,
    "welcome/<str:token>/": _welcome_link,
    "status/<str:token>/": _status_link,
    "status/<str:token>/files/<int:attachment_id>/": _status_file_link,
    "surveys/s/<str:token>/": _survey_link,
    "surveys/r/<str:token>/": _referral_link,
}
# What the link holder gets; everyone else is sent the same URL with a forged token.
LINK_HOLDER: dict[str, str] = {
    "password-reset/<uidb64>/<token>/": "ok",
    "welcome/<str:token>/": "ok",
    "status/<str:token>/": "ok",
    "status/<str:token>/files/<int:attachment_id>/": "ok",
    "surveys/s/<str:token>/": "ok",
    "surveys/r/<str:token>/": "ok",
}

# ------------------------------------------------------------------------------ the table
# Web: route -> (method, anonymous, other team, team agent, supervisor).
# API: "METHOD /api/v1/path" -> (anonymous, other team, team agent, supervisor).
WEB: dict[str, tuple[str, str, str, str, str]] = {
    "api/v1/": ("GET", "ok", "ok", "ok", "ok"),
    "api/v1/openapi.json": ("GET", "ok", "ok", "ok", "ok"),
    "api/v1/docs": ("GET", "ok", "ok", "ok", "ok"),
    "api/v1/^(?P<rest>.+)$": ("GET", "404", "404", "404", "404"),
    "care/calls/": ("GET", "login", "ok", "ok", "ok"),
    "care/promises/<int:promise_id>/call/": ("POST", "login", "404", "ok", "ok"),
    "care/cases/<int:case_id>/follow-up/": ("POST", "login", "404", "ok", "ok"),
    "care/cases/<int:case_id>/callback/": ("POST", "login", "404", "ok", "ok"),
    "care/cases/<int:case_id>/refer/": ("GET", "login", "404", "ok", "ok"),
    "care/cases/<int:case_id>/appointment/": ("GET", "login", "404", "ok", "ok"),
    "care/referrals/<int:referral_id>/": ("GET", "login", "404", "ok", "ok"),
    "care/referrals/<int:referral_id>/acknowledge/": ("POST", "login", "404", "ok", "ok"),
    "care/referrals/<int:referral_id>/hand-back/": ("POST", "login", "404", "ok", "ok"),
    "care/referrals/<int:referral_id>/introduce/": ("POST", "login", "404", "ok", "ok"),
    "care/customers/<int:customer_id>/": ("GET", "login", "404", "ok", "ok"),
    "care/customers/<int:customer_id>/word-of-mouth/": ("POST", "login", "404", "ok", "ok"),
    "outreach/": ("GET", "login", "ok", "ok", "ok"),
    "outreach/new/": ("POST", "login", "403", "403", "ok"),
    "outreach/<int:incident_id>/": ("GET", "login", "404", "ok", "ok"),
    "outreach/<int:incident_id>/board/": ("GET", "login", "404", "ok", "ok"),
    "outreach/<int:incident_id>/audience/": ("POST", "login", "403", "403", "ok"),
    "outreach/<int:incident_id>/import/": ("POST", "login", "403", "403", "ok"),
    "outreach/<int:incident_id>/close/": ("POST", "login", "403", "403", "ok"),
    "outreach/imports/<int:import_id>/": ("GET", "login", "404", "ok", "ok"),
    "outreach/tasks/<int:task_id>/": ("GET", "login", "404", "ok", "ok"),
    "outreach/tasks/<int:task_id>/call/": ("POST", "login", "404", "ok", "ok"),
    "outreach/tasks/<int:task_id>/message/": ("POST", "login", "404", "ok", "ok"),
    "outreach/tasks/<int:task_id>/result/": ("POST", "login", "404", "ok", "ok"),
    "outreach/make-goods/": ("GET", "login", "403", "403", "ok"),
    "outreach/make-goods/<int:make_good_id>/decide/": ("POST", "login", "403", "403", "ok"),
    "outreach/make-goods/limits/": ("POST", "login", "403", "403", "ok"),
    "outreach/cases/<int:case_id>/make-goods/": ("POST", "login", "404", "ok", "ok"),
    "mail/inbound/": ("POST", "404", "404", "404", "404"),
    "mail/inbound/<int:inbound_id>/raw/": ("GET", "login", "404", "ok", "ok"),
    "mail/intake/": ("GET", "login", "404", "404", "ok"),
    "mail/intake/<int:inbound_id>/retry/": ("POST", "login", "404", "404", "ok"),
    "messages/<int:message_id>/with-images/": ("GET", "login", "404", "ok", "ok"),
    "mail/messages/<int:message_id>/original/": ("GET", "login", "404", "ok", "ok"),
    "contact/": ("GET", "ok", "ok", "ok", "ok"),
    # The customer's survey page and a promoter's referral link: signed links (LINKS); a
    # forged one finds nothing. A GET never records an answer (tests/surveys).
    "surveys/s/<str:token>/": ("GET", "404", "404", "404", "404"),
    "surveys/s/<str:token>/stop/": ("POST", "404", "404", "404", "404"),
    "surveys/r/<str:token>/": ("GET", "404", "404", "404", "404"),
    "surveys/results/": ("GET", "login", "ok", "ok", "ok"),
    "surveys/<int:survey_id>/send-now/": ("POST", "login", "403", "403", "ok"),
    # The chat widget's API: public; a conversation is reached only with its token (the
    # matrix's is forged: 404 for everyone). tests/chat/ tests the token holder.
    "chat/api/conversations": ("POST", "ok", "ok", "ok", "ok"),
    # The customer's chat page, its script, its colours and whether a person can answer now:
    # public, and the same for everyone.
    "chat/": ("GET", "ok", "ok", "ok", "ok"),
    "chat/widget.js": ("GET", "ok", "ok", "ok", "ok"),
    "chat/brand.css": ("GET", "ok", "ok", "ok", "ok"),
    "chat/api/availability": ("GET", "ok", "ok", "ok", "ok"),
    "chat/api/conversations/<str:token>/messages": ("GET", "404", "404", "404", "404"),
    "chat/api/conversations/<str:token>/seen": ("POST", "404", "404", "404", "404"),
    "chat/api/conversations/<str:token>/typing": ("POST", "404", "404", "404", "404"),
    "chat/api/conversations/<str:token>/attachments": ("POST", "404", "404", "404", "404"),
    "chat/api/conversations/<str:token>/email": ("POST", "404", "404", "404", "404"),
    "chat/api/conversations/<str:token>/verify": ("POST", "404", "404", "404", "404"),
    "chat/api/conversations/<str:token>/callback": ("POST", "404", "404", "404", "404"),
    "chat/api/conversations/<str:token>/by-email": ("POST", "404", "404", "404", "404"),
    # The link mailed to confirm a chat's email address: signed; the matrix's is forged.
    "chat/api/conversations/<str:token>/files/<int:file_id>": ("GET", "404", "404", "404", "404"),
    "datacare/customers/<int:customer_id>/": ("GET", "login", "404", "404", "ok"),
    "datacare/customers/<int:customer_id>/export/": ("GET", "login", "404", "404", "ok"),
    "datacare/customers/<int:customer_id>/erase/": ("POST", "login", "404", "404", "ok"),
    "datacare/access-log/": ("GET", "login", "404", "404", "ok"),
    "customers/<int:customer_id>/identities/<int:identity_id>/verify/": (
        "POST",
        "login",
        "404",
        "ok",
        "ok",
    ),
    "customers/<int:customer_id>/not-a-duplicate/": ("POST", "login", "404", "ok", "ok"),
    "login/code/": ("GET", "login", "ok", "ok", "ok"),
    "password-reset/": ("GET", "ok", "ok", "ok", "ok"),
    "password-reset/sent/": ("GET", "ok", "ok", "ok", "ok"),
    "password-reset/<uidb64>/<token>/": ("GET", "invalid", "invalid", "invalid", "invalid"),
    "password-reset/done/": ("GET", "ok", "ok", "ok", "ok"),
    "account/": ("GET", "login", "ok", "ok", "ok"),
    "account/two-factor/": ("GET", "login", "ok", "ok", "ok"),
    "account/two-factor/qr.png": ("GET", "login", "ok", "ok", "ok"),
    "account/tokens/": ("POST", "login", "ok", "ok", "ok"),
    "account/notifications/": ("POST", "login", "ok", "ok", "ok"),
    "account/signature/": ("POST", "login", "ok", "ok", "ok"),
    "account/photo/": ("POST", "login", "ok", "ok", "ok"),
    "account/photo/remove/": ("POST", "login", "ok", "ok", "ok"),
    "agents/<int:agent_id>/photo/": ("GET", "login", "404", "404", "404"),
    "account/tokens/<int:token_id>/revoke/": ("POST", "login", "404", "ok", "ok"),
    "supervisor/security/": ("GET", "login", "404", "404", "ok"),
    "contact/<slug:brand_slug>/": ("GET", "ok", "ok", "ok", "ok"),
    # A business's logo is as public as its contact page.
    "contact/<slug:brand_slug>/logo.png": ("GET", "ok", "ok", "ok", "ok"),
    "attachments/<int:attachment_id>/": ("GET", "login", "404", "ok", "ok"),
    "csp-report/": ("POST", "400", "400", "400", "400"),
    "favicon.ico": ("GET", "ok", "ok", "ok", "ok"),
    "login/": ("GET", "ok", "ok", "ok", "ok"),
    "logout/": ("POST", "login", "login", "login", "login"),
    "": ("GET", "login", "ok", "ok", "ok"),
    "supervisor/": ("GET", "login", "404", "404", "ok"),
    "supervisor/desk/": ("GET", "login", "404", "404", "ok"),
    "supervisor/staffing/": ("GET", "login", "404", "404", "ok"),
    "supervisor/insights/": ("GET", "login", "404", "404", "ok"),
    "supervisor/insights/<slug:question>/": ("GET", "login", "404", "404", "ok"),
    "supervisor/triage/": ("GET", "login", "404", "404", "ok"),
    "supervisor/triage/activate/": ("POST", "login", "404", "404", "ok"),
    "supervisor/desk/sites/<int:site_id>/hours/": ("POST", "login", "404", "404", "ok"),
    "supervisor/desk/sites/<int:site_id>/closures/": ("POST", "login", "404", "404", "ok"),
    "supervisor/desk/sites/<int:site_id>/closures/<str:day>/open/": (
        "POST",
        "login",
        "404",
        "404",
        "ok",
    ),
    "supervisor/desk/brands/": ("GET", "login", "404", "404", "ok"),
    "supervisor/desk/brands/<int:brand_id>/": ("GET", "login", "404", "404", "ok"),
    "supervisor/desk/brands/<int:brand_id>/logo/": ("POST", "login", "404", "404", "ok"),
    "supervisor/desk/sites/": ("GET", "login", "404", "404", "ok"),
    "supervisor/desk/sites/<int:site_id>/": ("GET", "login", "404", "404", "ok"),
    "supervisor/desk/teams/": ("GET", "login", "404", "404", "ok"),
    "supervisor/desk/teams/<int:team_id>/": ("GET", "login", "404", "404", "ok"),
    "supervisor/desk/follow-ups/": ("GET", "login", "404", "404", "ok"),
    "supervisor/desk/follow-ups/<int:follow_up_id>/": ("GET", "login", "404", "404", "ok"),
    "supervisor/agents/": ("GET", "login", "404", "404", "ok"),
    "supervisor/agents/invite/": ("POST", "login", "404", "404", "ok"),
    "supervisor/agents/<int:agent_id>/": ("GET", "login", "404", "404", "ok"),
    "supervisor/agents/<int:agent_id>/edit/": ("POST", "login", "404", "404", "ok"),
    "supervisor/agents/<int:agent_id>/deactivate/": ("POST", "login", "404", "404", "ok"),
    "supervisor/agents/<int:agent_id>/reactivate/": ("POST", "login", "404", "404", "ok"),
    "supervisor/agents/<int:agent_id>/invitation/": ("POST", "login", "404", "404", "ok"),
    "welcome/<str:token>/": ("GET", "invalid", "invalid", "invalid", "invalid"),
    # The customer's case status link: with the matrix's forged token, the "no longer works"
    # page for everyone, signed in or not (tests/portal/test_status_page.py: the holder).
    "status/<str:token>/": ("GET", "invalid", "invalid", "invalid", "invalid"),
    "cases/<int:case_id>/status-link/revoke/": ("POST", "login", "404", "ok", "ok"),
    "status/<str:token>/reply/": ("POST", "invalid", "invalid", "invalid", "invalid"),
    "status/<str:token>/call/": ("POST", "invalid", "invalid", "invalid", "invalid"),
    "status/<str:token>/solved/": ("POST", "invalid", "invalid", "invalid", "invalid"),
    "status/<str:token>/reopen/": ("POST", "invalid", "invalid", "invalid", "invalid"),
    "status/<str:token>/files/<int:attachment_id>/": (
        "GET",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
    ),
    # The same answer whatever the token and address: nothing says who is known.
    "status/<str:token>/fresh/": ("POST", "ok", "ok", "ok", "ok"),
    "supervisor/desk/policies/": ("POST", "login", "404", "404", "ok"),
    "supervisor/desk/policies/<int:policy_id>/remove/": ("POST", "login", "404", "404", "ok"),
    "notifications/": ("GET", "login", "ok", "ok", "ok"),
    "notifications/read/": ("POST", "login", "ok", "ok", "ok"),
    "notifications/live/": ("GET", "login", "ok", "ok", "ok"),
    "live/inbox/": ("GET", "login", "ok", "ok", "ok"),
    "cases/<int:case_id>/live/": ("GET", "login", "404", "ok", "ok"),
    "cases/new/": ("GET", "login", "ok", "ok", "ok"),
    "cases/new/matches/": ("GET", "login", "ok", "ok", "ok"),
    "cases/<int:case_id>/": ("GET", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/reply/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/saved-replies/": ("GET", "login", "404", "ok", "ok"),
    "saved-replies/": ("GET", "login", "ok", "ok", "ok"),
    "saved-replies/new/": ("POST", "login", "ok", "ok", "ok"),
    "saved-replies/<int:saved_reply_id>/": ("GET", "login", "404", "ok", "ok"),
    "saved-replies/<int:saved_reply_id>/delete/": ("POST", "login", "404", "ok", "ok"),
    "saved-replies/policies/<int:brand_id>/": ("POST", "login", "404", "404", "ok"),
    "cases/<int:case_id>/note/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/call/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/status/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/priority/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/triage/corrections/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/owner/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/tags/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/split/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/merge/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/claim/": ("POST", "login", "404", "ok", "ok"),
    # Refusals are flashed per case on the redirect back (tests/workspace/test_cases_bulk.py).
    "cases/bulk/": ("POST", "login", "ok", "ok", "ok"),
    "saved-views/": ("POST", "login", "ok", "ok", "ok"),
    "saved-views/<int:view_id>/delete/": ("POST", "login", "404", "ok", "404"),
    "cases/<int:case_id>/presence/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/chat-seen/": ("POST", "login", "404", "400", "400"),
    "customers/": ("GET", "login", "ok", "ok", "ok"),
    "customers/<int:customer_id>/": ("GET", "login", "404", "ok", "ok"),
    "customers/<int:customer_id>/relationship/": ("POST", "login", "404", "ok", "ok"),
    "customers/<int:customer_id>/identities/": ("POST", "login", "404", "ok", "ok"),
    "customers/<int:customer_id>/merge/": ("POST", "login", "404", "ok", "ok"),
    "cases/<int:case_id>/social/responses/": ("POST", "login", "404", "ok", "ok"),
    "customers/<int:customer_id>/notes/": ("POST", "login", "404", "ok", "ok"),
    "customers/<int:customer_id>/notes/<int:note_id>/pin/": ("POST", "login", "404", "ok", "ok"),
    "customers/<int:customer_id>/notes/<int:note_id>/delete/": ("POST", "login", "404", "ok", "ok"),
    "customers/<int:customer_id>/assets/": ("POST", "login", "404", "ok", "ok"),
}
API: dict[str, tuple[str, str, str, str]] = {
    "GET /api/v1/customers": ("401", "ok", "ok", "ok"),
    "GET /api/v1/customers/matches": ("401", "ok", "ok", "ok"),
    "POST /api/v1/customers": ("401", "ok", "ok", "ok"),
    "GET /api/v1/customers/{customer_id}": ("401", "404", "ok", "ok"),
    "PATCH /api/v1/customers/{customer_id}": ("401", "404", "ok", "ok"),
    "POST /api/v1/customers/{customer_id}/identities": ("401", "404", "ok", "ok"),
    "DELETE /api/v1/customers/{customer_id}/identities/{identity_id}": ("401", "404", "ok", "ok"),
    "POST /api/v1/customers/{customer_id}/notes": ("401", "404", "ok", "ok"),
    "POST /api/v1/customers/{customer_id}/assets": ("401", "404", "ok", "ok"),
    "PUT /api/v1/customers/{customer_id}/relationship": ("401", "404", "ok", "ok"),
    "POST /api/v1/customers/{customer_id}/merge": ("401", "404", "ok", "ok"),
    "GET /api/v1/customers/{customer_id}/timeline": ("401", "404", "ok", "ok"),
    "GET /api/v1/cases": ("401", "ok", "ok", "ok"),
    "POST /api/v1/cases": ("401", "400", "ok", "ok"),
    "GET /api/v1/cases/{case_id}": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/replies": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/notes": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/calls": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/status": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/owner": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/priority": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/triage/corrections": ("401", "404", "ok", "ok"),
    "GET /api/v1/cases/{case_id}/triage/corrections": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/chat/seen": ("401", "404", "ok", "ok"),
    "GET /api/v1/cases/{case_id}/status-link": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/status-link/revoke": ("401", "404", "ok", "ok"),
    "GET /api/v1/cases/{case_id}/social": ("401", "404", "ok", "ok"),
    # The case has no public post: the access check passed, the action refused.
    "POST /api/v1/cases/{case_id}/social/responses": ("401", "404", "400", "400"),
    # A supervisor's token may post (it opens cases in any business); no token: the signature.
    "POST /api/v1/social/posts": ("401", "403", "403", "ok"),
    "GET /api/v1/triage/models": ("401", "404", "404", "ok"),
    "PUT /api/v1/triage/models/active": ("401", "404", "404", "ok"),
    "PUT /api/v1/cases/{case_id}/tags": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/resolve": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/merge": ("401", "404", "ok", "ok"),
    "POST /api/v1/cases/{case_id}/claim": ("401", "404", "ok", "ok"),
    # Each id the caller may not open is refused inside a 200 (tests/api/test_cases_bulk.py).
    "POST /api/v1/cases/bulk": ("401", "ok", "ok", "ok"),
    # Each agent's own views: the list is theirs, another's view is a 404.
    "GET /api/v1/saved-views": ("401", "ok", "ok", "ok"),
    "POST /api/v1/saved-views": ("401", "ok", "ok", "ok"),
    "DELETE /api/v1/saved-views/{view_id}": ("401", "404", "ok", "404"),
    "POST /api/v1/messages/{message_id}/split": ("401", "404", "ok", "ok"),
    "GET /api/v1/attachments/{attachment_id}": ("401", "404", "ok", "ok"),
    "GET /api/v1/tokens": ("401", "ok", "ok", "ok"),
    "POST /api/v1/tokens": ("401", "ok", "ok", "ok"),
    "DELETE /api/v1/tokens/{token_id}": ("401", "404", "ok", "ok"),
    "POST /api/v1/customers/{customer_id}/identities/{identity_id}/verify": (
        "401",
        "404",
        "ok",
        "ok",
    ),
    "POST /api/v1/customers/{customer_id}/not-a-duplicate": ("401", "404", "400", "400"),
    "GET /api/v1/customers/{customer_id}/export": ("401", "404", "404", "ok"),
    "POST /api/v1/customers/{customer_id}/erase": ("401", "404", "404", "ok"),
    "GET /api/v1/access-log": ("401", "404", "404", "ok"),
    "GET /api/v1/desk/brands": ("401", "ok", "ok", "ok"),
    "GET /api/v1/desk/deferred": ("401", "404", "404", "ok"),
    "POST /api/v1/desk/brands": ("401", "403", "403", "ok"),
    "GET /api/v1/agents": ("401", "ok", "ok", "ok"),
    "GET /api/v1/agents/me": ("401", "ok", "ok", "ok"),
    "GET /api/v1/agents/me/notifications": ("401", "ok", "ok", "ok"),
    "PUT /api/v1/agents/me/notifications": ("401", "ok", "ok", "ok"),
    "PUT /api/v1/agents/me/signature": ("401", "ok", "ok", "ok"),
    "PUT /api/v1/agents/me/photo": ("401", "400", "400", "400"),
    "DELETE /api/v1/agents/me/photo": ("401", "ok", "ok", "ok"),
    "POST /api/v1/agents": ("401", "403", "403", "ok"),
    "GET /api/v1/agents/{agent_id}": ("401", "403", "403", "ok"),
    "PATCH /api/v1/agents/{agent_id}": ("401", "403", "403", "ok"),
    "POST /api/v1/agents/{agent_id}/deactivate": ("401", "403", "403", "ok"),
    "POST /api/v1/agents/{agent_id}/reactivate": ("401", "403", "403", "400"),
    "POST /api/v1/agents/{agent_id}/invitation": ("401", "403", "403", "400"),
    "GET /api/v1/insights/time-to-human": ("401", "404", "404", "ok"),
    "GET /api/v1/insights/saved-replies": ("401", "404", "404", "ok"),
    "GET /api/v1/insights/{question}": ("401", "404", "404", "ok"),
    "GET /api/v1/staffing/interval": ("401", "ok", "ok", "ok"),
    "GET /api/v1/staffing/plan": ("401", "404", "404", "ok"),
    "GET /api/v1/outreach/make-goods": ("401", "ok", "ok", "ok"),
    "POST /api/v1/outreach/make-goods": ("401", "404", "ok", "ok"),
    "POST /api/v1/outreach/make-goods/{make_good_id}/decision": ("401", "404", "403", "ok"),
    "GET /api/v1/outreach/make-goods/totals": ("401", "403", "403", "ok"),
    "PUT /api/v1/outreach/approval-limits": ("401", "403", "403", "ok"),
    "GET /api/v1/outreach/incidents": ("401", "ok", "ok", "ok"),
    "POST /api/v1/outreach/incidents": ("401", "403", "403", "ok"),
    "GET /api/v1/outreach/incidents/{incident_id}": ("401", "404", "ok", "ok"),
    "POST /api/v1/outreach/incidents/{incident_id}/audience": ("401", "404", "403", "ok"),
    "POST /api/v1/outreach/incidents/{incident_id}/imports": ("401", "404", "403", "ok"),
    "GET /api/v1/outreach/imports/{import_id}": ("401", "404", "ok", "ok"),
    "GET /api/v1/outreach/incidents/{incident_id}/board": ("401", "404", "ok", "ok"),
    "GET /api/v1/outreach/incidents/{incident_id}/tasks": ("401", "404", "ok", "ok"),
    "GET /api/v1/outreach/tasks/{task_id}": ("401", "404", "ok", "ok"),
    "POST /api/v1/outreach/tasks/{task_id}/call": ("401", "404", "ok", "ok"),
    "POST /api/v1/outreach/tasks/{task_id}/message": ("401", "404", "ok", "ok"),
    "POST /api/v1/outreach/tasks/{task_id}/result": ("401", "404", "ok", "ok"),
    "GET /api/v1/care/calls-due": ("401", "ok", "ok", "ok"),
    # Without ?case= or ?customer= (which the matrix cannot send): the surveys one may see;
    # tests/surveys/test_api.py holds another team's case and customer to 404.
    "GET /api/v1/surveys": ("401", "ok", "ok", "ok"),
    "POST /api/v1/surveys/{survey_id}/send-now": ("401", "403", "403", "ok"),
    "GET /api/v1/surveys/results": ("401", "ok", "ok", "ok"),
    "GET /api/v1/care/promises": ("401", "ok", "ok", "ok"),
    "GET /api/v1/care/promises/{promise_id}": ("401", "404", "ok", "ok"),
    "POST /api/v1/care/promises/{promise_id}/call": ("401", "404", "ok", "ok"),
    "POST /api/v1/care/promises/{promise_id}/reschedule": ("401", "404", "ok", "ok"),
    "POST /api/v1/care/promises/{promise_id}/cancel": ("401", "404", "ok", "ok"),
    "POST /api/v1/care/cases/{case_id}/follow-ups": ("401", "404", "ok", "ok"),
    "GET /api/v1/care/cases/{case_id}/callback-window": ("401", "404", "ok", "ok"),
    "POST /api/v1/care/cases/{case_id}/callbacks": ("401", "404", "ok", "ok"),
    "POST /api/v1/care/cases/{case_id}/referrals": ("401", "404", "ok", "ok"),
    "GET /api/v1/care/referrals/{referral_id}": ("401", "404", "ok", "ok"),
    "POST /api/v1/care/referrals/{referral_id}/acknowledge": ("401", "404", "400", "ok"),
    "POST /api/v1/care/referrals/{referral_id}/hand-back": ("401", "404", "400", "400"),
    "POST /api/v1/care/referrals/{referral_id}/introduction": ("401", "404", "ok", "ok"),
    "POST /api/v1/care/cases/{case_id}/appointments": ("401", "404", "ok", "ok"),
    "GET /api/v1/care/customers/{customer_id}/word-of-mouth": ("401", "404", "ok", "ok"),
    "POST /api/v1/care/customers/{customer_id}/word-of-mouth": ("401", "404", "ok", "ok"),
    "GET /api/v1/care/word-of-mouth/counts": ("401", "ok", "ok", "ok"),
    "GET /api/v1/intake": ("401", "404", "404", "ok"),
    "GET /api/v1/intake/{inbound_id}": ("401", "404", "ok", "ok"),
    "GET /api/v1/intake/{inbound_id}/raw": ("401", "404", "ok", "ok"),
    "POST /api/v1/intake/{inbound_id}/retry": ("401", "404", "404", "400"),
    "GET /api/v1/desk/sites": ("401", "ok", "ok", "ok"),
    "PUT /api/v1/desk/sites/{site_id}/hours": ("401", "403", "403", "ok"),
    "POST /api/v1/desk/sites/{site_id}/closures": ("401", "403", "403", "ok"),
    "DELETE /api/v1/desk/sites/{site_id}/closures/{day}": ("401", "403", "403", "ok"),
    "GET /api/v1/desk/sla-policies": ("401", "ok", "ok", "ok"),
    "PUT /api/v1/desk/sla-policies": ("401", "403", "403", "ok"),
    "DELETE /api/v1/desk/sla-policies/{priority}": ("401", "403", "403", "ok"),
    "GET /api/v1/saved-replies": ("401", "ok", "ok", "ok"),
    "POST /api/v1/saved-replies": ("401", "403", "ok", "ok"),
    "GET /api/v1/saved-replies/{saved_reply_id}": ("401", "404", "ok", "ok"),
    "PUT /api/v1/saved-replies/{saved_reply_id}": ("401", "404", "ok", "ok"),
    "DELETE /api/v1/saved-replies/{saved_reply_id}": ("401", "404", "ok", "ok"),
    "GET /api/v1/saved-replies/policies": ("401", "ok", "ok", "ok"),
    "PUT /api/v1/saved-replies/policies/{brand_id}": ("401", "403", "403", "ok"),
    "PUT /api/v1/desk/brands/{brand_id}": ("401", "403", "403", "ok"),
    # The body is not an image: the supervisor gets the 400 naming it, the others the 403 first.
    "PUT /api/v1/desk/brands/{brand_id}/logo": ("401", "403", "403", "400"),
    "DELETE /api/v1/desk/brands/{brand_id}/logo": ("401", "403", "403", "ok"),
    "POST /api/v1/desk/sites": ("401", "403", "403", "ok"),
    "PUT /api/v1/desk/sites/{site_id}": ("401", "403", "403", "ok"),
    "GET /api/v1/desk/teams": ("401", "ok", "ok", "ok"),
    "POST /api/v1/desk/teams": ("401", "403", "403", "ok"),
    "PUT /api/v1/desk/teams/{team_id}": ("401", "403", "403", "ok"),
    "GET /api/v1/desk/follow-up-policies": ("401", "ok", "ok", "ok"),
    "POST /api/v1/desk/follow-up-policies": ("401", "403", "403", "ok"),
    "PUT /api/v1/desk/follow-up-policies/{follow_up_id}": ("401", "403", "403", "ok"),
}
Ids = dict[str, Any]
# What a form or a write is sent, so that it gets past validation to the access check.
WEB_DATA: dict[str, Callable[[Ids], dict[str, Any]]] = {
    "account/tokens/": lambda ids: {"name": "Zapier", "days": 30},
    "saved-views/": lambda ids: {"name": "Mine", "query": "view=mine"},
    "status/<str:token>/fresh/": lambda ids: {"email": "maria.lopez@example.com"},
    "cases/<int:case_id>/social/responses/": lambda ids: {"kind": "called"},
}
API_BODIES: dict[str, Callable[[Ids], dict[str, Any]]] = {
    "GET /api/v1/staffing/interval": lambda ids: {
        "arrivals": 100,
        "interval_minutes": 30,
        "aht_seconds": 180,
        "target_seconds": 20,
        "service_level": 0.8,
    },
    "PUT /api/v1/agents/me/notifications": lambda ids: {"choices": []},
    "PUT /api/v1/agents/me/signature": lambda ids: {"signature": "Night Clinic"},
    "PUT /api/v1/agents/me/photo": lambda ids: {"content_base64": "bm90IGFuIGltYWdl"},
    "PUT /api/v1/desk/brands/{brand_id}/logo": lambda ids: {"content_base64": "bm90IGFuIGltYWdl"},
    "POST /api/v1/customers": lambda ids: {"name": "Kim"},
    "POST /api/v1/desk/brands": lambda ids: {"name": "Day Clinic", "slug": "day-clinic"},
    "POST /api/v1/agents": lambda ids: {"email": "new@clinic.example", "display_name": "New"},
    "PATCH /api/v1/agents/{agent_id}": lambda ids: {"capacity": 5},
    "POST /api/v1/customers/{customer_id}/erase": lambda ids: {"confirm": ids["customer_id"]},
    "POST /api/v1/tokens": lambda ids: {"name": "Zapier"},
    "POST /api/v1/saved-replies": lambda ids: {
        "title": "Cough",
        "text": "Hi",
        "team": ids["team_id"],
    },
    "PUT /api/v1/saved-replies/{saved_reply_id}": lambda ids: {
        "title": "Cough",
        "text": "Hi {customer_first_name}",
        "team": ids["team_id"],
    },
    "PUT /api/v1/saved-replies/policies/{brand_id}": lambda ids: {"refuse_unedited": False},
    "PATCH /api/v1/customers/{customer_id}": lambda ids: {"preferred_name": "Mari"},
    "POST /api/v1/customers/{customer_id}/identities": lambda ids: {
        "kind": "email",
        "value": "maria.new@example.com",
    },
    "POST /api/v1/customers/{customer_id}/notes": lambda ids: {"text": "Likes tea"},
    "POST /api/v1/customers/{customer_id}/assets": lambda ids: {"name": "Cello case"},
    "PUT /api/v1/customers/{customer_id}/relationship": lambda ids: {
        "owner_id": ids["colleague_id"],
        "deputy_id": ids["agent_id"],
    },
    "POST /api/v1/customers/{customer_id}/merge": lambda ids: {"into": ids["twin_id"]},
    "POST /api/v1/cases": lambda ids: {
        "customer_id": ids["customer_id"],
        "channel": "email",
        "text": "Hello again",
    },
    "POST /api/v1/cases/{case_id}/replies": lambda ids: {"text": "Honey in warm water."},
    "POST /api/v1/cases/{case_id}/social/responses": lambda ids: {"kind": "called"},
    "POST /api/v1/social/posts": lambda ids: {
        "platform": "mastodon",
        "post_id": "1",
        "author_handle": "maria@social.example",
        "author_name": "Maria",
        "text": "Still waiting for my refund",
        "url": "https://social.example/@maria/1",
        "posted_at": "2026-12-07T09:00:00Z",
    },
    "POST /api/v1/cases/{case_id}/notes": lambda ids: {"text": "Call tomorrow"},
    "POST /api/v1/cases/{case_id}/calls": lambda ids: {
        "direction": "outbound",
        "outcome": "reached",
    },
    "POST /api/v1/cases/{case_id}/status": lambda ids: {"status": "waiting_us"},
    "POST /api/v1/cases/{case_id}/owner": lambda ids: {"owner_id": ids["colleague_id"]},
    "POST /api/v1/cases/{case_id}/priority": lambda ids: {"priority": "high"},
    "PUT /api/v1/triage/models/active": lambda ids: {"version": None},
    "POST /api/v1/cases/{case_id}/triage/corrections": lambda ids: {
        "signal": "upset",
        "value": True,
    },
    "POST /api/v1/cases/{case_id}/chat/seen": lambda ids: {"message_id": 1},
    "PUT /api/v1/cases/{case_id}/tags": lambda ids: {"tags": ["billing"]},
    "POST /api/v1/cases/{case_id}/merge": lambda ids: {"into": ids["sibling_case_id"]},
    "POST /api/v1/saved-views": lambda ids: {"name": "Mine", "filters": {"view": "mine"}},
    "POST /api/v1/cases/bulk": lambda ids: {
        "case_ids": [ids["case_id"]],
        "action": "tag",
        "tag": "checked",
    },
    "POST /api/v1/outreach/make-goods": lambda ids: {
        "case_id": ids["case_id"],
        "kind": "credit",
        "description": "Wheel kit",
        "reason": "missing part",
    },
    "POST /api/v1/outreach/make-goods/{make_good_id}/decision": lambda ids: {"approve": True},
    "PUT /api/v1/outreach/approval-limits": lambda ids: {"currency": "EUR", "amount": "10"},
    "POST /api/v1/outreach/incidents": lambda ids: {"title": "Flood"},
    "POST /api/v1/outreach/incidents/{incident_id}/audience": lambda ids: {
        "customer_ids": [ids["twin_id"]]
    },
    "POST /api/v1/outreach/incidents/{incident_id}/imports": lambda ids: {
        "csv": "name,email\nKim,kim@x.example\n"
    },
    "POST /api/v1/outreach/tasks/{task_id}/call": lambda ids: {
        "call_outcome": "reached",
        "outcome": "rebooked",
    },
    "POST /api/v1/outreach/tasks/{task_id}/message": lambda ids: {"text": "We are sorry."},
    "POST /api/v1/outreach/tasks/{task_id}/result": lambda ids: {
        "status": "failed",
        "note": "Number disconnected",
    },
    "POST /api/v1/care/promises/{promise_id}/call": lambda ids: {"outcome": "reached_fine"},
    "POST /api/v1/care/promises/{promise_id}/reschedule": lambda ids: {"to": ids["soon"]},
    "POST /api/v1/care/promises/{promise_id}/cancel": lambda ids: {"reason": "Not needed"},
    "POST /api/v1/care/cases/{case_id}/referrals": lambda ids: {
        "situation": "Cough",
        "needs": "A specialist",
        "to_agent_id": ids["colleague_id"],
    },
    "POST /api/v1/care/referrals/{referral_id}/hand-back": lambda ids: {"note": "Seen; fine."},
    "POST /api/v1/care/referrals/{referral_id}/introduction": lambda ids: {"text": "Meet Ben."},
    "POST /api/v1/care/cases/{case_id}/appointments": lambda ids: {
        "starts_at": ids["soon"],
        "location": "Room 1",
        "with_name": "Dr. Lee",
    },
    "POST /api/v1/care/customers/{customer_id}/word-of-mouth": lambda ids: {
        "direction": "recommended",
        "other_name": "Eva",
    },
    "PUT /api/v1/desk/sites/{site_id}/hours": lambda ids: {"hours": "mon 08:00-20:00"},
    "POST /api/v1/desk/sites/{site_id}/closures": lambda ids: {"day": "2026-12-25"},
    "PUT /api/v1/desk/brands/{brand_id}": lambda ids: {"name": "Day Clinic", "slug": "day"},
    "POST /api/v1/desk/sites": lambda ids: {"name": "Lisbon", "timezone": "Europe/Lisbon"},
    "PUT /api/v1/desk/sites/{site_id}": lambda ids: {"name": "Nights", "timezone": "UTC"},
    "POST /api/v1/desk/teams": lambda ids: {"name": "Days", "slug": "days"},
    "PUT /api/v1/desk/teams/{team_id}": lambda ids: {"name": "Clinic", "member_ids": []},
    "POST /api/v1/desk/follow-up-policies": lambda ids: {"name": "Any", "purpose": "p"},
    "PUT /api/v1/desk/follow-up-policies/{follow_up_id}": lambda ids: {
        "name": "Clinic visit",
        "purpose": "How is Mila?",
    },
    "PUT /api/v1/desk/sla-policies": lambda ids: {
        "priority": "high",
        "first_response_minutes": 60,
        "next_response_minutes": 120,
        "resolution_minutes": 480,
    },
}
# ----------------------------------------------------------------------------------------


@dataclass
class Desk:
    world: World
    ids: dict[str, Any]
    tokens: dict[str, str]


@pytest.fixture
def desk(world: World) -> Desk:
    """The clinic's objects, one of each kind a URL can name."""
    case, agent, supervisor = world.case, world.agent, world.supervisor
    now = timezone.now()
    note = add_rapport_note(customer=world.customer, text="Puppy Mila", by=agent)
    promise = schedule_follow_up(
        case=case, by=agent, due_at=tomorrow_at(case, now=now), purpose="How is Mila?"
    )
    referral = refer_case(
        case=case, by=agent, situation="Cough", needs="A specialist", to_agent=world.colleague
    )
    incident = create_incident(title="Storm", by=supervisor, team=world.clinic)
    add_audience(incident=incident, customers=[world.customer], by=supervisor)
    task = incident.tasks.get()
    job = start_import(incident=incident, by=supervisor, content="name,email\nKim,kim@x.example\n")
    make_good = record_make_good(
        case=case, by=agent, kind="credit", description="d", reason="r", amount=500, currency="EUR"
    )
    closure = add_closure(site=world.night_site, day=date(2026, 12, 24), by=supervisor)
    policy = set_sla_policy(
        priority="urgent",
        first_response=timedelta(minutes=30),
        next_response=timedelta(hours=1),
        resolution=timedelta(hours=8),
        by=supervisor,
    )
    inbound = store_inbound_email(
        raw=make_mail(
            subject=f"Re: [#{case.pk}] Puppy coughing at night",
            html='<p>Her cough: <img src="https://images.example/mila.jpg"></p>',
            attachments=[("cough.txt", "text/plain", b"coughs at 3 am")],
        ),
        source="pipe",
        enqueue=False,
    )
    process_inbound_email(inbound_id=inbound.pk)
    inbound.refresh_from_db()
    brand = create_brand(name="Night Clinic", slug="night-clinic", by=supervisor)
    set_brand_logo(brand, data=png(), by=supervisor)
    follow_up = create_follow_up_policy(name="Clinic visit", purpose="How is Mila?", by=supervisor)
    twin = create_customer(name="Maria L.", by=agent, owner=agent)
    sibling = open_case(
        customer=world.customer,
        subject="Mila's vaccination",
        channel="phone",
        text="When is the next one?",
        by=agent,
        owner=agent,
        team=world.clinic,
    )
    twin_case = open_case(
        customer=twin,
        subject="Also Mila",
        channel="phone",
        text="Same dog",
        by=agent,
        owner=agent,
        team=world.clinic,
    )
    ids = {
        "case_id": case.pk,
        "customer_id": world.customer.pk,
        "note_id": note.pk,
        "identity_id": world.customer.identities.order_by("pk").first().pk,  # type: ignore[union-attr]
        "message_id": inbound.case_message_id,
        "promise_id": promise.pk,
        "referral_id": referral.pk,
        "incident_id": incident.pk,
        "task_id": task.pk,
        "import_id": job.pk,
        "make_good_id": make_good.pk,
        "site_id": world.night_site.pk,
        "day": closure.day.isoformat(),
        "policy_id": policy.pk,
        "priority": "urgent",
        "question": "time-to-human",
        "inbound_id": inbound.pk,
        "attachment_id": Attachment.objects.get(message__inbound_emails=inbound).pk,
        "file_id": Attachment.objects.get(message__inbound_emails=inbound).pk,
        "brand_slug": brand.slug,
        "brand_id": brand.pk,
        "team_id": world.clinic.pk,
        "saved_reply_id": create_saved_reply(
            title="Cough", text="Hi", brand=None, team=world.clinic, by=agent
        ).pk,
        "follow_up_id": follow_up.pk,
        "uidb64": urlsafe_base64_encode(force_bytes(agent.user.pk)),
        "token": "forged-token",
        "agent_id": agent.pk,
        "colleague_id": world.colleague.pk,
        "twin_id": twin.pk,
        "twin_case_id": twin_case.pk,
        "sibling_case_id": sibling.pk,
        "view_id": save_view(agent=agent, name="Ana's", filters={"view": "team"}).pk,
        "soon": (now + timedelta(days=2)).isoformat(),
        "survey_id": Survey.objects.create(
            kind="nps", customer=world.customer, case=case, agent=agent, due_at=now
        ).pk,
    }
    tokens = {name: world.token_for(getattr(world, name)) for name in PERSONAS[1:]}
    ids["token_id"] = ApiToken.objects.filter(agent=agent).get().pk
    return Desk(world, ids, tokens)


def _web_routes() -> Iterator[tuple[str, URLPattern]]:
    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[Any]:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route, entry.namespace or namespace)
            elif namespace == "api-v1" and entry.name not in {"openapi-json", "openapi-view"}:
                continue  # an API operation: classified from the OpenAPI document below
            else:
                yield route, entry

    yield from walk(get_resolver().url_patterns, "", None)


def _api_operations() -> Iterator[str]:
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method in methods:
            yield f"{method.upper()} {path}"


def _url(route: str, ids: dict[str, Any]) -> str:
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"\(\?P<rest>[^)]*\)", "unknown", route)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[str(m.group(1))]), route)


def _classify(response: Any) -> str:
    status = response.status_code
    if status in {400, 401, 403, 404, 409, 422}:
        return str(status)
    if status in {301, 302} and response["Location"].startswith("/login/"):
        return "login"
    if getattr(response, "context", None) and response.context.get("validlink") is False:
        return "invalid"  # a signed link that does not check out
    assert status < 500 and status != 405, (status, response.content[:500])
    return "ok"


def _client(desk: Desk, persona: str) -> Client:
    if persona == "anonymous":
        return Client()
    return desk.world.client_for(getattr(desk.world, persona))


def _observe(desk: Desk, call: Callable[[str], Any]) -> list[str]:
    """Each persona's answer, each in a savepoint rolled back: nobody sees another's writes."""
    seen = []
    for persona in PERSONAS:
        with transaction.atomic():
            seen.append(_classify(call(persona)))
            transaction.set_rollback(True)
    return seen


def test_every_endpoint_is_classified() -> None:
    routes = {route for route, _ in _web_routes()}
    assert sorted(routes - set(WEB)) == [], "classify these web URLs in WEB"
    assert sorted(set(WEB) - routes) == [], "these WEB rows name no URL any more"
    operations = set(_api_operations())
    assert sorted(operations - set(API)) == [], "classify these operations in API"
    assert sorted(set(API) - operations) == [], "these API rows name no operation any more"


def _web_call(desk: Desk, route: str, method: str) -> Callable[[str], Any]:
    url = _url(route, desk.ids)
    data = WEB_DATA[route](desk.ids) if route in WEB_DATA else {}

    def call(persona: str) -> Any:
        client = _client(desk, persona)
        return client.post(url, data) if method == "POST" else client.get(url)

    return call


def _api_call(desk: Desk, operation: str) -> Callable[[str], Any]:
    method, path = operation.split(" ", 1)
    url = path.format(**desk.ids)
    given = API_BODIES[operation](desk.ids) if operation in API_BODIES else {}
    body = json.dumps(given)

    def call(persona: str) -> Any:
        token = desk.tokens.get(persona)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = getattr(Client(), method.lower())
        if method in {"GET", "DELETE"}:  # a GET's "body" is its query string
            return client(url, given or None, headers=headers)
        return client(url, body, content_type="application/json", headers=headers)

    return call


def _differences(
    expected: Mapping[str, tuple[str, ...]], seen: Mapping[str, tuple[str, ...]]
) -> list[str]:
    return [
        f"{key}: expected {expected[key]}, got {seen[key]}"
        for key in expected
        if key in seen and expected[key] != seen[key]
    ]


def test_every_web_url_answers_each_persona_as_classified(desk: Desk) -> None:
    seen = {}
    for route, _ in _web_routes():
        if route not in WEB:
            continue  # reported by test_every_endpoint_is_classified
        method = WEB[route][0]
        seen[route] = (method, *_observe(desk, _web_call(desk, route, method)))
    assert _differences(WEB, seen) == [], _differences(WEB, seen)
    for route, expected in LINK_HOLDER.items():
        with transaction.atomic():
            assert _classify(Client().get(LINKS[route](desk.world))) == expected, route
            transaction.set_rollback(True)


def test_every_signed_link_has_its_holder_classified() -> None:
    assert set(LINKS) == set(LINK_HOLDER)


def test_every_api_operation_answers_each_persona_as_classified(desk: Desk) -> None:
    seen = {}
    for operation in _api_operations():
        if operation in API:
            seen[operation] = tuple(_observe(desk, _api_call(desk, operation)))
    assert _differences(API, seen) == [], _differences(API, seen)
    # A write is sent a valid body, so its access check really ran.
    assert [key for key, cells in API.items() if "422" in cells] == []
