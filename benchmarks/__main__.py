"""Benchmarks: ``python -m benchmarks --sizes 10k,100k,1m --stores sqlite,neo4j --baselines``.

Generates synthetic campaigns, imports them into each store, times the analytics questions and
the dashboard's page callbacks, optionally compares Neo4j import with neomodel (one
transaction per record) and LOAD CSV, and writes ``benchmarks/RESULTS.md``. Parts whose code
does not exist yet are skipped with a "not available yet" line. Run by hand; slow at 1M.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks import baselines, suites
from benchmarks.measure import fmt_bytes, load_average, machine
from benchmarks.report import write_report
from benchmarks.suites import Unavailable

EMBEDDED_LIMIT = 500_000  # people; above this the embedded store is skipped unless asked


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example: python -m benchmarks --sizes 10k,100k --stores sqlite,neo4j --baselines")
    p.add_argument("--sizes", default=None,
                   help="people per campaign, comma separated (default 10k,100k,1m; 10k with --quick)")
    p.add_argument("--stores", default="sqlite,neo4j", help="sqlite, neo4j or both (default both)")
    p.add_argument("--baselines", action="store_true",
                   help="also time neomodel per-record and LOAD CSV on the same Neo4j server")
    p.add_argument("--baselines-up-to", default=None, metavar="SIZE",
                   help="run the baselines only at sizes up to this one (e.g. 100k; default all)")
    p.add_argument("--baseline-sample", type=int, default=None,
                   help="conversations written the per-record way (default 2000; 200 with --quick)")
    p.add_argument("--parts", default="import,analytics,dashboard",
                   help="what to measure on each store (default import,analytics,dashboard)")
    p.add_argument("--repeat", type=int, default=None,
                   help="imports per size and store, best reported (default 2 below 1M people, else 1; 1 with --quick)")
    p.add_argument("--timeout", type=float, default=300,
                   help="seconds one analytics question or dashboard callback may take before it is "
                        "killed and reported as such (default 300)")
    p.add_argument("--out", type=Path, default=Path("benchmarks/RESULTS.md"), help="report file")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/mapper-bench"),
                   help="generated data, SQLite files, CSV files, raw results (default /tmp/mapper-bench)")
    p.add_argument("--quick", action="store_true",
                   help="a smoke run: 10k only unless --sizes, 1 import, small baseline sample, "
                        "3 warm repeats")
    p.add_argument("--embedded-1m", action="store_true",
                   help=f"run the embedded store above {EMBEDDED_LIMIT:,} people anyway")
    p.add_argument("--heap", default=None, help="Neo4j heap (default 4g if a size >= 1M, else 1g)")
    p.add_argument("--pagecache", default=None, help="Neo4j page cache (default 2g if a size >= 1M, else 512m)")
    return p


class Run:
    def __init__(self, args: argparse.Namespace, argv: list[str]) -> None:
        self.args = args
        self.results: dict[str, Any] = {
            "command": "python -m benchmarks " + " ".join(shlex.quote(a) for a in argv),
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "machine": machine(),
            "args": {k: str(v) for k, v in vars(args).items()},
            "notes": [],
            "sizes": {},
        }
        self.results["args"]["repeat"] = args.repeat
        self.results["code"] = _code_version()

    def log(self, line: str) -> None:
        print(line, flush=True)

    def note(self, line: str) -> None:
        self.log(f"  ! {line}")
        if line not in self.results["notes"]:
            self.results["notes"].append(line)

    def save(self) -> None:
        write_report(self.results, self.args.out)
        raw = self.args.workdir / "results.json"
        raw.write_text(json.dumps(self.results, indent=1, default=str))

    def part(self, label: str, func: Any, *a: Any, **kw: Any) -> dict:
        """Run one measured part; a missing module or a failure becomes a line, not a crash."""
        try:
            return func(*a, **kw)
        except Unavailable as exc:
            self.note(f"{label}: {exc}")
            return {"skipped": str(exc)}
        except Exception as exc:  # keep the other parts' figures
            self.log(traceback.format_exc())
            self.note(f"{label}: failed: {type(exc).__name__}: {str(exc)[:300]}")
            return {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    sizes = [suites.parse_size(s) for s in (args.sizes or ("10k" if args.quick else "10k,100k,1m")).split(",")]
    sizes.sort(key=lambda s: s[1])
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    for s in stores:
        if s not in ("sqlite", "neo4j"):
            _parser().error(f"unknown store {s!r} (sqlite, neo4j)")
    parts = {p.strip() for p in args.parts.split(",")}
    largest = sizes[-1][1]
    if args.repeat is None:
        args.repeat = 1 if args.quick else 2
    sample = args.baseline_sample or (200 if args.quick else 2000)
    baseline_max = suites.parse_size(args.baselines_up_to)[1] if args.baselines_up_to else largest
    args.workdir.mkdir(parents=True, exist_ok=True)
    run = Run(args, argv)
    run.log(f"benchmarks: sizes {', '.join(l for l, _ in sizes)}; stores {', '.join(stores)}; "
            f"baselines {'yes (per-record sample %d)' % sample if args.baselines else 'no'}; "
            f"workdir {args.workdir}")
    run.log(f"machine: {run.results['machine']['cpu']}, {run.results['machine']['cores']} cores, "
            f"{fmt_bytes(run.results['machine']['memory'])}; load average "
            f"{', '.join(f'{x:.2f}' for x in load_average())}")
    if "sqlite" in stores and largest > EMBEDDED_LIMIT and not args.embedded_1m:
        run.note(f"the embedded store is not measured above {EMBEDDED_LIMIT:,} people unless asked "
                 "(--embedded-1m): at 1M it adds about 15 minutes (an 8-minute import, then "
                 "25-40 s per question), and a campaign that size is usually shared, on Neo4j.")

    server = None
    uri = None
    pids: dict[str, int | None] = {"python": os.getpid()}
    if "neo4j" in stores or args.baselines:
        heap = args.heap or ("4g" if largest >= 1_000_000 else "1g")
        pagecache = args.pagecache or ("2g" if largest >= 1_000_000 else "512m")
        try:
            from mapper.testing.neo4j_server import Neo4jServer

            server = Neo4jServer(heap=heap, pagecache=pagecache).start()
            uri = server.uri
            pids["neo4j"] = server.pid
            run.results["neo4j"] = (f"neo4j-harness 5.26 in-process server, heap {heap}, page cache "
                                    f"{pagecache}, started in {server.startup_seconds:.1f} s")
            run.log(f"neo4j: {uri} (heap {heap}, page cache {pagecache})")
        except Exception as exc:
            run.note(f"Neo4j server did not start, Neo4j parts skipped: {type(exc).__name__}: {str(exc)[:300]}")
    try:
        for label, people in sizes:
            run.log(f"\n== {label} people ==")
            embedded_declined = people > EMBEDDED_LIMIT and not args.embedded_1m
            if not args.baselines and all(k == "sqlite" and embedded_declined for k in stores):
                msg = f"skipped: {label} people belongs on Neo4j " + _embedded_estimate(run.results, people)
                run.log(f"  -- sqlite\n    {msg}")
                run.results["sizes"][label] = {"counts": {"people": people}, "stores": {"sqlite": {"skipped": msg}}}
                run.save()
                continue
            data, counts, t_gen = suites.generate(args.workdir, people)
            run.log(f"  data: {counts['conversations']:,} conversations, {counts['roster']:,} roster, "
                    f"{counts['ties']:,} ties ({'generated in %.1f s' % t_gen if t_gen else 'reused'}) in {data}")
            sized: dict[str, Any] = {"counts": counts, "generate_s": t_gen, "stores": {}}
            run.results["sizes"][label] = sized
            for store_kind in stores:
                run.log(f"  -- {store_kind}")
                if store_kind == "sqlite" and embedded_declined:
                    msg = (f"skipped: {label} people belongs on Neo4j "
                           + _embedded_estimate(run.results, people))
                    run.log(f"    {msg}")
                    sized["stores"][store_kind] = {"skipped": msg}
                    continue
                if store_kind == "neo4j" and uri is None:
                    sized["stores"][store_kind] = {"skipped": "no Neo4j server"}
                    continue
                entry: dict[str, Any] = {}
                sized["stores"][store_kind] = entry

                def factory(kind: str = store_kind, label: str = label) -> Any:
                    return suites.open_store(kind, args.workdir, label, uri)

                store = None
                if "import" not in parts:
                    # Measure what an earlier run imported (same workdir).
                    db = args.workdir / "db" / f"{label}.db"
                    if store_kind == "sqlite" and not db.is_file():
                        run.note(f"{label} sqlite: no earlier import at {db}; run with --parts import first")
                        continue
                    store = run.part(f"{label} {store_kind} open", suites.reopen_store, store_kind,
                                     args.workdir, label, uri)
                    if isinstance(store, dict):
                        continue
                if "import" in parts:
                    res = run.part(f"{label} {store_kind} import", suites.measure_import, factory, data,
                                   pids, runs=1 if people >= 1_000_000 else args.repeat, log=run.log)
                    if isinstance(res, tuple):
                        entry["import"], store = res
                    else:
                        entry["import"] = res
                run.save()
                if store is None:
                    continue
                store.close()

                def opener(kind: str = store_kind, label: str = label) -> Any:
                    return suites.reopen_store(kind, args.workdir, label, uri)

                if "analytics" in parts:
                    entry["analytics"] = run.part(
                        f"{store_kind} analytics", suites.measure_analytics, opener,
                        warm_runs=3 if args.quick else 5, timeout=args.timeout, log=run.log)
                    run.save()
                if "dashboard" in parts:
                    entry["dashboard"] = run.part(
                        f"{store_kind} dashboard", suites.measure_dashboard, opener,
                        warm_runs=3 if args.quick else 5, timeout=args.timeout, log=run.log)
                    run.save()
            if args.baselines and people > baseline_max:
                run.log("  -- Neo4j side by side: not at this size (--baselines-up-to)")
            elif args.baselines:
                run.log("  -- Neo4j side by side")
                base: dict[str, Any] = {}
                sized["baselines"] = base
                if uri is None:
                    base["skipped"] = "no Neo4j server"
                else:
                    base["store"] = run.part(
                        "Neo4jStore conversations-only import", baselines.store_conversations_only,
                        lambda: suites.open_store("neo4j", args.workdir, label, uri), data, pids, log=run.log)
                    run.save()
                    base["neomodel"] = run.part("neomodel per-record baseline", baselines.neomodel_per_record,
                                                uri, data, sample, pids, log=run.log)
                    run.save()
                    base["load_csv"] = run.part("LOAD CSV baseline", baselines.load_csv, uri, data,
                                                args.workdir, pids, log=run.log)
                    run.save()
    finally:
        if server is not None:
            server.stop()
        run.results["load_end"] = load_average()
        run.results["finished"] = time.strftime("%Y-%m-%d %H:%M %Z")
        run.save()
    run.log(f"\nwrote {args.out} (raw figures: {args.workdir / 'results.json'})")
    return 0


def _code_version() -> str:
    """The commit the measured code is at, and whether the working tree differs from it."""
    import subprocess

    import mapper

    root = Path(mapper.__file__).resolve().parents[1]
    marker = root / "BENCH_SOURCE"  # a copy of the tree made for a run says where it came from
    if marker.is_file():
        return f"{marker.read_text().strip()} (copied to {root} for this run)"
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "mapper", "dashboard", "queries"],
                               cwd=root, capture_output=True, text=True, timeout=10).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return f"{root} (not a git checkout)"
    changed = [line[3:] for line in dirty if line.strip()]
    if not head:
        return f"{root} (not a git checkout)"
    return f"commit {head} in {root}" + (f", with uncommitted changes to {', '.join(changed)}" if changed else "")


def _embedded_estimate(results: dict, people: int) -> str:
    """A line saying how long the embedded import would take, from the largest size measured."""
    best = None
    for label, sized in results["sizes"].items():
        imp = sized.get("stores", {}).get("sqlite", {}).get("import") or {}
        if imp.get("conv_per_s") and imp.get("records_per_s"):
            best = (sized["counts"]["people"], imp)
    if best is None:
        return "(no smaller embedded run to estimate from)"
    measured_people, imp = best
    scale = people / measured_people
    seconds = (imp["context_s"] + imp["conversations_s"]) * scale
    return (f"(at the {suites.size_label(measured_people)} rates, and assuming cost grows only "
            f"linearly, its import alone would take ~{seconds / 60:.0f} min; the 10-minute target is "
            "Neo4j's; --embedded-1m runs it anyway)")


if __name__ == "__main__":
    sys.exit(main())
