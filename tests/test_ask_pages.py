"""The ask queue's ranking kept in pages (issue 16: a page of the queue from a new process reads
the head of the kept ranking, not all of it), on both stores: a page read from the pages is
the page of the whole queue, across pages and from a new process; its count is the whole
queue's after writes; a page of another keep is never served mixed with this one's; every
page is dropped when a person is forgotten, and a keep leaves no page of an older one."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from mapper.analytics.readiness import ask_queue
from mapper.analytics.stored import options_key
from mapper.analytics.texts import fill_texts, read_texts
from tests.records import CAMPAIGN, conversation, small_campaign
from tests.test_list_pages import (READY_KEY, _more, _ready, _whole_ready, another_process,
                                   kept_order, kept_parts)

KINDS = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]
TODAY = dt.date(2026, 11, 20)
KEY = options_key({"today": TODAY, "min_anger": 3, "wait_days": 30, "words": "every"})
NEWT = dict(issues=[], assessment=1, plan={"hope": 5, "wants_to_talk_again": True})


def _rae(n: int, **fields) -> object:
    """Contact n of the queue: angry, not yet asked."""
    return conversation(f"Rae Kim {n}", f"2026-11-{1 + n % 9:02d}", id=f"rae-{n}",
                        organizer=fields.pop("organizer", ("Maya Ortiz", "Sam Lee")[n % 2]),
                        unit=fields.pop("unit", ("ICU", "ER", "Peds")[n % 3]),
                        assessment=1 + n % 3,
                        issues=[{"issue": ("short staffing", "parking", "pay")[n % 3],
                                 "anger": 3 + n % 3}], **fields)


def _paged(store, size: int = 3, buckets: int = 4):
    """The store keeping its rankings in pages of ``size`` entries (a small campaign in
    several pages, as a million people are in 134)."""
    store.ask_chunk_size, store.ask_buckets = size, buckets
    store.write([*small_campaign(), *_more(), *(_rae(n) for n in range(16))])
    return store


def _words(store):
    return lambda ids: read_texts(store, CAMPAIGN, ids)


def _page(store, **options):
    return store.ask_queue_page(CAMPAIGN, today=TODAY, texts=_words(store), words="every",
                                **options)


def _whole(store) -> list:
    return ask_queue(fill_texts(store.snapshot(CAMPAIGN), store), today=TODAY)


@pytest.mark.parametrize("kind", KINDS)
def test_a_page_read_from_the_kept_pages_is_the_whole_queues_page(open_store_of_kind, kind,
                                                                  monkeypatch):
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = _paged(open_store_of_kind(kind))
    full = _whole(store)
    assert _page(store, limit=1) == (full[:1], len(full))  # ranked whole, and kept
    head, *parts = kept_parts(store, KEY)
    assert head.result["chunks"] == -(-len(full) // 3) >= 4
    assert [p.question for p in parts if "#c" in p.question] == [
        f"ask_ranking#c{i:05d}" for i in range(head.result["chunks"])]
    assert [e[0] for e in kept_order(store, KEY)] == [e["person"] for e in full]
    # From a new process (the head and the pages it shows read), every window, across pages.
    for offset in range(len(full)):
        for limit in (1, 3, 7):
            assert _page(another_process(store), offset=offset, limit=limit) == (
                full[offset:offset + limit], len(full)), (offset, limit)
    assert _page(another_process(store)) == (full, len(full))
    # Writes since (a new contact, one changed, one out of the queue): the pages with their
    # rows in place are the whole queue's, and so is the count, in this process and a new one.
    for records in (
            [conversation("Newt Hale", "2026-11-02", id="newt", **NEWT)],
            [_rae(4, organizer="dev patel", unit="Lab")],
            [_rae(7, ask={"response": "yes"})],
            [conversation("Newt Hale", "2026-11-02", id="newt", issues=[], assessment=1,
                          ask={"response": "yes"})]):
        store.write(records)
        full = _whole(store)
        for reader in (store, another_process(store)):
            assert _page(reader, offset=5, limit=4) == (full[5:9], len(full))
            assert _page(reader, limit=2) == (full[:2], len(full))
        assert store.get_answer(CAMPAIGN, store.ASK_RANKING, KEY).version == head.version
    assert all(e["name"] not in ("Newt Hale", "Rae Kim 7") for e in full)


def test_a_new_process_pages_the_kept_ranking_as_the_one_that_kept_it(tmp_path, monkeypatch):
    """Who is in which bucket is the same in every process (a stable hash: Python's own is
    salted per process): a new one counts the people written since as the keeper does."""
    from mapper.stores.sqlite import SQLiteStore

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = _paged(SQLiteStore(tmp_path / "m.db"), buckets=16)
    _page(store, limit=1)
    store.write([_rae(n, ask={"response": "yes"}) for n in range(6)])
    full = _whole(store)
    code = (
        "import datetime as dt, json, sys\n"
        "from mapper.stores.sqlite import SQLiteStore\n"
        "from mapper.analytics.texts import read_texts\n"
        "s = SQLiteStore(sys.argv[1]); s.ask_chunk_size, s.ask_buckets = 3, 16\n"
        "found = s.ask_queue_page(sys.argv[2], today=dt.date(2026, 11, 20), limit=3,\n"
        "    texts=lambda ids: read_texts(s, sys.argv[2], ids), words='every')\n"
        "print(json.dumps([[e['person'] for e in found[0]], found[1]]))\n")
    env = {**os.environ, "PYTHONHASHSEED": "random", "MAPPER_ANSWER_LAG": "600"}
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "m.db"), CAMPAIGN],
                             env=env, capture_output=True, text=True, check=True).stdout
        assert json.loads(out) == [[e["person"] for e in full[:3]], len(full)]
    store.close()


@pytest.mark.parametrize("kind", KINDS)
def test_a_page_of_another_keep_is_never_served_with_this_ones_head(open_store_of_kind, kind,
                                                                    monkeypatch):
    """A reader holds a kept ranking's head and first page; another process keeps a new one
    (after people left the queue: its pages hold others at each place) just as the reader
    goes on to the next pages. Those are the new keep's: the reader reads the ranking again,
    and its page is the whole queue's, as is its count."""
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = _paged(open_store_of_kind(kind))
    _page(store, limit=1)
    reader = another_process(store)
    assert _page(reader, limit=1)[0] == _whole(store)[:1]  # the head and page 0, held
    real, raced = reader.get_answers, []

    def racing(campaign, keys):
        if not raced and any(q.startswith("ask_ranking#c") and q != "ask_ranking#c00000"
                             for q, _ in keys):
            raced.append(True)
            store.write([_rae(n, ask={"response": "yes"}) for n in range(4)])
            store.kept_ask_ranking(CAMPAIGN, today=TODAY, texts=_words(store), words="every",
                                   fresh=True)
        return real(campaign, keys)

    monkeypatch.setattr(reader, "get_answers", racing)
    found = _page(reader, offset=2, limit=6)
    assert raced
    full = _whole(store)
    assert found == (full[2:8], len(full))
    # A page dropped under its head (a person forgotten meanwhile): ranked again, not broken.
    reader = another_process(store)
    _page(reader, limit=1)
    real = reader.get_answers
    monkeypatch.setattr(reader, "get_answers", lambda campaign, keys: real(
        campaign, [k for k in keys if k[0] != "ask_ranking#c00002"]))
    assert _page(reader, offset=4, limit=4) == (full[4:8], len(full))


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_is_dropped_with_a_forgotten_person_and_by_a_newer_keep(open_store_of_kind,
                                                                           kind, monkeypatch):
    from mapper.roles import ADMIN
    from mapper.services import forget_person

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = _paged(open_store_of_kind(kind), size=2)
    _page(store, limit=1)
    head, *parts = kept_parts(store, KEY)
    assert len(parts) > 8
    # Kept anew after people left the queue: fewer pages, and none of the older keep left.
    store.write([_rae(n, ask={"response": "yes"}) for n in range(6)])
    store.kept_ask_ranking(CAMPAIGN, today=TODAY, texts=_words(store), words="every",
                           fresh=True)
    again, *now = kept_parts(store, KEY)
    assert again.result["chunks"] < head.result["chunks"]
    assert {(p.version, p.computed_at) for p in now} == {(again.version, again.computed_at)}
    assert len([p for p in now if "#c" in p.question]) == again.result["chunks"]
    # Forgotten: no page of the ranking is left to name her (nor of the Ready list's).
    assert any("rae kim 9" in json.dumps(p.result) for p in now)
    _ready(store)
    assert kept_parts(store, READY_KEY)
    forget_person(store, ADMIN, CAMPAIGN, "Rae Kim 9")
    assert store.answer_stamps(CAMPAIGN) == []
    full = _whole(store)
    assert _page(store) == (full, len(full))


@pytest.mark.parametrize("kind", KINDS)
def test_someone_forgotten_while_a_list_is_read_is_not_listed_from_the_kept_ranking(
        open_store_of_kind, kind, monkeypatch):
    """A forget between reading the kept ranking and the rows written since drops both the
    ranking and the stamps of her rows: the kept order would still list her, unseen as gone
    (a page in flight as an admin forgets her). The list is ranked as the store is now."""
    from mapper.roles import ADMIN
    from mapper.services import forget_person

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = _paged(open_store_of_kind(kind), size=2)
    _ready(store)  # ranked whole, kept
    assert any(r["name"] == "Rae Kim 9" for r in _ready(store))  # read from the kept one
    real = store._ask_rows_since

    def forgotten_meanwhile(campaign, version):
        monkeypatch.setattr(store, "_ask_rows_since", real)
        forget_person(store, ADMIN, CAMPAIGN, "Rae Kim 9")
        return real(campaign, version)
    monkeypatch.setattr(store, "_ask_rows_since", forgotten_meanwhile)
    listed = _ready(store)
    assert store._ask_rows_since is real  # (it was read)
    assert not any("rae kim 9" in json.dumps(r, default=str).casefold() for r in listed)
    assert listed == _whole_ready(store)
    # Nor is she held by the worker in the rows of the list's older order.
    from dashboard.tables import _ReadyBase
    assert not any("rae kim 9" in json.dumps(base.values, default=str).casefold()
                   for key, (_order, base) in _ReadyBase._held.items()
                   if isinstance(key, tuple) and key[0] == CAMPAIGN)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("meanwhile", ["left", "forgotten"])
def test_a_list_drawn_after_the_one_someone_trusts_is_gone_names_no_messenger_and_fails_not(
        open_store_of_kind, kind, meanwhile, monkeypatch):
    """Between a list's rows and the page drawing them (a second at a million people), the
    committed coworker someone trusts leaves the workplace or is forgotten: the page draws
    its rows (it failed on the row no longer there), naming no one gone as the messenger:
    the organizer who spoke with her is."""
    from dashboard.tables import complete, kept_ready_rows
    from mapper.analytics.texts import WithCampaignTexts
    from mapper.models import Update
    from mapper.roles import ADMIN
    from mapper.services import forget_person
    from tests.records import roster, tie

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = open_store_of_kind(kind)
    store.write([roster("Ana Lopez"), roster("Ben Ortiz"), tie("Ana Lopez", "Ben Ortiz"),
                 conversation("Ben Ortiz", "2026-11-01", id="b1",
                              ask={"asked": True, "action": "sign", "response": "yes"}),
                 conversation("Ana Lopez", "2026-11-02", id="a1",
                              issues=[{"issue": "parking", "anger": 4}]),
                 conversation("Cy Dee", "2026-11-02", id="c1")])
    seen = WithCampaignTexts(store)
    first = kept_ready_rows(seen, CAMPAIGN)  # ranked whole, kept
    ana = next(r for r in complete(first, list(first)) if r["name"] == "Ana Lopez")
    assert ana["messenger"] and "Ben Ortiz" in ana["messenger"]
    store.write([conversation("Ana Lopez", "2026-11-05", id="a2",
                              issues=[{"issue": "parking", "anger": 5}])])
    rows = kept_ready_rows(seen, CAMPAIGN)  # the kept one, Ana's row read again
    if meanwhile == "left":
        store.write([Update(person="Ben Ortiz", date="2026-11-06", campaign=CAMPAIGN,
                            update="attempt", outcome="left")])
    else:
        forget_person(store, ADMIN, CAMPAIGN, "Ben Ortiz")
    drawn = complete(rows, list(rows))
    ana = next(r for r in drawn if r["name"] == "Ana Lopez")
    assert ana["reasons"] and ana["messenger"] == "Maya Ortiz (organizer)"
    assert "ben ortiz" not in json.dumps(drawn, default=str).casefold()


@pytest.mark.parametrize("kind", KINDS)
def test_the_ready_list_reads_every_page_of_its_kept_ranking(open_store_of_kind, kind,
                                                              monkeypatch):
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "600")
    store = _paged(open_store_of_kind(kind), size=2)
    assert _ready(store) == _whole_ready(store)  # ranked whole, and kept in pages
    assert kept_parts(store, READY_KEY)[0].result["chunks"] > 4
    for records in ([conversation("Newt Hale", "2026-11-02", id="newt", **NEWT)],
                    [_rae(3, ask={"response": "yes"})]):
        store.write(records)
        whole = _whole_ready(store)
        assert _ready(store) == whole
        assert _ready(another_process(store)) == whole
