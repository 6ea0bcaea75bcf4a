"""The dashboard in a real headless Chromium, on the demo campaign."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from mapper.cli import demo_files
from mapper.models import OneOnOne
from mapper.readers import read_file, validate

pytestmark = pytest.mark.browser

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_ISSUE = "<img src=y onerror=alert(2)>"
# Each page, and what shows once its callbacks have answered.
PAGES = [
    ("overview", "/", ".stat .value"),
    ("clusters", "/clusters", "#cluster-table table"),
    ("power", "/power", "#power-paths table"),
    ("ready", "/ready", "#ready-grid .ag-row .ag-cell"),
    ("talk-next", "/next", "#next-grid .ag-row .ag-cell"),
    ("follow-ups", "/follow-ups", "#follow-table table"),
    ("person", "/person?key=" + quote("person:st-lukes-nurses:ana lopez", safe=""),
     ".conversation"),
    ("record", "/record", "#form-save"),
]


def _watch(page) -> list[str]:
    """Collect console errors, uncaught exceptions and failed requests of a page — but not a
    request the browser itself aborted because the test moved on to the next page (a callback
    still in flight at a navigation: nothing failed on the server; a server error answers
    with a status, which Dash reports on the console)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    return problems


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _demo_personal() -> tuple[list[str], list[str]]:
    """The demo data's personal texts (stories, notes, phones, emails) and its contacts' names."""
    personal, names = [], []
    for path in demo_files():
        if "conversations" not in path.name:
            continue
        for raw in read_file(path):
            rec, errors = validate(raw)
            assert not errors and isinstance(rec, OneOnOne)
            names.append(rec.contact.name)
            personal += [v for v in (rec.contact.phone, rec.contact.email, rec.notes) if v]
            personal += [i.story for i in rec.issues if i.story]
            personal += [r.note for r in rec.referrals if r.note]
    # A note of one short word ("days") is in the page anyway ("in 3 days"): look for the rest.
    return sorted({t for t in personal if len(t) >= 12}), sorted(set(names))


def test_every_page_renders_the_demo_campaign_without_console_errors(demo_server, page, screenshot):
    problems = _watch(page)
    for name, path, ready in PAGES:
        page.goto(demo_server.url + path)
        page.wait_for_selector(ready)
        _settle(page)
        assert page.locator("#demo-banner").is_visible(), name
        screenshot(page, name)
    assert problems == []


def test_the_demo_banner_says_who_you_are(demo_server, page):
    page.goto(demo_server.url + "/")
    assert "signed in automatically as the demo admin" in page.locator("#demo-banner").inner_text()


def test_a_1on1_entered_in_the_form_shows_in_ready_to_ask_and_on_the_person_page(
        demo_server, page, screenshot):
    problems = _watch(page)
    page.goto(demo_server.url + "/record")
    page.wait_for_selector("#form-save")
    _settle(page)
    page.get_by_label("Organizer").fill("Maya Ortiz")
    page.get_by_label("Contact name").fill("Zora Quint")
    page.get_by_label("Unit", exact=True).first.fill("ICU")
    page.get_by_label("Issue", exact=True).first.fill("short staffing")
    page.get_by_label("Anger 0–5").first.fill("5")
    page.get_by_label("Their story (confidential)").first.fill("ZORA STORY")
    page.get_by_label("Wants to talk again?").select_option("true")
    page.get_by_label("Will attend a meeting?").select_option("true")
    page.get_by_label("Your assessment").select_option("1")
    page.click("#form-save")
    page.wait_for_selector("#form-status .alert-success")
    assert "Zora Quint" in page.inner_text("#form-status")

    page.goto(demo_server.url + "/ready")
    row = page.locator("#ready-grid .ag-row", has_text="Zora Quint")
    row.first.wait_for()
    row.first.locator('.ag-cell[col-id="name"]').click()  # a click on the name opens them
    page.wait_for_url("**/person?key=*")
    page.wait_for_selector(".conversation")
    assert "Zora Quint" in page.inner_text("h2")
    assert "ZORA STORY" in page.inner_text(".conversation")  # the demo admin may see it
    assert problems == []


def test_a_bad_anger_in_the_form_is_shown_next_to_it(demo_server, page):
    before = demo_server.store.version()
    page.goto(demo_server.url + "/record")
    page.wait_for_selector("#form-save")
    _settle(page)
    page.get_by_label("Organizer").fill("Maya Ortiz")
    page.get_by_label("Contact name").fill("Bad Anger")
    page.get_by_label("Issue", exact=True).first.fill("parking")
    page.get_by_label("Anger 0–5").first.fill("9")
    page.click("#form-save")
    slot = page.locator('[id=\'{"field":"issues.0.anger","type":"form-error"}\']')
    slot.wait_for()
    page.wait_for_function("el => el.textContent.length > 0", arg=slot.element_handle())
    assert "less than or equal to 5" in slot.inner_text()
    assert demo_server.store.version() == before


def test_a_viewer_receives_no_personal_detail(signin_server, browser, sign_in):
    personal, names = _demo_personal()
    assert len(personal) > 50 and len(names) >= 30
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    bodies: list[str] = []

    def keep(response):
        if "/_dash-" in response.url and response.request.method in ("GET", "POST"):
            try:
                bodies.append(response.text())
            except Exception:  # a response the browser has already dropped
                pass
    page.on("response", keep)
    sign_in(page, signin_server.url, "vera")
    for _, path, _ in PAGES:
        page.goto(signin_server.url + path)
        _settle(page)
    # Clicking an issue asks for its people: a viewer gets a count, not names.
    page.goto(signin_server.url + "/clusters")
    page.wait_for_selector("#cluster-table table")
    _settle(page)
    seen = "\n".join(bodies)
    assert bodies
    assert "short staffing" in seen
    leaked = [t for t in personal if t in seen] + [n for n in names if n in seen]
    assert leaked == []
    context.close()


def test_a_contact_named_like_html_shows_as_text(with_html_names, page):
    demo_server = with_html_names
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    key = "person:st-lukes-nurses:img src x onerror alert 1"
    page.goto(f"{demo_server.url}/person?key={quote(key, safe='')}")
    page.wait_for_selector(".conversation")
    assert page.inner_text("h2") == XSS_NAME
    assert XSS_ISSUE in page.inner_text(".conversation")
    page.goto(demo_server.url + "/ready")
    page.locator("#ready-grid .ag-row", has_text="onerror").first.wait_for()
    # An issue named like HTML, in the network, the tables and the plotly heat map.
    page.goto(demo_server.url + "/clusters")
    page.wait_for_selector("#cluster-table table")
    _settle(page)
    assert XSS_ISSUE in page.inner_text("#cluster-table")
    assert page.locator("#cluster-heatmap text", has_text="onerror=alert(2)").count() >= 1
    page.goto(demo_server.url + "/")
    page.wait_for_selector(".stat .value")
    _settle(page)
    assert page.locator("img[src='x'], img[src='y']").count() == 0
    assert dialogs == []


def test_the_demo_command_serves_the_dashboard_and_says_it_is_a_demo(tmp_path):
    """``mapper demo`` as a user runs it: loads the demo, prints the banner, serves on 127.0.0.1."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "mapper.cli", "demo", "--db",
                             str(tmp_path / "demo.db"), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines: list[str] = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if f"http://127.0.0.1:{port}" in line or proc.poll() is not None:
                break
        out = "".join(lines)
        assert "signed in automatically as the demo admin" in out, out
        body = b""
        while time.time() < deadline and not body:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=10) as r:
                    body = r.read()
            except OSError:  # not listening yet
                time.sleep(0.2)
        assert b"Demo mode" in body
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_signing_out_returns_to_the_sign_in_page(signin_server, page, sign_in):
    sign_in(page, signin_server.url, "maya")
    assert "maya" in page.inner_text(".navbar")
    page.click("text=Sign out")
    page.wait_for_selector("#password")
    page.goto(signin_server.url + "/")
    page.wait_for_selector("#password")


def test_sign_in_is_required(signin_server, page):
    page.goto(signin_server.url + "/clusters")
    page.wait_for_selector("#password")
    assert "/login" in page.url


def _choose(page, dropdown: str, text: str) -> None:
    # Typing key by key into a drop-down that re-renders as it filters can lose a key; click
    # the option itself instead.
    page.click(dropdown)
    page.get_by_role("option", name=text, exact=True).click()


def test_the_ready_list_filters_by_issue_and_unit_on_the_server(demo_server, page):
    page.goto(demo_server.url + "/ready")
    page.wait_for_selector("#ready-grid .ag-row .ag-cell")
    _settle(page)
    everyone = int(page.inner_text("#ready-count").split()[0])
    _choose(page, "#ready-filter-issue", "pay compression")
    page.wait_for_function(
        f"() => parseInt(document.querySelector('#ready-count').innerText) < {everyone}")
    _choose(page, "#ready-filter-unit", "Oncology")
    page.wait_for_function("() => document.querySelector('#ready-count').innerText === '1 person'")
    # The rows left go as the grid animates them out.
    page.wait_for_function("() => document.querySelectorAll("
                           "'#ready-grid .ag-center-cols-container .ag-row').length === 1")
    assert page.locator("#ready-cards .list-card").count() == 1
