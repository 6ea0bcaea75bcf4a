"""Where the embedded import's time goes: ``python -m benchmarks.profile_import --size 10k``.

Two views of ``import_files(SQLiteStore, [conversations.jsonl])`` after the context files:

1. **stages** — each step of the write path timed on its own over all conversations, with the
   cyclic GC off (pure cost per conversation), then the real call with GC on and off (what
   the collector adds while every validated record is held in memory);
2. **cProfile** — the real call, top functions by own time (``--top``).

Run by hand; figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import time
from pathlib import Path

from benchmarks import suites
from benchmarks.measure import load_average


def _best(func, reps: int) -> float:
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def stages(data: Path, reps: int) -> list[tuple[str, float, int]]:
    """[(stage, best seconds over all conversations, conversations)] with GC off."""
    import orjson

    from mapper.models import OneOnOne, body_hash
    from mapper.projection import Aliases, project
    from mapper.readers import read_file, validate
    from mapper.stores.base import stored
    from mapper.stores.sqlite import SQLiteStore, _dumps

    path = data / suites.CONVERSATIONS_FILE
    lines = [line for line in path.read_bytes().splitlines() if line.strip()]
    raws = list(read_file(path))
    records = [validate(r)[0] for r in raws]
    bodies = [r.model_dump(mode="json", exclude_none=True) for r in records]
    aliases = Aliases()
    prepared = [stored(r, aliases, body=b, replacing=False) for r, b in zip(records, bodies)]
    n = len(records)

    def rows() -> None:
        for rec in prepared:
            for node in rec.projection.nodes:
                _dumps(node.props)
            for edge in rec.projection.edges:
                _dumps(edge.props)
            _dumps(rec.body)

    def write() -> None:
        db = data.parent.parent / "db" / "profile-stages.db"
        db.parent.mkdir(parents=True, exist_ok=True)
        for old in db.parent.glob(db.name + "*"):
            old.unlink()
        store = SQLiteStore(db)
        for i in range(0, n, store.batch_size):
            store._apply(prepared[i:i + store.batch_size])
        store.close()

    plan = [
        ("read: json.loads per line (readers.read_file)", lambda: list(read_file(path))),
        ("  alternative: orjson.loads per line", lambda: [orjson.loads(x) for x in lines]),
        ("validate: model_validate(dict)", lambda: [validate(r) for r in raws]),
        ("  alternative: OneOnOne.model_validate_json(line)", lambda: [OneOnOne.model_validate_json(x) for x in lines]),
        ("model_dump(mode='json', exclude_none=True)", lambda: [r.model_dump(mode="json", exclude_none=True) for r in records]),
        ("body_hash: sorted orjson + sha256", lambda: [body_hash(b) for b in bodies]),
        ("project()", lambda: [project(r, aliases) for r in records]),
        ("SQLite rows: orjson of node/edge props + body", rows),
        ("SQLiteStore._apply (rows + executemany + commit), empty db", write),
    ]
    gc.disable()
    try:
        return [(label, _best(func, reps), n) for label, func in plan]
    finally:
        gc.enable()


def real(data: Path, label: str, *, collect: bool, profile: bool = False) -> tuple[float, int, str]:
    """The real conversations import after the context; (seconds, conversations, profile text)."""
    from mapper.importer import import_files
    from mapper.stores.sqlite import SQLiteStore

    db = data.parent.parent / "db" / f"profile-{label}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    for old in db.parent.glob(db.name + "*"):
        old.unlink()
    store = SQLiteStore(db)
    import_files(store, [data / f for f in suites.CONTEXT_FILES])
    gc.collect()
    if not collect:
        gc.disable()
    prof = cProfile.Profile() if profile else None
    try:
        start = time.perf_counter()
        if prof:
            prof.enable()
        report = import_files(store, [data / suites.CONVERSATIONS_FILE])
        if prof:
            prof.disable()
        seconds = time.perf_counter() - start
    finally:
        gc.enable()
        store.close()
    text = ""
    if prof:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(ARGS.top)
        text = out.getvalue()
    return seconds, report.valid, text


def main(argv: list[str] | None = None) -> int:
    global ARGS
    p = argparse.ArgumentParser(prog="python -m benchmarks.profile_import", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", default="10k", help="people (default 10k)")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/mapper-bench"))
    p.add_argument("--reps", type=int, default=3, help="repetitions per stage / real call (best kept)")
    p.add_argument("--top", type=int, default=25, help="cProfile rows")
    p.add_argument("--json", type=Path, help="also write the figures here")
    ARGS = p.parse_args(argv)
    label, people = suites.parse_size(ARGS.size)
    data, counts, _ = suites.generate(ARGS.workdir, people)
    print(f"{label} people, {counts['conversations']:,} conversations; load average "
          f"{', '.join(f'{x:.2f}' for x in load_average())}\n")
    print("stages (GC off, best of %d):" % ARGS.reps)
    rows = stages(data, ARGS.reps)
    for name, seconds, n in rows:
        print(f"  {name:58s} {seconds * 1000:8.0f} ms {seconds / n * 1e6:7.1f} µs/conv")
    real_rows = []
    for collect in (True, False):
        runs = [real(data, label, collect=collect)[0] for _ in range(ARGS.reps)]
        n = counts["conversations"]
        real_rows.append({"gc": collect, "runs": runs})
        print(f"\nreal import_files, GC {'on ' if collect else 'off'}: "
              + ", ".join(f"{s:.2f} s ({n / s:,.0f} conv/s)" for s in runs))
    seconds, n, text = real(data, label, collect=True, profile=True)
    print(f"\ncProfile of the real call (GC on), {seconds:.2f} s under the profiler:\n{text}")
    if ARGS.json:
        ARGS.json.write_text(json.dumps({"size": label, "stages": rows, "real": real_rows}, indent=1))
    return 0


ARGS: argparse.Namespace

if __name__ == "__main__":
    raise SystemExit(main())
