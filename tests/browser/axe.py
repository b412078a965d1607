"""The accessibility audit: axe-core (npm, pinned in package.json and package-lock.json,
installed by `npm ci` from `make install` and .ci/run) run inside the page under test.

Playwright's `add_script_tag` loads axe's JS from node_modules at a path of the page's own
origin (answered by a route, never by the desk), so the page's strict policy (`script-src
'self'`) stays on during the audit. Without node_modules the test is skipped on a
developer's machine and fails in CI (`missing_component`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, Route

from tests.browser.fixtures import REPO_ROOT
from tests.conftest import missing_component

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__axe-core__/axe.min.js"
# What fails the audit: axe's two worst impacts (minor and moderate are reported, not failed).
FAILING = ("serious", "critical")


def _serve_axe(route: Route) -> None:
    route.fulfill(path=str(AXE), content_type="text/javascript; charset=utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every violation axe finds on the page as it is now (WCAG 2.x A and AA and axe's best
    practices), each with its impact, rule id, help text and the nodes concerned."""
    if not AXE.is_file():
        missing_component(f"axe-core not found at {AXE} (run `npm ci`, as `make install` does)")
    parts = urlsplit(page.url)
    url = f"{parts.scheme}://{parts.netloc}{AXE_PATH}"
    page.route(url, _serve_axe)
    try:
        page.add_script_tag(url=url)
    finally:
        page.unroute(url, _serve_axe)
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(
            (v) => ({id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary)}))"""
    )
    return found


def assert_accessible(page: Page) -> None:
    """No serious or critical violation on the page."""
    failing = [v for v in axe_violations(page) if v["impact"] in FAILING]
    report = "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at {'; '.join(v['nodes'][:5])}" for v in failing
    )
    assert not failing, f"axe-core on {page.url}:\n{report}"
