"""The words lists show (an agreed action, an assignment) kept beside each 1-on-1's record.

The ask queue's shared actions read the action of every 1-on-1 with a yes to one: at a
million people on Neo4j, 166,812 stored bodies (252 MB) crossed the wire for it. Since schema
10 each 1-on-1's record keeps those words beside its body, written with it; these tests pin
that they follow every write, that an older store gets them on open, and that a record
written without them (by an older version still running) is read from its body.
"""

from __future__ import annotations

import pytest

from mapper.models import OneOnOne
from mapper.projection import conversation_key
from mapper.stores.base import Store
from mapper.stores.sqlite import SQLiteStore
from tests.records import CAMPAIGN, conversation, small_campaign

ANA = "2026-11-01-ana-lopez"


def _said(name: str, date: str, action: str | None, assignment: str | None = None,
          **extra) -> OneOnOne:
    return conversation(name, date, ask={"asked": True, "action": action, "response": "yes"},
                        follow_up={"assignment": assignment} if assignment else {}, **extra)


def _read(store: Store, ids: list[str] | None = None) -> dict:
    """conversation_texts, and on Neo4j each 1-on-1 read has its words kept (else it would
    be read from its body, the same words the slow way)."""
    found = store.conversation_texts(CAMPAIGN, ids)
    if not isinstance(store, SQLiteStore):
        assert all(_stored_words(store).values())
    return found


def test_the_words_follow_each_write_of_a_1_on_1(store: Store):
    store.write(small_campaign())
    assert _read(store, [ANA]) == {
        ANA: {"ask.action": "come to the Dec 3 meeting",
              "follow_up.assignment": "log a short shift"}}
    # The same 1-on-1 written again with other words: the new ones, and only those.
    changed = _said("Ana Lopez", "2026-11-01", "sign the petition", id=ANA)
    store.write([changed])
    assert _read(store, [ANA]) == {ANA: {"ask.action": "sign the petition"}}
    assert _read(store)[ANA] == {"ask.action": "sign the petition"}
    # Written again with none.
    store.write([_said("Ana Lopez", "2026-11-01", None, id=ANA)])
    assert _read(store, [ANA]) == {ANA: {}}
    # Deleted: nothing left to read.
    store.delete([conversation_key(CAMPAIGN, ANA)])
    assert store.conversation_texts(CAMPAIGN, [ANA]) == {}
    assert ANA not in store.conversation_texts(CAMPAIGN)


def test_each_field_asked_for_alone(store: Store):
    store.write(small_campaign())
    assert store.conversation_texts(CAMPAIGN, [ANA], fields=("ask.action",)) == {
        ANA: {"ask.action": "come to the Dec 3 meeting"}}
    assert store.conversation_texts(CAMPAIGN, [ANA], fields=("follow_up.assignment",)) == {
        ANA: {"follow_up.assignment": "log a short shift"}}
    # A field not kept beside the record comes from the body, with a kept one beside it.
    assert store.conversation_texts(CAMPAIGN, [ANA], fields=("ask.action", "ask.fears")) == {
        ANA: {"ask.action": "come to the Dec 3 meeting", "ask.fears": ["retaliation"]}}


def test_a_campaigns_words_are_its_own(store: Store):
    """Two campaigns with a 1-on-1 of the same id: each reads its own words."""
    store.write([_said("Ana Lopez", "2026-11-01", "sign the petition", id="same"),
                 _said("Ana Lopez", "2026-11-01", "walk out at noon", id="same",
                       campaign="other-campaign")])
    assert store.conversation_texts(CAMPAIGN, ["same"]) == {
        "same": {"ask.action": "sign the petition"}}
    assert store.conversation_texts("other-campaign", ["same"]) == {
        "same": {"ask.action": "walk out at noon"}}
    assert store.conversation_texts("other-campaign") == {
        "same": {"ask.action": "walk out at noon"}}
    # Another campaign's 1-on-1 asked for by its store key, as a bare id: not this one's.
    assert store.conversation_texts(
        CAMPAIGN, [conversation_key("other-campaign", "same")]) == {}


def _drop_words(store: Store, where: str = "") -> None:
    with store._session() as session:
        session.run(f"MATCH (r:Record {{kind: 'conversation'}}) {where} REMOVE r.words").consume()


def _stored_words(store: Store) -> dict[str, str | None]:
    with store._session() as session:
        return dict(session.run("MATCH (r:Record {kind: 'conversation'}) "
                                "RETURN r.id, r.words").values())


@pytest.mark.neo4j
@pytest.mark.parametrize("schema", [9, 7])  # (7: with its read model rebuilt)
def test_an_older_neo4j_store_gets_its_words_when_opened(open_store_of_kind, neo4j_uri,
                                                         monkeypatch, schema):
    from mapper.stores import neo4j as module
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = open_store_of_kind("neo4j")
    store.write(small_campaign())
    store.write([_said(f"Worker {i}", "2026-11-10", "sign the petition") for i in range(5)])
    store.write([_said("Ana Lopez", "2026-11-01", "walk out at noon", id="same",
                       campaign="other-campaign")])
    expected = {c: store.conversation_texts(c) for c in (CAMPAIGN, "other-campaign")}
    kept = _stored_words(store)
    assert len(kept) == 9 and all(kept.values())
    _drop_words(store)
    with store._session() as session:
        session.run("MATCH (m:StoreMeta) SET m.schema = $n", n=schema).consume()
    monkeypatch.setattr(module, "_KEY_BATCH", 2)  # so the migration goes batch by batch
    Neo4jStore(neo4j_uri).close()
    with store._session() as session:
        assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
    assert _stored_words(store) == kept
    assert {c: store.conversation_texts(c) for c in (CAMPAIGN, "other-campaign")} == expected
    # Only 1-on-1s keep words.
    with store._session() as session:
        assert session.run("MATCH (r:Record) WHERE r.kind <> 'conversation' "
                           "AND r.words IS NOT NULL RETURN count(r)").single()[0] == 0


@pytest.mark.neo4j
def test_a_1_on_1_written_without_words_is_read_from_its_body(open_store_of_kind):
    """As an older version still running during an upgrade writes one."""
    store = open_store_of_kind("neo4j")
    store.write(small_campaign())
    expected = store.conversation_texts(CAMPAIGN), store.conversation_texts(CAMPAIGN, [ANA])
    _drop_words(store, f"WHERE r.id = '{conversation_key(CAMPAIGN, ANA)}'")
    assert _stored_words(store)[conversation_key(CAMPAIGN, ANA)] is None
    assert (store.conversation_texts(CAMPAIGN),
            store.conversation_texts(CAMPAIGN, [ANA])) == expected


@pytest.mark.neo4j
def test_the_kept_words_are_what_is_read(open_store_of_kind):
    """Lists read the words kept beside the record, not its body (which would be the same
    words, the slow way): made to differ here, the kept ones are what comes back."""
    import orjson

    store = open_store_of_kind("neo4j")
    store.write(small_campaign())
    kept = {"id": ANA, "campaign": CAMPAIGN, "words": {"ask.action": "kept beside"}}
    with store._session() as session:
        session.run("MATCH (r:Record {id: $id}) SET r.words = $w",
                    id=conversation_key(CAMPAIGN, ANA), w=orjson.dumps(kept).decode()).consume()
    assert store.conversation_texts(CAMPAIGN, [ANA]) == {ANA: {"ask.action": "kept beside"}}
    assert store.conversation_texts(CAMPAIGN)[ANA] == {"ask.action": "kept beside"}
    # A field not kept beside it is read from the body.
    assert store.conversation_texts(CAMPAIGN, [ANA], fields=("ask.action", "ask.fears")) == {
        ANA: {"ask.action": "come to the Dec 3 meeting", "ask.fears": ["retaliation"]}}
