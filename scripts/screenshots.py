"""`make screenshots`: every page of the demo desk at 1440 and 390 px, as each persona sees it.

Builds the demo in a throwaway SQLite database, serves it on a free loopback port, signs in
with Debian's Chromium (Playwright) as the supervisor, an agent of each business and a stranger,
and writes PNGs to var/screenshots/ (or --out). Look at them before calling a page done.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("RAPPORT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
WIDTHS = {"desktop": 1440, "phone": 390}
PASSWORD = "rapport-demo"  # noqa: S105 -- the demo's printed sign-in

PUBLIC = ["/contact/", "/contact/night-clinic/", "/contact/workshop/", "/login/"]
# persona -> pages (a case page is found from the inbox: the first case link)
SIGNED_IN = {
    "supervisor": ["/", "/supervisor/", "/supervisor/desk/", "/mail/intake/", "/outreach/"],
    "ana": ["/", "/care/calls/", "/customers/", "first-case"],
    "priya": ["/", "first-case"],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def shoot(page: Page, base: str, path: str, name: str, out: Path) -> None:
    page.goto(base + path, wait_until="networkidle")
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(out / f"{name}-{label}.png"), full_page=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "var" / "screenshots"))
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "RAPPORT_DATA_DIR": data, "DATABASE_URL": ""}
        rapport = [sys.executable, "-m", "rapport.cli"]
        subprocess.run([*rapport, "migrate", "--no-input", "-v", "0"], env=env, check=True)  # noqa: S603
        subprocess.run([*rapport, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [*rapport, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urlopen(base + "/login/", timeout=1)  # noqa: S310 -- our own loopback server
                    break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page()
                for path in PUBLIC:
                    shoot(page, base, path, f"public-{slug(path)}", out)
                for persona, paths in SIGNED_IN.items():
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(base + "/login/")
                    page.fill("input[name=username]", persona)
                    page.fill("input[name=password]", PASSWORD)
                    page.click("button[type=submit]")
                    page.wait_for_load_state("networkidle")
                    for wanted in paths:
                        path = wanted
                        if wanted == "first-case":
                            page.goto(base + "/?view=recent")
                            path = page.locator("a.case-link").first.get_attribute("href") or "/"
                        shoot(page, base, path, f"{persona}-{slug(path)}", out)
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    sys.stdout.write(f"Screenshots in {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
