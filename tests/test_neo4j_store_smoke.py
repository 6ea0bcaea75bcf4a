"""Smoke test: the Neo4j store answers exactly as the embedded SQLite store does."""

from __future__ import annotations

import dataclasses
import json

import pytest

from mapper.models import AliasRow, HierarchyRow, OneOnOne, RosterRow, TieRow
from mapper.projection import Aliases, Edge, Projection
from mapper.snapshot import SnapshotRows
from mapper.stores import neo4j as neo4j_module
from mapper.stores.base import StoredRecord, stored
from mapper.stores.neo4j import Neo4jStore
from mapper.stores.sqlite import SQLiteStore

pytestmark = pytest.mark.neo4j

CAMPAIGN = "st-lukes"
OTHER = "mercy"
SNAPSHOT_FIELDS = [f.name for f in dataclasses.fields(SnapshotRows) if f.name not in ("campaign", "version")]


def conversation(id_: str, date: str, name: str, *, campaign: str = CAMPAIGN,
                 issues: tuple[tuple[str, int], ...] = (("short staffing", 5),), **extra) -> OneOnOne:
    return OneOnOne.model_validate({
        "id": id_, "date": date, "organizer": "Maya Ortiz", "campaign": campaign,
        "contact": {"name": name, "unit": "ICU", "shift": "nights", "role": "RN"},
        "space": {"listening_share": 0.8},
        "issues": [{"issue": i, "anger": a, "witnessed_harm": a > 3} for i, a in issues],
        **extra})


def records() -> list:
    return [
        conversation("c1", "2026-09-14", "Ana Lopez",
                     issues=(("short staffing", 5), ("Mandatory OT", 3)),
                     responsibility={"named": [{"issue": "short staffing", "decision_maker": {
                         "name": "Carl Reyes", "title": "CNO (as Ana says)", "organization": "St. Luke's"}}],
                         "realizes": {"cares_about_problem": True}},
                     plan={"hope": 4, "skills": ["spreadsheets", "spanish"], "will_attend_meeting": True},
                     ask={"asked": True, "action": "come to the meeting", "response": "yes",
                          "due": "2026-10-08", "fears": ["retaliation"]},
                     referrals=[{"name": "Ben Okafor", "unit": "ER", "relationship": "friend"},
                                {"name": "Ana Lopez"}]),
        conversation("c2", "2026-09-20", "Ben Okafor", issues=(("short staffing", 4), ("parking", 2)),
                     follow_up={"assignment": "log a short shift", "due": "2026-09-27",
                                "thank_you_sent": False}),
        conversation("c3", "2026-09-18", "Ana Lopez", issues=(("mandatory overtime", 5),)),
        conversation("m1", "2026-09-01", "Dee Park", campaign=OTHER, issues=(("pay", 5),)),
        RosterRow(name="Ana Lopez", unit="ICU", shift="days", role="RN", campaign=CAMPAIGN),
        RosterRow(name="Cleo Diaz", campaign=CAMPAIGN),
        HierarchyRow(name="Carl Reyes", title="Chief Nursing Officer", organization="St. Luke's",
                     reports_to="Dana Wu", campaign=CAMPAIGN),
        HierarchyRow(name="Dana Wu", title="CEO", campaign=CAMPAIGN),
        TieRow(person="Ben Okafor", other="Ana Lopez", relationship="carpool", campaign=CAMPAIGN),
        TieRow(person="Cleo Diaz", other="cleo  diaz", campaign=CAMPAIGN),  # a self-tie: no edge
        AliasRow(kind="issue", alias="Mandatory OT", canonical="mandatory overtime", campaign=CAMPAIGN),
    ]


def neo_stored(record) -> StoredRecord:
    return stored(record, Aliases())


def same_rows(a, b) -> None:
    for name in SNAPSHOT_FIELDS:
        left = sorted(json.dumps(row, sort_keys=True) for row in getattr(a, name))
        right = sorted(json.dumps(row, sort_keys=True) for row in getattr(b, name))
        assert left == right, name


def assert_same(sqlite: SQLiteStore, neo: Neo4jStore) -> None:
    assert neo.counts() == sqlite.counts()
    assert neo.campaigns() == sqlite.campaigns()
    for campaign in sqlite.campaigns():
        assert neo.counts(campaign) == sqlite.counts(campaign)
        same_rows(sqlite.snapshot_rows(campaign), neo.snapshot_rows(campaign))
    assert list(neo.export()) == list(sqlite.export())


@pytest.fixture
def neo(open_store_of_kind) -> Neo4jStore:
    # tests/conftest.py: one harness server per test run (or $NEO4J_URI), an emptied store.
    return open_store_of_kind("neo4j")


@pytest.fixture
def twins(neo):
    sqlite = SQLiteStore(":memory:")
    recs = records()
    assert neo.write(recs) == sqlite.write(recs)
    yield sqlite, neo
    sqlite.close()


def test_a_store_holds_what_the_embedded_store_holds(twins):
    sqlite, neo = twins
    assert neo.counts(CAMPAIGN)["nodes"]["Person"] == 3
    assert_same(sqlite, neo)


def test_resending_the_same_records_changes_nothing(twins):
    sqlite, neo = twins
    counts, version = neo.counts(), neo.version()
    result = neo.write(records())
    assert (result.written, result.unchanged) == (0, len(records()))
    assert neo.counts() == counts
    assert neo.version() == version
    assert_same(sqlite, neo)


def test_replacing_a_record_changes_exactly_its_edges(twins):
    sqlite, neo = twins
    before = neo.snapshot_rows(CAMPAIGN)
    version = neo.version()
    changed = conversation("c2", "2026-09-20", "Ben Okafor", issues=(("night parking", 1),))
    for store in twins:
        result = store.write([changed])
        assert (result.replaced, result.added) == (1, 0)
    assert neo.version() > version
    after = neo.snapshot_rows(CAMPAIGN)
    assert {a for a in after.anger if a[4] != "c2"} == {a for a in before.anger if a[4] != "c2"}
    assert {(a[1], a[2]) for a in after.anger if a[4] == "c2"} == {("issue:st-lukes:night parking", 1)}
    assert "issue:st-lukes:parking" not in dict(after.issues)  # its only edge went with c2
    assert_same(sqlite, neo)


def test_a_failing_batch_leaves_the_store_as_it_was(twins):
    sqlite, neo = twins
    counts, version, lines = neo.counts(), neo.version(), list(neo.export())
    # The first record is a valid replacement (so edges are deleted before the failure);
    # the second has an edge to a node no projection made.
    replacement = neo_stored(conversation("c1", "2026-09-14", "Ana Lopez", issues=(("pay", 1),)))
    dangling = neo_stored(conversation("c9", "2026-09-30", "Eve Stone"))
    proj = dangling.projection
    bad = dataclasses.replace(dangling, projection=Projection(
        proj.source, proj.kind, proj.campaign, proj.nodes,
        proj.edges + [Edge("TIED_TO", "person:st-lukes:eve stone", "person:st-lukes:nobody", "c9", CAMPAIGN, {})]))
    with pytest.raises(ValueError, match="endpoint"):
        neo._apply([replacement, bad])
    assert (neo.counts(), neo.version(), list(neo.export())) == (counts, version, lines)
    assert_same(sqlite, neo)


def test_an_error_inside_the_transaction_rolls_everything_back(twins, monkeypatch):
    sqlite, neo = twins
    counts, version = neo.counts(), neo.version()
    write_batch = neo4j_module._write_batch

    def then_fail(tx, rows):
        write_batch(tx, rows)  # every statement ran, the version was bumped
        raise RuntimeError("boom")

    monkeypatch.setattr(neo4j_module, "_write_batch", then_fail)
    with pytest.raises(RuntimeError, match="boom"):
        neo.write([conversation("c2", "2026-09-20", "Ben Okafor", issues=(("pay", 1),))])
    monkeypatch.undo()
    assert (neo.counts(), neo.version()) == (counts, version)
    assert_same(sqlite, neo)


def test_people_are_found_and_their_history_read_as_in_the_embedded_store(twins):
    sqlite, neo = twins
    for query, limit in [("ana", 20), ("O", 20), ("", 2), ("", -1), ("zzz", 20), ("lopez ana", 5)]:
        assert neo.search_people(CAMPAIGN, query, limit) == sqlite.search_people(CAMPAIGN, query, limit)
    hits = neo.search_people(CAMPAIGN, "ana")
    assert [(h.key, h.conversations) for h in hits] == [("person:st-lukes:ana lopez", 2)]
    history = neo.person_history(CAMPAIGN, "Ana Lopez")
    assert [c.id for c in history] == ["c1", "c3"]
    assert history == sqlite.person_history(CAMPAIGN, "Ana Lopez")
    assert neo.person_record_ids(OTHER, "person:st-lukes:ana lopez") == []


def test_an_alias_written_later_reprojects_the_campaign(twins):
    sqlite, neo = twins
    alias = AliasRow(kind="person", alias="Ben O", canonical="Ben Okafor", campaign=CAMPAIGN)
    late = conversation("c4", "2026-09-25", "Ben O")
    for store in twins:
        store.write([alias, late])
    assert [c.id for c in neo.person_history(CAMPAIGN, "Ben Okafor")] == ["c2", "c4"]
    assert_same(sqlite, neo)


def test_clearing_empties_the_store_and_moves_the_version_on(twins):
    _, neo = twins
    version = neo.version()
    neo.clear()
    assert neo.counts() == {"nodes": {}, "edges": {}, "records": {}}
    assert neo.campaigns() == []
    assert neo.version() > version
