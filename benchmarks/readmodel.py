"""Issue 14's targets on a campaign already in a store: a new process's answer, a list after one
new 1-on-1, and plain Cypher side by side (Neo4j).

CPU seconds (user + system) are the figures: the machine's two cores are shared, so wall
clock swings with whatever else runs. Usage::

    python -m benchmarks.readmodel --db /tmp/c100k.db --campaign synthetic --today 2026-12-01
    python -m benchmarks.readmodel --neo4j bolt://localhost:7687 --campaign synthetic ...

The store is changed: one 1-on-1 is written (and deleted again at the end).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

__all__ = ["main"]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
    """Median CPU and wall seconds of ``fn`` over ``repeat`` runs, and its last result."""
    cpu, wall, out = [], [], None
    for _ in range(repeat):
        c, w = _cpu(), time.perf_counter()
        out = fn()
        cpu.append(_cpu() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall), out


#: The head of a benchmark's table of timings (:func:`row`).
TABLE_HEAD = "| what | CPU s | wall s | note |\n|---|---|---|---|"


def table_head(label: str, campaign: str, when: str) -> None:
    """A benchmark's heading (the store, the campaign, the day asked about, the date and load
    now) and the head of its table of timings, printed."""
    print(f"## {label}, campaign {campaign}, {when}, {dt.datetime.now():%Y-%m-%d %H:%M}, "
          f"load {os.getloadavg()[0]:.1f}\n")
    print(TABLE_HEAD)


def row(what: str, cpu: float, wall: float, note: str = "") -> None:
    """One row of a benchmark's table of timings (:data:`TABLE_HEAD`), printed at once."""
    print(f"| {what} | {cpu:.2f} | {wall:.2f} | {note} |", flush=True)


def process_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) another process has used so far (a Neo4j server's JVM);
    0 for none."""
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def new_process(args: list[str], env: dict[str, str], repeat: int = 3) -> tuple[float, float, int]:
    """CPU (user + system, the child alone) and wall seconds of a `mapper` command, and the
    size of what it printed (to a pipe)."""
    cpu, wall, size = [], [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "mapper.cli", *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        data = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"mapper {' '.join(args)} failed ({proc.returncode})")
        cpu.append(usage.ru_utime + usage.ru_stime)
        size = len(data)
    return statistics.median(cpu), statistics.median(wall), size


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """The options naming the store a benchmark of a campaign already stored runs on."""
    parser.add_argument("--db", help="an embedded store file")
    parser.add_argument("--neo4j", help="a Neo4j URI (instead of --db)")
    parser.add_argument("--campaign", default="synthetic")
    parser.add_argument("--repeat", type=int, default=3)


def open_store(args: argparse.Namespace, env: dict[str, str]) -> tuple[Any, list[str], str]:
    """The store ``args`` name (:func:`add_store_arguments`), the `mapper` options naming it
    and its label; ``env``, a child `mapper`'s environment, set to reach it (and to start as
    installed, from compiled bytecode: a test run's environment may forbid writing it, and
    then every start compiles the whole package again, 0.4 s)."""
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.db:
        from mapper.stores.sqlite import SQLiteStore

        return SQLiteStore(args.db), ["--db", args.db], "embedded (SQLite)"
    env["NEO4J_URI"] = args.neo4j
    env.pop("MAPPER_DB", None)
    from mapper.stores.neo4j import Neo4jStore

    return Neo4jStore(args.neo4j), [], "Neo4j"


# Plain Cypher on the same Neo4j data: what a hand-written query answers (counts only).
PLAIN_CYPHER = {
    "anger per issue": (
        "MATCH (p:Person {campaign: $campaign})-[a:ANGRY_ABOUT]->(i:Issue) WHERE a.anger >= 3 "
        "RETURN i.name AS issue, count(DISTINCT p) AS angry ORDER BY angry DESC"),
    "decision makers per issue": (
        "MATCH (d:DecisionMaker {campaign: $campaign})-[:CONTROLS]->(i:Issue) "
        "RETURN i.name AS issue, collect(DISTINCT d.name) AS decision_makers"),
    "follow-ups per organizer": (
        "MATCH (o:Organizer {campaign: $campaign})-[:HELD]->(c:Conversation) "
        "WHERE c.thank_you_sent = false OR c.follow_up_due IS NOT NULL "
        "RETURN o.name AS organizer, count(c) AS items"),
    "headcount and contacted per unit (people with a 1-on-1)": (
        "MATCH (p:Person {campaign: $campaign})-[:IN_UNIT]->(u:Unit) "
        "RETURN u.name AS unit, count(DISTINCT p) AS people, "
        "count(DISTINCT CASE WHEN EXISTS { (p)<-[:WITH]-() } THEN p END) AS contacted"),
    "per-unit counts from the read model (what mapper structure reads)": (
        "MATCH (r:PersonRow {campaign: $campaign}) WHERE r.left = 0 "
        "RETURN r.unit AS unit, count(*) AS people, sum(r.contacted) AS contacted, "
        "sum(r.committed) AS committed"),
    "follow-ups per organizer, from the read model": (
        "MATCH (i:FollowUpItem {campaign: $campaign}) WHERE i.due <= $due_by "
        "RETURN i.organizer AS organizer, count(*) AS items"),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_store_arguments(parser)
    parser.add_argument("--today", default="2026-12-01")
    args = parser.parse_args(argv)
    today = dt.date.fromisoformat(args.today)
    env = dict(os.environ, MAPPER_TODAY=args.today)
    store, where, label = open_store(args, env)
    camp = args.campaign
    print(f"## {label}, campaign {camp}, today {today}, {dt.date.today()}\n")
    print(TABLE_HEAD)

    for command in (["follow-ups", "--json"], ["follow-ups"],
                    ["follow-ups", "--json", "--organizer", "Bench Nobody"],
                    ["ask-queue", "--limit", "20", "--json"], ["ask-queue"],
                    ["structure", "--json"], ["overview", "--json"]):
        cpu, wall, size = new_process([*command, "--campaign", camp, *where], env, args.repeat)
        row(f"new process: `mapper {' '.join(command)}`", cpu, wall, f"{size:,} bytes out")

    from mapper.analytics.texts import read_texts
    from mapper.models import OneOnOne
    from mapper.projection import conversation_key

    def answer() -> dict:
        return store.follow_ups(camp, today=today, texts=lambda ids: read_texts(store, camp, ids))

    cpu, wall, before = timed(answer, args.repeat)
    row("read model: the whole follow-ups answer, in process", cpu, wall,
        f"{sum(len(o['items']) for o in before['organizers']):,} items")
    new = OneOnOne.model_validate({
        "id": "bench-readmodel", "date": (today - dt.timedelta(days=5)).isoformat(),
        "organizer": "Bench Organizer", "campaign": camp,
        "contact": {"name": "Bench Person"}, "follow_up": {"thank_you_sent": False}})
    c, w = _cpu(), time.perf_counter()
    store.write([new])
    row("one new 1-on-1 written (records, graph and read model, one transaction)",
        _cpu() - c, time.perf_counter() - w)
    c, w = _cpu(), time.perf_counter()
    after = answer()
    row("then the follow-ups answer from the read model", _cpu() - c, time.perf_counter() - w,
        "shows it: " + str(any(i["conversation"] == "bench-readmodel"
                                for o in after["organizers"] for i in o["items"])))
    c, w = _cpu(), time.perf_counter()
    page = store.follow_ups(camp, today=today, organizer="Bench Organizer",
                            texts=lambda ids: read_texts(store, camp, ids))
    row("then one organizer's page (their items, everyone's counts)", _cpu() - c,
        time.perf_counter() - w, "shows it: " + str(any(
            i["conversation"] == "bench-readmodel" for o in page["organizers"] for i in o["items"])))
    c, w = _cpu(), time.perf_counter()
    counts = store.structure(camp)
    row("then structure from the read model", _cpu() - c, time.perf_counter() - w,
        f"{counts['totals']['contacted']:,} contacted")
    c, w = _cpu(), time.perf_counter()
    front = store.overview(camp)
    row("then the overview from the read model", _cpu() - c, time.perf_counter() - w,
        f"{front['counts']['conversations']:,} conversations")
    c, w = _cpu(), time.perf_counter()
    queue = store.ask_queue(camp, limit=20, texts=lambda ids: read_texts(store, camp, ids))
    row("then the ask queue's first 20 from the read model", _cpu() - c,
        time.perf_counter() - w, f"{len(queue)} entries")
    store.delete([conversation_key(camp, "bench-readmodel")])
    c, w = _cpu(), time.perf_counter()
    from mapper.analytics.readiness import ask_queue as full_queue
    from mapper.analytics.structure import structure as full_structure
    from mapper.analytics.texts import fill_texts

    snap = store.snapshot(camp)
    whole = full_queue(fill_texts(snap, store), limit=20)
    row("the ask queue's first 20 the whole way (snapshot, every word, compute)",
        _cpu() - c, time.perf_counter() - w, "equal: " + str(whole == store.ask_queue(
            camp, limit=20, texts=lambda ids: read_texts(store, camp, ids))))
    c, w = _cpu(), time.perf_counter()
    units = full_structure(snap)
    row("structure the whole way (on that snapshot)", _cpu() - c, time.perf_counter() - w,
        "equal: " + str(units == store.structure(camp)))
    busiest = max(before["organizers"], key=lambda o: len(o["items"]))
    cpu, wall, page = timed(lambda: store.follow_ups(
        camp, today=today, organizer=busiest["organizer"],
        texts=lambda ids: read_texts(store, camp, ids)), args.repeat)
    row("the busiest organizer's page", cpu, wall,
        f"{sum(len(o['items']) for o in page['organizers']):,} items")

    c, w = _cpu(), time.perf_counter()
    from mapper.analytics.follow_ups import follow_ups

    full = follow_ups(fill_texts(store.snapshot(camp), store), today=today)
    row("the same answer the whole way (snapshot, every word, compute)",
        _cpu() - c, time.perf_counter() - w, "equal: " + str(full == before))

    if args.neo4j:
        due_by = (today + dt.timedelta(days=7)).isoformat()
        with store.driver.session() as session:
            for name, query in PLAIN_CYPHER.items():
                def run(q: str = query) -> list:
                    return session.run(q, campaign=camp, due_by=due_by).data()

                cpu, wall, rows = timed(run, args.repeat)
                row(f"plain Cypher: {name}", cpu, wall, f"{len(rows)} rows (client CPU only)")
    store.close()


if __name__ == "__main__":
    main()
