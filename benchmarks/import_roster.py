"""A roster spreadsheet of N rows imported as users do it: ``mapper import FILE.xlsx`` end to end.

    python -m benchmarks.import_roster --rows 100000 [--format xlsx|xlsx-shared|csv] [--workdir DIR] [--runs N]

Writes an XLSX (openpyxl, write-only) whose headers are an organizer's own (``First Name``,
``Last Name``, ``Email``, ``Cell``, ``Department``, ``Shift``, ``Job Title``, ``Employee #``,
``Supervisor``), then runs the CLI in a child process into an empty embedded store, and a second
time (a re-import: every row matched, nothing written). Prints the wall times; nothing here
asserts a time (benchmarks/RESULTS.md keeps the figures). With ``--runs N`` the first import
is timed N times, each into a new empty store, with the load average before each: on a shared
machine the quietest run is the one to compare.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADERS = ["First Name", "Last Name", "Email", "Cell", "Department", "Shift", "Job Title",
           "Employee #", "Supervisor"]
UNITS = ["ICU", "ER", "Med-Surg", "Oncology", "Pediatrics", "Radiology", "Pharmacy", "Dietary"]


def rows(n: int):
    for i in range(n):
        yield [f"First{i}", f"Last{i}", f"worker{i}@example.org",
               f"(555) {200 + i // 10000:03d}-{i % 10000:04d}", UNITS[i % len(UNITS)],
               ("days", "nights", "evenings")[i % 3], ("RN", "CNA", "Tech")[i % 3],
               100000 + i, f"Manager {i % 50}"]


def write_xlsx(path: Path, n: int) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Roster")
    sheet.append(HEADERS)
    for row in rows(n):
        sheet.append(row)
    book.save(path)


def shared_strings(path: Path) -> None:
    """Rewrite an openpyxl workbook's text cells as Excel writes them: each an index into the
    shared strings part (openpyxl writes every cell's text inline instead)."""
    import re
    import zipfile
    from xml.sax.saxutils import escape

    src = path.read_bytes()
    index: dict[str, int] = {}

    def shared(m: re.Match) -> str:
        return f'<c r="{m[1]}" t="s"><v>{index.setdefault(m[2], len(index))}</v></c>'

    with zipfile.ZipFile(io.BytesIO(src)) as book, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in book.infolist():
            data = book.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                # Our own file, as openpyxl writes it: plain cells, text without markup.
                data = re.sub(r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>',
                              shared, data.decode()).encode()
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                    b'Target="sharedStrings.xml" Id="rIdSST" /></Relationships>')
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument.'
                                    b'spreadsheetml.sharedStrings+xml" /></Types>')
            out.writestr(info, data)
        out.writestr("xl/sharedStrings.xml", (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'uniqueCount="{len(index)}">' + "".join(f"<si><t>{escape(t)}</t></si>" for t in index)
            + "</sst>").encode())


def write_csv(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerows(rows(n))


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system) of the child, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return took, cpu, done.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--format", choices=("xlsx", "xlsx-shared", "csv"), default="xlsx",
                    help="xlsx: text inline, as openpyxl writes it; xlsx-shared: in the shared "
                         "strings part, as Excel writes it")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "mapper-bench-roster")
    ap.add_argument("--runs", type=int, default=1, help="first imports to time, each into a new store")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    sheet = args.workdir / (f"roster-{args.rows}-shared.xlsx" if args.format == "xlsx-shared"
                            else f"roster-{args.rows}.{args.format}")
    if not sheet.exists():
        t = time.perf_counter()
        (write_csv if args.format == "csv" else write_xlsx)(sheet, args.rows)
        if args.format == "xlsx-shared":
            shared_strings(sheet)
        print(f"wrote {sheet} ({sheet.stat().st_size / 2**20:.1f} MiB) in {time.perf_counter() - t:.1f} s")
    db = args.workdir / "bench.db"
    # The CLI as `mapper` runs it (this checkout's, whatever is installed).
    cmd = [sys.executable, "-c", "from mapper.cli import app; app(prog_name='mapper')", "import",
           str(sheet), "--campaign", "bench", "--db", str(db)]
    env_note = f"load {os.getloadavg()[0]:.2f}"
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"Python {platform.python_version()}; {env_note}")
    print(f"command: mapper {' '.join(cmd[3:])}")
    for n in range(1, args.runs + 1):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        load = os.getloadavg()[0]
        first, cpu1, out1 = run(cmd)
        # On a shared machine the wall time mostly measures the others' work: the CPU time the
        # command used is what it would take alone (it runs on one core).
        print(f"first import{f' ({n}/{args.runs})' if args.runs > 1 else ''}: {first:.1f} s wall, "
              f"{cpu1:.1f} s CPU, load {load:.2f} before  "
              f"[{out1.splitlines()[0]} | {out1.splitlines()[1]}]")
    again, cpu2, out2 = run(cmd)
    print(f"re-import:    {again:.1f} s wall, {cpu2:.1f} s CPU  [{out2.splitlines()[0]} | {out2.splitlines()[1]}]")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
