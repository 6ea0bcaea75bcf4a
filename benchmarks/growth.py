"""How each question's cost grows with the campaign: the CLI command, cold, at each size.

    python -m benchmarks.growth --store 10k=/tmp/c10k.db --store 100k=/tmp/c100k.db
    python -m benchmarks.growth --store 10k=bolt://127.0.0.1:7687 --store 100k=bolt://…:7688

For each store (a ``SIZE=FILE`` embedded store, or ``SIZE=bolt://…`` Neo4j) and each question,
``mapper <question> --json --campaign C`` runs in a new process (cold: nothing cached; its
output read from a pipe and thrown away), ``--repeat`` times; the CPU seconds are the child's
user + system time (``os.wait4``; with ``--jvm SIZE=PID``, plus what that Neo4j JVM
spent meanwhile), the median of the repeats, so other work on the machine
weighs less than on the wall time (also shown). ``mapper --help`` gives the fixed cost of
starting Python and importing the program. A question the store keeps as a stored answer
(clusters, power, talk-next: ``--fresh`` among its options) is run twice over: with
``--fresh`` (computed from the whole-campaign snapshot, as on first use) and without (the kept
answer served, what the next reader meets); the median of repeats would otherwise mix the two. The table shows each size's CPU and how many times
the smaller size's it is (the whole command, and net of that start-up), next to how many times
more people there are: a question growing faster than the data shows a net ratio above the
people's. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ("overview", "structure", "clusters", "power", "ask-queue", "talk-next",
             "follow-ups", "my-list", "ladder")
SIZES = {"k": 1_000, "m": 1_000_000}
#: The questions kept as stored answers (``mapper.analytics.stored``): computed with --fresh.
FRESH = ("clusters", "power", "talk-next")


def people(label: str) -> int:
    """``10k`` -> 10000.

    >>> people("10k"), people("1m"), people("2500")
    (10000, 1000000, 2500)
    """
    label = label.lower()
    return int(float(label[:-1]) * SIZES[label[-1]]) if label[-1] in SIZES else int(label)


def _cpu_of(pid: int | None) -> float:
    if pid is None:
        return 0.0
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def run_cold(args: list[str], env: dict[str, str], jvm: int | None = None
             ) -> tuple[float, float, int, float]:
    """(CPU seconds of the child, wall seconds, bytes it printed, CPU seconds the Neo4j JVM
    ``jvm`` spent meanwhile) of one command."""
    jvm0 = _cpu_of(jvm)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mapper.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    size = 0
    while chunk := proc.stdout.read(1 << 16):
        size += len(chunk)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"mapper {' '.join(args)} exited {proc.returncode}: "
                           f"{err.decode(errors='replace')[-300:]}")
    return usage.ru_utime + usage.ru_stime, wall, size, _cpu_of(jvm) - jvm0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", action="append", required=True, metavar="SIZE=WHERE",
                        help="a size label and its store: an embedded file or a bolt:// URI")
    parser.add_argument("--campaign", default="synthetic")
    parser.add_argument("--questions", default=",".join(QUESTIONS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jvm", action="append", default=[], metavar="SIZE=PID",
                        help="the pid of that size's Neo4j JVM: its CPU is added to the command's")
    args = parser.parse_args(argv)
    jvms = {k: int(v) for k, v in (j.split("=", 1) for j in args.jvm)}

    stores = [tuple(s.split("=", 1)) for s in args.store]
    questions = ["--help"]
    for q in args.questions.split(","):
        questions += [f"{q} --fresh", q] if q in FRESH else [q]
    cpu: dict[tuple[str, str], float] = {}
    wall: dict[tuple[str, str], float] = {}
    load = []
    for label, where in stores:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("NEO4J_URI", None)
        where_args: list[str] = []
        if where.startswith(("bolt://", "neo4j://")):
            env["NEO4J_URI"] = where
        else:
            where_args = ["--db", where]
        for q in questions:
            command = [q] if q == "--help" else [*q.split(), "--json", "--campaign",
                                                 args.campaign, *where_args]
            runs = [run_cold(command, env, jvms.get(label)) for _ in range(args.repeat)]
            load.append(os.getloadavg()[0])
            cpu[label, q] = statistics.median(r[0] + r[3] for r in runs)
            wall[label, q] = statistics.median(r[1] for r in runs)
            print(f"{label} {q}: CPU {cpu[label, q]:.2f} s (of which the JVM "
                  f"{statistics.median(r[3] for r in runs):.2f} s), wall {wall[label, q]:.2f} s "
                  f"(output {runs[0][2]:,} bytes)", flush=True)

    labels = [label for label, _ in stores]
    head = " | ".join(f"{l} CPU (wall)" for l in labels)
    pairs = list(zip(labels, labels[1:]))
    ratios = [f"{b} / {a} (people x{people(b) / people(a):g}): all, net of start-up"
              for a, b in pairs]
    print(f"\n| command | {head} | {' | '.join(ratios)} |")
    print("|---|" + "---|" * (len(labels) + len(ratios)))

    def net(label: str, q: str) -> float:
        return max(cpu[label, q] - cpu[label, "--help"], 1e-3)

    for q in questions:
        name = ("mapper --help (start-up)" if q == "--help" else
                f"mapper {q} --json" + (" (kept, served)" if q in FRESH else ""))
        cells = [f"{cpu[l, q]:.2f} s ({wall[l, q]:.1f} s)" for l in labels]
        grow = [f"x{cpu[b, q] / cpu[a, q]:.1f}" + ("" if q == "--help" else
                                                   f", x{net(b, q) / net(a, q):.1f}")
                for a, b in pairs]
        print(f"| `{name}` | {' | '.join(cells)} | {' | '.join(grow)} |")
    print(f"\nload average (1 min) during: {min(load):.1f}-{max(load):.1f}; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"Python {platform.python_version()}; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
