"""Analytics results shaped as the rows the dashboard's lists show (one flat dict per row).

Each ``*_rows`` function takes a snapshot first, like the analytics it calls, so
``Analytics.run(ready_rows, campaign=...)`` caches the shaped rows per store version too.
"""

from __future__ import annotations

import bisect
import collections
import operator
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from mapper.analytics import ask_queue, talk_next
from mapper.analytics._common import (UNKNOWN_UNIT, angry_issues, issue_name,
                                      latest_conversation, organizer_named)
from mapper.analytics.cached import READ_MODEL
from mapper.analytics.stored import derived
from mapper.readmodel import kept_key
from mapper.snapshot import Snapshot, gc_paused

__all__ = ["ready_rows", "talk_rows", "talk_list", "list_rows", "read_again", "KeptAnew",
           "people_angry_about", "person_ties", "choices", "counted_choices", "RankedRows",
           "complete"]


def _issue_names(snapshot: Snapshot, issues: dict[str, int] | None) -> list[str]:
    if not issues:
        return []
    return [issue_name(snapshot, i) for i in sorted(issues, key=lambda i: (-issues[i], i))]


def ready_rows(snapshot: Snapshot) -> list[dict[str, Any]]:
    """The ask queue with, per person, the organizer who last spoke with them and their issues."""
    latest = latest_conversation(snapshot)
    angry = angry_issues(snapshot)
    rows = []
    for rank, e in enumerate(ask_queue(snapshot), 1):
        m = e["messenger"]
        last = latest.get(e["person"])
        rows.append({
            "rank": rank, "person": e["person"], "name": e["name"], "unit": e["unit"],
            "organizer": last.organizer if last else None,
            "score": e["score"], "ready": "ready" if e["ready"] else "not ready",
            "top_issue": e["top_issue"]["name"] if e["top_issue"] else None,
            "issues": tuple(_issue_names(snapshot, angry.get(e["person"]))),
            "reasons": "; ".join(e["reasons"]), "suggested_ask": e["suggested_ask"],
            "messenger": f"{m['name']} ({m['kind']})" if m else None,
            "assigned_to": e["assigned_to"],
        })
    return rows


class RankedRows(list):
    """A list's rows as a read model ranks them (:class:`mapper.readmodel.AskRanking`) or as
    its kept columns hold them (:func:`kept_talk_rows`): every row holds what the list filters
    and sorts on (rank, name, unit, organizer, issues, assigned to); the rest of a row (the
    reasons, the ask, the messenger) is computed or read by :func:`complete` for the rows a
    page draws or a download holds."""

    #: Whole rows remembered (the pages drawn again; not a download's thousands).
    KEEP = 2_000

    def __init__(self, rows: list[Any], fill: Any,
                 counts: dict[str, dict[Any, int]] | None = None) -> None:
        super().__init__(rows)
        self._fill = fill
        #: ``{column: {value: how many rows hold it}}`` where they are counted beside the
        #: rows (the filters' choices: :func:`choices`), else None.
        self.counts = counts
        # By person, computed once per version (the latest KEEP).
        self._whole: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def fill(self, rows: list[Any]) -> list[dict[str, Any]]:
        """``rows`` (of this list) whole."""
        with self._lock:
            known = {r["person"]: self._whole[r["person"]] for r in rows
                     if r["person"] in self._whole}
            for person in known:
                self._whole.move_to_end(person)
        todo = [r for r in rows if r["person"] not in known]
        if todo:  # (read outside the lock: a download reads every page)
            filled = {r["person"]: r for r in self._fill(todo)}
            known.update(filled)
            if len(rows) <= self.KEEP:
                with self._lock:
                    self._whole.update(filled)
                    while len(self._whole) > self.KEEP:
                        self._whole.popitem(last=False)
        return [{**known[r["person"]], **r} for r in rows]


def complete(source: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (taken from ``source``, a list's rows) with every field: as they are unless
    ``source`` is :class:`RankedRows`."""
    return source.fill(rows) if isinstance(source, RankedRows) and rows else rows


def kept_ready_rows(store: Any, campaign: str) -> RankedRows | None:
    """:func:`ready_rows` from the ranking the store keeps (``store.kept_list_ranking``), or
    None: every row from the kept order and what it keeps per contact (name, unit, last
    organizer, issues), the whole queue not read; the reasons, the ask and the messenger of
    the rows a page draws computed from those people's own records (``store.ask_entries``,
    as a page of ``mapper ask-queue`` is).

    The kept order's rows are made once per process while the same ranking is kept
    (:class:`_ReadyBase`); a store version after a write places only the people written
    since (:meth:`~mapper.readmodel.AskRanking.changes`) among them: at a million people,
    ordering and naming every contact again took 2 s after each write, and the filters'
    choices 1.5 s more."""
    kept = getattr(store, "kept_list_ranking", None)
    ranking = kept(campaign) if kept is not None else None
    if ranking is None:
        return None
    assigned = store.assignees(campaign)
    changes = ranking.changes()
    if changes is None:  # ranked whole: every row is its own
        _ReadyBase.drop(campaign)  # (an older order's rows may name someone forgotten since)
        listed = ranking.listed
        values, counts = _ready_values(
            [(p, score, ready, *listed[p]) for p, score, ready in ranking.order],
            ranking.issue_name), None
    else:
        values, counts = _ReadyBase.of(changes[0], ranking.issue_name).placed(
            changes, ranking.issue_name)
    with gc_paused():  # (267,539 rows at a million people)
        rows = [_Ready(rank, *v, assigned.get(v[0])) for rank, v in enumerate(values, 1)]
    return RankedRows(rows, _ready_fill(store, campaign, ranking), counts)


def kept_ready_head(store: Any, campaign: str, n: int) -> tuple[RankedRows, int] | None:
    """The first ``n`` rows of :func:`kept_ready_rows` and how many it holds, from the first
    pages of the kept ranking (``store.kept_list_head``): the kept order's rows not made
    (:class:`_ReadyBase`, 1.6 s at a million people in a new process, and again in each
    process once the ranking is kept anew). What a list's first block reads while this
    process holds no rows of the store's version (:func:`dashboard.listing.grid_rows`).
    None where :func:`kept_ready_rows` is None, or the ranking is kept without the list's
    columns."""
    head = getattr(store, "kept_list_head", None)
    found = head(campaign, n) if head is not None else None
    if found is None:
        return None
    ranking, entries, count = found
    values = _ready_values(entries, ranking.issue_name)
    # (Theirs: the campaign's every assignment took 2.8 s at a million people, 300,000 given.)
    assigned = store.assignees_of(campaign, [v[0] for v in values])
    rows = [_Ready(rank, *v, assigned.get(v[0])) for rank, v in enumerate(values, 1)]
    return RankedRows(rows, _ready_fill(store, campaign, ranking)), count


def kept_ready_counts(store: Any, campaign: str) -> dict[str, dict[Any, int]] | None:
    """How many rows of :func:`kept_ready_rows` hold each unit, organizer and issue (as
    :class:`RankedRows` counts them: the filters' choices), from the counts kept with the
    ranking (``store.kept_list_counts``), no row made (2 s at a million people in a new
    process). None where :func:`kept_ready_rows` is None or would rank the campaign whole
    (none kept, or one past the lag bound), or the ranking is kept without them."""
    kept = getattr(store, "kept_list_counts", None)
    found = kept(campaign) if kept is not None else None
    if found is None:
        return None
    ranking, counts = found
    # (Named as the rows name them, _ready_values; two units or issues may then be one.)
    named = {"unit": lambda u: u or UNKNOWN_UNIT, "organizer": lambda o: o,
             "issues": ranking.issue_name}
    out: dict[str, dict[Any, int]] = {}
    for column, name in named.items():
        held = out[column] = {}
        for value, n in counts[column].items():
            held[name(value)] = held.get(name(value), 0) + n
    return out


def _ready_fill(store: Any, campaign: str, ranking: Any) -> Callable[[list[Any]], list[dict]]:
    """How the Ready list's rows a page draws are made whole (:meth:`RankedRows.fill`): the
    reasons, the ask and the messenger computed from those people's own records."""
    def fill(shown: list[Any]) -> list[dict[str, Any]]:
        found = store.ask_entries(campaign, ranking, [r["person"] for r in shown])
        out = []
        for row in shown:
            e = found.get(row["person"])
            if e is None:  # gone from the read model since the ranking was kept
                out.append({**row, "top_issue": None, "reasons": None, "suggested_ask": None,
                            "messenger": None})
                continue
            m = e["messenger"]
            out.append({**row, "top_issue": e["top_issue"]["name"] if e["top_issue"] else None,
                        "reasons": "; ".join(e["reasons"]), "suggested_ask": e["suggested_ask"],
                        "messenger": f"{m['name']} ({m['kind']})" if m else None})
        return out
    return fill


#: The Ready list's columns every row holds, in a row's order; the rest a page computes.
READY_COLUMNS = ("rank", "person", "name", "unit", "organizer", "score", "ready", "issues",
                 "assigned_to")
#: The columns whose values :class:`_ReadyBase` counts, for the filters' choices.
READY_CHOICES = ("unit", "organizer", "issues")
_READY = {True: "ready", False: "not ready"}


def _ready_values(entries: Iterable[Sequence[Any]], name_of: Callable[[str], str],
                  shared: dict[Any, Any] | None = None,
                  named: dict[tuple, tuple[str, ...]] | None = None) -> list[tuple]:
    """``(person, name, unit, organizer, score, ready, issues)`` of kept entries (``[person,
    score, ready, name, unit, organizer, issue keys]``), their issues named, and each unit,
    organizer and issues one object however many rows hold it (``shared``; ``named``: each
    list of issue keys met, named)."""
    shared = {} if shared is None else shared
    share = shared.setdefault
    named = {} if named is None else named  # (a few thousand distinct lists of issues)

    def issues(keys: Sequence[str]) -> tuple[str, ...]:
        keys = tuple(keys)
        found = named.get(keys)
        if found is None:
            found = named[keys] = share(i := tuple(map(name_of, keys)), i)
        return found
    return [(e[0], e[3], share(u := e[4] or UNKNOWN_UNIT, u), share(e[5], e[5]), e[1],
             _READY[bool(e[2])], issues(e[6])) for e in entries]


class _ReadyBase:
    """The rows of a kept ranking's order (:func:`_ready_values`), made once per process while
    that ranking is kept, with how many rows hold each unit, organizer and issue; each store
    version's list places the people written since among them (:meth:`placed`)."""

    #: ``{list: (order, base)}``, a list being a kept ranking's campaign and options: one
    #: base each, the one of its latest order (an older one is of no use, and may name
    #: someone forgotten since).
    _held: OrderedDict[Hashable, tuple[Any, "_ReadyBase"]] = OrderedDict()
    _lock = threading.Lock()
    #: One build per list at a time, outside :attr:`_lock` (a campaign's base, seconds at a
    #: million people, held up every other campaign's Ready page); :attr:`_drops` counts
    #: the drops, so a base built across one is not kept.
    _building: dict[Hashable, threading.Lock] = {}
    _drops = 0

    def __init__(self, order: Any, name_of: Callable[[str], str]) -> None:
        with gc_paused():
            self.entries = list(order.entries())
            self.shared: dict[Any, Any] = {}
            named: dict[tuple, tuple[str, ...]] = {}
            self.values = _ready_values(self.entries, name_of, self.shared, named)
            self.place = {v[0]: i for i, v in enumerate(self.values)}
        #: Each issue's name as the rows name it (made again should one be named otherwise).
        self.names = {k: n for keys, names in named.items() for k, n in zip(keys, names)}
        self.counts = {c: _count(self.values, c) for c in READY_CHOICES}

    @classmethod
    def of(cls, order: Any, name_of: Callable[[str], str]) -> "_ReadyBase":
        """The rows of ``order`` (the same object while its ranking is kept), made once (and
        again should an issue be named otherwise since)."""
        head = getattr(order, "head", None)  # (a kept order in pages knows its list)
        key = (head.campaign, head.options) if head is not None else id(order)
        def hit() -> "_ReadyBase | None":
            held = cls._held.get(key)
            if held is not None and held[0] is order and all(
                    name_of(i) == n for i, n in held[1].names.items()):
                cls._held.move_to_end(key)
                return held[1]
            return None

        with cls._lock:
            if (found := hit()) is not None:
                return found
            gate = cls._building.setdefault(key, threading.Lock())
        with gate:  # (the same list's callers take the one being built)
            with cls._lock:
                if (found := hit()) is not None:
                    return found
                cls._held.pop(key, None)  # (freed before the next is made)
                drops = cls._drops
            base = cls(order, name_of)
            with cls._lock:
                if cls._drops == drops:
                    cls._held[key] = (order, base)  # (the order held: an id is not reused)
                while len(cls._held) > 4:
                    cls._building.pop(cls._held.popitem(last=False)[0], None)
            return base

    @classmethod
    def drop(cls, campaign: str) -> None:
        """Let go of the bases of the campaign's lists: ranked whole, a list's next kept order
        is another (a forget drops every kept ranking of its campaign, so too)."""
        with cls._lock:
            cls._drops += 1
            for key in [k for k in cls._held if isinstance(k, tuple) and k[0] == campaign]:
                del cls._held[key]

    @classmethod
    def drop_all(cls) -> None:
        """Let go of every list's base (:func:`dashboard.listing.let_go_of_lists`)."""
        with cls._lock:
            cls._drops += 1
            cls._held.clear()

    def placed(self, changes: tuple, name_of: Callable[[str], str]
               ) -> tuple[list[tuple], dict[str, dict[Any, int]]]:
        """The list's rows in order, and its counts, with ``changes``
        (:meth:`~mapper.readmodel.AskRanking.changes`): the kept rows of the people written or
        gone since left out, those scored again put in their places."""
        _order, moved, fresh = changes
        if not moved and not fresh:
            return self.values, self.counts
        values = [v for v in self.values if v[0] not in moved]
        gone_at = sorted(self.place[p] for p in moved if p in self.place)
        new = _ready_values(fresh, name_of, dict(self.shared))
        placed: list[tuple] = []
        start = 0
        for entry, v in zip(fresh, new):
            at = bisect.bisect_left(self.entries, kept_key(entry), key=kept_key)
            at -= bisect.bisect_left(gone_at, at)  # (the kept rows left out before it)
            placed += values[start:at]
            placed.append(v)
            start = at
        placed += values[start:]
        counts = {c: dict(n) for c, n in self.counts.items()}
        for c in READY_CHOICES:
            _tally(counts[c], [self.values[i] for i in gone_at], c, -1)
            _tally(counts[c], new, c, 1)
        return placed, counts


_AT = {"unit": 2, "organizer": 3, "issues": 6}


def _count(values: list[tuple], column: str) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    _tally(counts, values, column, 1)
    return counts


def _tally(counts: dict[Any, int], values: Iterable[tuple], column: str, by: int) -> None:
    # (Cells counted first, in C: a few thousand distinct among 267,539 rows at a million.)
    for cell, times in collections.Counter(map(operator.itemgetter(_AT[column]),
                                               values)).items():
        for item in cell if isinstance(cell, tuple) else (cell,):
            if item:
                n = counts.get(item, 0) + by * times
                if n:
                    counts[item] = n
                else:
                    counts.pop(item, None)


class _Slotted(Mapping):
    """A row of a long list held for every entry as slots (its class's ``__slots__``, its
    fields): read like the dict it becomes once :func:`complete`, at a third of the memory."""

    __slots__ = ()
    _FIELDS: frozenset[str] = frozenset()

    def __getitem__(self, key: str) -> Any:
        if key not in self._FIELDS:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self._FIELDS else default

    def __iter__(self) -> Iterator[str]:
        return iter(self.__slots__)

    def __len__(self) -> int:
        return len(self.__slots__)


class _Ready(_Slotted):
    """A row of the Ready list as held for every contact (:data:`READY_COLUMNS`; 267,539 of
    them at a million people)."""

    __slots__ = READY_COLUMNS
    _FIELDS = frozenset(READY_COLUMNS)

    def __init__(self, rank: int, person: str, name: str, unit: str, organizer: str | None,
                 score: float, ready: str, issues: tuple[str, ...], assigned_to: str | None
                 ) -> None:
        self.rank, self.person, self.name, self.unit, self.organizer = (rank, person, name,
                                                                        unit, organizer)
        self.score, self.ready, self.issues, self.assigned_to = score, ready, issues, assigned_to


def talk_rows(snapshot: Snapshot) -> list[dict[str, Any]]:
    """People to talk to next; organizer and issues are those of the messenger who knows them
    (a messenger who is an organizer herself is their organizer)."""
    latest = latest_conversation(snapshot)
    angry = angry_issues(snapshot)
    rows = []
    for rank, e in enumerate(talk_next(snapshot)["people"], 1):
        m = e["messenger"]
        via = latest.get(m["key"]) if m else None
        own = organizer_named(snapshot, m["key"]) if m else None
        rows.append({
            "rank": rank, "person": e["person"], "name": e["name"], "unit": e["unit"],
            "in_roster": "yes" if e["in_roster"] else "no", "score": e["score"],
            "reasons": "; ".join(e["reasons"]),
            "messenger": (m["name"] + (" (committed)" if m["committed"] else "")) if m else None,
            "organizer": own or (via.organizer if via else None),
            "issues": _issue_names(snapshot, angry.get(m["key"])) if m else [],
            "assigned_to": e["assigned_to"],
        })
    return rows


#: What the Talk list filters, sorts and counts on, held for every row (its rank is its place).
TALK_COLUMNS = ("person", "name", "unit", "organizer", "issues", "assigned_to")


def talk_list(snapshot: Snapshot) -> dict[str, Any]:
    """:func:`talk_rows` as the store keeps them: in pages, with :data:`TALK_COLUMNS` beside
    them (:data:`mapper.analytics.stored.COLUMNS`)."""
    return {"rows": talk_rows(snapshot)}


class _Listed(_Slotted):
    """A row of the Talk list as a page holds it for every entry (:data:`TALK_COLUMNS` and
    its rank; 600,561 of them at a million people)."""

    __slots__ = ("rank", *TALK_COLUMNS)
    _FIELDS = frozenset(__slots__)

    def __init__(self, values: tuple[Any, ...]) -> None:
        for name, value in zip(self.__slots__, values):
            setattr(self, name, value)


_TALK_LOCK = threading.Lock()


class KeptAnew(Exception):
    """The list a page read was kept anew before the rows it draws were read whole (their
    places may have moved): read it again (:func:`read_again`)."""


def read_again(read: Callable[[], Any]) -> Any:
    """``read()`` (a page of a list, a download), read again when the list was kept anew
    meanwhile (:class:`KeptAnew`: its head is then read anew); the third time it raises."""
    for attempt in range(3):
        try:
            return read()
        except KeptAnew:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def kept_talk_rows(analytics: Any, campaign: str) -> list[Any]:
    """The Talk list: :func:`talk_rows` as :func:`talk_list` is served, from the columns kept
    beside its pages (:meth:`~mapper.analytics.cached.Analytics.columns`) when it is kept in
    the store, the rows a page draws read whole from the pages holding them (a row of
    another keep never: :class:`KeptAnew`); the same object while the same answer is served
    (a page's filter choices and sorts are kept with it), built once at a time."""
    if not analytics.stores(talk_list):
        return analytics.run(talk_list, campaign=campaign)["rows"]
    views = analytics.views
    with _TALK_LOCK:
        gate = views.setdefault(("talk-list-gate", campaign), threading.Lock())
    with gate:
        head = analytics.answer(talk_list, campaign=campaign, first=0)
        hit = views.get(("talk-list", campaign))
        if hit is not None and hit[0] == (head.version, head.as_of):
            return hit[1]
        views.pop(("talk-list", campaign), None)  # (freed before the next is built)
        rows = _talk_rows_of(analytics, campaign)
        views[("talk-list", campaign)] = ((rows.found.version, rows.found.as_of), rows)
        return rows


def _talk_rows_of(analytics: Any, campaign: str) -> RankedRows:
    shared: dict[Any, Any] = {}

    def share(value: Any) -> Any:  # (a unit, an organizer or issues: one object each)
        if isinstance(value, list):
            value = tuple(value)
        return shared.setdefault(value, value)

    with gc_paused():  # (600,561 rows at a million people, all kept)
        found, columns = analytics.columns(talk_list, campaign=campaign)
        for name in ("unit", "organizer", "issues", "assigned_to"):
            columns[name] = [share(v) for v in columns[name]]
        listed = [_Listed(values) for values in zip(
            range(1, len(columns["person"]) + 1), *(columns[f] for f in TALK_COLUMNS))]
        del columns

    def fill(shown: list[Any]) -> list[dict[str, Any]]:
        got = analytics.at(talk_list, found, [r["rank"] - 1 for r in shown], campaign=campaign)
        if got is None or any(got[r["rank"] - 1]["person"] != r["person"] for r in shown):
            raise KeptAnew  # (the head it was read from is read anew)
        return [{**got[r["rank"] - 1], **r} for r in shown]

    rows = RankedRows(listed, fill)
    rows.found = found
    return rows


#: Lists a page reads otherwise than :meth:`~mapper.analytics.cached.Analytics.run` does:
#: ``f(analytics, campaign)``.
KEPT_ROWS: dict[Callable[..., Any], Callable[[Any, str], list[Any]]] = {}


def list_rows(analytics: Any, shape: Callable[..., Any], campaign: str) -> list[Any]:
    """The rows of the list ``shape`` makes (:func:`ready_rows`, :func:`talk_rows`), as a page,
    a download and an assignment read them."""
    kept = KEPT_ROWS.get(shape)
    return kept(analytics, campaign) if kept is not None else analytics.run(shape,
                                                                            campaign=campaign)


def counted_choices(counts: dict[Any, int]) -> list[str]:
    """The values counted (``{value: rows holding it}``), as :func:`choices` sorts them."""
    return sorted(map(str, counts), key=str.casefold)


def choices(rows: list[dict[str, Any]], column: str) -> list[str]:
    """The distinct values of a column (list cells count each item), sorted; as counted
    beside the rows where they are (the Ready list's :func:`kept_ready_rows`)."""
    counted = getattr(rows, "counts", None)
    if counted is not None and column in counted:
        return counted_choices(counted[column])
    seen: set[str] = set()
    for r in rows:
        v = r.get(column)
        for item in v if isinstance(v, (list, tuple)) else [v]:
            if item:
                seen.add(str(item))
    return sorted(seen, key=str.casefold)


def people_angry_about(snapshot: Snapshot, issue: str, min_anger: int = 3) -> list[dict[str, Any]]:
    """People whose latest anger about ``issue`` is at least ``min_anger``, angriest first."""
    out = []
    for person, issues in angry_issues(snapshot, min_anger).items():
        if issue in issues:
            p = snapshot.people.get(person)
            out.append({"person": person, "name": p.name if p else person,
                        "unit": (p.unit if p else None), "anger": issues[issue]})
    out.sort(key=lambda r: (-r["anger"], r["name"].casefold(), r["person"]))
    return out


def person_ties(snapshot: Snapshot, person: str) -> list[dict[str, Any]]:
    """A person's own ties (from the ties list and referrals), one row per other person."""
    out: dict[str, dict[str, Any]] = {}
    for t in snapshot.ties:
        if person not in (t.a, t.b) or t.a == t.b:
            continue
        other = t.b if t.a == person else t.a
        p = snapshot.people.get(other)
        row = out.setdefault(other, {"person": other, "name": p.name if p else other,
                                     "unit": p.unit if p else None, "contacted": bool(p and p.contacted),
                                     "relationships": []})
        what = t.relationship or ("referral" if t.kind == "referral" else "tie")
        if t.kind == "referral":
            what = f"{what} ({'referred by them' if t.a == person else 'referred them'})"
        if what not in row["relationships"]:
            row["relationships"].append(what)
    return sorted(out.values(), key=lambda r: (r["name"].casefold(), r["person"]))


# The Ready list comes from the store's read model where it keeps one; so do the people of an
# issue clicked on the clusters page.
READ_MODEL[ready_rows] = kept_ready_rows
#: A list's first rows where the analytics hold none of the store's version yet
#: (:func:`dashboard.listing.grid_rows`): ``f(store, campaign, n) -> (rows, count) | None``.
KEPT_HEADS: dict[Callable[..., Any], Callable[..., Any]] = {ready_rows: kept_ready_head}
#: What a list's filters offer where the analytics hold none of its rows of the store's
#: version (:func:`dashboard.listing.filter_options`): ``f(store, campaign) -> {column:
#: {value: rows}} | None``.
KEPT_COUNTS: dict[Callable[..., Any], Callable[..., Any]] = {ready_rows: kept_ready_counts}
READ_MODEL[people_angry_about] = "people_angry_about"
# The Talk-to-next list needs the whole graph: its rows are kept in the store, as its answer,
# in pages with the columns a page filters and sorts on beside them.
derived(talk_list, paged="rows", columns=TALK_COLUMNS)
KEPT_ROWS[talk_rows] = kept_talk_rows
