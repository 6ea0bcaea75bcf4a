"""A kept ask ranking is used past the lag bound while every score in it holds (issue 16 item
1: `mapper ask-queue` from a new process, long after the last whole ranking, at a million
people): after any writes, on both stores, such a page ranks exactly as the whole queue."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapper.analytics.readiness import ask_queue
from mapper.analytics.stored import options_key
from mapper.analytics.texts import fill_texts, read_texts
from mapper.models import Update
from tests.records import CAMPAIGN, conversation, small_campaign
from tests.test_cli_loop import mapper, runner  # noqa: F401  (the CLI on both stores)
from tests.test_readmodel_property import apply, operations

TODAY = dt.date(2026, 10, 20)
KEY = options_key({"today": TODAY, "min_anger": 3, "wait_days": 30, "words": "every"})


def _no_plan(entries: list[dict]) -> list[dict]:
    """The entries without their suggested asks (the one part kept as of the ranking)."""
    return [{k: v for k, v in e.items() if k != "suggested_ask"} for e in entries]


class _Later:
    """``mapper.clock.now``, moved on by :attr:`hours` (a page asked long after the keep)."""

    def __init__(self) -> None:
        from mapper import clock

        self.real, self.hours = clock.now, 0

    def __call__(self) -> dt.datetime:
        return self.real() + dt.timedelta(hours=self.hours)


def _pages(store, monkeypatch):
    later = _Later()
    monkeypatch.setattr("mapper.clock.now", later)
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "30")
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731

    def keep() -> int:
        later.hours = 0
        store.kept_ask_ranking(CAMPAIGN, today=TODAY, texts=words, words="every", fresh=True)
        return store.get_answer(CAMPAIGN, store.ASK_RANKING, KEY).version

    def page_later(today: dt.date = TODAY) -> tuple[list[dict], int, bool]:
        """A page an hour after the keep, and whether the kept ranking answered it (then its
        every score, not only those of the entries shown, is the whole queue's)."""
        later.hours = 1
        ranking = store.kept_ask_ranking(CAMPAIGN, today=today, texts=words, words="every")
        if not ranking.whole:
            assert ranking.exact
            assert ranking.order == [(e["person"], e["score"], e["ready"])
                                     for e in whole(today)]
        entries, count = store.ask_queue_page(CAMPAIGN, today=today, texts=words,
                                              words="every")
        return entries, count, not ranking.whole

    def whole(today: dt.date = TODAY) -> list[dict]:
        return ask_queue(fill_texts(store.snapshot(CAMPAIGN), store), today=today)

    return keep, page_later, whole


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_a_kept_ranking_used_past_the_lag_bound_ranks_as_the_whole_queue(store, monkeypatch,
                                                                          ops):
    store.clear()
    keep, page_later, whole = _pages(store, monkeypatch)
    store.write(small_campaign())
    for op in ops:
        keep()
        apply(store, [op])
        entries, count, served_kept = page_later()
        full = whole()
        assert count == len(full)
        if served_kept:  # every score held: the order and every entry's reasons are exact
            assert _no_plan(entries) == _no_plan(full), op
        else:  # ranked whole again: exactly the whole queue
            assert entries == full, op


def _asked() -> list:
    """Contacts asked on days from 2026-10-01 to 2026-11-05, who said maybe or no (or
    asked by a contact attempt, not answered or refused): each day's move ends or begins the
    wait of some of them (and makes those who said no or refused ready, or not)."""
    from mapper.models import Update

    out = []
    for n in range(8):
        date = dt.date(2026, 10, 1) + dt.timedelta(days=5 * n)
        if n % 4 == 3:
            out += [conversation(f"Asked {n}", "2026-09-20", id=f"asked-{n}"),
                    Update(person=f"Asked {n}", date=date, campaign=CAMPAIGN,
                           update="attempt", outcome=("no_answer", "refused")[n // 4],
                           asked=True)]
        else:
            out.append(conversation(f"Asked {n}", date.isoformat(), id=f"asked-{n}",
                                    ask={"response": ("maybe", "no", None)[n % 3],
                                         "action": "sign it"}))
    return out


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations, shifts=st.lists(st.integers(-45, 45), min_size=16, max_size=16))
def test_another_days_kept_ranking_ranks_a_day_as_the_whole_queue(store, monkeypatch, ops,
                                                                  shifts):
    """None kept for the day asked: another day's is read, those whose wait after an ask the
    move ends or begins re-scored (at a million people, a new day's first page)."""
    store.clear()
    keep, page_later, whole = _pages(store, monkeypatch)
    store.write([*small_campaign(), *_asked()])
    for op, shift in zip(ops, shifts):
        store.drop_answers(CAMPAIGN)
        keep()
        apply(store, [op])
        day = TODAY + dt.timedelta(days=shift)
        entries, count, served_kept = page_later(day)
        full = whole(day)
        assert count == len(full)
        if served_kept:
            assert _no_plan(entries) == _no_plan(full), (op, day)
        else:
            assert entries == full, (op, day)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_writes_that_move_no_one_elses_score_are_answered_from_the_kept_ranking(
        open_store_of_kind, kind, monkeypatch):
    store = open_store_of_kind(kind)
    keep, page_later, whole = _pages(store, monkeypatch)
    store.write(small_campaign())
    store.write([conversation(f"Pat Doe {n}", "2026-10-01", id=f"pat-{n}",
                              issues=[{"issue": "short staffing", "anger": 4}])
                 for n in range(9)])
    version = keep()
    # Angry about an issue nine people already are (its points stay 3 for all of them), a
    # new contact angry about an issue of her own, and one angry about nothing: each placed
    # exactly, an hour after the ranking was kept, none ranked whole again.
    for record in (
            conversation("Ivy Moss", "2026-10-19", id="ivy", assessment=2,
                         issues=[{"issue": "short staffing", "anger": 5}]),
            conversation("Jo Rey", "2026-10-19", id="jo", assessment=1,
                         issues=[{"issue": "broken lift", "anger": 5}]),
            conversation("Newt Hale", "2026-10-19", id="newt", issues=[], assessment=1,
                         plan={"hope": 5, "wants_to_talk_again": True})):
        store.write([record])
        entries, count, served_kept = page_later()
        full = whole()
        assert served_kept and (entries, count) == (full, len(full))
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, KEY).version == version
    # Someone else angry about parking costs moves the points of the one angry about it so
    # far, whose row did not change: her row is read from the issue's edges and re-scored,
    # the kept ranking still used (it was ranked whole again before).
    store.write([conversation("Kay Lu", "2026-10-19", id="kay", assessment=2,
                              issues=[{"issue": "parking costs", "anger": 5}])])
    entries, count, served_kept = page_later()
    assert served_kept and (entries, count) == (whole(), len(whole()))
    assert store.get_answer(CAMPAIGN, store.ASK_RANKING, KEY).version == version


def test_mapper_ask_queue_says_when_the_asks_it_suggests_were_counted(
        mapper, monkeypatch):  # noqa: F811
    """Its order is as of the last write, long after the last whole ranking; the shared actions
    its asks suggest are as of that ranking, and it says so (--fresh counts them now)."""
    from mapper import cli

    monkeypatch.setattr(cli, "out", cli.console(width=250))
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "30")  # (the tests' default: 0, none)
    with mapper.store() as store:
        store.write(small_campaign())
    assert "Ranked as of" not in mapper("ask-queue")  # ranked whole, and kept
    later = _Later()
    monkeypatch.setattr("mapper.clock.now", later)
    later.hours = 2
    with mapper.store() as store:
        store.write([conversation("Newt Hale", "2026-11-30", id="newt", issues=[], assessment=1,
                                  plan={"hope": 5, "wants_to_talk_again": True})])
    shown = mapper("ask-queue")
    assert "Newt Hale" in shown
    assert "Ranked as of the last write; the shared actions the asks suggest are as of " in shown
    assert "(2 hours ago); --fresh counts them now." in shown
    # --json: the same note on stderr, stdout the answer alone.
    result = runner.invoke(cli.app, ["ask-queue", "--json",
                                     *(["--db", str(mapper.db)] if mapper.db else [])])
    assert result.exit_code == 0
    assert "Newt Hale" in {e["name"] for e in json.loads(result.stdout)}
    assert "Ranked as of the last write" in result.stderr
    # --fresh ranks every contact now, and keeps it: nothing older to say.
    shown = mapper("ask-queue", "--fresh")
    assert "Newt Hale" in shown and "Ranked as of" not in shown
    assert "Ranked as of" not in mapper("ask-queue")
    # The next day: from that ranking (not kept for the new day); its shared actions as of it.
    later.hours = 26
    mapper.today("2026-12-02")
    shown = mapper("ask-queue")
    assert "Newt Hale" in shown
    assert ("the shared actions the asks suggest were counted for 2026-12-01, as of " in shown
            and "(1 day ago); --fresh counts them now." in shown)
    next_day = options_key({"today": dt.date(2026, 12, 2), "min_anger": 3, "wait_days": 30,
                            "words": "every"})
    with mapper.store() as store:
        assert store.get_answer(CAMPAIGN, store.ASK_RANKING, next_day) is None
    assert "were counted for 2026-12-01" in mapper("ask-queue")
    assert "Ranked as of" not in mapper("ask-queue", "--fresh")
    with mapper.store() as store:
        assert store.get_answer(CAMPAIGN, store.ASK_RANKING, next_day) is not None


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_the_ready_lists_ranking_as_of_the_latest_record_is_never_taken_as_exact(
        open_store_of_kind, kind, monkeypatch):
    """Its day is the campaign's latest record's, which a write can move back unseen (the
    latest 1-on-1 dated earlier): past the lag bound it is ranked whole again."""
    store = open_store_of_kind(kind)
    later = _Later()
    monkeypatch.setattr("mapper.clock.now", later)
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "30")
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    store.write([*small_campaign(), *_asked(),
                 conversation("Zed Late", "2026-12-03", id="late", issues=[])])
    store.kept_list_ranking(CAMPAIGN, texts=words, words="every")
    store.write([conversation("Zed Late", "2026-11-16", id="late", issues=[])])  # redated
    later.hours = 1
    ranking = store.kept_list_ranking(CAMPAIGN, texts=words, words="every")
    full = ask_queue(fill_texts(store.snapshot(CAMPAIGN), store))
    assert ranking.order == [(e["person"], e["score"], e["ready"]) for e in full]


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_the_ready_lists_ranking_lags_from_the_write_after_it_not_from_when_it_was_kept(
        open_store_of_kind, kind, monkeypatch):
    """Kept, then an hour with nothing written: the first write after it does not make its
    counts an hour old (every Ready page of a team's server ranked the whole campaign then);
    they lag from that write, up to the lag bound."""
    store = open_store_of_kind(kind)
    later = _Later()
    monkeypatch.setattr("mapper.clock.now", later)
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "30")
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    store.write([*small_campaign(), *_asked(),
                 conversation("Zed Late", "2026-12-03", id="late", issues=[])])
    store.kept_list_ranking(CAMPAIGN, texts=words, words="every")
    later.hours = 1
    store.write([conversation("Zed Late", "2026-11-16", id="late", issues=[])])  # (inexact)
    assert not store.kept_list_ranking(CAMPAIGN, texts=words, words="every").whole
    later.hours = 1 + 31 / 3600  # past the bound, from the write
    ranking = store.kept_list_ranking(CAMPAIGN, texts=words, words="every")
    full = ask_queue(fill_texts(store.snapshot(CAMPAIGN), store))
    assert ranking.whole and ranking.order == [(e["person"], e["score"], e["ready"])
                                               for e in full]


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_another_days_ranking_is_read_not_kept_for_the_new_day(open_store_of_kind, kind,
                                                                monkeypatch):
    """Each page of the new day reads it again (the rows whose wait moved, about 2,000 a day
    at a million people), and keeps nothing: at a million, keeping it took 3 s of the first
    page, and a person forgotten meanwhile could have been kept in it."""
    store = open_store_of_kind(kind)
    keep, page_later, whole = _pages(store, monkeypatch)
    store.write([*small_campaign(), *_asked()])
    keep()
    stamps = store.answer_stamps(CAMPAIGN)
    store.write([conversation("Newt Hale", "2026-10-19", id="newt", issues=[], assessment=1)])
    next_day = TODAY + dt.timedelta(days=1)
    for _ in range(2):
        entries, count, served_kept = page_later(next_day)
        assert served_kept and (entries, count) == (whole(next_day), len(whole(next_day)))
    assert store.answer_stamps(CAMPAIGN) == stamps


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_no_within_the_wait_is_not_ready_in_a_kept_ranking_and_ready_after_it(
        open_store_of_kind, kind, monkeypatch):
    """Someone who said no a week ago (or refused when asked by an attempt) ranked ready
    above people never asked (an organizer's "assign the top N" handed them out first):
    within the wait they are not ready, in the
    kept ranking as in the whole queue, written since or not; the day the wait ends, another
    day's kept ranking re-scores them ready again."""
    store = open_store_of_kind(kind)
    keep, page_later, whole = _pages(store, monkeypatch)
    said_no = dict(assessment=2, plan={"hope": 5, "wants_to_talk_again": True,
                                       "will_attend_meeting": True},
                   ask={"response": "no", "action": "sign it"})
    refused = {k: v for k, v in said_no.items() if k != "ask"}
    store.write([*small_campaign(), conversation("Cy Noe", "2026-10-13", id="cy", **said_no),
                 conversation("Ed Noe", "2026-10-01", id="ed", **refused),
                 Update(person="Ed Noe", date=dt.date(2026, 10, 13), campaign=CAMPAIGN,
                        update="attempt", outcome="refused", asked=True)])
    keep()
    # (Written after the keep: scored again from her row.)
    store.write([conversation("Di Noe", "2026-10-13", id="di", **said_no)])
    for day, ready in ((TODAY, False), (dt.date(2026, 11, 12), False),
                       (dt.date(2026, 11, 13), True)):
        entries, count, served_kept = page_later(day)
        full = whole(day)
        assert served_kept and (entries, count) == (full, len(full)), day
        mine = [e for e in full if e["name"] in ("Cy Noe", "Di Noe")]
        assert [e["ready"] for e in mine] == [ready, ready], day
        assert next(e for e in full if e["name"] == "Ed Noe")["ready"] == ready, day
        if not ready:  # ranked after everyone ready, whatever their score
            assert full[-2:] == mine or all(not e["ready"] for e in full[full.index(mine[0]):])
            assert any(e["ready"] and e["score"] < mine[0]["score"] for e in full), day


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_write_between_a_new_days_two_reads_leaves_its_ranking_not_exact(
        open_store_of_kind, kind, monkeypatch):
    """The rows whose wait a new day moves are read after the rows written since, in another
    transaction: a write landing between them may have moved what the first were scored
    against, so the ranking is not taken as exact (found by review)."""
    store = open_store_of_kind(kind)
    keep, _, _ = _pages(store, monkeypatch)
    store.write([*small_campaign(), *_asked()])
    keep()
    next_day = dt.date(2026, 11, 1)  # (the wait after Asked 0's ask of 10-01 ends)
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    ranking = store.kept_ask_ranking(CAMPAIGN, today=next_day, texts=words, words="every")
    assert not ranking.whole and ranking.exact  # (no write between)
    read = type(store)._ask_rows_asked_between

    def with_a_write_first(self, *args):
        self.write([conversation("Newt Hale", "2026-10-19", id="newt", issues=[],
                                 assessment=1)])
        return read(self, *args)
    monkeypatch.setattr(type(store), "_ask_rows_asked_between", with_a_write_first)
    ranking = store.kept_ask_ranking(CAMPAIGN, today=next_day, texts=words, words="every")
    assert ranking.whole or not ranking.exact


def test_an_open_never_waits_on_a_writer_to_make_the_ask_date_indexes(tmp_path):
    """Made on the first open of a file that lacks them, unless a writer holds the file:
    then a later open makes them (the reads they serve scan the rows meanwhile)."""
    import sqlite3

    from mapper.stores.sqlite import SQLiteStore

    from mapper.models import Assignment

    path = tmp_path / "old.db"
    with SQLiteStore(path) as store:
        store.write([conversation("Ana Lopez", "2026-10-01", id="a"),
                     Assignment(person="Ana Lopez", organizer="Maya Ortiz", campaign=CAMPAIGN),
                     Assignment(person="Ben Ortiz", organizer="Sam Lee", campaign=CAMPAIGN)])
    ana = f"person:{CAMPAIGN}:ana lopez"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("DROP INDEX rm_people_asked; DROP INDEX rm_people_tried; "
                     "DROP INDEX edges_angry_dst; DROP INDEX edges_assigned_dst; "
                     "DROP INDEX edges_assigned_src;")
    db.execute("BEGIN IMMEDIATE")  # a writer holds the file
    store = SQLiteStore(path)
    indexes = "SELECT count(*) FROM sqlite_master WHERE name IN ('rm_people_asked', " \
              "'rm_people_tried', 'edges_angry_dst', 'edges_assigned_dst', 'edges_assigned_src')"
    assert store._db.execute(indexes).fetchone() == (0,)
    # (Whom she is assigned to, and Maya's list: read from every assignment meanwhile, the
    # same.)
    assigned = [(ana, f"organizer:{CAMPAIGN}:maya ortiz")]
    assert [a[1::-1] for a in store._people_slice(CAMPAIGN, [ana]).assignments] == assigned
    mayas = store.my_list(CAMPAIGN, today=dt.date(2026, 10, 2), organizer="maya  ORTIZ")
    assert [c["name"] for o in mayas["organizers"] for c in o["contacts"]] == ["Ana Lopez"]
    assert store.assignees_of(CAMPAIGN, [ana]) == {ana: "Maya Ortiz"}
    assert store._ask_rows_asked_between(CAMPAIGN, TODAY, TODAY) == []
    # (Who is angry about an issue is not read by scanning every edge: the caller ranks whole.)
    assert store._ask_rows_angry_about(CAMPAIGN, ["issue:x:y"], 3) is None
    db.execute("ROLLBACK")
    store.close()
    store = SQLiteStore(path)
    assert store._db.execute(indexes).fetchone() == (5,)
    assert [a[1::-1] for a in store._people_slice(CAMPAIGN, [ana]).assignments] == assigned
    assert store.my_list(CAMPAIGN, today=dt.date(2026, 10, 2), organizer="Maya Ortiz") == mayas
    assert store.assignees_of(CAMPAIGN, [ana]) == {ana: "Maya Ortiz"}
    assert store._ask_rows_angry_about(CAMPAIGN, ["issue:x:y"], 3) == ([], store.version())
    store.close()
    db.close()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_servers_refresher_ranks_today_when_pages_start_from_a_past_days_ranking(
        open_store_of_kind, kind, monkeypatch):
    """A new day's pages read a past day's kept ranking, stale after a write: the refresher
    ranks the queue whole for today (once), not for the past day nobody asks about."""
    from mapper.analytics.cached import Analytics
    from mapper.analytics.stored import Refresher

    store = open_store_of_kind(kind)
    keep, page_later, whole = _pages(store, monkeypatch)
    store.write([*small_campaign(), *_asked()])
    keep()
    store.write([conversation("Newt Hale", "2026-10-19", id="newt", issues=[], assessment=1)])
    next_day = TODAY + dt.timedelta(days=1)
    assert page_later(next_day)[2]  # from the past day's
    monkeypatch.setenv("MAPPER_TODAY", next_day.isoformat())
    refresher = Refresher(Analytics(store, campaign=CAMPAIGN, answers=store))
    assert refresher.run_once() == 1
    today = store.get_answer(CAMPAIGN, store.ASK_RANKING, options_key(
        {"today": next_day, "min_anger": 3, "wait_days": 30, "words": "every"}))
    assert today is not None and today.version == store.version()
    assert refresher.run_once() == 0  # (the past day's, still stale, is left alone)
    entries, count, _ = page_later(next_day)
    assert (entries, count) == (whole(next_day), len(whole(next_day)))


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_write_moving_an_issues_points_re_scores_the_few_angry_about_it(
        open_store_of_kind, kind, monkeypatch):
    """The second to eighth person angry about an issue moves its points, and so the scores of
    the others angry about it: they are read from the issue's edges and re-scored, the kept
    ranking still used; when they cannot be read, the queue is ranked whole, never served
    with their old scores."""
    store = open_store_of_kind(kind)
    keep, page_later, whole = _pages(store, monkeypatch)
    store.write(small_campaign())
    for n, name in enumerate(("Kay Lu", "Lee Park", "Mo Reyes")):
        keep()
        store.write([conversation(name, "2026-10-19", id=f"k{n}", assessment=2,
                                  issues=[{"issue": "night parking", "anger": 4 + n % 2}])])
        entries, count, served_kept = page_later()
        assert served_kept and (entries, count) == (whole(), len(whole()))
    # All three calm down in one write: no one is angry about it now, so no one else's score
    # can owe it anything (found by review: it was taken as one angry person's issue).
    keep()
    store.write([conversation(name, "2026-10-19", id=f"k{n}", assessment=2,
                              issues=[{"issue": "night parking", "anger": 1}])
                 for n, name in enumerate(("Kay Lu", "Lee Park", "Mo Reyes"))])
    entries, count, served_kept = page_later()
    assert served_kept and (entries, count) == (whole(), len(whole()))
    store.write([conversation(name, "2026-10-19", id=f"k{n}", assessment=2,
                              issues=[{"issue": "night parking", "anger": 4 + n % 2}])
                 for n, name in enumerate(("Kay Lu", "Lee Park", "Mo Reyes"))])
    keep()
    monkeypatch.setattr(type(store), "_ask_rows_angry_about", lambda *a: None)
    store.write([conversation("Ned Ash", "2026-10-19", id="k9", assessment=2,
                              issues=[{"issue": "night parking", "anger": 5}])])
    entries, count, served_kept = page_later()
    assert not served_kept and (entries, count) == (whole(), len(whole()))


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_contact_whose_only_1_on_1_moves_to_another_is_gone_from_a_kept_ranking(
        open_store_of_kind, kind, monkeypatch):
    """Her row goes outright: its stamp (on Neo4j a node of its own) drops her from the kept
    ranking, which stays exact for everyone else (found by the property test, when Neo4j kept
    no stamp of a row removed)."""
    store = open_store_of_kind(kind)
    keep, page_later, whole = _pages(store, monkeypatch)

    def talk(name: str, response: str, hope: int) -> None:
        keep()
        store.write([conversation(name, "2026-10-01", id="c0", issues=[],
                                  plan={"hope": hope, "wants_to_talk_again": False},
                                  ask={"response": response},
                                  follow_up={"thank_you_sent": False})])
        entries, count, served_kept = page_later()
        assert served_kept and (entries, count) == (whole(), len(whole()))

    store.write(small_campaign())
    talk("Ana Lopez", "yes", 0)
    talk("Ana L", "no", 2)
    assert any(e["name"] == "Ana L" for e in whole())
    talk("Ana Lopez", "yes", 0)
    assert all(e["name"] != "Ana L" for e in whole())


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_name_corrected_leaves_the_queue_at_once_from_a_young_kept_ranking(
        open_store_of_kind, kind, monkeypatch):
    """Within the lag bound a kept ranking is used whatever moved: a contact whose 1-on-1 is
    corrected to another name is gone from the very next page, not listed under both names
    until the ranking is ranked again (as on Neo4j when it kept no stamp of a row removed)."""
    store = open_store_of_kind(kind)
    keep, _, whole = _pages(store, monkeypatch)
    words = lambda ids: read_texts(store, CAMPAIGN, ids)  # noqa: E731
    store.write(small_campaign())
    store.write([conversation("Ivy Mos", "2026-10-01", id="c0", issues=[],
                              plan={"hope": 2, "wants_to_talk_again": False},
                              ask={"response": "no"}, follow_up={"thank_you_sent": False})])
    keep()
    assert "Ivy Mos" in {e["name"] for e in whole()}
    store.write([conversation("Ivy Moss", "2026-10-01", id="c0", issues=[],
                              plan={"hope": 2, "wants_to_talk_again": False},
                              ask={"response": "no"}, follow_up={"thank_you_sent": False})])
    ranking = store.kept_ask_ranking(CAMPAIGN, today=TODAY, texts=words, words="every")
    assert not ranking.whole  # (the kept one, seconds old)
    entries, count = store.ask_queue_page(CAMPAIGN, today=TODAY, texts=words, words="every")
    names = [e["name"] for e in entries]
    assert "Ivy Mos" not in names and "Ivy Moss" in names
    assert (entries, count) == (whole(), len(whole()))


def _add_stale_row(store, copy_of: str, person: str) -> None:
    """A read-model row no record is about (what a repair's rebuild removes), copied from
    ``copy_of``'s."""
    if hasattr(store, "_session"):  # Neo4j
        with store._session() as session:
            session.run("MATCH (r:PersonRow {person: $of}) CREATE (g:PersonRow) "
                        "SET g = properties(r), g.person = $person, g.name = 'Ghost'",
                        of=copy_of, person=person).consume()
        return
    db = store._db
    columns = [c[1] for c in db.execute("PRAGMA table_info(rm_people)")]
    picked = ", ".join("?" if c == "person" else "'Ghost'" if c == "name" else c
                       for c in columns)
    with store._lock:
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"INSERT INTO rm_people SELECT {picked} FROM rm_people WHERE person = ?",
                   (person, copy_of))
        db.execute("COMMIT")


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_row_a_rebuild_does_not_build_again_leaves_a_kept_ranking(
        open_store_of_kind, kind, monkeypatch):
    """A rebuild of the read model (a repair) removes a row no record is about: a ranking kept
    before it must not list her after it (on Neo4j the rebuild leaves no stamp of the rows it
    removes, so its end drops the kept rankings; found by review)."""
    store = open_store_of_kind(kind)
    keep, page_later, whole = _pages(store, monkeypatch)
    store.write(small_campaign())
    store.write([conversation("Ivy Mos", "2026-10-01", id="c0", issues=[],
                              plan={"hope": 2, "wants_to_talk_again": False},
                              ask={"response": "no"}, follow_up={"thank_you_sent": False})])
    _add_stale_row(store, f"person:{CAMPAIGN}:ivy mos", f"person:{CAMPAIGN}:ghost")
    keep()
    kept = store.kept_ask_ranking(CAMPAIGN, today=TODAY, texts=lambda ids: {}, words="every")
    assert f"person:{CAMPAIGN}:ghost" in {p for p, _, _ in kept.order}
    store.rebuild_read_model(CAMPAIGN)
    entries, count, _ = page_later()
    assert "Ghost" not in {e["name"] for e in entries}
    assert (entries, count) == (whole(), len(whole()))


def _refused() -> list:
    """Someone asked on a call who refused (a week before TODAY), after her 1-on-1."""
    return [conversation("Ed Noe", "2026-10-01", id="ed", assessment=1,
                         plan={"hope": 5, "wants_to_talk_again": True,
                               "will_attend_meeting": True}),
            Update(person="Ed Noe", date=dt.date(2026, 10, 13), campaign=CAMPAIGN,
                   update="attempt", outcome="refused", asked=True)]


def _ed(queue: list[dict]) -> dict:
    return next(e for e in queue if e["name"] == "Ed Noe")


def test_a_schema_12_file_judges_a_refused_ask_when_opened(tmp_path):
    """Schema 12 stored someone whose latest ask, by an attempt, she refused as ready (1): a
    kept ranking and the pages would have ranked her ready. Opened, the read model is rebuilt."""
    from mapper.stores.sqlite import SCHEMA, SQLiteStore

    store = SQLiteStore(tmp_path / "old.db")
    store.write([*small_campaign(), *_refused()])
    expected = ask_queue(store.snapshot(CAMPAIGN), today=TODAY)
    assert not _ed(expected)["ready"] and expected[0]["score"] < _ed(expected)["score"]
    store._db.executescript("UPDATE rm_people SET ready = 1 WHERE ready = 2; "
                            "UPDATE meta SET v = 12 WHERE k = 'schema';")
    store.close()
    store = SQLiteStore(tmp_path / "old.db")
    try:
        assert store._db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (SCHEMA,)
        assert store._rebuilds() == []
        assert store.ask_queue(CAMPAIGN, today=TODAY) == expected
        assert [e["person"] for e in store.ask_queue_page(CAMPAIGN, today=TODAY)[0]] == [
            e["person"] for e in expected]
    finally:
        store.close()


@pytest.mark.neo4j
def test_a_schema_12_neo4j_store_judges_a_refused_ask_when_opened(open_store_of_kind,
                                                                   neo4j_uri):
    from mapper.stores.neo4j import SCHEMA, Neo4jStore

    store = open_store_of_kind("neo4j")
    store.write([*small_campaign(), *_refused()])
    expected = ask_queue(store.snapshot(CAMPAIGN), today=TODAY)
    assert not _ed(expected)["ready"] and expected[0]["score"] < _ed(expected)["score"]
    with store._session() as session:  # as schema 12 left it
        session.run("MATCH (r:PersonRow) WHERE r.ready = 2 SET r.ready = 1").consume()
        session.run("MATCH (m:StoreMeta) SET m.schema = 12").consume()
    Neo4jStore(neo4j_uri).close()
    with store._session() as session:
        assert session.run("MATCH (m:StoreMeta) RETURN m.schema").single()[0] == SCHEMA
    assert store._rebuilds() == []
    assert store.ask_queue(CAMPAIGN, today=TODAY) == expected
    assert [e["person"] for e in store.ask_queue_page(CAMPAIGN, today=TODAY)[0]] == [
        e["person"] for e in expected]
