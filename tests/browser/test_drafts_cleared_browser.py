"""Drafts on a shared device: however a session ends, the next person finds no 1-on-1 typed
into this browser (stories and phones stay in localStorage otherwise, for up to a week)."""

from __future__ import annotations

import json

DRAFTS = "Object.keys(localStorage).filter(k => k.startsWith('mapper-draft:'))"


def _field(path: str) -> str:
    return "[id='" + json.dumps({"field": path, "type": "form-field"}, separators=(",", ":")) + "']"


def _form(page, url: str) -> None:
    page.goto(url + "/record")
    page.wait_for_selector(".record-form[data-ready]")
    page.wait_for_load_state("networkidle")


def test_a_draft_is_forgotten_when_the_session_ends_on_the_server_and_sign_in_shows(
        signin_server, browser, sign_in):
    from mapper.sessions import sessions_for

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        sign_in(page, signin_server.url, "maya")
        _form(page, signin_server.url)
        page.fill(_field("contact.name"), "Sara Shared")
        page.wait_for_timeout(900)  # the draft is kept a moment after the typing stops
        assert page.evaluate(DRAFTS) == ["mapper-draft:maya:new"]
        # Ended on the server (as idle expiry or deactivation ends it): no sign-out pressed.
        sessions = sessions_for(signin_server.store)
        try:
            sessions.end_all("maya")
        finally:
            sessions.close()
        page.goto(signin_server.url + "/record")
        page.wait_for_selector("#username")  # the sign-in page
        assert page.evaluate(DRAFTS) == []
    finally:
        context.close()


def test_the_form_forgets_another_users_draft_on_this_device(signin_server, browser, sign_in):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        sign_in(page, signin_server.url, "maya")
        _form(page, signin_server.url)
        page.evaluate("localStorage.setItem('mapper-draft:root:new', JSON.stringify("
                      "{saved: Date.now(), values: {'contact.name': 'Other Person'}}))")
        page.fill(_field("contact.name"), "Mine Kept")
        page.wait_for_timeout(900)
        _form(page, signin_server.url)
        page.wait_for_timeout(500)
        assert page.evaluate(DRAFTS) == ["mapper-draft:maya:new"]
    finally:
        context.close()
