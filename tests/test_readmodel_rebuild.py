"""The read model rebuilt alone, from the graph, in resumable batches of people (issue 16 item 1):
it comes out exactly as the writes kept it, on both stores, after it was wiped or corrupted or
interrupted part-way; while it is under way, readers answer from a snapshot."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from mapper import readmodel
from mapper.models import Update
from tests.records import CAMPAIGN, conversation, roster, small_campaign, tie
from tests.test_readmodel_property import TODAYS, apply, kept, operations, rebuilt, same

KINDS = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]
TODAY = dt.date(2026, 11, 20)


def campaign() -> list:
    """The small campaign, and committed people tied to others across the key order (trust
    must reach a neighbour built in another batch, before or after)."""
    return [*small_campaign(),
            roster("Zoe Adams"), tie("Zoe Adams", "Ana Lopez"), tie("Cam Lee", "Zoe Adams"),
            conversation("Zoe Adams", "2026-11-10", id="zoe", ask={"response": "yes"}),
            conversation("Ben Ortiz", "2026-11-12", id="ben", ask={"response": "yes"},
                         follow_up={"assignment": "talk to Cam", "due": "2026-11-25"}),
            Update(person="Cam Lee", date=dt.date(2026, 11, 16), campaign=CAMPAIGN,
                   update="attempt", outcome="no_answer")]


def rows(store) -> tuple[list, list]:
    """Every row of the read model, as stored."""
    if hasattr(store, "_db"):
        db = store._db
        return (db.execute("SELECT * FROM rm_people ORDER BY campaign, person").fetchall(),
                db.execute("SELECT * FROM rm_items ORDER BY campaign, person, id").fetchall())
    with store._session() as session:
        # (Not a row's stamp: the version of the write that wrote it, a rebuild's own.)
        return tuple(sorted((sorted((k, v) for k, v in props.items() if k != "stamp")
                             for (props,) in session.run(
            f"MATCH (r:{label}) RETURN properties(r)").values()), key=repr)
                     for label in ("PersonRow", "FollowUpItem"))


def corrupt(store) -> None:
    """Lose some rows, garble others: what a rebuild must repair."""
    if hasattr(store, "_db"):
        store._db.executescript(
            "DELETE FROM rm_people WHERE person LIKE '%ana%'; "
            "UPDATE rm_people SET trusted = '[]', committed = 1 - committed; "
            "UPDATE rm_items SET organizer = 'Nobody', due = '2000-01-01';")
        return
    with store._session() as session:
        session.run("MATCH (r:PersonRow) WHERE r.person CONTAINS 'ana' DELETE r").consume()
        session.run("MATCH (r:PersonRow) SET r.trusted = '[]', r.committed = 1 - r.committed"
                    ).consume()
        session.run("MATCH (i:FollowUpItem) SET i.organizer = 'Nobody', i.due = '2000-01-01'"
                    ).consume()


def reopen(store, kind):
    """The same store opened again (what a restart after a crash does)."""
    store.close()
    return opened_again(store, kind)


def opened_again(store, kind):
    """The same store opened again, beside this one (as another process would)."""
    if kind == "sqlite":
        from mapper.stores.sqlite import SQLiteStore

        return SQLiteStore(store.path)
    from mapper.stores.neo4j import Neo4jStore

    return Neo4jStore(*store._reopen)


@pytest.fixture
def filled(open_store_of_kind, request):
    def make(kind: str):
        store = open_store_of_kind(kind)
        if kind == "neo4j":
            store._reopen = (request.getfixturevalue("neo4j_uri"),)
        store.write(campaign())
        store.read_model_batch = 2  # several batches: trust crosses them
        return store
    return make


def answers(store) -> dict:
    return {(t, h): kept(store, t, h) for t in TODAYS for h in (0, 7, 400)}


@pytest.mark.parametrize("kind", KINDS)
def test_a_wiped_or_corrupted_read_model_is_rebuilt_as_the_writes_kept_it(filled, kind):
    store = filled(kind)
    before, kept_rows = answers(store), rows(store)
    assert any('"person:' in (t or "") for t in _trusted(store))  # trust is there
    corrupt(store)
    assert rows(store) != kept_rows
    assert store.rebuild_read_model(CAMPAIGN) == len(store.snapshot(CAMPAIGN).people)
    assert rows(store) == kept_rows
    assert answers(store) == before
    assert store._rebuilds() == []
    for today in TODAYS:
        same(store, today, 7)


def _trusted(store) -> list[str | None]:
    """Whom each person trusts among the committed (JSON), as stored."""
    people, _ = rows(store)
    if hasattr(store, "_db"):
        return [readmodel.PersonRow(*r).trusted for r in people]
    return [dict(r).get("trusted") for r in people]


@pytest.mark.parametrize("kind", KINDS)
def test_an_interrupted_rebuild_goes_on_where_it_stopped_when_the_store_is_opened_again(
        filled, kind, monkeypatch):
    store = filled(kind)
    before, kept_rows = answers(store), rows(store)
    # What each batch of either store computes its rows through (readmodel.person_rows, for
    # Neo4j, goes through it too).
    original = readmodel.person_rows_and_items
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the second batch
            raise RuntimeError("the server went away")
        return original(*args, **kwargs)

    monkeypatch.setattr(readmodel, "person_rows_and_items", failing)
    with pytest.raises(RuntimeError):
        store.rebuild_read_model(CAMPAIGN)
    monkeypatch.setattr(readmodel, "person_rows_and_items", original)
    (work,) = store._rebuilds()
    first = sorted(store.snapshot(CAMPAIGN).people)[:2]
    assert work.cursor == first[-1]  # the first batch is done, and saved
    # Meanwhile the read model is not used: the answers come from a snapshot.
    assert kept(store, TODAY, 7) is None
    assert store.structure(CAMPAIGN) is None and store.overview(CAMPAIGN) is None

    built: list[list[str]] = []
    cls = type(store)
    rebuild_people = cls._rebuild_people
    monkeypatch.setattr(cls, "_rebuild_people",
                        lambda self, w, people: built.append(list(people))
                        or rebuild_people(self, w, people))
    store = reopen(store, kind)
    try:
        assert built and not set(first) & {p for batch in built for p in batch}
        assert store._rebuilds() == []
        assert rows(store) == kept_rows
        assert answers(store) == before
    finally:
        store.close()


def stored_counts(store) -> list[tuple]:
    """The campaign's kept counts of its rows, as stored (none that is zero: a count a write
    moved to nothing reads as one never made)."""
    if hasattr(store, "_db"):
        found = store._db.execute("SELECT campaign, kind, key, sub, n FROM rm_counts").fetchall()
        pairs = store._db.execute("SELECT * FROM rm_named").fetchall()
    else:
        from mapper.analytics.structure import UnitCounts

        with store._session() as session:
            kept = session.run("MATCH (c:ReadCount) RETURN c.campaign, c.kind, c.key, c.sub, "
                               "c.n, c.counts").values()
            pairs = session.run("MATCH (c:NamedCount) RETURN c.campaign, c.issue, c.dm, "
                                "c.people, c.anger").values()
        found = []
        for campaign, kind, key, sub, n, counts in kept:
            if counts is None:
                found.append((campaign, kind, key, sub, n))
            else:  # each unit's counts in one node (schema 9)
                assert kind == "unit" and sub == "" and n is None
                found += [(campaign, kind, key, f, c) for f, c in zip(UnitCounts._fields, counts,
                                                                      strict=True)]
    return sorted([*(tuple(c) for c in found if c[-1]), *_pairs(pairs)])


def _pairs(pairs) -> list[tuple]:
    """The power map's kept pairs, among the counts: ``(campaign, "pair", issue, decision
    maker, (people, anger))``."""
    return [(c, "pair", i, d, (n, a)) for c, i, d, n, a in pairs]


def counted(store) -> list[tuple]:
    """The counts of the campaign's rows as they are (mapper.readmodel.counted)."""
    fields = ", ".join(readmodel.PERSON_FIELDS)
    if hasattr(store, "_db"):
        found = store._db.execute(f"SELECT {fields} FROM rm_people").fetchall()
    else:
        from mapper.stores.neo4j import load_query

        with store._session() as session:
            found = [tuple(r) for r in session.run(load_query("read/list_person_rows"),
                                                   campaign=CAMPAIGN)]
    counts, pairs = readmodel.counted_apart(found)
    return sorted([*counts, *_pairs(pairs)])


def elsewhere(store, kind):
    """The same store opened by another process (a dashboard while the command line
    rebuilds), writing without carrying the rebuild on itself (as its write would once done)."""
    other = opened_again(store, kind)
    other.resume = lambda: 0
    return other


# Written between a rebuild's batches: a person built already (Ana, first in key order), one
# not yet (Zoe, last) and someone new.
MEANWHILE = [conversation("Ana Lopez", "2026-11-19", id="ana-late", assessment=4,
                          ask={"response": "no"}, issues=[{"issue": "parking", "anger": 4}]),
             conversation("Zoe Adams", "2026-11-19", id="zoe-late", unit="ER", assessment=2),
             conversation("Eli Moss", "2026-11-19", id="eli", unit="OR", ask={"response": "yes"})]


@pytest.mark.parametrize("kind", KINDS)
def test_writes_between_a_rebuilds_batches_leave_the_counts_of_the_rows_as_they_end(
        filled, kind, monkeypatch):
    store = filled(kind)
    other = elsewhere(store, kind)
    cls = type(store)
    next_people = cls._next_people
    seen = []

    def writing(self, campaign, after, limit):
        seen.append(after)
        if len(seen) == 2:  # after the first batch
            other.write(MEANWHILE)
        return next_people(self, campaign, after, limit)

    monkeypatch.setattr(cls, "_next_people", writing)
    corrupt(store)
    store.rebuild_read_model(CAMPAIGN)
    other.close()
    assert len(seen) > 3 and store._rebuilds() == []
    assert stored_counts(store) == counted(store) != []
    for today in TODAYS:
        same(store, today, 7)


@pytest.mark.parametrize("kind", KINDS)
def test_a_rebuild_interrupted_between_batches_or_at_its_count_ends_with_the_right_counts(
        filled, kind, monkeypatch):
    store = filled(kind)
    original = readmodel.counted

    def failing(rows):
        raise RuntimeError("the server went away")

    for at in ("batch", "count"):
        cls = type(store)
        rebuild_people = cls._rebuild_people
        calls = []

        def stopping(self, work, people):
            calls.append(1)
            if at == "batch" and len(calls) == 2:
                raise RuntimeError("the server went away")
            return rebuild_people(self, work, people)

        monkeypatch.setattr(cls, "_rebuild_people", stopping)
        if at == "count":  # every batch done, the count at the end fails
            monkeypatch.setattr(readmodel, "counted", failing)
        with pytest.raises(RuntimeError):
            store.rebuild_read_model(CAMPAIGN)
        monkeypatch.setattr(cls, "_rebuild_people", rebuild_people)
        monkeypatch.setattr(readmodel, "counted", original)
        (work,) = store._rebuilds()
        assert work.cursor is not None  # a batch or more done, and saved
        if at == "count":
            assert work.cursor == max(store.snapshot(CAMPAIGN).people)
        store.write(MEANWHILE if at == "batch" else [roster("Fay Wu", "OR")])
        again = reopen(store, kind)  # resumed when opened
        if kind == "neo4j":
            again._reopen = store._reopen  # (for the next reopen)
        store = again
        assert store._rebuilds() == []
        assert stored_counts(store) == counted(store) != []
        for today in TODAYS:
            same(store, today, 7)
        store.read_model_batch = 2
    store.close()


@pytest.mark.neo4j
def test_a_write_between_the_rebuilds_count_and_its_end_makes_it_count_again(filled,
                                                                             monkeypatch):
    from mapper.stores import neo4j

    store = filled("neo4j")
    other = elsewhere(store, "neo4j")
    original = neo4j._counted_rows
    written = []

    def count_then_write(tx, campaign):
        counts = original(tx, campaign)
        # A write commits after the count, before the rebuild's end takes the lock: every
        # count read without the lock misses one, and the last is counted holding the lock.
        if len(written) < neo4j._COUNT_TRIES:
            other.write([conversation(f"Late Person{len(written)}", "2026-11-19",
                                      id=f"late-{len(written)}", unit="OR",
                                      ask={"response": "yes"})])
            written.append(1)
        return counts

    monkeypatch.setattr(neo4j, "_counted_rows", count_then_write)
    store.rebuild_read_model(CAMPAIGN)
    other.close()
    assert len(written) == neo4j._COUNT_TRIES and store._rebuilds() == []
    assert stored_counts(store) == counted(store)
    for today in TODAYS:
        same(store, today, 7)


@pytest.mark.parametrize("kind", KINDS)
def test_readers_answer_from_a_snapshot_while_a_rebuild_is_marked(filled, kind):
    store = filled(kind)
    before = answers(store)
    people = list(store.snapshot(CAMPAIGN).people)
    store._mark_read_model([CAMPAIGN])
    assert store._reprojecting(CAMPAIGN)
    assert all(answer is None for answer in answers(store).values())
    assert store.structure(CAMPAIGN) is None
    assert store.overview(CAMPAIGN) is None
    assert store.took_action(CAMPAIGN) is None
    assert store.ladder(CAMPAIGN, today=TODAY) is None
    assert store.ask_queue(CAMPAIGN, today=TODAY) is None
    assert store.my_list(CAMPAIGN, today=TODAY) is None
    assert store.item_owners(CAMPAIGN, people) is None
    assert store.people_snapshot(CAMPAIGN, people) is None
    today = TODAYS[2]
    assert kept(store, today, 7) is None and rebuilt(store, today, 7) == before[today, 7]
    # A write meanwhile keeps its own people's rows, and the rebuild then does the rest.
    store.write([conversation("Dee Park", "2026-11-18", id="dee", unit="ER",
                              ask={"response": "yes"})])
    store.resume()
    assert not store._reprojecting(CAMPAIGN)
    for today in TODAYS:
        same(store, today, 7)


@pytest.mark.parametrize("kind", KINDS)
def test_a_rebuild_marked_again_while_under_way_starts_over(filled, kind, monkeypatch):
    store = filled(kind)
    kept_rows = rows(store)
    cls = type(store)
    next_people = cls._next_people
    seen = []

    def marking_again(self, campaign, after, limit):
        seen.append(after)
        if len(seen) == 2:  # after the first batch, a migration marks it again
            self._mark_read_model([campaign])
        return next_people(self, campaign, after, limit)

    monkeypatch.setattr(cls, "_next_people", marking_again)
    store.rebuild_read_model(CAMPAIGN)
    (work,) = store._rebuilds()
    assert work.cursor is None  # left for the next resume, from the start
    assert kept(store, TODAY, 7) is None
    monkeypatch.setattr(cls, "_next_people", next_people)
    store.resume()
    assert store._rebuilds() == []
    assert rows(store) == kept_rows


@pytest.mark.neo4j
def test_a_rebuild_leaves_the_graph_and_the_records_as_they_are(filled):
    store = filled("neo4j")
    counts, records = store.counts(CAMPAIGN), list(store.export(CAMPAIGN))
    store.rebuild_read_model()
    assert store.counts(CAMPAIGN) == counts and list(store.export(CAMPAIGN)) == records


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_after_any_writes_the_read_model_rebuilt_alone_is_the_one_the_writes_kept(store, ops):
    store.clear()
    store.batch_size = 2
    store.read_model_batch = 1  # one person per batch: every tie crosses batches
    apply(store, ops)
    kept_rows = rows(store)
    corrupt(store)
    store.rebuild_read_model(CAMPAIGN)
    assert rows(store) == kept_rows
    same(store, dt.date(2026, 10, 20), 7)


# A schema-5 file: as schema 5 left it (follow-up items kept, no rows of where people stand);
# and as an older Collective Mapper's migration of it left it when stopped after the step that
# made rm_people without the days, brought and named columns (the file still says 5).
SCHEMA_5_FILES = {
    "as left": "DROP TABLE rm_people; DROP TABLE rm_rebuild; "
               "UPDATE meta SET v = 5 WHERE k = 'schema';",
    "migration begun": "DELETE FROM rm_people; ALTER TABLE rm_people DROP COLUMN named; "
                       "ALTER TABLE rm_people DROP COLUMN brought; "
                       "ALTER TABLE rm_people DROP COLUMN days; "
                       "DROP TABLE rm_counts; DROP TABLE rm_rebuild; "
                       "UPDATE meta SET v = 5 WHERE k = 'schema';",
}


@pytest.mark.parametrize("state", sorted(SCHEMA_5_FILES))
def test_a_schema_5_file_gets_its_read_model_rebuilt_alone_when_opened(tmp_path, monkeypatch,
                                                                       state):
    from mapper.stores.sqlite import SCHEMA, SQLiteStore

    store = SQLiteStore(tmp_path / "old.db")
    store.write(campaign())
    kept_rows, before = rows(store), answers(store)
    store._db.executescript(SCHEMA_5_FILES[state])
    store.close()

    def no_reprojection(self, work, mark=True):
        raise AssertionError("the records need no re-projection")

    monkeypatch.setattr(SQLiteStore, "_reproject", no_reprojection)
    store = SQLiteStore(tmp_path / "old.db")
    try:
        assert store._db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)
        assert store._rebuilds() == [] and store._pending() == []
        assert rows(store) == kept_rows
        assert answers(store) == before
    finally:
        store.close()


@pytest.mark.neo4j
def test_a_schema_3_neo4j_store_gets_its_read_model_rebuilt_alone_when_opened(filled,
                                                                              monkeypatch):
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = filled("neo4j")
    kept_rows, before = rows(store), answers(store)
    found = store.identity_records(CAMPAIGN, ["ana lopez"], [], [])
    assert found
    with store._session() as session:  # as schema 3 left it
        session.run("MATCH (r:PersonRow) DELETE r").consume()
        session.run("MATCH (r:Record) SET r.k_name = null, r.k_id = null, r.k_email = null, "
                    "r.k_phone = null").consume()
        session.run("MATCH (m:StoreMeta) SET m.schema = 3").consume()

    def no_reprojection(self, work, mark=True):
        raise AssertionError("the records need no re-projection")

    monkeypatch.setattr(Neo4jStore, "_reproject", no_reprojection)
    again = Neo4jStore(*store._reopen)
    try:
        with again._session() as session:
            assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
        assert again._rebuilds() == [] and again._pending() == []
        assert rows(again) == kept_rows
        assert answers(again) == before
        assert again.identity_records(CAMPAIGN, ["ana lopez"], [], []) == found
    finally:
        again.close()
