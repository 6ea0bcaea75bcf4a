"""The Person page in a real browser: where she stands on top, log an attempt, record the next
1-on-1 on a prefilled form — on a desktop and on a phone."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest

from dashboard.app import create_app
from mapper.models import Assignment, Update
from mapper.stores.sqlite import SQLiteStore
from tests.browser.conftest import USERS, Server, _serve
from tests.browser.test_dashboard_browser import _settle, _watch

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.fixture
def own_server(demo_db, tmp_path):
    """The demo campaign on a copy of its store (this test writes), behind sign-in; Ana Lopez
    is assigned to Maya, who changed her assessment once."""
    path, campaign = demo_db
    copy = tmp_path / "person.db"
    shutil.copy(path, copy)
    store = SQLiteStore(copy)
    store.write([
        Assignment(person="Ana Lopez", organizer="Maya Ortiz", date="2026-11-20",
                   campaign=campaign),
        Update(person="Ana Lopez", organizer="Maya Ortiz", date="2026-11-24", campaign=campaign,
               update="assessment", assessment=1, reason="She brought two coworkers along."),
    ])
    url, server = _serve(create_app(lambda: store, users=USERS))
    yield Server(url, store, campaign)
    server.shutdown()
    store.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_person_page_shows_where_she_stands_then_logs_an_attempt_and_records_the_next(
        own_server, browser, sign_in, screenshot, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems = _watch(page)
    try:
        sign_in(page, own_server.url, "maya")
        _settle(page)  # the home page's requests, not cut short by the next page
        key = f"person:{own_server.campaign}:ana lopez"
        page.goto(f"{own_server.url}/person?key={quote(key, safe='')}")
        page.wait_for_selector(".person-summary")
        _settle(page)
        summary = page.inner_text(".person-summary")
        assert "committed" in summary or "asked" in summary or "talked with" in summary
        assert "1 · leader / supporter" in summary and "2026-11-24" in summary
        assert "Maya Ortiz" in summary
        # Where she stands comes before her history, which starts with the newest.
        top = page.locator(".person-summary").bounding_box()["y"]
        assert top < page.locator(".person-history").bounding_box()["y"]
        if size == "desktop":
            assert top < height  # on the first screen
        first = page.locator(".history-row").first.inner_text()
        assert "2026-11-24" in first and "assessment changed" in first

        page.select_option("[id*='person-action-input'][id*='outcome']", "wrong_number")
        page.fill("[id*='person-action-input'][id*='date']", "2026-11-30")
        page.get_by_role("button", name="Log attempt").click()
        page.wait_for_selector("#person-action-status.alert-success")
        assert "wrong number" in page.inner_text("#person-action-status")
        first = page.locator(".history-row").first.inner_text()
        assert "2026-11-30" in first and "wrong number" in first
        [logged] = [r.body for r in own_server.store.iter_records(own_server.campaign, "update")
                    if r.body.get("outcome") == "wrong_number"]
        assert logged["organizer"] == "Maya Ortiz" and logged["person"] == "Ana Lopez"
        _settle(page)
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, "person" if size == "desktop" else "person-phone")

        page.click("#person-record-next")
        page.wait_for_url("**/record?*")
        page.wait_for_selector("#form-save")
        _settle(page)
        assert page.get_by_label("Contact name").input_value() == "Ana Lopez"
        assert page.get_by_label("Organizer").input_value() == "Maya Ortiz"
        assert page.locator("#form-campaign").input_value() == own_server.campaign
        assert problems == []
    finally:
        context.close()


def test_her_own_1on1_opens_in_the_form_to_correct_it(own_server, browser, sign_in):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, own_server.url, "maya")
        key = f"person:{own_server.campaign}:ana lopez"
        page.goto(f"{own_server.url}/person?key={quote(key, safe='')}")
        page.wait_for_selector(".edit-link")
        page.locator(".edit-link").first.click()
        page.wait_for_url("**/record?conversation=*")
        page.wait_for_selector(".editing-note")
        _settle(page)
        assert page.get_by_label("Contact name").input_value() == "Ana Lopez"
        before = own_server.store.counts(own_server.campaign)["records"]["conversation"]
        page.get_by_label("Notes (confidential)").fill("Corrected in the browser.")
        page.click("#form-save")
        page.wait_for_selector("#form-status .alert-success")
        assert "updated" in page.inner_text("#form-status")
        assert own_server.store.counts(own_server.campaign)["records"]["conversation"] == before
    finally:
        context.close()
