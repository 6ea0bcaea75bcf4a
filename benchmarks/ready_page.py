"""The Ready page's rows after a write, in the serving process: the list built again (what the
dashboard's cache does once per store version) and the first page drawn whole; and the first
block and the filters' choices as a process holding none of the list's rows reads them (from
the kept ranking's head, and the counts kept with it).

CPU seconds (``time.process_time``) are the figures; wall clock swings with whatever else runs
on the machine. Usage (the store is changed: work on a copy)::

    cp /tmp/m100k.db /tmp/ready100k.db
    python -m benchmarks.ready_page --db /tmp/ready100k.db --campaign synthetic
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

__all__ = ["main"]

PAGE = 25  # the rows a page draws whole (dashboard.listing.PAGE)


def _timed(what: str, work: Callable[[], Any], note: Callable[[Any], str] = lambda _: ""
           ) -> Any:
    cpu, wall = time.process_time(), time.perf_counter()
    out = work()
    print(f"| {what} | {time.process_time() - cpu:.2f} | {time.perf_counter() - wall:.2f} | "
          f"{note(out)} |", flush=True)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="an embedded store file (a copy)")
    parser.add_argument("--campaign", default="synthetic")
    parser.add_argument("--writes", type=int, default=3)
    parser.add_argument("--date", default="2026-11-20",
                        help="the new 1-on-1s' date: the campaign's latest for a day's writes "
                        "(a later one moves the Ready list's day: its waits read again)")
    args = parser.parse_args(argv)

    from dashboard.tables import (READY_CHOICES, choices, complete, kept_ready_counts,
                                  kept_ready_head, kept_ready_rows)
    from mapper.analytics.texts import WithCampaignTexts
    from mapper.models import OneOnOne
    from mapper.stores.sqlite import SQLiteStore

    store = SQLiteStore(args.db)
    seen = WithCampaignTexts(store)  # as the dashboard reads the store
    camp = args.campaign
    print(f"## embedded (SQLite), campaign {camp}, {dt.datetime.now():%Y-%m-%d %H:%M}, "
          f"load {os.getloadavg()[0]:.1f}, lag {os.environ.get('MAPPER_ANSWER_LAG', '30 (default)')}"
          "\n\n| what | CPU s | wall s | note |\n|---|---|---|---|")

    def page() -> list:
        rows = kept_ready_rows(seen, camp)
        return complete(rows, list(rows[:PAGE]))

    def said(drawn: list) -> str:
        return f"first {len(drawn)} drawn; top: {drawn[0]['score']}" if drawn else "none"

    def head() -> list:
        rows, _count = kept_ready_head(seen, camp, PAGE)
        return complete(rows, list(rows))

    def offered() -> dict:
        counts = kept_ready_counts(seen, camp)
        return counts and {c: sorted(map(str, counts[c]), key=str.casefold)
                           for c in READY_CHOICES}

    def sizes(found: dict | None) -> str:
        return ("none kept" if found is None else
                ", ".join(f"{len(v)} {c}" for c, v in found.items()))

    _timed("the first page from the kept ranking's head, in a new process", head, said)
    kept = _timed("the filters' choices from the kept counts, in a new process", offered,
                  sizes)
    _timed("the Ready rows, first build (and the first page whole)", page, said)
    _timed("again, same store version", page, said)
    rows = kept_ready_rows(seen, camp)
    counted = _timed("the filters' choices from the rows", lambda: {
        c: choices(rows, c) for c in READY_CHOICES}, sizes)
    print(f"\nchoices from the kept counts the same as from the rows: {kept == counted}\n")
    for n in range(args.writes):
        new = OneOnOne.model_validate({
            "id": f"bench-ready-{n}", "date": args.date, "organizer": "Aaa Bench Organizer",
            "campaign": camp, "contact": {"name": f"Bench Ready {n}", "unit": "ICU"},
            "ask": {"response": "maybe"}, "assessment": 2,
            "issues": [{"issue": "short staffing", "anger": 5}]})
        _timed(f"write {n + 1}: one new 1-on-1", lambda: store.write([new]))
        _timed(f"write {n + 1}: then the first page from the head", head, said)
        _timed(f"write {n + 1}: then the filters' choices from the kept counts", offered,
               sizes)
        _timed(f"write {n + 1}: then the Ready rows (and the first page whole)", page, said)
    store.close()


if __name__ == "__main__":
    main()
