"""Open every page a person can reach by following links, and note what the browser saw.

A watched page records, per document, each Content-Security-Policy violation (the
`securitypolicyviolation` event, fired for enforced and report-only policies alike), each call
of the `window.__xss` sentinel that the XSS corpus's payloads make, each dialog (alert, confirm,
prompt: dismissed at once) and each uncaught script error. `crawl` follows same-origin links
breadth first, a few pages per URL shape (digits stand for ids), so a page added later is
visited without being listed here.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Dialog, Error, Page, Request

from tests.conftest import totp_code

WATCH = """
window.__xss = [];
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push({
    directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample,
    source: e.sourceFile, line: e.lineNumber, disposition: e.disposition,
  });
});
"""
# Markup that only an injection would put on a desk page (the desk has no inline handlers, style
# attributes, frames, plugins or script URLs of its own, and its only SVG is the insights charts,
# class "chart", drawn by rapport/insights/charts.py): each hit is a payload that reached the DOM
# as live markup, whether or not it managed to run.
AUDIT = """
() => {
  const found = [];
  const urlAttributes = new Set(["href", "src", "action", "formaction", "data", "xlink:href"]);
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on") || name === "style" || name === "srcdoc"
          || name.startsWith("hx-on") || name === "hx-vals" || name === "formaction"
          || (urlAttributes.has(name) && /^\\s*(javascript|vbscript|data):/i.test(a.value))) {
        found.push(`<${el.localName} ${name}="${a.value.slice(0, 80)}">`);
      }
    }
  }
  const selectors = "iframe, object, embed, base, meta[http-equiv], script:not([src]), style, "
    + "template, svg:not(.chart), math, link:not([rel=stylesheet]):not([rel=icon]), marquee, "
    + "video, audio";
  for (const el of document.querySelectorAll(selectors)) {
    found.push(`<${el.localName}> ${el.outerHTML.slice(0, 80)}`);
  }
  return found;
}
"""
# Requests only a payload makes.
PAYLOAD_REQUEST = re.compile(r"^https?://(xss\.invalid[:/]|[^/]+/xss-)")
# Links not to follow: signing out, downloads, files, and the JSON API (not pages).
SKIP = re.compile(r"^/(logout/|files/|attachments/|api/v1/(?!docs\?))|[?&]download=1")
DIGITS = re.compile(r"\d+")


@dataclass
class Findings:
    pages: list[str] = field(default_factory=list)
    violations: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    executions: list[tuple[str, object]] = field(default_factory=list)
    dialogs: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    markup: list[tuple[str, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # what each page said, with audit_markup
    requests: list[tuple[str, str]] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)

    def problems(self) -> dict[str, list[object]]:
        found: dict[str, list[object]] = {
            "CSP violations": list(self.violations),
            "script executions": list(self.executions),
            "dialogs": list(self.dialogs),
            "script errors": list(self.errors),
            "injected markup": list(self.markup),
            "payload requests": list(self.requests),
        }
        return {name: items for name, items in found.items() if items}


class Watcher:
    def __init__(
        self,
        page: Page,
        *,
        dismiss_dialogs: bool = True,
        audit_markup: bool = False,
        settle: Literal["load", "networkidle"] = "networkidle",
    ) -> None:
        self.page = page
        self.settle: Literal["load", "networkidle"] = settle
        self.findings = Findings()
        self.audit_markup = audit_markup
        page.add_init_script(WATCH)
        page.on("request", self._request)
        if dismiss_dialogs:
            page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.findings.errors.append((page.url, str(error))))

    def _dialog(self, dialog: Dialog) -> None:
        self.findings.dialogs.append((self.page.url, f"{dialog.type}: {dialog.message}"))
        dialog.dismiss()

    def _request(self, request: Request) -> None:
        if PAYLOAD_REQUEST.match(request.url):
            self.findings.requests.append((self.page.url, request.url))

    def collect(self) -> None:
        """Read what the current document recorded (call before leaving it)."""
        try:
            seen = self.page.evaluate("() => [window.__csp || [], window.__xss || []]")
            # Only HTML is audited: the browser wraps a text/plain document in its own markup.
            audit = (
                self.audit_markup
                and self.page.evaluate("() => document.contentType") == "text/html"
            )
            markup = self.page.evaluate(AUDIT) if audit else []
            text = self.page.evaluate("() => document.body.innerText") if audit else ""
        except Error:  # a document being replaced
            return
        url = self.page.url
        self.findings.violations += [(url, violation) for violation in seen[0]]
        self.findings.executions += [(url, call) for call in seen[1]]
        self.findings.markup += [(url, hit) for hit in markup]
        self.findings.texts.append(text)

    def visit(self, url: str) -> int:
        response = self.page.goto(url)
        self.page.wait_for_load_state(self.settle)
        self.collect()
        status = response.status if response is not None else 0
        self.findings.pages.append(url)
        self.findings.statuses[url] = status
        return status

    def links(self) -> list[str]:
        hrefs: list[str] = self.page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map((a) => a.href)"
        )
        return hrefs


def shape(url: str) -> str:
    parts = urlsplit(url)
    return DIGITS.sub("N", parts.path + "?" + parts.query)


def crawl(
    watcher: Watcher,
    origin: str,
    start: Iterable[str],
    *,
    per_shape: int = 2,
    limit: int = 250,
    also: Iterable[str] = (),
) -> Findings:
    """Visit `start` paths and every same-origin page linked from them, `per_shape` of each
    URL shape; `also` lists paths visited whatever their shape."""
    forced = {origin + path for path in also}
    queue = deque([origin + path for path in start] + sorted(forced))
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    while queue and len(seen) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
        key = shape(url)
        if url in seen or SKIP.search(parts.path + "?" + parts.query):
            continue
        if shapes[key] >= per_shape and url not in forced:
            continue
        seen.add(url)
        shapes[key] += 1
        watcher.visit(url)
        if "html" not in (watcher.page.evaluate("() => document.contentType") or ""):
            continue
        queue.extend(link for link in watcher.links() if link.startswith(origin + "/"))
    return watcher.findings


def sign_in(page: Page, origin: str, username: str, password: str) -> None:
    """The password, then (supervisors) the code from the authenticator app, set up if need be."""
    page.goto(f"{origin}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_url(lambda url: "/login/" not in url or "/login/code/" in url)
    path = urlsplit(page.url).path
    if path in {"/login/code/", "/account/two-factor/"}:
        device = TOTPDevice.objects.filter(
            user__username=username, confirmed=path == "/login/code/"
        ).latest("pk")
        page.fill("#id_code", totp_code(device))
        page.press("#id_code", "Enter")
    page.wait_for_url(lambda url: "/login/" not in url and "/two-factor/" not in url)
