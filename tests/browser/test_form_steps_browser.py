"""The 1-on-1 form in a real Chromium: one step per screen on a phone (390x844), a step index
on a desk (1440x900), Save always in reach, errors gathered at the top, a draft kept on the
device as you type and one kept on the server, suggestions from the campaign."""

from __future__ import annotations

import json
import os

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}


def _field(path: str) -> str:
    return "[id='" + json.dumps({"field": path, "type": "form-field"}, separators=(",", ":")) + "']"


def _open(browser, server, sign_in, size, user="maya"):
    context = browser.new_context(viewport=size)
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, server.url, user)
    page.goto(server.url + "/record")
    _ready(page)
    return context, page


def _ready(page) -> None:
    page.wait_for_selector(".record-form[data-ready]")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _visible_steps(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('.form-step')]
        .filter(s => s.offsetParent !== null).map(s => s.id)""")


def _in_view(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]


def _shoot(page, name: str) -> None:
    """The viewport as the user sees it (the sticky bar in place), for docs/screenshots when
    MAPPER_SCREENSHOTS=1."""
    if os.environ.get("MAPPER_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_a_1on1_is_saved_from_a_phone_one_step_per_screen(signin_server, browser, sign_in):
    context, page = _open(browser, signin_server, sign_in, PHONE)
    try:
        assert _visible_steps(page) == ["step-before"]
        assert page.inner_text("#form-progress") == "Step 1 of 7"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # Save is in reach on every screen (the sticky bar), and required fields are marked.
        assert _in_view(page, "#form-save") and _in_view(page, "#form-next")
        assert page.get_attribute(_field("contact.name"), "required") is not None
        assert page.get_attribute(_field("contact.name"), "aria-required") == "true"
        assert page.get_attribute(_field("date"), "aria-required") == "true"
        assert page.locator("label", has_text="Contact name").locator(".required-mark").count() == 1
        assert page.get_attribute(_field("contact.phone"), "type") == "tel"
        assert page.get_attribute(_field("contact.phone"), "inputmode") == "tel"
        assert page.get_attribute(_field("contact.email"), "inputmode") == "email"
        _shoot(page, "record-phone-step1")
        page.fill(_field("contact.name"), "Pia Phone")
        page.fill(_field("contact.phone"), "(312) 555-0142")
        page.fill(_field("contact.unit"), "ICU")
        page.click("#form-next")
        assert _visible_steps(page) == ["step-1"]
        assert page.evaluate("document.activeElement.id") == "step-1-title"
        page.click("#form-next")
        assert _visible_steps(page) == ["step-2"]
        assert page.inner_text("#form-progress") == "Step 3 of 7"
        page.fill(_field("issues.0.issue"), "short staffing")
        page.fill(_field("issues.0.anger"), "4")
        page.click("#form-back")
        assert _visible_steps(page) == ["step-1"]
        page.click(".step-index a[data-step='4']")
        assert _visible_steps(page) == ["step-4"]
        page.fill(_field("plan.answer_to_boss"),
                  "PIA BOSS: they'd say no budget; we'd show the overtime bill")
        page.fill(_field("plan.next_talk"), "2026-12-10")
        for _ in range(2):
            page.click("#form-next")
        assert _visible_steps(page) == ["step-after"]
        assert page.is_disabled("#form-next")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.click("#form-save")
        page.wait_for_selector("#form-status .save-ok")
        assert "Pia Phone" in page.inner_text("#form-status")
        assert _in_view(page, "#form-status .save-ok")
    finally:
        context.close()
    [saved] = signin_server.store.person_history(signin_server.campaign, "Pia Phone")
    assert saved.organizer == "Maya Ortiz" and saved.contact.phone == "+13125550142"
    assert saved.plan.next_talk.isoformat() == "2026-12-10"
    assert saved.plan.answer_to_boss.startswith("PIA BOSS")
    assert saved.issues[0].anger == 4


def test_a_failed_save_on_a_phone_gathers_the_errors_at_the_top_with_links(
        signin_server, browser, sign_in, axe):
    before = signin_server.store.version()
    context, page = _open(browser, signin_server, sign_in, PHONE)
    try:
        page.fill(_field("contact.name"), "Bad Input")
        page.fill(_field("contact.phone"), "call me maybe")
        page.fill(_field("contact.email"), "carmen at example")
        page.click("#form-next")
        page.click("#form-next")
        page.fill(_field("issues.0.issue"), "parking")
        page.fill(_field("issues.0.anger"), "9")
        page.click("#form-save")
        page.wait_for_selector("#form-status .error-summary")
        page.wait_for_timeout(300)
        summary = page.inner_text("#form-status")
        assert "Not saved: 3 problems" in summary
        assert "call me maybe" not in summary and "carmen at example" not in summary
        assert _in_view(page, "#form-status .error-summary h3")
        assert page.evaluate("document.activeElement.id") == "form-status"
        _shoot(page, "record-phone-errors")
        assert axe(page) == []
        page.click("#form-status a:has-text('Anger')")
        assert _visible_steps(page) == ["step-2"]
        assert page.evaluate("document.activeElement.id") == json.dumps(
            {"field": "issues.0.anger", "type": "form-field"}, separators=(",", ":"))
        assert _in_view(page, _field("issues.0.anger"))
        page.click("#form-status a:has-text('Phone')")
        assert _visible_steps(page) == ["step-before"]
        assert "phone" in page.evaluate("document.activeElement.id")
    finally:
        context.close()
    assert signin_server.store.version() == before


def test_the_device_draft_comes_back_after_a_reload_and_not_for_another_user(
        signin_server, browser, sign_in):
    context, page = _open(browser, signin_server, sign_in, PHONE)
    try:
        page.fill(_field("contact.name"), "Dora Device")
        page.click("#form-next")
        page.click("#form-next")
        page.fill(_field("issues.0.story"), "DORA STORY typed before the phone locked")
        page.click(".step-index a[data-step='after']")
        page.check("label:has-text('breathing')")
        page.wait_for_timeout(900)  # the draft is kept a moment after the typing stops
        page.reload()
        _ready(page)
        page.wait_for_function(
            "el => el.value === 'Dora Device'",
            arg=page.locator(_field("contact.name")).element_handle())
        story = page.input_value(_field("issues.0.story"))
        assert story == "DORA STORY typed before the phone locked"
        assert page.is_checked("input[value='breathing']")
        assert "Restored what you typed on this device" in page.inner_text("#form-device-note")
        keys = page.evaluate("Object.keys(localStorage)")
        assert keys == ["mapper-draft:maya:new"]
        # Another user signing in on the same browser gets an empty form.
        sign_in(page, signin_server.url, "root")
        page.goto(signin_server.url + "/record")
        _ready(page)
        page.wait_for_timeout(500)
        assert page.input_value(_field("contact.name")) == ""
        # Signing out forgets every draft kept on the device.
        page.click("button:has-text('Sign out')")
        page.wait_for_selector("#username")
        assert page.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('mapper-draft:'))") == []
    finally:
        context.close()


def test_the_device_draft_is_cleared_after_a_save(signin_server, browser, sign_in):
    context, page = _open(browser, signin_server, sign_in, DESK)
    try:
        page.fill(_field("contact.name"), "Cleo Cleared")
        page.wait_for_timeout(900)
        assert page.evaluate("Object.keys(localStorage)") == ["mapper-draft:maya:new"]
        page.click("#form-save")
        page.wait_for_selector("#form-status .save-ok")
        page.wait_for_timeout(900)
        assert page.evaluate("Object.keys(localStorage)") == []
        page.reload()
        _ready(page)
        page.wait_for_timeout(500)
        assert page.input_value(_field("contact.name")) == ""
    finally:
        context.close()


def test_a_server_draft_is_saved_reopened_and_gone_after_the_real_save(
        signin_server, browser, sign_in, axe):
    context, page = _open(browser, signin_server, sign_in, DESK)
    try:
        page.fill(_field("contact.name"), "Sara Server")
        page.fill(_field("notes"), "SARA DRAFT NOTE")
        page.click("#form-draft-save")
        page.wait_for_function("() => document.querySelector('#form-draft-status').textContent"
                               ".includes('only you see it')")
        page.click(".draft-list summary")
        link = page.locator(".draft-list a", has_text="Sara Server")
        href = link.get_attribute("href")
        assert href.startswith("/record?draft=")
        page.evaluate("localStorage.clear()")  # only the server's copy is left
        page.goto(signin_server.url + href)
        _ready(page)
        assert page.input_value(_field("notes")) == "SARA DRAFT NOTE"
        assert "Your draft is open" in page.inner_text("#form-notice")
        page.click(".draft-list summary")
        assert axe(page) == []
        page.click("#form-save")
        page.wait_for_selector("#form-status .save-ok")
        page.wait_for_function(
            "() => !document.querySelector('.draft-list') || "
            "!document.querySelector('.draft-list').textContent.includes('Sara')")
    finally:
        context.close()


def test_on_a_desk_the_form_is_one_page_with_a_step_index_and_suggestions(
        signin_server, browser, sign_in):
    context, page = _open(browser, signin_server, sign_in, DESK)
    try:
        assert len(_visible_steps(page)) == 7
        assert not page.is_visible("#form-next") and not page.is_visible("#form-back")
        assert _in_view(page, "#form-save") and _in_view(page, ".step-index")
        assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
        _shoot(page, "record-desk")
        page.click(".step-index a[data-step='4']")
        page.wait_for_timeout(300)
        assert _in_view(page, "#step-4-title") and _in_view(page, "#form-save")
        # Suggestions: the campaign's own issues, units, decision makers and organizers.
        assert page.get_attribute(_field("issues.0.issue"), "list") == "form-list-issues"
        page.wait_for_function(
            "() => document.querySelectorAll('#form-list-issues option').length > 3")
        issues = page.evaluate("[...document.querySelectorAll('#form-list-issues option')]"
                               ".map(o => o.value)")
        assert "short staffing" in [i.lower() for i in issues]
        assert page.evaluate("document.querySelectorAll('#form-list-units option').length") > 0
        assert page.evaluate(
            "document.querySelectorAll('#form-list-decision-makers option').length") > 0
        # A "no" on a realization points back to step 3.
        page.select_option(_field("responsibility.realizes.decision_maker_can_fix"), "false")
        page.wait_for_selector(".realize-note a[href='#step-3']")
    finally:
        context.close()


def test_the_realizations_no_leads_back_to_step_3_on_a_phone(signin_server, browser, sign_in):
    context, page = _open(browser, signin_server, sign_in, PHONE)
    try:
        page.click(".step-index a[data-step='3']")
        page.select_option(_field("responsibility.realizes.cares_about_problem"), "false")
        page.wait_for_selector(".realize-note")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.click(".realize-note a")
        assert _visible_steps(page) == ["step-3"]
        assert page.evaluate("document.activeElement.id") == "step-3-title"
    finally:
        context.close()
