"""What a store does before it answers is told as it goes (issue 16 item 1): the first
command on a file an older release wrote rebuilt its read model silently (14 minutes at a
million people), as a merge of a much-named spelling moved its records silently. The store
tells its ``upkeep`` how far each work is, on both stores; the command line shows it."""

from __future__ import annotations

import gzip
import re

import pytest
from typer.testing import CliRunner

import mapper.cli
from mapper.cli import app
from mapper.stores.base import Upkeep
from tests.records import CAMPAIGN, alias, conversation, small_campaign
from tests.test_sqlite_store import OLD_RELEASE

KINDS = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def _is_told_in_order(steps: list[Upkeep], what: str, total: int) -> None:
    """One work, told from none done to all ``total`` done, then over, never going back."""
    assert {(s.what, s.campaign) for s in steps} == {(what, CAMPAIGN)}
    assert steps[0].done == 0 and steps[0].total == total and not steps[0].over
    done = [s.done for s in steps]
    assert done == sorted(done) and all(s.done <= s.total for s in steps)
    assert steps[-1] == Upkeep(what, CAMPAIGN, total, total, over=True)
    assert [s.over for s in steps].count(True) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_rebuild_of_the_read_model_tells_how_many_people_are_built_of_how_many(
        open_store_of_kind, kind):
    store = open_store_of_kind(kind)
    store.write(small_campaign())
    people = len(store.snapshot(CAMPAIGN).people)
    store.read_model_batch = 2
    steps: list[Upkeep] = []
    store.upkeep = steps.append
    store.rebuild_read_model(CAMPAIGN)
    _is_told_in_order(steps, "rebuild", people)
    assert len(steps) > 3  # each batch told, not the end alone


@pytest.mark.parametrize("kind", KINDS)
def test_an_alias_tells_how_many_records_it_moves_and_a_whole_reprojection_all_of_them(
        open_store_of_kind, kind):
    store = open_store_of_kind(kind)
    store.write([*small_campaign(),
                 conversation("Ana L", "2026-11-18", id="ana-l", organizer="Maya Ortiz")])
    records = sum(n for k, n in store.counts(CAMPAIGN)["records"].items() if k != "alias")
    steps: list[Upkeep] = []
    store.upkeep = steps.append
    store.write([alias("person", "Ana L", "Ana Lopez")])
    # Those with an edge at the other spelling's node: her one 1-on-1, not the campaign.
    assert steps and steps[0].total == 1
    _is_told_in_order(steps, "moves", steps[0].total)

    steps.clear()
    store.reproject(CAMPAIGN)
    _is_told_in_order(steps, "reprojection", records)


def test_the_command_line_says_what_an_older_file_needs_before_its_answer(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("MAPPER_TODAY", "2026-12-01")
    old = tmp_path / "old.db"
    old.write_bytes(gzip.decompress(OLD_RELEASE.read_bytes()))
    monkeypatch.setattr(mapper.cli, "UPKEEP_SHOWN", 1)  # (its 120 people: shown as a million)
    result = CliRunner().invoke(app, ["overview", "--json", "--db", str(old)])
    assert result.exit_code == 0, result.output
    said = re.sub(r"\s+", " ", result.stderr)
    assert ("Building the read model of campaign st-lukes-nurses again (120 people); "
            "stopping is safe") in said
    assert result.stdout.lstrip().startswith("{")  # the answer alone on stdout

    again = CliRunner().invoke(app, ["overview", "--json", "--db", str(old)])
    assert again.exit_code == 0 and again.stderr == ""  # once: nothing left to do


def test_a_small_campaigns_upkeep_says_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("MAPPER_TODAY", "2026-12-01")
    old = tmp_path / "old.db"
    old.write_bytes(gzip.decompress(OLD_RELEASE.read_bytes()))
    result = CliRunner().invoke(app, ["overview", "--json", "--db", str(old)])
    assert result.exit_code == 0 and result.stderr == ""


def test_each_campaigns_bar_shows_though_the_spinner_began_under_the_first(monkeypatch):
    """A command's spinner (`working`, after a second) that began while the first campaign's
    bar showed was stopped with that bar (rich stops the display begun last), and the bar of
    every campaign after it was never drawn: the line alone, no time left."""
    import io

    timers = []

    class Timer:  # (the spinner's second, elapsed when the test says)
        def __init__(self, after, begin):
            self.begin, self.daemon = begin, True
            timers.append(self)

        def start(self):
            pass

        def cancel(self):
            pass

        def is_alive(self):
            return False

    screen = io.StringIO()
    shown = mapper.cli.console(stderr=True, file=screen, force_terminal=True, width=100)
    monkeypatch.setattr(mapper.cli, "err", shown)
    monkeypatch.setattr(mapper.cli.threading, "Timer", Timer)
    upkeep = mapper.cli.UpkeepShown(shown)
    with mapper.cli.working():
        upkeep(Upkeep("rebuild", "first", 0, 4_000))
        timers[0].begin()  # a second has gone by
        upkeep(Upkeep("rebuild", "first", 4_000, 4_000, over=True))
        upkeep(Upkeep("rebuild", "second", 0, 4_000))
        drawn = screen.getvalue().split("campaign second")[-1]
        upkeep(Upkeep("rebuild", "second", 4_000, 4_000, over=True))
    assert "0/4000" in drawn


@pytest.mark.parametrize("kind", KINDS)
def test_the_first_command_of_a_release_counting_supporters_otherwise_tells_its_recount(
        open_store_of_kind, kind, tmp_path, request):
    """A store of the release before (SQLite 15, Neo4j 16) has its counts counted again on
    open, silent before: 44 s at a million people on Neo4j."""
    store = open_store_of_kind(kind)
    store.write(small_campaign())
    people = len(store.snapshot(CAMPAIGN).people)
    steps: list[Upkeep] = []
    if kind == "sqlite":
        from mapper.stores.sqlite import SQLiteStore

        store._db.execute("UPDATE meta SET v = 15 WHERE k = 'schema'")
        store.close()
        again = SQLiteStore(store.path, upkeep=steps.append)
    else:
        from mapper.stores.neo4j import Neo4jStore

        with store._session() as session:
            session.run("MATCH (m:StoreMeta) SET m.schema = 16").consume()
        again = Neo4jStore(request.getfixturevalue("neo4j_uri"), upkeep=steps.append)
    try:
        _is_told_in_order(steps, "recount", people)
    finally:
        again.close()
