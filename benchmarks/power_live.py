"""The power map's rankings right after a write (issue 14 item 5, issue 16 item 1): each issue's
decision makers, ranked by the people naming them, as the Power map page and `mapper power`
read them from the read model, beside the whole way (a snapshot of the campaign, then
:func:`mapper.analytics.power.power_ranking`).

On a campaign already in a store. One 1-on-1 is written naming the most named decision maker
of the most named issue, then more with other people (all deleted again at the end); the
figures are wall seconds, with the process's CPU beside them. (A command's figure is its
median over ``--repeat`` runs, within the 30 s a kept answer is served after a write.) Usage::

    python -m benchmarks.power_live --db /tmp/c100k.db --campaign synthetic
    python -m benchmarks.power_live --neo4j bolt://localhost:7687 --campaign synthetic
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from typing import Any

from benchmarks.readmodel import _cpu, add_store_arguments, new_process, open_store, timed

__all__ = ["main"]

#: Decision makers per ranking the Power map page reads (its network shows 25 an issue).
PAGE_FIRST = 25


def _top(ranking: dict[str, Any]) -> tuple[dict, dict]:
    """The most named issue that names anyone, and its most named decision maker."""
    issue = next(i for i in ranking["issues"] if i["decision_makers"])
    return issue, issue["decision_makers"][0]


def _people(ranking: dict[str, Any], issue: str, dm: str) -> int | None:
    for i in ranking["issues"]:
        if i["key"] == issue:
            return next((d["people"] for d in i["decision_makers"] if d["key"] == dm), None)
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_store_arguments(parser)
    parser.add_argument("--whole", action="store_true",
                        help="also time the whole way (a snapshot of the campaign: minutes at 1M)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    store, where, label = open_store(args, env)
    camp = args.campaign
    print(f"## {label}, campaign {camp}, {dt.datetime.now():%Y-%m-%d %H:%M}\n")
    print("| what | wall s | CPU s | note |\n|---|---|---|---|")

    def row(what: str, wall: float, cpu: float, note: str = "") -> None:
        print(f"| {what} | {wall:.3f} | {cpu:.3f} | {note} |", flush=True)

    def page() -> dict:
        return store.power_ranking(camp, first=PAGE_FIRST)

    cpu, wall, before = timed(page, args.repeat)
    issue, dm = _top(before)
    row(f"the rankings, first {PAGE_FIRST} each (what the page reads)", wall, cpu,
        f"{len(before['issues'])} issues, {before['named']:,} decision makers named")
    cpu, wall, whole = timed(lambda: store.power_ranking(camp), 1)
    row("the rankings, every decision maker (`mapper power --json`'s)", wall, cpu,
        f"{sum(len(i['decision_makers']) for i in whole['issues']):,} issue pairs")
    # The kept power map of this version (computed now if none is), so that the commands
    # below meet one a write made older, as right after a 1-on-1.
    cpu, wall, size = new_process(["power", "--campaign", camp, *where], env, 1)
    row("new process: `mapper power`, the kept answer of the last write (or computed)", wall,
        cpu, f"{size:,} bytes out")
    from mapper.models import OneOnOne
    from mapper.projection import conversation_key

    def naming(n: int | None = None) -> OneOnOne:
        tail = "" if n is None else f"-{n}"
        return OneOnOne.model_validate({
            "id": f"bench-power-live{tail}", "date": dt.date.today().isoformat(),
            "organizer": "Bench Organizer", "campaign": camp,
            "contact": {"name": f"Bench Power{tail}"},
            "issues": [{"issue": issue["name"], "anger": 5}],
            "responsibility": {"named": [{"issue": issue["name"],
                                          "decision_maker": {"name": dm["name"]}}]}})

    c, w = _cpu(), time.perf_counter()
    store.write([naming()])
    row("one new 1-on-1 naming them (records, graph, read model: one transaction)",
        time.perf_counter() - w, _cpu() - c)
    c, w = _cpu(), time.perf_counter()
    after = page()
    took = time.perf_counter() - w
    row(f"then the rankings, first {PAGE_FIRST} each", took, _cpu() - c,
        f"{dm['people']:,} -> {_people(after, issue['key'], dm['key']):,} naming the top one")
    walls = []
    for n in range(args.repeat):  # (each with another person: each moves the counts)
        store.write([naming(n)])
        w = time.perf_counter()
        after = page()
        walls.append(time.perf_counter() - w)
    row(f"the same after each of {args.repeat} more such 1-on-1s (median)",
        statistics.median(walls), float("nan"),
        f"max {max(walls):.3f} s; then {_people(after, issue['key'], dm['key']):,}")
    cpu, wall, size = new_process(["power", "--campaign", camp, *where], env, args.repeat)
    row("new process: `mapper power`, right after (the rankings read live, the rest kept)",
        wall, cpu, f"{size:,} bytes out")
    if args.whole:
        from mapper.analytics.power import power_ranking

        c, w = _cpu(), time.perf_counter()
        snap = store.snapshot(camp)
        ranked = power_ranking(snap, first=PAGE_FIRST)
        row("the whole way: the campaign's snapshot, then power_ranking", time.perf_counter() - w,
            _cpu() - c, "equal: " + str(ranked == page()))
    store.delete([conversation_key(camp, "bench-power-live"),
                  *(conversation_key(camp, f"bench-power-live-{n}") for n in range(args.repeat))])
    back = _people(page(), issue["key"], dm["key"])
    print(f"\nDeleted again: the top one is named by {back:,} "
          f"({'as before' if back == dm['people'] else 'NOT as before'}).")
    store.close()


if __name__ == "__main__":
    main()
