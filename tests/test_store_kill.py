"""`mapper import` as separate processes: four at once, or one killed with SIGKILL part-way.

Each runs against the embedded store and a real Neo4j; the store must then be consistent and
equal to one clean import (after the killed one is imported again).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mapper.generate import generate_campaign
from mapper.importer import import_files
from mapper.stores.sqlite import SQLiteStore

CAMPAIGN = "synthetic"


@pytest.fixture(scope="module")
def campaign_files(tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("campaign")
    generate_campaign(out, 2000, seed=7, campaign=CAMPAIGN)
    return sorted(out.iterdir())


@pytest.fixture(scope="module")
def clean(campaign_files) -> SQLiteStore:
    store = SQLiteStore(":memory:")
    assert import_files(store, campaign_files).ok
    return store


def _cli(args: list[str], store_kind: str, target: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    env.pop("NEO4J_URI", None)
    env.pop("MAPPER_DB", None)
    if store_kind == "neo4j":
        env["NEO4J_URI"] = target
    else:
        args = [*args, "--db", target]
    return subprocess.Popen([sys.executable, "-m", "mapper.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _target(store, request) -> str:
    return store.path if isinstance(store, SQLiteStore) else request.getfixturevalue("neo4j_uri")


def assert_consistent_file(path: str) -> None:
    """The embedded store's own bookkeeping agrees with its rows."""
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    wrong_refs = db.execute("""
        SELECT count(*) FROM nodes n WHERE refs !=
          (SELECT count(*) FROM edges WHERE src = n.id) + (SELECT count(*) FROM edges WHERE dst = n.id)
    """).fetchone()[0]
    assert wrong_refs == 0
    counted = dict(((c, t), n) for c, t, n in db.execute("SELECT campaign, type, n FROM edge_counts WHERE n != 0"))
    actual = dict(((c, t), n) for c, t, n in db.execute("SELECT campaign, type, count(*) FROM edges GROUP BY 1, 2"))
    assert counted == actual
    orphans = db.execute("SELECT count(*) FROM edges WHERE (id >> 16 & ((1 << 42) - 1)) "
                         "NOT IN (SELECT rid FROM records)").fetchone()[0]
    assert orphans == 0
    db.close()


def test_four_imports_of_one_campaign_at_once_all_succeed_and_store_it_once(store, request,
                                                                           campaign_files, clean):
    target = _target(store, request)
    runs = [_cli(["import", *map(str, campaign_files)], request.node.callspec.params["store"], target)
            for _ in range(4)]
    outputs = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in runs]
    for code, out, err in outputs:
        assert code == 0, err[-2000:]
        assert "Traceback" not in err
    if isinstance(store, SQLiteStore):
        assert_consistent_file(store.path)
    assert store.counts() == clean.counts()
    assert store.snapshot(CAMPAIGN) == clean.snapshot(CAMPAIGN)
    assert sorted(store.export()) == sorted(clean.export())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_import_killed_at_a_random_moment_leaves_a_consistent_store_that_a_reimport_completes(
        store, request, campaign_files, clean, seed):
    kind = request.node.callspec.params["store"]
    target = _target(store, request)
    run = _cli(["import", *map(str, campaign_files)], kind, target)
    # Past the interpreter's start (about 2 s here) and into the writes, at a moment of its own.
    time.sleep(random.Random(seed).uniform(1.5, 4.0))
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=60)
    if isinstance(store, SQLiteStore):
        assert_consistent_file(store.path)
    again = _cli(["import", *map(str, campaign_files)], kind, target)
    code = again.wait(timeout=300)
    assert code == 0, again.stderr.read()[-2000:]
    if isinstance(store, SQLiteStore):
        assert_consistent_file(store.path)
    assert store.counts() == clean.counts()
    assert store.snapshot(CAMPAIGN) == clean.snapshot(CAMPAIGN)
    assert sorted(store.export()) == sorted(clean.export())


# Kills the import from inside, right after its Nth batch committed: the moment is known.
_KILLED_AFTER = """
import os, signal, sys
from mapper import cli
from mapper.stores.{module} import {cls} as store
commit, n, done = store.{method}, int(sys.argv[1]), []

def committed(self, *args, **kwargs):
    result = commit(self, *args, **kwargs)
    done.append(1)
    if len(done) == n:
        os.kill(os.getpid(), signal.SIGKILL)
    return result

store.{method} = committed
sys.argv = ["mapper", *sys.argv[2:]]
cli.main()
"""

_COMMIT = {"sqlite": ("sqlite", "SQLiteStore", "_apply"),
           "neo4j": ("neo4j", "Neo4jStore", "_write_rows")}


def read_model_answers(store) -> tuple:
    today = dt.date(2026, 12, 1)
    return (store.overview(CAMPAIGN), store.ladder(CAMPAIGN, today=today),
            store.follow_ups(CAMPAIGN, today=today), store.structure(CAMPAIGN))


def test_an_import_killed_after_a_batch_committed_keeps_it_and_its_read_model_whole(
        store, request, campaign_files, clean):
    kind = request.node.callspec.params["store"]
    target = _target(store, request)
    module, cls, method = _COMMIT[kind]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    env.pop("MAPPER_DB", None)
    args = ["import", *map(str, campaign_files)]
    if kind == "neo4j":
        env["NEO4J_URI"] = target
    else:
        env.pop("NEO4J_URI", None)
        args += ["--db", target]
    code = _KILLED_AFTER.format(module=module, cls=cls, method=method)
    run = subprocess.run([sys.executable, "-c", code, "2", *args], env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == -signal.SIGKILL, run.stderr[-2000:]
    # The two batches that committed are there, whole; nothing after them.
    assert store.record_count() == 2 * type(store).batch_size
    if isinstance(store, SQLiteStore):
        assert_consistent_file(store.path)
    # The read model the writes kept is the one a rebuild from the graph makes.
    kept = read_model_answers(store)
    store.rebuild_read_model(CAMPAIGN)
    assert read_model_answers(store) == kept
    again = _cli(args[:len(campaign_files) + 1], kind, target)
    assert again.wait(timeout=300) == 0, again.stderr.read()[-2000:]
    assert store.counts() == clean.counts()
    assert sorted(store.export()) == sorted(clean.export())
    assert read_model_answers(store) == read_model_answers(clean)
