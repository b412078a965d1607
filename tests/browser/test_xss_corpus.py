"""The permanent XSS test: a corpus of payloads through every way in, every page opened, 0 runs.

Each payload of tests/browser/xss_corpus.py goes in through inbound mail (display name, subject,
text body, HTML body, attachment name), the public contact form (valid and re-shown with
errors), the JSON API (customer names and organisations, case subjects, texts and HTML, tags,
notes, replies, call notes, rapport notes, assets, status reasons, follow-ups, referrals,
make-goods, incidents) and the desk's own forms. Then Chromium opens every case and customer
page and every page linked from them and the navigation, as the supervisor who sees them all.

The CSP is sent report-only here, so the test proves the escaping and sanitising on their own:
a payload that reached a page as markup would run (and be caught by the `window.__xss`
sentinel, the dialog handler or the watch on its requests) and would also be reported as a
violation. The page text must show every payload, literally, somewhere: proof they arrived.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formataddr
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Case, Message
from tests.api.conftest import ApiClient
from tests.browser.crawl import Watcher, crawl, sign_in
from tests.browser.test_content_security_policy import SUPERVISOR
from tests.browser.xss_corpus import payloads
from tests.conftest import PASSWORD, World
from tests.mail.intake_helpers import ingest, make_mail

pytestmark = pytest.mark.browser

CORPUS = payloads()
EVERYTHING = "\n".join(CORPUS)
AS_HTML = "".join(f"<p>{payload}</p>" for payload in CORPUS)


@dataclass
class Fed:
    cases: set[int] = field(default_factory=set)
    customers: set[int] = field(default_factory=set)


@pytest.fixture
def report_only(settings: Any) -> Iterator[None]:
    settings.RAPPORT_CSP_REPORT_ONLY = True
    yield


def ok(response: Any) -> Any:
    """A JSON body (or None for a page or a redirect), once the request succeeded."""
    assert 200 <= response.status_code < 400, (response.status_code, response.content[:300])
    return response.json() if response["Content-Type"].startswith("application/json") else None


def feed_mail(fed: Fed) -> None:
    for n, payload in enumerate(CORPUS):
        address = f"sender{n}@mail.example"
        raw = make_mail(
            sender=address,
            subject=payload,
            body=EVERYTHING,
            html=AS_HTML if n % 2 else "",  # half shown as HTML, half as text
            message_id=f"<xss{n}@mail.example>",
            attachments=[(f"{payload}.pdf", "application/pdf", b"%PDF-1.4 x")],
        )
        # The display name is written as a sender would, quoted on one line: the stdlib's
        # generator refolds such a header without its quotes.
        sender = formataddr((payload, address), charset="utf-8").encode()
        raw = raw.replace(f"From: {address}".encode(), b"From: " + sender, 1)
        result, _row = ingest(raw)
        assert result.case_id is not None, result
        fed.cases.add(result.case_id)


def feed_api(world: World, fed: Fed) -> None:
    api = ApiClient(world.token_for(world.agent))
    boss = ApiClient(world.token_for(world.supervisor))
    for n, payload in enumerate(CORPUS[::8]):
        customer = ok(
            api.post(
                "/customers",
                {
                    "name": payload[:200],
                    "preferred_name": payload[:100],
                    "organization": payload[:200],
                    "identities": [{"kind": "email", "value": f"api{n}@example.com"}],
                },
            )
        )
        fed.customers.add(customer["id"])
        case = ok(
            api.post(
                "/cases",
                {
                    "customer_id": customer["id"],
                    "subject": payload[:300],
                    "channel": "email",
                    "text": EVERYTHING,
                    "html": AS_HTML if n % 2 else "",
                    "tags": [p[:40] for p in CORPUS[n : n + 3]],
                    "owner_id": world.agent.pk,
                    "team_id": world.clinic.pk,
                },
            )
        )
        fed.cases.add(case["id"])
    first, *_ = sorted(fed.cases)
    customer_id = Case.objects.get(pk=first).customer_id
    ok(api.post(f"/cases/{first}/notes", {"text": EVERYTHING}))
    ok(api.post(f"/cases/{first}/replies", {"text": EVERYTHING}))
    ok(
        api.post(
            f"/cases/{first}/calls",
            {"direction": "inbound", "outcome": "reached", "notes": EVERYTHING},
        )
    )
    ok(api.post(f"/cases/{first}/status", {"status": "open", "reason": CORPUS[0][:500]}))
    ok(
        api.post(
            f"/care/cases/{first}/follow-ups",
            {"purpose": CORPUS[1][:300], "script": EVERYTHING[:2000]},
        )
    )
    ok(
        api.post(
            f"/care/cases/{first}/referrals",
            {
                "provider_name": CORPUS[2][:200],
                "provider_organization": CORPUS[3][:200],
                "provider_email": "specialist@example.com",
                "situation": EVERYTHING[:4000],
                "tried": EVERYTHING[-4000:],
                "needs": CORPUS[8][:4000],
            },
        )
    )
    for payload in CORPUS:
        ok(api.post(f"/customers/{customer_id}/notes", {"text": payload[:500]}))
    for payload in CORPUS[::4]:
        ok(
            api.post(
                f"/customers/{customer_id}/assets",
                {
                    "name": payload[:200],
                    "reference": payload[:100],
                    "attributes": {payload[:50]: payload},
                },
            )
        )
    ok(
        api.post(
            "/outreach/make-goods",
            {
                "case_id": first,
                "kind": "credit",
                "description": CORPUS[4][:500],
                "reason": CORPUS[5][:100],
                "amount": "5",
                "currency": "EUR",
            },
        )
    )
    ok(
        boss.post(
            "/outreach/incidents",
            {
                "title": CORPUS[6][:200],
                "description": EVERYTHING,
                # Braces are placeholders in a draft; unknown ones are refused (tested there).
                "message_draft": "\n".join(p for p in CORPUS if "{" not in p),
                "team_id": world.clinic.pk,
            },
        )
    )


def feed_desk_forms(world: World, fed: Fed) -> None:
    desk = world.client_for(world.agent)
    case, customer = world.case.pk, world.customer.pk
    ok(desk.post(f"/cases/{case}/note/", {"text": EVERYTHING}))
    ok(desk.post(f"/cases/{case}/tags/", {"tags": ",".join(p[:60] for p in CORPUS[7:12])}))
    ok(desk.post(f"/cases/{case}/status/", {"status": "open", "reason": CORPUS[12][:500]}))
    for payload in CORPUS[::5]:
        ok(desk.post(f"/customers/{customer}/notes/", {"text": payload}))
        ok(
            desk.post(
                f"/customers/{customer}/assets/",
                {"name": payload[:200], "attributes": f"Spec: {payload}"},
            )
        )
    fed.cases.add(case)
    fed.customers.add(customer)


def feed_contact_form(fed: Fed) -> None:
    for n, payload in enumerate(CORPUS[::16]):
        response = Client().post(
            "/contact/",
            {
                "name": payload[:200],
                "phone": f"+34 612 000 {n:03d}",
                "email": f"contact{n}@example.com",
                "about": EVERYTHING[:2000],
                "timezone": "Europe/Madrid",
            },
        )
        assert response.status_code == 200, response.content[:300]


def test_no_payload_runs_anywhere(
    page: Page, live_server: LiveServer, world: World, report_only: None
) -> None:
    fed = Fed()
    feed_mail(fed)
    feed_api(world, fed)
    feed_desk_forms(world, fed)
    feed_contact_form(fed)
    cases = Case.objects.all()
    fed.cases |= set(cases.values_list("pk", flat=True))
    with_html = Message.objects.exclude(html="").values_list("pk", flat=True)
    assert len(fed.cases) > len(CORPUS) and len(with_html) > len(CORPUS) // 2

    # The contact form shows a refused submission again, every field as the visitor typed it.
    # "load" waits for every image (and so every onerror) of the page; htmx's own requests
    # after it are not waited for, which keeps 150 pages in about a minute.
    watcher = Watcher(page, audit_markup=True, settle="load")
    watcher.visit(f"{live_server.url}/contact/")
    page.fill("#id_name", CORPUS[0][:200])
    page.fill("#id_phone", CORPUS[2][:40])
    page.fill("#id_about", EVERYTHING[:2000])
    page.click("#callback-request")
    # Refused (a field's error, or the form's when the typed phone is not a number).
    expect(page.locator("#callback-form [role=alert]").first).to_be_visible()
    watcher.collect()

    sign_in(page, live_server.url, world.supervisor.user.username, PASSWORD)
    # Every case page (it shows the customer's name, the whole timeline and the side panel);
    # the customers made through the API and the forms; a few of every other page, by links.
    pages = [
        *(f"/cases/{pk}/" for pk in sorted(fed.cases)),
        *(f"/customers/{pk}/" for pk in sorted(fed.customers)),
        *(f"/?view=recent&q={quote(payload[:30])}" for payload in CORPUS[::10]),
    ]
    findings = crawl(watcher, live_server.url, SUPERVISOR, also=pages, limit=600)

    # Where the agent chose to load a mail's remote images, its remote images load: by design.
    findings.requests = [
        (url, request)
        for url, request in findings.requests
        if not ("/with-images/" in url and request.startswith("https://xss.invalid/"))
    ]
    assert findings.problems() == {}
    assert len(findings.pages) >= len(pages)
    text = "\n".join(findings.texts)
    shown = [payload for payload in CORPUS if payload in text]
    assert len(shown) == len(CORPUS), [p for p in CORPUS if p not in shown]
    assert django_settings.SECRET_KEY not in text
