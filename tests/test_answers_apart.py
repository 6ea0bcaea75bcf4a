"""A server's whole-graph answers computed in a child process (mapper.analytics.apart): the
worker builds no snapshot and serves the same answers; a child that fails leaves the worker
computing them itself; the child says a count or the type of its error, never a value."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from mapper.analytics import anger_clusters, power_map, talk_next
from mapper.analytics.apart import Apart, ApartFailed, Job, configured
from mapper.analytics.cached import Analytics
from mapper.analytics.stored import Refresher
from mapper.analytics.texts import WithCampaignTexts
from tests.records import CAMPAIGN, conversation, small_campaign
from tests.test_stored_answers import Counting, Reads, _longer_campaign


@pytest.fixture
def apart(store, request, monkeypatch) -> Apart:
    """An :class:`Apart` whose child opens ``store``: its file, or the Neo4j it is on."""
    path = getattr(store, "path", None)
    if path is not None:
        return Apart(path)
    monkeypatch.setenv("NEO4J_URI", request.getfixturevalue("neo4j_uri"))
    return Apart(None)


def worker(store, apart: Apart | None):
    """A server worker's analytics (counting the snapshots it builds itself)."""
    source = Counting(store)
    analytics = Analytics(source, campaign=CAMPAIGN, answers=store, lag=0)
    analytics.apart = apart
    return source, analytics


def computed_here(store, function, **options):
    return Analytics(WithCampaignTexts(store), campaign=CAMPAIGN, answers=store).answer(
        function, fresh=True, **options).value


def test_a_worker_asked_for_an_answer_has_a_child_compute_it_and_builds_no_snapshot(
        store, apart):
    store.write(small_campaign())
    source, a = worker(store, apart)
    for function in (power_map, anger_clusters):
        served = a.answer(function)
        assert served.version == store.version()
        assert served.value == computed_here(store, function)
    assert source.builds == 0 and apart.started == 2
    assert {s.question for s in store.answer_stamps(CAMPAIGN)} >= {"power_map", "anger_clusters"}
    # Served from the store since: no other child.
    assert a.answer(power_map).value == computed_here(store, power_map)
    assert apart.started == 2


def test_a_long_list_computed_apart_is_read_back_up_to_what_the_page_shows(store, apart):
    """The worker reads the first entries it was asked for, not the list (at a million people
    talk-next's is hundreds of MB)."""
    store.write(_longer_campaign())
    source, a = worker(store, apart)
    a.page_size = 2  # (the child keeps pages of 1,000: the list is one page there)
    reads = Reads(store)
    a.answers = reads
    found = a.answer(talk_next, first=2)
    whole = computed_here(store, talk_next)
    assert found.value["people"] == whole["people"][:2] and source.builds == 0
    assert a.answer(talk_next).value == whole


def test_the_refresher_computes_a_round_in_one_child_and_the_worker_builds_no_snapshot(
        store, apart):
    store.write(small_campaign())
    source, a = worker(store, apart)
    a.answer(power_map)
    a.answer(anger_clusters)
    store.write([conversation("Eve Stone", "2026-11-21", unit="ER",
                              issues=[{"issue": "parking", "anger": 5}])])
    started = apart.started
    assert Refresher(a, apart=apart).run_once() == 2
    assert apart.started == started + 1 and source.builds == 0
    assert {s.version for s in store.answer_stamps(CAMPAIGN)} == {store.version()}
    assert a.answer(power_map).value == computed_here(store, power_map)
    assert Refresher(a, apart=apart).run_once() == 0  # nothing stale: no child
    assert apart.started == started + 1


def test_a_child_that_fails_leaves_the_worker_computing_the_answer_itself(
        store, tmp_path, caplog):
    store.write(small_campaign())
    broken = Apart(str(tmp_path))  # a folder: the child cannot open it as a store
    source, a = worker(store, broken)
    with caplog.at_level(logging.WARNING):
        served = a.answer(power_map)
    assert served.value == computed_here(store, power_map) and source.builds == 1
    assert broken.started == 1
    assert "computing an answer apart failed" in caplog.text


def test_the_child_says_the_type_of_its_error_never_a_value(store, apart):
    store.write(small_campaign())
    # An option no question takes, holding a name: the error would quote it.
    job = Job(CAMPAIGN, "power_map", '{"min_anger":"Ana Lopez"}')
    with pytest.raises(ApartFailed) as failed:
        apart.run([job])
    assert "TypeError" in str(failed.value) and "Ana" not in str(failed.value)


def test_a_server_computes_apart_when_told_to(monkeypatch, tmp_path):
    from dashboard.services import Services
    from mapper.stores.sqlite import SQLiteStore

    monkeypatch.delenv("MAPPER_ANSWER_PROCESS", raising=False)
    assert configured(str(tmp_path / "c.db")) is None
    monkeypatch.setenv("MAPPER_ANSWER_PROCESS", "1")
    found = configured(str(tmp_path / "c.db"))
    assert found is not None and found.db == str(tmp_path / "c.db")
    monkeypatch.setenv("MAPPER_ANSWER_REFRESH", "1")
    store = SQLiteStore(tmp_path / "c.db")
    services = Services(lambda: store, found)
    try:
        assert services.analytics.apart is found and services._refresher.apart is found
    finally:
        services.close()


def test_each_gunicorn_worker_computes_apart_when_told_to(monkeypatch, tmp_path):
    from dashboard.services import EXTENSION
    from mapper.serve import ServeOptions, make_app

    monkeypatch.setenv("MAPPER_ANSWER_PROCESS", "1")
    server = make_app(ServeOptions(db=str(tmp_path / "w.db"), demo=True))
    apart = server.extensions[EXTENSION].apart
    assert apart is not None and apart.db == str(tmp_path / "w.db")


def test_the_dates_of_a_days_answer_reach_the_child(store, apart):
    """Options travel as text: a day is a day again in the child (the ladder's ``today``)."""
    from mapper.analytics import ladder

    store.write(small_campaign())
    source, a = worker(store, apart)
    today = dt.date(2026, 11, 25)
    assert a.answer(ladder, today=today).value == computed_here(store, ladder, today=today)
    assert source.builds == 0 and apart.started == 1


def test_answers_asked_for_while_a_child_runs_are_computed_by_one_child_together(store, apart):
    """Pages arriving at once: one snapshot for all of them (at a million people, a minute of
    both cores apiece), and one answer asked for twice is computed once."""
    import threading
    import time

    store.write(small_campaign())
    jobs = [Job(CAMPAIGN, "power_map", '{"min_anger":3}'),
            Job(CAMPAIGN, "anger_clusters", '{"min_anger":3,"resolution":1.0,"seed":0}'),
            Job(CAMPAIGN, "power_map", '{"min_anger":3}')]
    results: dict[int, int] = {}
    apart._gate.acquire()  # a child is running
    try:
        threads = [threading.Thread(target=lambda n=n, j=j: results.__setitem__(
            n, apart.run([j]))) for n, j in enumerate(jobs)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while len(apart._waiting) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(apart._waiting) == 2
    finally:
        apart._gate.release()
    for t in threads:
        t.join(60)
    assert results == {0: 1, 1: 1, 2: 1} and apart.started == 1
    assert {s.question for s in store.answer_stamps(CAMPAIGN)} >= {"power_map", "anger_clusters"}


class SlowChild:
    """A child process that stores each answer 0.3 s after the last (the log says when)."""

    log: list[tuple[float, str]] = []
    t0 = 0.0

    def __init__(self, *args, **kwargs) -> None:
        import io

        self.stdin, self.buf, self.stderr = self, b"", io.BytesIO(b"")
        self.stdout = self._lines()

    def write(self, data: bytes) -> None:
        self.buf += data

    def close(self) -> None:
        import orjson

        self.request = orjson.loads(self.buf)
        self.jobs = [j["question"] for j in self.request["jobs"]]
        self.log.append((self._now(), "child " + "+".join(self.jobs)))

    def _now(self) -> float:
        import time

        return time.monotonic() - self.t0

    def _lines(self):
        import time

        import orjson

        for n, question in enumerate(self.jobs):
            time.sleep(0.3)
            self.log.append((self._now(), "stored " + question))
            yield orjson.dumps({"done": n}) + b"\n"

    def wait(self) -> int:
        return 0

    def poll(self) -> int:
        return 0


def test_a_page_returns_once_its_answer_is_stored_and_a_later_ask_is_computed_again(
        monkeypatch):
    """Page B's answer is in page A's child: B returns when the child has stored it, not when
    the child ends. Page D asks again after that answer was stored: D's is computed anew (by
    the next child), not marked done by the end of A's."""
    import threading
    import time

    import mapper.analytics.apart as apart_module

    monkeypatch.setattr(apart_module.subprocess, "Popen", SlowChild)
    SlowChild.log, SlowChild.t0 = [], time.monotonic()
    apart = Apart("/nowhere.db")
    power, clusters = Job(CAMPAIGN, "power_map", "{}"), Job(CAMPAIGN, "anger_clusters", "{}")
    done: dict[str, tuple[float, int]] = {}

    def page(name: str, jobs: list[Job]) -> None:
        computed = apart.run(jobs)
        done[name] = (time.monotonic() - SlowChild.t0, computed)

    a = threading.Thread(target=page, args=("A", [power, clusters]))
    a.start()
    time.sleep(0.1)
    b = threading.Thread(target=page, args=("B", [power]))
    b.start()
    time.sleep(0.35)  # power stored at 0.3 s, clusters at 0.6 s
    d = threading.Thread(target=page, args=("D", [power]))
    d.start()
    for t in (a, b, d):
        t.join(10)
    stored = {what: t for t, what in SlowChild.log}
    assert done["B"][1] == 1 and done["B"][0] < stored["stored anger_clusters"]
    assert done["A"][1] == 2 and done["D"][1] == 1
    assert [what for _, what in SlowChild.log if what.startswith("child")] == [
        "child power_map+anger_clusters", "child power_map"]
    assert done["D"][0] > stored["stored anger_clusters"]


def test_a_page_joining_a_refreshers_child_takes_its_answer_though_a_write_came_since(
        tmp_path, monkeypatch):
    """The refresher's child read its snapshot, a write landed, a page asked for the same
    answer: the page takes the child's answer (newer than the one kept before) and reads no
    snapshot in the worker (at a million people: a minute and gigabytes)."""
    import threading

    import orjson

    import mapper.analytics.apart as apart_module
    from mapper.analytics.stored import DERIVED, options_of
    from mapper.stores.sqlite import SQLiteStore

    path = str(tmp_path / "s.db")
    store = SQLiteStore(path)
    store.write(small_campaign())
    snapshot_read, go = threading.Event(), threading.Event()

    class Child(SlowChild):  # reads its snapshot at once, stores its answers when told to
        def _lines(self):
            own = SQLiteStore(path)
            child = Analytics(WithCampaignTexts(own), answers=own, campaign=CAMPAIGN)
            started = child.now()
            child._fresh_snapshot(CAMPAIGN)
            snapshot_read.set()
            go.wait(10)
            for n, job in enumerate(self.request["jobs"]):
                child.refresh(DERIVED[job["question"]], campaign=job["campaign"],
                              snapshot_since=started, first=0, **options_of(job["options"]))
                yield orjson.dumps({"done": n}) + b"\n"
            own.close()

    monkeypatch.setattr(apart_module.subprocess, "Popen", Child)
    apart = Apart(path)
    source, a = worker(store, None)
    before = a.answer(power_map)  # kept once, here
    a.apart = apart
    store.write([conversation("Ann Lee", "2026-11-20", unit="ER",
                              issues=[{"issue": "parking", "anger": 4}])])
    builds, out = source.builds, {}
    refresher = threading.Thread(target=lambda: out.setdefault(
        "refresher", Refresher(a, apart=apart).run_once()))
    refresher.start()
    assert snapshot_read.wait(10)
    store.write([conversation("Eve Stone", "2026-11-21", unit="ER",
                              issues=[{"issue": "parking", "anger": 5}])])
    page = threading.Thread(target=lambda: out.setdefault("page", a.answer(power_map)))
    page.start()
    go.set()
    refresher.join(10)
    page.join(10)
    assert out["refresher"] == 1 and source.builds == builds
    assert out["page"].as_of > before.as_of and out["page"].version < store.version()
    store.close()
