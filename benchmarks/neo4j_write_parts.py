"""Where a Neo4j import's write transactions spend their time:
``NEO4J_URI=bolt://… python -m benchmarks.neo4j_write_parts DIR/hierarchy.csv,DIR/roster.csv,DIR/ties.csv DIR/conversations.jsonl``

Each argument is one ``import_files`` call (files joined by commas), into the store at
``NEO4J_URI`` (``--clear`` empties it first). For each call it prints the wall time, how long
the writer thread was busy with its transactions, and that time split four ways: the
statements (each sent and its answer read, by query file, slowest first), Python inside the
transaction function (the read model's upkeep computed between statements), the commit (timed
where the driver sends it), and the rest: opening the session, beginning the transaction and
any retry. The statements are timed by wrapping the transaction the store hands
``_write_batch``; nothing else changes. Every part also holds the writer thread's waits for
the GIL while the main thread checks and projects the next batch. Run by hand.
"""

from __future__ import annotations

import argparse
import collections
import threading
import time
from pathlib import Path
from typing import Any


class _Timed:
    """A transaction whose statements are timed (each answer read whole before it returns)."""

    def __init__(self, tx: Any, names: dict[str, str], stats: dict[str, list]) -> None:
        self._tx, self._names, self._stats = tx, names, stats

    def run(self, query: str, **params: Any) -> _Answer:
        start = time.perf_counter()
        result = self._tx.run(query, **params)
        records = list(result)
        summary = result.consume()
        cell = self._stats[self._names.get(query, query[:40])]
        cell[0] += 1
        cell[1] += time.perf_counter() - start
        return _Answer(records, summary)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)


class _Answer:
    def __init__(self, records: list, summary: Any) -> None:
        self._records, self._summary = records, summary

    def consume(self) -> Any:
        return self._summary

    def single(self, strict: bool = False) -> Any:
        return self._records[0]

    def __iter__(self) -> Any:
        return iter(self._records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.neo4j_write_parts",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("calls", nargs="+", help="files of one import call, joined by commas")
    parser.add_argument("--clear", action="store_true", help="empty the store first")
    args = parser.parse_args(argv)

    import mapper.stores.neo4j as neo4j
    from mapper.bootstrap import open_store
    from mapper.importer import import_files

    names: dict[str, str] = {}
    load_query = neo4j.load_query

    def named(name: str) -> str:
        query = load_query(name)
        names[query] = name
        return query

    neo4j.load_query = named
    stats: dict[str, list] = collections.defaultdict(lambda: [0, 0.0])
    parts = {"busy": 0.0, "function": 0.0, "commit": 0.0, "transactions": 0}
    write_batch = neo4j._write_batch

    def timed_batch(tx: Any, rows: Any) -> Any:
        start = time.perf_counter()
        try:
            return write_batch(_Timed(tx, names, stats), rows)
        finally:
            parts["function"] += time.perf_counter() - start

    neo4j._write_batch = timed_batch
    write_rows = neo4j.Neo4jStore._write_rows

    writing = threading.local()  # the writer's own commits only, not the main thread's reads

    def timed_rows(self: Any, rows: Any, tally: Any) -> None:
        start = time.perf_counter()
        writing.on = True
        try:
            write_rows(self, rows, tally)
        finally:
            writing.on = False
            parts["busy"] += time.perf_counter() - start
            parts["transactions"] += 1

    neo4j.Neo4jStore._write_rows = timed_rows
    # The commit itself, timed where the driver sends it (an internal of neo4j 5–6: without
    # it, the commit stays inside "the rest").
    from neo4j._sync.work import transaction as driver_tx

    commit = driver_tx.TransactionBase._commit

    def timed_commit(self: Any) -> Any:
        start = time.perf_counter()
        try:
            return commit(self)
        finally:
            if getattr(writing, "on", False):
                parts["commit"] += time.perf_counter() - start

    driver_tx.TransactionBase._commit = timed_commit
    store = open_store(None)
    if not isinstance(store, neo4j.Neo4jStore):
        parser.error("NEO4J_URI names no Neo4j server")
    if args.clear:
        store.clear()
    try:
        for call in args.calls:
            stats.clear()
            parts.update(busy=0.0, function=0.0, commit=0.0, transactions=0)
            start = time.perf_counter()
            import_files(store, [Path(p) for p in call.split(",")])
            wall = time.perf_counter() - start
            statements = sum(s for _, s in stats.values())
            print(f"== {call}\n  wall {wall:.1f} s; writer busy {parts['busy']:.1f} s in "
                  f"{parts['transactions']} transactions: statements {statements:.1f} s, "
                  f"Python between them {parts['function'] - statements:.1f} s, the commit "
                  f"{parts['commit']:.1f} s, the rest (session, begin) "
                  f"{parts['busy'] - parts['function'] - parts['commit']:.1f} s")
            for name, (n, seconds) in sorted(stats.items(), key=lambda kv: -kv[1][1]):
                print(f"  {seconds:7.2f} s {n:6d}x  {name}")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
