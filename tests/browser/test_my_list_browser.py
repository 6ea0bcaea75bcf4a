"""An organizer's own lists in a real Chromium, on a desk and on a phone: My list, and a
follow-up marked done on Follow-ups (and undone)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator

import pytest

from dashboard.app import create_app
from mapper import services
from mapper.roles import ADMIN
from mapper.stores.sqlite import SQLiteStore
from tests.browser.conftest import USERS, Server, _serve

pytestmark = pytest.mark.browser

MAYA = "Maya Ortiz"
# Maya's from the demo's 1-on-1s (each has a follow-up item open on her list).
SPOKEN = ["Helen Marchetti", "Ben Okafor", "Priya Raman"]
VIEWPORTS = {"desk": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def maya_server(demo_db, tmp_path_factory) -> Iterator[tuple[Server, list[str]]]:
    """A copy of the demo campaign in which contacts are assigned to Maya: three she spoke
    with and the top two of Talk to next (no 1-on-1 yet)."""
    path, campaign = demo_db
    copy = tmp_path_factory.mktemp("mylist") / "demo.db"
    shutil.copy(path, copy)
    store = SQLiteStore(copy)
    services.assign(store, ADMIN, campaign, SPOKEN, MAYA)
    fresh = services.assign_from(store, ADMIN, campaign, "talk-next", MAYA, limit=2,
                                 today=dt.date.today())
    url, server = _serve(create_app(lambda: store, users=USERS))
    yield Server(url, store, campaign), SPOKEN + [name for _, name, _ in fresh.people]
    server.shutdown()
    store.close()


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _rows(page) -> int:
    return page.locator("#follow-table tbody tr").count()


def _wait_rows(page, n: int) -> None:
    page.wait_for_function("n => document.querySelectorAll('#follow-table tbody tr').length == n",
                           arg=n)


@pytest.mark.parametrize("size", VIEWPORTS)
def test_an_organizer_sees_her_list_and_marks_a_follow_up_done_then_undoes_it(
        maya_server, browser, sign_in, screenshot, size):
    server, assigned = maya_server
    context = browser.new_context(viewport=VIEWPORTS[size])
    page = context.new_page()
    page.set_default_timeout(20_000)
    suffix = "" if size == "desk" else "-phone"
    sign_in(page, server.url, "maya")

    page.goto(server.url + "/my-list")
    page.wait_for_selector("#my-contacts .my-contact")
    _settle(page)
    cards = page.locator("#my-contacts .my-contact")
    assert cards.count() == len(assigned)
    seen = page.locator("#my-contacts").inner_text()
    assert all(name in seen for name in assigned)
    assert "first 1-on-1" in seen
    _no_sideways_scroll(page)
    screenshot(page, f"my-list{suffix}")

    page.goto(server.url + "/follow-ups")
    page.wait_for_selector("#follow-table tbody tr button.action")
    _settle(page)
    # Her own items first: the organizer filter kept her name, so every row is hers.
    assert MAYA in page.locator("#follow-organizer").inner_text()
    assert "(held by another organizer)" not in page.locator("#follow-table").inner_text()
    _no_sideways_scroll(page)
    before = _rows(page)
    first = page.locator("#follow-table tbody tr").first
    what = first.inner_text()
    screenshot(page, f"follow-ups-actions{suffix}")
    first.locator("button.action").first.click()
    page.wait_for_selector("#follow-action-done")
    _wait_rows(page, before - 1)
    assert what not in page.locator("#follow-table").inner_text()
    assert server.store.counts(server.campaign)["records"].get("update", 0) == 1

    page.locator("#follow-action-done button").click()
    page.wait_for_function("() => document.querySelector('#follow-status').textContent"
                           ".includes('Undone')")
    _wait_rows(page, before)
    assert what in page.locator("#follow-table").inner_text()
    assert server.store.counts(server.campaign)["records"].get("update", 0) == 0
    context.close()


def test_ready_to_ask_opens_on_the_organizer_s_own_contacts(maya_server, browser, sign_in):
    server, _ = maya_server
    context = browser.new_context(viewport=VIEWPORTS["desk"])
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, server.url, "maya")
    page.goto(server.url + "/ready")
    page.wait_for_selector("#ready-grid .ag-row .ag-cell")
    _settle(page)
    assert MAYA in page.locator("#ready-filter-organizer").inner_text()
    cells = page.locator("#ready-grid .ag-center-cols-container [col-id=organizer]")
    page.wait_for_function("() => document.querySelectorAll('#ready-grid .ag-center-cols-container "
                           "[col-id=organizer]').length > 0")
    assert set(cells.all_inner_texts()) == {MAYA}
    context.close()


@pytest.mark.parametrize("username", ["root", "vera"])
def test_my_list_for_an_admin_and_a_viewer_renders_without_errors(maya_server, browser, sign_in,
                                                                   username):
    server, assigned = maya_server
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, server.url, username)
    page.goto(server.url + "/my-list")
    page.wait_for_selector("#my-counts .my-counts")
    _settle(page)
    assert MAYA in page.locator("#my-counts").inner_text()
    shown = page.locator("#my-contacts").inner_text()
    if username == "root":
        assert all(name in shown for name in assigned)
        assert page.locator("#my-organizer").is_visible()
    else:
        assert not any(name in page.content() for name in assigned)
    _no_sideways_scroll(page)
    assert problems == []
    context.close()
