"""Every page at a glance, on a phone (390x844) and a desktop (1440x900), in a real browser
(issue 12): the page never scrolls sideways; each list's key fields are in sight without
scrolling sideways (and its text is not cut); network labels are at least 12 px and chart text
at least 11 px; the power map fits its box on a desktop with nothing overlapping."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest

from dashboard.app import create_app
from mapper.analytics import ask_queue
from mapper.services import assign_people
from mapper.stores.sqlite import SQLiteStore
from tests.browser.conftest import USERS, Server, _serve
from tests.browser.test_dashboard_browser import _settle

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1440, 900)}
ANA = "/person?key=" + quote("person:st-lukes-nurses:ana lopez", safe="")
# (page, path, what shows once its callbacks have answered)
PAGES = [
    ("overview", "/", ".stat .value"),
    ("clusters", "/clusters", "#cluster-table table"),
    ("power", "/power", "#power-paths table"),
    ("ready", "/ready", "#ready-cards .list-card"),
    ("next", "/next", "#next-cards .list-card"),
    ("follow-ups", "/follow-ups", "#follow-table table"),
    ("my-list", "/my-list", "#my-contacts .my-contact"),
    ("person", ANA, ".conversation"),
    ("record", "/record", "#form-save"),
]

NO_SIDEWAYS = "document.scrollingElement.scrollWidth <= window.innerWidth"

# Inside the viewport's width, shown (not display:none), and its text not cut.
IN_SIGHT = """(sel) => [...document.querySelectorAll(sel)].slice(0, 5).map(el => {
    const r = el.getBoundingClientRect();
    return {sel, left: r.left, right: r.right, width: r.width,
            shown: r.width > 0 && r.height > 0,
            cut: el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1};
})"""

PLOT_TEXT = """() => [...document.querySelectorAll('.js-plotly-plot svg text')]
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => [t.textContent.slice(0, 30), parseFloat(getComputedStyle(t).fontSize)])"""

CY_LABELS = """(id) => { const el = document.getElementById(id);
    const cy = el && el._cyreg && el._cyreg.cy;
    if (!cy) return null;
    return cy.elements().filter(e => e.style('label')).map(e =>
        [e.id(), parseFloat(e.style('font-size')) * cy.zoom()]); }"""

# Boxes of the nodes (with their labels) in the model's coordinates: pairs that overlap.
CY_OVERLAPS = """(id) => { const cy = document.getElementById(id)._cyreg.cy;
    const nodes = cy.nodes().map(n => [n.id(), n.boundingBox({includeLabels: true})]);
    const out = [];
    for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
        const [a, p] = nodes[i], [b, q] = nodes[j];
        if (p.x1 < q.x2 - 1 && q.x1 < p.x2 - 1 && p.y1 < q.y2 - 1 && q.y1 < p.y2 - 1)
            out.push([a, b]);
    }
    return out; }"""

CY_VIEW = """(id) => { const cy = document.getElementById(id)._cyreg.cy;
    const bb = cy.elements().renderedBoundingBox({includeLabels: true});
    const root = cy.nodes('.root').first();
    return {x1: bb.x1, x2: bb.x2, y1: bb.y1, y2: bb.y2, w: cy.width(), h: cy.height(),
            zoom: cy.zoom(),
            root: root.length ? root.renderedBoundingBox({includeLabels: true}) : null}; }"""

# The key fields of each list: on a phone, what a card says; on a desktop, the grid's columns.
CARD_FIELDS = {"ready": ["Why", "Ask", "Messenger"], "next": ["Why", "Messenger"]}
GRID_COLUMNS = {"ready": ["name", "unit", "reasons", "suggested_ask", "messenger"],
                "next": ["name", "unit", "reasons", "messenger"]}


def _watch(page) -> list[str]:
    """Console errors, uncaught exceptions and failed requests — but not a script a
    navigation cut off (the page left before it loaded: nothing went wrong)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    return problems


@pytest.fixture(params=list(SIZES))
def size(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def glance_server(demo_db, tmp_path_factory):
    """The demo campaign behind sign-in, with a few contacts assigned (so My list has cards)."""
    path, campaign = demo_db
    copy = tmp_path_factory.mktemp("glance") / "glance.db"
    shutil.copy(path, copy)
    store = SQLiteStore(copy)
    top = [e["person"] for e in ask_queue(store.snapshot(campaign))]
    assign_people(store, USERS["root"], campaign, top[:4], "Maya Ortiz")
    assign_people(store, USERS["root"], campaign, top[4:7], "Dev Patel")
    url, server = _serve(create_app(lambda: store, users=USERS))
    yield Server(url, store, campaign)
    server.shutdown()
    store.close()


@pytest.fixture
def seen(browser, glance_server, sign_in, size):
    """``seen(path, ready)``: the page at ``size`` signed in as the admin (who sees every
    field), once its callbacks have answered; the problems its console reported."""
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, glance_server.url, "root")
    _settle(page)  # the first page's requests answered, not cut off by the next visit
    problems = _watch(page)

    def open_(path: str, ready: str):
        page.goto(glance_server.url + path)
        page.wait_for_selector(ready, state="attached")
        _settle(page)
        return page

    yield open_, problems
    context.close()


def _in_sight(page, selector: str) -> list[dict]:
    boxes = page.evaluate(IN_SIGHT, selector)
    assert boxes, f"{selector}: nothing there"
    width = page.evaluate("window.innerWidth")
    for b in boxes:
        assert b["shown"], f"{selector}: not shown"
        assert b["left"] >= 0 and b["right"] <= width + 0.5, f"{selector}: off screen {b}"
    return boxes


def test_the_sign_in_page_fits(browser, glance_server, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(glance_server.url + "/login")
        page.wait_for_selector("#username")
        assert page.evaluate(NO_SIDEWAYS)
        _in_sight(page, "#username")
        _in_sight(page, "button[type=submit]")
    finally:
        context.close()


@pytest.mark.parametrize("name,path,ready", PAGES, ids=[p[0] for p in PAGES])
def test_no_page_scrolls_sideways_and_its_chart_text_is_readable(seen, size, name, path, ready):
    open_, problems = seen
    page = open_(path, ready)
    page.wait_for_timeout(300)  # a chart's last transition
    assert page.evaluate(NO_SIDEWAYS), (
        f"{name} at {size}: the page is {page.evaluate('document.scrollingElement.scrollWidth')}"
        f" px wide")
    small = [t for t in page.evaluate(PLOT_TEXT) if t[1] < 11]
    assert small == [], f"{name} at {size}: chart text under 11 px"
    assert problems == []


@pytest.mark.parametrize("name", ["ready", "next"])
def test_a_people_list_shows_its_key_fields_without_sideways_scrolling(seen, size, name):
    open_, problems = seen
    page = open_("/ready" if name == "ready" else "/next", f"#{name}-cards .list-card")
    if size == "phone":
        assert not page.locator(f"#{name}-grid").is_visible()
        card = page.locator(f"#{name}-cards .list-card").first
        labels = card.locator("dt").all_inner_texts()
        assert all(f in labels for f in CARD_FIELDS[name]), labels
        _in_sight(page, f"#{name}-cards .list-card")
        _in_sight(page, f"#{name}-cards .list-card-head a")
        assert page.locator(f"#{name}-cards .list-card").count() == 25 or \
            "of 25" not in page.inner_text(f"#{name}-pager")
    else:
        assert not page.locator(f"#{name}-cards").is_visible()
        page.wait_for_selector(f"#{name}-grid .ag-row .ag-cell")
        for col in GRID_COLUMNS[name]:
            header = _in_sight(page, f"#{name}-grid .ag-header-cell[col-id={col}] "
                                     ".ag-header-cell-text")
            assert not any(h["cut"] for h in header), f"header {col} cut"
            cells = _in_sight(page, f"#{name}-grid .ag-row [col-id={col}]")
            assert not any(c["cut"] for c in cells), f"{col}: text cut in its row"
        # Rows grow with their text and the grid with its rows: no inner scroll box.
        rows = page.locator(f"#{name}-grid .ag-center-cols-container .ag-row").count()
        assert rows > 7
        grid = page.evaluate(f"""() => {{ const v = document.querySelector(
            '#{name}-grid .ag-body-viewport'); return [v.scrollHeight, v.clientHeight]; }}""")
        assert grid[0] <= grid[1] + 1
    assert problems == []


def test_follow_ups_show_what_and_when_without_sideways_scrolling(seen, size):
    open_, problems = seen
    page = open_("/follow-ups", "#follow-table table")
    # Person, kind, what, due, when: in sight, in the first rows.
    for n in (2, 3, 4, 5, 6):
        _in_sight(page, f"#follow-table tbody tr td:nth-child({n})")
    what = page.evaluate(IN_SIGHT, "#follow-table tbody tr td:nth-child(4)")
    assert min(w["width"] for w in what) > 150, "the words have room"
    # The chart is grouped: at most 10 organizers and "others".
    bars = page.evaluate("() => document.querySelectorAll('#follow-chart .ytick').length")
    assert 0 < bars <= 11
    assert problems == []


def test_my_list_cards_fit_the_screen(seen, size):
    open_, problems = seen
    page = open_("/my-list", "#my-contacts .my-contact")
    _in_sight(page, "#my-contacts .my-contact")
    _in_sight(page, "#my-contacts .my-next")
    assert problems == []


@pytest.mark.parametrize("name,path,network", [("power", "/power", "power-network"),
                                               ("clusters", "/clusters", "cluster-network")])
def test_network_labels_are_12_px_and_nothing_overlaps(seen, size, name, path, network):
    open_, problems = seen
    page = open_(path, f"#{network}[data-fitted]")
    labels = page.evaluate(CY_LABELS, network)
    assert labels, "labels drawn"
    small = [lab for lab in labels if lab[1] < 12 - 0.01]
    assert small == [], f"{name} at {size}: labels under 12 px"
    view = page.evaluate(CY_VIEW, network)
    if name == "power":
        assert page.evaluate(CY_OVERLAPS, network) == []
        if size == "desktop":  # the whole map in its box
            assert view["x1"] >= 0 and view["x2"] <= view["w"], view
            assert view["y1"] >= 0 and view["y2"] <= view["h"], view
        else:  # the top boss in sight; the rest a drag away
            root = view["root"]
            assert root and root["x1"] >= 0 and root["x2"] <= view["w"], view
    # Zoom and pan work: the user can zoom and drag it.
    zoomable = page.evaluate(f"""() => {{ const cy = document.getElementById('{network}')
        ._cyreg.cy; return cy.userZoomingEnabled() && cy.userPanningEnabled(); }}""")
    assert zoomable
    assert problems == []


@pytest.mark.parametrize("path,age", [("/clusters", "#cluster-age"), ("/power", "#power-age"),
                                      ("/next", "#next-age")])
def test_whole_graph_pages_say_how_old_their_answer_is_in_sight(seen, size, path, age):
    """Clusters, power and talk-next may lag a write (stored answers): each says how old its
    answer is, in plain words, readable on a phone and a desktop."""
    import re

    open_, problems = seen
    page = open_(path, f"{age}:not(:empty)")
    words = page.inner_text(age)
    if path == "/power":  # (its rankings are as of the last 1-on-1: the line says what is kept)
        kept = ("Who is named for what: as of the last 1-on-1. Chains, people affected and "
                "trusted paths: ")
        assert words.startswith(kept)
        words = words[len(kept)].upper() + words[len(kept) + 1:]
    assert re.fullmatch(r"Updated just now\.|As of .+ \(.+ ago\)\.", words)
    _in_sight(page, age)
    assert problems == []
