"""Every page carries a strict Content-Security-Policy, and no template needs inline code.

The browser half (no violation on any page, key interactions still working) is in
tests/browser/test_content_security_policy.py.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "rapport").glob("**/templates/**/*.html"))
EXPECTED = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none';"
    " frame-ancestors 'none'; form-action 'self'; report-uri /csp-report/; report-to csp"
)
# What a strict policy refuses in markup: event-handler attributes, htmx's inline handlers,
# inline <script> and <style> blocks, style attributes and javascript: URLs.
INLINE = {
    "event handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE),
    "hx-on attribute": re.compile(r"\shx-on[:-]", re.IGNORECASE),
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "style block": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize(
    "template", TEMPLATES, ids=[str(t.relative_to(ROOT / "rapport")) for t in TEMPLATES]
)
def test_no_template_holds_inline_script_or_style(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    found = [
        f"{what}: {match.group(0).strip()!r}"
        for what, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]
    assert found == [], "move it to a static .js/.css file under the app's static folder"


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 30


def test_pages_public_and_signed_in_carry_the_policy(world: World) -> None:
    anonymous = Client()
    agent = world.client_for(world.agent)
    for client, path in [
        (anonymous, "/login/"),
        (anonymous, "/contact/"),
        (agent, "/"),
        (agent, f"/cases/{world.case.pk}/"),
        (agent, f"/customers/{world.customer.pk}/"),
        (agent, "/no-such-page/"),
    ]:
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == EXPECTED, path
        assert response.headers["Reporting-Endpoints"] == 'csp="/csp-report/"'
    assert "unsafe" not in EXPECTED


def test_report_only_mode_reports_without_enforcing(world: World, settings: object) -> None:
    settings.RAPPORT_CSP_REPORT_ONLY = True  # type: ignore[attr-defined]
    response = Client().get("/login/")
    assert "Content-Security-Policy" not in response.headers
    assert response.headers["Content-Security-Policy-Report-Only"] == EXPECTED


def test_htmx_is_configured_to_need_neither_eval_nor_inline_styles(world: World) -> None:
    html = world.client_for(world.agent).get("/").content.decode()
    meta = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", html)
    assert meta is not None
    config = json.loads(meta.group(1))
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["allowScriptTags"] is False


def test_a_violation_report_is_logged_in_either_format(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    legacy = {
        "csp-report": {
            "document-uri": "http://desk.example/cases/7/",
            "effective-directive": "script-src-elem",
            "blocked-uri": "inline",
            "script-sample": "alert(1)\nFAKE LOG LINE",
        }
    }
    modern = [
        {
            "type": "csp-violation",
            "body": {"documentURL": "http://desk.example/", "effectiveDirective": "img-src"},
        },
        {"type": "deprecation", "body": {"id": "x"}},
    ]
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="rapport.csp"):
        first = client.post(
            "/csp-report/", json.dumps(legacy), content_type="application/csp-report"
        )
        second = client.post("/csp-report/", modern, content_type="application/reports+json")
    assert (first.status_code, second.status_code) == (204, 204)
    lines = [r.getMessage() for r in caplog.records if r.name == "rapport.csp"]
    assert len(lines) == 2
    assert "effective-directive='script-src-elem'" in lines[0]
    assert "script-sample='alert(1)\\nFAKE LOG LINE'" in lines[0]  # escaped: one log line
    assert "document-uri='http://desk.example/'" in lines[1]
    assert "effective-directive='img-src'" in lines[1]


def test_a_bad_or_huge_report_is_refused_and_nothing_is_logged(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    with caplog.at_level(logging.WARNING, logger="rapport.csp"):
        assert (
            client.post("/csp-report/", "{nope", content_type="application/json").status_code == 400
        )
        huge = json.dumps({"csp-report": {"blocked-uri": "x" * 70_000}})
        assert client.post("/csp-report/", huge, content_type="application/json").status_code == 413
        assert client.get("/csp-report/").status_code == 405
    assert [r for r in caplog.records if r.name == "rapport.csp"] == []


def test_favicon_is_served(db: None) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.getvalue()[:4] == b"\x00\x00\x01\x00"  # an ICO header
