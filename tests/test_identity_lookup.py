"""Matching a few new records through the store's lookup index (Identities.prefetch) decides
exactly what reading the whole campaign decides, on both stores; and it reads no more than the
few people they could be (a posted 1-on-1 at 100k people read all 150k records before)."""

from __future__ import annotations

import json
import random

import pytest

from mapper.identity import Identities
from mapper.models import AliasRow, OneOnOne, RosterRow

CAMPAIGN = "acme"
# Spellings that normalize alike or not, ids shared across spellings, contacts reused.
NAMES = ["Ana Lopez", "ana  LOPEZ", "Ana López", "Ben Okafor", "ben okafor", "Cruz Diaz",
         "Dee Park", "Eli Stone", *(f"Someone {i}" for i in range(12))]
IDS = [None, None, None, "E-1", "E-2", "E-3"]
EMAILS = [None, None, "ana@example.org", "ANA@example.org ", "ben@example.org"]
PHONES = [None, None, "555-201-3344", "+1 (555) 201-3344", "555-777-0000"]


def _record(rnd: random.Random, n: int):
    name, custom_id = rnd.choice(NAMES), rnd.choice(IDS)
    email, phone = rnd.choice(EMAILS), rnd.choice(PHONES)
    if rnd.random() < 0.5:
        return RosterRow(name=name, custom_id=custom_id, email=email, phone=phone,
                         unit=rnd.choice(["ICU", "ER"]), campaign=CAMPAIGN)
    return OneOnOne.model_validate({
        "id": f"c{n}", "date": f"2026-11-{rnd.randint(1, 28):02d}", "organizer": "Maya Ortiz",
        "campaign": CAMPAIGN,
        "contact": {k: v for k, v in (("name", name), ("custom_id", custom_id),
                                      ("email", email), ("phone", phone)) if v}})


def _resolved(store, records, prefetch: bool):
    ids = Identities(store)
    if prefetch:
        ids.prefetch(records)
    out = [ids.resolve(r, "request", f"record {i}") for i, r in enumerate(records, 1)]
    return [r.model_dump() for r in out], ids.report.as_json(), [str(n) for n in ids.report.notices]


@pytest.mark.parametrize("seed", range(6))
def test_a_few_records_match_through_the_index_as_through_the_whole_campaign(store, seed):
    rnd = random.Random(seed)
    store.write([_record(rnd, n) for n in range(40)])
    if seed % 2:
        # Aliases change whom a name is keyed as: one to a name, one to a person's id key.
        from mapper.projection import identity_key

        store.write([AliasRow(kind="person", alias="Cruz Diaz", canonical="Dee Park",
                              campaign=CAMPAIGN),
                     AliasRow(kind="person", alias="Eli Stone",
                              canonical="#" + identity_key(CAMPAIGN, "E-2").split("#")[1],
                              campaign=CAMPAIGN)])
    for n in range(8):
        batch = [_record(rnd, 100 + 10 * n + i) for i in range(rnd.randint(1, 4))]
        assert _resolved(store, batch, prefetch=True) == _resolved(store, batch, prefetch=False)


@pytest.mark.parametrize("seed", range(3))
def test_a_small_file_imports_through_the_index_as_through_the_whole_campaign(
        store, tmp_path, monkeypatch, seed):
    """`mapper import` of a day's few records resolves them by the lookup index (not the
    whole campaign) and stores what reading the whole campaign would have stored."""
    from mapper import importer

    rnd = random.Random(seed)
    store.write([_record(rnd, n) for n in range(40)])
    # People matched within the file too, and ten stored people each named once.
    store.write([RosterRow(name=f"Stored Person {i}", custom_id=f"S-{i}", campaign=CAMPAIGN)
                 for i in range(10)])
    batch = [_record(rnd, 100 + n) for n in range(30)]
    for i in range(10):
        batch.insert(rnd.randrange(len(batch) + 1),
                     RosterRow(name=f"stored person {i}", unit="ICU", campaign=CAMPAIGN))
    path = tmp_path / "today.jsonl"
    path.write_text("".join(
        json.dumps({"record_type": "roster" if isinstance(r, RosterRow) else "conversation",
                    **r.model_dump(mode="json", exclude_none=True)}) + "\n" for r in batch))
    read = []
    whole = store.iter_records
    store.iter_records = lambda *a, **k: read.append(a[1]) or whole(*a, **k)  # type: ignore[method-assign]

    def checked(limit: int):
        monkeypatch.setattr(importer, "PREFETCH_BYTES", limit)
        read.clear()
        report = importer.check_files([path], options=importer.ImportOptions(store=store))
        assert report.valid > len(batch) // 2  # (two rows of one custom id are refused)
        return ([r.model_dump() for r in report.kept], report.identity.as_json(),
                [str(e) for e in report.errors], set(read))

    by_index, by_whole = checked(1 << 20), checked(0)
    assert by_index[:3] == by_whole[:3]
    assert by_index[3] == {"alias"} and by_whole[3] == {"alias", "roster", "conversation"}


def test_prefetching_reads_only_the_people_the_records_could_be(store):
    store.write([RosterRow(name=f"Person {i}", custom_id=f"E-{i}", campaign=CAMPAIGN)
                 for i in range(300)])
    store.write([RosterRow(name="Ana Lopez", custom_id="E-9999", campaign=CAMPAIGN,
                           email="ana@example.org")])
    read = []
    whole = store.iter_records
    store.iter_records = lambda *a, **k: read.append(a) or whole(*a, **k)  # type: ignore[method-assign]
    looked = store.identity_records
    found = []
    store.identity_records = lambda *a: found.extend(looked(*a)) or looked(*a)  # type: ignore[method-assign]
    new = RosterRow(name="ana lopez", campaign=CAMPAIGN)
    lookalike = RosterRow(name="Ann Lopez", email="Ana@Example.org", campaign=CAMPAIGN)
    for record, outcome in ((new, "matched"), (lookalike, "look_alike")):
        ids = Identities(store)
        ids.prefetch([record])
        resolved = ids.resolve(record, "request", "record 1")
        assert ids.report.as_json()[outcome] == 1
    assert new.custom_id is None and ids.resolve(new, "r", "r").custom_id == "E-9999"
    # The campaign's people were not read whole (its few aliases are).
    assert {kind for _, kind in read} == {"alias"}
    assert len(found) == 2  # Ana's one roster row: by her name, then by her email


def test_the_lookup_keys_hold_no_contact_details(tmp_path):
    from mapper.stores.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "m.db")
    try:
        store.write([RosterRow(name="Ana Lopez", email="ana@example.org", phone="555-201-3344",
                               campaign=CAMPAIGN)])
        (row,) = store._db.execute("SELECT k_email, k_phone FROM records").fetchall()
        assert all(v and "ana" not in v and "5552013344" not in v for v in row)
    finally:
        store.close()


def test_a_schema_6_file_gets_its_lookup_keys_when_opened(tmp_path):
    from mapper.stores.sqlite import SCHEMA, SQLiteStore

    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    store.write([RosterRow(name="Ana Lopez", custom_id="E-1", campaign=CAMPAIGN)])
    # As schema 6 left it: no lookup columns, no lookup indexes.
    for column in ("k_name", "k_id", "k_email", "k_phone"):
        store._db.execute(f"DROP INDEX records_{column}")
        store._db.execute(f"ALTER TABLE records DROP COLUMN {column}")
    store._db.execute("UPDATE meta SET v = 6 WHERE k = 'schema'")
    store.close()
    store = SQLiteStore(path)
    try:
        assert store._db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)
        ids = Identities(store)
        talk = OneOnOne.model_validate({"date": "2026-11-20", "organizer": "Maya Ortiz",
                                        "campaign": CAMPAIGN, "contact": {"name": "ana lopez"}})
        ids.prefetch([talk])
        assert ids.resolve(talk, "request", "record 1").contact.custom_id == "E-1"
    finally:
        store.close()


@pytest.mark.neo4j
def test_a_schema_4_neo4j_store_gets_its_lookup_keys_when_opened(neo4j_uri):
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = Neo4jStore(neo4j_uri)
    try:
        store.clear()
        store.write([RosterRow(name="Ana Lopez", custom_id="E-1", campaign=CAMPAIGN)])
        with store._session() as session:
            session.run("MATCH (r:Record) REMOVE r.k_name, r.k_id, r.k_email, r.k_phone").consume()
            session.run("MATCH (m:StoreMeta) SET m.schema = 4").consume()
        again = Neo4jStore(neo4j_uri)
        try:
            with again._session() as session:
                assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
            ids = Identities(again)
            talk = OneOnOne.model_validate({"date": "2026-11-20", "organizer": "Maya Ortiz",
                                            "campaign": CAMPAIGN, "contact": {"name": "ana lopez"}})
            ids.prefetch([talk])
            assert ids.resolve(talk, "request", "record 1").contact.custom_id == "E-1"
            assert CAMPAIGN in ids._campaigns  # read through the index, not skipped
        finally:
            again.close()
    finally:
        store.close()


def test_a_name_is_matched_to_the_people_its_aliases_key_the_same(store):
    store.write([RosterRow(name="Cruz Diaz", unit="ICU", campaign=CAMPAIGN),
                 AliasRow(kind="person", alias="Cruz Diaz", canonical="Dee Park",
                          campaign=CAMPAIGN)])
    talk = OneOnOne.model_validate({"date": "2026-11-20", "organizer": "Maya Ortiz",
                                    "campaign": CAMPAIGN, "contact": {"name": "Dee Park"}})
    ids = Identities(store)
    ids.prefetch([talk])
    ids.resolve(talk, "request", "record 1")
    assert (ids.report.matched, ids.report.new) == (1, 0)
