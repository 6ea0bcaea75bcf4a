"""RESULTS.md: machine, date, command, a table per size, how cost grows, the targets met or missed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.measure import fmt_bytes, fmt_seconds
from benchmarks.suites import EXTRA_QUESTIONS, QUESTIONS

__all__ = ["write_report", "targets"]

STORE_NAMES = {"sqlite": "embedded (SQLite)", "neo4j": "Neo4j"}
MET, MISSED, UNKNOWN = "met", "**missed**", "not measured"


def _rate(value: float | None) -> str:
    return "—" if not value else f"{value:,.0f}"


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else fmt_seconds(seconds)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _cell(value: object) -> str:
    text = " ".join(str(value).split())  # no line breaks inside a table row
    return text.replace("|", "\\|")


def _store(results: dict, size: str, store: str) -> dict:
    return results["sizes"].get(size, {}).get("stores", {}).get(store, {})


def _question(results: dict, size: str, store: str, name: str) -> dict:
    part = _store(results, size, store).get("analytics", {})
    return part.get("questions", {}).get(name, {}) if isinstance(part, dict) else {}


def _cold(row: dict) -> float | None:
    """A question's cold time; for one killed at the time limit, the limit (a lower bound)."""
    if row.get("cold") is not None:
        return row["cold"]
    return row.get("timeout")


def _status(ok: bool | None) -> str:
    return UNKNOWN if ok is None else MET if ok else MISSED


def targets(results: dict) -> list[list[str]]:
    """[target, figure, status] rows."""
    rows: list[list[str]] = []
    sizes = list(results["sizes"])

    def imp(size: str, store: str) -> dict:
        part = _store(results, size, store).get("import")
        return part if isinstance(part, dict) and "conv_per_s" in part else {}

    def per_size(target: str, figures: list[tuple[str, float | None, str]], ok) -> None:
        """One row over every size: met only if every measured size meets it."""
        shown = [f"{text} at {size}" for size, value, text in figures if value is not None]
        verdicts = [ok(value) for _, value, _ in figures if value is not None]
        status = _status(None if not verdicts else all(verdicts))
        rows.append([target, "; ".join(shown) or "—", status])

    sqlite_rates = []
    for size in sizes:
        i = imp(size, "sqlite")
        sqlite_rates.append((size, i.get("conv_per_s"), f"{_rate(i.get('conv_per_s'))} conv/s"))
    per_size("embedded import >= 20,000 conversations/s", sqlite_rates, lambda v: v >= 20_000)
    per_size("Neo4j import >= 5,000 conversations/s",
             [(size, imp(size, "neo4j").get("conv_per_s"), f"{_rate(imp(size, 'neo4j').get('conv_per_s'))} conv/s")
              for size in sizes], lambda v: v >= 5_000)
    ratios_pr, ratios_csv = [], []
    for size in sizes:
        base = results["sizes"][size].get("baselines", {})
        store_rate = (base.get("store") or {}).get("conv_per_s")
        per_record = (base.get("neomodel") or {}).get("conv_per_s")
        lcsv = base.get("load_csv") or {}
        r1 = store_rate / per_record if store_rate and per_record else None
        ratios_pr.append((size, r1, f"{r1:.1f}x" if r1 else ""))
        r2 = store_rate / lcsv["conv_per_s"] if store_rate and lcsv.get("conv_per_s") else None
        r3 = store_rate / lcsv["load_only_conv_per_s"] if store_rate and lcsv.get("load_only_conv_per_s") else None
        ratios_csv.append((size, r2, f"{r2:.2f}x" + (f" ({r3:.2f}x of the load step alone)" if r3 else "")
                           if r2 else ""))
    per_size("Neo4j import >= 20x the per-record way (neomodel, one transaction per record)",
             ratios_pr, lambda v: v >= 20)
    per_size("Neo4j import >= 0.5x LOAD CSV (end to end: our parse/validate/project + CSV + load)",
             ratios_csv, lambda v: v >= 0.5)
    skipped = [(size, _store(results, size, "sqlite").get("skipped")) for size in sizes]
    for size, why in skipped:
        if why and "belongs on Neo4j" in why:
            rows.append([f"embedded store at {size}: meets the targets, or says up front it belongs on Neo4j",
                         "said so before starting; not run", MET])
    for store, cold_limit in (("sqlite", 2.0), ("neo4j", 3.0)):
        size = "100k"
        cold = [(_cold(_question(results, size, store, q)), q) for q in QUESTIONS]
        warm = [(_question(results, size, store, q).get("warm"), q) for q in QUESTIONS]
        have_cold = [c for c in cold if c[0] is not None]
        have_warm = [w for w in warm if w[0] is not None]
        complete = len(have_cold) == len(QUESTIONS)
        worst = max(have_cold) if have_cold else None
        over = sorted((c for c in have_cold if c[0] > cold_limit), reverse=True)
        figure = (f"{len(over)} of {len(have_cold)} over: " + ", ".join(f"{q} {fmt_seconds(t)}" for t, q in over)
                  if over else f"slowest {worst[1]} {fmt_seconds(worst[0])} ({len(have_cold)}/6 measured)"
                  if worst else "—")
        rows.append([f"six analytics at 100k, {STORE_NAMES[store]}, cold <= {cold_limit:g} s", figure,
                     _status(worst[0] <= cold_limit if worst and complete else (False if worst and worst[0] > cold_limit else None))])
        worst_w = max(have_warm) if have_warm else None
        rows.append([f"six analytics at 100k, {STORE_NAMES[store]}, warm <= 100 ms",
                     f"slowest {worst_w[1]} {fmt_seconds(worst_w[0])} ({len(have_warm)}/6 measured)" if worst_w else "—",
                     _status(worst_w[0] <= 0.1 if worst_w and len(have_warm) == 6 else (False if worst_w and worst_w[0] > 0.1 else None))])
        dash = _store(results, size, store).get("dashboard", {})
        cbs = [(v.get("warm"), k) for k, v in (dash.get("callbacks", {}) if isinstance(dash, dict) else {}).items()
               if v.get("warm") is not None]
        worst_d = max(cbs) if cbs else None
        rows.append([f"every dashboard callback at 100k warm, {STORE_NAMES[store]}, <= 300 ms",
                     f"slowest {fmt_seconds(worst_d[0])} ({worst_d[1]})" if worst_d else "—",
                     _status(worst_d[0] <= 0.3 if worst_d else None)])
    i = imp("1m", "neo4j")
    total = i.get("context_s", 0) + i.get("conversations_s", 0) if i else None
    rows.append(["1M on Neo4j: import <= 10 min", fmt_seconds(total) if i else "—",
                 _status(total <= 600 if i else None)])
    cold = [_cold(_question(results, "1m", "neo4j", q)) for q in QUESTIONS]
    have = [c for c in cold if c is not None]
    rows.append(["1M on Neo4j: every analytics question <= 30 s",
                 f"slowest {fmt_seconds(max(have))} ({len(have)}/6 measured)" if have else "—",
                 _status(max(have) <= 30 if have and len(have) == 6 else (False if have and max(have) > 30 else None))])
    peak = (i.get("peak") or {}).get("total") if i else None
    rows.append(["1M on Neo4j: peak memory (Python + JVM) <= 6 GB", fmt_bytes(peak) if peak else "—",
                 _status(peak <= 6 * 2**30 if peak else None)])
    return rows


def _import_rows(results: dict, size: str) -> list[list[str]]:
    rows = []
    for store, part in results["sizes"][size].get("stores", {}).items():
        name = STORE_NAMES.get(store, store)
        if part.get("skipped"):
            rows.append([name, part["skipped"], "", "", "", "", "", "", ""])
            continue
        i = part.get("import")
        if not isinstance(i, dict) or "conv_per_s" not in i:
            rows.append([name, str((i or {}).get("skipped") or (i or {}).get("error") or "—"), "", "", "", "", "", "", ""])
            continue
        runs = ", ".join(_rate(r) for r in i.get("conv_per_s_runs", []))
        peak = i.get("peak", {})
        cpu = i.get("conversations_cpu_s") or {}
        cpu_text = " / ".join(f"{cpu[k] / i['conversations'] * 1e6:,.0f} µs" for k in ("python", "neo4j")
                              if k in cpu and (k == "python" or store == "neo4j"))
        rows.append([
            name,
            f"{i['context_records']:,} in {fmt_seconds(i['context_s'])}",
            f"{i['conversations']:,} in {fmt_seconds(i['conversations_s'])}",
            f"**{_rate(i['conv_per_s'])}**" + (f" (runs: {runs})" if len(i.get("conv_per_s_runs", [])) > 1 else ""),
            _rate(i["records_per_s"]),
            cpu_text or "—",
            fmt_bytes(peak.get("python")),
            fmt_bytes(peak.get("neo4j")),
            fmt_bytes(i.get("store_bytes")),
        ])
    return rows


def _analytics_rows(results: dict, size: str, stores: list[str]) -> list[list[str]]:
    rows = []
    snap = []
    for store in stores:
        a = _store(results, size, store).get("analytics", {})
        snap.append(_ms(a.get("snapshot_s")) if isinstance(a, dict) else "—")
    peaks = []
    for store in stores:
        a = _store(results, size, store).get("analytics", {})
        peaks.append(fmt_bytes(a.get("snapshot_peak")) if isinstance(a, dict) else "—")
    rows.append(["(snapshot alone: store -> graph)"] + sum(([s, "", "", pk] for s, pk in zip(snap, peaks)), []))
    for q in (*QUESTIONS, *EXTRA_QUESTIONS):
        row = [q if q in QUESTIONS else f"{q} (not a target)"]
        for store in stores:
            r = _question(results, size, store, q)
            if r.get("skipped"):
                row += ["not available yet", "", "", ""]
            elif "cold" not in r and (r.get("timeout") or r.get("error")):
                row += [f"> {r['timeout']:.0f} s (killed)" if r.get("timeout") else r["error"], "", ""]
                row.append(fmt_bytes(r.get("peak")))
                continue
            else:
                cold = _ms(r.get("cold")) + (" (est.)" if r.get("cold_estimated") else "")
                row += [cold if "cold" in r else "—", _ms(r.get("compute")), _ms(r.get("warm"))]
            row.append(fmt_bytes(r.get("peak")))
        rows.append(row)
    return rows


def _part_note(results: dict, size: str, store: str, part: str) -> str | None:
    value = _store(results, size, store).get(part)
    if isinstance(value, dict) and (value.get("skipped") or value.get("error")):
        return f"{STORE_NAMES.get(store, store)} {part}: {value.get('skipped') or value.get('error')}"
    return None


def write_report(results: dict, path: Path) -> None:
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"Run by hand; tests never assert a time. Generated by `{results['command']}`.",
        "",
        f"- **Date**: {results['date']} (finished {results.get('finished', 'not yet: partial results')})",
        f"- **Machine**: {m['cpu']}, {m['cores']} cores, {fmt_bytes(m['memory'])} RAM; {m['os']}; "
        f"Python {m['python']}; SQLite {m['sqlite']}",
        f"- **Code measured**: {results.get('code', 'not recorded')}",
        f"- **Neo4j**: {results.get('neo4j') or 'not started'}",
        f"- **Load average** at start {', '.join(f'{x:.2f}' for x in m['load_average'])}; at end "
        f"{', '.join(f'{x:.2f}' for x in results.get('load_end', ())) or '—'}. Other work shared "
        "this machine during the run, so single figures carry noise; imports ran "
        f"{results['args'].get('repeat')}x per size (best shown, every run listed), warm timings are "
        "medians.",
        "- **Data**: `mapper.generate.generate_campaign(people=N, seed=1)`. Import = "
        "`mapper.importer.import_files(store, [...])` (parse + validate + project + write): first "
        "`hierarchy.csv, roster.csv, ties.csv` in one call (\"context\"), then "
        "`conversations.jsonl` alone — **conversations/s is that second call**. Each size starts "
        "from an empty store.",
        "- **Analytics**: *cold* = a new `Analytics(store)` answering one question (store -> "
        "snapshot -> compute); *compute* = the question on an already built snapshot, with the "
        "GC paused as `Analytics.run` does; *warm* = the same `Analytics` asked again (cached by "
        "store version).",
        "- **Dashboard**: each page-load callback (fed by the campaign store or the URL, no button "
        "inputs) posted to Dash's `/_dash-update-component` with the Flask test client; *first* = "
        "first call on a new app, *warm* = median of repeats.",
        "- Each analytics question and the dashboard run in a child process on their own store "
        "connection, killed after `--timeout` seconds; *peak RSS* is that child's.",
        "- Where the embedded import's time goes, and what would speed it up (measured): "
        "[PROFILE.md](PROFILE.md) (`python -m benchmarks.profile_import`).",
        "",
    ]
    if results.get("notes"):
        lines += ["## Notes from the run", ""] + [f"- {n}" for n in results["notes"]] + [""]
    lines += ["## Targets", ""]
    lines += _table(["target", "figure", "status"], targets(results)) + [""]

    stores_seen: list[str] = []
    for size, sized in results["sizes"].items():
        for store in sized.get("stores", {}):
            if store not in stores_seen:
                stores_seen.append(store)
    for size, sized in results["sizes"].items():
        c = sized.get("counts", {})
        lines += [f"## {size} people", ""]
        if "conversations" in c:
            lines += [f"{c.get('people', 0):,} people: {c.get('conversations', 0):,} conversations, "
                      f"{c.get('roster', 0):,} roster rows, {c.get('ties', 0):,} ties, "
                      f"{c.get('decision_makers', 0):,} decision makers.", ""]
        else:
            lines += ["No campaign generated: nothing ran at this size.", ""]
        lines += ["### Import", ""]
        lines += _table(["store", "context (hierarchy, roster, ties)", "conversations",
                         "conversations/s", "records/s (all)", "CPU per conversation (Python / JVM)",
                         "peak RSS Python", "peak RSS Neo4j",
                         "store on disk"], _import_rows(results, size)) + [""]
        stores = [s for s in stores_seen if s in sized.get("stores", {})
                  and isinstance(_store(results, size, s).get("analytics"), dict)
                  and "questions" in _store(results, size, s)["analytics"]]
        notes = [n for s in stores_seen for p in ("import", "analytics", "dashboard")
                 if (n := _part_note(results, size, s, p))]
        if stores:
            lines += ["### Analytics", ""]
            header = ["question"] + sum(([f"{STORE_NAMES[s]} cold", "compute", "warm", "peak RSS"]
                                          for s in stores), [])
            lines += _table(header, _analytics_rows(results, size, stores)) + [""]
        dash_rows = []
        for s in stores_seen:
            d = _store(results, size, s).get("dashboard")
            if isinstance(d, dict):
                for cb, v in d.get("callbacks", {}).items():
                    note = v.get("error") or ("no update" if v.get("status") == 204 else "")
                    if v.get("timeout"):
                        note = f"no answer in {v['timeout']:.0f} s: killed"
                    dash_rows.append([STORE_NAMES[s], f"`{cb}`", _ms(v.get("first")), _ms(v.get("warm")), note])
        if dash_rows:
            lines += ["### Dashboard callbacks", ""]
            lines += _table(["store", "callback", "first", "warm", "note"], dash_rows) + [""]
        base = sized.get("baselines")
        if base:
            lines += ["### Neo4j import, side by side (same server, same conversations, empty database)", ""]
            rows = []
            store_rate = (base.get("store") or {}).get("conv_per_s")
            for key, label in (("store", "`Neo4jStore` via `import_files` (conversations only)"),
                               ("neomodel", "neomodel, one transaction per record"),
                               ("load_csv", "LOAD CSV (end to end)")):
                b = base.get(key) or {}
                if b.get("skipped") or b.get("error"):
                    rows.append([label, b.get("skipped") or b.get("error"), "", "", ""])
                    continue
                if not b:
                    continue
                how = ""
                if key == "neomodel":
                    how = f"sample of the first {b['conversations']:,}; rate extrapolated"
                if key == "load_csv":
                    how = (f"prepare {fmt_seconds(b['prepare_s'])} (validate + project + CSV) + "
                           f"load {fmt_seconds(b['load_s'])} = {_rate(b['load_only_conv_per_s'])} conv/s load only")
                ratio = f"{store_rate / b['conv_per_s']:.2f}x" if store_rate and key != "store" else ""
                rows.append([label, f"{b['conversations']:,} in {fmt_seconds(b['seconds'])}",
                             f"**{_rate(b['conv_per_s'])}**", ratio, how])
            lines += _table(["way", "conversations", "conv/s", "Neo4jStore / this", "how"], rows) + [""]
            st = base.get("store") or {}
            if st.get("clear_error"):
                lines += [f"`Neo4jStore.clear()` after this import failed: {st['clear_error']}", ""]
            elif st.get("clear_s") is not None:
                lines += [f"`Neo4jStore.clear()` after it took {fmt_seconds(st['clear_s'])}.", ""]
            steps = (base.get("load_csv") or {}).get("steps")
            if steps:
                lines += ["LOAD CSV steps: " + "; ".join(
                    f"{s['step']} {s['rows']:,} rows {fmt_seconds(s['seconds'])}" for s in steps), ""]
        if notes:
            lines += [f"- {n}" for n in notes] + [""]

    lines += ["## How cost grows", "",
              "Time per question (cold; warm in brackets) and import rate at each size.", ""]
    sizes = list(results["sizes"])
    grow = []
    for store in stores_seen:
        row = [f"import conv/s, {STORE_NAMES[store]}"]
        for size in sizes:
            i = _store(results, size, store).get("import") or {}
            row.append(_rate(i.get("conv_per_s")) if isinstance(i, dict) else "—")
        grow.append(row)
        row = [f"snapshot, {STORE_NAMES[store]}"]
        for size in sizes:
            a = _store(results, size, store).get("analytics") or {}
            row.append(_ms(a.get("snapshot_s")) if isinstance(a, dict) else "—")
        grow.append(row)
        for q in (*QUESTIONS, *EXTRA_QUESTIONS):
            row = [f"{q}, {STORE_NAMES[store]}"]
            for size in sizes:
                r = _question(results, size, store, q)
                if "cold" in r:
                    row.append(f"{_ms(r['cold'])} ({_ms(r.get('warm'))})")
                elif r.get("timeout"):
                    row.append(f"> {r['timeout']:.0f} s (killed)")
                else:
                    row.append("n/a" if not r.get("skipped") else "not available yet")
            grow.append(row)
    lines += _table(["what"] + sizes, grow) + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Re-render a report from a run's raw figures: ``python -m benchmarks.report RESULTS.json OUT.md``."""
    import argparse
    import json

    p = argparse.ArgumentParser(prog="python -m benchmarks.report", description=main.__doc__)
    p.add_argument("results", type=Path, help="results.json of a run (in its --workdir)")
    p.add_argument("out", type=Path, nargs="?", default=Path("benchmarks/RESULTS.md"))
    args = p.parse_args(argv)
    write_report(json.loads(args.results.read_text()), args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
