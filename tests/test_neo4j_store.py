"""The Neo4j store's own shortcuts keep its answers: a snapshot streamed, bulk writes."""

from __future__ import annotations

import dataclasses
import json

import neo4j
import pytest

from mapper.stores import neo4j as neo4j_module
from mapper.stores.sqlite import SQLiteStore
from tests.records import CAMPAIGN, conversation, small_campaign

pytestmark = pytest.mark.neo4j


def rows_of(snapshot_rows) -> dict[str, list[str]]:
    # Row order is each store's own; the rows are what must agree.
    return {f.name: sorted(json.dumps(row, sort_keys=True) for row in getattr(snapshot_rows, f.name))
            for f in dataclasses.fields(snapshot_rows) if f.name != "version"}


@pytest.fixture
def neo(open_store_of_kind):
    store = open_store_of_kind("neo4j")
    store.write(small_campaign())
    return store


@pytest.mark.parametrize("read", ["snapshot_rows", "snapshot"])
def test_a_snapshot_read_while_a_write_commits_is_read_again(neo, monkeypatch, read):
    snapshot_read = neo4j_module._snapshot_read
    calls = []

    def write_meanwhile(tx, campaign, consume):
        calls.append(campaign)

        def written_first(rows):
            # The first reading has read the version; a write commits before its rows.
            if len(calls) == 1:
                neo.write([conversation("Zoe Quill", "2026-11-21")])
            return consume(rows)

        return snapshot_read(tx, campaign, written_first)

    monkeypatch.setattr(neo4j_module, "_snapshot_read", write_meanwhile)
    got = getattr(neo, read)(CAMPAIGN)
    monkeypatch.undo()
    assert len(calls) == 2
    assert got == getattr(neo, read)(CAMPAIGN)
    assert got.version == neo.version()
    people = {key for key, _ in got.people} if read == "snapshot_rows" else set(got.people)
    assert "person:test-campaign:zoe quill" in people


@pytest.mark.parametrize("read", ["snapshot_rows", "snapshot"])
def test_a_store_under_constant_writes_still_answers(neo, monkeypatch, read):
    snapshot_read = neo4j_module._snapshot_read
    written = []

    def always_writing(tx, campaign, consume):
        def written_first(rows):
            written.append(len(written))
            neo.write([conversation(f"Person {len(written)}", "2026-11-21")])
            return consume(rows)

        return snapshot_read(tx, campaign, written_first)

    monkeypatch.setattr(neo4j_module, "_snapshot_read", always_writing)
    got = getattr(neo, read)(CAMPAIGN)
    monkeypatch.undo()
    assert len(written) == neo4j_module._SNAPSHOT_ATTEMPTS
    # The last reading, as it was: its rows after the write, its version from before it.
    again = getattr(neo, read)(CAMPAIGN)
    assert got.version < again.version
    if read == "snapshot_rows":
        assert rows_of(got) == rows_of(again)
    else:
        assert got == again  # (a snapshot's version is not part of what it says)


def test_the_streamed_snapshot_is_the_one_built_from_the_listed_rows(open_store_of_kind,
                                                                     tmp_path):
    from mapper.generate import generate_campaign
    from mapper.importer import import_files
    from mapper.snapshot import build_snapshot

    generate_campaign(tmp_path, 400, seed=11)
    files = [tmp_path / n for n in ("roster.csv", "hierarchy.csv", "ties.csv",
                                    "conversations.jsonl")]
    sqlite, neo = open_store_of_kind("sqlite"), open_store_of_kind("neo4j")
    for store in (sqlite, neo):
        assert import_files(store, files).ok
    campaign = neo.campaigns()[0]
    rows = neo.snapshot_rows(campaign)
    assert rows_of(rows) == rows_of(sqlite.snapshot_rows(campaign))
    streamed = neo.snapshot(campaign)
    assert streamed.conversations and streamed.ties and streamed.anger
    assert streamed == build_snapshot(rows) == sqlite.snapshot(campaign)
    assert streamed.version == rows.version == neo.version()


def test_a_bulk_import_in_one_batch_builds_what_small_batches_build(open_store_of_kind):
    records = small_campaign() + [conversation(f"Person {i}", f"2026-11-{10 + i % 10}",
                                               unit=f"Unit {i % 3}") for i in range(40)]
    sqlite = SQLiteStore(":memory:")
    sqlite.write(records)
    neo = open_store_of_kind("neo4j")
    for batch_size in (len(records), 3):
        neo.clear()
        neo.batch_size = batch_size
        neo.write(records)
        assert neo.counts() == sqlite.counts()
        assert rows_of(neo.snapshot_rows(CAMPAIGN)) == rows_of(sqlite.snapshot_rows(CAMPAIGN))
        assert list(neo.export()) == list(sqlite.export())
    sqlite.close()


def test_a_failing_batch_in_a_write_keeps_the_batches_before_it_and_stops_the_rest(neo, monkeypatch):
    write_batch = neo4j_module._write_batch
    written = []

    def second_fails(tx, rows):
        written.append(rows)
        if len(written) == 2:
            raise RuntimeError("boom")
        return write_batch(tx, rows)

    before = neo.counts()["records"]["conversation"]
    neo.batch_size = 2
    monkeypatch.setattr(neo4j_module, "_write_batch", second_fails)
    with pytest.raises(RuntimeError, match="boom"):
        neo.write([conversation(f"Person {i}", "2026-11-21") for i in range(7)])
    monkeypatch.undo()
    assert len(written) == 2
    assert neo.counts()["records"]["conversation"] == before + 2
    # The store goes on writing afterwards.
    neo.write([conversation("Zoe Quill", "2026-11-21")])
    assert neo.counts()["records"]["conversation"] == before + 3


def test_writes_and_reads_from_several_threads_each_see_their_own_batches(neo):
    from concurrent.futures import ThreadPoolExecutor

    before = neo.counts()["records"]["conversation"]
    neo.batch_size = 2
    lists = [[conversation(f"Writer{w} Person {i}", "2026-11-21") for i in range(9)] for w in range(2)]
    with ThreadPoolExecutor(3) as pool:
        results = [pool.submit(neo.write, records) for records in lists]
        reads = [pool.submit(neo.counts) for _ in range(5)]
        assert [r.result().added for r in results] == [9, 9]
        assert all(r.result()["records"] for r in reads)
    sqlite = SQLiteStore(":memory:")
    sqlite.write(small_campaign())
    for records in lists:
        sqlite.write(records)
    assert neo.counts()["records"]["conversation"] == before + 18
    assert rows_of(neo.snapshot_rows(CAMPAIGN)) == rows_of(sqlite.snapshot_rows(CAMPAIGN))
    sqlite.close()


def test_a_current_store_opens_with_reads_alone_and_a_missing_index_is_made_again(
        neo, neo4j_uri, monkeypatch):
    # A list from a new process opens the store first: 34 schema commands and a write on
    # every open were most of the server's time for a page of 20.
    ran: list[str] = []

    def recording(original):
        def run(self, query, *args, **kwargs):
            ran.append(query)
            return original(self, query, *args, **kwargs)
        return run

    monkeypatch.setattr(neo4j.Session, "run", recording(neo4j.Session.run))
    monkeypatch.setattr(neo4j.ManagedTransaction, "run", recording(neo4j.ManagedTransaction.run))
    load = neo4j_module.load_query
    schema = {*map(load, neo4j_module._SCHEMA), load("schema/await_indexes"),
              load("write/merge_store_meta")}
    neo4j_module.Neo4jStore(neo4j_uri).close()
    assert schema.isdisjoint(ran)
    assert len(ran) <= 4  # the indexes, the schema number, re-projections and rebuilds under way

    with neo.driver.session() as session:
        session.run("DROP INDEX follow_up_total").consume()
    neo4j_module.Neo4jStore(neo4j_uri).close()
    with neo.driver.session() as session:
        names = {name for (name,) in session.run("SHOW INDEXES YIELD name")}
    assert "follow_up_total" in names
