"""How long each page's callbacks take on a store, cold (fresh process state) and warm (cached).

    python -m dashboard.bench --db /tmp/g10k.db

Cold: a new app whose analytics cache is empty, so the page pays for the campaign's snapshot
and its analytics. Warm: the same calls again, answered from the cache (store unchanged).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from flask_login import login_user

from dashboard.app import create_app
from dashboard.listing import filter_options, grid_rows
from dashboard.pages import clusters, follow_ups, overview, person, power, ready, talk_next
from dashboard.tables import ready_rows, talk_rows
from dashboard.users import User

__all__ = ["page_calls", "measure"]

ADMIN = User("bench", "admin", None, "x$x")
FIRST = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
SORTED = {"startRow": 5000, "endRow": 5100, "sortModel": [{"colId": "name", "sort": "asc"}],
          "filterModel": {"unit": {"filterType": "text", "type": "contains", "filter": "a"}}}


def page_calls(campaign: str, person_key: str, issue: str) -> dict[str, list[Callable[[], Any]]]:
    """The callbacks each page runs when it opens (with the campaign chosen)."""
    rf = {c["field"] for c in ready.COLUMNS}
    tf = {c["field"] for c in talk_next.COLUMNS}
    return {
        "overview": [lambda: overview.update_overview(campaign, "0.6667")],
        "clusters": [lambda: clusters.update_clusters(campaign, "3"),
                     lambda: clusters.issue_people({"id": issue}, campaign, "3")],
        "power": [lambda: power.update_power(campaign, None)],
        "ready": [lambda: grid_rows(ready_rows, rf, FIRST, campaign),
                  lambda: filter_options(ready_rows, ["organizer", "unit", "issues"], campaign),
                  lambda: grid_rows(ready_rows, rf, SORTED, campaign)],
        "talk-next": [lambda: grid_rows(talk_rows, tf, FIRST, campaign),
                      lambda: filter_options(talk_rows, ["organizer", "unit", "issues"], campaign),
                      lambda: talk_next.leaders(campaign),
                      lambda: grid_rows(talk_rows, tf, SORTED, campaign)],
        "follow-ups": [lambda: follow_ups.update_follow_ups(campaign, None, None)],
        "person": [lambda: person.render_person(person_key, campaign)],
    }


def _time(calls: list[Callable[[], Any]]) -> float:
    start = time.perf_counter()
    for call in calls:
        call()
    return time.perf_counter() - start


def measure(db: str) -> dict[str, dict[str, float]]:
    from mapper.stores.sqlite import SQLiteStore

    store = SQLiteStore(db)
    campaign = store.campaigns()[0]
    snap_start = time.perf_counter()
    snap = store.snapshot(campaign)
    snapshot_s = time.perf_counter() - snap_start
    key = next(c.person for c in snap.conversations)
    issue = next(iter(snap.issues))
    out: dict[str, dict[str, float]] = {"snapshot": {"cold": round(snapshot_s, 3)}}
    for name in page_calls(campaign, key, issue):
        app = create_app(lambda: store, users={})  # an empty cache for every page
        with app.server.test_request_context("/_dash-update-component", method="POST"):
            login_user(ADMIN)
            calls = page_calls(campaign, key, issue)[name]
            cold = _time(calls)
            warm = min(_time(calls) for _ in range(3))
        out[name] = {"cold": round(cold, 3), "warm": round(warm, 3)}
    return out


def main() -> None:  # pragma: no cover - a measuring tool
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="an embedded store file")
    args = parser.parse_args()
    print(json.dumps(measure(args.db), indent=1))


if __name__ == "__main__":  # pragma: no cover
    main()
