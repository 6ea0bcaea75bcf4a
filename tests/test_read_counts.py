"""The overview and mapper structure read counts the store keeps beside the read model's rows
(issue 16: at a million people they read a few hundred counts, not a million rows), on both
stores: after every kind of write the counts answer as the whole campaign's snapshot does,
for any anger threshold, and an older store gets them counted when opened."""

from __future__ import annotations

import datetime as dt

import pytest

from mapper.analytics.overview import overview
from mapper.analytics.structure import structure
from mapper.models import Update
from tests.records import CAMPAIGN, conversation, roster, small_campaign, tie

KINDS = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def _agrees(store) -> None:
    snapshot = store.snapshot(CAMPAIGN)
    for min_anger in (1, 3, 5):
        assert store.overview(CAMPAIGN, min_anger=min_anger) == \
            overview(snapshot, min_anger=min_anger), min_anger
    assert store.structure(CAMPAIGN) == structure(snapshot)


def _steps(store) -> None:
    """Writes of every kind, the counts checked after each."""
    store.write([*small_campaign(), roster("Noor Haddad", "ER"), roster("Tom Reyes", "ER"),
                 tie("Noor Haddad", "Tom Reyes")])
    _agrees(store)
    store.write([conversation("Noor Haddad", "2026-11-02", id="n1", assessment=1,
                              ask={"response": "yes", "action": "sign it", "due": "2026-11-09"},
                              issues=[{"issue": "parking", "anger": 2},
                                      {"issue": "short staffing", "anger": 5}])])
    _agrees(store)
    # Replaced: her anger, her answer and the day it was held change (to another week), and
    # the counts move with them.
    store.write([conversation("Noor Haddad", "2026-11-10", id="n1", assessment=3,
                              ask={"response": "maybe"},
                              issues=[{"issue": "parking", "anger": 4}])])
    _agrees(store)
    # Met off the roster, then gone from the workplace; and one whose unit nobody knows.
    store.write([conversation("Ivy Moss", "2026-11-05", id="i1", assessment=2,
                              issues=[{"issue": "parking", "anger": 3}]),
                 conversation("Zoe Park", "2026-11-05", id="z1", unit=None, assessment=1)])
    store.write([Update(person="Tom Reyes", date=dt.date(2026, 11, 6), campaign=CAMPAIGN,
                        update="attempt", outcome="left")])
    _agrees(store)
    # Deleted, as if never written.
    store.delete([f"conversation:{CAMPAIGN}:i1"])
    _agrees(store)


def _yes_unrated(store) -> None:
    """Dee (ER) says yes, never rated; Cam (ER) was rated 2: two supporters in ER."""
    store.write(small_campaign())
    store.write([conversation("Dee Park", "2026-11-06", id="d1", unit="ER",
                              ask={"response": "yes", "action": "sign it"})])


def _er(found: dict) -> tuple[int, int]:
    er = next(u for u in found["units"] if u["unit"] == "ER")
    return er["supporters"], er["committed"]


@pytest.mark.parametrize("kind", KINDS)
def test_someone_committed_and_never_rated_counts_as_a_supporter(open_store_of_kind, kind):
    store = open_store_of_kind(kind)
    _yes_unrated(store)
    assert _er(structure(store.snapshot(CAMPAIGN))) == _er(store.structure(CAMPAIGN)) == (2, 1)
    # Rated 4 later, her rating stands, yes or not; rated 2, she is one supporter again; her
    # yes replaced by a no, she stays one (rated 2); her rating gone too, she is none.
    store.write([conversation("Dee Park", "2026-11-07", id="d2", unit="ER", assessment=4)])
    assert _er(structure(store.snapshot(CAMPAIGN))) == _er(store.structure(CAMPAIGN)) == (1, 1)
    store.write([conversation("Dee Park", "2026-11-07", id="d2", unit="ER", assessment=2)])
    assert _er(store.structure(CAMPAIGN)) == (2, 1)
    store.write([conversation("Dee Park", "2026-11-06", id="d1", unit="ER",
                              ask={"response": "no"})])
    assert _er(store.structure(CAMPAIGN)) == (2, 0)
    store.write([conversation("Dee Park", "2026-11-07", id="d2", unit="ER")])
    assert _er(store.structure(CAMPAIGN)) == (1, 0)
    _agrees(store)


def test_a_schema_15_file_counts_the_committed_as_supporters_when_opened(tmp_path):
    """Schema 15 counted a committed person never rated as no supporter: opened, each
    campaign's counts are counted again from its rows."""
    from mapper.stores.sqlite import SCHEMA, SQLiteStore

    store = SQLiteStore(tmp_path / "old.db")
    _yes_unrated(store)
    store._db.executescript("UPDATE rm_counts SET n = n - 1 WHERE kind = 'unit' AND key = 'ER' "
                            "AND sub = 'supporters'; UPDATE meta SET v = 15 WHERE k = 'schema';")
    assert _er(store.structure(CAMPAIGN)) == (1, 1)  # (as schema 15 counted her)
    store.close()
    store = SQLiteStore(tmp_path / "old.db")
    try:
        assert store._db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)
        assert store._rebuilds() == [] and store._pending() == []
        assert _er(store.structure(CAMPAIGN)) == (2, 1)
        store.write([conversation("Dee Park", "2026-11-06", id="d1", unit="ER")])
        assert _er(store.structure(CAMPAIGN)) == (1, 0)
        _agrees(store)
    finally:
        store.close()


@pytest.mark.neo4j
def test_a_schema_16_neo4j_store_counts_the_committed_as_supporters_when_opened(
        open_store_of_kind, neo4j_uri):
    from mapper.analytics.structure import UnitCounts
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = open_store_of_kind("neo4j")
    _yes_unrated(store)
    at = UnitCounts._fields.index("supporters")
    with store._session() as session:  # as schema 16 counted her
        session.run("MATCH (c:ReadCount {kind: 'unit', key: 'ER', sub: ''}) "
                    "SET c.counts = [i IN range(0, size(c.counts) - 1) | "
                    "c.counts[i] - CASE WHEN i = $at THEN 1 ELSE 0 END]", at=at).consume()
        session.run("MATCH (m:StoreMeta) SET m.schema = 16").consume()
    assert _er(store.structure(CAMPAIGN)) == (1, 1)
    again = Neo4jStore(neo4j_uri)
    try:
        with again._session() as session:
            assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
        assert again._rebuilds() == [] and again._pending() == []
        assert _er(again.structure(CAMPAIGN)) == (2, 1)
        again.write([conversation("Dee Park", "2026-11-06", id="d1", unit="ER")])
        assert _er(again.structure(CAMPAIGN)) == (1, 0)
        _agrees(again)
    finally:
        again.close()


@pytest.mark.parametrize("kind", KINDS)
def test_the_overview_and_structure_counts_move_with_every_write(open_store_of_kind, kind):
    store = open_store_of_kind(kind)
    _steps(store)
    # And a rebuild of the read model counts them again from nothing, to the same.
    before = store.overview(CAMPAIGN), store.structure(CAMPAIGN)
    store.rebuild_read_model(CAMPAIGN)
    assert (store.overview(CAMPAIGN), store.structure(CAMPAIGN)) == before
    _agrees(store)


def test_a_schema_8_file_gets_its_counts_when_opened(tmp_path):
    from mapper.stores.sqlite import SCHEMA, SQLiteStore

    store = SQLiteStore(tmp_path / "old.db")
    _steps(store)
    expected = store.overview(CAMPAIGN), store.structure(CAMPAIGN)
    store._db.executescript("DROP TABLE rm_counts; ALTER TABLE rm_people DROP COLUMN days; "
                            "UPDATE meta SET v = 8 WHERE k = 'schema';")
    store.close()
    store = SQLiteStore(tmp_path / "old.db")
    try:
        assert store._db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)
        assert store._rebuilds() == [] and store._pending() == []
        assert (store.overview(CAMPAIGN), store.structure(CAMPAIGN)) == expected
        store.write([conversation("Tom Reyes", "2026-11-08", id="t1", assessment=2)])
        _agrees(store)
    finally:
        store.close()


def test_a_schema_9_file_gets_its_days_counted_when_opened(tmp_path):
    from mapper.stores.sqlite import SCHEMA, SQLiteStore

    store = SQLiteStore(tmp_path / "old.db")
    _steps(store)
    expected = store.overview(CAMPAIGN)
    assert expected["conversations_per_week"]
    store._db.executescript("ALTER TABLE rm_people DROP COLUMN days; "
                            "DELETE FROM rm_counts WHERE kind = 'day'; "
                            "UPDATE meta SET v = 9 WHERE k = 'schema';")
    store.close()
    store = SQLiteStore(tmp_path / "old.db")
    try:
        assert store._db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)
        assert store._rebuilds() == [] and store._pending() == []
        assert store.overview(CAMPAIGN) == expected
        store.write([conversation("Tom Reyes", "2026-11-08", id="t1", assessment=2)])
        _agrees(store)
    finally:
        store.close()


@pytest.mark.neo4j
def test_a_schema_7_neo4j_store_gets_its_days_counted_when_opened(open_store_of_kind,
                                                                   neo4j_uri):
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = open_store_of_kind("neo4j")
    _steps(store)
    expected = store.overview(CAMPAIGN)
    assert expected["conversations_per_week"]
    with store._session() as session:  # as schema 7 left it
        session.run("MATCH (r:PersonRow) REMOVE r.days").consume()
        session.run("MATCH (c:ReadCount {kind: 'day'}) DELETE c").consume()
        session.run("MATCH (m:StoreMeta) SET m.schema = 7").consume()
    again = Neo4jStore(neo4j_uri)
    try:
        with again._session() as session:
            assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
        assert again._rebuilds() == [] and again._pending() == []
        assert again.overview(CAMPAIGN) == expected
        again.write([conversation("Tom Reyes", "2026-11-08", id="t1", assessment=2)])
        _agrees(again)
    finally:
        again.close()


@pytest.mark.neo4j
def test_a_schema_6_neo4j_store_gets_its_counts_when_opened(open_store_of_kind, neo4j_uri):
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = open_store_of_kind("neo4j")
    _steps(store)
    expected = store.overview(CAMPAIGN), store.structure(CAMPAIGN)
    with store._session() as session:  # as schema 6 left it
        session.run("MATCH (c:ReadCount) DELETE c").consume()
        session.run("MATCH (r:PersonRow) REMOVE r.days").consume()
        session.run("MATCH (m:StoreMeta) SET m.schema = 6").consume()
    again = Neo4jStore(neo4j_uri)
    try:
        with again._session() as session:
            assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
        assert again._rebuilds() == [] and again._pending() == []
        assert (again.overview(CAMPAIGN), again.structure(CAMPAIGN)) == expected
        again.write([conversation("Tom Reyes", "2026-11-08", id="t1", assessment=2)])
        _agrees(again)
    finally:
        again.close()


@pytest.mark.neo4j
def test_a_schema_8_neo4j_store_gets_each_units_counts_in_one_node_when_opened(
        open_store_of_kind, neo4j_uri):
    """Schema 9 keeps a unit's counts in one node (mapper structure reads 25,000 nodes at a
    million people, not 150,000): a schema-8 store's are counted again on open (since schema
    12, with its read model's rebuild), and writes go on moving them, one node per unit."""
    from mapper.analytics.structure import UnitCounts
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = open_store_of_kind("neo4j")
    _steps(store)
    expected = store.overview(CAMPAIGN), store.structure(CAMPAIGN)
    with store._session() as session:  # as schema 8 left them: a node per unit and field
        session.run("MATCH (c:ReadCount {kind: 'unit', sub: ''}) "
                    "UNWIND range(0, size($fields) - 1) AS i "
                    "CREATE (:ReadCount {campaign: c.campaign, kind: 'unit', key: c.key, "
                    "sub: $fields[i], n: c.counts[i]}) "
                    "WITH DISTINCT c DELETE c", fields=list(UnitCounts._fields)).consume()
        session.run("MATCH (m:StoreMeta) SET m.schema = 8").consume()
        session.run("MATCH (r:PersonRow) SET r.probe = true").consume()  # (the rebuild: gone)
        assert session.run("MATCH (c:ReadCount {kind: 'unit', sub: ''}) RETURN count(c)"
                           ).single()[0] == 0
        # ER's contact counted in a unit's node already (a write by this version during the
        # upgrade): the rebuild counts the unit afresh.
        assert session.run("MATCH (c:ReadCount {kind: 'unit', key: 'ER', sub: 'contacted'}) "
                           "SET c.n = c.n - 1 CREATE (:ReadCount {campaign: c.campaign, "
                           "kind: 'unit', key: 'ER', sub: '', counts: [0, 0, 1, 0, 0, 0, 0]}) "
                           "RETURN c.n").single()[0] == 0
    again = Neo4jStore(neo4j_uri)
    try:
        with again._session() as session:
            assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
            assert session.run("MATCH (r:PersonRow) WHERE r.probe IS NOT NULL RETURN count(r)"
                               ).single()[0] == 0  # (every row built again)
        assert again._rebuilds() == [] and again._pending() == []
        assert (again.overview(CAMPAIGN), again.structure(CAMPAIGN)) == expected
        again.write([conversation("Tom Reyes", "2026-11-08", id="t1", assessment=2),
                     roster("Uma Diaz", "Nights")])
        _agrees(again)
        with again._session() as session:
            units = session.run("MATCH (c:ReadCount {kind: 'unit'}) RETURN c.key, c.sub, "
                                "c.counts").values()
        assert units and all(sub == "" and len(counts) == len(UnitCounts._fields)
                             for _, sub, counts in units)
        assert len({key for key, _, _ in units}) == len(units)  # one node a unit
        assert "Nights" in {key for key, _, _ in units}
    finally:
        again.close()


@pytest.mark.parametrize("kind", KINDS)
def test_answers_kept_before_the_upgrade_to_counting_yeses_are_not_served_as_current(
        open_store_of_kind, kind, request):
    """The same release lists no organizer on the roster to talk to next: a talk-next answer
    kept before the upgrade (listing her) was served as current until the next write."""
    from mapper.analytics.cached import Analytics

    store = open_store_of_kind(kind)
    _yes_unrated(store)
    Analytics(store, campaign=CAMPAIGN, answers=store).answer("talk_next")
    kept = {a.version for a in store.answer_stamps(CAMPAIGN)}
    assert kept == {store.version()}
    if kind == "sqlite":
        from mapper.stores.sqlite import SQLiteStore

        store._db.execute("UPDATE meta SET v = 15 WHERE k = 'schema'")
        store.close()
        again = SQLiteStore(store.path)
    else:
        from mapper.stores.neo4j import Neo4jStore

        with store._session() as session:
            session.run("MATCH (m:StoreMeta) SET m.schema = 16").consume()
        again = Neo4jStore(request.getfixturevalue("neo4j_uri"))
    try:
        assert again.version() not in kept
    finally:
        again.close()
