"""The real dashboard on the demo campaign, served on free local ports, and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from dashboard.app import DEMO_USER, create_app
from dashboard.users import User, hash_password
from mapper.cli import demo_files
from mapper.importer import import_files
from mapper.models import OneOnOne
from mapper.stores.sqlite import SQLiteStore

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PASSWORD = "browser-test-password"
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_ISSUE = "<img src=y onerror=alert(2)>"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass
class Server:
    url: str
    store: SQLiteStore
    campaign: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def html_named_contact(campaign: str) -> OneOnOne:
    """A contact, and an issue, whose names are HTML that would run if it were not escaped."""
    return OneOnOne.model_validate({
        "date": "2026-11-21", "organizer": "Maya Ortiz", "campaign": campaign,
        "contact": {"name": XSS_NAME, "unit": "ICU"},
        "issues": [{"issue": "short staffing", "anger": 4}, {"issue": XSS_ISSUE, "anger": 5}],
        "assessment": 3})


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """The demo campaign, imported as `mapper demo` does."""
    path = tmp_path_factory.mktemp("browser") / "demo.db"
    store = SQLiteStore(path)
    report = import_files(store, demo_files())
    assert report.ok, [str(e) for e in report.errors]
    [campaign] = store.campaigns()
    store.close()
    yield path, campaign


def _serve(app) -> tuple[str, object]:
    port = _free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


@pytest.fixture
def with_html_names(demo_server) -> Server:
    """The demo server's campaign with :func:`html_named_contact` added."""
    demo_server.store.write([html_named_contact(demo_server.campaign)])
    return demo_server


@pytest.fixture(scope="session")
def demo_server(demo_db) -> Iterator[Server]:
    """``serve(demo=True)``'s app: everyone is the demo admin."""
    path, campaign = demo_db
    store = SQLiteStore(path)
    url, server = _serve(create_app(lambda: store, users={}, demo_user=DEMO_USER))
    yield Server(url, store, campaign)
    server.shutdown()
    store.close()


USERS = {
    "root": User("root", "admin", None, hash_password(PASSWORD)),
    "maya": User("maya", "organizer", "Maya Ortiz", hash_password(PASSWORD)),
    "vera": User("vera", "viewer", None, hash_password(PASSWORD)),
}


@pytest.fixture(scope="session")
def signin_server(demo_db) -> Iterator[Server]:
    """The same campaign behind the sign-in page, with an admin, an organizer and a viewer."""
    path, campaign = demo_db
    store = SQLiteStore(path)
    url, server = _serve(create_app(lambda: store, users=USERS))
    yield Server(url, store, campaign)
    server.shutdown()
    store.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Debian's Chromium is missing at {CHROMIUM} (make browser installs it)",
                    pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)``: saved to docs/screenshots for the README when
    MAPPER_SCREENSHOTS=1."""
    def shoot(page, name: str) -> None:
        if os.environ.get("MAPPER_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    return shoot


@pytest.fixture
def sign_in():
    """``sign_in(page, url, username)`` through the sign-in form."""
    def go(page, url: str, username: str) -> None:
        page.goto(f"{url}/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector(".navbar")
    return go


AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# What a user cannot get past: "moderate" and "minor" findings are reported by axe but not here.
AXE_BLOCKING = ("serious", "critical")


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from package.json by ``make axe`` (part of ``make test``)."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is missing at {AXE_JS}: run `make axe` (npm ci, from "
                    "package.json and package-lock.json) in the repository root", pytrace=False)
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """``axe(page)``: the serious or critical axe-core violations on the page as it stands, each
    as ``"rule-id: selector, selector"`` — rule ids and selectors only, never the page's text
    (it may hold names)."""
    def check(page) -> list[str]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated by the browser's debugging protocol, as a tester's console would: the
            # pages' Content-Security-Policy refuses an inline <script> it did not write.
            page.evaluate(axe_source + "\n;undefined")
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact,"
            " targets: v.nodes.map(n => n.target.join(' ') + (v.id === 'color-contrast' &&"
            " n.any[0] ? ` [${n.any[0].data.fgColor} on ${n.any[0].data.bgColor}]` : ''))}))")
        return [f"{v['id']} ({v['impact']}): {', '.join(v['targets'][:8])}"
                for v in violations if v["impact"] in AXE_BLOCKING]
    return check
