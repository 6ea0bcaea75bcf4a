"""What is measured on a store: import, the analytics questions, the dashboard's page callbacks.

Each part needs modules that may not exist yet (the Neo4j store, the analytics, the dashboard
are being written). A part whose module cannot be imported raises :class:`Unavailable`, which
the runner prints and records as "not available yet", so the harness runs today and fills in
as the modules land.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import inspect
import json
import multiprocessing as mp
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchmarks.measure import PeakMemory, cpu_seconds, repeat, time_call

__all__ = ["Unavailable", "need", "in_child", "reopen_store", "SIZES", "parse_size", "size_label", "generate",
           "CONTEXT_FILES", "CONVERSATIONS_FILE", "open_store", "measure_import",
           "QUESTIONS", "EXTRA_QUESTIONS", "measure_analytics", "measure_dashboard",
           "CAMPAIGN", "SEED"]

CAMPAIGN = "synthetic"
SEED = 1
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
# Imported first (names, units, the hierarchy), then the conversations alone: the
# conversations-per-second figure is the second call.
CONTEXT_FILES = ("hierarchy.csv", "roster.csv", "ties.csv")
CONVERSATIONS_FILE = "conversations.jsonl"
#: The six analytics questions the targets name, and the dashboard's landing summary.
QUESTIONS = ("anger_clusters", "power_map", "ask_queue", "talk_next", "follow_ups", "structure")
EXTRA_QUESTIONS = ("overview",)


class Unavailable(Exception):
    """A part that cannot run yet: its module is missing (or not finished)."""


def need(module: str) -> Any:
    """Import ``module`` or raise :class:`Unavailable` saying which one is missing."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise Unavailable(f"not available yet: {module} cannot be imported ({exc})") from None


def parse_size(text: str) -> tuple[str, int]:
    """``"10k"`` -> ("10k", 10000); also ``"1m"``, ``"250k"``, ``"5000"``."""
    t = text.strip().lower()
    if t in SIZES:
        return t, SIZES[t]
    mult = 1
    if t.endswith("k"):
        mult, t = 1_000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    people = int(float(t) * mult)
    if people < 1:
        raise ValueError(f"size must be at least 1 person: {text!r}")
    return size_label(people), people


def size_label(people: int) -> str:
    if people % 1_000_000 == 0:
        return f"{people // 1_000_000}m"
    if people % 1_000 == 0:
        return f"{people // 1_000}k"
    return str(people)


# --- data ----------------------------------------------------------------------------------
def generate(workdir: Path, people: int, seed: int = SEED) -> tuple[Path, dict, float | None]:
    """The synthetic campaign of ``people`` (reused if the same one was generated before).

    Returns (its folder, the generator's counts, seconds spent generating or None if reused).
    """
    from mapper.generate import generate_campaign

    out = workdir / "data" / f"{size_label(people)}-seed{seed}"
    stamp = out / "counts.json"
    if stamp.is_file():
        counts = json.loads(stamp.read_text())
        if all((out / name).is_file() for name in (*CONTEXT_FILES, CONVERSATIONS_FILE)):
            return out, counts, None
    seconds, counts = time_call(lambda: generate_campaign(out, people=people, seed=seed,
                                                         campaign=CAMPAIGN))
    stamp.write_text(json.dumps(counts))
    return out, counts, seconds


def campaign_today() -> dt.date:
    """The day after the generated campaign ends: "today" for follow-ups."""
    from mapper.generate import generate_campaign

    params = inspect.signature(generate_campaign).parameters
    return params["start"].default + dt.timedelta(weeks=params["weeks"].default)


# --- stores --------------------------------------------------------------------------------
def open_store(kind: str, workdir: Path, label: str, neo4j_uri: str | None) -> Any:
    """A fresh, empty store: a new SQLite file, or the Neo4j database cleared."""
    if kind == "sqlite":
        from mapper.stores.sqlite import SQLiteStore

        path = workdir / "db" / f"{label}.db"
        for old in path.parent.glob(path.name + "*"):
            old.unlink()
        return SQLiteStore(path)
    if kind == "neo4j":
        module = need("mapper.stores.neo4j")
        if not hasattr(module, "Neo4jStore"):
            raise Unavailable("not available yet: mapper.stores.neo4j has no Neo4jStore")
        if neo4j_uri is None:
            raise Unavailable("no Neo4j server (it failed to start; see above)")
        store = module.Neo4jStore(neo4j_uri)
        store.clear()
        return store
    raise ValueError(f"unknown store {kind!r} (sqlite, neo4j)")


def reopen_store(kind: str, workdir: Path, label: str, neo4j_uri: str | None) -> Any:
    """The store of this size again, as it is (a second connection, e.g. in a child process)."""
    if kind == "sqlite":
        from mapper.stores.sqlite import SQLiteStore

        return SQLiteStore(workdir / "db" / f"{label}.db")
    return need("mapper.stores.neo4j").Neo4jStore(neo4j_uri)


def store_bytes(store: Any) -> int | None:
    path = getattr(store, "path", None)
    if not path or path == ":memory:":
        return None
    return sum(p.stat().st_size for p in Path(path).parent.glob(Path(path).name + "*"))


def _import(store: Any, files: list[Path]) -> Any:
    from mapper.importer import import_files

    report = import_files(store, files)
    if report.errors:
        shown = "; ".join(str(e) for e in report.errors[:3])
        raise RuntimeError(f"import reported {len(report.errors)} errors: {shown}")
    return report


def measure_import(store_factory: Callable[[], Any], data: Path, pids: dict[str, int | None],
                   runs: int = 1, log: Callable[[str], None] = print) -> tuple[dict, Any]:
    """Import the campaign into a fresh store ``runs`` times; keep the last store for the rest.

    Per run: the context files (hierarchy, roster, ties) in one ``import_files`` call, then
    ``conversations.jsonl`` in another; conversations per second is the second call's.
    """
    result: dict[str, Any] = {"runs": []}
    store = None
    for run in range(max(1, runs)):
        if store is not None:
            store.close()
        store = store_factory()
        gc.collect()
        with PeakMemory(pids) as peak:
            t_ctx, rep_ctx = time_call(lambda: _import(store, [data / f for f in CONTEXT_FILES]))
            cpu0 = cpu_seconds(pids)
            t_conv, rep_conv = time_call(lambda: _import(store, [data / CONVERSATIONS_FILE]))
            cpu = {k: v - cpu0.get(k, 0.0) for k, v in cpu_seconds(pids).items()}
        n_ctx, n_conv = rep_ctx.valid, rep_conv.valid
        row = {
            "context_records": n_ctx, "context_s": t_ctx,
            "conversations": n_conv, "conversations_s": t_conv,
            "conv_per_s": n_conv / t_conv if t_conv else None,
            "records_per_s": (n_ctx + n_conv) / (t_ctx + t_conv),
            "peak": {**peak.peaks, "total": peak.peak_total},
            # CPU seconds each process spent on the conversations call: less sensitive than
            # wall time to other work on the machine.
            "conversations_cpu_s": cpu,
        }
        result["runs"].append(row)
        log(f"    import run {run + 1}/{runs}: context {n_ctx:,} records in {t_ctx:.2f} s, "
            f"{n_conv:,} conversations in {t_conv:.2f} s = {row['conv_per_s']:,.0f} conv/s "
            f"(CPU: {', '.join(f'{k} {v:.2f} s' for k, v in cpu.items())})")
    best = max(result["runs"], key=lambda r: r["conv_per_s"] or 0)
    result.update({k: best[k] for k in ("context_records", "context_s", "conversations",
                                        "conversations_s", "conv_per_s", "records_per_s",
                                        "conversations_cpu_s")})
    result["conv_per_s_runs"] = [r["conv_per_s"] for r in result["runs"]]
    result["peak"] = {k: max(r["peak"].get(k, 0) for r in result["runs"])
                      for k in result["runs"][-1]["peak"]}
    result["store_bytes"] = store_bytes(store)
    result["counts"] = store.counts(CAMPAIGN)
    return result, store


# --- running a part in a child process, with a time limit ----------------------------------
def in_child(work: Callable[[], Iterator[tuple[str, Any]]], timeout: float,
             on_item: Callable[[str, Any], None]) -> tuple[str, int]:
    """Run ``work()`` (a generator of (label, result)) in a forked child process.

    Each item is handed to ``on_item`` as it arrives. If no item comes within ``timeout``
    seconds the child is killed: a question that runs away (time or memory) costs one line in
    the report, not the run. Returns (how it ended: "done", "timeout" or "error: ...", the
    child's peak RSS in bytes).
    """
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def target() -> None:
        try:
            for item in work():
                send.send(("item", item))
            send.send(("done", None))
        except Unavailable as exc:
            send.send(("unavailable", str(exc)))
        except BaseException as exc:  # report, do not hang the parent
            send.send(("error", f"{type(exc).__name__}: {str(exc)[:300]}"))
        finally:
            send.close()

    child = ctx.Process(target=target, daemon=True)
    child.start()
    send.close()
    status = "done"
    with PeakMemory({"child": child.pid}) as peak:
        while True:
            if not recv.poll(timeout):
                status = "timeout"
                child.kill()
                break
            try:
                kind, payload = recv.recv()
            except EOFError:
                status = f"error: the child process died (exit code {child.exitcode})"
                break
            if kind == "item":
                on_item(*payload)
            elif kind == "done":
                break
            elif kind == "unavailable":
                raise Unavailable(payload)
            else:
                status = f"error: {payload}"
                break
    child.join(10)
    recv.close()
    return status, peak.peaks.get("child", 0)


# --- analytics -----------------------------------------------------------------------------
def _options(func: Callable[..., Any]) -> dict[str, Any]:
    """Values for the options a question cannot do without (follow-ups need "today")."""
    options: dict[str, Any] = {}
    for name, param in inspect.signature(func).parameters.items():
        if param.kind is param.KEYWORD_ONLY and param.default is param.empty:
            if name == "today":
                options[name] = campaign_today()
            else:
                raise Unavailable(f"{func.__name__} needs option {name!r}; the harness does not know it")
    return options


def measure_analytics(opener: Callable[[], Any], *, warm_runs: int = 5, timeout: float = 300,
                      log: Callable[[str], None] = print) -> dict:
    """Each question in its own child process, on a store opened there (``opener()``):

    * *cold*: a new ``Analytics(store)`` answers it (store -> snapshot -> compute);
    * *compute*: the question again on that already built snapshot;
    * *warm*: the same ``Analytics`` asked again (cached by store version), median of runs.

    Plus the snapshot on its own, twice. A question over ``timeout`` seconds is killed and
    reported as such; each question's peak memory is the child's peak RSS.
    """
    analytics = need("mapper.analytics")
    try:
        Analytics = importlib.import_module("mapper.analytics.cached").Analytics
        from mapper.snapshot import gc_paused
    except (ImportError, AttributeError) as exc:
        raise Unavailable(f"not available yet: mapper.analytics.cached.Analytics ({exc})") from None
    out: dict[str, Any] = {"questions": {}}

    def snapshots() -> Iterator[tuple[str, Any]]:
        store = opener()
        try:
            yield "snapshot", time_call(lambda: store.snapshot(CAMPAIGN))[0]
            yield "snapshot_again", time_call(lambda: store.snapshot(CAMPAIGN))[0]
        finally:
            store.close()

    def got_snapshot(label: str, seconds: float) -> None:
        out[f"{label}_s"] = seconds

    status, peak = in_child(snapshots, timeout, got_snapshot)
    out["snapshot_peak"] = peak
    if status != "done":
        out["snapshot_status"] = status
    log(f"    snapshot {out.get('snapshot_s', float('nan')):.2f} s (again "
        f"{out.get('snapshot_again_s', float('nan')):.2f} s), peak {peak / 2**20:.0f} MiB"
        + ("" if status == "done" else f" — {status}"))
    for name in (*QUESTIONS, *EXTRA_QUESTIONS):
        func = getattr(analytics, name, None)
        if func is None:
            out["questions"][name] = {"skipped": f"not available yet: mapper.analytics.{name}"}
            log(f"    {name}: not available yet (mapper.analytics.{name})")
            continue
        try:
            opts = _options(func)
        except Unavailable as exc:
            out["questions"][name] = {"skipped": str(exc)}
            log(f"    {name}: {exc}")
            continue

        def question(name: str = name, func: Callable = func, opts: dict = opts) -> Iterator[tuple[str, Any]]:
            store = opener()
            try:
                a = Analytics(store, campaign=CAMPAIGN)
                yield "cold", time_call(lambda: a.run(name, **opts))[0]
                snapshot = a.snapshot(CAMPAIGN)
                # As Analytics.run computes it: with the cyclic GC paused (with it on, each
                # collection rescans the whole snapshot: 1.5-3x the time at 100k people).
                with gc_paused():
                    seconds = time_call(lambda: func(snapshot, **opts))[0]
                yield "compute", seconds
                yield "warm_runs", repeat(lambda: a.run(name, **opts), warm_runs).runs
            finally:
                store.close()

        row: dict[str, Any] = {}
        status, peak = in_child(question, timeout, lambda k, v, row=row: row.__setitem__(k, v))
        row["peak"] = peak
        if "warm_runs" in row:
            row["warm"] = statistics.median(row["warm_runs"])
        if status == "timeout":
            row["timeout"] = timeout
            if "cold" not in row:
                row["cold_over"] = timeout
        elif status != "done":
            row["error"] = status
        out["questions"][name] = row
        text = ", ".join(f"{k} {row[k]:.3f} s" for k in ("cold", "compute") if k in row)
        if "warm" in row:
            text += f", warm {row['warm'] * 1000:.2f} ms"
        if status == "timeout":
            text += f" — killed after {timeout:.0f} s without an answer"
        elif status != "done":
            text += f" — {status}"
        log(f"    {name}: {text}; peak {peak / 2**20:,.0f} MiB")
    return out


# --- dashboard -----------------------------------------------------------------------------
def _walk(component: Any) -> Iterator[Any]:
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            yield from _walk(child)
    elif children is not None and hasattr(children, "to_plotly_json"):
        yield from _walk(children)


def _initial_values(layout: Any) -> dict[tuple[str, str], Any]:
    """(component id, property) -> the value the page's layout starts with."""
    values: dict[tuple[str, str], Any] = {}
    for comp in _walk(layout):
        cid = getattr(comp, "id", None)
        if not isinstance(cid, str):
            continue
        for prop in getattr(comp, "_prop_names", []):
            value = getattr(comp, prop, None)
            if value is not None and prop != "children":
                values[(cid, prop)] = value
    return values


def _page_layouts() -> list[tuple[str, Any]]:
    import dash

    pages = []
    for page in dash.page_registry.values():
        layout = page.get("layout")
        try:
            layout = layout() if callable(layout) else layout
        except Exception:  # a page layout that fails: no initial values from it
            layout = None
        pages.append((page.get("path", "/"), layout))
    return pages


# Inputs a user fires by acting (clicks, selections): not part of a page load.
_USER_ACTIONS = {"n_clicks", "n_submit", "cellClicked", "cellDoubleClicked", "cellValueChanged",
                 "clickData", "hoverData", "selectedData", "selectedRows", "tapNodeData",
                 "tapEdgeData", "selectedNodeData", "active_cell"}
# Inputs a component fires by itself when it appears, and the value it sends: an AG Grid
# with the infinite row model asks for its first block of rows.
_FIRST_REQUEST = {"getRowsRequest": {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}}


def _page_callbacks(app: Any, campaign_id: str) -> list[dict]:
    """Callbacks that run when a page loads: fed by the campaign store or the URL, no buttons."""
    from dash._utils import split_callback_id

    chosen = []
    for output, spec in app.callback_map.items():
        inputs = spec.get("inputs", [])
        ids = [i.get("id") for i in inputs]
        props = [i.get("property") for i in inputs]
        if any(not isinstance(i, str) for i in ids + [s.get("id") for s in spec.get("state", [])]):
            continue  # pattern-matching ids belong to forms, not page loads
        if any(p in _USER_ACTIONS for p in props):
            continue
        states = [st.get("id") for st in spec.get("state", [])]
        if not (any(i == campaign_id or p == "pathname" for i, p in zip(ids, props))
                or campaign_id in states and any(p in _FIRST_REQUEST for p in props)):
            continue
        chosen.append({"output": output, "outputs": split_callback_id(output), "inputs": inputs,
                       "state": spec.get("state", [])})
    return chosen


def _dashboard_requests(store: Any) -> tuple[Any, list[tuple[str, dict]]]:
    """The app over ``store`` and the (label, request body) of each page-load callback."""
    need("dash")
    app_module = need("dashboard.app")
    ids = need("dashboard.ids")
    try:
        app = app_module.create_app(lambda: store, users={}, demo_user=app_module.DEMO_USER)
    except ImportError as exc:
        raise Unavailable(f"not available yet: dashboard.app.create_app cannot import its pages ({exc})") from None
    # Dash adds its page-routing callback on the first request.
    app.server.test_client().get("/")
    # Page layouts read the signed-in user: build them inside a request as the demo user.
    from flask_login import login_user

    with app.server.test_request_context("/"):
        login_user(app_module.DEMO_USER)
        layouts = _page_layouts()
    campaign_id = getattr(ids, "CAMPAIGN", "campaign-store")
    requests = []
    for cb in _page_callbacks(app, campaign_id):
        outs = cb["outputs"] if isinstance(cb["outputs"], list) else [cb["outputs"]]
        out_ids = {o["id"] for o in outs}
        path, initial = "/", {}
        for page_path, layout in layouts:
            if layout is None:
                continue
            page_ids = {c.id for c in _walk(layout) if isinstance(getattr(c, "id", None), str)}
            if out_ids & page_ids:
                path, initial = page_path, _initial_values(layout)
                break

        def value(item: dict, path: str = path, initial: dict = initial) -> Any:
            if item["id"] == campaign_id and item["property"] == "data":
                return CAMPAIGN
            if item["property"] == "pathname":
                return path
            if item["property"] in _FIRST_REQUEST:
                return _FIRST_REQUEST[item["property"]]
            return initial.get((item["id"], item["property"]))

        body = {
            "output": cb["output"], "outputs": cb["outputs"],
            "inputs": [{**i, "value": value(i)} for i in cb["inputs"]],
            "state": [{**s, "value": value(s)} for s in cb["state"]],
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in cb["inputs"]],
        }
        label = f"{path} {outs[0]['id']}.{outs[0]['property']}" + (
            f" (+{len(outs) - 1} outputs)" if len(outs) > 1 else "")
        requests.append((label, body))
    if not requests:
        raise Unavailable("not available yet: the dashboard registers no page callbacks")
    return app, requests


def measure_dashboard(opener: Callable[[], Any], *, warm_runs: int = 5, timeout: float = 300,
                      log: Callable[[str], None] = print) -> dict:
    """Each page-load callback through Dash's own HTTP endpoint (Flask test client), in a
    child process on a store opened there.

    "first" is the first call on a new app (analytics not cached yet: includes the snapshot
    and the questions the page asks); "warm" the median of ``warm_runs`` repeats. A callback
    with no answer in ``timeout`` seconds is reported as such; the rest run in a new child.
    """
    need("dash")
    need("dashboard.app")
    out: dict[str, Any] = {"callbacks": {}}
    done: set[str] = set()
    while True:
        pending: list[str] = []

        def work() -> Iterator[tuple[str, Any]]:
            store = opener()
            try:
                app, requests = _dashboard_requests(store)
                client = app.server.test_client()
                client.get("/")  # signs the demo user in
                yield "__labels__", [label for label, _ in requests]
                for label, body in requests:
                    if label in done:
                        continue
                    yield "__start__", label

                    def call(body: dict = body) -> int:
                        resp = client.post("/_dash-update-component", json=body)
                        if resp.status_code not in (200, 204):
                            # The body is an HTML error page; the traceback went to the log.
                            raise RuntimeError(f"HTTP {resp.status_code} from the callback (see the log)")
                        return resp.status_code

                    try:
                        t_first, status = time_call(call)
                        warm = repeat(call, warm_runs)
                        yield label, {"first": t_first, "warm": statistics.median(warm.runs),
                                      "warm_runs": warm.runs, "status": status}
                    except Exception as exc:
                        yield label, {"error": f"{type(exc).__name__}: {exc}"[:300]}
            finally:
                store.close()

        def got(label: str, row: Any) -> None:
            if label == "__labels__":
                return
            if label == "__start__":
                pending.append(row)
                return
            out["callbacks"][label] = row
            done.add(label)
            if "error" in row:
                log(f"    {label}: ERROR {row['error']}")
            else:
                log(f"    {label}: first {row['first']:.3f} s, warm {row['warm'] * 1000:.0f} ms"
                    + (" (no update)" if row["status"] == 204 else ""))

        status, peak = in_child(work, timeout, got)
        out.setdefault("peaks", []).append(peak)
        stuck = [label for label in pending if label not in done]
        if status == "done" or not stuck:
            if status not in ("done", "timeout"):
                out["error"] = status
            break
        label = stuck[-1]
        out["callbacks"][label] = ({"timeout": timeout} if status == "timeout" else {"error": status})
        done.add(label)
        log(f"    {label}: " + (f"no answer in {timeout:.0f} s, killed" if status == "timeout" else status))
    return out


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S %Z")
