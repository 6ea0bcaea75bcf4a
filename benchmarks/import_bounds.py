"""What bounds the import: ``python -m benchmarks.import_bounds --size 100k --stores sqlite,neo4j``.

Issue 16 item 2 asks for 20,000 1-on-1s/s embedded and 5,000/s on Neo4j, and names the way:
fewer rows per conversation. This imports the same synthetic campaign as the product does,
then again with parts of the write taken away, so each part's share of the time is measured
rather than inferred. The variants are experiments, never the product: the stores they leave
are wrong on purpose.

- ``as-is``: ``import_files`` as ``mapper import`` runs it.
- ``fewer-edges``: the 1-on-1s written without their HELD, IN_CAMPAIGN and MADE edges (about
  a fifth of their 13 edges; the organizer, campaign and commitment could be properties of the
  1-on-1 instead). WITH stays: it says whom a 1-on-1 is about. The upkeep then reads less
  (who held a 1-on-1, where someone with no unit works), which only flatters the variant.
- ``writes-only``: the 1-on-1s read, checked and projected before the clock starts, then
  only the store's writes timed, one batch after another (what moving the check and the
  projection to another process could at most give; on Neo4j the batch's parameters are
  still built in the timed part).
- ``no-read-model``: no read-model upkeep at all (what doing it elsewhere could at most give;
  the store still gathers whom each batch touches, so slightly less than that).

Each run is a child process with an empty store (a new SQLite file; the Neo4j database
cleared), imports the context files in one call and ``conversations.jsonl`` in another, and
prints both; 1-on-1s per second is the second call's. Variants alternate, ``--runs`` times.
Neo4j: ``NEO4J_URI``, or a harness server started here (``--heap``, ``--pagecache``).
Run by hand; figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import suites
from benchmarks.measure import cpu_seconds, load_average, machine

VARIANTS = ("as-is", "fewer-edges", "writes-only", "no-read-model")
#: The edges of a 1-on-1 the fewer-edges variant leaves out (PROFILE.md §6 named these, with
#: WITH, as the ones that could be properties of the 1-on-1).
DROPPED_EDGES = frozenset({"HELD", "IN_CAMPAIGN", "MADE"})


def _patch(variant: str) -> None:
    """Take the variant's part away from the write path of this (child) process."""
    if variant == "fewer-edges":
        import mapper.stores.base as base

        project = base.project

        def fewer(record, aliases=None):  # type: ignore[no-untyped-def]
            projection = project(record, aliases)
            projection.edges = [e for e in projection.edges if e.type not in DROPPED_EDGES]
            return projection

        base.project = fewer
    elif variant == "no-read-model":
        import mapper.stores.neo4j as neo4j
        import mapper.stores.sqlite as sqlite

        sqlite.SQLiteStore._refresh = lambda self, *a, **k: None
        neo4j._refresh = lambda *a, **k: None
    elif variant not in ("as-is", "writes-only"):
        raise ValueError(f"unknown variant {variant!r} ({', '.join(VARIANTS)})")


def _writes_only(store: Any, files: list[Path], jvm: dict[str, int]) -> dict:
    """The records of ``files`` checked and projected first; then only their writes timed."""
    from mapper.importer import ImportOptions, check_files
    from mapper.snapshot import gc_paused
    from mapper.stores.base import WriteResult, stored

    report = check_files(files, options=ImportOptions(store=store))
    if report.errors or report.kept is None:
        raise RuntimeError("writes-only needs every record valid and kept (under KEEP_LIMIT)")
    aliases = store._aliases_of(report.kept)
    with gc_paused():
        batch = [stored(rec, aliases, replacing=False) for rec in report.kept]
        result = WriteResult()
        wall, cpu, server = time.perf_counter(), time.process_time(), cpu_seconds(jvm)
        for start in range(0, len(batch), store.batch_size):
            store._apply(batch[start:start + store.batch_size], result)
        store._settled()
        seconds, used = time.perf_counter() - wall, time.process_time() - cpu
    return {"records": result.added, "seconds": round(seconds, 2), "cpu": round(used, 2),
            "jvm": round(cpu_seconds(jvm).get("jvm", 0) - server.get("jvm", 0), 2)}


def _one(store_kind: str, variant: str, data: Path, workdir: Path) -> dict:
    """One run in this process: the figures of the context call and the 1-on-1s call."""
    _patch(variant)
    store = suites.open_store(store_kind, workdir, f"bounds-{variant}",
                              os.environ.get("NEO4J_URI"))
    out: dict = {"store": store_kind, "variant": variant}
    jvm = {"jvm": int(os.environ["BOUNDS_NEO4J_PID"])} if os.environ.get("BOUNDS_NEO4J_PID") else {}
    try:
        for part, files in (("context", [data / f for f in suites.CONTEXT_FILES]),
                            ("conversations", [data / suites.CONVERSATIONS_FILE])):
            if variant == "writes-only" and part == "conversations":
                out[part] = _writes_only(store, files, jvm)
                continue
            wall, cpu, server = time.perf_counter(), time.process_time(), cpu_seconds(jvm)
            report = suites._import(store, files)
            out[part] = {"records": report.result.added if report.result else 0,
                         "seconds": round(time.perf_counter() - wall, 2),
                         "cpu": round(time.process_time() - cpu, 2),
                         "jvm": round(cpu_seconds(jvm).get("jvm", 0) - server.get("jvm", 0), 2)}
    finally:
        store.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.import_bounds",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k", help="10k, 100k or a number of people")
    parser.add_argument("--stores", default="sqlite,neo4j")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/mapper-bench"))
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--neo4j-pid", type=int,
                        help="the server's process, to report its CPU (with NEO4J_URI)")
    parser.add_argument("--one", nargs=3, metavar=("STORE", "VARIANT", "DATA"),
                        help=argparse.SUPPRESS)  # a child's run
    args = parser.parse_args(argv)
    if args.one:
        store_kind, variant, data = args.one
        print(json.dumps(_one(store_kind, variant, Path(data), args.workdir)), flush=True)
        return 0

    label, people = suites.parse_size(args.size)
    data, counts, _ = suites.generate(args.workdir, people)
    variants = args.variants.split(",")
    stores = args.stores.split(",")
    server = None
    env = dict(os.environ)
    if "neo4j" in stores and not env.get("NEO4J_URI"):
        from mapper.testing.neo4j_server import Neo4jServer

        server = Neo4jServer(heap=args.heap, pagecache=args.pagecache).start()
        env["NEO4J_URI"] = server.uri
        args.neo4j_pid = server.pid
    if args.neo4j_pid:
        env["BOUNDS_NEO4J_PID"] = str(args.neo4j_pid)
    print(f"# {label}: {counts}; {machine()}; load {load_average()}", flush=True)
    try:
        for store_kind in stores:
            for run in range(args.runs):
                for variant in variants:
                    child = subprocess.run(
                        [sys.executable, "-m", "benchmarks.import_bounds", "--workdir",
                         str(args.workdir), "--one", store_kind, variant, str(data)],
                        env=env, capture_output=True, text=True, check=False)
                    if child.returncode:
                        print(child.stderr, file=sys.stderr)
                        return child.returncode
                    got = json.loads(child.stdout.strip().splitlines()[-1])
                    ctx, conv = got["context"], got["conversations"]
                    print(f"{store_kind:6} run {run + 1} {variant:14} "
                          f"context {ctx['seconds']:6.1f} s (CPU {ctx['cpu']:5.1f} s)  "
                          f"1-on-1s {conv['records']:,} in {conv['seconds']:5.1f} s "
                          f"(CPU {conv['cpu']:5.1f} s"
                          + (f", JVM {conv['jvm']:5.1f} s" if store_kind == "neo4j" else "")
                          + ") = "
                          f"{conv['records'] / conv['seconds']:,.0f} /s", flush=True)
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
