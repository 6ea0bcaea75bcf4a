"""The lists' pages (issue 16 item 1): `mapper follow-ups`, `mapper ask-queue`, `mapper overview`
and `mapper structure` from a new process, then after one new 1-on-1 (new processes again, and
the pages in the writing process).

CPU seconds (user + system, the child's alone for a command) are the figures: the machine's
cores are shared, so wall clock swings with whatever else runs. Usage::

    python -m benchmarks.pages --db /tmp/c100k.db --campaign synthetic --today 2026-12-01
    python -m benchmarks.pages --neo4j bolt://localhost:7687 --campaign synthetic ...

The store is changed: one 1-on-1 is written (and deleted again at the end). ``--commands-only``
runs the commands alone (for code whose store has no page reads). ``--ranked-whole D1,D2``
first runs `mapper ask-queue --limit 20 --json --today D` once for each day given: with no
ranking kept for that day, each ranks the campaign's contacts whole, as a command asking
after the lag bound with no server running does (keep the days unused: each leaves its
ranking kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from typing import Any

from benchmarks.readmodel import _cpu, new_process, process_cpu, row, table_head

__all__ = ["main"]

COMMANDS = (["follow-ups"], ["follow-ups", "--limit", "20", "--json"],
            ["ask-queue", "--limit", "20", "--json"], ["ask-queue"], ["overview", "--json"],
            ["structure", "--json"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an embedded store file")
    parser.add_argument("--neo4j", help="a Neo4j URI (instead of --db)")
    parser.add_argument("--campaign", default="synthetic")
    parser.add_argument("--today", default="2026-12-01")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--commands-only", action="store_true")
    parser.add_argument("--ranked-whole", metavar="DAYS",
                        help="days (ISO, comma-separated) none is kept for: the ask queue "
                        "ranked whole from a new process, once a day")
    parser.add_argument("--server-pid", type=int,
                        help="the Neo4j JVM's pid: its CPU meanwhile is reported beside")
    args = parser.parse_args(argv)
    today = dt.date.fromisoformat(args.today)
    env = dict(os.environ, MAPPER_TODAY=args.today)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: from compiled bytecode
    where: list[str] = []
    if args.db:
        where = ["--db", args.db]
        env.pop("NEO4J_URI", None)
        label = "embedded (SQLite)"
    else:
        env["NEO4J_URI"] = args.neo4j
        env.pop("MAPPER_DB", None)
        label = "Neo4j"
    camp = args.campaign
    table_head(label, camp, f"today {today}")

    def server() -> float:
        return process_cpu(args.server_pid)

    def commands(when: str) -> None:
        for command in COMMANDS:
            jvm = server()
            cpu, wall, size = new_process([*command, "--campaign", camp, *where], env,
                                          args.repeat)
            jvm = (server() - jvm) / args.repeat
            row(f"{when}: `mapper {' '.join(command)}`", cpu, wall, f"{size:,} bytes out"
                + (f"; JVM {jvm:.2f} s CPU a run (mean)" if args.server_pid else ""))

    for day in filter(None, (args.ranked_whole or "").split(",")):
        jvm = server()
        cpu, wall, size = new_process(["ask-queue", "--limit", "20", "--json", "--today", day,
                                       "--campaign", camp, *where], env, 1)
        row(f"`mapper ask-queue --limit 20 --json --today {day}`, ranked whole", cpu, wall,
            f"{size:,} bytes out" + (f"; JVM {server() - jvm:.2f} s CPU" if args.server_pid
                                     else ""))
    commands("new process")
    if args.commands_only:
        return
    if args.db:
        from mapper.stores.sqlite import SQLiteStore

        store: Any = SQLiteStore(args.db)
    else:
        from mapper.stores.neo4j import Neo4jStore

        store = Neo4jStore(args.neo4j)
    from mapper.analytics.texts import read_texts
    from mapper.models import OneOnOne
    from mapper.projection import conversation_key

    def texts(ids: list[str]) -> Any:
        return read_texts(store, camp, ids)

    new = OneOnOne.model_validate({
        "id": "bench-pages", "date": (today - dt.timedelta(days=5)).isoformat(),
        "organizer": "Aaa Bench Organizer", "campaign": camp,
        "contact": {"name": "Bench Person"}, "follow_up": {"thank_you_sent": False},
        "ask": {"response": "maybe"}, "assessment": 2,
        "issues": [{"issue": "short staffing", "anger": 5}]})
    # As a server holds it: the ranking computed whole and kept just before (its refresher).
    c, w = _cpu(), time.perf_counter()
    store.kept_ask_ranking(camp, today=today, texts=texts, words="every", fresh=True)
    row("the ask ranking computed whole and kept (what the refresher does)", _cpu() - c,
        time.perf_counter() - w)
    c, w = _cpu(), time.perf_counter()
    store.write([new])
    row("one new 1-on-1 written (in process)", _cpu() - c, time.perf_counter() - w)
    c, w = _cpu(), time.perf_counter()
    page = store.follow_ups(camp, today=today, limit=20, texts=texts)
    row("then the follow-ups' first 20 (in process)", _cpu() - c, time.perf_counter() - w,
        "shows it: " + str(any(i["conversation"] == "bench-pages"
                                for o in page["organizers"] for i in o["items"])))
    c, w = _cpu(), time.perf_counter()
    queue, total = store.ask_queue_page(camp, today=today, limit=20, texts=texts,
                                        words="every")
    row("then the ask queue's first 20 (in process, the kept ranking)", _cpu() - c,
        time.perf_counter() - w, f"{len(queue)} of {total:,}")
    c, w = _cpu(), time.perf_counter()
    queue, total = store.ask_queue_page(camp, today=today, limit=20, texts=texts,
                                        words="every")
    row("and again (the kept ranking read once per process)", _cpu() - c,
        time.perf_counter() - w, f"{len(queue)} of {total:,}")
    ranking = store.kept_ask_ranking(camp, today=today, texts=texts, words="every")
    rank = next((n for n, p in enumerate(ranking.order, 1) if p[0].endswith(":bench person")),
                None)
    c, w = _cpu(), time.perf_counter()
    queue, total = store.ask_queue_page(camp, today=today, limit=20, offset=rank - 1,
                                        texts=texts, words="every")
    row("then the ask queue's page where the new person ranks (in process)", _cpu() - c,
        time.perf_counter() - w, f"ranked {rank:,}; shows her: "
        + str(queue[0]["name"] == "Bench Person"))
    c, w = _cpu(), time.perf_counter()
    overview = store.overview(camp)
    row("then the overview (in process, the kept counts)", _cpu() - c, time.perf_counter() - w,
        f"{overview['counts']['conversations']:,} conversations" if overview else "no answer")
    c, w = _cpu(), time.perf_counter()
    structure = store.structure(camp)
    row("then structure (in process, the kept counts)", _cpu() - c, time.perf_counter() - w,
        f"{len(structure['units']):,} units" if structure else "no answer")
    # As the Overview page reads it: through the analytics cache, which pauses the collector
    # while it answers (this process holds the ranking: a collection would walk it).
    from mapper.analytics.cached import Analytics

    c, w = _cpu(), time.perf_counter()
    structure = Analytics(store, campaign=camp).structure()
    row("and structure as the Overview page reads it (in process, collector paused)",
        _cpu() - c, time.perf_counter() - w, f"{len(structure['units']):,} units")
    commands("after the write, new process")
    store.delete([conversation_key(camp, "bench-pages")])
    store.close()


if __name__ == "__main__":
    main()
