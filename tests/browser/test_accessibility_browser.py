"""Every dashboard page checked by axe-core in a real Chromium, on a desk and on a phone, as an
admin and as an organizer; and the 1-on-1 form walked with the keyboard alone."""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

VIEWPORTS = {"desk": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {
    "overview": "/", "clusters": "/clusters", "power": "/power", "ready": "/ready",
    "talk-next": "/next", "follow-ups": "/follow-ups", "my-list": "/my-list",
    "person": "/person?key={person}", "record": "/record", "call-sheet": "/print/my-list",
    "admin": "/admin", "upload": "/upload",
}
# Ana Lopez is one of Maya Ortiz's contacts in the demo campaign.
PERSON = "ana lopez"


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
    page.wait_for_timeout(300)  # figures and grids draw after the last callback returns


def _context(browser, size):
    context = browser.new_context(viewport=VIEWPORTS[size])
    context.set_default_timeout(20_000)
    return context


def _report(where: str, found: list[str]) -> str:
    return f"axe-core, {where}:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("user", ["root", "maya"])
def test_every_page_has_no_serious_or_critical_axe_violation(signin_server, browser, sign_in,
                                                             axe, user, size):
    context = _context(browser, size)
    page = context.new_page()
    failures = []
    try:
        page.goto(signin_server.url + "/login")
        page.wait_for_selector("#username")
        if found := axe(page):
            failures.append(_report("sign-in", found))
        sign_in(page, signin_server.url, user)
        key = quote(f"person:{signin_server.campaign}:{PERSON}", safe="")
        for name, path in PAGES.items():
            page.goto(signin_server.url + path.format(person=key))
            _settle(page)
            if found := axe(page):
                failures.append(_report(name, found))
    finally:
        context.close()
    assert not failures, f"{user} at {size}:\n" + "\n".join(failures)


def _focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {id: el.id, tag: el.tagName.toLowerCase(), type: el.type || '',
                text: el.tagName === 'BUTTON' ? el.textContent.trim() : '',
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                shadow: style.boxShadow !== 'none'};
    }""")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_1on1_form_is_walked_with_the_tab_key_to_save_with_a_visible_focus(
        signin_server, browser, sign_in, size):
    context = _context(browser, size)
    page = context.new_page()
    try:
        sign_in(page, signin_server.url, "maya")
        page.goto(signin_server.url + "/record")
        _settle(page)
        # On a phone the form shows one step per screen: a field of a step not yet shown
        # counts too, and is reached after the "Next" button (pressed with Enter).
        fields = page.evaluate("""() => [...document.querySelectorAll(
            '.record-form input, .record-form select, .record-form textarea')]
            .filter(el => !el.disabled && el.type !== 'hidden' && (el.offsetParent !== null
                    || el.closest('.record-form.paged .form-step:not(.current)')))
            .map(el => el.id)""")
        assert len(fields) > 20
        page.locator("body").focus()
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        reached, unfocused = set(), []
        for _ in range(400):
            page.keyboard.press("Tab")
            now = _focused(page)
            if not (now["outline"] or now["shadow"]):
                unfocused.append(now["id"] or now["tag"])
            reached.add(now["id"])
            if now["text"] == "Next":
                page.keyboard.press("Enter")
                continue
            if now["text"] == "Save the 1-on-1":
                break
        else:
            pytest.fail("Tab never reached the Save button")
        missed = [f for f in fields if f not in reached]
        assert not missed, f"Tab skipped {len(missed)} fields: {missed[:10]}"
        assert not unfocused, f"no visible focus on: {unfocused[:10]}"
        contact = [f for f in fields if "contact.name" in f]
        assert contact and contact[0] in reached
    finally:
        context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_a_dropdown_is_still_reached_with_tab_as_its_button_and_opens_with_enter(
        signin_server, browser, sign_in, size):
    context = _context(browser, size)
    page = context.new_page()
    try:
        sign_in(page, signin_server.url, "root")
        page.goto(signin_server.url + "/follow-ups")
        _settle(page)
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "follow-organizer":
                break
        else:
            pytest.fail("Tab never reached the organizer dropdown's button")
        assert page.evaluate("document.activeElement.tagName") == "BUTTON"
        assert _focused(page)["outline"]
        page.keyboard.press("Enter")
        page.wait_for_selector("[role=option], [role=listbox]")
    finally:
        context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_later_stylesheet_rules_apply_on_a_desk_and_on_a_phone(signin_server, browser,
                                                                     sign_in, size):
    """The assign bar's own rules come late in style.css; a @media block left open above them
    once confined them to phones."""
    context = _context(browser, size)
    page = context.new_page()
    try:
        sign_in(page, signin_server.url, "root")
        page.goto(signin_server.url + "/ready")
        page.wait_for_selector(".assign-bar")
        style = page.evaluate("""() => { const s = getComputedStyle(document.querySelector(
            '.assign-bar')); return [s.borderTopWidth, s.backgroundColor]; }""")
        assert style == ["1px", "rgb(255, 255, 255)"]
    finally:
        context.close()


def test_a_new_token_is_shown_whole_on_a_phone(signin_server, browser, sign_in):
    """The token is shown once: one with no '-' to break at ran past its box on a phone and
    was cut off there."""
    from dashboard import ids

    context = _context(browser, "phone")
    page = context.new_page()
    try:
        sign_in(page, signin_server.url, "root")
        page.goto(signin_server.url + "/admin")
        page.fill(f"#{ids.ADMIN_TOKEN_USER}", "maya")
        page.select_option(f"#{ids.ADMIN_TOKEN_SCOPE}", "read")
        page.click(f"#{ids.ADMIN_TOKEN_CREATE}")
        page.wait_for_selector(f"#{ids.ADMIN_TOKEN_MESSAGE} code")
        # As a token may come out: no '-' in it (token_urlsafe's is chance).
        outside = page.evaluate("""() => { const c = document.querySelector(
            '#%s code'); c.textContent = 'cm_0123456789ab_' + 'A_b'.repeat(15);
            const box = c.closest('.alert').getBoundingClientRect();
            return Array.from(c.getClientRects()).filter(r => r.right > box.right).length;
            }""" % ids.ADMIN_TOKEN_MESSAGE)
        assert outside == 0
    finally:
        context.close()
