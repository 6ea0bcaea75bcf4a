"""Analytics over a store, computed once per store version: the dashboard's warm path."""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Protocol

from mapper.analytics.clusters import anger_clusters, unit_issue_matrix
from mapper.analytics.follow_ups import follow_ups
from mapper.analytics.my_list import my_list
from mapper.analytics.overview import overview
from mapper.analytics.power import power_map
from mapper.analytics.readiness import ask_queue, ladder, took_action
from mapper.analytics.structure import structure
from mapper.analytics.talk_next import organic_leaders, talk_next
from mapper.models import DEFAULT_CAMPAIGN
from mapper.snapshot import Snapshot, gc_paused

__all__ = ["Analytics", "FUNCTIONS", "SnapshotSource"]

#: The questions :class:`Analytics` answers by name.
FUNCTIONS: dict[str, Callable[..., Any]] = {f.__name__: f for f in (
    anger_clusters, unit_issue_matrix, power_map, ask_queue, ladder, talk_next,
    organic_leaders, follow_ups, structure, overview, my_list)}

#: The questions a store may answer from its read model (:mod:`mapper.readmodel`): the
#: store's method of that name, or a function ``f(store, campaign, **options)``; either
#: returns None when it cannot.
READ_MODEL: dict[Callable[..., Any], str | Callable[..., Any]] = {
    structure: "structure", follow_ups: "follow_ups", ask_queue: "ask_queue",
    overview: "overview", took_action: "took_action", my_list: "my_list"}

_SNAPSHOT = "__snapshot__"


def _kept_answer(func: Callable[..., Any], kept: Callable[..., Any], campaign: str,
                 options: dict[str, Any]) -> Any:
    """The read model's answer to ``func(**options)``, or None where it keeps none."""
    if func is follow_ups:
        # Kept for the default thank-you delay, as of a given day.
        from mapper.readmodel import THANK_YOU_DAYS

        if options.get("today") is None or options.get("thank_you_days",
                                                       THANK_YOU_DAYS) != THANK_YOU_DAYS:
            return None
        options = {k: v for k, v in options.items() if k != "thank_you_days"}
    return kept(campaign, **options)


class SnapshotSource(Protocol):
    """What :class:`Analytics` needs from a store."""

    def version(self) -> Hashable: ...

    def snapshot(self, campaign: str) -> Snapshot: ...


def _freeze(value: Any) -> Hashable:
    # Options are usually scalars and dates; a list or dict option still gets a stable key.
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_freeze(v) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items)
    return value


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
                 keep_versions: int = 3) -> None:
        if keep_versions < 1:
            raise ValueError("keep_versions must be at least 1")
        self.store = store
        self.campaign = campaign
        self.keep_versions = keep_versions
        self._lock = threading.Lock()
        self._versions: OrderedDict[Hashable, dict[tuple, Any]] = OrderedDict()
        self._inflight: dict[tuple, threading.Lock] = {}
        self.stats = {"hits": 0, "misses": 0}

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
            finally:
                with self._lock:
                    self._inflight.pop((version, key), None)
        return value

    def versions(self) -> list[Hashable]:
        """The store versions currently cached, least recently used first."""
        with self._lock:
            return list(self._versions)

    def clear(self) -> None:
        """Forget everything cached."""
        with self._lock:
            self._versions.clear()

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

    def run(self, function: str | Callable[..., Any], /, *, campaign: str | None = None,
            **options: Any) -> Any:
        """Answer a question (a :data:`FUNCTIONS` name, or any ``f(snapshot, **options)``)."""
        func = FUNCTIONS[function] if isinstance(function, str) else function
        campaign = campaign or self.campaign
        # Bind defaults, so f() and f(limit=None) share one cache entry.
        bound = inspect.signature(func).bind(None, **options)
        bound.apply_defaults()
        args = tuple((k, _freeze(v)) for k, v in list(bound.arguments.items())[1:])
        name = f"{func.__module__}.{func.__qualname__}"
        key = (name, campaign, args)
        version = self.store.version()
        with self._lock:
            bucket = self._versions.get(version)
            if bucket is not None and key in bucket:
                self._versions.move_to_end(version)
                self.stats["hits"] += 1
                return bucket[key]
        kept = READ_MODEL.get(func)
        if callable(kept):
            kept = functools.partial(kept, self.store)
        elif kept is not None:
            kept = getattr(self.store, kept, None)
        if kept is not None:
            # Answered from the read model the store keeps (no snapshot built), else as below.
            def answer() -> Any:
                found = _kept_answer(func, kept, campaign, options)
                return found if found is not None else func(
                    self._snapshot(version, campaign)[1], **options)
            return self._cached(version, key, answer)
        # The answer is kept under the version of the snapshot it was computed from.
        read_at, snap = self._snapshot(version, campaign)
        return self._cached(read_at, key, lambda: func(snap, **options))

    def anger_clusters(self, **options: Any) -> dict[str, Any]:
        return self.run(anger_clusters, **options)

    def unit_issue_matrix(self, **options: Any) -> dict[str, Any]:
        return self.run(unit_issue_matrix, **options)

    def power_map(self, **options: Any) -> dict[str, Any]:
        return self.run(power_map, **options)

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
