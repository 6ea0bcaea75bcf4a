"""A page of a list reads what it shows (issue 16 item 1), on both stores: the follow-ups' first
items and the ask queue's first entries are the head of the whole list, and a write shows at
once."""

from __future__ import annotations

import datetime as dt

import pytest

from mapper.analytics.follow_ups import first_items, follow_ups
from mapper.analytics.readiness import ask_queue
from mapper.analytics.stored import options_key
from mapper.analytics.texts import fill_texts, read_texts
from tests.records import CAMPAIGN, conversation, small_campaign

KINDS = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]
TODAY = dt.date(2026, 11, 20)


def _more() -> list:
    """Organizers with several items each, due on the same days (ties a page ends within)."""
    out = []
    for n in range(12):
        out.append(conversation(
            f"Pat Doe {n}", f"2026-11-{1 + n % 4:02d}", id=f"pat-{n}",
            organizer=("Maya Ortiz", "Sam Lee", "dev patel")[n % 3],
            follow_up={"thank_you_sent": False, "assignment": f"call {n}",
                       "due": f"2026-11-{10 + n % 2:02d}"},
            ask={"response": "yes", "action": "sign it", "due": "2026-11-24"},
            issues=[{"issue": "short staffing", "anger": 3 + n % 3}]))
    return out


def kept_parts(store, key: str) -> list:
    """Every stored answer a ranking kept under ``key`` is made of: its head first, then its
    pages and buckets (``ask_ranking#...``)."""
    questions = [a.question for a in store.answer_stamps(CAMPAIGN)
                 if a.options == key and a.question.split("#")[0] == store.ASK_RANKING]
    found = store.get_answers(CAMPAIGN, [(q, key) for q in questions])
    return sorted(found.values(), key=lambda a: (a.question != store.ASK_RANKING, a.question))


def kept_order(store, key: str) -> list:
    """The whole order of the ranking kept under ``key``, its pages read."""
    from mapper.stores.base import PagedOrder

    head = store.get_answer(CAMPAIGN, store.ASK_RANKING, key)
    if "order" in head.result:  # kept by older code, whole
        return head.result["order"]
    return list(PagedOrder(store, head).entries())


def another_process(store):
    """The same store as another process opens it: nothing of it held in memory."""
    import copy

    other = copy.copy(store)
    other.__dict__.pop("_kept_answers", None)
    return other


@pytest.mark.parametrize("kind", KINDS)
def test_a_follow_ups_page_is_the_head_of_the_whole_list_and_shows_a_write_at_once(
        open_store_of_kind, kind):
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731

    def whole(today: dt.date) -> dict:
        return follow_ups(fill_texts(store.snapshot(CAMPAIGN), store), today=today)

    for today in (TODAY, dt.date(2026, 11, 9), dt.date(2026, 10, 1), dt.date(2027, 1, 1)):
        answer = whole(today)
        assert store.follow_ups(CAMPAIGN, today=today, texts=words) == answer
        for n in (0, 1, 2, 5, 7, 13, 100):
            assert store.follow_ups(CAMPAIGN, today=today, limit=n, texts=words) == \
                first_items(answer, n), (today, n)
            assert store.follow_ups(CAMPAIGN, today=today, limit=n, organizer="DEV PATEL",
                                    texts=words) == first_items(answer, n, "dev patel")
    # A new item, first in the list (its organizer sorts first), shows on the first page.
    store.write([conversation("Zed Ray", "2026-11-18", id="zed", organizer="Aaron Abel",
                              follow_up={"thank_you_sent": False})])
    page = store.follow_ups(CAMPAIGN, today=TODAY, limit=1, texts=words)
    assert page == first_items(whole(TODAY), 1)
    assert [i["id"] for o in page["organizers"] for i in o["items"]] == ["thank_you:zed"]
    # Closed: gone from the page and from the counts.
    store.delete(["conversation:%s:zed" % CAMPAIGN])
    assert store.follow_ups(CAMPAIGN, today=TODAY, limit=3, texts=words) == \
        first_items(whole(TODAY), 3)


@pytest.mark.parametrize("kind", KINDS)
def test_an_ask_queue_page_reads_the_kept_ranking_and_the_rows_written_since(
        open_store_of_kind, kind, monkeypatch):
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731

    def whole() -> list:
        return ask_queue(fill_texts(store.snapshot(CAMPAIGN), store), today=TODAY)

    def page(**options):
        return store.ask_queue_page(CAMPAIGN, today=TODAY, texts=words, words="every",
                                    **options)

    key = options_key({"today": TODAY, "min_anger": 3, "wait_days": 30, "words": "every"})
    full = whole()
    assert page(limit=3) == (full[:3], len(full))  # ranked whole, and kept
    kept = store.get_answer(CAMPAIGN, store.ASK_RANKING, key)
    assert kept is not None and kept.version == store.version()
    for offset in (0, 1, 4, len(full) - 1):
        assert page(offset=offset, limit=2) == (full[offset:offset + 2], len(full))
    # A new contact, angry about nothing: no count of the campaign moves, so the kept ranking
    # with her row re-scored is the whole queue exactly; she shows at once.
    store.write([conversation("Newt Hale", "2026-11-19", id="newt", issues=[], assessment=1,
                              plan={"hope": 5, "wants_to_talk_again": True})])
    full = whole()
    assert any(e["name"] == "Newt Hale" for e in full)
    assert page() == (full, len(full))
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, key).version == kept.version
    # Committed: out of the queue at once (and the people who trust her, re-scored).
    store.write([conversation("Newt Hale", "2026-11-19", id="newt", issues=[], assessment=1,
                              ask={"response": "yes"})])
    full = whole()
    assert page() == (full, len(full))
    assert all(e["name"] != "Newt Hale" for e in page()[0])
    # Angry: her row is re-scored at once against the kept counts of the campaign (how many
    # others are angry about her issue lags, by up to the lag bound) ...
    store.write([conversation("Ivy Moss", "2026-11-19", id="ivy", assessment=2,
                              issues=[{"issue": "parking", "anger": 5}])])
    assert any(e["name"] == "Ivy Moss" for e in page()[0])
    # ... and exactly as the whole queue once no lag is allowed (ranked whole again).
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "0")
    full = whole()
    assert page() == (full, len(full))
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, key).version == store.version()


def test_a_schema_7_file_gets_its_counts_when_opened(tmp_path):
    from mapper.stores.sqlite import SCHEMA, SQLiteStore

    store = SQLiteStore(tmp_path / "old.db")
    store.write([*small_campaign(), *_more()])
    # As schema 7 left it: no counts, no stamps, no index by organizer.
    store._db.executescript(
        "DROP TRIGGER rm_items_added; DROP TRIGGER rm_items_dropped; DROP TRIGGER rm_items_moved; "
        "DROP TRIGGER rm_people_added; DROP TRIGGER rm_people_changed; "
        "DROP TRIGGER rm_people_dropped; DROP TABLE rm_item_totals; DROP TABLE rm_stamps; "
        "DROP INDEX rm_items_organizer; UPDATE meta SET v = 7 WHERE k = 'schema';")
    store.close()
    store = SQLiteStore(tmp_path / "old.db")
    try:
        assert store._db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)
        assert store._rebuilds() == [] and store._pending() == []
        answer = store.follow_ups(CAMPAIGN, today=TODAY)
        for n in (1, 4, 9):
            assert store.follow_ups(CAMPAIGN, today=TODAY, limit=n) == first_items(answer, n)
        # The counts are kept from here on.
        store.write([conversation("Zed Ray", "2026-11-18", id="zed",
                                  follow_up={"thank_you_sent": False})])
        answer = store.follow_ups(CAMPAIGN, today=TODAY)
        assert store.follow_ups(CAMPAIGN, today=TODAY, limit=3) == first_items(answer, 3)
    finally:
        store.close()


@pytest.mark.neo4j
def test_a_schema_5_neo4j_store_gets_its_counts_when_opened(open_store_of_kind, neo4j_uri):
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = open_store_of_kind("neo4j")
    store.write([*small_campaign(), *_more()])
    with store._session() as session:  # as schema 5 left it
        session.run("MATCH (t:FollowUpTotal) DELETE t").consume()
        session.run("MATCH (m:StoreMeta) SET m.schema = 5").consume()
    again = Neo4jStore(neo4j_uri)
    try:
        with again._session() as session:
            assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
        assert again._rebuilds() == [] and again._pending() == []
        answer = again.follow_ups(CAMPAIGN, today=TODAY)
        for n in (1, 4, 9):
            assert again.follow_ups(CAMPAIGN, today=TODAY, limit=n) == first_items(answer, n)
    finally:
        again.close()


@pytest.mark.parametrize("kind", KINDS)
def test_the_background_refresher_ranks_a_stale_kept_ask_ranking_again(open_store_of_kind, kind,
                                                                       monkeypatch):
    from mapper.analytics.cached import Analytics
    from mapper.analytics.stored import Refresher

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    monkeypatch.setenv("MAPPER_TODAY", TODAY.isoformat())
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    store.ask_queue_page(CAMPAIGN, today=TODAY, limit=2, texts=words, words="every")
    store.write([conversation("Ivy Moss", "2026-11-19", id="ivy", assessment=2,
                              issues=[{"issue": "parking", "anger": 5}])])
    key = options_key({"today": TODAY, "min_anger": 3, "wait_days": 30, "words": "every"})
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, key).version < store.version()
    assert Refresher(Analytics(store, campaign=CAMPAIGN, answers=store)).run_once() == 1
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, key).version == store.version()
    full = ask_queue(fill_texts(store.snapshot(CAMPAIGN), store), today=TODAY)
    assert store.ask_queue_page(CAMPAIGN, today=TODAY, texts=words, words="every") == (
        full, len(full))


@pytest.mark.parametrize("kind", KINDS)
def test_a_kept_ask_ranking_ages_from_when_it_was_kept(open_store_of_kind, kind, monkeypatch):
    """At a million people ranking takes longer than the lag bound: a ranking counted old from
    when its rows were read would be stale the moment it is kept, and every page after a
    write would rank the whole campaign again (45 s). Its age counts from when it was kept."""
    from dataclasses import replace

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "30")
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    key = options_key({"today": TODAY, "min_anger": 3, "wait_days": 30, "words": "every"})

    def page():
        return store.ask_queue_page(CAMPAIGN, today=TODAY, texts=words, words="every")

    def keep_as_if(*, read_ago: float, kept_ago: float) -> int:
        """The kept ranking, as if its rows were read and it was kept so long ago."""
        store.kept_ask_ranking(CAMPAIGN, today=TODAY, texts=words, words="every", fresh=True)
        kept, *parts = kept_parts(store, key)
        now = dt.datetime.now(dt.timezone.utc)
        read = now - dt.timedelta(seconds=read_ago)
        store.drop_answers(CAMPAIGN)
        store.put_answers([replace(
            kept, computed_at=read,
            result={**kept.result,
                    "kept_at": (now - dt.timedelta(seconds=kept_ago)).isoformat()}),
            *(replace(p, computed_at=read) for p in parts)])
        return kept.version

    def newcomer(n: int) -> None:
        store.write([conversation(f"Newt Hale {n}", "2026-11-19", id=f"newt-{n}", issues=[],
                                  assessment=1, plan={"hope": 5, "wants_to_talk_again": True})])

    # Ranked 60 s ago, kept just now: a write since is placed in it, nothing ranked again.
    version = keep_as_if(read_ago=60, kept_ago=1)
    newcomer(1)
    full = ask_queue(fill_texts(store.snapshot(CAMPAIGN), store), today=TODAY)
    assert page() == (full, len(full))
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, key).version == version
    # Kept longer ago than the bound, but ranking it took longer still: kept as long.
    version = keep_as_if(read_ago=200, kept_ago=45)
    newcomer(3)
    full = ask_queue(fill_texts(store.snapshot(CAMPAIGN), store), today=TODAY)
    assert page() == (full, len(full))
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, key).version == version
    # Kept longer ago than the bound and than it took: still used while every score in it
    # holds (a newcomer angry about nothing moves no one else's score) ...
    version = keep_as_if(read_ago=60, kept_ago=45)
    newcomer(2)
    full = ask_queue(fill_texts(store.snapshot(CAMPAIGN), store), today=TODAY)
    assert page() == (full, len(full))
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, key).version == version
    # ... and when a write moves another's score (someone else angry about parking costs:
    # the points of Cam Lee, the one angry about it so far), her row read again ...
    store.write([conversation("Ivy Moss", "2026-11-19", id="ivy", assessment=2,
                              issues=[{"issue": "parking costs", "anger": 5}])])
    full = ask_queue(fill_texts(store.snapshot(CAMPAIGN), store), today=TODAY)
    assert page() == (full, len(full))
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, key).version == version
    # ... ranked whole again, and kept, when those others' rows cannot be read, its counts
    # older than the bound (they lag from the first write after it: a minute ago).
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=60)
    monkeypatch.setattr("mapper.clock.now", lambda: later)
    monkeypatch.setattr(type(store), "_ask_rows_angry_about", lambda *a: None)
    store.write([conversation("Jo Rey", "2026-11-19", id="jo", assessment=2,
                              issues=[{"issue": "parking costs", "anger": 5}])])
    full = ask_queue(fill_texts(store.snapshot(CAMPAIGN), store), today=TODAY)
    assert page() == (full, len(full))
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, key).version == store.version()


@pytest.mark.parametrize("kind", KINDS)
def test_a_process_reads_a_kept_ask_ranking_once_until_another_is_kept(
        open_store_of_kind, kind, monkeypatch):
    """Each page of the queue starts from the kept ranking, as large as the campaign: a process
    reads it once (the one that kept it, never), and again only when a newer one was kept (by
    any process)."""
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    reads = []
    real = store.get_answers
    monkeypatch.setattr(store, "get_answers", lambda c, keys: reads.extend(
        q for q, _ in keys if q == store.ASK_RANKING) or real(c, keys))

    def page(**options):
        return store.ask_queue_page(CAMPAIGN, today=TODAY, texts=words, words="every",
                                    **options)

    page(limit=2)  # ranked whole and kept: nothing read
    first = page(limit=2)
    assert reads == []
    store.write([conversation("Ivy Moss", "2026-11-19", id="ivy", assessment=2,
                              issues=[{"issue": "parking", "anger": 5}])])
    assert page(offset=1, limit=3)[1] == first[1] + 1 and reads == []
    # Another process keeps a newer ranking: read, and the pages are its.
    another_process(store).kept_ask_ranking(CAMPAIGN, today=TODAY, texts=words, words="every",
                                            fresh=True)
    full = ask_queue(fill_texts(store.snapshot(CAMPAIGN), store), today=TODAY)
    assert page() == (full, len(full)) and len(reads) == 1
    assert page() == (full, len(full)) and len(reads) == 1
    # Forgotten (the campaign's answers dropped): not served from memory.
    store.drop_answers(CAMPAIGN)
    assert page() == (full, len(full))
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, options_key(
        {"today": TODAY, "min_anger": 3, "wait_days": 30, "words": "every"})) is not None


#: The key the Ready list's ranking is kept under: as of the campaign's latest record, its
#: words the campaign's (kept as every word's: a ranking keeps shared actions only).
READY_KEY = options_key({"today": None, "min_anger": 3, "wait_days": 30, "words": "every"})


def _ready(store) -> list:
    """The Ready list as the dashboard reads it, every row computed whole."""
    from dashboard.tables import (READY_CHOICES, choices, complete, kept_ready_counts,
                                  kept_ready_head, kept_ready_rows)
    from mapper.analytics.texts import WithCampaignTexts

    seen = WithCampaignTexts(store)
    rows = kept_ready_rows(seen, CAMPAIGN)
    whole = complete(rows, list(rows))
    # Its first block as a process holding no rows of this version reads it: the kept
    # ranking's first pages alone, the same rows and count.
    for n in (1, 4, len(whole) + 1):
        head, count = kept_ready_head(seen, CAMPAIGN, n)
        assert (complete(head, list(head)), count) == (whole[:n], len(whole))
    # So are its filters' choices, from the counts kept with the ranking.
    counts = kept_ready_counts(WithCampaignTexts(another_process(store)), CAMPAIGN)
    assert {c: sorted(counts[c], key=str.casefold) for c in READY_CHOICES} == {
        c: choices(whole, c) for c in READY_CHOICES}
    return whole


def _whole_ready(store) -> list:
    from dashboard.tables import ready_rows
    from mapper.analytics.texts import campaign_texts

    return ready_rows(campaign_texts(store.snapshot(CAMPAIGN), store))


@pytest.mark.parametrize("kind", KINDS)
def test_the_ready_list_reads_the_kept_ranking_and_the_rows_written_since(
        open_store_of_kind, kind, monkeypatch):
    from mapper.models import Assignment
    from mapper.projection import conversation_key

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    assert _ready(store) == _whole_ready(store)  # ranked whole, and kept
    kept = store.get_answer(CAMPAIGN, store.ASK_RANKING, READY_KEY)
    assert kept is not None and kept.version == store.version()
    assert all(len(e) == 7 for e in kept_order(store, READY_KEY))
    # Writes that move none of the campaign's counts nor its latest day: the kept ranking with
    # the rows written since is the whole list exactly, each at once.
    newt = dict(issues=[], assessment=1, plan={"hope": 5, "wants_to_talk_again": True})
    for records in (
            [conversation("Newt Hale", "2026-11-02", id="newt", **newt)],  # a new contact
            [conversation("Newt Hale", "2026-11-02", id="newt", unit="ER",  # replaced
                          organizer="Sam Lee", **newt)],
            [Assignment(person="Newt Hale", organizer="Maya Ortiz", date="2026-11-03",
                        campaign=CAMPAIGN)],  # assigned
            [conversation("Newt Hale", "2026-11-02", id="newt", issues=[], assessment=1,
                          ask={"response": "yes"})]):  # committed: out of the list
        store.write(records)
        whole = _whole_ready(store)
        assert _ready(store) == whole
    assert all(r["name"] != "Newt Hale" for r in whole)
    store.write([conversation("Newt Hale", "2026-11-02", id="newt", **newt)])
    assert any(r["name"] == "Newt Hale" and r["assigned_to"] == "Maya Ortiz"
               and r["unit"] == "ICU" for r in _ready(store))
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, READY_KEY).version == kept.version
    # Deleted: gone at once (a deletion drops the campaign's stored answers, so the ranking
    # too: it may name whom the records were about).
    store.delete([conversation_key(CAMPAIGN, "newt")])
    assert _ready(store) == _whole_ready(store)
    # Angry, dated after the latest record (11-15): in the list at once, judged as of her day;
    # exactly the whole list once no lag is allowed (ranked whole again).
    store.write([conversation("Ivy Moss", "2026-11-30", id="ivy", assessment=2,
                              issues=[{"issue": "parking", "anger": 5}])])
    assert any(r["name"] == "Ivy Moss" and list(r["issues"]) == ["parking"] for r in _ready(store))
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "0")
    assert _ready(store) == _whole_ready(store)
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, READY_KEY).version == store.version()


@pytest.mark.parametrize("kind", KINDS)
def test_a_ranking_kept_by_older_code_is_ranked_again_rather_than_breaking(
        open_store_of_kind, kind, monkeypatch):
    from mapper.stores.base import StoredAnswer

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    cli = options_key({"today": TODAY, "min_anger": 3, "wait_days": 30, "words": "every"})
    listed = _ready(store)
    queue = store.ask_queue_page(CAMPAIGN, today=TODAY, texts=words, words="every")
    answers = {key: store.get_answer(CAMPAIGN, store.ASK_RANKING, key) for key in (READY_KEY, cli)}
    orders = {key: kept_order(store, key) for key in answers}
    for key, kept in answers.items():  # as older code kept them (in one answer, each entry
        # [person, score, ready, name]; older still: whole, with [person, score, ready])
        old = {k: v for k, v in kept.result.items()
               if k not in ("latest", "count", "chunks", "chunk_size", "buckets")}
        old["order"] = [e[:4] for e in orders[key]]
        store.drop_answers(CAMPAIGN)
        store.put_answer(StoredAnswer(CAMPAIGN, store.ASK_RANKING, key, kept.version,
                                      kept.computed_at - dt.timedelta(seconds=1), old))
        if key == cli:  # the command line's page reads its order as before
            assert store.ask_queue_page(CAMPAIGN, today=TODAY, texts=words,
                                        words="every") == queue
            continue
        # The Ready list ranks the queue whole again, and keeps it anew.
        assert _ready(store) == listed
        assert all(len(e) == 7 for e in kept_order(store, key))
        assert "order" not in store.get_answer(CAMPAIGN, store.ASK_RANKING, key).result


@pytest.mark.parametrize("kind", KINDS)
def test_the_background_refresher_keeps_the_ready_lists_ranking_current(open_store_of_kind,
                                                                        kind, monkeypatch):
    from mapper.analytics.cached import Analytics
    from mapper.analytics.stored import Refresher

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    _ready(store)
    store.write([conversation("Ivy Moss", "2026-11-14", id="ivy", assessment=2,
                              issues=[{"issue": "parking", "anger": 5}])])
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, READY_KEY).version < store.version()
    assert Refresher(Analytics(store, campaign=CAMPAIGN, answers=store)).run_once() == 1
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, READY_KEY).version == store.version()
    assert _ready(store) == _whole_ready(store)


@pytest.mark.parametrize("kind", KINDS)
def test_a_kept_rankings_head_and_count_are_its_whole_orders(open_store_of_kind, kind,
                                                             monkeypatch):
    """A page merges only the head of a kept ranking with the rows written since."""
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    store.kept_ask_ranking(CAMPAIGN, today=TODAY, texts=words, words="every")
    store.write([conversation("Ivy Moss", "2026-11-19", id="ivy", assessment=2,
                              issues=[{"issue": "parking", "anger": 5}]),
                 conversation("Newt Hale", "2026-11-19", id="newt", issues=[], assessment=1,
                              plan={"hope": 5, "wants_to_talk_again": True})])

    def kept():
        found = store.kept_ask_ranking(CAMPAIGN, today=TODAY, texts=words, words="every")
        assert not found.whole
        return found

    whole = kept().order
    assert kept().count == len(whole) and len(whole) >= 3
    for n in (0, 1, 3, len(whole), len(whole) + 4, None):
        assert kept().head(n) == whole[:n]


@pytest.mark.parametrize("kind", KINDS)
def test_a_page_names_the_decision_maker_its_people_named(open_store_of_kind, kind, monkeypatch):
    """A page reads the decision makers its people named, not the campaign's every one, and
    says who can fix it as the whole queue does (name and title)."""
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more(), conversation(
        "Gus Hale", "2026-11-18", id="gus", assessment=2,
        issues=[{"issue": "short staffing", "anger": 5}],
        responsibility={"named": [{"issue": "short staffing",
                                   "decision_maker": {"name": "Ivy Chen"}}],
                        "realizes": {"decision_maker_can_fix": True}})])
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    full = ask_queue(fill_texts(store.snapshot(CAMPAIGN), store), today=TODAY)
    [gus] = [e for e in full if e["name"] == "Gus Hale"]
    assert any("Ivy Chen (ICU Manager)" in r for r in gus["reasons"])
    for _ in range(2):  # ranked whole and kept, then read from the kept ranking
        assert store.ask_queue_page(CAMPAIGN, today=TODAY, texts=words, words="every") == (
            full, len(full))


@pytest.mark.parametrize("kind", KINDS)
def test_a_page_serves_the_kept_ranking_while_the_refresher_ranks_it_again(
        open_store_of_kind, kind, monkeypatch):
    """Under a team's load at a million people each page of the Ready list after a write, once
    the kept ranking was older than the lag bound (30 s), ranked the whole queue in the worker
    (20 s and gigabytes) while the refresher ranked it too. While a refresher is at work the
    kept ranking is served as long as a whole-graph answer is (the busy bound), the people
    written since placed in it; ranked in the page only when no refresher runs."""
    import threading

    from dashboard.services import Services
    from dashboard.tables import list_rows, ready_rows
    from mapper import readmodel

    monkeypatch.setenv("MAPPER_ANSWER_REFRESH", "1")
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "0")  # no lag allowed, but the refresher's
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    here, ranked = threading.get_ident(), []
    whole = readmodel.AskRanking.__init__

    def counted(self, *args, **kwargs):
        if threading.get_ident() == here:  # (the refresher's thread ranks it too)
            ranked.append(1)
        whole(self, *args, **kwargs)
    monkeypatch.setattr(readmodel.AskRanking, "__init__", counted)
    worker = Services(lambda: store)
    try:
        analytics = worker.analytics
        assert analytics.refreshing() and analytics.bound() == 900
        assert [r["name"] for r in list_rows(analytics, ready_rows, CAMPAIGN)] and ranked
        ranked.clear()
        store.write([conversation("Newt Hale", "2026-11-02", id="newt", issues=[],
                                  assessment=1, plan={"hope": 5})])
        assert "Newt Hale" in [r["name"] for r in list_rows(analytics, ready_rows, CAMPAIGN)]
        assert not ranked, "the page ranked the whole queue while the refresher was at work"
        worker._refresher.stop()  # no refresher: no lag allowed, ranked whole in the page
        store.write([conversation("Newt Hale", "2026-11-03", id="newt-2", issues=[])])
        list_rows(analytics, ready_rows, CAMPAIGN)
        assert ranked
    finally:
        worker._refresher.stop()


def test_one_lists_ready_base_built_holds_up_no_other_list_and_a_drop_meanwhile_holds():
    """A campaign's Ready base (seconds at a million people, in every worker after each keep)
    was built under one lock for every list: another campaign's Ready page waited for it.
    A base built across a drop (a forget) is not kept: it may name her."""
    import threading
    from types import SimpleNamespace

    from dashboard.tables import _ReadyBase

    release = threading.Event()

    class Order:
        def __init__(self, campaign: str, slow: bool) -> None:
            self.head = SimpleNamespace(campaign=campaign, options="{}")
            self.slow = slow

        def entries(self):
            if self.slow:
                release.wait(20)
            return [["p1", 1.0, True, "Ana", "ICU", "Maya", ["i1"]]]

    big, small = Order("big-campaign", True), Order("small-campaign", False)
    building = threading.Thread(target=_ReadyBase.of, args=(big, str), daemon=True)
    building.start()
    try:
        assert _ReadyBase.of(small, str).values  # (while the big one is being built)
        assert building.is_alive()
        _ReadyBase.drop("big-campaign")  # a forget, meanwhile
    finally:
        release.set()
        building.join(20)
    assert ("big-campaign", "{}") not in _ReadyBase._held
    assert ("small-campaign", "{}") in _ReadyBase._held
    _ReadyBase.drop_all()


@pytest.mark.parametrize("kind", KINDS)
def test_a_ranking_kept_without_its_lists_counts_gives_the_filters_no_choices_of_its_own(
        open_store_of_kind, kind, monkeypatch):
    """Kept by yesterday's code (its buckets the people alone, no counts in its head), a
    ranking's list is still read from it, and the filters' choices are counted from the
    list's rows, not from counts it does not keep."""
    from dashboard.tables import READY_CHOICES, choices, kept_ready_counts, kept_ready_rows
    from mapper.analytics.texts import WithCampaignTexts
    from mapper.stores.base import StoredAnswer

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    _ready(store)  # kept
    kept = [a for a in store.answer_stamps(CAMPAIGN) if a.options == READY_KEY]
    found = store.get_answers(CAMPAIGN, [(a.question, READY_KEY) for a in kept])
    older = []
    for answer in found.values():
        result = answer.result
        if answer.question == store.ASK_RANKING:
            result = {k: v for k, v in result.items() if k != "list_counts"}
        elif isinstance(result, dict):  # a bucket: its people alone
            result = sorted(result)
        older.append(StoredAnswer(CAMPAIGN, answer.question, READY_KEY, answer.version,
                                  answer.computed_at, result))
    older.sort(key=lambda a: a.question != store.ASK_RANKING)  # (its head first)
    assert store.put_answers(older, [])
    store.write([conversation("Zed Top", "2026-11-21", id="zed", unit="Dock 9",
                              organizer="Rae Kim",
                              issues=[{"issue": "parking", "anger": 5}])])
    seen = WithCampaignTexts(another_process(store))
    assert kept_ready_counts(seen, CAMPAIGN) is None
    rows = kept_ready_rows(seen, CAMPAIGN)
    assert rows.counts is not None  # (from the kept order: not ranked whole again)
    whole = _whole_ready(store)
    assert {c: choices(rows, c) for c in READY_CHOICES} == {
        c: choices(whole, c) for c in READY_CHOICES}
    assert "Dock 9" in choices(rows, "unit") and "Rae Kim" in choices(rows, "organizer")


@pytest.mark.parametrize("kind", KINDS)
def test_a_first_block_is_never_read_from_a_ranking_kept_by_older_code(open_store_of_kind,
                                                                       kind, monkeypatch):
    """Kept without the list's columns, a ranking is ranked whole again by the list: its
    first block is too, even where everyone it would show was written since (their rows
    whole), or its later blocks would come from another ranking."""
    from dashboard.tables import kept_ready_head
    from mapper.analytics.texts import WithCampaignTexts
    from mapper.stores.base import StoredAnswer

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = open_store_of_kind(kind)
    store.write([*small_campaign(), *_more()])
    _ready(store)  # kept
    kept = store.get_answer(CAMPAIGN, store.ASK_RANKING, READY_KEY)
    old = {k: v for k, v in kept.result.items()
           if k not in ("latest", "count", "chunks", "chunk_size", "buckets")}
    old["order"] = [e[:4] for e in kept_order(store, READY_KEY)]
    store.drop_answers(CAMPAIGN)
    store.put_answer(StoredAnswer(CAMPAIGN, store.ASK_RANKING, READY_KEY, kept.version,
                                  kept.computed_at - dt.timedelta(seconds=1), old))
    store.write([conversation("Zed Top", "2026-11-21", id="zed", assessment=1,
                              issues=[{"issue": "short staffing", "anger": 5}])])
    assert kept_ready_head(WithCampaignTexts(another_process(store)), CAMPAIGN, 1) is None
    assert _ready(store) == _whole_ready(store)  # (ranked whole again, and kept anew)


def test_what_a_list_reads_once_holds_the_rows_of_its_latest_version_alone():
    """A filter's choices and a sort are read once per list of rows; what holds them held
    the rows of up to eight versions of a list alive in a worker under writes (at a million
    people, hundreds of MB each): now the latest list's alone, per list and campaign."""
    import gc
    import weakref

    from dashboard import listing
    from dashboard.tables import ready_rows, talk_rows

    class Rows(list):  # (a list of rows, as the analytics cache hands one out per version)
        pass

    refs = []
    for version in range(30):
        for shape in (ready_rows, talk_rows):
            rows = Rows([{"person": f"p{version}", "unit": f"Unit {version}", "name": "A"}])
            assert listing._choices(shape, CAMPAIGN, rows, "unit") == [f"Unit {version}"]
            assert listing._sorted(shape, CAMPAIGN, rows, "name") == rows
            refs.append(weakref.ref(rows))
    del rows
    gc.collect()
    assert [r() is not None for r in refs].count(True) == 2  # the last of each list
    assert refs[-1]() is not None and refs[-2]() is not None
    listing.let_go_of_lists()


@pytest.mark.neo4j
def test_a_follow_ups_page_read_while_a_write_lands_agrees_with_its_counts(open_store_of_kind,
                                                                           neo4j_uri,
                                                                           monkeypatch):
    # A page of follow-ups is its counts, then each organizer's first items, queries apart,
    # and Neo4j reads at read committed: an item written between them was listed by a page
    # whose counts did not hold it (the count of items beside it one short). The page is
    # read again until no write committed across it.
    from mapper.stores import neo4j
    from mapper.stores.neo4j import Neo4jStore

    store = open_store_of_kind("neo4j")
    store.write([*small_campaign(), *_more()])
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    other = Neo4jStore(neo4j_uri)
    loaded, done = neo4j.load_query, []

    def between_counts_and_items(name: str) -> str:
        if name == "read/list_follow_up_items_head" and not done:
            done.append(name)  # once: the write commits before the first items are read
            other.write([conversation("Zed Ray", "2026-11-18", id="zed", organizer="Aaron Abel",
                                      follow_up={"thank_you_sent": False})])
        return loaded(name)

    monkeypatch.setattr(neo4j, "load_query", between_counts_and_items)
    try:
        page = store.follow_ups(CAMPAIGN, today=TODAY, limit=3, texts=words)
    finally:
        other.close()
    monkeypatch.setattr(neo4j, "load_query", loaded)
    assert done
    assert page == first_items(follow_ups(fill_texts(store.snapshot(CAMPAIGN), store),
                                          today=TODAY), 3)
