"""The embedded store's own promises: its file, its schema upgrades, its node ids."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import sqlite3
import stat
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from mapper.cli import app
from mapper.projection import Aliases
from mapper.snapshot import build_snapshot
from mapper.stores.base import stored
from mapper.stores.sqlite import SCHEMA, SQLiteStore
from tests.records import CAMPAIGN, alias, conversation, small_campaign

# Schema 1 as it shipped: text keys in edges, edge props as JSON.
SCHEMA_1 = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
INSERT INTO meta VALUES ('version', 7), ('schema', 1);
CREATE TABLE records (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, campaign TEXT NOT NULL, hash TEXT NOT NULL,
  date TEXT, person TEXT, body TEXT NOT NULL);
CREATE INDEX records_scope ON records (campaign, kind, date, id);
CREATE INDEX records_person ON records (person, date, id);
CREATE TABLE nodes (
  key TEXT PRIMARY KEY, kind TEXT NOT NULL, campaign TEXT NOT NULL, name TEXT, props TEXT NOT NULL);
CREATE INDEX nodes_scope ON nodes (campaign, kind);
CREATE TABLE edges (
  type TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, source TEXT NOT NULL,
  campaign TEXT NOT NULL, props TEXT NOT NULL);
CREATE INDEX edges_source ON edges (source);
CREATE INDEX edges_scope ON edges (campaign, type);
CREATE INDEX edges_src ON edges (src);
CREATE INDEX edges_dst ON edges (dst);
"""


def _dumps(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def schema_1_file(path, records) -> None:
    """A store file as schema 1 wrote it (records in order, no replacements)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA_1)
    aliases = Aliases([r for r in records if r.__class__.__name__ == "AliasRow"])
    for record in records:
        rec = stored(record, aliases)
        person = None
        for n in rec.projection.nodes:
            row = (n.key, n.kind, n.campaign, n.props.get("name"), _dumps(n.props))
            if n.authoritative:
                db.execute("INSERT INTO nodes VALUES (?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET "
                           "name = excluded.name, props = excluded.props", row)
            else:
                db.execute("INSERT OR IGNORE INTO nodes VALUES (?,?,?,?,?)", row)
        for e in rec.projection.edges:
            db.execute("INSERT INTO edges VALUES (?,?,?,?,?,?)",
                       (e.type, e.src, e.dst, e.source, e.campaign, _dumps(e.props)))
            if e.type == "WITH":
                person = e.dst
        db.execute("INSERT OR REPLACE INTO records VALUES (?,?,?,?,?,?,?)",
                   (rec.id, rec.kind, rec.campaign, rec.hash, rec.body.get("date"), person,
                    _dumps(rec.body)))
    db.close()
    os.chmod(path, 0o600)


def schema_1_counts(path) -> dict:
    db = sqlite3.connect(path)
    try:
        return {table: dict(db.execute(f"SELECT {col}, count(*) FROM {table} GROUP BY {col} "
                                       f"ORDER BY {col}").fetchall())
                for table, col in (("nodes", "kind"), ("edges", "type"), ("records", "kind"))}
    finally:
        db.close()


def campaign_records() -> list:
    return [alias("issue", "understaffing", "short staffing"), *small_campaign(),
            conversation("Dee Park", "2026-11-21", issues=[{"issue": "Understaffing", "anger": 3}])]


def test_a_schema_1_file_opens_with_the_same_graph(tmp_path):
    old = tmp_path / "old.db"
    schema_1_file(old, campaign_records())
    before = schema_1_counts(old)
    fresh = SQLiteStore(tmp_path / "fresh.db")
    fresh.write(campaign_records())

    store = SQLiteStore(old)
    assert store.counts() == before == fresh.counts()
    assert store.snapshot(CAMPAIGN) == fresh.snapshot(CAMPAIGN)
    assert list(store.export()) == list(fresh.export())
    assert store.version() > 7
    store.close()
    db = sqlite3.connect(old)
    assert db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()
    assert stat.S_IMODE(os.stat(old).st_mode) == 0o600


def schema_2_file(path, records) -> None:
    """A store file as schema 2 wrote it: edge rowids without a type code, no edge_types."""
    store = SQLiteStore(path)
    store.write(records)
    store.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(f"""
        UPDATE edges SET id = id & {(1 << 58) - 1};
        ALTER TABLE records DROP COLUMN edge_types;
        UPDATE meta SET v = 2 WHERE k = 'schema';""")
    db.close()


def test_a_schema_2_file_opens_with_the_same_graph_and_takes_replacements(tmp_path):
    path = tmp_path / "old.db"
    schema_2_file(path, campaign_records())
    fresh = SQLiteStore(tmp_path / "fresh.db")
    fresh.write(campaign_records())

    store = SQLiteStore(path)
    assert store.counts() == fresh.counts()
    assert store.snapshot(CAMPAIGN) == fresh.snapshot(CAMPAIGN)
    dee = conversation("Dee Park", "2026-11-21", issues=[])
    assert store.write([dee]).replaced == fresh.write([dee]).replaced == 1
    assert store.counts() == fresh.counts()
    assert store.snapshot(CAMPAIGN) == fresh.snapshot(CAMPAIGN)


def test_edges_to_nodes_filed_under_another_campaign_still_reach_the_snapshot(tmp_path):
    store = SQLiteStore(tmp_path / "m.db")
    store.write(campaign_records())
    before = store.snapshot(CAMPAIGN)
    store._db.execute("UPDATE nodes SET campaign = 'elsewhere' WHERE kind IN ('Issue', 'Unit')")
    after = store.snapshot(CAMPAIGN)
    assert before.anger and after.anger == before.anger
    assert before.named and after.named == before.named
    assert [p.unit for p in after.people.values()] == [p.unit for p in before.people.values()]
    assert after.issues == {}
    # Read as rows, then built: the same snapshot.
    assert build_snapshot(store.snapshot_rows(CAMPAIGN)) == after


def test_a_migrated_file_takes_writes_and_replacements(tmp_path):
    path = tmp_path / "old.db"
    schema_1_file(path, campaign_records())
    store = SQLiteStore(path)
    before = store.counts()
    # Dee was the only one angry about understaffing ("short staffing" by alias): replaced.
    result = store.write([conversation("Dee Park", "2026-11-21", issues=[])])
    assert result.replaced == 1
    after = store.counts()
    assert after["edges"]["ANGRY_ABOUT"] == before["edges"]["ANGRY_ABOUT"] - 1
    assert after["nodes"] == before["nodes"]


def test_a_migration_that_fails_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "old.db"
    schema_1_file(path, campaign_records())
    db = sqlite3.connect(path, isolation_level=None)
    # A stored record the current model rejects (its story must not reach the message).
    body = {"id": "broken", "date": "not a date", "campaign": CAMPAIGN, "notes": "SECRET NOTES"}
    db.execute("INSERT INTO records VALUES ('broken', 'conversation', ?, 'h', NULL, NULL, ?)",
               (CAMPAIGN, json.dumps(body)))
    db.close()
    before = schema_1_counts(path)
    with pytest.raises(ValueError) as err:
        SQLiteStore(path)
    assert "SECRET" not in str(err.value)
    assert schema_1_counts(path) == before
    db = sqlite3.connect(path)
    assert db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (1,)
    db.close()


# A file an older release wrote (tests/data/README.md: which commit, and how): what it
# recorded, by these commands, recorded again by this version on a new file.
OLD_RELEASE = Path(__file__).parent / "data" / "schema-12.db.gz"
DEMO = Path(__file__).parent.parent / "seed_data" / "demo"
DEMO_FILES = ("roster.csv", "hierarchy.csv", "ties.csv", "aliases.csv", "conversations.yaml")
# The day the older release imported them: a roster row's facts are dated by its file's.
OLD_RELEASE_DAY = dt.datetime(2026, 12, 6, 12, 0)
RECORDED = (
    ["log", "Sunita Pillai", "--attempt", "refused", "--asked", "--date", "2026-11-27"],
    ["log", "Ana Lopez", "--assignment", "done", "--date", "2026-11-25"],
    ["assign", "Emma Calloway", "--to", "Grace Kim", "--date", "2026-11-29"],
)
ANSWERS = (["overview", "--json"], ["ladder", "--json"], ["ask-queue", "--json"],
           ["talk-next", "--json"], ["follow-ups", "--json"], ["my-list", "--json"],
           ["structure", "--json"], ["clusters", "--json"], ["power", "--json"],
           ["search", "a", "--limit", "200"], ["person", "Sunita Pillai", "--json"],
           ["person", "Emma Calloway", "--json"], ["stats", "--json"], ["export"])


def _schema(path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone()[0]
    finally:
        db.close()


def test_a_file_an_older_release_wrote_answers_as_its_records_recorded_now(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("MAPPER_TODAY", "2026-12-01")  # (as when the file was made)
    runner = CliRunner()
    old, fresh = tmp_path / "old.db", tmp_path / "fresh.db"
    old.write_bytes(gzip.decompress(OLD_RELEASE.read_bytes()))
    assert _schema(old) == 12
    demo = tmp_path / "demo"
    demo.mkdir()
    for name in DEMO_FILES:
        (demo / name).write_bytes((DEMO / name).read_bytes())
        os.utime(demo / name, (OLD_RELEASE_DAY.timestamp(),) * 2)
    for args in (["import", *(str(demo / name) for name in DEMO_FILES)], *RECORDED):
        result = runner.invoke(app, [*args, "--db", str(fresh)])
        assert result.exit_code == 0, result.output
    for args in ANSWERS:
        said = []
        for path in (old, fresh):
            result = runner.invoke(app, [*args, "--db", str(path)])
            assert result.exit_code == 0, (args, result.output)
            # (a whole-graph answer says when it was computed: now, for each)
            said.append(re.sub(r'"as_of":"[^"]*"', "", result.output.replace(str(path), "FILE")))
        assert said[0] == said[1], args
    assert _schema(old) == SCHEMA


def test_a_newer_file_is_refused(tmp_path):
    path = tmp_path / "new.db"
    SQLiteStore(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("UPDATE meta SET v = ? WHERE k = 'schema'", (SCHEMA + 1,))
    db.close()
    with pytest.raises(RuntimeError):
        SQLiteStore(path)


def test_a_new_file_is_private_and_in_wal_mode(tmp_path):
    path = tmp_path / "store.db"
    SQLiteStore(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_two_connections_writing_one_file_keep_one_graph(tmp_path):
    # Each connection remembers node ids between batches; a write through the other one
    # (which may drop and re-create a node under a new id) must not leave it stale.
    path = tmp_path / "store.db"
    a, b = SQLiteStore(path), SQLiteStore(path)
    a.write(small_campaign())
    cam = conversation("Cam Lee", "2026-11-05", unit="ER",
                       issues=[{"issue": "parking costs", "anger": 1}])
    b.write([conversation("Cam Lee", "2026-11-05", unit="ER", issues=[])])
    a.write([cam])
    reference = SQLiteStore(tmp_path / "reference.db")
    reference.write(small_campaign())
    reference.write([conversation("Cam Lee", "2026-11-05", unit="ER", issues=[])])
    reference.write([cam])
    assert a.counts() == b.counts() == reference.counts()
    assert a.snapshot(CAMPAIGN) == reference.snapshot(CAMPAIGN)


def test_a_cleared_store_builds_the_same_graph_again(tmp_path):
    store = SQLiteStore(tmp_path / "store.db")
    store.write(small_campaign())
    store.clear()
    assert store.counts() == {"nodes": {}, "edges": {}, "records": {}}
    store.write(small_campaign())
    again = SQLiteStore(tmp_path / "again.db")
    again.write(small_campaign())
    assert store.counts() == again.counts()
    assert store.snapshot(CAMPAIGN) == again.snapshot(CAMPAIGN)


def test_a_store_opens_and_reads_while_another_process_holds_the_write_lock(tmp_path):
    # A list in a new process, during an import's transaction: WAL lets it read, so opening
    # a current file must not take the write lock (it waited, then failed as "locked").
    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        store.write(small_campaign())
        expected = store.counts()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with SQLiteStore(path) as reader:
            assert reader.counts() == expected
            assert reader.campaigns() == [CAMPAIGN]
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_write_never_waits_for_a_reader_of_an_older_moment(tmp_path):
    """Under a team's load at a million people a refresher reads the campaign for a minute;
    each 1-on-1 written then ended with a checkpoint that waited for that reader, holding the
    file's write lock up to the 30 s busy timeout, and the other writers failed with
    "database is locked". A write now leaves the log to SQLite's own checkpoint, which waits
    for no one: another process writes at once after it (an import still empties the log)."""
    import threading

    from mapper.stores.sqlite import SQLiteStore
    from tests.records import conversation, small_campaign

    store = SQLiteStore(tmp_path / "w.db")
    store.write(small_campaign())
    reader = sqlite3.connect(tmp_path / "w.db")
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM records").fetchone()  # (a read holding its moment)
    other = sqlite3.connect(tmp_path / "w.db", timeout=5, isolation_level=None)
    done = threading.Event()
    worker = threading.Thread(target=lambda: (store.write([conversation(
        "Eve Stone", "2026-11-25", id="eve")]), done.set()), daemon=True)
    worker.start()
    try:
        assert done.wait(20), "the write waited for the reader"
        other.execute("BEGIN IMMEDIATE")  # (the write lock is free: no busy wait)
        other.execute("ROLLBACK")
    finally:
        reader.execute("ROLLBACK")
        worker.join(60)
        reader.close()
        other.close()
        store.close()


def test_a_read_of_the_stores_own_waits_as_long_as_the_store_does(tmp_path):
    """A snapshot, a list's rows or a campaign's words read through a connection of its own
    wait for a locked file (a checkpoint resetting the log) as the store's connection does,
    not SQLite's default 5 s: a page failed where a write waited."""
    store = SQLiteStore(tmp_path / "w.db")
    store.write(small_campaign())
    (own,) = store._db.execute("PRAGMA busy_timeout").fetchone()
    with store._snapshot_reading() as (db, _version):
        assert db is not store._db
        assert db.execute("PRAGMA busy_timeout").fetchone() == (own,)
    assert own >= 30_000
    store.close()


def test_a_lease_waits_for_a_locked_file_a_moment_not_holding_the_workers_pages(tmp_path):
    """A refresher's lease renewal (every 20 s) while another process holds the file's write
    lock waited SQLite's 30 s busy timeout holding the store's lock, and every page of that
    worker waited with it. It gives up after a moment (tried again at the next beat), a page
    reads meanwhile, and the store waits as long as before for its writes."""
    import threading

    store = SQLiteStore(tmp_path / "w.db")
    store.write(small_campaign())
    now = dt.datetime(2026, 12, 6, tzinfo=dt.timezone.utc)
    other = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # (another process's long transaction)
    failed, read = threading.Event(), threading.Event()

    def renew() -> None:
        try:
            store.take_lease("answers", "me", now, now + dt.timedelta(seconds=60))
        except sqlite3.OperationalError:
            failed.set()
    renewal = threading.Thread(target=renew, daemon=True)
    try:
        renewal.start()
        page = threading.Thread(target=lambda: (store.version(), read.set()), daemon=True)
        page.start()
        assert read.wait(10), "a page waited for the renewal"
        assert failed.wait(10), "the renewal waited out the busy timeout"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.take_lease("answers", "me", now, now + dt.timedelta(seconds=60))
    assert store._db.execute("PRAGMA busy_timeout").fetchone()[0] >= 30_000
    store.close()


def test_a_persons_history_is_read_by_her_index_not_the_campaigns(tmp_path):
    """The person page reads her 1-on-1s three times. SQLite chose the campaign's index for
    them (campaign and kind: two equal columns against one), and read every 1-on-1 of the
    campaign each time: 1.3-1.6 s at a million people. Her own index reads hers."""
    store = SQLiteStore(tmp_path / "p.db")
    store.write(small_campaign())
    asked = []
    rows = store._rows
    store._rows = lambda sql, *args: (asked.append((sql, *args)), rows(sql, *args))[1]
    history = store.person_history(CAMPAIGN, "Ana Lopez")
    assert [c.contact.name for c in history] and {c.contact.name for c in history} == {"Ana Lopez"}
    db = sqlite3.connect(tmp_path / "p.db")
    plans = [" ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, *args))
             for sql, *args in asked if "WHERE person = ?" in sql]
    db.close()
    store.close()
    assert plans and all("records_person" in p for p in plans), plans


def test_a_campaigns_words_are_read_without_taking_the_stores_lock_for_each_statement(tmp_path):
    """A refresher reads the words of every 1-on-1 with an action for its snapshot (250k at a
    million people). Read in chunks under the store's lock, taken again for each, it held off
    every page of its worker for half a minute (the lock is not fair: the thread letting it go
    takes it again first). Many are read through a connection of their own, and come back the
    same."""
    from mapper.stores.sqlite import _TEXTS_UNDER_LOCK

    store = SQLiteStore(tmp_path / "w.db")
    store.write(small_campaign())
    store.write([conversation("Eve Stone", "2026-11-21", ask={
        "asked": True, "action": "sign the petition", "response": "yes"})])
    every = store.conversation_texts(CAMPAIGN)
    assert any(f.get("ask.action") == "sign the petition" for f in every.values())

    class Counted:  # the store's lock, counting how often it is taken
        def __init__(self, lock) -> None:
            self.lock, self.taken = lock, 0

        def __enter__(self):
            self.taken += 1
            return self.lock.__enter__()

        def __exit__(self, *exc):
            return self.lock.__exit__(*exc)
    store._lock = Counted(store._lock)
    many = [*every, *(f"no-such-{i}" for i in range(10 * _TEXTS_UNDER_LOCK))]
    assert store.conversation_texts(CAMPAIGN, many) == every
    assert store._lock.taken <= 1, store._lock.taken
    store._lock.taken = 0
    assert store.conversation_texts(CAMPAIGN, list(every)) == every  # (a page's: as before)
    store.close()


class _Watched:
    """A store's connection, noting each statement run through it with its values (the first
    row's, for ``executemany``)."""

    def __init__(self, db) -> None:
        self.db, self.ran = db, []

    def execute(self, sql, params=()):
        self.ran.append((sql, tuple(params)))
        return self.db.execute(sql, params)

    def executemany(self, sql, rows):
        rows = list(rows)
        if rows:
            self.ran.append((sql, tuple(rows[0])))
        return self.db.executemany(sql, rows)

    def __getattr__(self, name):
        return getattr(self.db, name)


def test_every_contacts_row_for_a_ranking_is_read_outside_the_stores_lock(tmp_path):
    """Ranking the whole ask queue reads every contact's row (400k at a million people,
    1.2-2.7 s). Through the store's own connection, under its lock, every page of the worker
    waited that long: they are read through a connection of their own."""
    store = SQLiteStore(tmp_path / "r.db")
    store.write(small_campaign())
    expected = store._ask_rows(CAMPAIGN)
    assert expected

    store._db = _Watched(store._db)
    assert store._ask_rows(CAMPAIGN) == expected
    assert not [sql for sql, _ in store._db.ran if "FROM rm_people" in sql]
    with store._reading():  # (inside the store's own transaction: its connection, as before)
        assert store._ask_rows(CAMPAIGN) == expected
    assert [sql for sql, _ in store._db.ran if "FROM rm_people" in sql]
    store._db = store._db.db
    store.close()


def _scans(path, ran) -> list[tuple[str, str]]:
    """The statements of ``ran`` whose plan reads a large table whole (or one of its indexes)."""
    plans = sqlite3.connect(path)
    plans.create_function("mapper_normalize", 1, str)  # (the store's own, for the plans)
    scans = []
    for sql, params in ran:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH", "UPDATE", "DELETE", "INSERT")):
            continue
        for row in plans.execute("EXPLAIN QUERY PLAN " + sql, params):
            words = row[3].split()
            if words[0] == "SCAN" and any(t in words[1:2] for t in (
                    "edges", "e", "nodes", "n", "m", "records", "rm_people", "r", "rm_items")):
                scans.append((row[3], sql[:120]))
    plans.close()
    return scans


def test_a_persons_page_an_organizers_list_and_a_name_looked_up_scan_no_large_table(tmp_path):
    """Her page reads hers alone: her updates and contact assignments were read from every
    one of the campaign's (2-3 s at a million people with 300,000 contacts assigned), whom
    she is assigned to from every assignment (0.2 s), and a name looked up in the identity
    index read every name in it (0.3 s: `mapper log`, `assign`, every record posted). An
    organizer's My list, and whom a list's first rows are assigned to, read theirs too (2.5
    and 2.8 s)."""
    from mapper import services
    from mapper.models import Assignment, Update

    store = SQLiteStore(tmp_path / "p.db")
    store.write([*small_campaign(),
                 Update(person="Ana Lopez", campaign=CAMPAIGN, organizer="Maya Ortiz",
                        date="2026-11-20", update="note", note="n"),
                 Assignment(person="Ana Lopez", organizer="Maya Ortiz", campaign=CAMPAIGN),
                 Assignment(person="Ben Ortiz", organizer="Sam Lee", campaign=CAMPAIGN)])
    store._db = _Watched(store._db)
    found = services.person_timeline(store, CAMPAIGN, "ana  LOPEZ")
    mayas = store.my_list(CAMPAIGN, today=dt.date(2026, 11, 25), organizer="Maya Ortiz")
    assigned = store.assignees_of(CAMPAIGN, [f"person:{CAMPAIGN}:ben ortiz"])
    ran, store._db = store._db.ran, store._db.db
    assert [c["name"] for o in mayas["organizers"] for c in o["contacts"]] == ["Ana Lopez"]
    assert assigned == {f"person:{CAMPAIGN}:ben ortiz": "Sam Lee"}
    assert [r["record_type"] for r in found["records"]].count("update") == 1
    assert found["assigned_to"] == "Maya Ortiz"
    assert [r["organizer"] for r in found["records"] if r["record_type"] == "assignment"] == [
        "Maya Ortiz"]
    assert not _scans(tmp_path / "p.db", ran)
    store.close()


def test_a_write_scans_no_large_table(tmp_path):
    """Every statement a 1-on-1's write runs reads through an index: the write holds the
    file's write lock and the worker's store lock, and one statement scanning every edge
    (whether a referrer brought a coworker, read with "type = 'REFERRED'", which the ties'
    partial index does not match) took 4 s a write at a million people, every page of the
    worker waiting. Here the first 1-on-1 with someone referred (her referrer now brought a
    coworker) and one with someone new."""
    store = SQLiteStore(tmp_path / "s.db")
    store.write(small_campaign())
    store._db = _Watched(store._db)
    store.write([conversation("Dee Park", "2026-11-22", unit="ER"),
                 conversation("Fay Moss", "2026-11-22", unit="ICU")])
    ran, store._db = store._db.ran, store._db.db
    assert store._rows("SELECT brought FROM rm_people WHERE person LIKE '%ana lopez'") == [(1,)]
    scans = _scans(tmp_path / "s.db", ran)
    store.close()
    assert not scans, scans


def _scanned(store: SQLiteStore, query: str, limit: int) -> list:
    """The search as it was, by a scan of every person's row (what the index must agree with)."""
    from mapper.keys import normalize
    from mapper.stores.base import PersonHit

    needle, prefix = normalize(query), f"person:{CAMPAIGN}:"
    rows = store._rows(
        "SELECT n.key, n.name, (SELECT count(*) FROM records r WHERE r.person = n.key "
        "AND r.kind = 'conversation') FROM nodes n WHERE n.campaign = ?4 AND n.kind = 'Person' "
        "AND (substr(n.key, ?1) LIKE ?2 ESCAPE '\\' OR (substr(n.key, ?1, 1) = '#' "
        "AND mapper_normalize(n.name) LIKE ?2 ESCAPE '\\')) ORDER BY n.key LIMIT ?3",
        (len(prefix) + 1, "%" + needle.replace("%", "\\%").replace("_", "\\_") + "%",
         limit, CAMPAIGN))
    return [PersonHit(k, n, CAMPAIGN, c) for k, n, c in rows]


def test_a_search_reads_the_people_index_and_finds_whom_the_scan_of_every_row_found(tmp_path):
    """A search as typed read every person's row (0.6-1.2 s at a million people); it reads
    the people's keys in order from their index, stopping at the limit, and those known by a
    custom id by their range of keys. The same people, in the same order, as the scan, for
    names with punctuation, accents, custom ids, and every cut of the list."""
    from mapper.models import RosterRow

    store = SQLiteStore(tmp_path / "s.db")
    names = ["Ana Lopez", "Ana López", "Ben O'Neill", "Cam 100% Lee", "Dee_Ann Park",
             "Ángela O'Neill-Ruiz", "Zoe Ann", "Annette Bo", "Bo Annis", "Lee Ana"]
    store.write([RosterRow(name=n, unit="ICU", campaign=CAMPAIGN) for n in names]
                + [RosterRow(name=n, custom_id=f"E-{i}", campaign=CAMPAIGN)
                   for i, n in enumerate(["Ann Quinn", "Ana Vega", "Zed O'Neill"])]
                + [RosterRow(name="Ana Other", campaign="elsewhere")])
    queries = ["ana", "an", "ANN", "o'neill", "o neill", "100%", "dee_ann", "ángela", "e-1",
               "lee", "zzz", "", "%", "_"]
    indexed = {(q, n): store.search_people(CAMPAIGN, q, n) for q in queries
               for n in (-1, 0, 1, 2, 3, 20)}
    store._db = _Watched(store._db)
    for q in queries[:3]:
        store.search_people(CAMPAIGN, q, 2)
    ran, store._db = store._db.ran, store._db.db
    assert not _scans(tmp_path / "s.db", ran)
    plans = sqlite3.connect(tmp_path / "s.db")
    plans.create_function("mapper_normalize", 1, str)
    used = [" ".join(row[3] for row in plans.execute("EXPLAIN QUERY PLAN " + sql, params))
            for sql, params in ran if "instr(" in sql]
    plans.close()
    assert len(used) == 6 and all("USING INDEX nodes_people" in p for p in used), used
    assert {k: _scanned(store, *k) for k in indexed} == indexed
    store._db.execute("DROP INDEX nodes_people")  # (a file opened while a writer held it)
    assert {k: store.search_people(CAMPAIGN, *k) for k in indexed} == indexed
    found = indexed["ana", -1]
    assert {h.name for h in found} == {"Ana Lopez", "Ana López", "Lee Ana", "Ana Vega"}
    assert [h.key for h in found] == sorted(h.key for h in found)
    assert indexed["ana", 2] == found[:2]
    assert {h.campaign for h in indexed["ana", -1]} == {CAMPAIGN}
    store.close()


def test_the_ladders_count_reads_the_committed_peoples_entries_alone(tmp_path):
    """The ladder's table says how many more rows there are: it counted every person's row
    of the campaign (0.26 s at a million people); it counts the entries of an index of the
    committed people still in the workplace, and finds as many."""
    store = SQLiteStore(tmp_path / "l.db")
    store.write(small_campaign())
    committed = store._committed_rows(CAMPAIGN)[1]
    store._db = _Watched(store._db)
    found = store.ladder_page(CAMPAIGN, limit=1, today=dt.date(2026, 12, 1))
    ran, store._db = store._db.ran, store._db.db
    assert committed and found is not None and found[1] == len(committed)
    plans = sqlite3.connect(tmp_path / "l.db")
    named = {"campaign": CAMPAIGN, "day": "2026-12-01", "first": 1}  # (its named values)
    counts = [" ".join(row[3] for row in plans.execute("EXPLAIN QUERY PLAN " + sql, named))
              for sql, _ in ran if sql.startswith("SELECT count(*) FROM rm_people")]
    plans.close()
    store.close()
    assert counts and all("COVERING INDEX rm_people_committed" in p for p in counts), counts


def test_the_ladders_coworkers_to_bring_read_who_left_from_their_entries_alone(tmp_path):
    """The coworker each committed person could bring is someone still in the workplace:
    who left was read from every person's row of the campaign (0.3 s at a million people,
    in every ladder table); it is read from an index of their entries, and still counts."""
    from mapper.models import Update

    store = SQLiteStore(tmp_path / "l.db")
    store.write(small_campaign())
    day = dt.date(2026, 12, 10)  # (her yes's date passed: Ana is on the second rung)
    store._db = _Watched(store._db)  # (two to choose from: who trusts most, who left read)
    assert [e["next_step"] for e in store.ladder(CAMPAIGN, today=day)] == [
        "bring a coworker to the next meeting (e.g. Ben Ortiz)"]
    ran, store._db = store._db.ran, store._db.db
    store.write([Update(person="Ben Ortiz", campaign=CAMPAIGN, organizer="Maya Ortiz",
                        date="2026-12-05", update="attempt", outcome="left")])
    assert [e["next_step"] for e in store.ladder(CAMPAIGN, today=day)] == [
        "bring a coworker to the next meeting (e.g. Dee Park)"]
    plans = sqlite3.connect(tmp_path / "l.db")
    left = [" ".join(row[3] for row in plans.execute("EXPLAIN QUERY PLAN " + sql, params))
            for sql, params in ran if "rm_people WHERE campaign = ? AND left" in sql]
    plans.close()
    assert left and all("COVERING INDEX rm_people_left" in p for p in left), left
    store.close()


def test_the_day_the_ladder_is_as_of_is_found_by_one_seek(tmp_path):
    """Without a day given (the overview page's took action), the ladder is as of the
    campaign's latest 1-on-1 or update among the people still in the workplace: found by a
    pass over every person's row (0.26 s at a million people); it is one seek of an index of
    their dates, and still leaves out those who left."""
    from mapper.models import Update

    store = SQLiteStore(tmp_path / "d.db")
    store.write(small_campaign())

    def latest() -> str:
        rows = store._db.execute("SELECT last_date FROM rm_people WHERE campaign = ? "
                                 "AND NOT left AND last_date IS NOT NULL", (CAMPAIGN,))
        return max(d for (d,) in rows)

    def ladder_day() -> str | None:
        with store._reading() as db:
            return store._latest_day(db, CAMPAIGN)

    before = ladder_day()
    assert before == latest() < "2026-12-05"
    store.write([Update(person="Ben Ortiz", campaign=CAMPAIGN, organizer="Maya Ortiz",
                        date="2026-12-05", update="attempt", outcome="no_answer")])
    assert ladder_day() == latest() == "2026-12-05"
    store.write([Update(person="Ben Ortiz", campaign=CAMPAIGN, organizer="Maya Ortiz",
                        date="2026-12-06", update="attempt", outcome="left")])
    assert ladder_day() == latest() == before
    store._db = _Watched(store._db)
    assert store.ladder_page(CAMPAIGN, limit=1) is not None
    ran, store._db = store._db.ran, store._db.db
    plans = sqlite3.connect(tmp_path / "d.db")
    found = [" ".join(row[3] for row in plans.execute("EXPLAIN QUERY PLAN " + sql, params))
             for sql, params in ran if sql.startswith("SELECT max(last_date)")]
    plans.close()
    store.close()
    assert found and all("INDEX rm_people_latest" in p for p in found), found
