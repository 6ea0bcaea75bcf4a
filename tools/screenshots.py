"""Screenshots of every dashboard page at a phone's and a desktop's size, and first-draw times.

    PYTHONPATH=$PWD python3 tools/screenshots.py                  # the demo, into docs/screenshots
    PYTHONPATH=$PWD python3 tools/screenshots.py --db big.db --time --out /tmp/shots

Serves the dashboard on a free local port over a copy of the demo campaign (or ``--db``),
signs in as an admin in Debian's Chromium (``/usr/bin/chromium``) and saves
``<page>-390.png`` and ``<page>-1440.png`` (the whole page). With ``--time`` it prints, per
page and size, the seconds from navigation until the page's content is drawn (each page
visited twice: a first and a second visit).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"390": (390, 844), "1440": (1440, 900)}
PASSWORD = "screenshot-password"
MAX_HEIGHT = 2400  # px of a screenshot: about three phone screens
# (name, path, what shows once its callbacks have answered)
PAGES = [
    ("sign-in", "/login", "#username"),
    ("overview", "/", ".stat .value"),
    ("clusters", "/clusters", "#cluster-table table"),
    ("power", "/power", "#power-paths table"),
    ("ready", "/ready", "#ready-cards .list-card"),
    ("next", "/next", "#next-cards .list-card"),
    ("follow-ups", "/follow-ups", "#follow-table table, #follow-table .muted-box"),
    ("my-list", "/my-list", "#my-contacts .my-contact, #my-contacts .muted-box"),
    ("person", "/person?key=" + quote("person:st-lukes-nurses:ana lopez", safe=""),
     ".conversation"),
    ("record", "/record", "#form-save"),
    ("upload", "/upload", "#upload-file"),
    ("admin", "/admin", "#admin-users table, #admin-users"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _store(db: Path | None, work: Path):
    from mapper.cli import demo_files
    from mapper.importer import import_files
    from mapper.stores.sqlite import SQLiteStore

    if db is not None:
        copy = work / "store.db"
        shutil.copy(db, copy)
        return SQLiteStore(copy)
    store = SQLiteStore(work / "demo.db")
    assert import_files(store, demo_files()).ok
    # A few contacts assigned, as a planner would: My list then has cards to show.
    from dashboard.users import User
    from mapper.analytics import ask_queue
    from mapper.services import assign_people

    [campaign] = store.campaigns()
    admin = User("root", "admin")
    top = [e["person"] for e in ask_queue(store.snapshot(campaign))]
    assign_people(store, admin, campaign, top[:4], "Maya Ortiz")
    assign_people(store, admin, campaign, top[4:7], "Dev Patel")
    return store


def _serve(store) -> tuple[str, object]:
    from werkzeug.serving import make_server

    from dashboard.app import create_app
    from dashboard.users import User, hash_password

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    users = {"root": User("root", "admin", None, hash_password(PASSWORD))}
    port = _free_port()
    server = make_server("127.0.0.1", port, create_app(lambda: store, users=users).server,
                         threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _shoot(page, path: Path, width: int) -> None:
    """The page from the top, at most MAX_HEIGHT tall (a long list goes on past it)."""
    tall = page.evaluate("document.scrollingElement.scrollHeight")
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": min(tall, MAX_HEIGHT)})


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="an embedded store to show (copied first)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--time", action="store_true", help="print first-draw seconds per page")
    ap.add_argument("--pages", nargs="*", help="only these pages (names as in PAGES)")
    ap.add_argument("--no-shots", action="store_true", help="time only, save nothing")
    args = ap.parse_args(argv)
    pages = [p for p in PAGES if not args.pages or p[0] in args.pages]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = _store(args.db, Path(tmp))
        url, server = _serve(store)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=["--headless", "--no-sandbox", "--disable-gpu"])
                for size, (width, height) in SIZES.items():
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    page.set_default_timeout(120_000)
                    for name, path, ready in pages:
                        if name == "sign-in":
                            page.goto(url + path)
                            page.wait_for_selector(ready)
                            if not args.no_shots:
                                page.screenshot(path=str(args.out / f"{name}-{size}.png"),
                                                full_page=True)
                            page.fill("#username", "root")
                            page.fill("#password", PASSWORD)
                            page.click("button[type=submit]")
                            page.wait_for_selector(".navbar")
                            continue
                        times = []
                        for _ in range(2 if args.time else 1):
                            t0 = time.perf_counter()
                            page.goto(url + path)
                            page.wait_for_selector(ready, state="attached")
                            _settle(page)
                            times.append(time.perf_counter() - t0)
                        if args.time:
                            print(f"{name:11} {size:>4} px: first visit {times[0]:.1f} s, "
                                  f"second {times[1]:.1f} s", flush=True)
                        if not args.no_shots:
                            page.wait_for_timeout(400)  # let a chart finish its transition
                            _shoot(page, args.out / f"{name}-{size}.png", width)
                    context.close()
                browser.close()
        finally:
            server.shutdown()
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
