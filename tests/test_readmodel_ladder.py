"""The ladder of the committed from the read model (issue 16, item 1): the rows of the committed
people and the few more rows it needs give the answer a snapshot of the campaign gives, on both
stores, after each kind of write."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from mapper.analytics.readiness import ladder
from mapper.analytics.texts import WithCampaignTexts, campaign_texts, fill_texts, read_texts
from mapper.importer import import_files
from mapper.models import Update
from mapper.projection import conversation_key, record_id
from mapper.roles import ADMIN
from mapper.services import forget_person
from mapper.stores.base import Store
from tests.records import CAMPAIGN, NoDrafts, conversation, tie

KINDS = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]
TODAY = dt.date(2026, 10, 10)


def words(store, campaign=CAMPAIGN):
    return lambda ids: read_texts(store, campaign, ids)


def same(store, today=TODAY, campaign=CAMPAIGN) -> list[dict]:
    """The read model's ladder, checked against the snapshot's: with every word (the command
    line's), with none, and with the campaign's shared words (the dashboard's)."""
    snap = store.snapshot(campaign)
    found = store.ladder(campaign, today=today, texts=words(store, campaign))
    assert found == ladder(fill_texts(snap, store), today=today)
    assert store.ladder(campaign, today=today) == ladder(snap, today=today)
    assert store.ladder(campaign) == ladder(snap)
    assert WithCampaignTexts(store).ladder(campaign, today=today) == ladder(
        campaign_texts(snap, store), today=today)
    # A table's page: its first entries alone, and how many there are; the store's query
    # picks the rows the reference picks (readmodel.ladder_candidates, the base Store's).
    n = len(found)
    for limit in sorted({1, 2, 3, 5, 10, 50, n - 1, n, n + 1} - {0, -1}):
        assert store.ladder_page(campaign, today=today, limit=limit,
                                 texts=words(store, campaign)) == (found[:limit], n), limit
        picked, reference = (rows(campaign, today=today, first=limit) for rows in (
            store._ladder_rows, functools.partial(Store._ladder_rows, store)))
        assert picked[::2] == reference[::2] and sorted(map(repr, picked[1])) == sorted(
            map(repr, reference[1])), limit
    assert store.ladder_page(campaign, limit=2) == (ladder(snap)[:2], n)
    return found


def steps(store) -> dict[str, str]:
    return {e["name"]: e["next_step"] for e in same(store)}


def update(name: str, date: str, kind: str, **fields) -> Update:
    return Update(person=name, date=dt.date.fromisoformat(date), campaign=CAMPAIGN, update=kind,
                  **fields)


@pytest.mark.parametrize("kind", KINDS)
def test_the_ladder_follows_each_kind_of_write(open_store_of_kind, kind):
    store = open_store_of_kind(kind)
    # Ana trusts Ben (whom Cam trusts too) and Dee, none of them spoken with; she referred Eve,
    # whom Fay trusts, but Fay left the workplace.
    store.write([tie("Ana Lopez", "Ben Ortiz"), tie("Cam Lee", "Ben Ortiz"),
                 tie("Ana Lopez", "Dee Park"), tie("Dee Park", "Dee Park"),
                 tie("Eve Ng", "Fay Diaz"),
                 update("Fay Diaz", "2026-09-30", "attempt", outcome="left")])
    assert same(store) == []
    store.write([conversation("Ana Lopez", "2026-10-01", id="c1",
                              ask={"asked": True, "action": "sign the petition",
                                   "response": "yes", "due": "2026-10-20"},
                              referrals=[{"name": "Eve Ng", "unit": "ER"}])])
    [ana] = same(store)
    assert (ana["level"], ana["next_step"], ana["since"], ana["yes_count"]) == (
        1, "follow through: sign the petition (by 2026-10-20)", "2026-10-01", 1)
    # Without the words, the action is not named.
    assert store.ladder(CAMPAIGN, today=TODAY)[0]["next_step"] == (
        "follow through: the agreed action (by 2026-10-20)")
    # Marked missed: a new date; then kept: the second rung, bring the most trusted coworker.
    store.write([update("Ana Lopez", "2026-10-05", "commitment_missed", conversation="c1")])
    assert steps(store) == {"Ana Lopez": "agree a new date for sign the petition"}
    store.write([update("Ana Lopez", "2026-10-06", "commitment_kept", conversation="c1")])
    [ana] = same(store)
    assert (ana["level"], ana["kept"], ana["missed"]) == (2, 1, 0)
    assert ana["next_step"] == "bring a coworker to the next meeting (e.g. Ben Ortiz)"
    # Ben spoken with: Dee is the one to bring (Eve is trusted by no one else still there).
    store.write([conversation("Ben Ortiz", "2026-10-07", id="c2")])
    assert steps(store) == {"Ana Lopez": "bring a coworker to the next meeting (e.g. Dee Park)"}
    # Dee left the workplace: Eve, whom Ana referred (and so trusts), is the one.
    store.write([update("Dee Park", "2026-10-07", "attempt", outcome="left")])
    assert steps(store) == {"Ana Lopez": "bring a coworker to the next meeting (e.g. Eve Ng)"}
    # A new yes (Ben's, without an action: read from his 1-on-1s), the first rung.
    store.write([conversation("Ben Ortiz", "2026-10-08", id="c3", ask={"response": "yes"})])
    assert steps(store) == {"Ana Lopez": "bring a coworker to the next meeting (e.g. Eve Ng)",
                            "Ben Ortiz": "agree a first action: come to the next meeting"}
    # The person Ana referred spoken with: she brought a coworker; rated a leader, the top rung.
    store.write([conversation("Eve Ng", "2026-10-08", id="c4", unit="ER")])
    assert steps(store)["Ana Lopez"] == "lead a meeting in ICU"
    store.write([update("Ana Lopez", "2026-10-09", "assessment", assessment=1)])
    assert steps(store)["Ana Lopez"] == "join the organizing committee for ICU"
    # Eve left: Ana has brought no one still there, and trusts no one there not spoken with.
    store.write([update("Eve Ng", "2026-10-09", "attempt", outcome="left")])
    assert steps(store)["Ana Lopez"] == "bring a coworker to the next meeting"
    # Ana said yes again (twice: took action), then left the workplace.
    store.write([conversation("Ana Lopez", "2026-10-09", id="c5",
                              ask={"asked": True, "action": "wear the button",
                                   "response": "yes"})])
    [ana] = [e for e in same(store) if e["name"] == "Ana Lopez"]
    assert (ana["yes_count"], ana["since"], ana["kept"]) == (2, "2026-10-01", 1)
    store.write([update("Ana Lopez", "2026-10-10", "attempt", outcome="left")])
    assert [e["name"] for e in same(store)] == ["Ben Ortiz"]
    # Ben's yes deleted: no one is committed; then Ben forgotten.
    store.write([conversation("Cam Lee", "2026-10-09", id="c6",
                              ask={"asked": True, "action": "sign the petition",
                                   "response": "yes", "due": "2026-10-01"})])
    assert steps(store) == {"Ben Ortiz": "agree a first action: come to the next meeting",
                            "Cam Lee": "bring a coworker to the next meeting"}
    store.delete([conversation_key(CAMPAIGN, "c3")])
    assert [e["name"] for e in same(store)] == ["Cam Lee"]
    forget_person(store, ADMIN, CAMPAIGN, "Cam Lee", drafts=NoDrafts())
    assert same(store) == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_shared_action_is_counted_among_those_still_in_the_workplace(open_store_of_kind,
                                                                       kind):
    """Three said yes to one action, and one of them left: it is no longer the campaign's
    shared action, from the read model or the snapshot (the snapshot counted those who left
    too, and named it where the read model said "the agreed action": the ladder switched
    between them as it was read from one or the other)."""
    store = open_store_of_kind(kind)
    store.write([conversation(name, "2026-10-01", id=f"yes-{n}", organizer="Maya Ortiz",
                              ask={"asked": True, "response": "yes", "action": "sign it",
                                   "due": "2026-12-01"})
                 for n, name in enumerate(("Ana Lopez", "Ben Ortiz", "Cam Lee"))])
    today = dt.date(2026, 10, 20)

    def steps(entries):
        return sorted(e["next_step"] for e in entries)
    both = steps(WithCampaignTexts(store).ladder(CAMPAIGN, today=today))
    assert both == steps(ladder(campaign_texts(store.snapshot(CAMPAIGN), store), today=today))
    assert all("sign it" in step for step in both)
    store.write([Update(person="Cam Lee", date="2026-10-05", campaign=CAMPAIGN,
                        update="attempt", outcome="left")])
    now = steps(WithCampaignTexts(store).ladder(CAMPAIGN, today=today))
    assert now == steps(ladder(campaign_texts(store.snapshot(CAMPAIGN), store), today=today))
    assert len(now) == 2 and not any("sign it" in step for step in now)


@pytest.mark.parametrize("kind", KINDS)
def test_an_update_given_another_persons_1on1_id_takes_nothing_of_hers(open_store_of_kind,
                                                                       kind):
    """A records file may give an update any id: Ben's "missed" under the id of Ana's 1-on-1
    took her "kept" in the snapshot's count (and not in the read model's)."""
    from mapper.analytics.overview import overview
    from mapper.analytics.readiness import took_action

    store = open_store_of_kind(kind)
    store.write([conversation("Ana Lopez", "2026-10-01", id="x1", organizer="Maya Ortiz",
                              ask={"asked": True, "response": "yes", "action": "sign",
                                   "due": "2026-12-01"}),
                 Update(person="Ana Lopez", date="2026-10-03", campaign=CAMPAIGN,
                        update="commitment_kept", conversation="x1")])
    store.write([Update(id="x1", person="Ben Ortiz", date="2026-10-04", campaign=CAMPAIGN,
                        update="commitment_missed")])
    snapshot = store.snapshot(CAMPAIGN)
    assert store.took_action(CAMPAIGN) == took_action(snapshot) == 1
    assert store.ladder(CAMPAIGN) == ladder(snapshot)
    assert store.overview(CAMPAIGN) == overview(snapshot)


@pytest.mark.parametrize("kind", KINDS)
def test_two_yeses_both_missed_are_the_first_rung_on_both_stores(open_store_of_kind, kind):
    """Two yeses stood for action taken even when both were marked missed: the read model, the
    store's own query and the snapshot now agree she has not acted."""
    from mapper.analytics.readiness import took_action

    store = open_store_of_kind(kind)
    store.write([conversation("Ana Lopez", "2026-09-01", id="m1",
                              ask={"asked": True, "response": "yes", "due": "2026-09-10"}),
                 conversation("Ana Lopez", "2026-09-20", id="m2",
                              ask={"asked": True, "response": "yes", "due": "2026-09-30"}),
                 update("Ana Lopez", "2026-09-11", "commitment_missed", conversation="m1")])
    assert [e["rung"] for e in same(store)] == ["took action"]  # the latest's date passed
    store.write([update("Ana Lopez", "2026-10-01", "commitment_missed", conversation="m2")])
    [ana] = same(store)
    assert (ana["rung"], ana["yes_count"], ana["missed"]) == ("said yes", 2, 2)
    snapshot = store.snapshot(CAMPAIGN)
    assert store.took_action(CAMPAIGN, today=TODAY) == took_action(snapshot, today=TODAY) == 0
    assert store.took_action(CAMPAIGN) == took_action(snapshot) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_the_ladder_is_not_read_from_the_rows_while_they_are_rebuilt(open_store_of_kind, kind):
    store = open_store_of_kind(kind)
    store.write([conversation("Ana Lopez", "2026-10-01", id="c1", ask={"response": "yes"})])
    assert same(store)
    store._mark_read_model([CAMPAIGN])
    assert store.ladder(CAMPAIGN, today=TODAY) is None  # the caller answers from a snapshot
    assert store.ladder_page(CAMPAIGN, today=TODAY, limit=1) is None
    store.resume()
    assert same(store)


@pytest.mark.parametrize("kind", KINDS)
def test_the_demo_and_a_generated_campaign_give_the_snapshots_ladder(open_store_of_kind, kind,
                                                                    tmp_path):
    from mapper.cli import demo_files
    from mapper.generate import generate_campaign

    demo = open_store_of_kind(kind)
    assert import_files(demo, demo_files()).ok
    camp = demo.campaigns()[0]
    found = same(demo, dt.date(2026, 11, 24), camp)
    # The first, second and top rungs, and coworkers named at the second (the third: above).
    assert {e["level"] for e in found} == {1, 2, 4}
    assert any("(e.g. " in e["next_step"] for e in found)
    assert same(demo, dt.date(2026, 12, 20), camp)
    demo.clear()
    generate_campaign(tmp_path, 1500, seed=5)
    files = [tmp_path / n for n in ("roster.csv", "hierarchy.csv", "ties.csv",
                                    "conversations.jsonl")]
    assert import_files(demo, files).ok
    camp = demo.campaigns()[0]
    snap = demo.snapshot(camp)
    found = same(demo, None, camp)
    assert {e["level"] for e in found} == {1, 2}
    assert any("(e.g. " in e["next_step"] for e in found)
    for today in (dt.date(2026, 1, 1), max(c.date for c in snap.conversations)):
        same(demo, today, camp)


@pytest.mark.parametrize("kind", KINDS)
def test_a_ladder_page_orders_names_by_code_point_on_both_stores(open_store_of_kind, kind):
    # Three people alike but for a name: in code point order (Python's; SQLite's bytes; Neo4j's
    # stored strings) U+FF21 and U+FF22 come before U+1F600; in UTF-16 units (Java's, and
    # Neo4j's for strings given as parameters) after. The page's first are the ladder's.
    store = open_store_of_kind(kind)
    yes = {"asked": True, "action": "sign the petition", "response": "yes"}
    store.write([conversation("Zoe \U0001F600y", "2026-10-01", id="c1", ask=yes),
                 conversation("Zoe \uFF21x", "2026-10-01", id="c2", ask=yes),
                 conversation("Zoe \uFF22w", "2026-10-01", id="c3", ask=yes)])
    found = same(store)
    assert [e["name"] for e in found] == ["Zoe \uFF21x", "Zoe \uFF22w", "Zoe \U0001F600y"]
    assert store.ladder_page(CAMPAIGN, today=TODAY, limit=1, texts=words(store))[0] == found[:1]


@pytest.mark.parametrize("kind", KINDS)
def test_a_ladder_page_finds_the_second_rung_by_each_of_its_columns(open_store_of_kind, kind):
    # Three people at the first rung, named to sort first; each later one climbs to the second
    # by one column alone, and must then head the page of one.
    store = open_store_of_kind(kind)
    once = {"asked": True, "action": "sign the petition", "response": "yes"}
    store.write([conversation(f"Aa {n}", "2026-10-01", id=f"a{n}", ask=once)
                 for n in ("Ng", "Ortiz", "Park")])

    def first() -> tuple[str, int]:
        found = same(store)
        assert same(store, today=None)  # (as of the campaign's latest record)
        return found[0]["name"], found[0]["level"]
    # A yes due before today, not marked missed; then marked missed.
    store.write([conversation("Zz Due", "2026-10-02", id="z1",
                              ask={**once, "due": "2026-10-05"})])
    assert first() == ("Zz Due", 2)
    store.write([update("Zz Due", "2026-10-06", "commitment_missed", conversation="z1")])
    assert first() == ("Aa Ng", 1)
    # A commitment kept (a yes with no date).
    store.write([conversation("Zx Kept", "2026-10-02", id="x1", ask=once)])
    assert first() == ("Aa Ng", 1)
    store.write([update("Zx Kept", "2026-10-07", "commitment_kept", conversation="x1")])
    assert first() == ("Zx Kept", 2)
    # Two yeses.
    store.write([conversation("Zy Twice", "2026-10-03", id="y1", ask=once),
                 conversation("Zy Twice", "2026-10-04", id="y2", ask=once)])
    assert [e["name"] for e in same(store)[:2]] == ["Zy Twice", "Zx Kept"]


@pytest.mark.neo4j
def test_a_schema_15_neo4j_store_gets_its_ladders_order_when_opened(open_store_of_kind,
                                                                    neo4j_uri):
    # Since schema 16 a page of the ladder reads the committed rows in the order of their
    # place in it: a row without one is in no such index, and would be on no page.
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = open_store_of_kind("neo4j")
    once = {"asked": True, "action": "sign the petition", "response": "yes"}
    store.write([conversation("Aa Ng", "2026-10-01", id="a1", ask=once),
                 conversation("Zz Due", "2026-10-02", id="z1", ask={**once, "due": "2026-10-05"}),
                 conversation("Zy Twice", "2026-10-03", id="y1", ask=once),
                 conversation("Zy Twice", "2026-10-04", id="y2", ask=once)])
    found = same(store)
    with store._session() as session:
        session.run("MATCH (r:PersonRow) REMOVE r.ladder_order").consume()
        session.run("MATCH (m:StoreMeta) SET m.schema = 15").consume()
    assert store.ladder_page(CAMPAIGN, today=TODAY, limit=3) == ([], 3)
    Neo4jStore(neo4j_uri).close()
    with store._session() as session:
        assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
    assert [e["name"] for e in same(store)] == ["Zy Twice", "Zz Due", "Aa Ng"]
    assert same(store) == found


@pytest.mark.neo4j
@pytest.mark.parametrize("kept_first", [False, True])
def test_a_ladder_page_read_while_a_write_moves_a_row_lists_it_once(open_store_of_kind,
                                                                    neo4j_uri, monkeypatch,
                                                                    kept_first):
    # A page of the ladder is read in parts (the rungs no day changes, those the day puts on
    # the second, the rest) and a count, each a query, and Neo4j reads at read committed: a
    # commitment marked kept between two of them (a yes due before the day, now kept) moved
    # its row from the second part to the first after both had been read, leaving it off the
    # page; the mark deleted meanwhile showed it twice. The page is read again until no write
    # committed across it.
    from mapper.stores import neo4j
    from mapper.stores.neo4j import Neo4jStore

    store = open_store_of_kind("neo4j")
    kept = update("Zz Due", "2026-10-06", "commitment_kept", conversation="z1")
    once = {"asked": True, "action": "sign the petition", "response": "yes"}
    store.write([conversation("Aa Ng", "2026-10-01", id="a1", ask=once),
                 conversation("Zz Due", "2026-10-02", id="z1", ask={**once, "due": "2026-10-05"}),
                 *([kept] if kept_first else [])])
    other = Neo4jStore(neo4j_uri)
    parts, loaded = [], neo4j.load_query

    def between_the_parts(name: str) -> str:
        if name == "read/list_ladder_rows":
            parts.append(name)
            if len(parts) == 2:  # the second part, once: the write commits before it
                if kept_first:
                    other.delete([record_id(kept)])
                else:
                    other.write([kept])
        return loaded(name)

    monkeypatch.setattr(neo4j, "load_query", between_the_parts)
    try:
        page = store.ladder_page(CAMPAIGN, today=TODAY, limit=5)
    finally:
        other.close()
    monkeypatch.setattr(neo4j, "load_query", loaded)
    assert page == (store.ladder(CAMPAIGN, today=TODAY), 2)


@pytest.mark.parametrize("kind", KINDS)
def test_an_organizer_on_the_roster_is_never_the_coworker_to_bring_on_both_stores(
        open_store_of_kind, kind):
    """Ana took action and trusts Maya Ortiz (whom Ben and Cam trust too) and Una Ng, none of
    them spoken with. Maya is the one to bring until her first 1-on-1 as an organizer: then
    she is already organizing, and Una is the one (the snapshot's answer and the read model's
    alike)."""
    from tests.records import roster

    store = open_store_of_kind(kind)
    store.write([roster("Maya Ortiz"), roster("Una Ng"),
                 tie("Ana Lopez", "Maya Ortiz"), tie("Ben Ortiz", "Maya Ortiz"),
                 tie("Cam Lee", "Maya Ortiz"),
                 conversation("Ana Lopez", "2026-10-01", id="c1", organizer="Dev Patel",
                              ask={"asked": True, "response": "yes", "due": "2026-10-05"})])
    assert steps(store) == {
        "Ana Lopez": "bring a coworker to the next meeting (e.g. Maya Ortiz)"}
    store.write([conversation("Dee Park", "2026-10-02", id="c2", organizer="Maya Ortiz")])
    assert steps(store) == {"Ana Lopez": "bring a coworker to the next meeting"}
    store.write([tie("Ana Lopez", "Una Ng")])
    assert steps(store) == {"Ana Lopez": "bring a coworker to the next meeting (e.g. Una Ng)"}
