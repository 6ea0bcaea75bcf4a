"""Whether each person brought a coworker, kept on their row (schema 11).

The ladder's third and fourth rungs depend on others' rows: someone a committed person referred
has since been spoken with and is still in the workplace. At a million people the ladder's
table read the row of every committed person who referred someone (92,856) and then the rows
of those they referred (122,409) to sort them. Since schema 11 each row keeps ``brought``,
changed by the writes that change those others' rows, so a store sorts the rows by their own
columns and reads the page it shows. These tests pin that it follows the writes that move it
(the referred spoken with, leaving, forgotten; a referral added or dropped), that an older
store gets it on open (since schema 12 with its read model's rebuild), and what the ladder
and took action then say.
"""

from __future__ import annotations

import datetime as dt

import pytest

from mapper.analytics.readiness import ladder, took_action
from mapper.models import Update
from mapper.projection import conversation_key
from mapper.roles import ADMIN
from mapper.services import forget_person
from tests.records import CAMPAIGN, NoDrafts, conversation, roster, small_campaign, tie

KINDS = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]
TODAY = dt.date(2026, 12, 1)


def brought(store) -> dict[str, int]:
    """``{name: brought}`` of every row of the campaign, as the store reads it."""
    from mapper import readmodel

    if hasattr(store, "_db"):
        found = store._db.execute("SELECT name, brought FROM rm_people WHERE campaign = ?",
                                  (CAMPAIGN,)).fetchall()
    else:
        from mapper.stores.neo4j import _person_row
        at = readmodel.PERSON_FIELDS.index("brought")
        with store._session() as session:
            found = [(r[0]["name"], _person_row(r[0])[at]) for r in session.run(
                "MATCH (r:PersonRow {campaign: $c}) RETURN properties(r)", c=CAMPAIGN)]
    return {name: b for name, b in found if b}


def agrees(store) -> list[dict]:
    """The ladder and took action from the rows, as the snapshot gives them."""
    snap = store.snapshot(CAMPAIGN)
    found = store.ladder(CAMPAIGN, today=TODAY)
    assert found == ladder(snap, today=TODAY)
    assert store.took_action(CAMPAIGN, today=TODAY) == took_action(snap, today=TODAY)
    for limit in (1, 2, len(found) or 1):
        assert store.ladder_page(CAMPAIGN, today=TODAY, limit=limit) == (found[:limit],
                                                                        len(found))
    return found


def _yes(name: str, date: str, cid: str, referrals=(), **extra):
    return conversation(name, date, id=cid, ask={"response": "yes"},
                        referrals=[{"name": r} for r in referrals], **extra)


@pytest.mark.parametrize("kind", KINDS)
def test_brought_follows_the_people_referred(open_store_of_kind, kind):
    store = open_store_of_kind(kind)
    store.write([roster("Eve Ng"), roster("Gus Hale"), tie("Ana Lopez", "Gus Hale")])
    # Ana referred Eve and Gus, neither spoken with yet.
    store.write([_yes("Ana Lopez", "2026-11-01", "a1", referrals=["Eve Ng", "Gus Hale"])])
    assert brought(store) == {}
    assert [e["rung"] for e in agrees(store)] == ["said yes"]
    # Eve spoken with (a write about Eve alone): Ana brought a coworker.
    store.write([conversation("Eve Ng", "2026-11-03", id="e1")])
    assert brought(store) == {"Ana Lopez": 1}
    assert [e["rung"] for e in agrees(store)] == ["brought a coworker"]
    # Eve left; Gus is not spoken with: no one brought.
    store.write([Update(person="Eve Ng", date=dt.date(2026, 11, 4), campaign=CAMPAIGN,
                        update="attempt", outcome="left")])
    assert brought(store) == {}
    assert [e["rung"] for e in agrees(store)] == ["said yes"]
    # Gus spoken with, then his 1-on-1 deleted; then spoken with again and forgotten.
    store.write([conversation("Gus Hale", "2026-11-05", id="g1")])
    assert brought(store) == {"Ana Lopez": 1}
    store.delete([conversation_key(CAMPAIGN, "g1")])
    assert brought(store) == {}
    store.write([conversation("Gus Hale", "2026-11-06", id="g2")])
    assert brought(store) == {"Ana Lopez": 1}
    forget_person(store, ADMIN, CAMPAIGN, "Gus Hale", drafts=NoDrafts())
    assert brought(store) == {}
    agrees(store)
    # A referral of someone already spoken with (Cam, in the small campaign), then Ana's
    # 1-on-1 written again without it.
    store.write(small_campaign())
    store.write([_yes("Ana Lopez", "2026-11-01", "a1", referrals=["Eve Ng", "Cam Lee"])])
    assert brought(store).get("Ana Lopez") == 1
    agrees(store)
    store.write([_yes("Ana Lopez", "2026-11-01", "a1", referrals=["Eve Ng"])])
    assert "Ana Lopez" not in brought(store)
    agrees(store)


def _old_store(store) -> tuple[dict, list, int]:
    store.write(small_campaign())
    store.write([roster("Eve Ng"), roster("Gus Hale"),
                 _yes("Ana Lopez", "2026-11-01", "a1", referrals=["Cam Lee", "Eve Ng"]),
                 _yes("Cam Lee", "2026-11-02", "c1", referrals=["Gus Hale"]),
                 _yes("Zoe Adams", "2026-11-02", "z1", referrals=["Eve Ng"]),
                 conversation("Eve Ng", "2026-11-03", id="e1"),
                 Update(person="Eve Ng", date=dt.date(2026, 11, 4), campaign=CAMPAIGN,
                        update="attempt", outcome="left")])
    kept = brought(store)
    assert kept == {"Ana Lopez": 1}
    return kept, agrees(store), store.took_action(CAMPAIGN, today=TODAY)


def test_a_schema_10_file_gets_brought_when_opened(tmp_path):
    from mapper.stores.sqlite import SCHEMA, SQLiteStore

    store = SQLiteStore(tmp_path / "old.db")
    kept, steps, took = _old_store(store)
    store._db.executescript("ALTER TABLE rm_people DROP COLUMN brought; "
                            "UPDATE meta SET v = 10 WHERE k = 'schema';")
    store.close()
    store = SQLiteStore(tmp_path / "old.db")  # (schema 12: its read model rebuilt on open)
    try:
        assert store._db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)
        assert store._rebuilds() == []
        assert brought(store) == kept
        assert agrees(store) == steps and store.took_action(CAMPAIGN, today=TODAY) == took
    finally:
        store.close()


@pytest.mark.neo4j
def test_a_schema_10_neo4j_store_gets_brought_when_opened(open_store_of_kind, neo4j_uri):
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = open_store_of_kind("neo4j")
    kept, steps, took = _old_store(store)
    with store._session() as session:
        session.run("MATCH (r:PersonRow) REMOVE r.brought").consume()
        session.run("MATCH (m:StoreMeta) SET m.schema = 10").consume()
    assert brought(store) == {}
    Neo4jStore(neo4j_uri).close()  # (schema 12: its read model rebuilt on open)
    with store._session() as session:
        assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
        assert session.run("MATCH (w:ReadModelRebuild) RETURN count(w)").single()[0] == 0
    assert brought(store) == kept
    assert agrees(store) == steps and store.took_action(CAMPAIGN, today=TODAY) == took
    # And a write moves it.
    store.write([conversation("Gus Hale", "2026-11-06", id="g1")])
    assert brought(store) == {"Ana Lopez": 1, "Cam Lee": 1}
    agrees(store)
