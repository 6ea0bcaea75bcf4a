"""The CLI's output plumbing: plain JSON on a pipe, tables that say what they left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mapper import cli

TODAY = "2026-10-15"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo-out") / "demo.db"
    result = CliRunner().invoke(cli.app, ["demo", "--no-server", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def run(*args: str | Path) -> str:
    result = CliRunner().invoke(cli.app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_json_on_a_pipe_is_one_plain_document_with_no_terminal_codes(demo_db):
    output = run("follow-ups", "--today", TODAY, "--json", "--db", demo_db)
    assert "\x1b" not in output
    assert output.count("\n") == 1  # one line: nobody reads indentation on a pipe
    assert json.loads(output)["today"] == TODAY


def test_a_long_table_shows_the_default_limit_and_says_how_many_rows_it_left_out(demo_db):
    everyone = json.loads(run("talk-next", "--json", "--db", demo_db))["people"]
    assert len(everyone) > cli.TABLE_LIMIT
    output = run("talk-next", "--db", demo_db)
    assert f"{len(everyone) - cli.TABLE_LIMIT:,} more rows not shown" in output


def test_a_long_structure_still_ends_with_the_campaigns_totals(demo_db):
    whole = json.loads(run("structure", "--json", "--db", demo_db))
    assert len(whole["units"]) > 1
    output = run("structure", "--limit", "1", "--db", demo_db)
    # One unit shown, the rest said left out, and the campaign's total after them all the same.
    assert whole["units"][0]["unit"] in output and whole["units"][1]["unit"] not in output
    assert f"{len(whole['units']) - 1:,} more row" in output
    total = next(line for line in output.splitlines() if line.lstrip("│ ").startswith("Total"))
    assert f"{whole['totals']['headcount']:,}" in total


def test_a_ladder_table_shows_the_first_rungs_and_counts_the_rest(demo_db):
    whole = json.loads(run("ladder", "--today", TODAY, "--json", "--db", demo_db))
    assert len(whole) > 2
    output = run("ladder", "--today", TODAY, "--limit", "2", "--db", demo_db)
    assert all(e["name"] in output for e in whole[:2])  # the top rungs, as --json orders them
    assert f"{len(whole) - 2:,} more row" in output


def test_limit_shows_more_rows_of_a_table_and_json_prints_them_all(demo_db):
    whole = json.loads(run("follow-ups", "--today", TODAY, "--json", "--db", demo_db))
    items = sum(len(o["items"]) for o in whole["organizers"])
    one = run("follow-ups", "--today", TODAY, "--limit", "1", "--db", demo_db)
    if items > 1:
        assert f"{items - 1:,} more row" in one
    assert "more row" not in run("follow-ups", "--today", TODAY, "--limit", str(items + 1),
                                 "--db", demo_db)


def test_one_organizers_follow_ups_keep_everyones_counts(demo_db):
    whole = json.loads(run("follow-ups", "--today", TODAY, "--json", "--db", demo_db))
    busy = max(whole["organizers"], key=lambda o: len(o["items"]))
    page = json.loads(run("follow-ups", "--today", TODAY, "--json", "--organizer",
                          busy["organizer"].upper(), "--db", demo_db))
    assert page["totals"] == whole["totals"]
    assert [(o["organizer"], o["overdue"], o["due"]) for o in page["organizers"]] == \
        [(o["organizer"], o["overdue"], o["due"]) for o in whole["organizers"]]
    assert [o["items"] for o in page["organizers"]] == \
        [o["items"] if o is busy else [] for o in whole["organizers"]]


def test_talk_next_kept_in_pages_shows_its_first_rows_and_counts_the_rest(demo_db, tmp_path,
                                                                         monkeypatch):
    """The list is kept in pages (at a million people, the table's first 50 are read alone):
    what each command prints is what the whole list gives."""
    import shutil

    from mapper.analytics import cached
    from mapper.stores.sqlite import SQLiteStore

    db = tmp_path / "paged.db"
    shutil.copy(demo_db, db)
    monkeypatch.setattr(cached, "PAGE_SIZE", 7)
    everyone = json.loads(run("talk-next", "--json", "--fresh", "--db", db))["people"]
    with SQLiteStore(db) as store:
        pages = [s for s in store.answer_stamps() if s.question.startswith("talk_next#")]
    assert len(pages) == -(-len(everyone) // 7) - 1 > 1
    # Served from the pages kept (as of the same moment), cut where each command cuts.
    first = json.loads(run("talk-next", "--json", "--limit", "9", "--db", db))
    assert first["people"] == everyone[:9]
    assert json.loads(run("talk-next", "--json", "--db", db))["people"] == everyone
    output = run("talk-next", "--db", db)
    assert f"{len(everyone) - cli.TABLE_LIMIT:,} more rows not shown" in output
    assert everyone[cli.TABLE_LIMIT - 1]["name"] in output
    output = run("talk-next", "--limit", "3", "--db", db)
    assert f"{len(everyone) - 3:,} more rows not shown" in output
    assert everyone[0]["name"] in output and everyone[3]["name"] not in output


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_a_limit_below_one_is_refused_by_name(demo_db, limit):
    for command in ("talk-next", "ask-queue"):
        result = CliRunner().invoke(cli.app, [command, "--limit", limit, "--db", str(demo_db)])
        assert result.exit_code == 2 and "--limit" in result.output


def test_power_kept_in_pages_shows_its_first_decision_makers_and_counts_the_rest(
        demo_db, tmp_path, monkeypatch):
    import shutil

    from mapper.analytics import cached
    from mapper.stores.sqlite import SQLiteStore

    db = tmp_path / "paged.db"
    shutil.copy(demo_db, db)
    monkeypatch.setattr(cached, "PAGE_SIZE", 2)
    whole = json.loads(run("power", "--json", "--fresh", "--db", db))
    makers = whole["decision_makers"]
    with SQLiteStore(db) as store:
        pages = [s for s in store.answer_stamps() if s.question.startswith("power_map#p")]
    assert len(pages) == -(-len(makers) // 2) - 1 > 1
    assert json.loads(run("power", "--json", "--db", db)) == {**whole, "as_of": whole["as_of"]}
    read: list[str] = []
    get_answers = SQLiteStore.get_answers

    def reading(self, campaign, keys):
        read.extend(q for q, _ in keys)
        return get_answers(self, campaign, keys)

    monkeypatch.setattr(SQLiteStore, "get_answers", reading)
    output = run("power", "--limit", "3", "--db", db)
    # The head's 2 and the next page's (the 3 shown), and the issues kept beside them.
    assert read == ["power_map#p00001", "power_map#issues"]
    # The count of decision makers left out follows their table, not the issues'.
    below = output.split("Power map", 1)[1]
    assert f"{len(makers) - 3:,} more rows not shown" in below
    assert makers[2]["name"] in below
    # The issues' table is read whole (its rows cut by --limit as before).
    assert all(i["name"] in output for i in whole["issues"][:3])
    assert whole["issues"][0]["decision_makers"][0]["name"] in output
