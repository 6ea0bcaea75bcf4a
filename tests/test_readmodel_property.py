"""The read model the write side keeps gives exactly the answers a full rebuild gives, on both
stores, after any sequence of writes, replacements, updates, contact assignments, deletions
and alias merges (issue 14, item 4)."""

from __future__ import annotations

import collections
import copy
import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.listing import conversation_ids
from dashboard.tables import (complete, kept_ready_counts, kept_ready_head, kept_ready_rows,
                              people_angry_about, ready_rows)
from mapper.roles import sees_contact_details
from mapper.analytics._common import organizing_people
from mapper.analytics.follow_ups import follow_ups
from mapper.analytics.my_list import my_list
from mapper.services import open_items
from mapper.analytics.overview import overview
from mapper.analytics.power import power_ranking
from mapper.analytics.readiness import ask_queue, ladder, took_action
from mapper.analytics.structure import structure
from mapper.analytics.texts import WithCampaignTexts, campaign_texts, fill_texts, read_texts
from mapper.keys import normalize
from mapper.models import AliasRow, Assignment, Update
from mapper.projection import conversation_key
from mapper.readmodel import first_items
from tests.records import CAMPAIGN, conversation, roster, tie

PEOPLE = ("Ana Lopez", "ana lopez", "Ana L", "Ben Ortiz", "Cam Lee")
UNITS = ("ICU", "ER", "Unit 2")
ISSUES = ("short staffing", "parking", "mandatory overtime")
# (Cam Lee holds 1-on-1s and is one of the people: an organizer on the lists, whom no list
# names as someone to bring, and whom the ask queue may name as a messenger.)
ORGANIZERS = ("Maya Ortiz", "maya ortiz", "Cam Lee")
DMS = ("Carl Reyes", "Dana Park", "carl reyes")
START = dt.date(2026, 10, 1)
TODAYS = (dt.date(2026, 9, 1), dt.date(2026, 10, 20), dt.date(2026, 11, 15), dt.date(2027, 3, 1))

day = st.integers(0, 40).map(lambda n: START + dt.timedelta(days=n))
maybe_day = st.none() | day

talk = st.builds(
    lambda person, cid, date, organizer, thanked, assignment, fu_due, response, action, ask_due,
    unit, assessment, referral, issues, named: (
        "talk", conversation(
            PEOPLE[person], date.isoformat(), id=f"c{cid}", organizer=ORGANIZERS[organizer],
            unit=None if unit is None else UNITS[unit], assessment=assessment,
            issues=[{"issue": ISSUES[i], "anger": a} for i, a in issues.items()],
            # Whom they hold responsible (the power map's rankings): an issue they may not be
            # angry about, a decision maker named for several issues, ties in the counts.
            responsibility={"named": [{"issue": ISSUES[i], "decision_maker": {"name": DMS[d]}}
                                      for i, d in named]},
            plan={"hope": (cid + person) % 6, "wants_to_talk_again": bool(cid % 2),
                  "next_talk": (fu_due or date).isoformat() if assignment else None},
            referrals=[] if referral is None else [{"name": PEOPLE[referral][::1 - 2 * (cid % 2)],
                                                    "unit": UNITS[referral % len(UNITS)]}],
            ask={k: v for k, v in {"response": response, "action": "sign it" if action else None,
                                   "due": ask_due and ask_due.isoformat()}.items() if v},
            follow_up={k: v for k, v in {"assignment": "call two coworkers" if assignment else None,
                                         "due": fu_due and fu_due.isoformat(),
                                         "thank_you_sent": thanked}.items() if v is not None})),
    st.integers(0, len(PEOPLE) - 1), st.integers(0, 3), day, st.integers(0, len(ORGANIZERS) - 1),
    st.sampled_from([False, False, True, None]), st.booleans(), maybe_day,
    st.sampled_from(["yes", "yes", "no", "maybe", None]), st.booleans(), maybe_day,
    st.none() | st.integers(0, len(UNITS) - 1), st.none() | st.integers(1, 5),
    st.none() | st.integers(0, len(PEOPLE) - 1),
    st.dictionaries(st.integers(0, 2), st.integers(1, 5), max_size=3),
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), max_size=3))

# One of the people holds a 1-on-1 (a worker who became an organizer, a lead organizer's
# check-in): she organizes, and no list names her as someone to ask or to bring.
organizes = st.builds(lambda op, person: ("talk", op[1].model_copy(
    update={"organizer": PEOPLE[person]})), talk, st.integers(0, len(PEOPLE) - 1))

update = st.builds(
    lambda person, date, kind, cid: ("update", Update(
        person=PEOPLE[person], date=date, campaign=CAMPAIGN, update=kind[0],
        outcome=kind[1], conversation=None if cid is None else f"c{cid}",
        assessment=(cid or 0) + 1 if kind[0] == "assessment" else None,
        asked=True if kind[0] == "attempt" and cid == 1 else None)),
    st.integers(0, len(PEOPLE) - 1), day,
    st.sampled_from([("thank_you_sent", None), ("assignment_done", None),
                     ("commitment_kept", None), ("commitment_missed", None),
                     ("attempt", "left"), ("attempt", "no_answer"), ("attempt", "refused"),
                     ("assessment", None)]),
    st.none() | st.integers(0, 3))

assign = st.builds(
    lambda person, organizer: ("assign", Assignment(
        person=PEOPLE[person], campaign=CAMPAIGN,
        organizer=None if organizer is None else ORGANIZERS[organizer])),
    st.integers(0, len(PEOPLE) - 1), st.none() | st.integers(0, len(ORGANIZERS) - 1))

# Roster rows and ties: where people work, people known by no 1-on-1 (structure's counts).
listed = st.builds(lambda person, unit: ("roster", roster(PEOPLE[person], UNITS[unit])),
                   st.integers(0, len(PEOPLE) - 1), st.integers(0, len(UNITS) - 1))
tied = st.builds(lambda a, b: ("tie", tie(PEOPLE[a], f"New {b}" if b < 2 else PEOPLE[b - 2])),
                 st.integers(0, len(PEOPLE) - 1), st.integers(0, len(PEOPLE) + 1))
delete = st.tuples(st.just("delete"), st.integers(0, 3))
merge = st.tuples(st.just("alias"), st.booleans())
unmerge = st.just(("unalias",))

operations = st.lists(st.one_of(talk, talk, talk, organizes, update, update, assign, delete,
                                merge, unmerge, listed, tied),
                      min_size=3, max_size=16)

ALIAS = AliasRow(kind="person", alias="Ana L", canonical="Ana Lopez", campaign=CAMPAIGN)


def apply(store, ops, check=None) -> None:
    updates: list[str] = []
    for op in ops:
        if check is not None:
            check()
        if op[0] in ("talk", "assign", "roster", "tie"):
            store.write([op[1]])
        elif op[0] == "update":
            store.write([op[1]])
            updates.append(f"update:{CAMPAIGN}:{op[1].id}")
        elif op[0] == "delete":
            # A 1-on-1 by its id, or (odd numbers) the latest update written.
            if op[1] % 2 and updates:
                store.delete([updates.pop()])
            else:
                store.delete([conversation_key(CAMPAIGN, f"c{op[1]}")])
        elif op[0] == "alias":
            store.write([ALIAS])
        else:
            store.delete([f"alias:{CAMPAIGN}:person:ana l"])


def rebuilt(store, today: dt.date, horizon: int) -> dict:
    """The answer computed the whole way: snapshot of the graph, every word from the records."""
    return follow_ups(fill_texts(store.snapshot(CAMPAIGN), store), today=today,
                      horizon_days=horizon)


def same(store, today: dt.date, horizon: int) -> None:
    whole = kept(store, today, horizon)
    assert whole == rebuilt(store, today, horizon)
    # A page of the list (its first items, everyone's counts) is the head of the whole list,
    # read from the counts kept beside the items: right after every write.
    for n in (1, 2):
        assert kept(store, today, horizon, limit=n) == first_items(whole, n), n
    # Where each person stands, counted per unit (mapper structure).
    snapshot = store.snapshot(CAMPAIGN)
    assert store.structure(CAMPAIGN) == structure(snapshot)
    # The front page's counts, and how many took action (the ladder's second rung or higher).
    assert store.overview(CAMPAIGN) == overview(snapshot)
    # The power map's rankings: each issue's decision makers, and theirs over every issue.
    for first in (None, 1):
        assert store.power_ranking(CAMPAIGN, first=first) == power_ranking(snapshot, first=first)
    assert store.took_action(CAMPAIGN) == took_action(snapshot)
    assert store.took_action(CAMPAIGN, today=today) == took_action(snapshot, today=today)
    # The people of an issue clicked on the clusters page, at each anger level.
    for issue in [*snapshot.issues, f"issue:{CAMPAIGN}:nothing named"]:
        for level in (1, 3, 5):
            assert store.people_angry_about(CAMPAIGN, issue=issue, min_anger=level) == \
                people_angry_about(snapshot, issue, level), (issue, level)
    # Who owes each open item (the My list page's actions).
    assert store.item_owners(CAMPAIGN, list(snapshot.people)) == {
        i["id"]: i["organizer"] for i in open_items(snapshot, today)}
    # Whose phone and email an organizer may see, and where they are written: from a snapshot
    # of the people shown alone (the list pages' cards).
    alone = store.people_snapshot(CAMPAIGN, list(snapshot.people))
    assert conversation_ids(alone) == conversation_ids(snapshot)
    for name in ORGANIZERS:
        actor = SimpleNamespace(role="organizer", organizer=name)
        assert [sees_contact_details(actor, p, alone) for p in snapshot.people] == [
            sees_contact_details(actor, p, snapshot) for p in snapshot.people]
    # Each organizer's list of the contacts assigned to her.
    for name in (None, *ORGANIZERS, "Nobody Here"):
        assert store.my_list(CAMPAIGN, today=today, organizer=name) == my_list(
            snapshot, today=today, organizer=name), name
    # The ask queue, whole and a page of it, with every word and with none.
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    whole = ask_queue(fill_texts(snapshot, store), today=today)
    assert store.ask_queue(CAMPAIGN, today=today, texts=words) == whole
    assert store.ask_queue_page(CAMPAIGN, today=today, texts=words, offset=1, limit=2) == (
        whole[1:3], len(whole))
    assert store.ask_queue(CAMPAIGN) == ask_queue(snapshot)
    # An organizer of the campaign among the people (Cam Lee; anyone, by `organizes`) is
    # never one to ask.
    assert not organizing_people(snapshot) & {e["person"] for e in whole}
    # The ladder of the committed (mapper ladder), with every word and with none.
    assert store.ladder(CAMPAIGN, today=today, texts=words) == ladder(
        fill_texts(snapshot, store), today=today)
    assert store.ladder(CAMPAIGN) == ladder(snapshot)
    # As the dashboard reads them: with the campaign's words (its shared actions) only.
    shared = campaign_texts(snapshot, store)
    seen = WithCampaignTexts(store)
    assert seen.ask_queue(CAMPAIGN, today=today) == ask_queue(shared, today=today)
    assert seen.follow_ups(CAMPAIGN, today=today) == follow_ups(shared, today=today)
    assert seen.ladder(CAMPAIGN, today=today) == ladder(shared, today=today)
    # The Ready list: ranked rows, each drawn row then computed whole; ranked whole and kept,
    # then read back from the kept ranking (what a page reads until the next write).
    listed = ready_rows(shared)
    for _ in range(2):
        rows = kept_ready_rows(seen, CAMPAIGN)
        assert complete(rows, list(rows)) == listed


def kept(store, today: dt.date, horizon: int, **page) -> dict | None:
    return store.follow_ups(CAMPAIGN, today=today, horizon_days=horizon,
                            texts=lambda ids: read_texts(store, CAMPAIGN, ids), **page)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_the_read_model_answers_as_a_full_rebuild_after_any_writes(store, ops):
    store.clear()
    store.batch_size = 2  # re-projections (alias merges) run in several batches
    # After every step, not only at the end: a later write must not hide an earlier miss.
    apply(store, ops, check=lambda: same(store, dt.date(2026, 10, 20), 7))
    answers = {(t, h): kept(store, t, h) for t in TODAYS for h in (0, 7, 400)}
    for (today, horizon), answer in answers.items():
        assert answer is not None
        assert answer == rebuilt(store, today, horizon), (today, horizon)
        for n in (0, 1, 3, 100):
            assert kept(store, today, horizon, limit=n) == first_items(answer, n), (today, n)
    # A page of the list (one organizer's items, everyone's counts) is that part of it.
    today = dt.date(2026, 10, 20)
    whole = answers[today, 7]
    for name in ORGANIZERS + ("Nobody Here",):
        page = store.follow_ups(CAMPAIGN, today=today, horizon_days=7, organizer=name,
                                texts=lambda ids: read_texts(store, CAMPAIGN, ids))
        assert page == {**whole, "organizers": [
            {**o, "items": o["items"] if normalize(o["organizer"]) == normalize(name) else []}
            for o in whole["organizers"]]}
        # ... and its first item alone.
        assert kept(store, today, 7, organizer=name, limit=1) == first_items(page, 1)
    # Re-projecting builds the read model again from nothing, and it still answers as the
    # rebuilt graph does (whose spelling of a name may change with the order records are
    # projected in: the first writer's wins).
    store.reproject(CAMPAIGN)
    for today, horizon in answers:
        same(store, today, horizon)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_the_read_model_is_not_used_while_its_campaign_is_re_projected(open_store_of_kind, kind):
    store = open_store_of_kind(kind)
    store.write([conversation("Ana Lopez", "2026-10-02", id="c1",
                              follow_up={"thank_you_sent": False})])
    today = dt.date(2026, 10, 20)
    assert kept(store, today, 7)["totals"] == {"overdue": 1, "due": 0}
    store._mark({CAMPAIGN: None}) if kind == "sqlite" else _mark_neo4j(store)
    assert kept(store, today, 7) is None  # the caller answers from a snapshot instead
    store.resume()
    assert kept(store, today, 7) == rebuilt(store, today, 7)


def _mark_neo4j(store) -> None:
    from mapper.stores.neo4j import load_query

    with store._session() as session:
        session.execute_write(lambda tx: tx.run(load_query("write/mark_reprojection"),
                                                rows=[[CAMPAIGN, "t", None, None]]).consume())


def test_a_schema_4_file_gets_its_read_model_built_when_opened(tmp_path):
    from mapper.stores.sqlite import SCHEMA, SQLiteStore

    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    store.write([conversation("Ana Lopez", "2026-10-02", id="c1",
                              follow_up={"thank_you_sent": False}),
                 Update(person="Ben Ortiz", date=dt.date(2026, 10, 3), campaign=CAMPAIGN,
                        update="note", note="SECRET")])
    # As schema 4 left it: no read model, an update's record naming no person.
    store._db.executescript("DROP TABLE rm_items; UPDATE records SET person = NULL "
                            "WHERE kind = 'update'; UPDATE meta SET v = 4 WHERE k = 'schema';")
    store.close()
    store = SQLiteStore(path)
    try:
        assert store._db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)
        assert store._db.execute("SELECT count(*) FROM records WHERE kind = 'update' "
                                 "AND person IS NULL").fetchone() == (0,)
        today = dt.date(2026, 10, 20)
        assert kept(store, today, 7)["totals"] == {"overdue": 1, "due": 0}
        assert kept(store, today, 7) == rebuilt(store, today, 7)
    finally:
        store.close()


@pytest.mark.neo4j
def test_a_schema_2_neo4j_store_gets_its_read_model_built_when_opened(neo4j_uri):
    from mapper.stores.neo4j import Neo4jStore

    store = Neo4jStore(neo4j_uri)
    try:
        store.clear()
        store.write([conversation("Ana Lopez", "2026-10-02", id="c1",
                                  follow_up={"thank_you_sent": False})])
        with store._session() as session:
            session.run("MATCH (i:FollowUpItem) DELETE i").consume()
            session.run("MATCH (m:StoreMeta) SET m.schema = 2").consume()
        again = Neo4jStore(neo4j_uri)
        try:
            today = dt.date(2026, 10, 20)
            assert kept(again, today, 7)["totals"] == {"overdue": 1, "due": 0}
            assert kept(again, today, 7) == rebuilt(again, today, 7)
        finally:
            again.close()
    finally:
        store.clear()
        store.close()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_trust_in_the_committed_follows_a_neighbour_who_commits_or_leaves(open_store_of_kind,
                                                                          kind):
    store = open_store_of_kind(kind)
    today = dt.date(2026, 10, 30)

    def trusts_ben() -> bool:
        entry = next(e for e in store.ask_queue(CAMPAIGN, today=today)
                     if e["name"] == "Ana Lopez")
        assert store.ask_queue(CAMPAIGN, today=today) == ask_queue(store.snapshot(CAMPAIGN),
                                                                   today=today)
        return any("trusts committed Ben Ortiz" in r for r in entry["reasons"])

    store.write([tie("Ana Lopez", "Ben Ortiz"),
                 conversation("Ana Lopez", "2026-10-02", id="c1")])
    assert not trusts_ben()
    store.write([conversation("Ben Ortiz", "2026-10-03", id="c2", ask={"response": "yes"})])
    assert trusts_ben()  # Ben committed: Ana, whose records did not change, trusts him now
    store.write([Update(person="Ben Ortiz", date=dt.date(2026, 10, 10), campaign=CAMPAIGN,
                        update="attempt", outcome="left")])
    assert not trusts_ben()  # he left the workplace
    store.write([conversation("Ben Ortiz", "2026-10-20", id="c3", ask={"response": "yes"})])
    assert trusts_ben()  # he came back, and said yes again
    store.write([conversation("Ben Ortiz", "2026-10-25", id="c4", ask={"response": "no"})])
    assert not trusts_ben()  # his latest answer is no


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_an_organizer_on_the_roster_someone_trusts_is_their_messenger_on_both_stores(
        open_store_of_kind, kind):
    """Ana (ICU) trusts Maya Ortiz (on the roster, ICU) and Cy Dunn (ER, committed): Maya is
    her messenger once she holds a 1-on-1 as an organizer, until she leaves the workplace;
    Ana's own records never change. The read model's queue, kept and whole, is the
    snapshot's."""
    from tests.records import roster

    store = open_store_of_kind(kind)
    today = dt.date(2026, 10, 30)

    def messenger() -> dict:
        snapshot = store.snapshot(CAMPAIGN)
        assert store.ask_queue(CAMPAIGN, today=today) == ask_queue(snapshot, today=today)
        assert store.ask_queue(CAMPAIGN) == ask_queue(snapshot)
        return next(e for e in store.ask_queue(CAMPAIGN, today=today)
                    if e["name"] == "Ana Lopez")["messenger"]

    store.write([roster("Maya Ortiz"), tie("Ana Lopez", "Maya Ortiz"), tie("Ana Lopez", "Cy Dunn"),
                 conversation("Ana Lopez", "2026-10-02", id="c1", organizer="Dev Patel"),
                 conversation("Cy Dunn", "2026-10-02", id="c2", unit="ER", organizer="Dev Patel",
                              ask={"response": "yes"})])
    assert messenger() == {"kind": "coworker", "key": f"person:{CAMPAIGN}:cy dunn",
                           "name": "Cy Dunn"}
    store.write([conversation("Ben Ortiz", "2026-10-03", id="c3", organizer="Maya Ortiz")])
    assert messenger() == {"kind": "coworker", "key": f"person:{CAMPAIGN}:maya ortiz",
                           "name": "Maya Ortiz"}
    store.write([Update(person="Maya Ortiz", date=dt.date(2026, 10, 10), campaign=CAMPAIGN,
                        update="attempt", outcome="left")])
    assert messenger()["name"] == "Cy Dunn"


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_someone_who_becomes_an_organizer_leaves_the_ask_queue_in_every_form_on_both_stores(
        open_store_of_kind, kind, monkeypatch):
    """Nia Shah was spoken with (furious about night shift pay, rated a leader, the only one
    in Dock 9): first in the queue. Then she holds a 1-on-1 herself: an organizer, who asks,
    is never asked; her own records and row do not change. That 1-on-1 corrected to another
    organizer's, or deleted, she is back. The queue kept for a day, whole and a page; the
    Ready list's rows, its first block and its filters' choices read from the kept ranking
    (in a process holding it, and in one holding nothing) are the snapshot's after each
    write."""
    from dashboard.tables import READY_CHOICES, choices

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")  # (the kept ranking is read, not redone)
    store = open_store_of_kind(kind)
    seen = WithCampaignTexts(store)
    today = dt.date(2026, 10, 30)
    nia = f"person:{CAMPAIGN}:nia shah"

    def queue() -> list[str]:
        snapshot = store.snapshot(CAMPAIGN)
        whole = ask_queue(snapshot, today=today)
        assert store.ask_queue(CAMPAIGN, today=today) == whole
        assert store.ask_queue_page(CAMPAIGN, today=today, limit=1) == (whole[:1], len(whole))
        assert store.ask_queue(CAMPAIGN) == ask_queue(snapshot)
        listed = ready_rows(campaign_texts(snapshot, store))
        rows = kept_ready_rows(seen, CAMPAIGN)
        assert complete(rows, list(rows)) == listed
        other = copy.copy(store)
        other.__dict__.pop("_kept_answers", None)  # (another process: nothing held)
        head, count = kept_ready_head(WithCampaignTexts(other), CAMPAIGN, 1)
        assert (complete(head, list(head)), count) == (listed[:1], len(listed))
        assert kept_ready_counts(WithCampaignTexts(other), CAMPAIGN) == {
            column: _counted(listed, column) for column in READY_CHOICES}
        return [e["person"] for e in whole]

    store.write([conversation("Nia Shah", "2026-10-02", id="c1", unit="Dock 9",
                              organizer="Dev Patel", assessment=1,
                              issues=[{"issue": "night shift pay", "anger": 5}],
                              plan={"hope": 5, "wants_to_talk_again": True}),
                 conversation("Ana Lopez", "2026-10-02", id="c2", organizer="Dev Patel",
                              issues=[{"issue": "short staffing", "anger": 4}])])
    assert queue()[0] == nia  # (ranked whole, and kept)
    store.write([conversation("Ben Ortiz", "2026-10-03", id="c3", organizer="Nia Shah",
                              issues=[])])  # (no one's points move: the kept scores hold)
    assert nia not in queue()
    assert "Dock 9" not in choices(kept_ready_rows(seen, CAMPAIGN), "unit")
    store.kept_ask_ranking(CAMPAIGN, today=today, fresh=True)  # kept while she organizes
    store.kept_ask_ranking(CAMPAIGN, today=None, words="every", fresh=True,
                           texts=lambda ids: read_texts(store, CAMPAIGN, ids))
    assert nia not in queue()
    # Corrected: Dev held that 1-on-1, Nia organizes no more (her row unchanged).
    store.write([conversation("Ben Ortiz", "2026-10-03", id="c3", organizer="Dev Patel",
                              issues=[])])
    assert queue()[0] == nia
    store.write([conversation("Ben Ortiz", "2026-10-04", id="c4", organizer="Nia Shah",
                              issues=[])])
    assert nia not in queue()
    # A lead organizer's check-in with her: her row is written, and scored again, not listed.
    store.write([conversation("Nia Shah", "2026-10-05", id="c5", unit="Dock 9",
                              organizer="Dev Patel",
                              issues=[{"issue": "night shift pay", "anger": 5}])])
    assert nia not in queue()
    store.delete([conversation_key(CAMPAIGN, "c4")])
    assert queue()[0] == nia


# People no record of their own is about (a roster import's): their rows are built without a
# snapshot (readmodel._bare_rows), and must be the rows the snapshot's way gives.
KEYS = [f"person:{CAMPAIGN}:p{i}" for i in range(6)]
unit_row = st.tuples(st.sampled_from(KEYS), st.sampled_from([None, "ICU", "ER"]),
                     st.sampled_from([None, "days"]), st.sampled_from([None, "RN", "CNA"]),
                     st.booleans(), st.booleans(),
                     st.sampled_from([None, "2026-10-01", "2026-11-01"]))
anger_row = st.tuples(st.sampled_from(KEYS), st.just(f"issue:{CAMPAIGN}:parking"),
                      st.integers(0, 5), st.none(), st.just("c1"), st.just("2026-10-01"))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(people=st.sets(st.sampled_from(KEYS)),
       names=st.dictionaries(st.sampled_from(KEYS), st.none() | st.sampled_from(["Ana", "Ben"])),
       units=st.lists(unit_row, max_size=8), anger=st.lists(anger_row, max_size=2),
       referred=st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(KEYS)), max_size=2))
def test_rows_of_people_known_by_no_record_of_their_own_are_the_snapshots(
        people, names, units, anger, referred):
    from mapper.readmodel import _full_rows, person_rows

    nodes = {k: {} if n is None else {"name": n} for k, n in names.items()}
    args = (CAMPAIGN, people, [], nodes, units, anger, referred)
    assert sorted(person_rows(*args)) == sorted(_full_rows(*args))


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_people_known_by_the_roster_alone_stand_where_a_full_rebuild_puts_them(
        open_store_of_kind, kind):
    from mapper.models import RosterRow

    store = open_store_of_kind(kind)
    store.batch_size = 3  # several batches, each with people of both kinds
    store.write([
        roster("Ana Lopez"), roster("Ben Ortiz", "ER"), roster("Cam Lee"),
        RosterRow(name="Dee Park", campaign=CAMPAIGN),  # no unit: in the campaign
        RosterRow(name="Eve Ng", unit="ER", as_of=dt.date(2026, 9, 1), campaign=CAMPAIGN),
        RosterRow(name="Eve N", unit="ICU", as_of=dt.date(2026, 10, 1), campaign=CAMPAIGN),
        conversation("Ana Lopez", "2026-10-02", id="c1", ask={"response": "yes"},
                     referrals=[{"name": "Fay Diaz", "unit": "Unit 2"},
                                {"name": "Cam Lee", "unit": "ER"}]),
        tie("Ana Lopez", "Ben Ortiz"), tie("Gil Roy", "Ben Ortiz"),
    ])
    # Two roster rows of one person (the newest says where she works), then again at once.
    store.write([AliasRow(kind="person", alias="Eve N", canonical="Eve Ng", campaign=CAMPAIGN)])
    store.write([roster("Ben Ortiz", "ICU"), roster("Hal Kim", "ER")])
    snapshot = store.snapshot(CAMPAIGN)
    assert {k.split(":", 2)[2]: (p.unit, p.in_roster) for k, p in snapshot.people.items()} == {
        "ana lopez": ("ICU", True), "ben ortiz": ("ICU", True), "cam lee": ("ICU", True),
        "dee park": (None, True), "eve ng": ("ICU", True), "fay diaz": ("Unit 2", False),
        "gil roy": (None, False), "hal kim": ("ER", True)}
    assert store.structure(CAMPAIGN) == structure(snapshot)
    assert store.overview(CAMPAIGN) == overview(snapshot)
    # The power map's rankings: each issue's decision makers, and theirs over every issue.
    for first in (None, 1):
        assert store.power_ranking(CAMPAIGN, first=first) == power_ranking(snapshot, first=first)
    assert store.took_action(CAMPAIGN) == took_action(snapshot)
    assert store.ask_queue(CAMPAIGN) == ask_queue(snapshot)
    assert store.ladder(CAMPAIGN) == ladder(snapshot)
    store.reproject(CAMPAIGN)
    assert store.structure(CAMPAIGN) == structure(store.snapshot(CAMPAIGN))


def _ready_list_as_merged(seen) -> list[dict] | None:
    """The Ready list's rows as the kept ranking merges them (its whole order and what it
    lists of each contact): what a list placing only the people written since must give."""
    from dashboard.tables import _ready_values

    ranking = seen.kept_list_ranking(CAMPAIGN)
    if ranking is None:
        return None
    assigned = seen.assignees(CAMPAIGN)
    listed = ranking.listed
    values = _ready_values([(p, score, ready, *listed[p]) for p, score, ready in ranking.order],
                           ranking.issue_name)
    return [dict(zip(("rank", "person", "name", "unit", "organizer", "score", "ready", "issues",
                      "assigned_to"), (rank, *v, assigned.get(v[0]))))
            for rank, v in enumerate(values, 1)]


def _counted(rows: list[dict], column: str) -> dict[str, int]:
    """How many ``rows`` hold each value of ``column`` (each item of a list cell)."""
    counts: collections.Counter = collections.Counter()
    for r in rows:
        v = r[column]
        counts.update(item for item in (v if isinstance(v, (list, tuple)) else [v]) if item)
    return dict(counts)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_the_ready_list_places_those_written_since_as_the_ranking_merges_them(store, ops,
                                                                               monkeypatch):
    # Served while the kept ranking is young (the lag bound), the Ready list holds the kept
    # order's rows from one version to the next and places only the people written since: its
    # rows, their order and the filters' choices are those of the merged ranking.
    from dashboard.tables import READY_CHOICES, choices

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    # A page and a bucket per entry: the people written since are looked up across buckets.
    monkeypatch.setattr(store, "ask_chunk_size", 1)
    store.clear()
    seen = WithCampaignTexts(store)
    checks = itertools.count()

    def check() -> None:
        rows = kept_ready_rows(seen, CAMPAIGN)
        merged = _ready_list_as_merged(seen)
        if merged is None:
            assert rows is None
            return
        assert [dict(r) for r in rows] == merged
        for column in READY_CHOICES:
            assert choices(rows, column) == choices(merged, column), column
        # A first block read from the kept ranking's head alone (a process holding no rows
        # of this version): the same rows, whole, and the same count.
        for n in (1, 3, len(merged) + 1):
            head, count = kept_ready_head(seen, CAMPAIGN, n)
            assert count == len(merged)
            assert complete(head, list(head)) == complete(rows, list(rows[:n]))
        # The filters' choices read from the counts kept with the ranking and the buckets
        # of those written since alone: each value with as many rows as the list holds.
        assert kept_ready_counts(seen, CAMPAIGN) == {
            column: _counted(merged, column) for column in READY_CHOICES}
        # Kept anew now and then (as the refresher does), so the next writes land on people
        # the kept order holds: their kept rows, and counts, must then give way.
        if next(checks) % 2:
            store.kept_ask_ranking(CAMPAIGN, today=None, words="every", fresh=True,
                                   texts=lambda ids: read_texts(store, CAMPAIGN, ids))

    apply(store, ops, check=check)
    check()


ISSUE_ALIASES = (("parking", "mandatory overtime"), ("short staffing", "parking"))
ready_operations = st.lists(st.one_of(
    talk, talk, talk, talk, talk, organizes, update, assign, delete, merge, listed, tied,
    st.tuples(st.just("issue_alias"), st.integers(0, 1)),
    st.tuples(st.just("issue_unalias"), st.integers(0, 1)),
    st.tuples(st.just("forget"), st.integers(0, len(PEOPLE) - 1)),
    st.just(("keep",))), min_size=3, max_size=16)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=ready_operations)
def test_the_ready_lists_filter_choices_follow_renamed_issues_and_forgotten_people(
        store, ops, monkeypatch):
    # The filters' choices read from the counts kept with the ranking, by a process holding
    # nothing of it, are the whole list's after issues are joined and parted by aliases,
    # people forgotten and the ranking kept anew at any point among other writes.
    from types import SimpleNamespace

    from dashboard.tables import READY_CHOICES, choices
    from mapper import services
    from tests.records import alias

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    monkeypatch.setattr(store, "ask_chunk_size", 1)
    store.clear()
    # Some in the list to begin with (a unit, an organizer, issues each), whom ops move.
    store.write([conversation(name, "2026-10-02", id=f"base-{n}", unit=UNITS[n % 3],
                              organizer=ORGANIZERS[n % 3], ask={"response": "maybe"},
                              issues=[{"issue": ISSUES[n % 3], "anger": 4},
                                      {"issue": ISSUES[(n + 1) % 3], "anger": 3 + n % 3}])
                 for n, name in enumerate(("Ben Ortiz", "Cam Lee", "Dee Park", "Eve Ruiz"))])
    seen = WithCampaignTexts(store)
    admin = SimpleNamespace(role="admin", organizer=None)

    def check() -> None:
        rows = kept_ready_rows(seen, CAMPAIGN)
        if rows is None:
            return
        other = copy.copy(store)
        other.__dict__.pop("_kept_answers", None)  # (another process: nothing held)
        counts = kept_ready_counts(WithCampaignTexts(other), CAMPAIGN)
        whole = ready_rows(campaign_texts(store.snapshot(CAMPAIGN), store))
        for column in READY_CHOICES:
            assert choices(rows, column) == choices(whole, column), column
            if counts is not None:  # (none kept since a forget: the rows are counted)
                assert sorted(map(str, counts[column]), key=str.casefold) == choices(
                    whole, column), column
                assert all(n > 0 for n in counts[column].values())

    for op in ops:
        check()
        if op[0] == "issue_alias":
            store.write([alias("issue", *ISSUE_ALIASES[op[1]])])
        elif op[0] == "issue_unalias":
            store.delete([f"alias:{CAMPAIGN}:issue:{ISSUE_ALIASES[op[1]][0]}"])
        elif op[0] == "forget":
            try:
                services.forget_person(store, admin, CAMPAIGN, PEOPLE[op[1]])
            except services.ServiceError:
                pass  # (no one by that name, or two)
        elif op[0] == "keep":
            store.kept_ask_ranking(CAMPAIGN, today=None, words="every", fresh=True,
                                   texts=lambda ids: read_texts(store, CAMPAIGN, ids))
        else:
            apply(store, [op])
    check()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_the_ready_list_after_a_write_places_those_written_among_the_kept_rows(
        open_store_of_kind, kind, monkeypatch):
    from dashboard.tables import _ReadyBase
    from tests.records import small_campaign

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    placed, built = [], []
    real, make = _ReadyBase.placed, _ReadyBase.__init__
    monkeypatch.setattr(_ReadyBase, "placed", lambda self, changes, name_of: (
        placed.append((sorted(changes[1]), [e[0] for e in changes[2]])),
        real(self, changes, name_of))[1])
    monkeypatch.setattr(_ReadyBase, "__init__", lambda self, *args: (
        built.append(1), make(self, *args))[1])
    store = open_store_of_kind(kind)
    store.write(small_campaign() + [
        conversation(name, "2026-11-19", id=f"more-{n}", unit="ER",
                     issues=[{"issue": "short staffing", "anger": 2 + n}])
        for n, name in enumerate(("Una Ito", "Tom Ruiz", "Lia Moss", "Rob Chen"))])
    seen = WithCampaignTexts(store)
    first = kept_ready_rows(seen, CAMPAIGN)  # ranked whole, and kept
    assert [dict(r) for r in first] == _ready_list_as_merged(seen) and len(first) >= 2
    # Someone new and angry; the second of the list calmer (further down, before others);
    # the first committed (off it); then someone assigned.
    zed = f"person:{CAMPAIGN}:zed new"
    top = first[0]["person"]
    top_name = first[0]["name"]
    for write in ([conversation("Zed New", "2026-11-21", id="zed", unit="Dock 9",
                                issues=[{"issue": "night shift pay", "anger": 5}])],
                  [conversation(first[1]["name"], "2026-11-21", id="calmer", unit="ER",
                                issues=[{"issue": "short staffing", "anger": 1}])],
                  [conversation(top_name, "2026-11-22", id="top-yes",
                                ask={"asked": True, "action": "sign", "response": "yes"})],
                  [Assignment(person="Zed New", campaign=CAMPAIGN, organizer="Sam Lee")]):
        store.write(write)
        rows = kept_ready_rows(seen, CAMPAIGN)
        assert [dict(r) for r in rows] == _ready_list_as_merged(seen)
    assert placed and placed[0] == ([zed], [zed]), placed
    assert len(built) == 1, "the kept order's rows were made again for a later version"
    assert first[1]["person"] in placed[1][1]  # placed anew
    assert top in placed[2][0] and top not in placed[2][1]  # written since, off the list
    by = {r["person"]: r for r in rows}
    assert top not in by and by[zed]["assigned_to"] == "Sam Lee"
    assert by[zed]["unit"] == "Dock 9" and "night shift pay" in by[zed]["issues"]
    from dashboard.tables import choices
    assert "Dock 9" in choices(rows, "unit") and "night shift pay" in choices(rows, "issues")
    # Ranked whole and kept anew (the refresher's round): the list's base is that order's,
    # the one before it not held (an older order may name someone forgotten since).
    mine = lambda: [v[0] for k, v in _ReadyBase._held.items()  # noqa: E731
                    if isinstance(k, tuple) and k[0] == CAMPAIGN]
    before = mine()
    assert len(before) == 1
    store.kept_ask_ranking(CAMPAIGN, today=None, words="every", fresh=True,
                           texts=lambda ids: read_texts(store, CAMPAIGN, ids))
    store.write([conversation("Zed New", "2026-11-23", id="zed-2", unit="Dock 9")])
    assert [dict(r) for r in kept_ready_rows(seen, CAMPAIGN)] == _ready_list_as_merged(seen)
    after = mine()
    assert len(after) == 1 and after[0] is not before[0]
