"""Whole-graph answers kept in the store: served in a new process without a snapshot, with their
age; stale by a write until refreshed and never older than the bound; dropped by a forget."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time

import pytest

from mapper.analytics import anger_clusters, power_map, talk_next
from mapper.analytics.cached import Analytics
from mapper.analytics.stored import LEASE, Refresher, age_words, options_key
from mapper.analytics.texts import WithCampaignTexts
from mapper.roles import ADMIN
from mapper.services import forget_person
from mapper.stores.base import StoredAnswer
from tests.records import CAMPAIGN, NoDrafts, conversation, roster, small_campaign, tie

T0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> dt.datetime:
        return self.t

    def tick(self, seconds: float) -> None:
        self.t += dt.timedelta(seconds=seconds)


class Counting:
    """The store as Analytics sees it, counting the snapshots built from it."""

    def __init__(self, store) -> None:
        self.inner = WithCampaignTexts(store)
        self.shared_words = True
        self.builds = 0

    def version(self):
        return self.inner.version()

    def snapshot(self, campaign):
        self.builds += 1
        return self.inner.snapshot(campaign)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def process(store, clock, lag=30.0):
    """What a new process (a CLI run, a gunicorn worker) starts with: nothing in memory."""
    source = Counting(store)
    return source, Analytics(source, campaign=CAMPAIGN, answers=store, lag=lag, now=clock)


# --- the store keeps them (both stores) ------------------------------------------------------

def test_a_store_keeps_an_answer_with_its_version_and_time_and_an_older_one_never_replaces_it(
        store):
    at = T0
    v = store.version()  # (versions of reads from now on: a reset's marks are older)
    store.put_answer(StoredAnswer(CAMPAIGN, "q", '{"a":1}', v + 5, at, {"x": [1, "é"]}))
    got = store.get_answer(CAMPAIGN, "q", '{"a":1}')
    assert (got.version, got.computed_at, got.result) == (v + 5, at, {"x": [1, "é"]})
    store.put_answer(StoredAnswer(CAMPAIGN, "q", '{"a":1}', v + 4, at, {"x": "older"}))
    assert store.get_answer(CAMPAIGN, "q", '{"a":1}').result == {"x": [1, "é"]}
    store.put_answer(StoredAnswer(CAMPAIGN, "q", '{"a":1}', v + 6, at, {"x": "newer"}))
    assert store.get_answer(CAMPAIGN, "q", '{"a":1}').result == {"x": "newer"}
    assert store.get_answer(CAMPAIGN, "q", '{"a":2}') is None
    stamps = store.answer_stamps(CAMPAIGN)
    assert [(a.question, a.options, a.version, a.result) for a in stamps] == [
        ("q", '{"a":1}', v + 6, None)]


def test_keeping_an_answer_does_not_change_the_store_version(store):
    store.write(small_campaign())
    v = store.version()
    store.put_answer(StoredAnswer(CAMPAIGN, "q", "{}", v, T0, [1]))
    store.take_lease("answers", "me", T0, T0 + dt.timedelta(seconds=60))
    assert store.version() == v


def test_clear_and_forget_drop_the_stored_answers(store):
    store.write(small_campaign())
    store.put_answer(StoredAnswer(CAMPAIGN, "q", "{}", store.version(), T0, ["Dee Park"]))
    store.put_answer(StoredAnswer("other", "q", "{}", store.version(), T0, ["someone"]))
    forget_person(store, ADMIN, CAMPAIGN, "Dee Park", drafts=NoDrafts())
    assert store.get_answer(CAMPAIGN, "q", "{}") is None
    assert store.get_answer("other", "q", "{}") is not None  # another campaign's stays
    # An answer computed from a read before the forget is refused, alone or with its parts
    # (a kept ranking), even once the campaign's answers are dropped again.
    read = store.version() - 1
    store.drop_answers(CAMPAIGN)
    store.put_answer(StoredAnswer(CAMPAIGN, "q", "{}", read, T0, ["Dee Park"]))
    assert not store.put_answers([StoredAnswer(CAMPAIGN, "r", "{}", read, T0, ["Dee Park"])])
    assert store.get_answer(CAMPAIGN, "q", "{}") is None
    assert store.get_answer(CAMPAIGN, "r", "{}") is None
    assert store.put_answers([StoredAnswer(CAMPAIGN, "r", "{}", store.version(), T0, ["x"])])
    before = store.version()
    store.clear()
    store.clear()  # (a second reset keeps the first one's marks)
    assert store.answer_stamps() == []
    # An answer computed from a read before the reset (a refresh under way) is not kept after
    # it; one read after it is.
    store.put_answer(StoredAnswer(CAMPAIGN, "q", "{}", before, T0, ["Dee Park"]))
    assert store.get_answer(CAMPAIGN, "q", "{}") is None
    store.put_answer(StoredAnswer(CAMPAIGN, "q", "{}", store.version(), T0, ["nobody"]))
    assert store.get_answer(CAMPAIGN, "q", "{}").result == ["nobody"]


def test_one_holder_takes_the_lease_until_it_expires(store):
    later = T0 + dt.timedelta(seconds=60)
    assert store.take_lease("answers", "a", T0, later)
    assert not store.take_lease("answers", "b", T0 + dt.timedelta(seconds=10), later)
    assert store.take_lease("answers", "a", T0 + dt.timedelta(seconds=10), later)  # renewed
    assert store.take_lease("answers", "b", later, later + dt.timedelta(seconds=60))
    assert not store.take_lease("answers", "a", later, later + dt.timedelta(seconds=60))


# --- the services layer serves them (both stores) --------------------------------------------

def test_a_stored_answer_is_served_in_a_new_process_without_building_a_snapshot(store):
    store.write(small_campaign())
    clock = Clock()
    first, a = process(store, clock)
    computed = a.answer(anger_clusters)
    assert first.builds == 1 and computed.as_of == T0 and computed.version == store.version()
    clock.tick(3600)  # an hour later, nothing written: still the answer of this version
    source, b = process(store, clock)
    for f in (anger_clusters, anger_clusters):
        served = b.answer(f)
        assert served.value == computed.value and served.as_of == T0
        assert served.shown_as_of == clock.t  # (the store's now: its page says so)
    assert b.run("anger_clusters") == computed.value
    assert source.builds == 0


def test_after_a_write_the_stale_answer_is_served_with_its_age_until_refreshed(store):
    store.write(small_campaign())
    clock = Clock()
    _, a = process(store, clock)
    before = a.answer(power_map)
    store.write([conversation("Eve Stone", "2026-11-21", unit="ER",
                              issues=[{"issue": "parking", "anger": 5}])])
    clock.tick(20)
    source, b = process(store, clock)
    nudged = []
    b.on_stale = lambda: nudged.append(1)
    stale = b.answer(power_map)
    assert stale.value == before.value and stale.as_of == T0 and stale.version < store.version()
    assert source.builds == 0 and nudged
    # The refresher (one round) computes it again: the same as a fresh run from scratch.
    assert Refresher(b, now=clock).run_once() == 1
    served = b.answer(power_map)
    assert served.version == store.version() and served.as_of == clock.t
    _, c = process(store, clock)
    assert c.answer(power_map, fresh=True).value == served.value
    # Nothing is stale any more: a round does nothing.
    assert Refresher(c, now=clock).run_once() == 0


def test_a_refresher_holds_its_lease_through_an_answer_longer_than_the_lease(store):
    """At a million people one answer takes minutes: the lease is renewed while it is
    computed, so another worker's refresher does not take it and compute the same beside."""
    store.write(small_campaign())
    start = time.monotonic()

    def clock():  # (real seconds: the lease runs out in them)
        return T0 + dt.timedelta(seconds=time.monotonic() - start)
    _, a = process(store, clock)
    a.answer(power_map)
    store.write([conversation("Eve Stone", "2026-11-21")])
    _, b = process(store, clock)
    compute, taken = b.refresh, []

    def slow(*args, **kwargs):  # an answer three leases long; another worker asks meanwhile
        time.sleep(0.45)
        taken.append(store.take_lease(LEASE, "another worker", clock(),
                                      clock() + dt.timedelta(seconds=60)))
        time.sleep(0.45)
        taken.append(store.take_lease(LEASE, "another worker", clock(),
                                      clock() + dt.timedelta(seconds=60)))
        return compute(*args, **kwargs)
    b.refresh = slow
    assert Refresher(b, lease=0.3, now=clock).run_once() == 1
    assert taken == [False, False]
    assert b.answer(power_map).version == store.version()


def test_a_renewal_that_fails_once_is_tried_again_not_given_up(store):
    """The file locked a while (another process's checkpoint) failed one renewal: the lease
    is still renewed at the next beat, and another worker cannot take it mid-round."""
    store.write(small_campaign())
    start = time.monotonic()

    def clock():
        return T0 + dt.timedelta(seconds=time.monotonic() - start)
    _, a = process(store, clock)
    refresher = Refresher(a, lease=0.3, now=clock)
    real, failed = store.take_lease, []

    def take_lease(*args):
        if threading.current_thread().name == "answers-lease" and not failed:
            failed.append(True)
            raise RuntimeError("database is locked")
        return real(*args)
    store.take_lease = take_lease
    try:
        assert refresher._hold()
        taken = []
        with refresher._renewing():
            for _ in range(6):  # a round three leases long
                time.sleep(0.15)
                taken.append(real(LEASE, "another worker", clock(),
                                  clock() + dt.timedelta(seconds=60)))
    finally:
        store.take_lease = real
    assert failed and taken == [False] * 6


def test_an_answer_that_fails_to_refresh_holds_back_none_after_it(store, monkeypatch, caplog):
    """One campaign's clusters fail each round (its graph trips a bug): the answers after
    them in the round, another campaign's included, are refreshed all the same, and the log
    names the failure's type, never its message."""
    import functools

    from mapper.analytics.stored import DERIVED

    store.write(small_campaign() + [r.model_copy(update={"campaign": "a-camp"})
                                    for r in small_campaign()])
    clock = Clock()
    _, a = process(store, clock)
    for campaign in ("a-camp", CAMPAIGN):
        a.answer(anger_clusters, campaign=campaign)
        a.answer(power_map, campaign=campaign)
    real = DERIVED["anger_clusters"]

    @functools.wraps(real)
    def failing(snapshot, **options):
        if snapshot.campaign == "a-camp":
            raise ValueError("Dee Park's story")
        return real(snapshot, **options)
    monkeypatch.setitem(DERIVED, "anger_clusters", failing)
    store.write([conversation("Zed New", "2026-11-25")])
    clock.tick(1)
    Refresher(a, now=clock).run_once()
    version = store.version()
    stale = {(s.campaign, s.question) for s in store.answer_stamps()
             if s.version != version and "#" not in s.question}
    assert stale == {("a-camp", "anger_clusters")}
    assert "ValueError" in caplog.text and "Dee Park" not in caplog.text


def test_a_stale_answer_is_never_served_older_than_the_bound(store):
    store.write(small_campaign())
    clock = Clock()
    _, a = process(store, clock, lag=30)
    a.answer(talk_next)
    store.write([conversation("Eve Stone", "2026-11-21")])
    clock.tick(30)
    assert a.answer(talk_next).as_of == T0  # at the bound: still served
    clock.tick(1)
    source, b = process(store, clock, lag=30)
    late = b.answer(talk_next)  # past it: computed now, from the store as it is
    assert late.as_of == clock.t and late.version == store.version() and source.builds == 1


def test_while_a_refresher_is_at_work_the_stale_answer_is_served_past_the_lag_to_its_bound(
        store):
    """A page does not compute a whole-graph answer beside the refresher at work on it (a team
    under load: each was a whole-campaign snapshot); past the busy bound it does."""
    store.write(small_campaign())
    clock = Clock()
    _, a = process(store, clock, lag=30)
    a.answer(talk_next)
    store.write([conversation("Eve Stone", "2026-11-21")])
    clock.tick(31)  # past the lag bound
    source, b = process(store, clock, lag=30)
    nudged = []
    b.on_stale, b.refreshing, b.busy_lag = (lambda: nudged.append(1)), (lambda: True), 300
    served = b.answer(talk_next)
    assert served.as_of == T0 and served.version < store.version()
    assert source.builds == 0 and nudged
    clock.tick(270)  # 301 s old: past the busy bound too
    late = b.answer(talk_next)
    assert late.as_of == clock.t and late.version == store.version() and source.builds == 1
    # With no refresher at work (a CLI run, or its thread stopped), the lag bound alone holds,
    # whatever busy_lag says.
    for name, running in (("Yan Ray", None), ("Zed Ray", lambda: False)):
        store.write([conversation(name, "2026-11-22")])
        clock.tick(31)
        source, c = process(store, clock, lag=30)
        c.refreshing, c.busy_lag = running, 300
        assert c.answer(talk_next).as_of == clock.t and source.builds == 1


def test_a_stale_answers_age_counts_from_the_write_that_made_it_stale(store, monkeypatch):
    """An answer current, unwritten, for an hour is not an hour stale at the next write: a
    team's server quiet for a quarter hour sent every page to compute the whole graph at once
    at its first write (a million people: none was served)."""
    clock = Clock()
    monkeypatch.setattr("mapper.clock.now", clock)  # (the store's clock: when writes land)
    store.write(small_campaign())
    _, a = process(store, clock, lag=30)
    computed = a.answer(talk_next)
    clock.tick(3600)  # an hour, nothing written
    store.write([conversation("Eve Stone", "2026-11-21")])
    assert store.stale_since(computed.version) == clock.t
    clock.tick(30)  # stale for the lag bound, computed an hour and a half minute ago
    source, b = process(store, clock, lag=30)
    nudged = []
    b.on_stale = lambda: nudged.append(1)
    served = b.answer(talk_next)
    assert served.as_of == T0 and served.version < store.version()
    assert source.builds == 0 and nudged
    # What it shows is as of that write, the last time it was the store's.
    assert served.current_to == served.shown_as_of == clock.t - dt.timedelta(seconds=30)
    # A second write does not move when it went stale; past the bound from the first, computed.
    clock.tick(1)
    store.write([conversation("Yan Ray", "2026-11-22")])
    assert store.stale_since(computed.version) == clock.t - dt.timedelta(seconds=31)
    source, c = process(store, clock, lag=30)
    late = c.answer(talk_next)
    assert late.as_of == clock.t and late.version == store.version() and source.builds == 1
    # While a refresher is at work, so for the busy bound.
    clock.tick(3600)
    store.write([conversation("Zed Ray", "2026-11-22")])
    clock.tick(299)
    source, d = process(store, clock, lag=30)
    d.refreshing, d.busy_lag = (lambda: True), 300
    assert d.answer(talk_next).as_of == late.as_of and source.builds == 0
    clock.tick(2)
    assert d.answer(talk_next).as_of == clock.t and source.builds == 1


def test_a_store_knows_when_it_left_a_version_an_answer_was_kept_at_while_current(
        store, monkeypatch):
    clock = Clock()
    monkeypatch.setattr("mapper.clock.now", clock)
    store.write(small_campaign())
    v = store.version()
    assert store.stale_since(v) is None  # (no answer kept at it: not watched)
    store.put_answer(StoredAnswer(CAMPAIGN, "q", "{}", v, T0, [1]))
    assert store.stale_since(v) is None  # (still the store's version)
    clock.tick(60)
    store.write([conversation("Eve Stone", "2026-11-21")])
    assert store.stale_since(v) == T0 + dt.timedelta(seconds=60)
    # Kept at a version already left (a refresh read before a write): when it was left is not
    # known, and its age counts from its computation.
    old = store.version()
    store.write([conversation("Yan Ray", "2026-11-22")])
    assert store.put_answers([StoredAnswer(CAMPAIGN, "r", "{}", old, T0, [2])])
    clock.tick(60)
    store.write([conversation("Zed Ray", "2026-11-22")])
    assert store.stale_since(old) is None
    # Versions no answer is kept at any more are let go, while another answer stays kept at
    # an older one all along (a day's ranking no one asks for again).
    store.put_answer(StoredAnswer(CAMPAIGN, "r", "{}", store.version(), T0, [3]))
    kept = store.version()
    rounds = []
    for i in range(3):
        clock.tick(60)
        store.write([conversation(f"Round {i}", "2026-11-23", id=f"round-{i}")])
        rounds.append(store.version())
        store.put_answer(StoredAnswer(CAMPAIGN, "q", "{}", store.version(), T0, [i]))
    assert [store.stale_since(x) for x in (v, *rounds[:2])] == [None, None, None]
    assert store.stale_since(kept) == T0 + dt.timedelta(seconds=180)
    assert store.stale_since(rounds[2]) is None  # (still the store's version)


def test_a_refreshers_round_reads_one_snapshot_for_all_its_answers_while_writes_go_on(store):
    """Every write moves the version: each stale answer of a round read the campaign again."""
    store.write(small_campaign())
    clock = Clock()
    source, a = process(store, clock)
    for question in (anger_clusters, power_map, talk_next):
        a.answer(question)
    store.write([conversation("Eve Stone", "2026-11-21")])
    clock.tick(5)
    source, b = process(store, clock)
    read = source.snapshot
    writes = iter(range(10))

    def snapshot(campaign):  # a write lands after each read: the store moves on meanwhile
        snap = read(campaign)
        store.write([conversation(f"Writer {next(writes)}", "2026-11-22")])
        return snap

    source.snapshot = snapshot
    read_at = store.version()
    assert Refresher(b, now=clock).run_once() == 3
    assert source.builds == 1
    # Each is stored as of that one read (and stale again by the writes since: next round).
    stamps = store.answer_stamps(CAMPAIGN)
    assert len([s for s in stamps if "#" not in s.question]) == 3  # (power's index a part)
    assert {s.version for s in stamps} == {read_at} and read_at < store.version()
    assert {s.computed_at for s in stamps} == {clock.t}


def test_fresh_computes_now_whatever_is_stored(store):
    store.write(small_campaign())
    clock = Clock()
    _, a = process(store, clock)
    a.answer(anger_clusters)
    clock.tick(5)
    source, b = process(store, clock)
    assert b.answer(anger_clusters, fresh=True).as_of == clock.t and source.builds == 1


def test_after_a_forget_no_stored_answer_names_the_person(store):
    store.write(small_campaign())
    clock = Clock()
    _, a = process(store, clock)
    assert "Dee Park" in str(a.answer(talk_next).value)
    forget_person(store, ADMIN, CAMPAIGN, "Dee Park", drafts=NoDrafts())
    _, b = process(store, clock)
    assert "Dee Park" not in str(b.answer(talk_next).value)
    assert "Dee Park" not in str(a.answer(talk_next).value)  # nor the process that had it


def test_an_answer_computed_before_a_forget_is_not_kept_after_it(store):
    """A refresher's round read the campaign, then an admin forgot Dee Park: the answers it
    computes from that read name her, and must not be stored again (pages would serve them
    for minutes)."""
    store.write(small_campaign())
    clock = Clock()
    _, a = process(store, clock)
    for question in (talk_next, power_map):
        a.answer(question)
    store.write([conversation("Eve Stone", "2026-11-21")])  # both stale now
    clock.tick(5)
    source, b = process(store, clock)
    read = source.snapshot
    forgot = []

    def snapshot(campaign):  # the forget lands right after the round's read
        snap = read(campaign)
        if not forgot:
            forget_person(store, ADMIN, CAMPAIGN, "Dee Park", drafts=NoDrafts())
            forgot.append(1)
        return snap

    source.snapshot = snapshot
    Refresher(b, now=clock).run_once()
    assert forgot
    for stamp in store.answer_stamps():
        assert "Dee Park" not in str(store.get_answer(CAMPAIGN, stamp.question,
                                                      stamp.options).result)
    _, c = process(store, clock)
    c.refreshing, c.busy_lag = (lambda: True), 300
    assert "Dee Park" not in str(c.answer(talk_next).value)
    # Answers read after the forget are kept as before.
    assert c.answer(talk_next).version == store.version()
    # (The round read the campaign again for its next answer: what it kept is from then on.)
    assert "talk_next" in [s.question for s in store.answer_stamps()]
    assert all(s.version >= store.answers_dropped_at(CAMPAIGN) for s in store.answer_stamps())


def test_a_page_that_waited_for_a_snapshot_read_before_a_forget_does_not_show_the_person(
        store):
    """A page asks while another caller reads the campaign; an admin forgets Dee Park before
    that read ends; the page, which waited for it, must not show her."""
    import time

    store.write(small_campaign())
    clock = Clock()
    source, analytics = process(store, clock)
    analytics.answer(talk_next)
    store.write([conversation("Yan Ray", "2026-11-19")])
    clock.tick(60)  # stale, past the bound
    building, go_on = threading.Event(), threading.Event()
    read = source.snapshot

    def snapshot(campaign):
        snap = read(campaign)
        if not building.is_set():  # the first read: slow to build
            building.set()
            go_on.wait(10)
        return snap

    source.snapshot = snapshot
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault("first",
                                                               analytics.answer(talk_next)))
    first.start()
    assert building.wait(10)
    forget_person(store, ADMIN, CAMPAIGN, "Dee Park", drafts=NoDrafts())
    page = threading.Thread(target=lambda: answers.setdefault("page",
                                                              analytics.answer(talk_next)))
    page.start()
    time.sleep(0.5)  # (it waits for the first one's answer)
    go_on.set()
    for t in (first, page):
        t.join(10)
    assert "Dee Park" not in str(answers["page"].value)
    assert answers["page"].version == store.version()


# --- a long list is kept in pages (both stores) ----------------------------------------------

def _longer_campaign() -> list:
    """The small campaign and three more people nobody has spoken with: five to talk to."""
    return small_campaign() + [roster("Fay Gold", "ER"), roster("Gus Hale"),
                               roster("Hal Ito", "ER")]


class Reads:
    """The store as a new process reads its answers, counting the answers read."""

    def __init__(self, store) -> None:
        self.inner, self.read = store, []

    def get_answer(self, campaign, question, options):
        self.read.append(question)
        return self.inner.get_answer(campaign, question, options)

    def get_answers(self, campaign, keys, **raw):
        self.read.extend(q for q, _ in keys)
        return self.inner.get_answers(campaign, keys, **raw)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def paging(store, page_size: int):
    """The longer campaign written, and a process keeping long lists in pages of ``page_size``."""
    store.write(_longer_campaign())
    clock = Clock()
    _, a = process(store, clock)
    a.page_size = page_size
    return clock, a


def test_talk_next_is_kept_in_pages_and_its_first_people_are_read_alone(store):
    """At a million people talk-next's list is hundreds of MB: a command showing its first 20
    reads the page they are on, not the list."""
    clock, a = paging(store, 2)
    computed = a.answer(talk_next)
    people = computed.value["people"]
    assert len(people) == 5
    assert sorted(s.question for s in store.answer_stamps(CAMPAIGN)) == [
        "talk_next", "talk_next#p00001", "talk_next#p00002"]
    # A new process reads the whole answer back as it was computed, the same for every part.
    reads = Reads(store)
    source, b = process(store, clock)
    b.answers = reads
    assert b.answer(talk_next).value == computed.value and source.builds == 0
    assert sorted(set(reads.read)) == ["talk_next", "talk_next#p00001", "talk_next#p00002"]
    # The first two: the head alone; the first three: the head and the page after it.
    for first, read in ((2, ["talk_next"]), (1, ["talk_next"]),
                        (3, ["talk_next", "talk_next#p00001"])):
        reads.read.clear()
        _, c = process(store, clock)
        c.answers = reads
        found = c.answer(talk_next, first=first)
        assert found.value["people"] == people[:first] and reads.read == read
        assert found.total == 5 and found.as_of == computed.as_of
        assert found.value["organic_leaders"] == computed.value["organic_leaders"]
        # The same process asked for the whole list next reads it whole.
        assert c.answer(talk_next).value == computed.value
    # A list that fits is whole, and says so.
    _, d = process(store, clock)
    assert d.answer(talk_next, first=5).total is None
    assert d.answer(talk_next, first=9).value == computed.value


def test_a_process_remembers_a_long_lists_first_page_only(store):
    """At a million people a whole list in each worker's memory is gigabytes: a process keeps
    its first page, and reads the rest from the store when it is asked for."""
    _, a = paging(store, 2)
    whole = a.answer(talk_next).value
    assert len(whole["people"]) == 5
    reads = Reads(store)
    a.answers = reads
    assert a.answer(talk_next, first=2).value["people"] == whole["people"][:2]
    assert reads.read == []  # (from memory)
    assert a.answer(talk_next).value == whole
    assert reads.read == ["talk_next", "talk_next#p00001", "talk_next#p00002"]
    assert a.run(talk_next) == whole


def test_pages_a_list_has_no_more_are_dropped_with_the_keep_that_ends_them(store):
    clock, a = paging(store, 1)
    a.answer(talk_next)
    assert len(store.answer_stamps(CAMPAIGN)) == 5
    a.page_size = 3
    clock.tick(5)
    kept = a.answer(talk_next, fresh=True)
    assert sorted(s.question for s in store.answer_stamps(CAMPAIGN)) == [
        "talk_next", "talk_next#p00001"]
    assert {(s.version, s.computed_at) for s in store.answer_stamps(CAMPAIGN)} == {
        (kept.version, clock.t)}
    _, b = process(store, clock)
    assert b.answer(talk_next).value == kept.value


def test_a_list_kept_anew_while_its_pages_were_read_is_never_served_mixed(store):
    """A refresher keeps the list anew between a page's read of its head and of its pages:
    the page shows one keep or the other, whole, never the old head with the new pages."""
    clock, a = paging(store, 2)
    old = a.answer(talk_next)
    store.write([conversation("Eve Stone", "2026-11-21", unit="ER",
                              issues=[{"issue": "parking", "anger": 5}]),
                 tie("Eve Stone", "Hal Ito")])
    clock.tick(5)
    reads = Reads(store)
    source, b = process(store, clock)
    b.answers = reads
    kept_anew = []
    read_pages = reads.get_answers

    def get_answers(campaign, keys):  # the refresher lands between the two reads
        if not kept_anew:
            kept_anew.append(a.answer(talk_next, fresh=True))
        return read_pages(campaign, keys)

    reads.get_answers = get_answers
    served = b.answer(talk_next)
    new = kept_anew[0]
    assert new.value != old.value  # (the write changed the list: a mix would show)
    assert served.value == new.value and served.as_of == new.as_of
    assert source.builds == 0  # (read from the store, the new keep: not computed again)


def test_a_list_kept_whole_by_older_code_is_served_as_it_is(store):
    store.write(_longer_campaign())
    clock = Clock()
    _, a = process(store, clock)
    whole = talk_next(store.snapshot(CAMPAIGN))
    store.put_answer(StoredAnswer(CAMPAIGN, "talk_next", options_key(a._options(talk_next, {})),
                                  store.version(), T0, whole))
    source, b = process(store, clock)
    assert b.answer(talk_next).value == whole and source.builds == 0
    found = b.answer(talk_next, first=2)
    assert found.value == whole and found.total is None  # (the caller cuts it)


def test_after_a_forget_no_page_of_a_kept_list_names_the_person(store):
    clock, a = paging(store, 1)
    assert "Dee Park" in str(a.answer(talk_next).value)
    forget_person(store, ADMIN, CAMPAIGN, "Dee Park", drafts=NoDrafts())
    assert store.answer_stamps(CAMPAIGN) == []  # every page with the head
    for first in (None, 1, 4):
        _, b = process(store, clock)
        assert "Dee Park" not in str(b.answer(talk_next, first=first).value)
    assert "Dee Park" not in str(a.answer(talk_next, first=1).value)


def test_a_forget_between_a_lists_head_and_its_pages_never_serves_the_person(store):
    clock, a = paging(store, 1)
    assert "Dee Park" in str(a.answer(talk_next).value)
    reads = Reads(store)
    source, b = process(store, clock)
    b.answers = reads
    read_pages, forgot = reads.get_answers, []

    def get_answers(campaign, keys):  # the forget lands after the head was read
        if not forgot:
            forget_person(store, ADMIN, CAMPAIGN, "Dee Park", drafts=NoDrafts())
            forgot.append(1)
        return read_pages(campaign, keys)

    reads.get_answers = get_answers
    served = b.answer(talk_next)
    assert forgot and "Dee Park" not in str(served.value)
    assert source.builds == 1 and served.version == store.version()  # computed after it


def test_power_is_kept_in_pages_of_its_decision_makers(store):
    clock, a = paging(store, 1)
    computed = a.answer(power_map)
    makers = computed.value["decision_makers"]
    assert len(makers) > 1
    assert sorted(s.question for s in store.answer_stamps(CAMPAIGN)) == [
        "power_map", "power_map#issues", "power_map#key",
        *(f"power_map#p{i:05d}" for i in range(1, len(makers)))]
    reads = Reads(store)
    source, b = process(store, clock)
    b.answers = reads
    first = b.answer(power_map, first=1)
    assert reads.read == ["power_map", "power_map#issues"] and source.builds == 0
    assert first.value["decision_makers"] == makers[:1] and first.total == len(makers)
    assert first.value["issues"] == computed.value["issues"]  # (kept apart, read with it)
    assert list(first.value) == list(computed.value)  # (in its place)
    assert b.answer(power_map).value == computed.value


def test_an_export_after_a_write_reads_no_issues_of_the_older_power_map(store):
    """`mapper power --json` after a write ranks the issues as of it (the rankings kept with
    each write): the kept answer's issues (each with its every decision maker: 14.6 MB at a
    million people) are not read then; of a kept answer as new as the store they are."""
    import orjson

    clock, a = paging(store, 1)
    a = more_decision_makers(store, clock)
    computed = a.answer(power_map)
    for raw in (True, False):
        reads = Reads(store)
        source, b = process(store, clock)
        b.answers = reads
        current = b.answer(power_map, raw=raw, current_only=("issues",))
        assert "power_map#issues" in reads.read and source.builds == 0
        assert orjson.dumps(current.value) == orjson.dumps(computed.value)
    store.write([conversation("Ida Moss", "2026-11-23", unit="ER",
                              issues=[{"issue": "parking", "anger": 5}])])
    for raw, first in ((True, None), (False, None), (False, 1)):
        reads = Reads(store)
        source, b = process(store, clock)
        b.answers = reads
        older = b.answer(power_map, raw=raw, first=first, current_only=("issues",))
        assert "power_map#issues" not in reads.read and source.builds == 0
        assert older.version == computed.version and older.value["issues"] is None
        assert orjson.loads(orjson.dumps(older.value))["decision_makers"] == \
            computed.value["decision_makers"][:first]
        assert b._kept == {}  # (lacking its issues: never served to another reader)
        assert b.answer(power_map, first=first).value["issues"] == computed.value["issues"]


def test_an_export_writes_a_kept_lists_pages_as_they_are_kept_the_same_document(store):
    """`mapper power --json` at a million people: 37 MB of pages parsed only to be written out
    again took 0.7 s; read raw, the document written is the same, byte for byte."""
    import orjson

    clock, a = paging(store, 1)
    a = more_decision_makers(store, clock)
    for question in (power_map, talk_next):
        computed = a.answer(question)
        field = "decision_makers" if question is power_map else "people"
        assert len(computed.value[field]) >= 3  # (several pages, the head's entry first)
        reads = Reads(store)
        source, b = process(store, clock)
        b.answers, b.page_size = reads, 1
        raw = b.answer(question, raw=True)
        assert isinstance(raw.value[field], orjson.Fragment) and source.builds == 0
        assert orjson.dumps(raw.value) == orjson.dumps(computed.value)
        assert (raw.version, raw.as_of) == (computed.version, computed.as_of)
        # The head (page 0), each page, and power's issues kept apart.
        assert len(reads.read) == len(computed.value[field]) + (question is power_map)
        assert b._kept == {}  # (text: not remembered for a page to read entries from)
        # With first, or computed now, the entries are read as ever.
        assert b.answer(question, raw=True, first=1).value[field] == computed.value[field][:1]
        assert b.answer(question, raw=True, fresh=True).value == computed.value


def test_an_export_of_a_list_kept_anew_while_its_pages_were_read_is_never_mixed(store):
    import orjson

    clock, a = paging(store, 1)
    old = a.answer(talk_next)
    store.write([conversation("Eve Stone", "2026-11-21", unit="ER",
                              issues=[{"issue": "parking", "anger": 5}]),
                 tie("Eve Stone", "Hal Ito")])
    clock.tick(5)
    reads = Reads(store)
    source, b = process(store, clock)
    b.answers = reads
    kept_anew = []
    read_pages = reads.get_answers

    def get_answers(campaign, keys, **raw):  # the refresher lands between the two reads
        if not kept_anew:
            kept_anew.append(a.answer(talk_next, fresh=True))
        return read_pages(campaign, keys, **raw)

    reads.get_answers = get_answers
    served = b.answer(talk_next, raw=True)
    assert kept_anew[0].value != old.value
    assert orjson.dumps(served.value) == orjson.dumps(kept_anew[0].value)
    assert served.as_of == kept_anew[0].as_of and source.builds == 0


def test_a_store_reads_answers_as_the_json_text_it_keeps_them_in(store):
    import orjson

    v = store.version()
    kept = {"x": [1, "é", {"k": None}], "n": 2}
    store.put_answer(StoredAnswer(CAMPAIGN, "q", "{}", v, T0, kept))
    store.put_answer(StoredAnswer(CAMPAIGN, "r", "{}", v, T0, []))
    got = store.get_answers(CAMPAIGN, [("q", "{}"), ("r", "{}"), ("nothing", "{}")], raw=True)
    assert sorted(got) == [("q", "{}"), ("r", "{}")]
    assert isinstance(got["q", "{}"].result, bytes) and orjson.loads(got["q", "{}"].result) == kept
    assert got["r", "{}"].result == b"[]" and got["q", "{}"].computed_at == T0
    assert store.get_answers(CAMPAIGN, [("q", "{}")])["q", "{}"].result == kept


def more_decision_makers(store, clock, n: int = 4):
    """The longer campaign with ``n`` more decision makers named, kept in pages of one."""
    store.write([conversation(f"Namer {i}", "2026-11-22", id=f"namer-{i}", unit="ER",
                              issues=[{"issue": "parking", "anger": 4}],
                              responsibility={"named": [{"issue": "parking", "decision_maker": {
                                  "name": f"Boss {i}", "title": "Director"}}]})
                 for i in range(n)])
    _, a = process(store, clock)
    a.page_size = 1
    return a


def test_decision_makers_are_read_by_key_from_the_pages_holding_them(store):
    """A decision maker clicked on the power map: one page of a thousand, not the list."""
    clock, a = paging(store, 1)
    a = more_decision_makers(store, clock)
    makers = a.answer(power_map).value["decision_makers"]
    assert len(makers) >= 3
    last = makers[-1]["key"]
    reads = Reads(store)
    source, b = process(store, clock)
    b.answers, b.page_size = reads, 1
    _, found = b.entries(power_map, [last, "dm:nobody"])
    assert found == {last: makers[-1]} and source.builds == 0
    assert reads.read == ["power_map", "power_map#issues", "power_map#key",
                          f"power_map#p{len(makers) - 1:05d}"]
    reads.read.clear()  # the head and the index remembered: the page alone
    assert b.entries(power_map, [makers[1]["key"], makers[0]["key"]])[1] == {
        makers[1]["key"]: makers[1], makers[0]["key"]: makers[0]}
    assert reads.read == ["power_map#p00001"]
    # Kept by code older than the index: read whole, the same entries.
    store.put_answers([], [("power_map#key", '{"min_anger":3}')])
    _, c = process(store, clock)
    c.page_size = 1
    assert c.entries(power_map, [last])[1] == {last: makers[-1]}


def test_the_first_decision_makers_matching_are_read_page_after_page_until_found(store):
    clock, a = paging(store, 1)
    a = more_decision_makers(store, clock, 6)
    makers = a.answer(power_map).value["decision_makers"]
    wanted = {makers[1]["key"], makers[-1]["key"]}
    reads = Reads(store)
    _, b = process(store, clock)
    b.answers, b.page_size = reads, 1
    found, hits = b.matching(power_map, lambda d: d["key"] in wanted, 1)
    assert hits == [makers[1]] and found.value["decision_makers"] == makers[:1]
    assert len(makers) > 5 and f"power_map#p{len(makers) - 1:05d}" not in reads.read
    assert b.matching(power_map, lambda d: d["key"] in wanted, 5)[1] == [makers[1], makers[-1]]
    assert b.matching(power_map, lambda d: False, 5)[1] == []
    # The process that computed it (and keeps its first page in memory) reads the same.
    assert a.matching(power_map, lambda d: d["key"] in wanted, 5)[1] == [makers[1], makers[-1]]


def test_a_power_map_kept_anew_while_its_pages_are_read_is_never_served_mixed(store):
    clock, a = paging(store, 1)
    makers = a.answer(power_map).value["decision_makers"]
    last = makers[-1]["key"]
    _, b = process(store, clock)
    b.page_size = 1
    reads = Reads(store)
    kept_anew = []

    def get_answers(campaign, keys):  # another process keeps it anew as the pages are read
        if not kept_anew:
            clock.tick(5)
            _, c = process(store, clock)
            c.page_size = 1
            kept_anew.append(c.answer(power_map, fresh=True))
        return store.get_answers(campaign, keys)

    reads.get_answers = get_answers
    b.answers = reads
    found, hits = b.entries(power_map, [last])
    assert found.as_of == kept_anew[0].as_of and hits == {last: makers[-1]}
    kept_anew.clear()
    found, hits = b.matching(power_map, lambda d: d["key"] == last, 1)
    assert found.as_of == kept_anew[0].as_of and hits == [makers[-1]]


def test_an_answer_with_everyones_words_is_never_stored(store):
    """The command line's ladder names every action; only the campaign's shared view is kept."""
    from mapper.analytics.readiness import ladder

    store.write(small_campaign())
    a = Analytics(store, campaign=CAMPAIGN, answers=store)
    assert not a.stores(ladder) and a.stores(anger_clusters)
    a.run(ladder, today=dt.date(2026, 12, 1))
    assert [s.question for s in store.answer_stamps()] == []
    shared = Analytics(WithCampaignTexts(store), campaign=CAMPAIGN, answers=store)
    assert shared.stores(ladder)


def test_the_shared_ladder_is_kept_from_the_read_model_with_the_campaigns_words(store):
    """The dashboard's ladder is stored for every reader: computed from the read model (no
    snapshot of the campaign), naming only the campaign's shared actions."""
    from mapper.analytics.readiness import ladder
    from mapper.analytics.texts import campaign_texts

    store.write(small_campaign())
    clock = Clock()
    source, a = process(store, clock)
    today = dt.date(2026, 12, 1)
    found = a.answer(ladder, today=today)
    assert source.builds == 0
    assert found.value == ladder(campaign_texts(store.snapshot(CAMPAIGN), store), today=today)
    # Ana's action is her own words (no one else said yes to it): not named, not stored.
    assert found.value[0]["next_step"] == "follow through: the agreed action (by 2026-12-03)"
    assert [s.question for s in store.answer_stamps()] == ["ladder"]
    again, b = process(store, clock)
    assert b.answer(ladder, today=today).value == found.value and again.builds == 0


def test_the_age_reads_in_plain_words():
    t = dt.datetime(2026, 12, 2, 14, 5, tzinfo=dt.timezone.utc)
    assert age_words(t, t) == "updated just now"
    assert age_words(t, t + dt.timedelta(minutes=1), dt.timezone.utc) == "As of 14:05 (1 min ago)"
    assert age_words(t, t + dt.timedelta(hours=2), dt.timezone.utc) == \
        "As of 14:05 (2 hours ago)"


def test_the_lag_bound_is_a_setting(monkeypatch):
    from mapper.analytics.stored import lag_bound

    monkeypatch.setenv("MAPPER_ANSWER_LAG", "12.5")
    assert lag_bound() == 12.5
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "soon")
    with pytest.raises(ValueError, match="MAPPER_ANSWER_LAG"):
        lag_bound()
    from mapper.analytics.stored import busy_lag_bound

    assert busy_lag_bound() == 900
    monkeypatch.setenv("MAPPER_ANSWER_MAX_LAG", "90")
    assert busy_lag_bound() == 90
    monkeypatch.setenv("MAPPER_ANSWER_MAX_LAG", "-1")
    with pytest.raises(ValueError, match="MAPPER_ANSWER_MAX_LAG"):
        busy_lag_bound()


def test_a_dashboard_process_refreshes_stale_answers_in_the_background_one_process_per_store(
        store, monkeypatch):
    """Two workers on one store: the stale answer is served at once, then refreshed by one
    of their background threads (the lease's holder), not by both."""
    import time

    from dashboard.services import Services

    monkeypatch.setenv("MAPPER_ANSWER_REFRESH", "1")
    monkeypatch.setenv("MAPPER_ANSWER_LAG", "30")
    store.write(small_campaign())
    workers = [Services(lambda: store), Services(lambda: store)]
    try:
        first = workers[0].analytics.answer(power_map, campaign=CAMPAIGN)
        workers[1].analytics  # its refresher runs too
        assert [w.analytics.busy_lag for w in workers] == [900, 900]
        assert all(w.analytics.refreshing() for w in workers)
        before = [w.analytics.answered["computed"] for w in workers]
        store.write([conversation("Eve Stone", "2026-11-21", unit="ER")])
        assert workers[1].analytics.answer(power_map, campaign=CAMPAIGN).as_of == first.as_of
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if all(a.version == store.version() for a in store.answer_stamps(CAMPAIGN)):
                break
            time.sleep(0.05)
        assert {a.version for a in store.answer_stamps(CAMPAIGN)} == {store.version()}
        time.sleep(0.5)  # (a second refresher, if there were one, would have gone too)
        after = [w.analytics.answered["computed"] for w in workers]
        assert sum(after) - sum(before) == 1
    finally:
        for w in workers:
            w._refresher.stop()


def test_a_bad_max_lag_setting_fails_the_page_without_starting_a_refresher(store, monkeypatch):

    from dashboard.services import Services

    monkeypatch.setenv("MAPPER_ANSWER_REFRESH", "1")
    monkeypatch.setenv("MAPPER_ANSWER_MAX_LAG", "soon")
    worker = Services(lambda: store)
    before = sum(t.name == "answers-refresher" for t in threading.enumerate())
    for _ in range(3):
        with pytest.raises(ValueError, match="MAPPER_ANSWER_MAX_LAG"):
            worker.analytics
    assert sum(t.name == "answers-refresher" for t in threading.enumerate()) == before


def test_callers_past_the_bound_at_once_share_one_snapshot_while_writes_go_on(tmp_path):
    """A team under load: each write moves the version, and every reader past the bound used to
    build a snapshot of its own; those who arrive while one is built take that one."""

    from mapper.stores.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "m.db")
    try:
        store.write(small_campaign())
        clock = Clock()
        source, analytics = process(store, clock)
        analytics.answer(anger_clusters, campaign=CAMPAIGN)
        store.write([conversation("Yan Ray", "2026-11-19", id="stale")])
        clock.tick(60)  # stale, and past the bound
        building = threading.Event()
        go_on = threading.Event()
        slow = source.snapshot

        def snapshot(campaign):
            snap = slow(campaign)  # read; then slow to build, while the store moves on
            building.set()
            go_on.wait(10)
            return snap

        source.snapshot = snapshot
        built = source.builds
        answers = []
        first = threading.Thread(target=lambda: answers.append(
            analytics.answer(anger_clusters, campaign=CAMPAIGN)))
        first.start()
        assert building.wait(10)
        # A write lands while the first is building; more readers come for it and for power.
        store.write([conversation("Zed Ray", "2026-11-20", id="late")])
        others = [threading.Thread(target=lambda f=f: answers.append(
                      analytics.answer(f, campaign=CAMPAIGN)))
                  for f in (anger_clusters, anger_clusters, power_map)]
        for t in others:
            t.start()
        import time

        time.sleep(0.5)  # (they wait on the build under way; the clock stands still)
        go_on.set()
        for t in (first, *others):
            t.join(10)
        assert len(answers) == 4
        assert source.builds - built == 1
    finally:
        store.close()


def test_a_caller_who_waited_on_a_refresh_whose_keep_failed_is_not_served_the_older_keep(
        store):
    """Two callers past the bound after a write: one computes the power map (its first page
    asked for) and fails to keep it; the other, waiting on it for the whole map, took the
    rest "as just kept" from the store, which still held the keep from before the write,
    minutes past the bound. It is computed for it instead."""
    from tests.records import hierarchy

    store.write(small_campaign() + [hierarchy(f"Boss {i}", "Carl Reyes", "Manager")
                                    for i in range(4)] + [
        conversation(f"Nurse {i}", "2026-11-02", id=f"nurse-{i}", responsibility={"named": [
            {"issue": "short staffing", "decision_maker": {"name": f"Boss {i}"}}]})
        for i in range(4)])
    clock = Clock()
    _, a = process(store, clock)
    a.page_size = 2
    before = a.answer(power_map)  # kept
    store.write([conversation("Eve Stone", "2026-11-21", id="eve")])
    clock.tick(120)  # past the bound
    _, w = process(store, clock)
    w.page_size = 2
    real_put, real_refresh, waiting = store.put_answers, w.refresh, threading.Event()

    def put_answers(*args, **kwargs):  # the first keep fails (the file locked, say)
        store.put_answers = real_put
        raise RuntimeError("database is locked")

    def refresh(*args, **kwargs):
        waiting.wait(5)  # (until the other caller waits on it)
        return real_refresh(*args, **kwargs)
    store.put_answers, w.refresh = put_answers, refresh
    got = {}
    first = threading.Thread(target=lambda: got.setdefault("page", w.answer(
        power_map, first=w.page_size)))
    first.start()
    time.sleep(0.2)
    whole = threading.Thread(target=lambda: got.setdefault("whole", w.answer(power_map)))
    whole.start()
    time.sleep(0.3)
    waiting.set()
    first.join(10)
    whole.join(10)
    assert store.put_answers is real_put  # (the keep failed once)
    assert got["page"].version == got["whole"].version == store.version() != before.version


def test_an_alias_stopped_part_way_is_finished_by_the_refresher_once_nobody_moves_it(store):
    """`mapper alias` stopped part-way left its campaign half merged until the next write;
    a server's refresher finishes it once it has not moved for a lease's length (while it
    moves, another process is at it)."""
    from tests.records import alias

    store.write(small_campaign())
    store.resume = lambda: 0  # (stopped before its re-projection)
    store.write([alias("person", "Ana Lopez", "A. Lo")])
    del store.resume
    clock = Clock()
    _, a = process(store, clock)
    refresher = Refresher(a, now=clock, lease=60)
    refresher.run_once()
    clock.tick(59)
    refresher.run_once()
    (work,) = store._pending()
    store._progress(work, "0")  # another process goes on with it
    clock.tick(59)
    refresher.run_once()
    assert store._pending() == [dataclasses.replace(work, cursor="0")]
    clock.tick(61)
    refresher.run_once()
    assert store._pending() == []
    assert "person:test-campaign:ana lopez" not in store.snapshot(CAMPAIGN).people
    assert "person:test-campaign:a lo" in store.snapshot(CAMPAIGN).people
