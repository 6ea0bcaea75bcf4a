"""Analytics over a store, computed once per store version: the dashboard's warm path."""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import inspect
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any, Protocol

import orjson

from mapper import clock
from mapper.analytics.clusters import anger_clusters, unit_issue_matrix
from mapper.analytics.follow_ups import follow_ups
from mapper.analytics.my_list import my_list
from mapper.analytics.overview import overview
from mapper.analytics.power import power_map, power_ranking, ranking_of
from mapper.analytics.readiness import ask_queue, ladder, took_action
from mapper.analytics.stored import (COLUMNS, DERIVED, KEYED, PAGE_SIZE, PAGED, PART, Answer,
                                     apart_question, columns_of, columns_question, derived,
                                     first_entries, from_pages, in_pages, index_question,
                                     lag_bound, options_key, page_question)
from mapper.analytics.structure import structure
from mapper.analytics.talk_next import organic_leaders, talk_next
from mapper.models import DEFAULT_CAMPAIGN
from mapper.snapshot import Snapshot, gc_paused

__all__ = ["Analytics", "FUNCTIONS", "SnapshotSource"]

#: The questions :class:`Analytics` answers by name.
FUNCTIONS: dict[str, Callable[..., Any]] = {f.__name__: f for f in (
    anger_clusters, unit_issue_matrix, power_map, power_ranking, ask_queue, ladder, talk_next,
    organic_leaders, follow_ups, structure, overview, my_list)}

#: The questions a store may answer from its read model (:mod:`mapper.readmodel`): the
#: store's method of that name, or a function ``f(store, campaign, **options)``; either
#: returns None when it cannot. (The power map's rankings are kept with each write, so they
#: show a write at once where the rest of the power map is a stored whole-graph answer.)
READ_MODEL: dict[Callable[..., Any], str | Callable[..., Any]] = {
    structure: "structure", follow_ups: "follow_ups", ask_queue: "ask_queue",
    overview: "overview", took_action: "took_action", my_list: "my_list", ladder: "ladder",
    power_ranking: "power_ranking"}

_SNAPSHOT = "__snapshot__"
log = logging.getLogger(__name__)

# The questions that need the whole graph: their answers are stored (mapper.analytics.stored).
for _f in (anger_clusters, unit_issue_matrix, power_map, talk_next, organic_leaders, ladder):
    derived(_f)

#: Stored answers that hold words of the stored records (ladder's actions): kept only from a
#: source whose words are the campaign's shared ones (``shared_words``), the view every
#: reader may see; never an answer read with everyone's words (the command line's).
STORED_TEXTS = frozenset({"ladder"})


_LOCK = type(threading.Lock())


#: How far ahead of this process's clock another's (a writer's, on another machine) may be
#: when it stamps when a write left an answer's version (:meth:`Analytics._stale_for`).
_SKEW = dt.timedelta(seconds=5)


def _give_back() -> None:
    """Hand the memory freed back to the system: glibc keeps a freed heap for reuse (after a
    refresher's round at a million people, 320 MB of it)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):  # pragma: no cover - not glibc
        pass


def _kept_answer(func: Callable[..., Any], kept: Callable[..., Any], campaign: str,
                 options: dict[str, Any]) -> Any:
    """The read model's answer to ``func(**options)``, or None where it keeps none."""
    if func is follow_ups:
        # Kept for the default thank-you delay, as of a given day.
        from mapper.readmodel import THANK_YOU_DAYS

        if options.get("today") is None or options.get("thank_you_days",
                                                       THANK_YOU_DAYS) != THANK_YOU_DAYS:
            return None
        words = options.get("words", True)
        options = {k: v for k, v in options.items() if k not in ("thank_you_days", "words")}
        if not words:  # no words read for it: the store's texts read none
            options["texts"] = None
    return kept(campaign, **options)


class SnapshotSource(Protocol):
    """What :class:`Analytics` needs from a store."""

    def version(self) -> Hashable: ...

    def snapshot(self, campaign: str) -> Snapshot: ...


def _holds(found: Answer, question: str, first: int | None) -> bool:
    """Whether ``found`` holds the first ``first`` entries of its list (every entry: None)."""
    if found.total is None:
        return True
    return first is not None and first <= len(found.value[PAGED[question]])


def _freeze(value: Any) -> Hashable:
    # Options are usually scalars and dates; a list or dict option still gets a stable key.
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_freeze(v) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items)
    return value


def _older(version: Hashable, than: Hashable) -> bool:
    """Whether store ``version`` comes before ``than`` (False where they do not compare)."""
    try:
        return bool(version < than)  # type: ignore[operator]
    except TypeError:
        return False


class Analytics:
    """Cache of snapshots and analytics results, keyed by store version and arguments.

    While the store's ``version()`` is unchanged, a repeated call returns the stored result
    without touching the snapshot. Results of the last ``keep_versions`` versions are kept
    (least recently used go first). Thread-safe: concurrent calls for the same result compute
    it once; different results compute in parallel. Results are shared between callers:
    treat them as read-only.

    Examples
    --------
    >>> from mapper.analytics.examples import example_snapshot
    >>> class Store:  # anything with version() and snapshot(campaign)
    ...     builds = 0
    ...     def version(self): return 1
    ...     def snapshot(self, campaign):
    ...         Store.builds += 1
    ...         return example_snapshot()
    >>> a = Analytics(Store(), campaign="st-lukes")
    >>> a.run("structure")["totals"]["headcount"], a.structure()["totals"]["headcount"]
    (7, 7)
    >>> Store.builds, a.stats["hits"], a.stats["misses"]
    (1, 1, 2)
    """

    def __init__(self, store: SnapshotSource, *, campaign: str = DEFAULT_CAMPAIGN,
                 keep_versions: int = 3, answers: Any = None, lag: float | None = None,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        if keep_versions < 1:
            raise ValueError("keep_versions must be at least 1")
        self.store = store
        self.campaign = campaign
        self.keep_versions = keep_versions
        #: Where whole-graph answers are kept (a :class:`~mapper.stores.base.Store`), or None.
        self.answers = answers
        #: Entries per stored page of a list kept in pages (:data:`~mapper.analytics.stored.PAGED`).
        self.page_size = PAGE_SIZE
        #: Seconds a stale stored answer may be served (:func:`mapper.analytics.stored.lag_bound`).
        self.lag = lag_bound() if lag is None else lag
        self.now = now or (lambda: clock.now())  # (looked up at each call: tests set it)
        #: Called when a stale answer was served (a :class:`~mapper.analytics.stored.Refresher`
        #: nudges its thread).
        self.on_stale: Callable[[], None] | None = None
        #: Seconds a stale stored answer may be served past :attr:`lag` while a background
        #: refresher is at work (:attr:`refreshing` says so): it computes that answer, so a
        #: page shows the one it has, with its age, rather than computing another beside it
        #: (:func:`mapper.analytics.stored.busy_lag_bound`). 0: never past :attr:`lag`.
        self.busy_lag = 0.0
        #: Whether a background refresher is running (:meth:`Refresher.running
        #: <mapper.analytics.stored.Refresher.running>`), or None (a command-line run).
        self.refreshing: Callable[[], bool] | None = None
        #: Where whole-graph answers are computed: a :class:`mapper.analytics.apart.Apart`
        #: (a child process, which stores them; a server's workers then never hold a
        #: campaign's snapshot), or None (here).
        self.apart: Any = None
        self._lock = threading.Lock()
        self._versions: OrderedDict[Hashable, dict[tuple, Any]] = OrderedDict()
        self._inflight: dict[tuple, threading.Lock] = {}
        # The stored answers read or computed here: (campaign, question, options) -> Answer.
        self._kept: dict[tuple[str, str, str], Answer] = {}
        # The index of a KEYED answer kept in pages: key -> (version, as_of, {entry key: place}).
        self._indexes: dict[tuple[str, str, str], tuple[Any, dt.datetime, dict[str, int]]] = {}
        # One refresh per answer, and one snapshot per campaign, built at a time: while the
        # store's version moves with every write, callers arriving meanwhile take the one
        # being built rather than each building their own (a team under load: seconds each).
        self._refreshing: dict[tuple[str, str, str], threading.Lock] = {}
        self._building: dict[str, threading.Lock] = {}
        self._latest: dict[str, tuple[Hashable, Snapshot, dt.datetime]] = {}
        #: What callers build from the answers served here, kept as long as this object is
        #: (the dashboard's Talk list, :func:`dashboard.tables.kept_talk_rows`), by their key.
        self.views: dict[Hashable, Any] = {}
        #: Called when :meth:`let_go_of_forgotten` let go of something: callers drop what
        #: they built from it (the dashboard's lists' filter choices).
        self.on_let_go: Callable[[], None] | None = None
        self.stats = {"hits": 0, "misses": 0}
        #: Whole-graph answers served from the store (``stale``: of them, stale by a write)
        #: and ``computed`` here.
        self.answered = {"stored": 0, "stale": 0, "computed": 0}

    # --- cache ------------------------------------------------------------------------------
    def _bucket(self, version: Hashable) -> dict[tuple, Any]:
        bucket = self._versions.get(version)
        if bucket is None:
            bucket = self._versions[version] = {}
            while len(self._versions) > self.keep_versions:
                self._versions.popitem(last=False)
        else:
            self._versions.move_to_end(version)
        return bucket

    def _cached(self, version: Hashable, key: tuple, compute: Callable[[], Any]) -> Any:
        with self._lock:
            bucket = self._bucket(version)
            if key in bucket:
                self.stats["hits"] += 1
                return bucket[key]
            gate = self._inflight.setdefault((version, key), threading.Lock())
        with gate:  # one computation per key; others wait for it
            with self._lock:
                bucket = self._bucket(version)
                if key in bucket:
                    self.stats["hits"] += 1
                    return bucket[key]
                self.stats["misses"] += 1
            try:
                with gc_paused():  # answers allocate many objects that all stay alive
                    value = compute()
                with self._lock:
                    self._bucket(version)[key] = value
                    superseded = self._superseded(version, key)
                del superseded  # (freed outside the lock)
            finally:
                with self._lock:
                    self._inflight.pop((version, key), None)
        return value

    def _superseded(self, version: Hashable, key: tuple) -> list[Any]:
        """``key``'s results of versions older than ``version``, taken out (under the lock):
        a caller reads the store's version first, so only one already under way asks for an
        older one (and computes it again). A worker held each list of its last three
        versions: at a million people, under writes, 3.9 GB (the Ready and Talk lists, a
        snapshot, three times over)."""
        out = []
        for other, held in self._versions.items():
            if key in held and _older(other, version):
                out.append(held.pop(key))
        return out

    def versions(self) -> list[Hashable]:
        """The store versions currently cached, least recently used first."""
        with self._lock:
            return list(self._versions)

    def clear(self) -> None:
        """Forget everything cached."""
        with self._lock:
            self._versions.clear()
            self._latest.clear()

    def release(self) -> None:
        """Forget the snapshots read and the whole-graph answers computed here (those are
        kept in the store): a refresher's round at a million people left its snapshot and
        answers in the process until the next one, 2.4 GB."""
        derived = {f"{f.__module__}.{f.__qualname__}" for f in DERIVED.values()}
        with self._lock:
            dropped: list[Any] = list(self._latest.values())
            self._latest.clear()
            for bucket in self._versions.values():
                for key in [k for k in bucket if k[0] == _SNAPSHOT or k[0] in derived]:
                    dropped.append(bucket.pop(key))
        # (Freed here, outside the lock pages take; no full collection, which would hold the
        # interpreter over every object a worker keeps.)
        del dropped
        _give_back()

    def let_go_of_forgotten(self) -> bool:
        """Let go of what this process holds of a campaign from before its stored answers were
        last dropped (a forget, a reset: :meth:`~mapper.stores.base.Store.answers_dropped_at`):
        snapshots, answers, their pages' indexes and what callers built from them
        (:attr:`views`, told by :attr:`on_let_go`). None of it is served again (each is of an
        older version), but a worker held her rows and words until three newer versions
        were read, in a quiet hour, hours. Whether anything was let go of."""
        dropped_at = getattr(self.answers, "answers_dropped_at", None)
        if dropped_at is None:
            return False
        # (The store's own: the kept rankings a page of the Ready list read through it.)
        rankings = getattr(self.answers, "let_go_of_forgotten", lambda: False)()
        with self._lock:
            held = {k[0] for k in self._kept} | set(self._latest)
        marks = {c: m for c in held if (m := dropped_at(c)) is not None}
        if not marks:
            return rankings
        gone: list[Any] = []
        with self._lock:
            for key in [k for k, a in self._kept.items() if k[0] in marks
                        and a.version < marks[k[0]]]:
                gone.append(self._kept.pop(key))
            for key in [k for k, i in self._indexes.items() if k[0] in marks
                        and i[0] < marks[k[0]]]:
                gone.append(self._indexes.pop(key))
            for c in [c for c, latest in self._latest.items() if c in marks
                      and latest[0] < marks[c]]:
                gone.append(self._latest.pop(c))
            oldest = min(marks.values())
            for version in [v for v in self._versions if v < oldest]:
                gone.append(self._versions.pop(version))
            if gone:
                for key in [k for k, v in self.views.items() if isinstance(k, tuple)
                            and len(k) == 2 and k[1] in marks and not isinstance(v, _LOCK)]:
                    gone.append(self.views.pop(key))
        if not gone:
            return rankings
        del gone
        if self.on_let_go is not None:
            self.on_let_go()
        _give_back()
        return True

    # --- reads ------------------------------------------------------------------------------
    def _snapshot(self, version: Hashable, campaign: str) -> tuple[Hashable, Snapshot]:
        """The snapshot for ``version`` (read just before), and the version it was read at.

        A write may land between reading the version and reading the snapshot: the snapshot
        is then newer than ``version``, and is kept under the version it says it was read at
        (a store reads both in one transaction) — never under the older one.
        """
        key = (_SNAPSHOT, campaign)
        snap = self._cached(version, key, lambda: self.store.snapshot(campaign))
        read_at = getattr(snap, "version", None)
        if read_at is None or read_at == version:
            return version, snap
        with self._lock:  # (one concurrent caller may have moved it already)
            older = self._versions.get(version)
            if older is not None:
                older.pop(key, None)
                if not older:
                    del self._versions[version]
            self._bucket(read_at).setdefault(key, snap)
        return read_at, snap

    def snapshot(self, campaign: str | None = None) -> Snapshot:
        """The campaign's snapshot, built once per store version."""
        return self._snapshot(self.store.version(), campaign or self.campaign)[1]

    # --- stored answers (mapper.analytics.stored) -------------------------------------------
    def stores(self, function: str | Callable[..., Any]) -> bool:
        """Whether answers to ``function`` are kept in the store here."""
        func = self._func(function)
        name = getattr(func, "__name__", None)
        return (self.answers is not None and DERIVED.get(name) is func
                and (name not in STORED_TEXTS or getattr(self.store, "shared_words", False)))

    def _func(self, function: str | Callable[..., Any]) -> Callable[..., Any]:
        if isinstance(function, str):
            return FUNCTIONS.get(function) or DERIVED[function]
        return function

    def answer(self, function: str | Callable[..., Any], /, *, campaign: str | None = None,
               fresh: bool = False, first: int | None = None, raw: bool = False,
               current_only: tuple[str, ...] = (), **options: Any) -> Answer:
        """:meth:`run`, with the store version the answer was computed from and when.

        A whole-graph question (:data:`~mapper.analytics.stored.DERIVED`) is answered from its
        stored answer when that is for the current version, or stale by a write made less
        than :attr:`bound` seconds ago (then :attr:`on_stale` is told); else (older, none stored,
        or ``fresh``) it is computed now and stored. Any other question is computed as
        :meth:`run` does, as of now.

        With ``first``, only the first ``first`` entries of a list kept in pages
        (:data:`~mapper.analytics.stored.PAGED`) are needed: a stored answer is read up to
        them (its list may then hold no more, :attr:`Answer.total` saying how many it has).

        With ``raw`` and no ``first`` (an export), a list read from the store's pages comes as the
        JSON text they keep (an ``orjson.Fragment``, written out unparsed: parsing the power
        map's 37 MB of pages took 0.7 s of `mapper power --json` at a million people); such
        an answer is not remembered here.

        ``current_only``: fields (:data:`~mapper.analytics.stored.APART`) wanted only from an
        answer of the store's current version; of an older kept one they are not read, and are
        None (the caller reads them as of now elsewhere: power's issues, from the rankings
        kept with each write). Such an answer is not remembered either.
        """
        func = self._func(function)
        campaign = campaign or self.campaign
        if not self.stores(func):
            version = self.store.version()
            return Answer(self.run(func, campaign=campaign, **options), version, self.now())
        key = self._stored_key(func, campaign, options)
        version = self.store.version()
        kept = self._kept.get(key)
        if kept is not None and not _holds(kept, func.__name__, first):
            kept = None  # (its first page only: the rest is read from the store)
        if not fresh and kept is not None and kept.version == version:
            self.answered["stored"] += 1
            return replace(kept, current_to=self.now())
        if not fresh:
            stamp = self._stamp(key)
            if stamp is not None and (stamp.version == version
                                      or self._stale_for(stamp) <= self.bound()):
                unread = kept is None or (kept.version, kept.as_of) != (stamp.version,
                                                                         stamp.computed_at)
                left_out = current_only if stamp.version != version else ()
                if unread and ((raw and first is None) or left_out):
                    # (Not remembered: its list is text, or it lacks fields.)
                    kept = self._stored(key, first, raw=raw and first is None,
                                        left_out=left_out)
                elif unread:
                    # (Its pages read whole: remembered for the next caller, who may want more.)
                    kept = self._stored(key, first, cut=False)
                    if kept is not None:
                        self._remember(key, kept)
                        kept = first_entries(kept, func.__name__, first)
                if kept is not None:
                    self.answered["stored"] += 1
                    if kept.version == version:
                        return replace(kept, current_to=self.now())
                    self.answered["stale"] += 1
                    if self.on_stale is not None:
                        self.on_stale()
                    return replace(kept, current_to=self._stale_since(stamp))
            return self._refresh_once(func, key, campaign, options, first)
        return self.refresh(func, campaign=campaign, first=first, **options)

    def _stored(self, key: tuple[str, str, str], first: int | None = None, *, cut: bool = True,
                raw: bool = False, left_out: tuple[str, ...] = ()) -> Answer | None:
        """The answer stored under ``key`` (campaign, question, options), or None: one kept in
        pages read whole, or with ``first`` up to its first ``first`` entries (:meth:`answer`;
        not ``cut``: every entry of the pages read for them; ``raw``: read whole, its list and
        its fields kept apart the JSON text they are kept in), its fields kept apart
        (:data:`~mapper.analytics.stored.APART`) read but those ``left_out`` (None);
        its pages served only when they are all of its head's keep (kept anew between the
        reads: read again; three times: None, it is computed)."""
        campaign, question, options = key
        found = self.answers.get_answer(*key)
        for _ in range(3):
            if found is None:
                return None
            pages, total = from_pages(found.result, first)
            if total is None:  # kept whole
                return Answer(found.result, found.version, found.computed_at)
            apart = [f for f in found.result["paged"].get("apart", ()) if f not in left_out]
            parts: list = []
            wanted = ([(page_question(question, i), options) for i in pages]
                      + [(apart_question(question, f), options) for f in apart])
            if wanted:
                got = (self.answers.get_answers(campaign, wanted, raw=True) if raw
                       else self.answers.get_answers(campaign, wanted))
                parts = [got.get(k) for k in wanted]
                if any(p is None or (p.version, p.computed_at) != (found.version,
                                                                   found.computed_at)
                       for p in parts):
                    found = self.answers.get_answer(*key)  # kept anew, or dropped, since
                    continue
            value = dict(found.result)
            paged = value.pop("paged")
            field = paged["field"]
            for f, part in zip(apart, parts[len(pages):]):  # (in its place: None in the head)
                value[f] = orjson.Fragment(part.result) if raw else part.result
            parts = parts[:len(pages)]
            if raw:  # (each page a JSON list: their entries joined into one, unparsed)
                texts = [orjson.dumps(value[field]), *(p.result for p in parts)]
                value[field] = orjson.Fragment(
                    b"[" + b",".join(t[1:-1] for t in texts if t[1:-1].strip()) + b"]")
                return Answer(value, found.version, found.computed_at)
            items = value[field] = [*value[field], *(e for p in parts for e in p.result)]
            return first_entries(Answer(value, found.version, found.computed_at,
                                        total if len(items) < total else None, paged["size"]),
                                 question, first if cut else None)
        return None

    def entries(self, function: str | Callable[..., Any], keys: Any, /, *,
                campaign: str | None = None, **options: Any) -> tuple[Answer, dict[str, Any]]:
        """The answer as :meth:`answer` serves it with its first page, and the entries of its
        :data:`~mapper.analytics.stored.KEYED` list whose keys are in ``keys`` (those it
        holds, in the list's order), read from the pages holding them: a decision maker
        clicked on the power map is one page of a thousand, not the list (at a million
        people, 35 MB)."""
        func = self._func(function)
        question, wanted = func.__name__, set(keys)
        by = KEYED[question]

        def pick(entries: list[Any]) -> dict[str, Any]:
            return {e[by]: e for e in entries if e[by] in wanted}

        for _ in range(3):
            found = self._to_page_end(func, campaign, options, self.answer(
                func, campaign=campaign, first=self.page_size, **options))
            head = found.value[PAGED[question]]
            if found.total is None or not wanted - {e[by] for e in head}:
                return found, pick(head)
            key = self._stored_key(func, campaign or self.campaign, options)
            index = self._index(key, found) if found.size else None
            if index is None:  # kept anew meanwhile, or by code older than the index
                continue
            # (Those not in the head are on pages from the one it ends in.)
            pages = sorted({index[k] // found.size for k in wanted
                            if k in index and index[k] >= len(head)})
            parts = self._parts(key, found, [page_question(question, i) for i in pages if i])
            if parts is not None:
                return found, pick([*head, *(e for p in parts for e in p)])
        return self._whole(func, campaign, options, lambda e: e[by] in wanted, None)

    def matching(self, function: str | Callable[..., Any], where: Callable[[Any], bool],
                 first: int, /, *, campaign: str | None = None, **options: Any
                 ) -> tuple[Answer, list[Any]]:
        """The answer as :meth:`answer` serves it with its first page, and the first ``first``
        entries of its :data:`~mapper.analytics.stored.PAGED` list for which ``where`` holds,
        in the list's order: its pages are read in turn until they are found (a long list's
        first matches are near its head)."""
        func = self._func(function)
        question = func.__name__
        for _ in range(3):
            found = self.answer(func, campaign=campaign, first=self.page_size, **options)
            found = self._to_page_end(func, campaign, options, found)
            head = found.value[PAGED[question]]
            taken = [e for e in head if where(e)][:first]
            if found.total is None or not found.size:
                return found, taken
            key = self._stored_key(func, campaign or self.campaign, options)
            pages = list(range(len(head) // found.size, -(-found.total // found.size)))
            for at in range(0, len(pages), 4):  # (a few pages a read)
                if len(taken) >= first:
                    break
                parts = self._parts(key, found, [page_question(question, i)
                                                 for i in pages[at:at + 4]])
                if parts is None:
                    break  # kept anew meanwhile: from its new head
                taken += [e for p in parts for e in p if where(e)][:first - len(taken)]
            else:
                return found, taken
            if len(taken) >= first:
                return found, taken
        return self._whole(func, campaign, options, where, first)

    def columns(self, function: str | Callable[..., Any], /, *, campaign: str | None = None,
                **options: Any) -> tuple[Answer, dict[str, list[Any]]]:
        """The answer as :meth:`answer` serves its head, and the
        :data:`~mapper.analytics.stored.COLUMNS` of every entry of its list (by field, in the
        list's order), read from the part kept beside its pages: a page filters, sorts and
        counts a long list on those, and reads the rest of the rows it draws (:meth:`at`)."""
        func = self._func(function)
        question = func.__name__

        def at_hand(found: Answer) -> tuple[Answer, dict[str, list[Any]]]:
            # (Kept whole, or computed here: the list is at hand. Kept in pages, its head is
            # handed out with its first page only, as one read from the store is; whole when
            # its keep failed, for the rows drawn are then read from it.)
            items = found.value[PAGED[question]]
            columns = columns_of(items, COLUMNS[question])
            if found.size and len(items) > found.size:
                stamp = self._stamp(self._stored_key(func, campaign or self.campaign, options))
                if stamp is not None and (stamp.version, stamp.computed_at) == (found.version,
                                                                                found.as_of):
                    found = first_entries(found, question, found.size)
                else:
                    found = replace(found, size=None)
            return found, columns

        for _ in range(3):
            found = self.answer(func, campaign=campaign, first=0, **options)
            if found.total is None:
                return at_hand(found)
            key = self._stored_key(func, campaign or self.campaign, options)
            parts = self._parts(key, found, [columns_question(question)])
            if parts is not None:
                return found, parts[0]
        # Kept anew while read, three times, or by code older than the columns: read whole.
        return at_hand(self.answer(func, campaign=campaign, **options))

    def at(self, function: str | Callable[..., Any], found: Answer, places: Any, /, *,
           campaign: str | None = None, **options: Any) -> dict[int, Any] | None:
        """The entries at ``places`` (from 0) of the :data:`~mapper.analytics.stored.PAGED`
        list of ``found`` (an answer :meth:`answer` served), by place, read from the pages
        holding them; None when the answer was kept anew since (its places may have moved)."""
        func = self._func(function)
        question = func.__name__
        held = found.value[PAGED[question]]
        wanted = {p for p in places if 0 <= p < (len(held) if found.total is None
                                                 else found.total)}
        if found.total is None or not found.size:
            return {p: held[p] for p in wanted}
        got = {p: held[p] for p in wanted if p < len(held)}
        pages = sorted({p // found.size for p in wanted if p >= len(held)})
        key = self._stored_key(func, campaign or self.campaign, options)
        if pages and pages[0] == 0:  # (its first page, kept in the head)
            head = self._stored(key, found.size, cut=False)
            if head is None or (head.version, head.as_of) != (found.version, found.as_of):
                self._outdated(key, found)
                return None
            first = head.value[PAGED[question]]
            got.update((p, first[p]) for p in wanted if p < len(first))
            pages = pages[1:]
        parts = self._parts(key, found, [page_question(question, i) for i in pages])
        if parts is None:
            return None
        for i, part in zip(pages, parts):
            got.update((p, part[p - i * found.size]) for p in wanted
                       if p // found.size == i and p - i * found.size < len(part))
        return got

    def _to_page_end(self, func: Callable[..., Any], campaign: str | None,
                     options: dict[str, Any], found: Answer) -> Answer:
        """``found``, or when its list ends inside a kept page (kept in pages of another
        size than this process's), read again to that page's end: the rest are whole pages."""
        held = len(found.value[PAGED[func.__name__]])
        if found.total is None or not found.size or held % found.size == 0:
            return found
        return self.answer(func, campaign=campaign, first=-(-held // found.size) * found.size,
                           **options)

    def _parts(self, key: tuple[str, str, str], found: Answer, questions: list[str]
               ) -> list[Any] | None:
        """The kept parts ``questions`` of the answer ``found`` is the head of, or None when
        one is missing or of another keep (kept anew since: never served mixed)."""
        if not questions:
            return []
        wanted = [(q, key[2]) for q in questions]
        got = self.answers.get_answers(key[0], wanted)
        parts = [got.get(k) for k in wanted]
        if any(p is None or (p.version, p.computed_at) != (found.version, found.as_of)
               for p in parts):
            self._outdated(key, found)
            return None
        return [p.result for p in parts]

    def _outdated(self, key: tuple[str, str, str], found: Answer) -> None:
        """The answer ``found`` is the head of was kept anew (by another process, perhaps at
        the same store version): not served from memory again, its head read anew."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and (kept.version, kept.as_of) == (found.version, found.as_of):
                del self._kept[key]

    def _index(self, key: tuple[str, str, str], found: Answer) -> dict[str, int] | None:
        """The index of the answer ``found`` is the head of (kept beside it; remembered here),
        or None (kept by code older than the index, or kept anew since)."""
        with self._lock:
            known = self._indexes.get(key)
        if known is not None and known[:2] == (found.version, found.as_of):
            return known[2]
        parts = self._parts(key, found, [index_question(key[1])])
        if parts is None:
            return None
        with self._lock:
            self._indexes[key] = (found.version, found.as_of, parts[0])
        return parts[0]

    def _whole(self, func: Callable[..., Any], campaign: str | None, options: dict[str, Any],
               where: Callable[[Any], bool], first: int | None) -> tuple[Answer, Any]:
        """:meth:`entries` and :meth:`matching` from the whole answer, read at once (one
        kept anew while its pages were read, three times; or kept without an index)."""
        found = self.answer(func, campaign=campaign, **options)
        taken = [e for e in found.value[PAGED[func.__name__]] if where(e)]
        if first is not None:
            return found, taken[:first]
        return found, {e[KEYED[func.__name__]]: e for e in taken}

    def _keep(self, answer: "StoredAnswer") -> None:
        """Store a computed answer (:meth:`refresh`): a :data:`~mapper.analytics.stored.PAGED`
        one in pages, all in one transaction, the pages it has no more dropped with them."""
        from mapper.stores.base import StoredAnswer

        if answer.question not in PAGED:
            self.answers.put_answer(answer)
            return
        head, pages = in_pages(answer.question, answer.result, self.page_size)
        kept = [replace(answer, result=head)] + [
            StoredAnswer(answer.campaign, q, answer.options, answer.version, answer.computed_at,
                         page) for q, page in pages]
        names = {a.question for a in kept}
        drop = [(a.question, a.options) for a in self.answers.answer_stamps(answer.campaign)
                if a.options == answer.options and a.question not in names
                and a.question.startswith(answer.question + PART)]
        self.answers.put_answers(kept, drop)

    def _stale_for(self, stamp: Any) -> float:
        """Seconds the stored answer of this stamp has been stale: since the write that made
        it so, where the store knows when (:meth:`~mapper.stores.base.Store.stale_since`),
        else since it was computed (no less). Counted from its computation alone, answers
        current but unwritten for a quiet quarter hour were all "15 minutes stale" at the
        next write: at a million people every page of a team's server then computed the
        whole graph at once, and none was served."""
        now = self.now()
        age = (now - stamp.computed_at).total_seconds()
        if age <= self.bound():
            return age
        since = self._stale_since(stamp)
        return age if since is None else (now - since).total_seconds()

    def _stale_since(self, stamp: Any) -> dt.datetime | None:
        """When the write that made the stored answer of this stamp stale landed, where the
        store knows (:meth:`~mapper.stores.base.Store.stale_since`) and by a clock that
        agrees (a writer's a little ahead: now), else None."""
        stale_since = getattr(self.answers, "stale_since", None)
        since = None if stale_since is None else stale_since(stamp.version)
        now = self.now()
        if since is None or not stamp.computed_at <= since <= now + _SKEW:
            return None  # (not known, or by another clock: counted from its computation)
        return min(since, now)

    def bound(self) -> float:
        """How old a stale stored answer may be served: :attr:`lag`, or :attr:`busy_lag` while
        a refresher is at work."""
        if self.busy_lag > self.lag and self.refreshing is not None and self.refreshing():
            return self.busy_lag
        return self.lag

    def _joined(self, gates: dict, results: dict, key: Hashable,
                compute: Callable[[], Any]) -> tuple[Any, bool]:
        """``compute()``, one caller per ``key`` at a time; a caller who waited while another
        put a new ``results[key]`` takes that one instead. Returns it and whether it was taken."""
        with self._lock:
            gate = gates.setdefault(key, threading.Lock())
            before = results.get(key)
        with gate:
            after = results.get(key)
            if after is not None and after is not before:
                return after, True
            return compute(), False

    def _refresh_once(self, func: Callable[..., Any], key: tuple[str, str, str], campaign: str,
                      options: dict[str, Any], first: int | None = None) -> Answer:
        """:meth:`refresh`, unless another caller refreshed this answer while we waited."""
        def compute() -> Answer:
            return self.refresh(func, campaign=campaign, first=first, **options)

        found, taken = self._joined(self._refreshing, self._kept, key, compute)
        if taken and self._dropped_since(campaign, found.version):
            # Computed by another caller from a read before a forget: it may name the person.
            found, taken = compute(), False
        if taken and not _holds(found, func.__name__, first):
            # (Its first page only, as remembered: the rest from the store, as just kept; when
            # that keep failed the store still holds an older one, past the bound: computed.)
            stored = self._stored(key, first)
            found, taken = ((stored, True) if stored is not None and stored.as_of >= found.as_of
                            else (compute(), False))
        if taken:
            self.answered["stored"] += 1
        return found

    def _dropped_since(self, campaign: str, version: Hashable) -> bool:
        """Whether a forget or a reset dropped the campaign's stored answers after a read at
        ``version`` (:meth:`mapper.stores.base.Store.answers_dropped_at`)."""
        dropped_at = getattr(self.answers, "answers_dropped_at", None)
        mark = dropped_at(campaign) if dropped_at is not None else None
        return mark is not None and version < mark

    def _fresh_snapshot(self, campaign: str, since: dt.datetime | None = None
                        ) -> tuple[Hashable, Snapshot, dt.datetime]:
        """The campaign's snapshot as of now, and the version and time it was read at; one
        built by another caller while this one waited is taken as it is, and so is one read
        at or after ``since`` (a refresher's round: one snapshot for all its answers)."""
        if since is not None:
            with self._lock:
                latest = self._latest.get(campaign)
            if latest is not None and latest[2] >= since and not self._dropped_since(
                    campaign, latest[0]):
                return latest

        def build() -> tuple[Hashable, Snapshot, dt.datetime]:
            at = self.now()  # before the version is read: the answer is no older than this
            read_at, snap = self._snapshot(self.store.version(), campaign)
            with self._lock:
                self._latest[campaign] = found = (read_at, snap, at)
            return found

        found = self._joined(self._building, self._latest, campaign, build)[0]
        if self._dropped_since(campaign, found[0]):
            # Another caller's, read before a forget (waiting for it, this one came after).
            found = build()
        return found

    def refresh(self, function: str | Callable[..., Any], /, *, campaign: str | None = None,
                snapshot_since: dt.datetime | None = None, first: int | None = None,
                **options: Any) -> Answer:
        """Compute a whole-graph answer now, from the store as it is, and store it; with
        ``snapshot_since``, from a snapshot read at or after that time if one is at hand.

        With :attr:`apart`, a child process computes and stores it, and it is read back (with
        ``first``, as :meth:`answer` reads it); here when the child fails."""
        func = self._func(function)
        campaign = campaign or self.campaign
        if self.apart is not None and self.stores(func):
            found = self._refresh_apart(func, campaign, options, first)
            if found is not None:
                return found
        key = self._key(func, campaign, options)
        value = None
        kept = self._read_model(func)
        if kept is not None:
            # From the read model the store keeps, when it can answer (the ladder): as of
            # the version read first, the rows read since being no older.
            at = self.now()
            read_at = self.store.version()
            with gc_paused():
                value = _kept_answer(func, kept, campaign, options)
        if value is None:
            read_at, snap, at = self._fresh_snapshot(campaign, snapshot_since)
            value = self._cached(read_at, key, lambda: func(snap, **options))
        # (Kept in pages of this process's size, when its list is: see _keep.)
        found = Answer(value, read_at, at,
                       size=self.page_size if func.__name__ in PAGED else None)
        self.answered["computed"] += 1
        if self.stores(func):
            from mapper.stores.base import StoredAnswer

            key = self._stored_key(func, campaign, options)
            try:
                self._keep(StoredAnswer(*key, read_at, at, value))
            except Exception as exc:  # a cache: the answer is served all the same
                # (The type only: a message may quote a value.)
                log.warning("storing an answer failed: %s", type(exc).__name__)
            self._remember(key, found)
        return found

    def _refresh_apart(self, func: Callable[..., Any], campaign: str, options: dict[str, Any],
                       first: int | None) -> Answer | None:
        """:meth:`refresh` in :attr:`apart`'s child process, the answer read back from the
        store; None when the child failed or its answer is gone already (a forget)."""
        from mapper.analytics.apart import Job

        key = self._stored_key(func, campaign, options)
        # (The answer kept before: one the child kept is newer, from whatever snapshot it read.)
        stamp = self._stamp(key)
        prior = None if stamp is None else (stamp.version, stamp.computed_at)
        try:
            computed = self.apart.run([Job(*key)])
        except Exception as exc:  # computed here instead (the type only: no value is quoted)
            log.warning("computing an answer apart failed (%s): computing it here",
                        type(exc).__name__)
            return None
        found = self._stored(key, first, cut=False)
        if not computed or found is None or (
                prior is not None and (found.version, found.as_of) <= prior):
            # (Not stored: the child stopped first, or its keep failed; not the older one.)
            log.warning("an answer computed apart was not kept: computing it here")
            return None
        self.answered["computed"] += 1
        self._remember(key, found)
        return first_entries(found, func.__name__, first)

    def _remember(self, key: tuple[str, str, str], found: Answer) -> None:
        """Keep a stored answer in memory for the next caller: whole, or when its list is kept
        in pages (:data:`~mapper.analytics.stored.PAGED`), its first page only (at a million
        people the whole is gigabytes in each process)."""
        question = key[1]
        if question in PAGED:
            found = first_entries(found, question, self.page_size)
        elif found.total is not None:
            return  # (read in part)
        with self._lock:
            self._kept[key] = found

    def _stored_key(self, func: Callable[..., Any], campaign: str, options: dict[str, Any]
                    ) -> tuple[str, str, str]:
        """What a stored answer is kept under: its campaign, question and options' text."""
        return campaign, func.__name__, options_key(self._options(func, options))

    def _stamp(self, key: tuple[str, str, str]) -> Any:
        """The stamp (version, time) of the answer stored under ``key``, or None."""
        return next((a for a in self.answers.answer_stamps(key[0])
                     if (a.question, a.options) == key[1:]), None)

    @staticmethod
    def _options(func: Callable[..., Any], options: dict[str, Any]) -> dict[str, Any]:
        """The options with defaults filled in, so f() and f(limit=None) are one answer."""
        bound = inspect.signature(func).bind(None, **options)
        bound.apply_defaults()
        return dict(list(bound.arguments.items())[1:])

    def _key(self, func: Callable[..., Any], campaign: str, options: dict[str, Any]) -> tuple:
        args = tuple((k, _freeze(v)) for k, v in self._options(func, options).items())
        return (f"{func.__module__}.{func.__qualname__}", campaign, args)

    # --- answers ----------------------------------------------------------------------------
    def run(self, function: str | Callable[..., Any], /, *, campaign: str | None = None,
            **options: Any) -> Any:
        """Answer a question (a :data:`FUNCTIONS` name, or any ``f(snapshot, **options)``);
        a whole-graph question as :meth:`answer` does."""
        func = self._func(function)
        campaign = campaign or self.campaign
        if self.stores(func):
            return self.answer(func, campaign=campaign, **options).value
        # Bind defaults, so f() and f(limit=None) share one cache entry.
        key = self._key(func, campaign, options)
        version = self.store.version()
        with self._lock:
            bucket = self._versions.get(version)
            if bucket is not None and key in bucket:
                self._versions.move_to_end(version)
                self.stats["hits"] += 1
                return bucket[key]
        kept = self._read_model(func)
        if kept is not None:
            # Answered from the read model the store keeps (no snapshot built), else as below.
            def answer() -> Any:
                found = _kept_answer(func, kept, campaign, options)
                if found is None and func is power_ranking:
                    # (Its read model rebuilt: the kept power map holds the same counts.)
                    whole = self.answer(power_map, campaign=campaign, first=1,
                                        min_anger=options.get("min_anger", 3)).value
                    return ranking_of(whole, options.get("first"))
                return found if found is not None else func(
                    self._snapshot(version, campaign)[1], **options)
            return self._cached(version, key, answer)
        # The answer is kept under the version of the snapshot it was computed from.
        read_at, snap = self._snapshot(version, campaign)
        return self._cached(read_at, key, lambda: func(snap, **options))

    def holds(self, function: str | Callable[..., Any], /, *, campaign: str | None = None,
              **options: Any) -> bool:
        """Whether :meth:`run` would answer a question read from the read model (not a
        whole-graph one) from what this process holds for the store's version."""
        func = self._func(function)
        key = self._key(func, campaign or self.campaign, options)
        version = self.store.version()
        with self._lock:
            bucket = self._versions.get(version)
            return bucket is not None and key in bucket

    def _read_model(self, func: Callable[..., Any]) -> Callable[..., Any] | None:
        """How the store answers ``func`` from its read model (:data:`READ_MODEL`), if it does."""
        kept = READ_MODEL.get(func)
        if callable(kept):
            return functools.partial(kept, self.store)
        return None if kept is None else getattr(self.store, kept, None)

    def anger_clusters(self, **options: Any) -> dict[str, Any]:
        return self.run(anger_clusters, **options)

    def unit_issue_matrix(self, **options: Any) -> dict[str, Any]:
        return self.run(unit_issue_matrix, **options)

    def power_map(self, **options: Any) -> dict[str, Any]:
        return self.run(power_map, **options)

    def power_ranking(self, **options: Any) -> dict[str, Any]:
        return self.run(power_ranking, **options)

    def ask_queue(self, **options: Any) -> list[dict[str, Any]]:
        return self.run(ask_queue, **options)

    def ladder(self, **options: Any) -> list[dict[str, Any]]:
        return self.run(ladder, **options)

    def talk_next(self, **options: Any) -> dict[str, Any]:
        return self.run(talk_next, **options)

    def organic_leaders(self, **options: Any) -> list[dict[str, Any]]:
        return self.run(organic_leaders, **options)

    def follow_ups(self, **options: Any) -> dict[str, Any]:
        return self.run(follow_ups, **options)

    def my_list(self, **options: Any) -> dict[str, Any]:
        return self.run(my_list, **options)

    def structure(self, **options: Any) -> dict[str, Any]:
        return self.run(structure, **options)

    def overview(self, **options: Any) -> dict[str, Any]:
        return self.run(overview, **options)
