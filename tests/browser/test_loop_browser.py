"""The organizing loop in a real browser, on both stores, on a desktop and on a phone.

A planner assigns the top 5 of Ready to ask to an organizer; she signs in, sees them on My
list, logs a no-answer for one, records a 1-on-1 with another who says yes, marks the
thank-you sent and later the commitment kept: the item leaves her Follow-ups, the person leaves
Ready to ask, the Overview counts the action taken. An XLSX export equals the list on screen.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
from urllib.parse import quote

import pytest

from dashboard.app import create_app
from dashboard.users import User, hash_password
from mapper.analytics.cached import Analytics
from mapper.cli import demo_files
from mapper.importer import import_files
from mapper.stores.sqlite import SQLiteStore
from tests.browser.conftest import PASSWORD, USERS, Server, _serve
from tests.browser.test_dashboard_browser import _settle, _watch

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
LOOP_USERS = {**USERS, "pat": User("pat", "planner", None, hash_password(PASSWORD))}


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def loop_server(request, demo_db, tmp_path):
    """The demo campaign on a store of its own (the loop writes), behind sign-in."""
    path, campaign = demo_db
    if request.param == "sqlite":
        copy = tmp_path / "loop.db"
        shutil.copy(path, copy)
        store = SQLiteStore(copy)
    else:
        from mapper.stores.neo4j import Neo4jStore

        store = Neo4jStore(request.getfixturevalue("neo4j_uri"), os.environ.get("NEO4J_USER"),
                           os.environ.get("NEO4J_PASSWORD"), os.environ.get("NEO4J_DATABASE"))
        store.clear()
        assert import_files(store, demo_files()).ok
    url, server = _serve(create_app(lambda: store, users=LOOP_USERS))
    yield Server(url, store, campaign)
    server.shutdown()
    store.close()


def _field(path: str) -> str:
    """The record form's input for a record path (Dash writes a dict id as sorted JSON)."""
    return f"[id='{{\"field\":\"{path}\",\"type\":\"form-field\"}}']"


def _signed_in(browser, server: Server, username: str, size: str):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server.url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".navbar")
    _settle(page)
    return context, page


def _assigned_to(server: Server, organizer: str) -> list[str]:
    return sorted(r.body["person"] for r in server.store.iter_records(server.campaign, "assignment")
                  if r.body.get("organizer") == organizer)


def _updates(server: Server, person: str) -> list[dict]:
    return [r.body for r in server.store.iter_records(server.campaign, "update")
            if r.body["person"] == person]


def _grid_names(page, grid: str) -> list[str]:
    return page.evaluate("""(grid) => { const names = [];
        dash_ag_grid.getApi(grid).forEachNode(r => { if (r.data) names.push(r.data.name); });
        return names; }""", grid)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_loop_from_a_planners_assignment_to_an_action_taken(loop_server, browser, size,
                                                                screenshot):
    from openpyxl import load_workbook

    server = loop_server
    maya = "Maya Ortiz"
    today = dt.date.today().isoformat()

    # A planner assigns the top 5 of Ready to ask to Maya.
    context, page = _signed_in(browser, server, "pat", size)
    problems = _watch(page)
    page.goto(server.url + "/ready")
    page.wait_for_selector("#ready-cards .list-card", state="attached")  # cards: both sizes
    _settle(page)
    top = _grid_names(page, "ready-grid")[:5]
    page.click("#ready-assign-to")
    page.get_by_role("option", name=maya, exact=True).click()
    page.fill("#ready-assign-n", "5")
    page.click("#ready-assign-top")
    page.wait_for_function(
        "() => document.querySelector('#ready-assign-status').innerText.length > 0")
    assert page.inner_text("#ready-assign-status") == f"Assigned 5 contacts to {maya}."
    assigned = _assigned_to(server, maya)
    assert assigned == sorted(top)
    assert problems == []
    context.close()

    # She signs in and finds them on My list.
    context, page = _signed_in(browser, server, "maya", size)
    problems = _watch(page)
    page.goto(server.url + "/my-list")
    page.wait_for_selector("#my-contacts .my-contact")
    _settle(page)
    cards = page.locator("#my-contacts .my-contact")
    assert cards.count() == 5
    assert all(name in page.inner_text("#my-contacts") for name in assigned)
    # The list goes out as a spreadsheet that equals it.
    with page.expect_download() as got:
        page.get_by_role("link", name="XLSX", exact=True).click()
    sheet = load_workbook(io.BytesIO(got.value.path().read_bytes())).active
    header = [c.value for c in sheet[1]]
    names = sorted(row[header.index("Name")] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == assigned

    # A call that went nowhere, logged from her list.
    unanswered, asked = assigned[0], assigned[1]
    card = page.locator("#my-contacts .my-contact", has_text=unanswered)
    card.get_by_role("button", name="no answer").click()
    page.wait_for_function("(n) => document.querySelector('#my-status').innerText.includes("
                           "'attempt logged')", arg=unanswered)
    assert [(u["update"], u["outcome"]) for u in _updates(server, unanswered)] == [
        ("attempt", "no_answer")]
    _settle(page)

    # A 1-on-1 with another, who says yes, recorded on the form that opens prefilled.
    page.goto(f"{server.url}/record?contact={quote(asked)}&campaign={server.campaign}"
              f"&organizer={quote(maya)}")
    page.wait_for_selector("#form-save")
    _settle(page)
    assert page.get_by_label("Contact name").input_value() == asked
    # On a phone each step of the rap is a screen of its own: go to it by the step index.
    page.click(".step-index a[data-step='2']")
    page.get_by_label("Issue", exact=True).first.fill("short staffing")
    page.get_by_label("Anger 0–5").first.fill("4")
    page.click(".step-index a[data-step='5']")
    page.locator(_field("ask.asked")).select_option("true")
    page.locator(_field("ask.action")).fill("come to the Dec 9 meeting")
    page.locator(_field("ask.response")).select_option("yes")
    page.locator(_field("ask.due")).fill(today)
    page.click(".step-index a[data-step='after']")
    page.locator(_field("follow_up.thank_you_sent")).select_option("false")  # owed, then
    page.click("#form-save")
    page.wait_for_selector("#form-status .alert-success")
    _settle(page)

    # Her Follow-ups: the thank-you, then the commitment, each marked and gone.
    for label, update in (("sent", "thank_you_sent"), ("kept", "commitment_kept")):
        page.goto(server.url + "/follow-ups")
        page.wait_for_selector("#follow-table tbody tr")
        _settle(page)
        row = page.locator("#follow-table tbody tr", has_text=asked).filter(
            has=page.get_by_role("button", name=label, exact=True))
        row.first.get_by_role("button", name=label, exact=True).click()
        page.wait_for_selector("#follow-action-done")
        _settle(page)
        assert update in [u["update"] for u in _updates(server, asked)]
    page.goto(server.url + "/follow-ups")
    page.wait_for_selector("#follow-table tbody tr")
    _settle(page)
    assert page.locator("#follow-table tbody tr", has_text=asked).count() == 0
    if size == "desktop":
        screenshot(page, "loop-follow-ups")

    # She has left Ready to ask; the Overview counts the action taken.
    page.goto(server.url + "/ready")
    page.wait_for_selector("#ready-cards .list-card", state="attached")  # cards: both sizes
    _settle(page)
    assert asked not in _grid_names(page, "ready-grid")
    page.goto(server.url + "/")
    page.wait_for_selector("#overview-cards")
    _settle(page)
    analytics = Analytics(server.store, campaign=server.campaign)
    took = sum(1 for e in analytics.ladder() if e["level"] >= 2)
    assert f"{took} took action" in page.inner_text("#overview-cards")
    assert analytics.overview()["counts"]["took_action"] == 1
    assert problems == []
    context.close()
