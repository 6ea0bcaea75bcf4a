"""Bring lists in, in a real browser: upload a roster CSV, fix one column's field, dry-run,
import, and find the people in the store; the page fits a phone and a desk screen."""

from __future__ import annotations

import pytest

from dashboard.app import create_app
from mapper.models import RosterRow
from mapper.stores.sqlite import SQLiteStore
from tests.browser.conftest import USERS, _serve

pytestmark = pytest.mark.browser

CAMPAIGN = "acme-warehouse"
CSV = ("First Name,Last Name,Email,Cell,Dept,Shift,Emp #,Foo\n"
       "Ana,Lopez,ana@example.org,555-201-3344,Receiving,nights,E1,forklift\n"
       "Ben,Okafor,ben@example.org,(555) 201-3345,Shipping,days,E2,pallet\n").encode()
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1440, "height": 900}}


@pytest.fixture
def server(tmp_path):
    store = SQLiteStore(tmp_path / "lists.db")
    # One campaign in the store: the upload goes into it, as `mapper import` would.
    store.write([RosterRow(name="Zoe Zimmer", unit="Receiving", campaign=CAMPAIGN)])
    url, httpd = _serve(create_app(lambda: store, users=USERS))
    yield url, store
    httpd.shutdown()
    store.close()


@pytest.mark.parametrize("size", SIZES)
def test_an_upload_is_mapped_fixed_dry_run_and_imported(server, browser, sign_in, screenshot,
                                                        axe, size):
    url, store = server
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        sign_in(page, url, "root")
        page.goto(f"{url}/upload")
        page.set_input_files("#upload-file input[type=file]",
                             files=[{"name": "people.csv", "mimeType": "text/csv",
                                     "buffer": CSV}])
        page.wait_for_selector("text=Read 8 column(s)")
        page.wait_for_selector(".upload-preview >> text=Ana Lopez")
        # The suggestion left Foo out: keep it, as a custom field.
        foo = page.get_by_label("Field for Foo")
        assert foo.input_value() == "ignore"
        foo.select_option("custom")
        page.wait_for_selector(".upload-preview >> text=Foo: forklift")
        assert page.locator(".upload-preview >> text=+15552013344").count() == 1
        page.click("text=Dry run")
        page.wait_for_selector("text=Dry run: 2 row(s) ready, 0 with errors")
        page.click("#upload-import")
        summary = page.wait_for_selector("text=Imported:")
        assert "2 added" in summary.inner_text()
        assert "2 new, 0 matched" in summary.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
        # The filled page too (the accessibility suite checks it before a file is chosen).
        assert not axe(page)
        page.evaluate("window.scrollTo(0, 0)")  # the sticky nav bar at the top of the picture
        screenshot(page, f"upload-{SIZES[size]['width']}")
    finally:
        context.close()
    assert store.counts(CAMPAIGN)["records"].get("roster") == 3
