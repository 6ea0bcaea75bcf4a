"""The import-bounds benchmark takes away what each variant says and nothing else (its
figures are measured by hand, never asserted): a variant that silently wrote everything would
make "fewer edges gives nothing" a false finding."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.import_bounds import DROPPED_EDGES
from mapper.generate import generate_campaign

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("bounds") / "data"
    generate_campaign(out, people=300, seed=2, campaign="synthetic")
    return out


def _run(variant: str, data: Path, workdir: Path) -> tuple[dict, sqlite3.Connection]:
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.import_bounds", "--workdir", str(workdir),
         "--one", "sqlite", variant, str(data)],
        cwd=ROOT, capture_output=True, text=True, check=True)
    got = json.loads(child.stdout.strip().splitlines()[-1])
    return got, sqlite3.connect(workdir / "db" / f"bounds-{variant}.db")


def _edges(db: sqlite3.Connection) -> dict[str, int]:
    return dict(db.execute("SELECT type, count(*) FROM edges GROUP BY type"))


def test_each_variant_takes_away_its_part_only(data, tmp_path):
    as_is, full = _run("as-is", data, tmp_path)
    fewer, thin = _run("fewer-edges", data, tmp_path)
    bare, unkept = _run("no-read-model", data, tmp_path)
    apart, alone = _run("writes-only", data, tmp_path)

    # Every variant imported every record, and timed both calls.
    written = as_is["conversations"]["records"]
    assert written > 0
    for got in (fewer, bare, apart):
        assert got["conversations"]["records"] == written
        assert got["context"]["records"] == as_is["context"]["records"]
        assert got["conversations"]["seconds"] > 0

    edges = _edges(full)
    assert all(edges.get(t, 0) > 0 for t in DROPPED_EDGES)
    # Without the three edge types, and every other edge as it is.
    assert _edges(thin) == {t: n for t, n in edges.items() if t not in DROPPED_EDGES}
    assert _edges(unkept) == edges
    assert _edges(alone) == edges  # the writes timed alone write all of it
    # The read model: kept as is, and not at all without its upkeep.
    count = "SELECT count(*) FROM rm_people"
    assert full.execute(count).fetchone()[0] > 0
    assert thin.execute(count).fetchone()[0] > 0
    assert unkept.execute(count).fetchone()[0] == 0
    rows = "SELECT * FROM rm_people ORDER BY campaign, person"
    assert alone.execute(rows).fetchall() == full.execute(rows).fetchall()
    for db in (full, thin, unkept, alone):
        db.close()


def test_no_read_model_on_neo4j_replaces_what_a_write_batch_calls():
    # The Neo4j variant is run by hand only; a rename of the upkeep would leave it measuring
    # the import as it is. What _write_batch calls by name is what the patch must replace.
    probe = (
        "import mapper.stores.neo4j as n\n"
        "from benchmarks.import_bounds import _patch\n"
        "assert '_refresh' in n._write_batch.__code__.co_names\n"
        "before = n._refresh\n"
        "_patch('no-read-model')\n"
        "assert n._refresh is not before\n"
        "assert n._refresh(None, {'person:c:a'}, {'person:c:a'}) is None\n")
    subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True)
