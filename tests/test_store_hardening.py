"""Nothing lost: records scoped by campaign, concurrent writers, re-projections that resume,
snapshots read whole. Each test runs on the embedded store and on a real Neo4j."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from mapper.analytics.cached import Analytics
from mapper.models import OneOnOne
from mapper.projection import conversation_key
from mapper.stores.base import Reprojection, Store
from mapper.stores import sqlite as sqlite_module
from mapper.stores.sqlite import SCHEMA, SQLiteStore
from tests.records import CAMPAIGN, alias, conversation, small_campaign


def maria(campaign: str, story: str, **fields) -> OneOnOne:
    return OneOnOne.model_validate({
        "date": "2026-11-20", "organizer": "Maya Ortiz", "campaign": campaign,
        "contact": {"name": "Maria Garcia", "unit": "ICU"},
        "issues": [{"issue": "short staffing", "anger": 4, "story": story}], **fields})


def reopen(store: Store, neo4j_uri: str | None = None) -> Store:
    """A second client of the same store, as the next command would open it."""
    if isinstance(store, SQLiteStore):
        return SQLiteStore(store.path)
    from mapper.stores.neo4j import Neo4jStore

    return Neo4jStore(neo4j_uri)


def test_two_campaigns_keep_their_own_1_on_1_with_the_same_person_on_the_same_day(store: Store):
    first = store.write([maria("campaign-a", "STORY A")])
    second = store.write([maria("campaign-b", "STORY B")])
    assert (first.added, second.added, second.replaced) == (1, 1, 0)
    assert store.counts()["records"]["conversation"] == 2
    assert store.campaigns() == ["campaign-a", "campaign-b"]
    for campaign, story in (("campaign-a", "STORY A"), ("campaign-b", "STORY B")):
        (history,) = store.person_history(campaign, "Maria Garcia")
        assert history.campaign == campaign and history.issues[0].story == story
        assert len(store.snapshot(campaign).conversations) == 1
    # Re-sending either changes nothing, and the export brings both back.
    assert store.write([maria("campaign-a", "STORY A")]).unchanged == 1
    exported = [json.loads(line) for line in store.export()]
    assert sorted(r["campaign"] for r in exported) == ["campaign-a", "campaign-b"]


def test_the_same_explicit_id_in_two_campaigns_is_two_records(store: Store):
    store.write([maria("campaign-a", "STORY A", id="visit-1"), maria("campaign-b", "STORY B", id="visit-1")])
    assert store.counts()["records"]["conversation"] == 2
    found = store.get_records([conversation_key("campaign-a", "visit-1")])
    assert [r.body["issues"][0]["story"] for r in found] == ["STORY A"]


def test_a_record_corrected_in_one_campaign_leaves_the_other_alone(store: Store):
    store.write([maria("campaign-a", "STORY A"), maria("campaign-b", "STORY B")])
    result = store.write([maria("campaign-b", "STORY B, corrected")])
    assert (result.added, result.replaced) == (0, 1)
    (a,) = store.person_history("campaign-a", "Maria Garcia")
    assert a.issues[0].story == "STORY A"
    assert store.counts("campaign-a")["edges"] == store.counts("campaign-b")["edges"]


def test_concurrent_writers_of_the_same_records_all_succeed_and_store_one_copy(store: Store, request):
    records = [conversation(f"Person {i}", "2026-11-21", unit=f"Unit {i % 4}") for i in range(60)]
    neo4j_uri = request.getfixturevalue("neo4j_uri") if not isinstance(store, SQLiteStore) else None
    writers = [reopen(store, neo4j_uri) for _ in range(4)]
    for w in writers:
        w.batch_size = 7  # many batches, so the writers interleave
    start = threading.Barrier(len(writers))
    results, errors = [], []

    def run(w: Store) -> None:
        start.wait()
        try:
            results.append(w.write(records))
        except Exception as exc:  # pragma: no cover - the failure this test is about
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for w in writers:
        w.close()
    assert errors == []
    # Between them the writers added each record once; the rest found it stored.
    assert sum(r.added for r in results) == len(records)
    assert sum(r.replaced for r in results) == 0
    assert sum(r.unchanged for r in results) == 3 * len(records)
    alone = SQLiteStore(":memory:")
    alone.write(records)
    assert store.counts() == alone.counts()
    assert store.snapshot(CAMPAIGN) == alone.snapshot(CAMPAIGN)


def test_an_alias_whose_re_projection_failed_part_way_is_finished_by_the_next_command(
        store: Store, request, monkeypatch):
    neo4j_uri = request.getfixturevalue("neo4j_uri") if not isinstance(store, SQLiteStore) else None
    store.batch_size = 2
    store.write(small_campaign())
    apply = store._apply
    batches = []

    def second_reprojection_batch_fails(batch, tally=None):
        if any(r.reproject for r in batch):
            batches.append(batch)
            if len(batches) == 2:
                raise RuntimeError("the connection dropped")
        return apply(batch, tally)

    monkeypatch.setattr(store, "_apply", second_reprojection_batch_fails)
    with pytest.raises(RuntimeError, match="connection dropped"):
        store.write([alias("person", "Ana Lopez", "Ana M Lopez")])
    monkeypatch.undo()
    # Half done: the alias is stored and its campaign still marked.
    assert [w.campaign for w in store._pending()] == [CAMPAIGN]
    assert any(w.cursor for w in store._pending())
    # The next command opens the store and finishes the re-projection.
    nxt = reopen(store, neo4j_uri)
    try:
        assert nxt._pending() == []
        # (Her roster row, her tie and both her 1-on-1s: in two batches, and more.)
        people = nxt.snapshot(CAMPAIGN).people
        assert "person:test-campaign:ana lopez" not in people
        assert "person:test-campaign:ana m lopez" in people
        assert nxt.write([alias("person", "Ana Lopez", "Ana M Lopez")]).unchanged == 1
    finally:
        nxt.close()
    fresh = SQLiteStore(":memory:")
    fresh.write([alias("person", "Ana Lopez", "Ana M Lopez"), *small_campaign()])
    assert store.counts() == fresh.counts()
    assert store.snapshot(CAMPAIGN) == fresh.snapshot(CAMPAIGN)


def test_an_older_re_projection_finishing_does_not_clear_a_newer_mark(store: Store, monkeypatch):
    store.write(small_campaign())
    monkeypatch.setattr(store, "resume", lambda: 0)  # the write leaves its mark for later
    store.write([alias("issue", "mandatory overtime", "short staffing")])
    monkeypatch.undo()
    (work,) = store._pending()
    older = Reprojection(CAMPAIGN, "an-older-token")
    store._progress(older, "0\0\0x")
    store._progress(older, None)
    assert store._pending() == [work]
    # (The records naming the spelling: the one 1-on-1 angry about mandatory overtime.)
    assert store.resume() == 1 and store._pending() == []
    assert "issue:test-campaign:mandatory overtime" not in store.snapshot(CAMPAIGN).issues


def test_a_snapshot_is_one_state_of_the_file_whatever_another_process_commits_meanwhile(tmp_path,
                                                                                      monkeypatch):
    path = tmp_path / "store.db"
    store = SQLiteStore(path)
    store.write(small_campaign())
    before = store.snapshot(CAMPAIGN)
    version = store.version()
    other = SQLiteStore(path)
    build = sqlite_module.build_snapshot  # (the snapshot reads its version and the nodes,
    landed = []                           # then streams the edges into the build)

    def a_write_lands_between_the_reads(rows):
        landed.append(other.write([conversation(
            "Eve Stone", "2026-11-22", unit="Lab",
            issues=[{"issue": "night parking", "anger": 5}])]))
        return build(rows)

    monkeypatch.setattr(sqlite_module, "build_snapshot", a_write_lands_between_the_reads)
    snap = store.snapshot(CAMPAIGN)
    assert landed and landed[0].added == 1  # it did land, between the snapshot's reads
    assert snap == before and snap.version == version
    monkeypatch.undo()
    after = store.snapshot(CAMPAIGN)
    assert "person:test-campaign:eve stone" in after.people and after.version > version


def test_a_snapshot_being_built_holds_up_no_other_thread_of_the_store(tmp_path, monkeypatch):
    # A dashboard worker's threads share one store: a write (the API, the form) and a page's
    # read go on while another thread reads and builds the campaign's snapshot.
    store = SQLiteStore(tmp_path / "store.db")
    store.write(small_campaign())
    build = sqlite_module.build_snapshot
    meanwhile = []

    def others_go_on_while_it_builds(rows):
        def other() -> None:
            store.write([conversation("Eve Stone", "2026-11-22", unit="Lab")])
            meanwhile.append(store.structure(CAMPAIGN))
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=60)  # (under the store's lock it would wait for this build)
        meanwhile.append(thread.is_alive())
        return build(rows)

    monkeypatch.setattr(sqlite_module, "build_snapshot", others_go_on_while_it_builds)
    snap = store.snapshot(CAMPAIGN)
    assert meanwhile[-1] is False and meanwhile[0] is not None  # done, while it was built
    assert "person:test-campaign:eve stone" not in snap.people  # as of before that write
    monkeypatch.undo()
    assert "person:test-campaign:eve stone" in store.snapshot(CAMPAIGN).people


def test_analytics_keep_an_answer_under_the_version_its_snapshot_was_read_at():
    store = SQLiteStore(":memory:")
    store.write(small_campaign())
    analytics = Analytics(store, campaign=CAMPAIGN)
    real_snapshot = store.snapshot

    def a_write_lands_after_the_version_is_read(campaign):
        store.snapshot = real_snapshot
        store.write([conversation("Eve Stone", "2026-11-22")])
        return real_snapshot(campaign)

    def contacted(snapshot):  # a question computed from the snapshot (not the read model)
        return {"contacted": sorted(c.person for c in snapshot.conversations)}

    older = store.version()
    store.snapshot = a_write_lands_after_the_version_is_read
    answer = analytics.run(contacted)
    assert older not in analytics.versions()
    assert analytics.versions() == [store.version()]
    # The answer already counts the write, and is what the newer version's callers get.
    assert "person:test-campaign:eve stone" in answer["contacted"]
    hits = analytics.stats["hits"]
    assert analytics.run(contacted) is answer and analytics.stats["hits"] == hits + 1


def _schema_3_file(path) -> None:
    """Turn a file back into what schema 3 wrote: 1-on-1s keyed by their own id."""
    db = sqlite3.connect(path)
    db.executescript("""
        UPDATE records SET id = json_extract(body, '$.id') WHERE kind = 'conversation';
        DROP TABLE reprojection;
        UPDATE meta SET v = 3 WHERE k = 'schema';""")
    db.commit()
    db.close()


def test_a_schema_3_file_is_migrated_without_losing_a_record(tmp_path):
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    store.write(small_campaign())
    want = (store.counts(), sorted(store.export()), store.snapshot(CAMPAIGN))
    store.close()
    _schema_3_file(path)
    migrated = SQLiteStore(path)
    assert (migrated.counts(), sorted(migrated.export()), migrated.snapshot(CAMPAIGN)) == want
    assert migrated.get_records([conversation_key(CAMPAIGN, "ana-second")])
    assert sqlite3.connect(path).execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)


@pytest.mark.neo4j
def test_a_neo4j_store_from_before_campaign_keys_is_migrated_when_opened(open_store_of_kind, neo4j_uri):
    from mapper.stores.neo4j import Neo4jStore

    store = open_store_of_kind("neo4j")
    store.write(small_campaign())
    want = (store.counts(), sorted(store.export()), store.snapshot(CAMPAIGN))
    with store._driver.session() as session:
        session.run("MATCH (r:Record {kind: 'conversation'}) "
                    "SET r.id = substring(r.id, size('conversation:' + r.campaign + ':'))").consume()
        session.run("MATCH (m:StoreMeta) REMOVE m.schema").consume()
    migrated = Neo4jStore(neo4j_uri)
    try:
        assert (migrated.counts(), sorted(migrated.export()), migrated.snapshot(CAMPAIGN)) == want
        assert migrated.get_records([conversation_key(CAMPAIGN, "ana-second")])
    finally:
        migrated.close()
