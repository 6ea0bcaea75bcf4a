"""The read model rebuilt alone (issue 16 item 1) on a campaign already in a store: CPU and wall
seconds of :meth:`~mapper.stores.base.Store.rebuild_read_model`, peak memory, and whether the
rows came out as they were. Usage::

    python -m benchmarks.rebuild_read_model --db /tmp/rebuild100k.db
    NEO4J_URI=bolt://... python -m benchmarks.rebuild_read_model --server-pid 5753

The store's read model is rebuilt in place (the records and the graph are not changed).
``--server-pid`` adds the CPU seconds the Neo4j server's process spent meanwhile (Linux).
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import time

from benchmarks.readmodel import _cpu, process_cpu

__all__ = ["main"]


def digest(store) -> dict[str, str]:
    """A hash of every read-model row, by table or label: equal before and after."""
    if hasattr(store, "_db"):
        queries = {"rm_people": "SELECT * FROM rm_people ORDER BY campaign, person",
                   "rm_items": "SELECT * FROM rm_items ORDER BY campaign, person, id"}
        rows = {name: store._db.execute(sql) for name, sql in queries.items()}
    else:
        session = store._session()
        rows = {label: ([sorted(r[0].items())] for r in session.run(
            f"MATCH (r:{label}) RETURN properties(r) ORDER BY r.campaign, r.person, r.id"))
                for label in ("PersonRow", "FollowUpItem")}
    out = {}
    for name, found in rows.items():
        h, n = hashlib.sha256(), 0
        for row in found:
            h.update(repr(row).encode())
            n += 1
        out[name] = f"{n:,} rows {h.hexdigest()[:12]}"
    return out


def main(argv: list[str] | None = None) -> None:
    from mapper.bootstrap import open_store

    p = argparse.ArgumentParser(prog="python -m benchmarks.rebuild_read_model")
    p.add_argument("--db", help="embedded store file (else NEO4J_URI / MAPPER_DB)")
    p.add_argument("--campaign", help="default: the store's first campaign")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--server-pid", type=int, help="the Neo4j server's process, for its CPU")
    p.add_argument("--no-check", dest="check", action="store_false",
                   help="skip comparing the rows (reading them all raises the peak memory)")
    args = p.parse_args(argv)
    store = open_store(args.db)
    try:
        campaign = args.campaign or store.campaigns()[0]
        before = digest(store) if args.check else None
        for _ in range(args.repeat):
            server = process_cpu(args.server_pid) if args.server_pid else None
            cpu, wall = _cpu(), time.perf_counter()
            n = store.rebuild_read_model(campaign)
            cpu, wall = _cpu() - cpu, time.perf_counter() - wall
            line = f"{n:,} people: {cpu:.2f} s CPU, {wall:.2f} s wall"
            if server is not None:
                line += f", server {process_cpu(args.server_pid) - server:.2f} s CPU"
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{line}, peak RSS {peak:.0f} MiB", flush=True)
        if args.check:
            after = digest(store)
            print("rows as before:", "yes" if after == before else f"NO {before} -> {after}")
            print(after, "(the peak RSS includes reading them)")
    finally:
        store.close()


if __name__ == "__main__":
    main()
