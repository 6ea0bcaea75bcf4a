"""A team under load (issue 16): writers recording 1-on-1s and readers loading pages on `mapper serve`.

    python -m benchmarks.team_load --store sqlite --db /tmp/c100k.db            # a copy of it
    python -m benchmarks.team_load --store neo4j --neo4j-uri bolt://127.0.0.1:7687
    python -m benchmarks.team_load --store neo4j --people 100000   # starts Neo4j (heap 2g), imports

The store: ``--db FILE`` is copied (SQLite's backup API: never written to) into ``--workdir``;
``--neo4j-uri`` is used as it is (it must already hold the campaign; accounts named
``l<stamp>…`` are added to it); without either, a campaign of ``--people`` is generated and
imported (into a throw-away Neo4j with a ``--heap`` heap for ``--store neo4j``).

Then ``mapper serve --workers N`` runs on it (:func:`benchmarks.serve_load.start_server`), with
``--writers + --readers`` organizer accounts (real organizers of the campaign). A real Chromium
signs in as the first reader and opens each page once: every request the browser sends to the
server for that page (its HTML, ``/_dash-layout``, ``/_dash-dependencies``, each Dash callback
with the body it posts; not the cached scripts) is kept, with which answers it waited for.
During ``--duration`` seconds:

* each writer posts a new 1-on-1 (its organizer, a person of the campaign, today) to
  ``POST /api/v1/records`` with its token every ``--write-every`` seconds (staggered), one at
  a time: when the last one took longer, the next goes at once; none starts after the end;
* each reader, signed in with its own cookie, loads the pages in turn, replaying what the
  browser sent (at most 6 requests at once, each one after the answers it waited for), then
  thinks ~1 s (0.5-1.5 s). A page's time is from its HTML request to its last callback's
  answer.

Afterwards the server is stopped and every 1-on-1 the API accepted is read back from the store
by its record id (as ``post_records`` computed it); a missing or different one is a lost write.
It prints the tables (page time per page kind, the slowest callbacks, writes, errors, peak RSS,
load average) and writes them to ``<workdir>/results.json``. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from benchmarks.serve_load import (COOKIE, ROOT, PeakRss, _request, _sign_in, add_accounts,
                                   percentile, start_server, stop_server)

CAMPAIGN = "synthetic"  # what mapper.generate names it in the benchmarks
PAGES = ("/", "/clusters", "/power", "/ready", "/next", "/follow-ups", "/my-list", "/person",
         "/record")
BROWSER_CONNECTIONS = 6  # a browser's open connections to one host
STATIC = ("/_dash-component-suites/", "/assets/", "/_favicon.ico")


# -- the store -------------------------------------------------------------------------------

def copy_embedded(source: Path, target: Path) -> Path:
    """A consistent copy of an embedded store (SQLite's backup API; ``source`` only read)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def import_campaign(store: Any, workdir: Path, people: int, seed: int) -> dict:
    """Generate (or reuse) the campaign of ``people`` and import it into ``store``."""
    from benchmarks.suites import CONTEXT_FILES, CONVERSATIONS_FILE, generate
    from mapper.importer import import_files

    data, counts, _ = generate(workdir, people, seed)
    for files in ([data / n for n in CONTEXT_FILES], [data / CONVERSATIONS_FILE]):
        report = import_files(store, files)
        if not report.ok:
            raise SystemExit(f"import failed: {report.errors[:3]}")
    return counts


def open_store(kind: str, db: Path | None, uri: str | None) -> Any:
    if kind == "sqlite":
        from mapper.stores.sqlite import SQLiteStore

        return SQLiteStore(db)
    from mapper.stores.neo4j import Neo4jStore

    return Neo4jStore(uri)


def team(store: Any, campaign: str, writers: int, readers: int, writes_each: int, seed: int
         ) -> tuple[list[dict], list[dict], list[dict], str]:
    """Accounts for the writers and readers (real organizers), the people each writer will
    record (distinct names, so no two 1-on-1s share an id), and a person for the Person page."""
    snapshot = store.snapshot(campaign)
    organizers = sorted({c.organizer for c in snapshot.conversations})
    if len(organizers) < writers + readers:
        organizers += [f"Load Organizer {i:02d}" for i in range(writers + readers - len(organizers))]
    rng = random.Random(seed)
    chosen = rng.sample(organizers, writers + readers)
    stamp = f"l{int(time.time()) % 100_000:05d}"
    accounts = add_accounts(store, chosen, prefix=stamp)
    counts: dict[str, int] = {}
    for p in snapshot.people.values():
        counts[p.name.casefold()] = counts.get(p.name.casefold(), 0) + 1
    people = sorted((p for p in snapshot.people.values()
                     if counts[p.name.casefold()] == 1 and p.unit), key=lambda p: p.key)
    picked = rng.sample(people, writers * writes_each)
    contacts = [{"name": p.name, "unit": p.unit} for p in picked]
    talked = sorted({c.person for c in snapshot.conversations})
    person_key = talked[len(talked) // 2]
    return accounts[:writers], accounts[writers:], contacts, person_key


# -- what a browser sends for each page ------------------------------------------------------

def capture(port: int, cookie: str, paths: list[str], timeout_s: float = 600) -> dict[str, list]:
    """Each page opened once in Chromium: the requests it sent to the server, in order, each
    with the earlier requests whose answers had come back before it was sent."""
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    pages: dict[str, list] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context()
        context.add_cookies([{"name": COOKIE, "value": cookie, "url": base}])
        page = context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        for path in paths:
            sent: list[dict] = []
            by_request: dict[Any, dict] = {}

            def on_request(req: Any) -> None:
                url = urlsplit(req.url)
                if url.netloc != f"127.0.0.1:{port}" or url.path.startswith(STATIC):
                    return
                entry = {"method": req.method, "path": url.path + (f"?{url.query}" if url.query else ""),
                         "body": req.post_data, "type": req.headers.get("content-type"),
                         "after": [i for i, e in enumerate(sent) if e.get("done")]}
                by_request[req] = entry
                sent.append(entry)

            def on_done(req: Any) -> None:
                if req in by_request:
                    by_request[req]["done"] = True

            page.on("request", on_request)
            page.on("requestfinished", on_done)
            page.on("requestfailed", on_done)
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_function(
                "() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
            page.remove_listener("request", on_request)
            page.remove_listener("requestfinished", on_done)
            page.remove_listener("requestfailed", on_done)
            pages[path] = [{k: v for k, v in e.items() if k != "done"} for e in sent]
        browser.close()
    return pages


def _label(entry: dict) -> str:
    if entry["method"] == "POST" and entry["path"].startswith("/_dash-update-component"):
        try:
            output = json.loads(entry["body"])["output"]
        except (TypeError, ValueError, KeyError):
            return "callback ?"
        # Dash names several outputs "..a.children...b.figure.."; "@hash": allow_duplicate.
        outs = [o.split("@")[0] for o in output.strip(".").split("...")] if \
            output.startswith("..") else [output.split("@")[0]]
        return f"callback {outs[0]}" + (f" (+{len(outs) - 1})" if len(outs) > 1 else "")
    return f"{entry['method']} {entry['path'].split('?')[0]}"


def _age_minutes(answer: bytes) -> int | None:
    """How old the whole-graph answer a page showed was, in whole minutes, from its "As of"
    line (dashboard.components.age_text: "Updated just now." or "As of 14:05 (3 min ago).")."""
    import re

    if b"just now" in answer:
        return 0
    found = re.search(rb"\((\d+) (min|hour|day)s? ago\)", answer)
    if found is None:
        return None
    return int(found.group(1)) * {b"min": 1, b"hour": 60, b"day": 1440}[found.group(2)]


# -- the load --------------------------------------------------------------------------------

class Team:
    def __init__(self, port: int, campaign: str, pages: dict[str, list], seed: int) -> None:
        self.port, self.campaign, self.pages = port, campaign, pages
        self.seed = seed
        self.lock = threading.Lock()
        self.loads: list[dict] = []     # page, seconds, errors, started
        self.requests: list[dict] = []  # label, status, seconds
        self.writes: list[dict] = []    # writer, record, status, seconds, answer

    def load_page(self, pool: ThreadPoolExecutor, cookie: str, path: str) -> None:
        entries = self.pages[path]
        started = time.perf_counter()
        futures: list[Future] = []
        for entry in entries:
            for i in entry["after"]:
                futures[i].result()
            futures.append(pool.submit(self._one, cookie, entry))
        outcomes = [f.result() for f in futures]
        errors = [o for o in outcomes if not 200 <= o["status"] < 400]
        with self.lock:
            self.loads.append({"page": path, "seconds": time.perf_counter() - started,
                               "errors": len(errors), "started": started})
            self.requests.extend(outcomes)

    def _one(self, cookie: str, entry: dict) -> dict:
        started = time.perf_counter()
        status, answer = 0, b""
        try:
            body = entry["body"].encode() if entry["body"] is not None else None
            headers = {"Content-Type": entry["type"]} if entry["type"] else {}
            status, _, answer = _request(self.port, entry["method"], entry["path"],
                                         cookie=cookie, body=body, headers=headers)
        except OSError as exc:  # a timeout (120 s) or a refused connection
            status = -1
            entry = {**entry, "error": type(exc).__name__}
        label = _label(entry)
        found = {"label": label, "status": status, "seconds": time.perf_counter() - started}
        if label.endswith("-age.children") and status == 200:
            found["age_minutes"] = _age_minutes(answer)
        return found

    def reader(self, account: dict, n: int, until: float, think: float) -> None:
        rng = random.Random(self.seed * 1000 + n)
        paths = list(self.pages)
        k = n  # readers start on different pages
        with ThreadPoolExecutor(max_workers=BROWSER_CONNECTIONS) as pool:
            while time.perf_counter() < until:
                self.load_page(pool, account["cookie"], paths[k % len(paths)])
                k += 1
                time.sleep(rng.uniform(think / 2, think * 1.5))

    def writer(self, account: dict, n: int, contacts: list[dict], start: float, until: float,
               every: float, offset: float) -> None:
        k = 0
        while True:
            at = start + offset + k * every
            if at >= until or k >= len(contacts):
                return
            time.sleep(max(0.0, at - time.perf_counter()))
            if time.perf_counter() >= until:
                return  # due during the run, but the last write took until its end
            contact = contacts[k]
            record = {"date": date.today().isoformat(), "organizer": account["organizer"],
                      "campaign": self.campaign, "contact": contact,
                      "issues": [{"issue": "short staffing", "anger": (n + k) % 6}],
                      "assessment": 1 + (n + k) % 5}
            t0 = time.perf_counter()
            status, answer = 0, None
            try:
                status, _, body = _request(self.port, "POST", "/api/v1/records",
                                           body=json.dumps(record).encode(),
                                           headers={"Authorization": f"Bearer {account['token']}",
                                                    "Content-Type": "application/json"})
                answer = json.loads(body) if body else None
            except (OSError, ValueError) as exc:
                answer = {"error": type(exc).__name__}
            with self.lock:
                self.writes.append({"writer": account["username"], "record": record,
                                    "status": status, "seconds": time.perf_counter() - t0,
                                    "answer": answer, "late": t0 - at})
            k += 1


def read_back(store: Any, writes: list[dict], campaign: str) -> dict:
    """Every 1-on-1 the API accepted, looked up in the store by its record id; and how many
    of those it did not answer with a success (an error, a timeout) are in the store anyway."""
    from mapper.projection import record_id
    from mapper.readers import RawRecord, validate
    from mapper.services import resolve_identities

    records = []
    for i, w in enumerate(writes, 1):
        record, errors = validate(RawRecord("request", i, "conversation", w["record"],
                                            counted=True, number=i, tagged=True), campaign)
        if record is None:
            raise SystemExit(f"a posted record does not validate here: {errors[:1]}")
        records.append(record)
    records = resolve_identities(store, records)
    ids = [record_id(r) for r in records]
    found = {r.id: r for r in store.get_records(ids)}

    def held(rid: str, w: dict) -> bool:
        got = found.get(rid)
        body = got.body if got is not None and isinstance(got.body, dict) else {}
        return (body.get("organizer") == w["record"]["organizer"]
                and str(body.get("date")) == w["record"]["date"]
                and (body.get("contact") or {}).get("name") == w["record"]["contact"]["name"])

    accepted = [(rid, w) for rid, w in zip(ids, writes) if w["status"] in (200, 201)]
    others = [(rid, w) for rid, w in zip(ids, writes) if w["status"] not in (200, 201)]
    lost = [rid for rid, w in accepted if not held(rid, w)]
    return {"accepted": len(accepted), "found": len(accepted) - len(lost), "lost": len(lost),
            "lost_ids": lost[:20], "not_accepted": len(others),
            "not_accepted_but_stored": sum(1 for rid, w in others if held(rid, w))}


# -- the report ------------------------------------------------------------------------------

def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _row(name: str, times: list[float], errors: int) -> str:
    return (f"| {name} | {len(times)} | {errors} | {_ms(statistics.median(times))} | "
            f"{_ms(percentile(times, 0.95))} | {_ms(max(times))} |")


def report(results: dict) -> str:
    lines = [f"store: {results['store']}; {results['people']} people; mapper serve --workers "
             f"{results['workers']}; {results['writers']} writers every "
             f"{results['write_every']:g} s, {results['readers']} readers (think ~"
             f"{results['think']:g} s), {results['duration']:g} s; {results['when']}",
             f"load average during the run: min {min(results['loadavg']):.1f}, "
             f"median {statistics.median(results['loadavg']):.1f}, "
             f"max {max(results['loadavg']):.1f} (1-minute, sampled every 5 s)", "",
             "| page | loads | loads with an error | p50 | p95 | max |", "|---|---|---|---|---|---|"]
    loads = results["loads"]
    for page in results["pages"]:
        times = [x["seconds"] for x in loads if x["page"] == page]
        if times:
            lines.append(_row(f"`{page}`", times, sum(1 for x in loads if x["page"] == page
                                                      and x["errors"])))
    if loads:
        lines.append(_row("**every page**", [x["seconds"] for x in loads],
                          sum(1 for x in loads if x["errors"])))
    lines += ["", "Slowest requests of a page (by p95):", "",
              "| request | count | errors | p50 | p95 | max |", "|---|---|---|---|---|---|"]
    by_label: dict[str, list[dict]] = {}
    for r in results["requests"]:
        by_label.setdefault(r["label"], []).append(r)
    slowest = sorted(by_label.items(), key=lambda kv: -percentile([r["seconds"] for r in kv[1]],
                                                                   0.95))
    for label, rs in slowest[:12]:
        lines.append(_row(f"`{label}`", [r["seconds"] for r in rs],
                          sum(1 for r in rs if not 200 <= r["status"] < 400)))
    ages = [r["age_minutes"] for r in results["requests"] if r.get("age_minutes") is not None]
    if ages:
        lines += ["", "How old the whole-graph answers the pages showed were (their \"As of\" "
                  "line, whole minutes):", "",
                  "| shown | updated just now (< 1 min) | 1 min | 2-4 min | 5 min or more | max |",
                  "|---|---|---|---|---|---|",
                  f"| {len(ages)} | {sum(1 for a in ages if a == 0)} | "
                  f"{sum(1 for a in ages if a == 1)} | {sum(1 for a in ages if 2 <= a <= 4)} | "
                  f"{sum(1 for a in ages if a >= 5)} | {max(ages)} min |"]
    writes = results["writes"]
    back = results["read_back"]
    errs = [w for w in writes if w["status"] not in (200, 201)]
    due = results["writers"] * int(-(-results["duration"] // results["write_every"]))
    lines += ["", f"writes due during the run: {due}; a writer starts none after its end, so "
              "writes due while its last one was still waiting are posted late or not at all",
              "", "| writes | posted | errors | accepted | read back | lost | p50 | p95 | max |"
              " late (max) |", "|---|---|---|---|---|---|---|---|---|---|"]
    if writes:
        t = [w["seconds"] for w in writes]
        lines.append(f"| POST /api/v1/records | {len(writes)} | {len(errs)} | {back['accepted']} | "
                     f"{back['found']} | **{back['lost']}** | {_ms(statistics.median(t))} | "
                     f"{_ms(percentile(t, 0.95))} | {_ms(max(t))} | "
                     f"{_ms(max(w['late'] for w in writes))} |")
    request_errors = [r for r in results["requests"] if not 200 <= r["status"] < 400]
    lines += ["", f"errors: {len(request_errors)} of {len(results['requests'])} page requests, "
              f"{len(errs)} of {len(writes)} writes ({back.get('not_accepted_but_stored', 0)} of "
              "those not accepted are in the store anyway); server log: "
              f"{results['log_problems']} lines with Traceback/ERROR/CRITICAL"]
    for r in request_errors[:10]:
        lines.append(f"  error: {r['label']} -> {r['status']}")
    for w in errs[:10]:
        lines.append(f"  error: write by {w['writer']} -> {w['status']} {str(w['answer'])[:200]}")
    rss = results["rss"]
    lines.append(f"peak RSS: server (master + workers) {rss['server'] / 2**20:,.0f} MiB, the "
                 f"largest worker {rss['largest_worker'] / 2**20:,.0f} MiB"
                 + (f"; Neo4j {rss['neo4j'] / 2**20:,.0f} MiB" if rss.get("neo4j") else ""))
    lines.append(f"machine: {results['machine']}")
    return "\n".join(lines)


def _largest_child(pid: int) -> int:
    import psutil

    try:
        return max((c.memory_info().rss for c in psutil.Process(pid).children()), default=0)
    except psutil.Error:
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("sqlite", "neo4j"), default="sqlite")
    parser.add_argument("--db", type=Path, help="an embedded store holding the campaign (copied)")
    parser.add_argument("--neo4j-uri", help="a Neo4j holding the campaign (used as it is)")
    parser.add_argument("--neo4j-pid", type=int, help="its JVM's pid, for its peak RSS")
    parser.add_argument("--heap", default="2g", help="heap of a Neo4j this starts")
    parser.add_argument("--pagecache", default="1g", help="page cache of a Neo4j this starts")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--campaign", default=CAMPAIGN)
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--write-every", type=float, default=10.0, help="seconds")
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a reader's pages")
    parser.add_argument("--duration", type=float, default=300.0, help="seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/mapper-team-load"))
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)

    neo4j = None
    db: Path | None = None
    uri = args.neo4j_uri
    t0 = time.perf_counter()
    if args.store == "sqlite":
        db = args.workdir / "load.db"
        if args.db:
            copy_embedded(args.db, db)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            store = open_store("sqlite", db, None)
            import_campaign(store, args.workdir, args.people, args.seed)
            store.close()
    elif uri is None:
        from mapper.testing.neo4j_server import Neo4jServer

        neo4j = Neo4jServer(heap=args.heap, pagecache=args.pagecache).start()
        uri = neo4j.uri
        args.neo4j_pid = neo4j.pid
        store = open_store("neo4j", None, uri)
        import_campaign(store, args.workdir, args.people, args.seed)
        store.close()
    print(f"store ready in {time.perf_counter() - t0:.0f} s", flush=True)
    try:
        return _run(args, db, uri)
    finally:
        if neo4j is not None:
            neo4j.stop()


def _run(args: argparse.Namespace, db: Path | None, uri: str | None) -> int:
    store = open_store(args.store, db, uri)
    # (The campaign's people as the store holds them: a store given may hold another size.)
    people = store.counts(args.campaign)["nodes"].get("Person", 0)
    writes_each = int(args.duration // args.write_every) + 1
    writers, readers, contacts, person_key = team(store, args.campaign, args.writers,
                                                  args.readers, writes_each, args.seed)
    store.close()
    paths = [p if p != "/person" else f"/person?key={quote(person_key, safe='')}"
             for p in args.pages.split(",")]
    env = {"NEO4J_URI": uri} if uri else {}
    server, port = start_server(args.workers, args.workdir / "serve.log", db=db, env=env)
    loadavg: list[float] = []
    try:
        pids = {"server": server.pid, **({"neo4j": args.neo4j_pid} if args.neo4j_pid else {})}
        with PeakRss(pids) as rss:
            for account in writers + readers:
                account["cookie"] = _sign_in(port, account["username"])
            t0 = time.perf_counter()
            pages = capture(port, readers[0]["cookie"], paths)
            print(f"captured {len(pages)} pages in Chromium in {time.perf_counter() - t0:.0f} s: "
                  + ", ".join(f"{p.split('?')[0]} {len(e)}" for p, e in pages.items()),
                  flush=True)
            (args.workdir / "pages.json").write_text(json.dumps(pages, indent=1))
            run = Team(port, args.campaign, pages, args.seed)
            largest = [0]
            stop = threading.Event()

            def sample() -> None:
                n = 0
                while not stop.wait(5.0):
                    loadavg.append(os.getloadavg()[0])
                    largest[0] = max(largest[0], _largest_child(server.pid))
                    n += 1
                    if n % 6 == 0:
                        print(f"  {time.perf_counter() - start:.0f} s: {len(run.loads)} pages "
                              f"loaded, {len(run.writes)} writes, load {loadavg[-1]:.1f}",
                              flush=True)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            start = time.perf_counter()
            until = start + args.duration
            print(f"{args.writers} writers, {args.readers} readers for {args.duration:g} s …",
                  flush=True)
            threads = [threading.Thread(target=run.writer, args=(
                a, n, contacts[n * writes_each:(n + 1) * writes_each], start, until,
                args.write_every, n * args.write_every / max(1, args.writers)))
                for n, a in enumerate(writers)]
            threads += [threading.Thread(target=run.reader, args=(a, n, until, args.think))
                        for n, a in enumerate(readers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - start
            stop.set()
            sampler.join()
    finally:
        stop_server(server)
    log_text = (args.workdir / "serve.log").read_text(errors="replace")
    store = open_store(args.store, db, uri)
    try:
        back = read_back(store, run.writes, args.campaign)
    finally:
        store.close()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    results = {
        "store": ("embedded (SQLite)" if args.store == "sqlite" else
                  f"Neo4j (heap {args.heap})" if args.neo4j_uri is None else "Neo4j (given)"),
        "people": people, "source": str(args.db or uri or "generated"),
        "workers": args.workers,
        "writers": args.writers, "write_every": args.write_every, "readers": args.readers,
        "think": args.think, "duration": args.duration, "elapsed": elapsed,
        "when": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, code {commit}",
        "loadavg": loadavg or [os.getloadavg()[0]], "pages": [p.split("?")[0] for p in paths],
        "loads": [{**x, "page": x["page"].split("?")[0]} for x in run.loads],
        "requests": run.requests, "writes": run.writes, "read_back": back,
        "log_problems": sum(1 for line in log_text.splitlines()
                            if any(w in line for w in ("Traceback", "ERROR", "CRITICAL"))),
        "rss": {"server": rss.peak["server"], "largest_worker": largest[0],
                "neo4j": rss.peak.get("neo4j", 0)},
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
                   f"{platform.platform()}; Python {platform.python_version()}",
    }
    (args.workdir / "results.json").write_text(json.dumps(results, indent=1, default=str))
    print(report(results))
    bad = back["lost"] or any(not 200 <= r["status"] < 400 for r in run.requests) or \
        any(w["status"] not in (200, 201) for w in run.writes)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
