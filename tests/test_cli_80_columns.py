"""The CLI read on an 80-column terminal: nothing wider, reasons whole, numbers easy to read."""

from __future__ import annotations

import csv
import json
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mapper import cli

TODAY = "2026-10-15"  # inside the demo campaign: follow-ups overdue and due


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo80") / "demo.db"
    result = CliRunner().invoke(cli.app, ["demo", "--no-server", "--db", str(db)])
    assert result.exit_code == 0, result.output
    # Something on My list: two contacts given to an organizer.
    result = CliRunner().invoke(cli.app, ["assign", "Ana Lopez", "Zoe Ackerman", "--to",
                                          "Maya Ortiz", "--date", TODAY, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def narrow(monkeypatch):
    """The CLI's consoles on an 80-column terminal."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(cli, "out", cli.console(width=80))
    monkeypatch.setattr(cli, "err", cli.console(stderr=True, width=80))


def run(*args: str | Path) -> list[str]:
    result = CliRunner().invoke(cli.app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


COMMANDS = {
    "ask-queue": ["--today", TODAY],
    "structure": [],
    "follow-ups": ["--today", TODAY],
    "talk-next": [],
    "my-list": ["--today", TODAY],
    "ladder": ["--today", TODAY],
    "clusters": [],
    "power": [],
    "overview": [],
    "stats": [],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_line_is_wider_than_80_columns_on_the_demo(demo_db, narrow, command):
    lines = run(command, *COMMANDS[command], "--db", demo_db)
    wide = [line for line in lines if len(line) > 80]
    assert lines and not wide, f"`mapper {command}` at 80 columns:\n" + "\n".join(wide[:5])
    assert not any("…" in line for line in lines), f"`mapper {command}` cut a word"


def test_the_ask_queue_shows_each_persons_reasons_whole_in_a_few_lines_each(demo_db, narrow):
    queue = json.loads(CliRunner().invoke(cli.app, ["ask-queue", "--today", TODAY, "--json",
                                                    "--db", str(demo_db)]).output)
    lines = run("ask-queue", "--today", TODAY, "--db", demo_db)
    # The issue measured 669 lines for 16 people, reasons 9 characters wide.
    assert len(lines) <= 10 * len(queue), len(lines)
    text = " ".join(line.strip() for line in lines)
    for n, person in enumerate(queue, 1):
        assert f"{n}. {person['name']} · {person['unit']}" in text
        assert "Why: " + "; ".join(person["reasons"]) in text
        assert f"Suggested ask: {person['suggested_ask']}" in text


def test_structure_headers_are_whole_and_the_total_row_fits(demo_db, narrow):
    lines = run("structure", "--db", demo_db)
    header = next(line for line in lines if line.startswith("Unit"))
    assert header.split() == ["Unit", "People", "Contacted", "Supporters", "Target", "Needed",
                              "Committee", "Gap"]
    assert any(line.startswith("Total ") for line in lines)


def test_follow_ups_are_grouped_by_organizer_with_the_id_to_close_them(demo_db, narrow):
    answer = json.loads(CliRunner().invoke(cli.app, ["follow-ups", "--today", TODAY, "--json",
                                                     "--db", str(demo_db)]).output)
    lines = run("follow-ups", "--today", TODAY, "--db", demo_db)
    organizers = [o["organizer"] for o in answer["organizers"] if o["items"]]
    assert [line.strip() for line in lines if line.strip() in organizers] == organizers
    for o in answer["organizers"]:
        for item in o["items"]:
            assert f"    Id: {item['id']}" in lines


@pytest.fixture
def numbered_units(tmp_path) -> Path:
    """Units named with numbers, one of them with more than a thousand people."""
    roster = tmp_path / "roster.csv"
    with open(roster, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(("name", "workplace", "unit", "shift", "role", "campaign"))
        for unit, size in (("Unit 10", 3), ("Unit 2", 4), ("Unit 100", 1234), ("Unit 1", 5)):
            w.writerows((f"Worker {unit[5:]}-{i}", "Plant", unit, "days", "RN", "c1")
                        for i in range(size))
    db = tmp_path / "units.db"
    result = CliRunner().invoke(cli.app, ["import", str(roster), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_units_are_sorted_by_their_numbers_and_counts_have_thousands_separators(
        numbered_units, narrow):
    lines = run("structure", "--db", numbered_units)
    units = [line.split("  ")[0] for line in lines if re.match(r"Unit \d", line)]
    assert units == ["Unit 1", "Unit 2", "Unit 10", "Unit 100"]
    (total,) = [line for line in lines if line.startswith("Total")]
    assert total.split()[1] == "1,246"
    (big,) = [line for line in lines if line.startswith("Unit 100")]
    assert big.split()[2] == "1,234"
    stats = run("stats", "--db", numbered_units)
    assert any(re.search(r"\b1,246\b", line) for line in stats)


def test_generate_counts_people_to_the_end_and_prints_a_summary(tmp_path, monkeypatch):
    err = cli.console(stderr=True, force_terminal=True, width=80, record=True)
    monkeypatch.setattr(cli, "err", err)
    monkeypatch.setattr(cli, "out", cli.console(width=80))
    lines = run("generate", "--people", "20000", "--seed", "1", "--out", tmp_path / "g")
    progress = err.export_text()
    shown = [tuple(map(int, m)) for m in re.findall(r"(\d+)/(\d+)", progress)]
    assert shown and max(done for done, _ in shown) == 20000
    assert all(total == 20000 and done <= 20000 for done, total in shown)
    # The output mixes stderr (the bar) in; stdout is the summary, never JSON.
    (summary,) = [line for line in lines if "Wrote campaign" in line]
    assert "Wrote campaign synthetic to " in summary and "20,000 people" in summary
    assert "{" not in "\n".join(lines)
    counts = json.loads(run("generate", "--people", "50", "--seed", "1", "--out",
                            tmp_path / "h", "--json")[0])
    assert counts["people"] == 50


def test_person_says_whether_they_were_asked_in_words(demo_db, narrow):
    lines = run("person", "Ana Lopez", "--db", demo_db)
    text = "\n".join(lines)
    assert "→" not in text and "ask: —" not in text
    assert "said yes" in text


def test_a_slow_answer_shows_a_spinner_on_stderr_and_a_quick_one_none(monkeypatch):
    err = cli.console(stderr=True, force_terminal=True, width=80, record=True)
    monkeypatch.setattr(cli, "err", err)
    with cli.working("reading the campaign…", after=1.0):
        pass
    assert "reading the campaign" not in err.export_text()
    with cli.working("reading the campaign…", after=0.05):
        time.sleep(0.3)
    assert "reading the campaign" in err.export_text()


# -- make demo on a busy port -----------------------------------------------------------------

@pytest.fixture
def busy_port():
    """A port something already listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_the_demo_on_a_busy_port_says_so_in_one_line_and_suggests_another(busy_port, tmp_path):
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(cli.app, ["demo", "--db", str(db), "--port", str(busy_port)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"error: port {busy_port} is in use" in result.output
    assert re.search(r"try `make demo PORT=\d+` or `mapper demo --port \d+`", result.output)
    assert not db.exists()  # nothing loaded for a server that cannot start


def test_the_dashboard_on_a_busy_port_says_so_too(busy_port):
    result = CliRunner().invoke(cli.app, ["dashboard", "--port", str(busy_port)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"port {busy_port} is in use" in result.output and "--port" in result.output


def test_make_demo_passes_its_port_to_the_demo():
    root = Path(__file__).resolve().parents[1]
    dry = subprocess.run(["make", "-n", "-C", str(root), "demo", "PORT=8060"],
                         capture_output=True, text=True, check=True).stdout
    assert "mapper demo --port 8060" in dry
