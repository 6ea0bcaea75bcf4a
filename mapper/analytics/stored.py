"""Whole-graph answers kept in the store, served with their age and refreshed in the background.

Clusters, power, talk-next and the organic leaders need the whole campaign's graph: seconds of
CPU at 100k people, in every new process and after every write. Their answers are stored
(:meth:`mapper.stores.base.Store.put_answer`) with the store version and the time they were
computed from; :class:`~mapper.analytics.cached.Analytics` serves a stored answer while it is
for the current version or younger than the lag bound (:func:`lag_bound`), and a
:class:`Refresher` thread computes stale ones again, one at a time, while the process holds the
store's lease (one refresher per store, whatever the number of processes).

A stored answer is the full answer (one whose list is as long as the campaign, in pages:
:data:`PAGED`), the same for every reader: the role rules filter it after it is read, as they
filter a fresh one. Answers that name words of a single person (an action,
an assignment) are stored only as the campaign's shared view (see :data:`STORED_TEXTS`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import orjson

__all__ = ["Answer", "DERIVED", "RETIRED", "LAG_ENV", "DEFAULT_LAG", "BUSY_LAG_ENV",
           "DEFAULT_BUSY_LAG", "REFRESH_ENV", "LEASE", "PART", "PAGED", "APART", "PAGE_SIZE",
           "derived", "is_part", "KEYED", "COLUMNS", "page_question", "index_question",
           "apart_question", "columns_question",
           "columns_of", "in_pages", "from_pages", "first_entries", "lag_bound",
           "busy_lag_bound", "refresh_enabled", "options_key", "options_of", "age_words",
           "Refresher", "run_jobs"]

log = logging.getLogger(__name__)

#: The environment variable setting how long (in seconds) a stored answer may be served after
#: a write made it stale: the 60 s a whole-graph answer may lag a write, less the time a
#: refresh takes (about 10 s at 100k people, more on a busy machine). Counted from that write
#: where the store knows when it was (:meth:`mapper.stores.base.Store.stale_since`), else from
#: when the answer was computed.
LAG_ENV = "MAPPER_ANSWER_LAG"
DEFAULT_LAG = 30.0

#: The environment variable setting how long (in seconds) a stale stored answer may still be
#: served while a background refresher is at work (counted as :data:`LAG_ENV`'s bound is): past :data:`LAG_ENV`'s bound, a page shows
#: the answer it has, with its age, rather than computing another beside the refresher's
#: (a team under load on two cores: each was a whole-campaign snapshot, and pages waited
#: a minute behind them). An answer is replaced a round after the snapshot it was computed
#: from: at a million people under a team's load a round takes minutes, answers reached
#: 5-8 minutes old, and past a 5-minute bound every worker's pages computed the clusters
#: from a whole snapshot at once (2.7 GB each; every page of both workers waited 60-90 s).
BUSY_LAG_ENV = "MAPPER_ANSWER_MAX_LAG"
DEFAULT_BUSY_LAG = 900.0

#: Set to 0 to run no background refresher in a dashboard process (stale answers are then
#: computed again when asked past the lag bound).
REFRESH_ENV = "MAPPER_ANSWER_REFRESH"

#: The questions whose answers are stored, by name (:func:`derived` adds one).
DERIVED: dict[str, Callable[..., Any]] = {}

#: Stored answers an older release kept and none computes now: a refresher drops them once
#: stale (the Talk list's rows, one 210 MB answer at a million people, kept in pages since
#: as ``talk_list``).
RETIRED = frozenset({"talk_rows"})

#: The lease a refresher holds (:meth:`mapper.stores.base.Store.take_lease`).
LEASE = "answers"

#: What a stored answer's question holds when it is a part of another one's (a page of a kept
#: ask ranking, :meth:`mapper.stores.base.Store.kept_ask_ranking`: ``ask_ranking#c00017``):
#: kept, refreshed and dropped with that one, never on its own.
PART = "#"


def is_part(question: str) -> bool:
    """Whether a stored answer of this question is a part of another one's (:data:`PART`)."""
    return PART in question


#: Whole-graph answers kept in pages: the question, and the field of its answer holding a list
#: as long as the campaign (at a million people, talk-next's people are 192 MB of JSON, power's
#: decision makers 35 MB).
#: The answer stored under the question is its head: the rest of the answer, the list's first
#: page and how many entries and pages it holds (``paged``); the other pages are its parts
#: (:func:`page_question`). A command showing the first 20 reads the head alone.
#: (Code older than the pages would read the head as the whole answer: every process that
#: reads a store runs one version, as after any upgrade.)
PAGED: dict[str, str] = {"talk_next": "people", "power_map": "decision_makers"}

#: Entries of a paged list per stored page.
PAGE_SIZE = 1_000

#: Paged lists whose entries a page looks up by a field (power's decision makers by key, when
#: one is clicked or drawn): kept with an index of where each entry stands in the list
#: (:func:`index_question`), so a lookup reads the pages holding them, not the list.
KEYED: dict[str, str] = {"power_map": "key"}

#: Fields of a :data:`PAGED` answer kept in a part of their own beside its head
#: (:func:`apart_question`), read with it unless a reader leaves them out: power's issues, each
#: with its every decision maker (14.6 MB of the head at a million people), which `mapper
#: power` reads from the rankings kept with each write when the kept answer is older than it.
APART: dict[str, tuple[str, ...]] = {"power_map": ("issues",)}

#: Paged lists a page filters, sorts and counts whole (the Talk list: 600,561 people at a
#: million, 210 MB of JSON read by every worker after every refresh), and the fields it does
#: so on: kept beside the pages as columns (:func:`columns_question`), so a page holds those
#: fields for every entry and reads the rest for the rows it draws (by place: the pages
#: holding them).
COLUMNS: dict[str, tuple[str, ...]] = {}


def page_question(question: str, i: int) -> str:
    """The question page ``i`` (from 1: page 0 is in the head) of a paged answer is kept under.

    >>> page_question("talk_next", 3)
    'talk_next#p00003'
    """
    return f"{question}{PART}p{i:05d}"


def index_question(question: str) -> str:
    """The question a :data:`KEYED` answer's index is kept under.

    >>> index_question("power_map")
    'power_map#key'
    """
    return f"{question}{PART}key"


def apart_question(question: str, field: str) -> str:
    """The question an :data:`APART` field of a paged answer is kept under.

    >>> apart_question("power_map", "issues")
    'power_map#issues'
    """
    return f"{question}{PART}{field}"


def columns_question(question: str) -> str:
    """The question a :data:`COLUMNS` answer's columns are kept under.

    >>> columns_question("talk_list")
    'talk_list#columns'
    """
    return f"{question}{PART}columns"


def columns_of(items: list[dict[str, Any]], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    """Those ``fields`` of every entry of ``items``, by field, in the list's order.

    >>> columns_of([{"a": 1, "b": 2}, {"a": 3}], ("a", "b"))
    {'a': [1, 3], 'b': [2, None]}
    """
    return {f: [e.get(f) for e in items] for f in fields}


def in_pages(question: str, value: dict[str, Any], size: int = PAGE_SIZE
             ) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """A :data:`PAGED` answer as it is kept: its head, and its other parts by question (its
    pages, then a :data:`KEYED` one's index: each entry's place in the list, by key).

    >>> head, pages = in_pages("talk_next", {"people": [1, 2, 3, 4, 5], "x": 0}, size=2)
    >>> head
    {'people': [1, 2], 'x': 0, 'paged': {'field': 'people', 'count': 5, 'size': 2, 'pages': 3}}
    >>> pages
    [('talk_next#p00001', [3, 4]), ('talk_next#p00002', [5])]
    >>> head, parts = in_pages("power_map", {"issues": [1], "decision_makers": [{"key": "a"},
    ...                                                                         {"key": "b"}]}, size=1)
    >>> head["issues"], head["paged"]["apart"], parts
    (None, ['issues'], [('power_map#p00001', [{'key': 'b'}]), ('power_map#key', {'a': 0, 'b': 1}), \
('power_map#issues', [1])])

    An :data:`APART` field is kept as a part of its own (in the head: None, where it stands), a
    :data:`COLUMNS` one's columns as its last part.
    """
    field = PAGED[question]
    items = value[field]
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
    apart = [f for f in APART.get(question, ()) if f in value]
    head = {**value, field: chunks[0], **dict.fromkeys(apart),
            "paged": {"field": field, "count": len(items), "size": size, "pages": len(chunks),
                      **({"apart": apart} if apart else {})}}
    parts: list[tuple[str, Any]] = [(page_question(question, i), c)
                                    for i, c in enumerate(chunks[1:], 1)]
    if question in KEYED:
        by = KEYED[question]
        parts.append((index_question(question), {e[by]: n for n, e in enumerate(items)}))
    parts += [(apart_question(question, f), value[f]) for f in apart]
    if question in COLUMNS:
        parts.append((columns_question(question), columns_of(items, COLUMNS[question])))
    return head, parts


def from_pages(head: Any, first: int | None = None) -> tuple[list[int], int | None]:
    """Which pages (from 1) of a kept answer whose head is ``head`` hold its list's first
    ``first`` entries (every page: None), and how many entries the list holds; ``([], None)``
    for an answer kept whole.

    >>> paged = {"people": [1, 2], "paged": {"field": "people", "count": 5, "size": 2, "pages": 3}}
    >>> from_pages(paged), from_pages(paged, 2), from_pages(paged, 3), from_pages({"people": []})
    (([1, 2], 5), ([], 5), ([1], 5), ([], None))
    """
    paged = head.get("paged") if isinstance(head, dict) else None
    if paged is None:
        return [], None
    pages = paged["pages"]
    if first is not None:
        pages = min(pages, -(-max(first, 0) // paged["size"]) or 1)
    return list(range(1, pages)), paged["count"]


def first_entries(found: "Answer", question: str, first: int | None) -> "Answer":
    """``found`` with its :data:`PAGED` list cut to the first ``first`` entries, and
    :attr:`Answer.total` saying how many it holds; as it is when it holds no more (or ``first``
    is None, or ``question`` keeps no list in pages).

    >>> a = Answer({"people": [1, 2, 3]}, 1, dt.datetime(2026, 12, 2))
    >>> first_entries(a, "talk_next", 2).value, first_entries(a, "talk_next", 2).total
    ({'people': [1, 2]}, 3)
    >>> first_entries(a, "talk_next", 3) is a
    True
    """
    field = PAGED.get(question)
    if first is None or field is None:
        return found
    items = found.value[field]
    total = len(items) if found.total is None else found.total
    if first >= total:
        return found
    return replace(found, value={**found.value, field: items[:max(first, 0)]}, total=total)


def derived(func: Callable[..., Any], *, paged: str | None = None,
            columns: tuple[str, ...] | None = None) -> Callable[..., Any]:
    """Store ``func``'s answers (a whole-graph question over a snapshot, JSON-serializable):
    with ``paged``, the field of its answer holding a list kept in pages (:data:`PAGED`), and
    with ``columns``, the fields of its entries kept beside them as columns (:data:`COLUMNS`)."""
    DERIVED[func.__name__] = func
    if paged is not None:
        PAGED[func.__name__] = paged
    if columns is not None:
        COLUMNS[func.__name__] = tuple(columns)
    return func


def refresh_enabled() -> bool:
    """Whether a dashboard process refreshes stale answers in the background (the default)."""
    return os.environ.get(REFRESH_ENV, "").strip() not in ("0", "false", "no")


def lag_bound() -> float:
    """Seconds a stale stored answer may still be served: ``MAPPER_ANSWER_LAG``, else 30."""
    return _seconds(LAG_ENV, DEFAULT_LAG)


def busy_lag_bound() -> float:
    """Seconds a stale stored answer may be served while a refresher is at work on it:
    ``MAPPER_ANSWER_MAX_LAG``, else 900."""
    return _seconds(BUSY_LAG_ENV, DEFAULT_BUSY_LAG)


def _seconds(name: str, default: float, env: Any = None) -> float:
    value = (os.environ if env is None else env).get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, like {default:g}") from None
    if seconds < 0:
        raise ValueError(f"{name} must be 0 or more seconds")
    return seconds


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer, the store version it was computed from, and when (UTC); ``total``: how many
    entries its :data:`PAGED` list holds when ``value`` holds only the first of them, and
    ``size``: how many each of its kept pages holds."""

    value: Any
    version: Any
    as_of: dt.datetime
    total: int | None = None
    size: int | None = None
    #: Until when the store held what it answers, where that is known past :attr:`as_of`:
    #: served of the store's version, when it was served; stale, when the write that made it
    #: so left its version. What a page's "As of" line says (:attr:`shown_as_of`).
    current_to: dt.datetime | None = None

    @property
    def shown_as_of(self) -> dt.datetime:
        """The latest time the answer is known to have been the store's (an answer that
        stayed current through a quiet hour is not an hour old)."""
        return self.as_of if self.current_to is None else max(self.as_of, self.current_to)


def options_key(options: dict[str, Any]) -> str:
    """The options of a question as the text keying its stored answer (sorted, dates ISO).

    >>> options_key({"today": dt.date(2026, 12, 2), "min_anger": 3})
    '{"min_anger":3,"today":"2026-12-02"}'
    """
    return orjson.dumps(options, option=orjson.OPT_SORT_KEYS, default=str).decode()


def options_of(text: str) -> dict[str, Any]:
    """The options :func:`options_key` wrote (a ``today`` back to a date).

    >>> options_of('{"min_anger":3,"today":"2026-12-02"}')
    {'min_anger': 3, 'today': datetime.date(2026, 12, 2)}
    """
    options = orjson.loads(text)
    if isinstance(options.get("today"), str):
        options["today"] = dt.date.fromisoformat(options["today"])
    return options


def age_words(as_of: dt.datetime, now: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """How old an answer is, in plain words: "updated just now", or "As of 14:05 (3 min ago)"
    (the time in ``tz``, by default this machine's).

    >>> t = dt.datetime(2026, 12, 2, 14, 5, tzinfo=dt.timezone.utc)
    >>> age_words(t, t + dt.timedelta(seconds=20))
    'updated just now'
    >>> age_words(t, t + dt.timedelta(minutes=3), dt.timezone.utc)
    'As of 14:05 (3 min ago)'
    >>> age_words(t, t + dt.timedelta(hours=26), dt.timezone.utc)
    'As of 2 Dec 14:05 (1 day ago)'
    """
    seconds = max(0.0, (now - as_of).total_seconds())
    if seconds < 60:
        return "updated just now"
    local = as_of.astimezone(tz)
    when = local.strftime("%H:%M")
    if seconds >= 86400:
        days = int(seconds // 86400)
        when = f"{local.day} {local.strftime('%b')} {when}"
        ago = f"{days} day{'s' if days != 1 else ''} ago"
    elif seconds >= 3600:
        hours = int(seconds // 3600)
        ago = f"{hours} hour{'s' if hours != 1 else ''} ago"
    else:
        ago = f"{int(seconds // 60)} min ago"
    return f"As of {when} ({ago})"


class Refresher:
    """Computes stale stored answers again, one at a time, in a low-priority thread.

    Each round (every ``poll`` seconds, or sooner when :meth:`nudge` says an answer went
    stale) takes the store's lease for ``lease`` seconds; only its holder refreshes, so one
    process of several (gunicorn workers) does the work and the others read its answers.
    :meth:`run_once` is one round, for tests.
    """

    def __init__(self, analytics: Any, *, poll: float = 2.0, lease: float = 60.0,
                 now: Callable[[], dt.datetime] | None = None, apart: Any = None,
                 holder: str | None = None) -> None:
        from mapper import clock

        self.analytics = analytics
        #: Where its rounds are computed: a :class:`mapper.analytics.apart.Apart` (a child
        #: process), or None (this thread).
        self.apart = apart
        self.store = analytics.answers
        self.poll = poll
        self.lease = lease
        self.now = now or (lambda: clock.now())
        #: Who holds the lease: this refresher, or (``holder``) one whose round a child
        #: process runs (:mod:`mapper.analytics.apart`).
        self.holder = holder or uuid.uuid4().hex
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # The store's unfinished work as first seen unchanged, and when (_finish_stalled).
        self._seen: tuple[frozenset, dt.datetime] | None = None

    def _hold(self) -> bool:
        now = self.now()
        return self.store.take_lease(LEASE, self.holder, now,
                                     now + dt.timedelta(seconds=self.lease))

    def run_once(self) -> int:
        """Refresh every stale stored answer while holding the lease; how many were. First,
        in every process (each has its refresher), let go of what it holds from before a
        forget (:meth:`~mapper.analytics.cached.Analytics.let_go_of_forgotten`)."""
        let_go = getattr(self.analytics, "let_go_of_forgotten", None)
        if let_go is not None:
            let_go()
        self._finish_stalled()
        version = self.store.version()
        stamps = self.store.answer_stamps()
        stale = [a for a in stamps if a.version != version and not is_part(a.question)]
        # The lease is a write: taken only when there is work (reads cost no one anything).
        if not stale or not self._hold():
            return 0
        for stamp in [a for a in stale if a.question in RETIRED]:
            # No code computes it any more: dropped, not stale (and read for nothing) forever.
            self.store.drop_answer(stamp.campaign, stamp.question, stamp.options,
                                   stamp.version)
        stale = [a for a in stale if a.question not in RETIRED]
        jobs = self._jobs(stale, {(a.campaign, a.question, a.options) for a in stamps})
        with self._renewing():
            if self.apart is not None:
                return self.apart.run(jobs, holder=self.holder, lease=self.lease)
            try:
                return len(run_jobs(self.analytics, jobs, self._hold, self._stop.is_set))
            finally:
                # (Its snapshot and answers are of no use to the next round: it reads its own.)
                self.analytics.release()

    def _finish_stalled(self) -> int:
        """Finish a re-projection (or a read model's rebuild) that no process carries on any
        more: `mapper alias` stopped part-way left the campaign half merged, its pages read
        from snapshots, until the next write resumed it. Work seen unchanged for a lease's
        length is resumed by the lease's holder; work still moving is another process's (two
        at once would undo nothing, :meth:`Store._reproject`, only do it twice). How many
        records were projected again."""
        unfinished = getattr(self.store, "unfinished", None)
        work = unfinished() if unfinished is not None else frozenset()
        now = self.now()
        if not work:
            self._seen = None
            return 0
        if self._seen is None or self._seen[0] != work:
            self._seen = (work, now)
            return 0
        if now - self._seen[1] < dt.timedelta(seconds=self.lease) or not self._hold():
            return 0
        self._seen = None
        with self._renewing():
            return self.store.resume()

    @contextlib.contextmanager
    def _renewing(self) -> Iterator[None]:
        """Renew the lease every third of its length while a round runs, not only between
        its answers: at a million people one answer outlasts the lease, which lapsed in it,
        and another worker's refresher took the lease and computed the same answers beside
        this one (two snapshots of the campaign, both cores). When another holds it anyway,
        the round stops after its answer (``run_jobs``' ``hold``). A renewal that fails (the
        file locked a while: another process's checkpoint) is tried again at the next beat:
        given up at the first, the lease lapsed mid-round as before."""
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.lease / 3):
                try:
                    if not self._hold():
                        return
                except Exception as exc:  # the round goes on; its own hold() decides
                    log.warning("renewing the refresher's lease failed: %s", type(exc).__name__)
        thread = threading.Thread(target=beat, name="answers-lease", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            # (Not waited for past a beat: a renewal waiting for the file stops at its next.)
            thread.join(self.lease / 3)

    def _jobs(self, stale: list[Any], kept: set[tuple[str, str, str]]) -> list[Any]:
        """The answers a round computes again for the ``stale`` stamps (``kept``: every
        stored answer's campaign, question and options)."""
        from mapper.analytics.apart import Job

        refresh_kept = getattr(self.store, "refresh_kept_answer", None)
        jobs = []
        today = None
        for stamp in stale:
            func = DERIVED.get(stamp.question)
            if func is None and refresh_kept is None:
                continue
            options = options_of(stamp.options)
            if options.get("today") is not None:
                from mapper import clock

                today = today or clock.today()
                if options["today"] < today:  # nobody asks about a past day again ...
                    if func is not None:
                        continue
                    # ... but a list's pages today start from a past day's kept ranking
                    # until one is kept for today (the store's kept_ask_ranking): that one.
                    options = {**options, "today": today}
                    key = (stamp.campaign, stamp.question, options_key(options))
                    if key in kept:
                        continue
                    kept.add(key)
            jobs.append(Job(stamp.campaign, stamp.question, options_key(options),
                            kept=func is None))
        return jobs

    def running(self) -> bool:
        """Whether its thread is alive (started and not stopped): stale answers are being
        refreshed, by it or by the process holding the lease."""
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def nudge(self) -> None:
        """An answer went stale: refresh soon."""
        self._wake.set()

    def start(self) -> "Refresher":
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="answers-refresher",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float | None = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        try:  # (Linux: a thread's own nice value) pages come first
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except (AttributeError, OSError):  # pragma: no cover - other systems
            pass
        while not self._stop.is_set():
            self._wake.wait(self.poll)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self.run_once()
            except Exception as exc:  # a round failing must not end the thread
                # (The type only: a message may quote a value.)
                log.warning("refreshing stored answers failed: %s", type(exc).__name__)


def run_jobs(analytics: Any, jobs: list[Any], hold: Callable[[], bool],
             stop: Callable[[], bool] = lambda: False,
             done: Callable[[int], None] = lambda n: None, *, keep_going: bool = True
             ) -> list[int]:
    """Compute and store ``jobs`` (:class:`mapper.analytics.apart.Job`) one at a time,
    while ``hold()`` says the lease is still held; the places of those computed, each told
    to ``done`` as soon as it is stored.

    One snapshot serves them all: under a stream of writes each answer read its own (every
    write moves the version), a whole-campaign read apiece.

    A job that fails is told to the log (its error's type) and the round goes on
    (``keep_going``; else it raises: a page waiting for its own answer): one answer failing
    each round (a campaign's graph tripping a bug) left every answer after it, of every later
    campaign, stale for good.
    """
    store = analytics.answers
    started = analytics.now()  # (the clock the snapshots are stamped by)
    computed: list[int] = []
    for n, job in enumerate(jobs):
        if stop():
            break
        options = options_of(job.options)
        try:
            if job.kept:
                # A list's kept answer (the ask queue's ranking): the store computes it.
                if not store.refresh_kept_answer(job.campaign, job.question, options):
                    continue
            else:
                analytics.refresh(DERIVED[job.question], campaign=job.campaign,
                                  snapshot_since=started, first=0, **options)
        except Exception as exc:  # (the type only: a message may quote a value)
            if not keep_going:
                raise
            log.warning("refreshing a stored answer (%s) failed: %s", job.question,
                        type(exc).__name__)
            continue
        computed.append(n)
        done(n)
        if not hold():  # the lease ran out meanwhile: another process goes on
            break
    return computed
