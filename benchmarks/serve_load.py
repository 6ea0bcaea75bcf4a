"""Load on `mapper serve`: organizers signed in, loading pages and posting 1-on-1s, for minutes.

    python -m benchmarks.serve_load --people 2000 --organizers 20 --rate 5 --duration 300

It generates a campaign (``mapper.generate``), imports it into a fresh embedded store under
``--workdir``, adds ``--organizers`` organizer accounts (each with a password and an API
token), starts ``mapper serve --workers N`` as a child process, signs every organizer in, and
then sends ``--rate`` requests a second, spread evenly, for ``--duration`` seconds. Each request
is one of (by weight): a page-load callback of the dashboard (the page's real work, as the
browser posts it to ``/_dash-update-component``), a page itself (its HTML), an API read (a
question or a list), an API post (a new 1-on-1 by that organizer). It reports errors (any
answer >= 400, any failed connection), latencies per kind, and the peak memory (RSS) of the
server's processes together, sampled every second. Nothing is asserted: the figures go in
benchmarks/RESULTS.md by hand, with the machine and the date.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-password-long"
COOKIE = "mapper_session"
PAGES = ("/", "/clusters", "/power", "/ready", "/next", "/follow-ups", "/my-list")
WEIGHTS = {"callback": 5, "page": 2, "api_read": 2, "api_post": 1}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, method: str, path: str, *, cookie: str | None = None,
             body: bytes | None = None, headers: dict[str, str] | None = None
             ) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        sent = dict(headers or {})
        if cookie:
            sent["Cookie"] = f"{COOKIE}={cookie}"
        conn.request(method, path, body=body, headers=sent)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def _sign_in(port: int, username: str) -> str:
    status, headers, body = _request(port, "GET", "/login")
    cookie = re.search(rf"{COOKIE}=([^;]+)", headers["set-cookie"]).group(1)
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"username": username, "password": PASSWORD, "csrf_token": token,
                      "next": "/"}).encode()
    status, headers, _ = _request(port, "POST", "/login", cookie=cookie, body=form,
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise RuntimeError(f"sign-in of {username} answered {status}")
    return re.search(rf"{COOKIE}=([^;]+)", headers["set-cookie"]).group(1)


def prepare(workdir: Path, people: int, organizers: int, seed: int
            ) -> tuple[Path, list[dict], list[tuple[str, dict]], str, list[str]]:
    """The store, the accounts (username, organizer, token) and the callbacks' bodies."""
    from benchmarks.suites import _dashboard_requests
    from mapper.generate import generate_campaign
    from mapper.importer import import_files
    from mapper.stores.sqlite import SQLiteStore

    if workdir.exists():
        shutil.rmtree(workdir)
    (workdir / "data").mkdir(parents=True)
    from benchmarks.suites import CAMPAIGN as campaign  # the callbacks' bodies name it
    generate_campaign(workdir / "data", people=people, seed=seed, campaign=campaign)
    db = workdir / "load.db"
    store = SQLiteStore(db)
    files = [workdir / "data" / n for n in ("hierarchy.csv", "roster.csv", "ties.csv",
                                            "conversations.jsonl")]
    report = import_files(store, files)
    if not report.ok:
        raise SystemExit(f"import failed: {report.errors[:3]}")
    snapshot = store.snapshot(campaign)
    names = sorted({c.organizer for c in snapshot.conversations})
    names += [f"Load Organizer {i:02d}" for i in range(organizers - len(names))]
    units = sorted({p.unit for p in snapshot.people.values() if p.unit}) or ["Unit A"]
    accounts = add_accounts(store, names[:organizers])
    _, requests = _dashboard_requests(store)
    # A callback with a pattern-matching output (the export links) is fired by the page for
    # the ids it holds: the harness cannot build it from the callback map alone.
    requests = [(label, body) for label, body in requests
                if not any(str(o["id"]).startswith("{") for o in
                           (body["outputs"] if isinstance(body["outputs"], list)
                            else [body["outputs"]]))]
    store.close()
    return db, accounts, requests, campaign, units

def add_accounts(store, names: list[str], prefix: str = "org") -> list[dict]:
    """An organizer account per name (password :data:`PASSWORD`, one API token each)."""
    from mapper.tokens import tokens_for
    from mapper.users import users_for

    users, tokens = users_for(store), tokens_for(store)
    accounts = []
    try:
        for i, name in enumerate(names):
            username = f"{prefix}{i:02d}"
            users.add(username, "organizer", PASSWORD, organizer=name)
            accounts.append({"username": username, "organizer": name,
                             "token": tokens.create(username, "load").token})
    finally:
        users.close()
        tokens.close()
    return accounts


def start_server(workers: int, log_path: Path, db: Path | None = None,
                 env: dict[str, str] | None = None) -> tuple[subprocess.Popen, int]:
    """``mapper serve --workers N`` as a child process, once it answers ``/healthz``.

    Without ``db`` it opens the store the environment names (``NEO4J_URI``: Neo4j)."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MAPPER_SECRET_KEY": os.urandom(32).hex(),
           **(env or {})}
    env.pop("MAPPER_USERS", None)
    if db is not None:
        env.pop("NEO4J_URI", None)
    command = [sys.executable, "-m", "mapper.cli", "serve", "--workers", str(workers),
               "--port", str(port)] + (["--db", str(db)] if db is not None else [])
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log,
                                  stderr=subprocess.STDOUT)
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"mapper serve exited ({server.returncode}); see {log_path}")
        try:
            if _request(port, "GET", "/healthz")[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit(f"mapper serve did not start; see {log_path}")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


class PeakRss:
    """The peak resident memory of each named process tree, sampled every second."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peak = {name: 0 for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], _tree_rss(pid))
            self._stop.wait(1.0)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def percentile(times: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``times``, nearest rank.

    >>> percentile([0.1, 0.2, 0.3, 0.4], 0.5), percentile([0.1, 0.2, 0.3, 0.4], 0.95)
    (0.2, 0.4)
    """
    ordered = sorted(times)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(len(ordered) * q) - 1))]


class Load:
    def __init__(self, port: int, accounts: list[dict], callbacks: list[tuple[str, dict]],
                 campaign: str, units: list[str], seed: int) -> None:
        self.port, self.accounts, self.callbacks = port, accounts, callbacks
        self.campaign, self.units = campaign, units
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.results: list[tuple[str, int, float, str]] = []  # kind, status, seconds, what
        self.posted = 0

    def one(self, kind: str, account: dict, n: int) -> None:
        started = time.perf_counter()
        status, what = 0, kind
        try:
            if kind == "callback":
                label, body = self.callbacks[n % len(self.callbacks)]
                what = label
                status, _, _ = _request(self.port, "POST", "/_dash-update-component",
                                        cookie=account["cookie"], body=json.dumps(body).encode(),
                                        headers={"Content-Type": "application/json"})
            elif kind == "page":
                what = PAGES[n % len(PAGES)]
                status, _, _ = _request(self.port, "GET", what, cookie=account["cookie"])
            elif kind == "api_read":
                what = ("/api/v1/questions/overview", "/api/v1/questions/power",
                        "/api/v1/lists/my-list", "/api/v1/lists/ready")[n % 4]
                status, _, _ = _request(self.port, "GET", f"{what}?campaign={self.campaign}",
                                        headers={"Authorization": f"Bearer {account['token']}"})
            else:
                record = {"date": date.today().isoformat(), "organizer": account["organizer"],
                          "campaign": self.campaign,
                          "contact": {"name": f"Load Contact {n:06d}",
                                      "unit": self.units[n % len(self.units)]},
                          "issues": [{"issue": "short staffing", "anger": n % 6}],
                          "assessment": 1 + n % 5}
                status, _, _ = _request(self.port, "POST", "/api/v1/records",
                                        body=json.dumps(record).encode(),
                                        headers={"Authorization": f"Bearer {account['token']}",
                                                 "Content-Type": "application/json"})
        except OSError as exc:
            what = f"{what}: {type(exc).__name__}"
        with self.lock:
            self.results.append((kind, status, time.perf_counter() - started, what))

    def run(self, rate: float, duration: float) -> float:
        kinds = [k for k, w in WEIGHTS.items() for _ in range(w)]
        total = int(rate * duration)
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=64) as pool:
            for n in range(total):
                wait = start + n / rate - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                pool.submit(self.one, self.rng.choice(kinds), self.rng.choice(self.accounts), n)
        return time.perf_counter() - start


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--organizers", type=int, default=20)
    parser.add_argument("--rate", type=float, default=5.0, help="requests a second")
    parser.add_argument("--duration", type=float, default=300.0, help="seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/mapper-serve-load"))
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    db, accounts, callbacks, campaign, units = prepare(args.workdir, args.people,
                                                       args.organizers, args.seed)
    print(f"prepared in {time.perf_counter() - t0:.1f} s: {args.people} people, "
          f"{len(accounts)} organizers, {len(callbacks)} page-load callbacks", flush=True)
    server, port = start_server(args.workers, args.workdir / "serve.log", db=db)
    try:
        with PeakRss({"server": server.pid}) as rss:
            for account in accounts:
                account["cookie"] = _sign_in(port, account["username"])
            load = Load(port, accounts, callbacks, campaign, units, args.seed)
            print(f"sending {args.rate:g} req/s for {args.duration:g} s …", flush=True)
            elapsed = load.run(args.rate, args.duration)
    finally:
        stop_server(server)
    peak = [rss.peak["server"]]

    results = load.results
    errors = [r for r in results if not 200 <= r[1] < 400]
    print(f"\n{len(results)} requests in {elapsed:.0f} s ({len(results) / elapsed:.2f}/s), "
          f"{len(errors)} errors; peak RSS of the server (master + workers) "
          f"{peak[0] / 2**20:.0f} MiB")
    print("| kind | requests | errors | median | p95 | max |\n|---|---|---|---|---|---|")
    for kind in WEIGHTS:
        times = sorted(r[2] for r in results if r[0] == kind)
        if not times:
            continue
        p95 = percentile(times, 0.95)
        errs = sum(1 for r in errors if r[0] == kind)
        print(f"| {kind} | {len(times)} | {errs} | {statistics.median(times) * 1000:.0f} ms | "
              f"{p95 * 1000:.0f} ms | {times[-1] * 1000:.0f} ms |")
    for kind, status, _, what in errors[:20]:
        print(f"error: {kind} {what} -> {status}")
    print(f"\nmachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"{platform.platform()}; Python {platform.python_version()}; "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
