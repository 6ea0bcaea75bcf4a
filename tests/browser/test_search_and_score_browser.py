"""In a real browser: the Person search answers while typing, and the lists' Score header
explains itself on hover."""

from __future__ import annotations

from dashboard import ids
from tests.browser.test_dashboard_browser import _settle, _watch


def test_typing_two_letters_and_waiting_lists_people_without_enter(signin_server, browser,
                                                                   sign_in):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems = _watch(page)
    try:
        sign_in(page, signin_server.url, "maya")
        _settle(page)
        page.goto(f"{signin_server.url}/person")
        page.wait_for_selector(f"#{ids.PERSON_SEARCH}")
        _settle(page)
        page.locator(f"#{ids.PERSON_SEARCH}").press_sequentially("an", delay=80)
        # No Enter, no blur: the results come after the pause.
        page.wait_for_selector(f"#{ids.PERSON_SEARCH_RESULTS} a", timeout=5_000)
        names = page.inner_text(f"#{ids.PERSON_SEARCH_RESULTS}")
        assert "an" in names.lower()
        assert not problems, problems
    finally:
        context.close()


def test_hovering_score_lists_what_it_adds_up(signin_server, browser, sign_in):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems = _watch(page)
    try:
        sign_in(page, signin_server.url, "maya")
        _settle(page)
        for path in ("/ready", "/next"):
            page.goto(f"{signin_server.url}{path}")
            page.wait_for_selector('.ag-cell[col-id="reasons"]')
            _settle(page)
            page.hover('.ag-header-cell[col-id="score"]')
            page.wait_for_selector(".ag-tooltip", timeout=5_000)
            tip = page.inner_text(".ag-tooltip")
            assert "The score adds up" in tip, path
            assert ("hope" in tip) == (path == "/ready")
            assert ("unit's gap" in tip) == (path == "/next")
        assert not problems, problems
    finally:
        context.close()
