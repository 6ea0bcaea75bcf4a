"""Lists out and bulk assign in a real browser: assign the top N, download CSV/XLSX, print."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from dashboard.app import create_app
from dashboard.users import User, hash_password
from mapper.cli import demo_files
from mapper.importer import import_files
from mapper.stores.sqlite import SQLiteStore
from tests.browser.conftest import PASSWORD, SCREENSHOTS, Server, _serve

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
USERS = {
    "root": User("root", "admin", None, hash_password(PASSWORD)),
    "pat": User("pat", "planner", None, hash_password(PASSWORD)),
    "maya": User("maya", "organizer", "Maya Ortiz", hash_password(PASSWORD)),
    "vera": User("vera", "viewer", None, hash_password(PASSWORD)),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """The demo campaign in a store of its own: these tests write assignments."""
    store = SQLiteStore(tmp_path_factory.mktemp("exports") / "demo.db")
    assert import_files(store, demo_files()).ok
    [campaign] = store.campaigns()
    url, srv = _serve(create_app(lambda: store, users=USERS))
    yield Server(url, store, campaign)
    srv.shutdown()
    store.close()


@pytest.fixture(params=list(SIZES))
def size(request) -> str:
    return request.param


def _page(browser, size: str, username: str, url: str):
    context = browser.new_context(viewport=SIZES[size], accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".navbar")
    return context, page


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _suffix(size: str) -> str:
    return "" if size == "desktop" else "-phone"


def _assigned(store, campaign) -> dict[str, str]:
    return {r.body["person"]: r.body.get("organizer")
            for r in store.iter_records(campaign, "assignment")}


def test_a_planner_assigns_the_top_n_and_takes_the_list_out(server, browser, size, screenshot):
    context, page = _page(browser, size, "pat", server.url)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    organizer = "Grace Kim" if size == "desktop" else "Luis Herrera"
    before = _assigned(server.store, server.campaign)
    page.goto(server.url + "/ready")
    page.wait_for_selector("#ready-cards .list-card", state="attached")  # cards: both sizes
    _settle(page)
    page.click("#ready-assign-to")
    page.get_by_role("option", name=organizer, exact=True).click()
    page.fill("#ready-assign-n", "3")
    page.click("#ready-assign-top")
    page.wait_for_function(
        "() => document.querySelector('#ready-assign-status').innerText.length > 0")
    assert page.inner_text("#ready-assign-status") == f"Assigned 3 contacts to {organizer}."
    after = _assigned(server.store, server.campaign)
    assert sorted(n for n, o in after.items() if o == organizer and before.get(n) != o) \
        and len([n for n, o in after.items() if o == organizer]) >= 3
    # The grid asks for its rows again: they say who each contact is now assigned to.
    page.wait_for_function("""(who) => { let n = 0;
        dash_ag_grid.getApi('ready-grid').forEachNode(r => { if (r.data && r.data.assigned_to === who) n++; });
        return n >= 3; }""", arg=organizer)
    if size == "desktop":
        # And one row by its checkbox.
        page.locator("#ready-grid .ag-center-cols-container .ag-row").first.wait_for()
        box = page.locator("#ready-grid .ag-selection-checkbox input, "
                           "#ready-grid .ag-checkbox-input").nth(5)
        box.click()
        assert page.url.endswith("/ready"), "ticking a box does not open the person"
        page.click("#ready-assign-selected")
    else:
        # On a phone, one card by its own button (the grid and its boxes are not shown).
        assert not page.locator("#ready-grid").is_visible()
        page.locator("#ready-cards .list-card").nth(5).get_by_role(
            "button", name="Assign", exact=True).click()
    page.wait_for_function("() => document.querySelector('#ready-assign-status').innerText"
                           ".startsWith('Assigned 1 contact to') || document.querySelector("
                           "'#ready-assign-status').innerText.includes('already had')")
    _settle(page)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "ready-assign" + _suffix(size))

    with page.expect_download() as got:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert got.value.suggested_filename.startswith("ready-")
    rows = list(csv.reader(io.StringIO(open(got.value.path(), encoding="utf-8-sig").read())))
    assert rows[0][:3] == ["#", "Name", "Unit"] and len(rows) > 10
    assert not any(cell.strip() for cell in (r[rows[0].index("Phone")] for r in rows[1:])), \
        "a planner sees no phone numbers"
    with page.expect_download() as got:
        page.get_by_role("link", name="XLSX", exact=True).click()
    assert got.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(got.value.path().read_bytes())).active
    names = [c.value for c in sheet["B"]][1:]
    assert names == [r[1] for r in rows[1:]]
    # The links follow the page's filters: the file holds what the page shows.
    everyone = int(page.inner_text("#ready-count").split()[0])
    page.click("#ready-filter-unit")
    page.get_by_role("option", name="Pediatrics", exact=True).click()
    page.wait_for_function(
        f"() => parseInt(document.querySelector('#ready-count').innerText) < {everyone}")
    page.wait_for_selector("a[href^='/download/ready.csv'][href*='unit=Pediatrics']",
                           state="attached")
    shown = int(page.inner_text("#ready-count").split()[0])
    with page.expect_download() as got:
        page.get_by_role("link", name="CSV", exact=True).click()
    rows = list(csv.reader(io.StringIO(got.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) - 1 == shown and {r[2] for r in rows[1:]} == {"Pediatrics"}
    # Talk to next has the same bar and links.
    page.goto(server.url + "/next")
    page.wait_for_selector("#next-cards .list-card", state="attached")
    _settle(page)
    assert page.locator("#next-assign-top").is_visible()
    assert page.get_by_role("link", name="Print call sheet").get_attribute("href").startswith(
        "/print/talk-next")
    assert not errors, errors
    context.close()


def test_the_call_sheet_prints_one_page_per_organizer(server, browser, size):
    import datetime as dt

    from mapper import services
    from mapper.roles import ADMIN

    for organizer in ("Maya Ortiz", "Dev Patel"):  # two organizers with a short list each
        services.assign_from(server.store, ADMIN, server.campaign, "talk-next", organizer,
                             limit=2, today=dt.date(2026, 12, 1))
    context, page = _page(browser, size, "root", server.url)
    errors: list[str] = []  # a script the Content-Security-Policy refused says so here
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server.url + "/print/my-list?campaign=" + server.campaign)
    page.wait_for_selector(".call-sheet")
    page.evaluate("window.printed = 0; window.print = () => { window.printed += 1; }")
    page.get_by_role("button", name="Print", exact=True).click()
    page.wait_for_function("() => window.printed > 0")
    sections = page.locator("section.call-sheet").count()
    assert sections >= 2
    assert page.locator(".call-sheet-outcome").count() >= sections
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    if os.environ.get("MAPPER_SCREENSHOTS") == "1":  # the first screenful: a sheet is long
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"call-sheet{_suffix(size)}.png"))
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert pages == sections
    assert not errors, errors
    context.close()


def test_an_organizers_call_sheet_is_her_own_list(server, browser):
    context, page = _page(browser, "phone", "maya", server.url)
    page.goto(server.url + "/follow-ups")
    page.wait_for_selector(".navbar")
    page.goto(server.url + "/print/my-list")
    page.wait_for_selector("body.call-sheet-body")
    headings = page.locator("section.call-sheet h1").all_inner_texts()
    assert all(h.endswith("Maya Ortiz") for h in headings)
    context.close()


def test_the_follow_ups_call_sheet_says_the_words_the_page_shows(server, browser):
    """Maya's Follow-ups page says "bring two coworkers to the vigil"; her call sheet said
    "Ask: (commitment)". Now the same words, and still none for a planner."""
    import datetime as dt

    from mapper.models import OneOnOne

    action = "bring two coworkers to the vigil"
    due = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    server.store.write([OneOnOne.model_validate({
        "date": dt.date.today().isoformat(), "organizer": "Maya Ortiz",
        "campaign": server.campaign, "contact": {"name": "Zoe Quill", "unit": "ICU"},
        "ask": {"asked": True, "action": action, "response": "yes", "due": due}})])
    for username, sees in (("maya", True), ("pat", False)):
        context, page = _page(browser, "phone", username, server.url)
        page.goto(server.url + "/follow-ups")
        if username == "pat":
            page.click("#follow-organizer")
            page.get_by_role("option", name=re.compile("^Maya Ortiz")).click()
        page.wait_for_selector("#follow-table td:has-text('Zoe Quill')")
        assert (action in page.inner_text("#follow-table")) is sees
        href = page.get_by_role("link", name="Print call sheet").get_attribute("href")
        page.goto(server.url + href + ("&" if "?" in href else "?") + "organizer=Maya+Ortiz")
        card = page.locator(".call-sheet-contact", has_text="Zoe Quill")
        assert ("Ask: " + action in card.inner_text()) is sees
        assert "(commitment)" not in card.inner_text()
        context.close()


def test_a_viewer_cannot_download_a_list_of_people(server, browser):
    context, page = _page(browser, "desktop", "vera", server.url)
    for path in ("/download/ready.csv", "/download/my-list.xlsx", "/print/follow-ups"):
        assert context.request.get(server.url + path).status == 403
    page.goto(server.url + "/ready")
    _settle(page)
    assert page.locator(".list-downloads a").count() == 0
    context.close()


def test_a_call_sheet_prints_a_phone_as_written_beside_right_to_left_words(server, browser):
    """After a unit and a shift in Arabic, "+15550100" printed as "15550100+" (and a number
    kept as typed, "555-0100", as "0100-555"): the number took the direction of the words
    before it. A name of one long word ran off a phone's screen, and off the printed page."""
    from mapper import services
    from mapper.models import OneOnOne
    from mapper.roles import ADMIN

    long_name = "Wolfeschlegelsteinhausenbergerdorffmullerschon Ana"
    for name, phone in (("Rami Haddad", "555-0100"), ("Sara Haddad", "+1 555 0101"),
                        (long_name, "555-0102")):
        server.store.write([OneOnOne.model_validate({
            "date": "2026-11-21", "organizer": "Maya Ortiz", "campaign": server.campaign,
            "contact": {"name": name, "unit": "العناية المركزة", "shift": "الليل",
                        "phone": phone}})])
        services.assign(server.store, ADMIN, server.campaign, [name], "Maya Ortiz")
    context, page = _page(browser, "phone", "root", server.url)
    page.goto(server.url + "/print/my-list?campaign=" + server.campaign)
    page.wait_for_selector(".call-sheet")
    order = """(name) => {
      const card = [...document.querySelectorAll('.call-sheet-contact')]
        .find(c => c.querySelector('h2').textContent === name);
      const text = card.querySelector('.call-sheet-facts a').firstChild;
      const range = document.createRange(), out = [];
      for (let i = 0; i < text.length; i++) {
        range.setStart(text, i); range.setEnd(text, i + 1);
        out.push([range.getBoundingClientRect().x, text.data[i]]);
      }
      return out.sort((a, b) => a[0] - b[0]).map(p => p[1]).join('');
    }"""
    assert page.evaluate(order, "Rami Haddad") == "+15550100"
    assert page.evaluate(order, "Sara Haddad") == "+15550101"
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES["phone"]["width"]
    context.close()
