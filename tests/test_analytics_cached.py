"""Cached analytics: computed once per store version, thread-safe, bounded."""

import threading
import time

from mapper.analytics import Analytics
from mapper.analytics.examples import example_snapshot
from mapper.models import OneOnOne
from mapper.stores.sqlite import SQLiteStore


class FakeStore:
    """A store whose version we set by hand; counts how often a snapshot is built."""

    def __init__(self) -> None:
        self.v = 1
        self.builds = 0

    def version(self) -> int:
        return self.v

    def snapshot(self, campaign: str):
        self.builds += 1
        return example_snapshot()


def counting(calls: list):
    def headcount(snapshot, *, extra: int = 0) -> int:
        calls.append(extra)
        return len(snapshot.people) + extra
    return headcount


def test_repeated_calls_while_the_store_is_unchanged_recompute_nothing() -> None:
    store, calls = FakeStore(), []
    a = Analytics(store, campaign="st-lukes")
    f = counting(calls)
    assert [a.run(f) for _ in range(5)] == [8] * 5
    assert (store.builds, len(calls)) == (1, 1)
    first = a.ask_queue()
    assert a.ask_queue() is first
    assert store.builds == 1


def test_a_new_store_version_recomputes() -> None:
    store, calls = FakeStore(), []
    a = Analytics(store, campaign="st-lukes")
    f = counting(calls)
    a.run(f)
    store.v = 2
    a.run(f)
    assert (store.builds, len(calls)) == (2, 2)


def test_defaults_spelled_out_share_one_cache_entry_and_other_options_do_not() -> None:
    store, calls = FakeStore(), []
    a = Analytics(store, campaign="st-lukes")
    f = counting(calls)
    a.run(f)
    a.run(f, extra=0)
    assert len(calls) == 1
    assert a.run(f, extra=2) == 10
    assert len(calls) == 2


def test_campaigns_are_cached_apart() -> None:
    store = FakeStore()
    a = Analytics(store, campaign="st-lukes")
    a.structure()
    a.structure(campaign="other")
    assert store.builds == 2


def test_only_the_last_few_versions_are_kept() -> None:
    store, calls = FakeStore(), []
    a = Analytics(store, campaign="st-lukes", keep_versions=2)
    f = counting(calls)
    for v in (1, 2, 3):
        store.v = v
        a.run(f)
    store.v = 3
    a.run(f)  # kept
    store.v = 1
    a.run(f)  # evicted: computed again
    assert len(calls) == 4
    assert a.versions() == [3, 1]


def test_a_result_computed_for_a_newer_version_lets_go_of_the_older_ones() -> None:
    # A worker under writes held each list of its last three versions (at a million people,
    # gigabytes): once a newer version's is computed, the older ones are let go of; a call
    # still on an older version computes it again, right for that version.
    store, calls = FakeStore(), []
    a = Analytics(store, campaign="st-lukes", keep_versions=3)
    f = counting(calls)

    def g(snapshot) -> int:  # (another question)
        return len(snapshot.issues)
    store.v = 1
    first = a.run(f)
    a.run(g)
    store.v = 2
    a.run(f)
    held = {v: [k for k in bucket if k[0] != "__snapshot__"] for v, bucket in a._versions.items()}
    assert len(held[1]) == 1 and len(held[2]) == 1  # (g of version 1 is held: none newer)
    store.v = 1
    assert a.run(f) == first and len(calls) == 3


def test_concurrent_calls_for_the_same_result_compute_it_once() -> None:
    store = FakeStore()
    a = Analytics(store, campaign="st-lukes")
    calls = []

    def slow(snapshot) -> int:
        calls.append(1)
        time.sleep(0.05)
        return len(snapshot.people)

    results = []
    threads = [threading.Thread(target=lambda: results.append(a.run(slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [8] * 8
    assert (len(calls), store.builds) == (1, 1)


def test_named_questions_answer_from_a_real_store_and_follow_its_changes() -> None:
    store = SQLiteStore(":memory:")
    store.write([OneOnOne.model_validate({
        "date": "2026-11-01", "organizer": "Maya", "contact": {"name": "Ana", "unit": "ICU"},
        "issues": [{"issue": "pay", "anger": 5}]})])
    a = Analytics(store)
    assert a.overview()["counts"]["contacted"] == 1
    assert a.run("overview")["counts"]["contacted"] == 1
    # One answer computed, from the store's read model: no snapshot built for it.
    assert a.stats == {"hits": 1, "misses": 1}
    assert a.versions() and all(k[0] != "__snapshot__" for v in a._versions.values() for k in v)
    store.write([OneOnOne.model_validate({
        "date": "2026-11-02", "organizer": "Maya", "contact": {"name": "Ben", "unit": "ICU"}})])
    assert a.overview()["counts"]["contacted"] == 2
