"""The read model the write side keeps: each person's open follow-up items, stored in the store.

cosmicpython's read-model pattern (views kept current by the write side): each store keeps
these rows in the same transaction as the records they come from, so a new process, or a
second server worker, reads them without building a snapshot of the whole campaign.

One write touches only the people its records are about (the person of a 1-on-1, of an
update) and those the records it replaces or deletes were about: each such person's rows are
computed again from that person's own 1-on-1s and updates, through the same functions a full
snapshot uses (:func:`mapper.snapshot.build_snapshot`, then
:func:`mapper.analytics.follow_ups.open_items`), so the two cannot drift apart. A full rebuild
happens only by re-projection (a schema migration, an alias merge), in resumable batches.

The rows hold no personal text: an assignment's or an action's words stay in the record
(``what`` is stored for a thank-you or a talk-again only, worded by the view); a reader the role
rules allow fills them in from the records of the items shown (:func:`follow_ups`).
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import heapq
import itertools
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any, NamedTuple, Protocol

import orjson

from mapper.analytics.follow_ups import UNNAMED, _KIND_ORDER, first_items, open_items
from mapper.keys import normalize
from mapper.snapshot import ConversationText, Person, SnapshotRows, _settle_facts, build_snapshot

__all__ = ["Item", "ITEM_FIELDS", "THANK_YOU_DAYS", "Source", "people_of", "node_keys",
           "organizer_keys", "person_items", "follow_ups", "PersonRow", "PERSON_FIELDS",
           "person_rows", "BARE_TAIL", "unit_counts", "row_counts", "count_changes",
           "counted", "overview_of_counts", "page_counts", "page_plan",
           "head_items", "first_items", "by_unit", "AskRanking", "angry_people", "ranked_day",
           "waits_moved", "Listed", "list_counts", "OrganizersOf",
           "COMMITTED_FIELDS",
           "ladder", "ladder_candidates", "ladder_level", "trusted_by", "spoken", "assignees",
           "brought_rows", "NAMED_KINDS", "by_named", "named_moves", "RANKING_KINDS",
           "top_pairs", "power_ranking", "counted_apart"]

#: The thank-you delay the stored items are computed with (the view's default); an answer
#: asked with another one is computed from a snapshot instead.
THANK_YOU_DAYS = 2


class Item(NamedTuple):
    """One open follow-up item as stored; dates as ISO strings (they sort as dates)."""

    campaign: str
    person: str
    id: str
    kind: str
    conversation: str
    organizer: str
    name: str
    what: str | None  # a thank-you's or a talk-again's wording only; never a person's words
    conversation_date: str
    due: str


ITEM_FIELDS = Item._fields


class Source(NamedTuple):
    """A record a person's rows come from: a 1-on-1 with them or an update about them."""

    campaign: str
    person: str
    kind: str  # "conversation" | "update"
    id: str  # the store key of the record (``conversation:<campaign>:<id>``, ``update:...``)


def people_of(projection: Any) -> set[str]:
    """The people whose rows a record's projection changes (the person of a 1-on-1 or update)."""
    if projection is None:
        return set()
    return {e.dst for e in projection.edges if e.type in ("WITH", "ABOUT")}


def node_keys(sources: Iterable[Source]) -> list[str]:
    """The graph nodes a person's rows are read from: people, 1-on-1s, asks, updates."""
    keys: dict[str, None] = {}
    for s in sources:
        keys[s.person] = None
        keys[s.id] = None
        if s.kind == "conversation":
            keys[f"commitment:{s.campaign}:{s.id.split(':', 2)[2]}"] = None
    return list(keys)


def organizer_keys(sources: Iterable[Source], nodes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The organizer nodes the 1-on-1s among ``sources`` were held by (named by their props)."""
    keys = set()
    for s in sources:
        props = nodes.get(s.id)
        if s.kind == "conversation" and props and props.get("organizer"):
            keys.add(f"organizer:{s.campaign}:{normalize(props['organizer'])}")
    return sorted(keys)


def _snapshot_of(campaign: str, people: Iterable[str], sources: Sequence[Source],
                 nodes: Mapping[str, Mapping[str, Any]], units: Iterable[tuple] = (),
                 anger: Iterable[tuple] = (), named: Iterable[tuple] = (), *,
                 names: Sequence[tuple] | None = None, **rows: Any) -> Any:
    """The snapshot of ``people`` alone, from their own records (see :func:`person_items`):
    named as their nodes are, or by ``names``; ``rows``: more of its rows
    (:class:`~mapper.snapshot.SnapshotRows`' fields) as they are."""
    people = set(people)
    mine = [s for s in sources if s.campaign == campaign and s.person in people]
    convs, commitments, updates, organizers = [], [], [], {}
    for s in mine:
        props = nodes.get(s.id)
        if props is None:
            continue
        if s.kind == "update":
            updates.append((props, s.person))
            continue
        org = f"organizer:{campaign}:{normalize(props.get('organizer') or '')}"
        if org in nodes:
            organizers[org] = nodes[org].get("name")
        convs.append((props, s.person, org))
        com = nodes.get(f"commitment:{campaign}:{s.id.split(':', 2)[2]}")
        if com is not None:
            commitments.append((props["id"], com))
    if names is None:
        names = [(p, nodes[p].get("name")) for p in sorted(people) if p in nodes]
    rows.setdefault("organizers", list(organizers.items()))
    return build_snapshot(SnapshotRows(campaign, people=names, conversations=convs,
                                       commitments=commitments, updates=updates,
                                       person_units=[u for u in units if u[0] in people],
                                       anger=[a for a in anger if a[0] in people],
                                       named=[n for n in named if n[0] in people], **rows))


def person_items(campaign: str, people: Iterable[str], sources: Sequence[Source],
                 nodes: Mapping[str, Mapping[str, Any]]) -> list[Item]:
    """The open follow-up items of ``people`` of one campaign, from their own records.

    ``sources`` are every 1-on-1 with them and update about them; ``nodes`` the props (with
    ``name``) of the nodes :func:`node_keys` and :func:`organizer_keys` name, as the store
    holds them. The snapshot these make holds these people alone, so
    :func:`~mapper.analytics.follow_ups.open_items` finds exactly their items.
    """
    return _items_of(campaign, _snapshot_of(campaign, people, sources, nodes))


def _items_of(campaign: str, snap: Any, people: Collection[str] | None = None) -> list[Item]:
    """The open items of the people of a snapshot of theirs (of ``people`` alone, when given)."""
    out = []
    for i in open_items(snap, thank_you_days=THANK_YOU_DAYS):
        if people is not None and i["person"] not in people:
            continue
        p = snap.people.get(i["person"])
        out.append(Item(campaign, i["person"], i["id"], i["kind"], i["conversation"],
                        i["organizer"], p.name if p is not None else i["person"],
                        i["what"] if i["kind"] not in UNNAMED else None,
                        i["conversation_date"].isoformat(), i["due"].isoformat()))
    return out


class PersonRow(NamedTuple):
    """Where one person stands, as stored: what the per-unit counts of
    :func:`mapper.analytics.structure.structure` add up, and the parts of their place in the
    ask queue that are theirs alone (:func:`mapper.analytics.readiness.own_points`). Their
    name (lists show it), never their words: an ask's action stays in the record."""

    campaign: str
    person: str
    name: str
    unit: str | None
    in_roster: int
    contacted: int
    left: int
    committed: int
    assessment: int | None
    last_date: str | None  # of their latest 1-on-1 or update
    own_points: float | None  # the ask queue's points of their own state
    # 1: ready to be asked; 0: not (assessed 4-5); 2: ready but for the wait after their
    # latest ask, by an attempt, which they refused (refused_asks: not ready within it)
    ready: int | None
    ask_date: str | None  # their latest ask in a 1-on-1, and its answer
    ask_response: str | None
    tried_date: str | None  # their latest attempt that was an ask
    angers: str | None  # JSON [[issue, anger], ...]: the latest anger of each issue they named
    yes_asks: str | None  # JSON [[conversation, date, due], ...]: their yeses to an action
    organizer: str | None  # who held their latest 1-on-1
    # JSON [key, ...]: the committed people still in the workplace they trust (over ties and
    # referrals); kept by the store (:func:`trusted_rows`), as their neighbours change.
    trusted: str | None = None
    # The overview's and the ladder's: their 1-on-1s, their asks by answer (JSON {asked, yes,
    # maybe, no, unanswered, kept, missed}), their yeses, commitments kept and missed, the due
    # date of their latest yes and whether it was marked missed, the people they referred.
    conversations: int = 0
    asks: str | None = None
    yes_count: int = 0
    kept: int = 0
    missed: int = 0
    yes_due: str | None = None
    missed_latest: int = 0
    referred: str | None = None
    # JSON {date: n}: their 1-on-1s by the day each was held (the overview's 1-on-1s per week,
    # counted beside the rows as the rest: not every record read again).
    days: str | None = None
    # 1 when someone they referred has since been spoken with and is still in the workplace
    # (the ladder's "brought a coworker"); kept by the store (:func:`brought_rows`), as the
    # people they referred are spoken with or leave.
    brought: int = 0
    # JSON [[issue, [decision maker, ...]], ...]: whom their latest naming for each issue
    # named (the power map's rankings count them per issue and decision maker, row_counts).
    named: str | None = None


PERSON_FIELDS = PersonRow._fields

#: What follows ``committed`` in the row of someone no record of their own is about (no
#: 1-on-1, update, anger or referral: a roster row, a tie, another's referral): nothing, each
#: column at its default (a store may leave those columns out of its write).
BARE_TAIL = ((None,) * (PERSON_FIELDS.index("trusted") - PERSON_FIELDS.index("assessment"))
             + tuple(PersonRow._field_defaults.values()))


def _json(value: Any) -> str | None:
    return orjson.dumps(value).decode() if value else None


def person_rows(campaign: str, people: Iterable[str], sources: Sequence[Source],
                nodes: Mapping[str, Mapping[str, Any]], units: Iterable[tuple],
                anger: Iterable[tuple] = (), referred: Iterable[tuple] = (),
                named: Iterable[tuple] = ()) -> list[PersonRow]:
    """The rows of ``people`` of one campaign (those that are a node of the graph), from
    their own records, ``units`` (their rows of
    :attr:`~mapper.snapshot.SnapshotRows.person_units`: roster rows, 1-on-1s, referrals),
    ``anger`` and ``named`` (their rows of :attr:`~mapper.snapshot.SnapshotRows.anger` and
    ``named``), through the functions a full snapshot's answer uses.

    The people no record of their own is about (most of a roster import's) get the row that
    snapshot gives them built directly (:func:`_bare_rows`: ~1 µs a person against ~7);
    a person's row depends on their own records and rows alone, so the others' rows are the
    same without them in the snapshot."""
    return person_rows_and_items(campaign, people, (), sources, nodes, units, anger, referred,
                                 named)[0]


def person_rows_and_items(campaign: str, people: Iterable[str], touched: Iterable[str],
                          sources: Sequence[Source], nodes: Mapping[str, Mapping[str, Any]],
                          units: Iterable[tuple], anger: Iterable[tuple] = (),
                          referred: Iterable[tuple] = (), named: Iterable[tuple] = ()
                          ) -> tuple[list[PersonRow], list[Item]]:
    """:func:`person_rows` of ``people`` and :func:`person_items` of ``touched`` (of one
    campaign), from one snapshot where they can: a write computes both for the people its
    records are about. ``sources`` and ``nodes`` hold what each call needs (more does no
    harm: each reads its own people's). A person's items depend on their own 1-on-1s and
    updates alone, which that snapshot holds as :func:`person_items`' own does (with where
    they work and their anger beside them, which no item reads)."""
    units, anger, referred, named = list(units), list(anger), list(referred), list(named)
    busy = {s.person for s in sources}
    busy.update(a[0] for a in anger)
    busy.update(n[0] for n in named)
    busy.update(a for a, _ in referred)
    people = set(people)
    touched = set(touched)
    bare = sorted(p for p in people if p not in busy and p in nodes)
    out = _bare_rows(campaign, bare, nodes, units) if bare else []
    people.difference_update(bare)
    items: list[Item] = []
    if people:
        snap = _snapshot_of(campaign, people, sources, nodes, units, anger, named)
        out += _rows_of(campaign, snap, referred)
        if touched & people:
            items = _items_of(campaign, snap, touched)
    # (Someone no record of their own is about has no item.)
    rest = sorted(p for p in touched - people if p in busy)
    if rest:
        items += person_items(campaign, rest, sources, nodes)
    return out, items


def _full_rows(campaign: str, people: Iterable[str], sources: Sequence[Source],
               nodes: Mapping[str, Mapping[str, Any]], units: Iterable[tuple],
               anger: Iterable[tuple] = (), referred: Iterable[tuple] = (),
               named: Iterable[tuple] = ()) -> list[PersonRow]:
    """:func:`person_rows` through a snapshot of ``people`` and the analytics' functions."""
    return _rows_of(campaign, _snapshot_of(campaign, people, sources, nodes, units, anger, named),
                    referred)


def _rows_of(campaign: str, snap: Any, referred: Iterable[tuple] = ()) -> list[PersonRow]:
    """The rows of the people of a snapshot of theirs (see :func:`_full_rows`)."""
    from mapper.analytics._common import (committed_people, contacted_people,
                                          latest_anger_pairs, latest_named, person_states)
    from mapper.analytics._common import RESPONSES
    from mapper.analytics.attempts import asked_in_attempts, failed_attempts, refused_asks
    from mapper.analytics.closing import commitment_results
    from mapper.analytics.readiness import own_points
    from mapper.analytics.status import left_people

    results = commitment_results(snap) if snap.updates else {}
    asks: dict[str, dict[str, int]] = {}
    counted: dict[str, int] = {}
    days: dict[str, dict[str, int]] = {}
    kept_missed: dict[str, list[int]] = {}
    for c in snap.conversations:  # as overview counts asks, and ladder the kept and missed
        counted[c.person] = counted.get(c.person, 0) + 1
        mine_days = days.setdefault(c.person, {})
        day = c.date.isoformat()
        mine_days[day] = mine_days.get(day, 0) + 1
        com = c.commitment
        if com is not None and (com.asked or com.response in RESPONSES):
            mine = asks.setdefault(c.person, {})
            for k in ("asked", com.response if com.response in RESPONSES else "unanswered"):
                mine[k] = mine.get(k, 0) + 1
        result = results.get(c.id)
        if result is not None and com is not None and com.response == "yes":
            mine = asks.setdefault(c.person, {})
            mine[result[1]] = mine.get(result[1], 0) + 1
    for person, result in results.values():  # (a kept or missed with no yes to close counts)
        kept_missed.setdefault(person, [0, 0])[result != "kept"] += 1
    refs: dict[str, set[str]] = {}
    for a, b in referred:
        if a != b:
            refs.setdefault(a, set()).add(b)
    gone = left_people(snap)
    contacted = contacted_people(snap)
    committed = committed_people(snap)
    states = person_states(snap)
    tries = failed_attempts(snap) if snap.updates else {}
    asked = asked_in_attempts(snap) if snap.updates else {}
    refused = refused_asks(snap) if snap.updates else set()
    angers: dict[str, list] = {}
    for (p, issue), a in latest_anger_pairs(snap).items():
        if a is not None:
            angers.setdefault(p, []).append([issue, a])
    names: dict[str, list] = {}
    for (p, issue), dms in latest_named(snap).items():
        names.setdefault(p, []).append([issue, sorted(dms)])
    last: dict[str, Any] = {}
    yeses: dict[str, list] = {}
    for c in snap.conversations:
        last[c.person] = max(c.date, last.get(c.person, c.date))
        com = c.commitment
        if com is not None and com.response == "yes" and com.has_action:
            yeses.setdefault(c.person, []).append(
                [c.id, c.date.isoformat(), com.due.isoformat() if com.due else None])
    for u in snap.updates:
        if u.date is not None:
            last[u.person] = max(u.date, last.get(u.person, u.date))
    out = []
    for key, p in snap.people.items():
        st = states.get(key)
        own = ready = ask_date = ask_response = None
        if st is not None:
            own, ready = own_points(st, tries.get(key))
            ready = 2 if ready and key in refused else int(ready)
            if st.last_ask is not None:
                ask_date = st.last_ask.date.isoformat() if st.last_ask.date else None
                ask_response = st.last_ask.response
        tried = asked.get(key)
        yes = st.response if st is not None else None
        missed_latest = yes is not None and results.get(yes.conversation, ("", ""))[1] == "missed"
        kept, missed = kept_missed.get(key, (0, 0))
        out.append(PersonRow(
            campaign, key, p.name, p.unit, int(p.in_roster), int(key in contacted),
            int(key in gone), int(key in committed), st.assessment if st is not None else None,
            last[key].isoformat() if key in last else None, own,
            ready, ask_date, ask_response,
            tried.isoformat() if tried else None, _json(sorted(angers.get(key, ()))),
            _json(yeses.get(key)), st.latest.organizer if st is not None else None, None,
            counted.get(key, 0), _json(asks.get(key)), st.yes_count if st is not None else 0,
            kept, missed, yes.due.isoformat() if yes is not None and yes.due else None,
            int(missed_latest), _json(sorted(refs.get(key, ()))),
            _json(dict(sorted(days[key].items())) if key in days else None), 0,
            _json(sorted(names.get(key, ())))))
    return out


def _bare_rows(campaign: str, people: Sequence[str], nodes: Mapping[str, Mapping[str, Any]],
               units: Iterable[tuple]) -> list[PersonRow]:
    """The rows of ``people`` (nodes of the graph) no record of their own is about: their
    name, where they work and whether the roster lists them, the rest :data:`BARE_TAIL` —
    what :func:`person_rows`' snapshot gives them, without one. One row of ``units`` says
    it as it is; where several do, the snapshot's rules settle it
    (:func:`mapper.snapshot.build_snapshot`)."""
    wanted = set(people)
    mine: dict[str, list[tuple]] = {}
    for u in units:
        if u[0] in wanted:
            mine.setdefault(u[0], []).append(u)
    several = {p: Person(p, nodes[p].get("name")) for p, rows in mine.items() if len(rows) > 1}
    if several:
        _settle_facts(several, [u for p in several for u in mine[p]])
    out = []
    for p in people:
        found = several.get(p)
        if found is not None:
            unit, roster = found.unit, found.in_roster
        elif p in mine:
            _, unit, _, _, roster, _, _ = mine[p][0]
        else:
            unit, roster = None, False
        out.append(PersonRow(campaign, p, nodes[p].get("name"), unit, int(bool(roster)), 0, 0, 0,
                             *BARE_TAIL))
    return out


def standing(row: tuple | None) -> bool:
    """Whether a row (``committed``, ``left``) is someone others' trust counts for."""
    return row is not None and bool(row[0]) and not row[1]


def spoken(row: tuple | None) -> bool:
    """Whether a row (``contacted``, ``left``) is someone spoken with and still in the
    workplace: whoever referred them brought a coworker."""
    return standing(row)  # (the same test, of other columns)


def brought_rows(pairs: Iterable[tuple[str, str]], people: Iterable[str]) -> list[tuple]:
    """``(brought, person)`` of each of ``people``, from ``(person, someone they referred
    spoken with and still in the workplace)`` pairs: what a store writes to their rows."""
    found = {person for person, other in pairs if person != other}
    return [(int(p in found), p) for p in people]


def with_neighbours(rows: Sequence[PersonRow], people: Collection[str],
                    ties: Iterable[tuple[str, str, Any, int, Any]],
                    was: Mapping[str, tuple | None]
                    ) -> tuple[list[PersonRow], list[str], list[str]]:
    """The columns of a write's rows that others' rows decide, as a store keeps them: whom
    each trusts among the committed, whether each brought a coworker; and the others whose
    rows must follow.

    ``rows`` are those just computed of ``people`` (whose rows the write reaches: one gone
    has none); ``ties`` are ``(person, neighbour, trusted, referred, spoken)`` of each tie and
    referral of each of ``people``, either way round, ``trusted`` and ``spoken`` as the
    neighbour's row is stored (committed, or spoken with, and still in the workplace),
    ``referred`` 1 where the person referred the neighbour, -1 the other way, else 0; ``was``
    their rows as stored (whole, None for none). A neighbour among ``people`` counts by
    their row just computed, the others by their stored row. Returns the rows with
    ``trusted`` and ``brought`` set, the others whose trust to write again (a neighbour
    became committed or stopped being) and the others who referred someone now first
    spoken with, gone, or back (whether they brought a coworker, read again once the rows
    are written)."""
    now = {r.person: (r.committed, r.left) for r in rows}
    heard = {r.person: (r.contacted, r.left) for r in rows}
    ties = list(ties)
    pairs = [(p, m) for p, m, trusted, _, _ in ties
             if p in now and (standing(now.get(m)) if m in people else trusted)]
    told = [(p, m) for p, m, _, referred, said in ties
            if referred == 1 and p in now and (spoken(heard.get(m)) if m in people else said)]
    trusted = {p: t for t, p in trusted_rows(pairs, now)}
    brought = {p: b for b, p in brought_rows(told, now)}
    rows = [r._replace(trusted=trusted[r.person], brought=brought[r.person]) for r in rows]
    moved = {p for p in people if stored_standing(was.get(p)) != standing(now.get(p))}
    trust_again = sorted({m for p, m, *_ in ties if p in moved} - now.keys())
    moved = {p for p in people if stored_spoken(was.get(p)) != spoken(heard.get(p))}
    bring_again = sorted({m for p, m, _, referred, _ in ties if referred == -1 and p in moved}
                         - now.keys())
    return rows, trust_again, bring_again


def stored_standing(row: tuple | None) -> bool:
    """:func:`standing` of a whole stored row (:data:`PERSON_FIELDS`), or of none."""
    return row is not None and standing((row[_ROW["committed"]], row[_ROW["left"]]))


def stored_spoken(row: tuple | None) -> bool:
    """:func:`spoken` of a whole stored row (:data:`PERSON_FIELDS`), or of none."""
    return row is not None and spoken((row[_ROW["contacted"]], row[_ROW["left"]]))


def trusted_rows(pairs: Iterable[tuple[str, str]], people: Iterable[str]) -> list[tuple]:
    """``(trusted JSON, person)`` of each of ``people``, from ``(person, committed neighbour)``
    pairs (over ties and referrals, either way round; the neighbour committed and still in the
    workplace): what a store writes to their rows."""
    found: dict[str, set[str]] = {}
    for person, other in pairs:
        if person != other:
            found.setdefault(person, set()).add(other)
    return [(_json(sorted(found.get(p, ()))), p) for p in people]


def unit_counts(rows: Iterable[tuple]) -> dict[str, Any]:
    """``{unit: UnitCounts}`` from a store's grouped rows ``(unit, people, roster, contacted,
    off_roster, supporters, committed, leaders)`` of the people still in the workplace."""
    from mapper.analytics._common import UNKNOWN_UNIT
    from mapper.analytics.structure import UnitCounts

    out: dict[str, Any] = {}
    for unit, *counts in rows:
        n = UnitCounts(*(int(c or 0) for c in counts))
        u = unit or UNKNOWN_UNIT
        out[u] = out[u].plus(n) if u in out else n
    return out


_ROW = {f: i for i, f in enumerate(PERSON_FIELDS)}
_IN_ROSTER, _CONTACTED, _LEFT, _COMMITTED = (_ROW[f] for f in ("in_roster", "contacted", "left",
                                                                "committed"))
_UNIT, _ASSESSMENT, _ANGERS, _CONVERSATIONS, _ASKS, _KEPT, _DAYS, _NAMED = (
    _ROW[f] for f in ("unit", "assessment", "angers", "conversations", "asks", "kept", "days",
                      "named"))


def row_counts(row: Sequence[Any]) -> Iterator[tuple[tuple[str, str, str], int]]:
    """What one stored row (every column of :data:`PERSON_FIELDS`, in order) adds to the
    campaign's counts the overview and the structure read (a store keeps them summed beside
    the rows, :func:`count_changes`): ``((kind, key, sub), n)``, where kind is ``count``
    (key: people, in_roster, contacted, committed, took_action, left, conversations), ``day``
    (key: the day of their 1-on-1s, ISO; n: how many), ``assessment`` (key: the assessment of someone contacted, "" for none), ``asks`` (key:
    an answer), ``anger`` (key: an issue, sub: the anger), ``unit`` (key: the unit, "" for
    none; sub: a :class:`~mapper.analytics.structure.UnitCounts` field), ``namings`` (key: an
    issue; n: the decision makers named for it), ``named`` and ``named_anger`` (key: an issue,
    or "" for every issue; sub: a decision maker; n: the people naming them, and their anger
    about it: the power map's rankings, kept per issue and decision maker apart, by_named).
    No name, no word."""
    if row[_CONVERSATIONS]:
        yield ("count", "conversations", ""), row[_CONVERSATIONS]
    if row[_DAYS]:
        for day, n in orjson.loads(row[_DAYS]).items():
            yield ("day", day, ""), n
    if row[_ASKS]:
        for answer, n in orjson.loads(row[_ASKS]).items():
            if n:
                yield ("asks", answer, ""), n
    if row[_LEFT]:  # the rest counts those still in the workplace
        yield ("count", "left", ""), 1
        return
    unit = row[_UNIT] or ""
    roster, contacted, committed = row[_IN_ROSTER], row[_CONTACTED], row[_COMMITTED]
    assessment = row[_ASSESSMENT]
    yield ("count", "people", ""), 1
    yield ("unit", unit, "people"), 1
    if roster:
        yield ("count", "in_roster", ""), 1
        yield ("unit", unit, "roster"), 1
    if contacted:
        yield ("count", "contacted", ""), 1
        yield ("assessment", "" if assessment is None else str(assessment), ""), 1
        yield ("unit", unit, "contacted"), 1
        if not roster:
            yield ("unit", unit, "off_roster"), 1
    if assessment in (1, 2) or (assessment is None and committed):  # (a yes, never rated)
        yield ("unit", unit, "supporters"), 1
    if assessment == 1:
        yield ("unit", unit, "leaders"), 1
    if committed:
        yield ("count", "committed", ""), 1
        yield ("unit", unit, "committed"), 1
    if row[_KEPT]:
        yield ("count", "took_action", ""), 1
    angers = orjson.loads(row[_ANGERS]) if row[_ANGERS] else ()
    for issue, anger in angers:
        yield ("anger", issue, str(anger)), 1
    if row[_NAMED]:  # (a naming counts with the latest anger about its issue, none: 0)
        mine = dict(angers)
        for issue, dms in orjson.loads(row[_NAMED]):
            anger = mine.get(issue) or 0
            yield ("namings", issue, ""), len(dms)
            for dm in dms:
                for key in (issue, ""):
                    yield ("named", key, dm), 1
                    if anger:
                        yield ("named_anger", key, dm), anger


#: The kinds of :func:`row_counts` kept per issue and decision maker (:func:`by_named`).
NAMED_KINDS = ("named", "named_anger")


def by_named(counts: Iterable[tuple[str, str, str, str, int]]
             ) -> tuple[list[tuple[str, str, str, str, int]],
                        dict[tuple[str, str, str], list[int]]]:
    """Counts (:func:`count_changes`, :func:`counted`) as a store keeping the power map's
    rankings takes them: those of other kinds as they are, and ``{(campaign, issue, decision
    maker): [people, anger]}`` of the kinds :data:`NAMED_KINDS` (issue "": every issue), kept
    apart so that a page reads an issue's first decision makers through an index.

    >>> by_named([("c", "named", "i", "d", 2), ("c", "namings", "i", "", 2),
    ...           ("c", "named_anger", "i", "d", 7)])
    ([('c', 'namings', 'i', '', 2)], {('c', 'i', 'd'): [2, 7]})
    """
    others: list[tuple[str, str, str, str, int]] = []
    pairs: dict[tuple[str, str, str], list[int]] = {}
    for count in counts:
        campaign, kind, key, sub, n = count
        if kind in NAMED_KINDS:
            pairs.setdefault((campaign, key, sub), [0, 0])[kind == "named_anger"] += n
        else:
            others.append(count)
    return others, pairs


def named_moves(stored: Mapping[tuple[str, str, str], Sequence[int]],
                changes: Mapping[tuple[str, str, str], Sequence[int]]
                ) -> tuple[list[tuple[str, str, str, int, int]], list[tuple[str, str, str]],
                           list[tuple[str, str, str, str, int]]]:
    """What a store writes when the power map's kept pairs (:func:`by_named`) move by
    ``changes`` from ``stored`` (their ``[people, anger]`` as kept, none for a pair not kept):
    the pairs to set ``(campaign, issue, decision maker, people, anger)``, those to remove (no
    one names them any more), and how many decision makers each issue has named (count kind
    ``named_dms``, key: the issue) moves by.

    >>> named_moves({("c", "i", "a"): (2, 6)}, {("c", "i", "a"): [-2, -6], ("c", "i", "b"): [1, 3],
    ...                                      ("c", "j", "b"): [1, 0]})
    ([('c', 'i', 'b', 1, 3), ('c', 'j', 'b', 1, 0)], [('c', 'i', 'a')], [('c', 'named_dms', 'j', '', 1)])
    """
    kept: list[tuple[str, str, str, int, int]] = []
    gone: list[tuple[str, str, str]] = []
    dms: dict[tuple[str, str], int] = {}
    for at, (people, anger) in changes.items():
        was = stored.get(at)
        now_people = (was[0] if was else 0) + people
        now_anger = (was[1] if was else 0) + anger
        if now_people > 0:
            kept.append((*at, now_people, now_anger))
        elif was:
            gone.append(at)
        moved = (now_people > 0) - bool(was and was[0] > 0)
        campaign, issue, _ = at
        dms[campaign, issue] = dms.get((campaign, issue), 0) + moved
    return kept, gone, [(c, "named_dms", i, "", n) for (c, i), n in dms.items() if n]


def count_changes(removed: Iterable[Sequence[Any]], added: Iterable[Sequence[Any]]
                  ) -> list[tuple[str, str, str, str, int]]:
    """``(campaign, kind, key, sub, change)`` of the counts (:func:`row_counts`) of each
    row's campaign (its first column) when the rows ``removed`` (as they were stored) give way
    to ``added``; none that does not move."""
    change: dict[tuple[str, str, str, str], int] = {}
    for rows, sign in ((removed, -1), (added, 1)):
        for row in rows:
            for (kind, key, sub), n in row_counts(row):
                at = (row[0], kind, key, sub)
                change[at] = change.get(at, 0) + sign * n
    return [(*at, n) for at, n in change.items() if n]


def by_unit(counts: Iterable[tuple[str, str, str, str, int]]
            ) -> tuple[list[tuple[str, str, str, str, int]], list[list[Any]]]:
    """Counts (:func:`count_changes`, :func:`counted`) as a store keeping each unit's in one
    place takes them: those of other kinds as they are, and each unit's as ``[campaign, unit,
    [n of each UnitCounts field, in order]]`` (at a million people, 25,000 units: one node
    each for mapper structure to read, not one per count: up to seven).

    >>> by_unit([("c", "unit", "ER", "people", 2), ("c", "count", "people", "", 2),
    ...          ("c", "unit", "ER", "leaders", -1)])
    ([('c', 'count', 'people', '', 2)], [['c', 'ER', [2, 0, 0, 0, 0, 0, -1]]])
    """
    from mapper.analytics.structure import UnitCounts

    at = {f: i for i, f in enumerate(UnitCounts._fields)}
    others: list[tuple[str, str, str, str, int]] = []
    units: dict[tuple[str, str], list[int]] = {}
    for count in counts:
        campaign, kind, key, sub, n = count
        if kind == "unit":
            units.setdefault((campaign, key), [0] * len(at))[at[sub]] += n
        else:
            others.append(count)
    return others, [[c, u, v] for (c, u), v in units.items()]


def counted(rows: Iterable[Sequence[Any]]) -> list[tuple[str, str, str, str, int]]:
    """The counts of these rows (a campaign's, from scratch: what a rebuild's end keeps)."""
    return count_changes((), rows)


def counted_apart(rows: Iterable[Sequence[Any]]
                  ) -> tuple[list[tuple[str, str, str, str, int]],
                             list[tuple[str, str, str, int, int]]]:
    """:func:`counted` as a store keeps them: the counts (each issue's decision makers named
    among them, ``named_dms``), and the power map's pairs apart (:func:`by_named`) as
    ``(campaign, issue, decision maker, people, anger)``."""
    counts, pairs = by_named(counted(rows))
    kept, _, dms = named_moves({}, pairs)
    return [*counts, *dms], kept


def overview_of_counts(counts: Iterable[tuple[str, str, str, int]], organizers: int,
                       issues: Iterable[tuple], *, top: int = 5,
                       min_anger: int = 3) -> dict[str, Any]:
    """:func:`mapper.analytics.overview.overview` from the counts a store keeps
    (:func:`row_counts`, of one campaign: ``(kind, key, sub, n)``), not its rows."""
    totals: dict[str, int] = dict.fromkeys(
        ("people", "in_roster", "contacted", "committed", "conversations"), 0)
    took = left = 0
    assessment: dict[Any, int] = {}
    asks: dict[str, int] = {}
    stats: dict[str, list[int]] = {}
    dates: list[tuple[str, int]] = []
    for kind, key, sub, n in counts:
        if kind == "day":
            dates.append((key, n))
        elif kind == "count":
            if key == "took_action":
                took = n
            elif key == "left":
                left = n
            else:
                totals[key] = n
        elif kind == "assessment":
            assessment[int(key) if key else None] = n
        elif kind == "asks":
            asks[key] = n
        elif kind == "anger" and int(sub) >= min_anger:
            s = stats.setdefault(key, [0, 0])
            s[0] += n
            s[1] += n * int(sub)
    return overview_of({**totals, "organizers": organizers, "took_action": took, "left": left},
                       assessment, asks, stats, dates, issues, top=top)


def ranked_day(kept: Mapping[str, Any], today: dt.date | None,
               changed: Iterable[tuple]) -> dt.date | None:
    """The day a kept ask ranking (:meth:`AskRanking.stored`) is read for: ``today`` when
    asked for one; as of the campaign's latest record (kept ``latest``), its day or the
    latest day of the rows written since (``_ask_rows``), whichever is later."""
    day = _day(kept["today"])
    if not kept.get("latest"):
        return today if today is not None else day
    later = _day(max((r[5] for r in changed if r[5]), default=None))
    return later if later is not None and (day is None or later > day) else day


def waits_moved(kept_day: str | None, day: dt.date | None, wait_days: int
                ) -> tuple[dt.date, dt.date] | tuple[()] | None:
    """The dates of a last ask (in a 1-on-1, or by an attempt) that a ranking judged on
    ``kept_day`` (ISO) and one judged on ``day`` judge otherwise: from ``wait_days`` before
    the earlier day to before ``wait_days`` before the later (asked within ``wait_days`` on
    one, not the other: :func:`mapper.analytics.readiness.ask_history`); ``()`` when the
    days are the same, None when either is unknown.

    >>> waits_moved("2026-11-20", dt.date(2026, 11, 22), 30)
    (datetime.date(2026, 10, 21), datetime.date(2026, 10, 23))
    """
    before = _day(kept_day)
    if before == day:
        return ()
    if before is None or day is None:
        return None
    early, late = sorted((before, day))
    wait = dt.timedelta(days=wait_days)
    return early - wait, late - wait


def angry_people(counts: Iterable[tuple[str, str, str, int]], min_anger: int) -> dict[str, int]:
    """How many people still in the workplace are angry about each issue, at ``min_anger`` or
    more, from the campaign's counts (``(kind, key, sub, n)``; those of kind ``anger``): the
    ask queue's ``shared``, as :func:`mapper.analytics._common.issue_counts` counts them."""
    angry: dict[str, int] = {}
    for kind, key, sub, n in counts:
        if kind == "anger" and int(sub) >= min_anger and n:
            angry[key] = angry.get(key, 0) + n
    return angry


#: The kinds of counts the power map's rankings read beside their pairs (:func:`power_ranking`).
RANKING_KINDS = ("namings", "named_dms", "anger")


def top_pairs(first: int | None, head: Callable[[int | None], list[tuple]],
              tied: Callable[[int, int], list[tuple]]) -> list[tuple]:
    """The kept pairs ``(decision maker, people, anger)`` of one issue that its first
    ``first`` decision makers are among: ``head(n)`` reads the first ``n`` by people, then
    anger (all: None); past them, ``tied(people, anger)`` reads every pair at or above the
    last one's (the name settles ties, and the index does not hold it)."""
    if first is not None and first <= 0:
        return []
    rows = head(first)
    if first is None or len(rows) < first:
        return rows
    _, people, anger = rows[-1]
    return tied(people, anger)


def power_ranking(counts: Iterable[tuple[str, str, str, int]], issues: Iterable[tuple],
                  tops: Mapping[str, Sequence[tuple]], dms: Mapping[str, Mapping[str, Any]],
                  dm_issues: Mapping[str, int] | None, *, first: int | None = None,
                  min_anger: int = 3) -> dict[str, Any]:
    """:func:`mapper.analytics.power.power_ranking` from what a store keeps: the campaign's
    counts of the kinds :data:`RANKING_KINDS` (``(kind, key, sub, n)``), its issues ``(key,
    name)``, each issue's pairs its first decision makers are among (:func:`top_pairs`;
    issue "": every issue), the props of those decision makers' nodes, and for those of
    issue "", how many issues each is named for (None when ``tops`` hold every pair: counted
    from them)."""
    from mapper.analytics.power import ranked_issues, ranked_overall

    if dm_issues is None:  # every pair is in tops: counted from them
        dm_issues = collections.Counter(dm for issue, rows in tops.items() if issue
                                        for dm, _, _ in rows)
    namings: dict[str, int] = {}
    named: dict[str, int] = {}
    angry: dict[str, int] = {}
    for kind, key, sub, n in counts:
        if kind == "namings":
            namings[key] = namings.get(key, 0) + n
        elif kind == "named_dms":
            named[key] = named.get(key, 0) + n
        elif kind == "anger" and int(sub) >= min_anger:
            angry[key] = angry.get(key, 0) + n
    names = dict(issues)

    def ref(key: str) -> dict[str, Any]:  # (a decision maker with no node: named by its key)
        props = dms.get(key)
        return {"key": key, "name": props.get("name", key) if props is not None else key,
                "title": props.get("title") if props is not None else None}

    shown = {k for k, n in named.items() if n} | {k for k, n in angry.items() if n}
    return {"issues": ranked_issues(
                {k: (names.get(k) or k, angry.get(k, 0), named.get(k, 0), namings.get(k, 0))
                 for k in shown - {""}}, tops, ref, first),
            # (.get in ranked_overall: on Neo4j a write may commit between the reads)
            "decision_makers": ranked_overall(tops.get("", ()), dm_issues, ref, first),
            "named": named.get("", 0)}


class Slice(NamedTuple):
    """What some people's entries are computed from (a store's ``_people_slice``): their own
    records (``sources``, and ``nodes``: the props of the nodes :func:`node_keys` and
    :func:`organizer_keys` name), their rows of anger, naming and contact assignment as a
    snapshot's, the decision makers they named, and the campaign's issues and organizers."""

    sources: list[Source]
    nodes: dict[str, dict[str, Any]]
    anger: list[tuple]
    named: list[tuple]
    assignments: list[tuple]
    issues: list[tuple]
    decision_makers: list[tuple]
    organizers: list[tuple]
    units: list[tuple] = []  # their rows of person_units (where they work)


def _said_yes(rows: Sequence[tuple], texts: Callable[[list[str]], Mapping[str, ConversationText]],
              campaign: str) -> Any:
    """A snapshot of every yes to an action of the people of ``rows`` (a store's
    ``_ask_rows``), with their words: what the campaign's shared actions are counted from."""
    from mapper.snapshot import Commitment, Conversation, Snapshot

    yeses = [(r[0], y) for r in rows if r[12] for y in orjson.loads(r[12])]
    words = texts(sorted({y[0] for _, y in yeses})) if yeses else {}
    said_yes = Snapshot(campaign)  # what shared_actions and _plans read: the yeses, by date
    for person, (cid, date, due) in sorted(yeses, key=lambda py: (py[1][1], py[1][0])):
        day = _day(date)
        conv = Conversation(cid, person, "", day)
        conv.commitment = Commitment(cid, person, True, True, "yes", _day(due), day)
        said_yes.conversations.append(conv)
    said_yes.texts = dict(words)
    return said_yes


def shared_action_words(rows: Sequence[tuple],
                        texts: Callable[[list[str]], Mapping[str, ConversationText]],
                        campaign: str) -> set[str]:
    """:func:`mapper.analytics.readiness.shared_actions` from stored rows (``_ask_rows``)."""
    from mapper.analytics.readiness import shared_actions

    return shared_actions(_said_yes(rows, texts, campaign))


@functools.lru_cache(maxsize=4096)
def _day(text: str | None) -> dt.date | None:
    # A campaign has a few hundred distinct dates and a row per person.
    return dt.date.fromisoformat(text) if text else None


class _Names(dict):
    """Issue names by key; an issue without a name is named by its key (as issue_name does)."""

    def __missing__(self, key: str) -> str:
        return key

    def __init__(self, rows: Iterable[tuple]) -> None:
        super().__init__((k, n) for k, n in rows if n)


def _angry_of(row: tuple, min_anger: int) -> dict[str, int] | None:
    """A row's (``_ask_rows``) issues it is angry about, at ``min_anger`` or more."""
    if not row[11]:
        return None
    return {i: a for i, a in orjson.loads(row[11]) if a >= min_anger} or None


class _Scorer:
    """The ask queue's score of a row (``_ask_rows``) against the campaign's counts, as
    :func:`mapper.analytics.readiness.ask_queue` sums it (own points, then anger, trust and ask
    history); None for someone not in the queue (not contacted, or committed)."""

    def __init__(self, shared: Mapping[str, int], name_of: Callable[[str], str],
                 today: dt.date | None, wait_days: int) -> None:
        from mapper.analytics.readiness import anger_points, trust_points

        self.shared, self.name_of, self.today, self.wait_days = shared, name_of, today, wait_days
        self.no_anger, self.no_trust = anger_points({}, [], shared), trust_points(0)

    def key(self, row: tuple, mine: dict[str, int] | None,
            trusted: set[str] | None) -> tuple | None:
        """``(not ready, -score, name, person)``: the queue's order."""
        from mapper.analytics.readiness import (anger_points, ask_history, ranked_issues,
                                                trust_points, waited)

        person, name, _, contacted, committed, _, own, ready, asked, said, tried = row[:11]
        if not contacted or committed:
            return None
        shared = self.shared
        points = (anger_points(mine, ranked_issues(mine, shared, self.name_of), shared)
                  if mine else self.no_anger)
        history, what, _ = ask_history(_day(asked), said, _day(tried), self.today,
                                       self.wait_days, ready == 2)
        score = round(own + points + (trust_points(len(trusted)) if trusted else self.no_trust)
                      + history, 1)
        return (not (ready and waited(what)), -score, name, person)


def kept_key(entry: Sequence[Any]) -> tuple:
    """A kept entry's place in the queue's order (``[person, score, ready, name, ...]``, as
    :meth:`AskRanking.stored` keeps it): the sort key :meth:`_Scorer.key` gives its row."""
    return (not entry[2], -entry[1], entry[3], entry[0])


def _shown_issues(mine: Mapping[str, int] | None) -> list[str]:
    """The keys of the issues someone is angry about, angriest first (as the lists show them)."""
    return sorted(mine, key=lambda i: (-mine[i], i)) if mine else []


class Listed(NamedTuple):
    """What a list of the queue filters and sorts a contact on, kept with the ranking: their
    name, unit, the organizer of their latest 1-on-1 and the keys of the issues they are angry
    about (:func:`_shown_issues`). No one's words."""

    name: str
    unit: str | None
    organizer: str | None
    issues: list[str]


def list_counts(columns: Iterable[Sequence[Any]]) -> dict[str, dict[str, int]]:
    """How many contacts hold each unit (none: ``""``), organizer and issue (its key), of
    each contact's ``(unit, organizer, issue keys)`` (a kept entry's last three columns,
    :class:`Listed`'s): what a list's filters offer, kept with a ranking
    (:meth:`AskRanking.list_counts`)."""
    columns = list(columns)
    units = collections.Counter(map(itemgetter(0), columns))
    if None in units:
        units[""] += units.pop(None)
    organizers = collections.Counter(map(itemgetter(1), columns))
    organizers.pop(None, None)
    organizers.pop("", None)
    issues = collections.Counter(itertools.chain.from_iterable(map(itemgetter(2), columns)))
    return {"unit": dict(units), "organizer": dict(organizers), "issues": dict(issues)}


def _count_into(counts: dict[str, dict[str, int]], columns: Iterable[Sequence[Any]],
                by: int) -> None:
    """``columns`` (as :func:`list_counts` takes them) counted into ``counts``, ``by`` each."""
    for column, n in list_counts(columns).items():
        held = counts[column]
        for value, times in n.items():
            if total := held.get(value, 0) + by * times:
                held[value] = total
            else:
                held.pop(value, None)


class KeptOrder(Protocol):
    """A kept ranking's order (:meth:`AskRanking.stored`'s entries) as a store reads it: whole
    (:class:`WholeOrder`), or page by page (``mapper.stores.base.PagedOrder``)."""

    #: How many entries it holds.
    count: int

    def entries(self) -> Iterator[list]:
        """Every entry, in order (read as reached)."""
        ...

    def held(self, people: Collection[str]) -> int:
        """How many of ``people`` it holds."""
        ...

    def kept_columns(self, people: Collection[str]) -> dict[str, list]:
        """``{person: [unit, organizer, issue keys]}`` of those of ``people`` it holds (what
        :func:`list_counts` counts): asked only of an order kept with ``list_counts``."""
        ...


class WholeOrder:
    """A kept order held whole (:class:`KeptOrder`): as older code kept it, in one answer."""

    def __init__(self, entries: list[list]) -> None:
        self.all, self.count = entries, len(entries)

    def entries(self) -> Iterator[list]:
        return iter(self.all)

    def held(self, people: Collection[str]) -> int:
        if not people:
            return 0
        wanted = people if isinstance(people, (set, frozenset)) else set(people)
        # (Counted in C: at a million people a generator over the entries took 0.1-0.4 s.)
        return sum(map(wanted.__contains__, map(itemgetter(0), self.all)))

    def kept_columns(self, people: Collection[str]) -> dict[str, list]:
        wanted = set(people)
        return {e[0]: e[4:7] for e in self.all if e[0] in wanted}


#: What tells the organizers of a campaign on its lists some people trust, still in the
#: workplace: ``{person: {organizer: (name, unit)}}`` (a store's ``_organizers_trusted``).
OrganizersOf = Callable[[list[str]], Mapping[str, Mapping[str, tuple]]]


class AskRanking:
    """The ask queue kept by a store (its ``_ask_rows``), ranked: :attr:`order` holds every
    contact, most ready first, as :func:`mapper.analytics.readiness.ask_queue` ranks them (the
    same parts of the score, summed in the same order: their stored own points, then anger,
    trust and ask history against the campaign's counts), and :attr:`listed` what a list
    filters and sorts each of them on; :meth:`entries` computes the full
    entries of some of them, by :func:`~mapper.analytics.readiness.ask_entry` on a snapshot of
    those people alone (``slice_of``) with the campaign's counts beside it. ``texts`` reads the
    words of the given 1-on-1s (the campaign's shared actions are counted from them).
    ``organizers_of`` tells the organizers of the campaign on its lists some people trust
    (``{person: {organizer: (name, unit)}}``, still in the workplace: a store's
    ``_organizers_trusted``): each may be their messenger, as a committed coworker is (no
    points: the score's trust is in the committed, kept in their rows); without it, none.
    ``organizing`` holds the organizers of the campaign among the people (a store's
    ``_organizing_contacts``, a few keys): they do the asking, and are never in the queue
    (their anger still counts in the campaign's counts)."""

    def __init__(self, rows: Sequence[tuple], slice_of: Callable[[list[str]], Slice], *,
                 campaign: str,
                 today: dt.date | None = None, min_anger: int = 3, wait_days: int = 30,
                 texts: Callable[[list[str]], Mapping[str, ConversationText]] | None = None,
                 organizers_of: OrganizersOf | None = None,
                 organizing: Collection[str] = ()) -> None:
        from mapper.analytics._common import issue_counts

        self.campaign, self.wait_days, self.texts = campaign, wait_days, texts
        self.organizers_of = organizers_of
        self.slice_of, self.min_anger = slice_of, min_anger
        #: Whether :attr:`rows` holds every row (ranked whole), or only some (:meth:`kept`).
        self.whole = True
        today_given = today
        if today is None:
            today = _day(max((r[5] for r in rows if r[5]), default=None))
        self.today = today
        angry: dict[str, dict[str, int]] = {}
        for r in rows:
            mine = _angry_of(r, min_anger)
            if mine:
                angry[r[0]] = mine
        self.angry = angry
        self.shared = shared = issue_counts(angry)
        self.rows = {r[0]: r for r in rows}
        self.trusts = trusts = {r[0]: set(orjson.loads(r[14])) for r in rows if r[14]}
        self._names: dict[str, str] | None = None
        self._plans: tuple[set[str], dict[str, tuple[str, int]]] | None = None
        name_of = self.issue_name
        if any(len(m) > 1 for m in angry.values()):
            names = _Names(slice_of([]).issues)
            self._names, name_of = names, names.__getitem__
        scorer = _Scorer(shared, name_of, today, wait_days)
        organizing = set(organizing)
        ranked, left_out = [], []
        for r in rows:
            k = scorer.key(r, angry.get(r[0]), trusts.get(r[0]))
            if k is not None:
                (left_out if r[0] in organizing else ranked).append(k)
        ranked.sort()
        #: The organizers the queue would hold but for that (kept with it: :meth:`kept`).
        self.organizing = sorted(k[3] for k in left_out)
        #: ``(person, score, ready)`` of every contact, in the queue's order.
        self.order = [(k[3], -k[1], not k[0]) for k in ranked]
        self.latest = today_given is None
        self.listed: dict[str, Listed] | None = {
            k[3]: self._listed(self.rows[k[3]]) for k in ranked}

    def plans(self) -> tuple[set[str], dict[str, tuple[str, int]]]:
        """The campaign's shared actions, and per issue the upcoming one most people angry
        about it said yes to (:func:`mapper.analytics.readiness._plans`): counted once per
        ranking, from every row's yeses and their words (``texts``)."""
        from mapper.analytics.readiness import _plans, shared_actions

        if self._plans is None:
            if self.texts is None:
                self._plans = set(), {}
            else:
                said_yes = _said_yes(list(self.rows.values()), self.texts, self.campaign)
                shared = shared_actions(said_yes)
                self._plans = shared, _plans(said_yes, self.angry, self.today, shared)
        return self._plans

    @classmethod
    def kept(cls, stored: Mapping[str, Any], changed: Sequence[tuple], gone: Iterable[str],
             slice_of: Callable[[list[str]], Slice], *, campaign: str, min_anger: int = 3,
             wait_days: int = 30,
             texts: Callable[[list[str]], Mapping[str, ConversationText]] | None = None,
             order: KeptOrder | None = None, shared: Mapping[str, int] | None = None,
             today: dt.date | None = None, organizers_of: OrganizersOf | None = None,
             organizing: Collection[str] = ()) -> "AskRanking":
        """The ranking a store kept (:meth:`stored`; its order as ``order`` reads it, else
        the stored one's own, whole), with the rows written since it was
        computed (``changed``, as ``_ask_rows`` reads them) and the people written since who
        are in the queue no more (``gone``): each changed row is scored again, against the
        campaign's counts of the issues people are angry about (``shared``: as of the same
        moment as ``changed``, :func:`angry_people`; else the kept ones), and takes its place
        in the kept order, judged on ``today`` (:func:`ranked_day`; the kept day when None:
        ``changed`` then holds those whose wait after an ask the move ends or begins,
        :func:`waits_moved`). :attr:`exact` says whether every kept score still holds. The
        entries of the people shown need their rows: :meth:`add_rows`. ``texts`` as the kept
        ranking was made with (its shared actions were kept); ``organizers_of`` and
        ``organizing`` as :class:`AskRanking` takes them: the kept order holds none of the
        organizers it was kept without (``stored["organizing"]``), and those organizing now
        leave it; one it was kept without who organizes no more is back only from her row,
        so it must be among ``changed``."""
        if texts is not None and stored.get("plans") is None:
            raise ValueError("a ranking kept without words, asked with words")
        self = cls.__new__(cls)
        self.campaign, self.wait_days, self.texts, self.slice_of = (campaign, wait_days, texts,
                                                                    slice_of)
        self.organizers_of = organizers_of
        self.min_anger, self.whole = min_anger, False
        self.today = _day(stored["today"]) if today is None else today
        #: Whether :attr:`today` is the date of the campaign's latest record (the ranking was
        #: asked without one): a row written since, dated later, moves it.
        self.latest = bool(stored.get("latest"))
        self.shared = dict(stored["shared"] if shared is None else shared)
        self.rows, self.angry, self.trusts = {}, {}, {}
        self._names = None
        plans = stored.get("plans")
        self._plans = (None if plans is None else
                       (set(plans[0]), {i: tuple(p) for i, p in plans[1].items()}))
        self.add_rows(changed)
        for mine in self.angry.values():  # an issue no one else was angry about: theirs
            for issue in mine:
                self.shared.setdefault(issue, 1)
        #: The issues whose points moved while people not written since are angry about
        #: them (:meth:`_points_moved`): those people's scores may have moved. With their
        #: rows among ``changed`` they hold again.
        self.unsettled = self._points_moved(stored["shared"]) if shared is not None else set()
        #: Whether the kept order's scores all hold: each written since is scored again, and
        #: nobody else's score owes anything to what moved (no issue :attr:`unsettled`). Only
        #: the shared actions suggested (:meth:`plans`) are then as of the kept ranking. Never
        #: for a ranking as of the latest record: its day can move back unseen (the latest
        #: 1-on-1 dated earlier, or its person gone from the workplace).
        self.exact = shared is not None and not self.latest and not self.unsettled
        scorer = _Scorer(self.shared, self.issue_name, self.today, wait_days)
        # (Those it was kept without are not in it: their buckets need not be read.)
        organizing = set(organizing)
        moved = ({r[0] for r in changed} | set(gone)
                 | (organizing - set(stored.get("organizing", ()))))
        fresh = sorted(k for r in changed if r[0] not in organizing
                       and (k := scorer.key(r, self.angry.get(r[0]), self.trusts.get(r[0])))
                       is not None)
        # The kept entries are merged with those re-scored when read: a page reads its head
        # (:meth:`head`), a list every one (:attr:`order`, :attr:`listed`).
        self._kept: KeptOrder = order if order is not None else WholeOrder(stored["order"])
        #: The kept order's :func:`list_counts` (None where kept by older code, without).
        self._kept_counts: dict[str, dict[str, int]] | None = stored.get("list_counts")
        self._moved, self._fresh = moved, fresh
        self._fresh_listed = {k[3]: self._listed(self.rows[k[3]]) for k in fresh}
        return self

    def _points_moved(self, kept_shared: Mapping[str, int]) -> set[str]:
        """The issues through which the score of someone not written since may have moved,
        given how many are angry about each issue then (``kept_shared``) and now
        (:attr:`shared`): someone's score owes those counts only the points of their top issue
        (:func:`~mapper.analytics.readiness.shared_points`), the same for any count of 8 or
        more (the top issue chosen by them among equally angry ones scores the same). So each
        score holds but for the issues whose points moved while someone not written since is
        angry about them (their count now, less those written since who are). Those people
        were counted both then and now, and points move only below 8 people: fewer than 8
        such people an issue."""
        from mapper.analytics.readiness import shared_points

        now = self.shared
        written = collections.Counter(i for mine in self.angry.values() for i in mine)
        # (An issue no one is angry about now scores as one person's, but no one not written
        # since can be angry about it: their rows would still count them.)
        return {issue for issue in kept_shared.keys() | now.keys()
                if (before := kept_shared.get(issue, 1)) != (after := now.get(issue, 1))
                and shared_points(before) != shared_points(after)
                and now.get(issue, 0) - written[issue] > 0}

    def _merged(self) -> Iterator[tuple[str, float, bool]]:
        """:attr:`order` of a kept ranking, one at a time."""
        moved = self._moved
        kept = (kept_key(e) for e in self._kept.entries() if e[0] not in moved)
        return ((k[3], -k[1], not k[0]) for k in heapq.merge(kept, self._fresh))

    @functools.cached_property
    def order(self) -> list[tuple[str, float, bool]]:
        """``(person, score, ready)`` of every contact, in the queue's order."""
        return list(self._merged())

    @functools.cached_property
    def listed(self) -> dict[str, Listed] | None:
        """What a list filters and sorts each contact on (:class:`Listed`); None when the
        ranking was kept by older code, without it (a list ranks the queue whole again)."""
        listed = {}
        moved = self._moved
        for e in self._kept.entries():
            if len(e) != 7:
                return None
            if e[0] not in moved:
                listed[e[0]] = Listed(*e[3:])
        listed.update(self._fresh_listed)
        return listed

    def head(self, n: int | None) -> list[tuple[str, float, bool]]:
        """The first ``n`` of :attr:`order` (every one: None); of a kept ranking, without
        merging the rest (at a million people, the whole order takes a third of a second)."""
        if n is None or "order" in self.__dict__ or self.whole:
            return self.order[:n]
        return list(itertools.islice(self._merged(), n))

    def head_entries(self, n: int) -> list[tuple]:
        """The first ``n`` of :attr:`order` as :meth:`changes` gives its entries (``(person,
        score, ready, *Listed)``, what a list shows of each): of a kept ranking, from the
        pages those are on and the people scored again, the rest of the order not read (a
        list's first rows in a new process: every page read and made rows took 1.6 s at a
        million people). Raises :class:`ValueError` for a ranking kept without its list
        columns (:meth:`listable`)."""
        if self.whole or "listed" in self.__dict__:
            listed = self.listed
            if listed is None:
                raise ValueError("a ranking kept without its list columns")
            return [(p, score, ready, *listed[p]) for p, score, ready in self.head(n)]
        moved, fresh_listed = self._moved, self._fresh_listed
        kept = ((kept_key(e), e) for e in self._kept.entries() if e[0] not in moved)
        fresh = ((k, (k[3], -k[1], not k[0], *fresh_listed[k[3]])) for k in self._fresh)
        out = []
        for _, e in itertools.islice(heapq.merge(kept, fresh, key=itemgetter(0)), n):
            if len(e) != 7:
                raise ValueError("a ranking kept without its list columns")
            out.append(tuple(e))
        return out

    def list_counts(self) -> dict[str, dict[str, int]] | None:
        """How many contacts of :attr:`order` hold each unit, organizer and issue
        (:func:`list_counts`): what a list's filters offer. Of a kept ranking, its kept counts
        with the people written since taken out as kept (their columns read from the buckets
        they are in) and put back as scored again, the order not read (at a million people,
        a list's every row made first took 2 s in a new process). None for a ranking kept
        without its counts, by older code: a list then counts its rows."""
        if self.whole or "listed" in self.__dict__:
            listed = self.listed
            return None if listed is None else list_counts(l[1:] for l in listed.values())
        if self._kept_counts is None:
            return None
        before = self._kept.kept_columns(self._moved)
        counts = {c: dict(n) for c, n in self._kept_counts.items()}
        _count_into(counts, before.values(), -1)
        _count_into(counts, (l[1:] for l in self._fresh_listed.values()), 1)
        return counts

    def changes(self) -> "tuple[KeptOrder, frozenset[str], list[tuple]] | None":
        """What :attr:`order` and :attr:`listed` merge, for a list that holds the kept order
        from one version of the store to the next and merges only what moved: the kept order;
        the people written or gone since (their kept entries hold no more); and the entries
        of those scored again, in order, as the kept ones are (``(person, score, ready,
        *Listed)``, placed by :func:`kept_key`). None for a ranking computed whole (its
        :attr:`order` is all)."""
        if self.whole:
            return None
        listed = self._fresh_listed
        return self._kept, frozenset(self._moved), [
            (k[3], -k[1], not k[0], *listed[k[3]]) for k in self._fresh]

    def listable(self) -> bool:
        """Whether :attr:`listed` holds what a list filters and sorts on (a ranking kept by
        older code does not), told from its first entry: not built for it."""
        if self.whole or "listed" in self.__dict__:
            return self.listed is not None
        first = next(iter(self._kept.entries()), None)
        return first is None or len(first) == 7

    def read_kept(self) -> None:
        """Read every page of the kept order now (:class:`TornRanking` if it was kept anew
        meanwhile), without merging it (:attr:`order`: a third of a second at a million)."""
        if not self.whole:
            collections.deque(self._kept.entries(), maxlen=0)

    @functools.cached_property
    def count(self) -> int:
        """How many contacts :attr:`order` holds."""
        if "order" in self.__dict__ or self.whole:
            return len(self.order)
        return self._kept.count - self._kept.held(self._moved) + len(self._fresh)

    def _listed(self, row: tuple) -> Listed:
        return Listed(row[1], row[2], row[13], _shown_issues(self.angry.get(row[0])))

    def add_rows(self, rows: Iterable[tuple]) -> None:
        """Rows (``_ask_rows``) of people shown, or trusted by them, for :meth:`entries`."""
        min_anger = getattr(self, "min_anger", 3)
        for r in rows:
            self.rows[r[0]] = r
            mine = _angry_of(r, min_anger)
            if mine:
                self.angry[r[0]] = mine
                for issue in mine:
                    self.shared.setdefault(issue, 1)
            if r[14]:
                self.trusts[r[0]] = set(orjson.loads(r[14]))

    def stored(self) -> dict[str, Any]:
        """What a store keeps of this ranking: its day (and whether it is the date of the
        latest record), order (each entry ``[person, score, ready, name, unit, organizer,
        issues]``: what a list filters and sorts on, :class:`Listed`), the campaign's
        counts of the issues people are angry about, and its shared actions and plans (words
        of the campaign's shared actions only) when it was ranked with words; and the
        organizers it was ranked without (:attr:`organizing`)."""
        plans = None
        if self.texts is not None:
            actions, per_issue = self.plans()
            plans = [sorted(actions), {i: list(p) for i, p in per_issue.items()}]
        if self.listed is None:
            raise ValueError("a ranking without its list columns cannot be kept")
        listed = self.listed
        return {"today": self.today.isoformat() if self.today else None, "latest": self.latest,
                "order": [[p, score, ready, *listed[p]] for p, score, ready in self.order],
                "shared": self.shared, "plans": plans, "organizing": self.organizing}

    def shared_words(self) -> "AskRanking":
        """This ranking, its entries naming the campaign's shared actions only (those its
        plans count, as :func:`mapper.analytics.texts.campaign_texts` keeps them): what every
        reader of a list may see, whoever held the conversations; its plans counted first,
        from every word ``texts`` reads."""
        import copy

        if self.texts is None:
            return self
        actions = self.plans()[0]
        every = self.texts

        def shared(ids: list[str]) -> dict[str, ConversationText]:
            return {cid: ConversationText(t.action) for cid, t in every(ids).items()
                    if t.action in actions}
        narrowed = copy.copy(self)  # (whoever holds this one keeps its words)
        narrowed.texts = shared
        return narrowed

    def issue_name(self, key: str) -> str:
        if self._names is None:
            self._names = _Names(self.slice_of([]).issues)
        return self._names[key]

    def entries(self, shown: Sequence[str]) -> list[dict[str, Any]]:
        """The full entries of ``shown`` (people of :attr:`order`), in that order; of a
        kept ranking, without anyone whose records are gone since their row was read (a
        forget as the list was drawn), and trusting only those whose rows were read (one
        gone from the workplace meanwhile has none: :meth:`add_rows`)."""
        from mapper.analytics._common import latest_named, person_states
        from mapper.analytics.attempts import asked_in_attempts, failed_attempts, refused_asks
        from mapper.analytics.readiness import AskContext, ask_entry
        from mapper.snapshot import with_texts

        campaign, present = self.campaign, self.rows
        shown = [p for p in shown if p in present]
        if not shown:
            return []
        trusts = {p: {n for n in self.trusts[p] if n in present}
                  for p in shown if p in self.trusts}
        near = self.organizers_of(shown) if self.organizers_of is not None else {}
        told = {o: name_unit for found in near.values() for o, name_unit in found.items()}

        def facts(p: str) -> tuple:  # (name, unit), as a row read holds them, else as told
            row = present.get(p)
            return (row[1], row[2]) if row is not None else told[p]
        # Those shown, the committed people and the organizers on the lists they trust (a
        # messenger's name and unit).
        known = sorted({*shown, *(n for p in shown for n in trusts.get(p, ())),
                        *(o for p in shown for o in near.get(p, ()))})
        part = self.slice_of(shown)
        self._names = self._names or _Names(part.issues)
        snap = _snapshot_of(
            campaign, known, part.sources, part.nodes,
            [(p, facts(p)[1], None, None, False, False, None) for p in known],
            part.anger, part.named, names=[(p, facts(p)[0]) for p in known],
            issues=part.issues, decision_makers=part.decision_makers,
            organizers=part.organizers, assignments=part.assignments)
        campaign_actions: set[str] = set()
        plans: dict[str, tuple[str, int]] = {}
        if self.texts is not None:
            campaign_actions, plans = self.plans()  # the campaign's: once per ranking
            mine = self.texts([c.id for c in snap.conversations]) if snap.conversations else {}
            snap = with_texts(snap, dict(mine))
        ctx = AskContext(
            today=self.today, angry={p: self.angry[p] for p in shown if p in self.angry},
            shared=self.shared, trusts={p: trusts[p] for p in shown if p in trusts},
            named=latest_named(snap), tries=failed_attempts(snap) if snap.updates else {},
            asked_by_attempt=asked_in_attempts(snap) if snap.updates else {},
            campaign_actions=campaign_actions, plans=plans,
            refused=refused_asks(snap) if snap.updates else set(),
            organizers={p: set(near[p]) for p in shown if p in near})
        states = person_states(snap)
        return [ask_entry(snap, p, states[p], ctx, self.wait_days) for p in shown
                if p in states]


def ask_queue(rows: Sequence[tuple], slice_of: Callable[[list[str]], Slice], *, campaign: str,
              today: dt.date | None = None, limit: int | None = None, min_anger: int = 3,
              wait_days: int = 30, offset: int = 0,
              texts: Callable[[list[str]], Mapping[str, ConversationText]] | None = None,
              organizers_of: OrganizersOf | None = None, organizing: Collection[str] = ()
              ) -> tuple[list[dict[str, Any]], int]:
    """:func:`mapper.analytics.readiness.ask_queue` from stored rows (a store's ``_ask_rows``)
    from ``offset``, at most ``limit`` entries, and how many contacts the whole queue holds
    (see :class:`AskRanking`)."""
    ranking = AskRanking(rows, slice_of, campaign=campaign, today=today,
                         min_anger=min_anger, wait_days=wait_days, texts=texts,
                         organizers_of=organizers_of, organizing=organizing)
    end = None if limit is None else offset + limit
    return ranking.entries([p for p, _, _ in ranking.order[offset:end]]), len(ranking.order)


def _per_day(dates: Iterable[tuple[str | None, int]]) -> dict[dt.date, int]:
    per_day: dict[dt.date, int] = {}
    for text, n in dates:
        if text:
            day = _day(text)
            per_day[day] = per_day.get(day, 0) + n
    return per_day


def overview_of(counts: dict[str, int], assessment: Mapping[Any, int], asks: Mapping[str, int],
                stats: Mapping[str, Sequence[int]], dates: Iterable[tuple[str, int]],
                issues: Iterable[tuple], *, top: int = 5) -> dict[str, Any]:
    """The overview from what a store counted: ``counts``, contacted people by assessment,
    asks by answer, ``{issue: (people angry, their summed anger)}``, 1-on-1s per date."""
    from mapper.analytics.overview import weeks_of

    names = _Names(issues)
    tops = sorted(stats, key=lambda i: (-stats[i][0], -stats[i][1], names[i], i))[:top]
    return {
        "counts": counts,
        "conversations_per_week": weeks_of(_per_day(dates)),
        "assessment": {**{str(i): assessment.get(i, 0) for i in range(1, 6)},
                       "unrated": assessment.get(None, 0)},
        "commitments": {k: asks.get(k, 0)
                        for k in ("asked", "yes", "maybe", "no", "unanswered", "kept", "missed")},
        "top_issues": [{"key": i, "name": names[i], "people": stats[i][0],
                        "mean_anger": round(stats[i][1] / stats[i][0], 2)} for i in tops],
    }


#: The columns of a committed person's row (:class:`PersonRow`) a store reads for
#: :func:`took_action` (the first five and ``missed``) and :func:`ladder` (all of them).
COMMITTED_FIELDS = ("kept", "yes_count", "yes_due", "missed_latest", "brought", "person",
                    "name", "unit", "assessment", "missed", "yes_asks")


def _took(kept: int, yes_count: int, yes_due: str | None, missed_latest: int,
          day: str | None, missed: int | None = 0) -> bool:
    """Whether a committed person took action (the ladder's second rung): kept a commitment,
    said yes twice with a yes before the latest not marked missed (``missed``: their
    commitments marked missed), or their yes is due before ``day`` (ISO) and was not marked
    missed."""
    return (kept > 0 or yes_count - (missed or 0) + (1 if missed_latest else 0) >= 2
            or (yes_due is not None and day is not None and yes_due < day
                and not missed_latest))


def ladder_level(row: Sequence[Any], day: str | None) -> int:
    """The ladder's rung (1-4) of a committed person's row (:data:`COMMITTED_FIELDS`) as of
    ``day`` (ISO): leads in their unit (brought a coworker, assessed 1), brought a coworker,
    took action (:func:`_took`), said yes. Each from the row's own columns."""
    if row[4]:
        return 4 if row[8] == 1 else 3
    return 2 if _took(*row[:4], day, row[9]) else 1


def angry_about(rows: Iterable[Sequence[Any]], issue: str, min_anger: int = 3
                ) -> list[dict[str, Any]]:
    """:func:`dashboard.tables.people_angry_about` from the read model's rows ``(person, name,
    unit, angers)`` (those of the people angry about ``issue`` in some 1-on-1, and maybe
    more): whose latest anger about it is at least ``min_anger``, angriest first.

    >>> angry_about([("p:a", "Ana", "ICU", '[["i:pay",4],["i:x",5]]'), ("p:b", "Ben", None,
    ...              '[["i:pay",2]]'), ("p:c", "Cam", "ER", '[["i:pay",5]]')], "i:pay")
    [{'person': 'p:c', 'name': 'Cam', 'unit': 'ER', 'anger': 5}, {'person': 'p:a', 'name': 'Ana', 'unit': 'ICU', 'anger': 4}]
    """
    out = []
    for person, name, unit, angers in rows:
        anger = dict(map(tuple, orjson.loads(angers))).get(issue) if angers else None
        if anger is not None and anger >= min_anger:
            out.append({"person": person, "name": name or person, "unit": unit, "anger": anger})
    out.sort(key=lambda r: (-r["anger"], r["name"].casefold(), r["person"]))
    return out


def took_action(rows: Iterable[Sequence[Any]], day: str | None) -> int:
    """:func:`mapper.analytics.readiness.took_action` from the rows (:data:`COMMITTED_FIELDS`,
    the first five and ``missed``, the tenth) of the committed people still in the workplace,
    as of ``day`` (ISO): those who kept a commitment, said yes twice (not both missed), whose
    yes is due before ``day`` and not marked missed, or who brought a coworker."""
    return sum(1 for r in rows if r[4] or _took(*r[:4], day, r[9]))


def _neighbours(people: Collection[str],
                pairs: Callable[[list[str]], Iterable[tuple[str, str]]]) -> dict[str, set[str]]:
    """``{person: distinct neighbours}`` of ``people`` over ties and referrals (``pairs``:
    ``(person, neighbour)`` of each tie or referral of each of them, either way round), as
    :func:`mapper.analytics._common.trust_adjacency` finds them before anyone gone is left
    out."""
    out: dict[str, set[str]] = {}
    for a, b in pairs(sorted(people)):
        if a != b:
            out.setdefault(a, set()).add(b)
    return out


def trusted_by(pairs: Iterable[tuple[Any, Any]], left: Collection[Any]) -> dict[Any, int]:
    """``{person: distinct neighbours still in the workplace}`` from the ``(person,
    neighbour)`` pairs of each tie and referral of some people, either way round, and those
    who left (``left``): how many each of them trusts in
    :func:`mapper.analytics._common.trust_adjacency` of the people still there (keys, or a
    store's own ids of them)."""
    near: dict[Any, set] = {}
    for a, b in pairs:
        if a != b:
            near.setdefault(a, set()).add(b)
    return {p: len(ms) - sum(1 for m in ms if m in left) for p, ms in near.items()}


def _coworkers_to_bring(people: Collection[str],
                        standing: Callable[[list[str]], Mapping[str, tuple]],
                        trusting: Callable[[list[str]], Mapping[str, int]],
                        pairs: Callable[[list[str]], Iterable[tuple[str, str]]],
                        organizing: Callable[[list[str]], Collection[str]]
                        ) -> dict[str, str]:
    """The name of the coworker each of ``people`` (committed, still in the workplace) trusts
    who is not yet spoken with, still in the workplace and not an organizer of the campaign
    (``organizing``), the one trusted by most people still there first (then by name, key):
    the ladder's suggestion at its second rung. Read from their ties, their neighbours' rows,
    and how many people still there each of those not spoken with trusts (``trusting``,
    :func:`trusted_by`): two steps out, never the campaign. Someone no row is about (none
    should be) counts as there and not spoken with."""
    near = _neighbours(people, pairs)
    known = standing(sorted({n for ns in near.values() for n in ns}))
    new = set()
    for n in {n for ns in near.values() for n in ns}:
        s = known.get(n)
        if s is None or not (s[1] or s[2]):
            new.add(n)
    if new:
        new -= set(organizing(sorted(new)))
    if not new:
        return {}
    # (Only where there is a choice: someone with one coworker to bring names that one.)
    choices = {p: [n for n in near.get(p, ()) if n in new] for p in people}
    several = {n for found in choices.values() if len(found) > 1 for n in found}
    trusted = trusting(sorted(several)) if several else {}

    def name(n: str) -> str:
        s = known.get(n)
        return s[0] if s is not None else n
    out = {}
    for p, found in choices.items():
        if found:
            out[p] = name(found[0] if len(found) == 1 else
                          min(found, key=lambda n: (-trusted.get(n, 0), name(n), n)))
    return out


def ladder(rows: Iterable[Sequence[Any]], day: str | None,
           standing: Callable[[list[str]], Mapping[str, tuple]],
           trusting: Callable[[list[str]], Mapping[str, int]],
           pairs: Callable[[list[str]], Iterable[tuple[str, str]]],
           slice_of: Callable[[list[str]], Slice], *, campaign: str,
           organizing: Callable[[list[str]], Collection[str]],
           texts: Callable[[list[str]], Mapping[str, ConversationText]] | None = None,
           first: int | None = None) -> list[dict[str, Any]]:
    """:func:`mapper.analytics.readiness.ladder` from the rows (:data:`COMMITTED_FIELDS`) of
    the committed people still in the workplace, as of ``day`` (ISO), and a few more rows:

    - ``standing(people)``: ``{person: (name, contacted, left, ...)}`` of those of
      ``people`` a row is about (the coworkers they trust not yet spoken with, at the second
      rung, and who trusts those);
    - ``trusting(people)``: ``{person: how many people still in the workplace they trust}``
      (over ties and referrals, :func:`trusted_by`) of ``people``;
    - ``pairs(people)``: ``(person, neighbour)`` of each tie and referral of each of
      ``people``, either way round (:meth:`~mapper.stores.base.Store._trust_pairs`);
    - ``organizing(people)``: those of ``people`` who are organizers of the campaign
      (:func:`mapper.analytics._common.organizing_among`; never a coworker to bring), asked
      of the coworkers not yet spoken with;
    - ``slice_of(people)``: the records of the few people whose yeses were not all to an
      action (:class:`Slice`): their latest yes and the date of their first are read from
      their 1-on-1s; everyone else's from their row's yeses (``yes_asks``);
    - ``texts``: reads the words of the given 1-on-1s (the pending action at the first rung),
      for a reader allowed to see them; without it, "the agreed action".

    With ``first``, only the first ``first`` entries: every row's rung is found from its own
    columns (:func:`ladder_level`), the rows are put in the ladder's order, and only those
    shown are read further (their yeses, the coworker to bring, the words). ``rows`` may then
    be only the first ``first`` rows in that order (:func:`ladder_candidates`)."""
    from mapper.analytics._common import UNKNOWN_UNIT, iso, person_states
    from mapper.analytics.readiness import RUNGS, next_step

    rows = list(rows)
    levels = {r[5]: ladder_level(r, day) for r in rows}
    rows.sort(key=lambda r: _ladder_key(levels[r[5]], r))
    if first is not None:
        rows = rows[:first]
    # Each one's latest yes (1-on-1, whether to an action, its due date) and their first's date.
    latest: dict[str, tuple[str, bool, str | None]] = {}
    since: dict[str, str | None] = {}
    need = []
    for r in rows:
        person, said = r[5], orjson.loads(r[10]) if r[10] else []
        if said and len(said) == r[1]:  # every yes was to an action: each is in yes_asks
            cid, _, due = max(said, key=lambda y: (y[1], y[0]))  # (as 1-on-1s are ordered)
            latest[person] = (cid, True, due)
            since[person] = min(y[1] for y in said)
        else:
            need.append(person)
    if need:
        part = slice_of(need)
        for person, st in person_states(_snapshot_of(campaign, need, part.sources,
                                                     part.nodes)).items():
            com = st.response
            if com is not None:
                latest[person] = (com.conversation, com.has_action, iso(com.due))
            since[person] = iso(st.first_yes)
    bring = _coworkers_to_bring([r[5] for r in rows if levels[r[5]] == 2], standing,
                                trusting, pairs, organizing)
    pending = [latest[r[5]][0] for r in rows
               if levels[r[5]] == 1 and r[5] in latest and latest[r[5]][1]]
    words = texts(sorted(set(pending))) if texts is not None and pending else {}
    out = []
    for r in rows:
        kept, yes_count, _, missed_latest, _, person, name, unit, _, missed = r[:10]
        level = levels[person]
        unit = unit or UNKNOWN_UNIT
        cid, has_action, due = (latest.get(person, (None, False, None)) if level == 1
                                else (None, False, None))
        text = words.get(cid) if has_action else None
        step = next_step(level, unit, has_action=has_action, missed=missed_latest,
                         action=text.action if text is not None else None, due=due,
                         coworker=bring.get(person))
        out.append({
            "person": person,
            "name": name,
            "unit": unit,
            "level": level,
            "rung": RUNGS[level - 1],
            "next_rung": RUNGS[level],
            "next_step": step,
            "yes_count": yes_count,
            "since": since.get(person),
            "kept": kept,
            "missed": missed,
        })
    return out


def _ladder_key(level: int, row: Sequence[Any]) -> tuple:
    """Where a committed person's row (:data:`COMMITTED_FIELDS`) on rung ``level`` stands in
    the ladder's order: the higher rung first, then more yeses, then name, key."""
    return -level, -row[1], row[6], row[5]


def ladder_candidates(rows: Iterable[Sequence[Any]], day: str | None, first: int
                      ) -> list[Sequence[Any]]:
    """Of the rows (:data:`COMMITTED_FIELDS`) of the committed people still in the workplace,
    the first ``first`` in the ladder's order as of ``day`` (ISO), each on its rung by its
    own columns (:func:`ladder_level`). A store's query picks the same with its own sort."""
    return sorted(rows, key=lambda r: _ladder_key(ladder_level(r, day), r))[:first]


def assignees(rows: Iterable[tuple[str, str | None, str, Any]]) -> dict[str, str]:
    """``{person: organizer's name}`` (:meth:`mapper.stores.base.Store.assignees`) from
    ``(organizer key, organizer name, person, date)`` of each contact assignment: each
    person's latest (:func:`mapper.snapshot.latest_assignments`), named as
    :func:`mapper.analytics.status.assignee` names it."""
    from mapper.snapshot import latest_assignments

    rows = list(rows)
    names = {o: name for o, name, _, _ in rows}
    latest = latest_assignments((o, p, date) for o, _, p, date in rows)
    return {p: names[o] or o.split(":", 2)[-1] for p, (o, _, _) in latest.items()}


def my_list(assignments: Sequence[tuple], slice_of: Callable[[list[str]], Slice], *,
            campaign: str, today: dt.date, organizer: str | None = None) -> dict[str, Any]:
    """:func:`mapper.analytics.my_list.my_list` from the campaign's contact assignments
    (``(organizer key, person, date)``) and a snapshot of the people assigned alone (of
    ``organizer``'s, when given): each one's next step depends on their own records only."""
    from mapper.analytics.my_list import my_list as from_snapshot
    from mapper.snapshot import latest_assignments

    # (Each person's latest only: two may name her once an alias joins two spellings.)
    assignments = list(latest_assignments(assignments).values())
    part = slice_of([])
    if organizer is not None:
        names = dict(part.organizers)
        wanted = normalize(organizer)
        assignments = [a for a in assignments
                       if normalize(names.get(a[0]) or a[0].split(":", 2)[-1]) == wanted]
    people = sorted({a[1] for a in assignments})
    if people:
        part = slice_of(people)
    snap = _snapshot_of(campaign, people, part.sources, part.nodes, part.units,
                        part.anger, part.named, organizers=part.organizers,
                        assignments=list(assignments))
    return from_snapshot(snap, today=today, organizer=organizer)


def follow_ups(items: Iterable[Item], organizers: Iterable[str], *, today: dt.date,
               horizon_days: int = 7,
               texts: Callable[[list[str]], Mapping[str, ConversationText]] | None = None,
               counts: Mapping[str, tuple[int, int]] | None = None) -> dict[str, Any]:
    """:func:`mapper.analytics.follow_ups.follow_ups` answered from stored items.

    ``items`` are the campaign's stored items (those due by ``today + horizon_days`` are
    enough); ``organizers`` every organizer's name in the campaign; ``texts`` reads the words
    of the given 1-on-1s (own ids) for a reader allowed to see them — only those of the items
    shown are asked for. The answer is the one the snapshot gives with those words.

    ``counts`` (``{organizer: (overdue, items)}``), when ``items`` are one page of the list:
    each organizer's and the totals' counts come from it, the items listed from ``items``.
    """
    last = _after(today, horizon_days)
    kept = [i for i in items if dt.date.fromisoformat(i.due) <= last]
    wanted = sorted({i.conversation for i in kept if i.kind in UNNAMED})
    words = texts(wanted) if texts and wanted else {}
    by_org: dict[str, list[dict[str, Any]]] = {}
    for i in kept:
        due = dt.date.fromisoformat(i.due)
        days = (today - due).days
        if i.kind not in UNNAMED:  # worded by the view (a thank-you, a talk again)
            what = i.what
        else:
            w = words.get(i.conversation)
            text = (w.assignment if i.kind == "assignment" else w.action) if w else None
            what = text or UNNAMED[i.kind]
        by_org.setdefault(i.organizer, []).append({
            "id": i.id, "person": i.person, "conversation": i.conversation, "name": i.name,
            "kind": i.kind, "what": what, "conversation_date": i.conversation_date,
            "due": i.due, "days_overdue": days, "status": "overdue" if days > 0 else "due"})
    out = []
    totals = {"overdue": 0, "due": 0}
    named = set(organizers) | set(by_org) | set(counts or ())
    for org in sorted(named, key=lambda o: (o.casefold(), o)):
        shown = sorted(by_org.get(org, []), key=lambda i: (
            -i["days_overdue"], _KIND_ORDER[i["kind"]], i["name"], i["person"], i["what"]))
        if counts is None:
            overdue, n = sum(1 for i in shown if i["status"] == "overdue"), len(shown)
        else:
            overdue, n = counts.get(org, (0, 0))
        totals["overdue"] += overdue
        totals["due"] += n - overdue
        out.append({"organizer": org, "overdue": overdue, "due": n - overdue, "items": shown})
    return {"today": today.isoformat(), "horizon_days": horizon_days, "organizers": out,
            "totals": totals}


def page_counts(totals: Iterable[tuple[str, int]],
                later: Iterable[tuple[str, int, int]]) -> dict[str, tuple[int, int]]:
    """``{organizer: (overdue, items)}`` of the items due by a day (``due_by``), from each
    organizer's count of open items (``totals``: ``(organizer, n)``, every date) and rows
    ``(organizer, after, coming)`` counted over the items due from ``min(today, due_by)`` on:
    ``after`` those due after ``due_by``, ``coming`` those due from ``today`` to ``due_by``
    (due, not overdue). What :func:`follow_ups` takes as ``counts`` for a page: a store reads
    its kept totals and the few items still to come, not every item of the campaign."""
    ahead = {o: (a, c) for o, a, c in later}
    out = {}
    for org, n in totals:
        after, coming = ahead.get(org, (0, 0))
        items = int(n) - int(after)
        if items > 0:
            out[org] = (items - int(coming), items)
    return out


def page_plan(counts: Mapping[str, tuple[int, int]], organizers: Iterable[str],
              limit: int | None, only: str | None = None) -> list[tuple[str, int, int]]:
    """Whose items a page of the follow-ups lists and how many: ``(organizer, shown, items)``
    in the list's order (organizers by name, as :func:`follow_ups` orders them), the first
    ``limit`` items in all (every one: None); only ``only``'s (an organizer's name) if given."""
    plan = []
    left = limit
    for org in sorted(set(organizers) | set(counts), key=lambda o: (o.casefold(), o)):
        n = counts.get(org, (0, 0))[1]
        if not n or (only is not None and org != only):
            continue
        if left is not None and left <= 0:
            break
        shown = n if left is None else min(n, left)
        plan.append((org, shown, n))
        if left is not None:
            left -= shown
    return plan


def head_items(first: Callable[[int | None], list[Item]], on: Callable[[str], list[Item]],
               shown: int, items: int) -> list[Item]:
    """An organizer's first ``shown`` of ``items`` items by due date, with every item due
    the day the page ends on (their order within a day is settled by :func:`follow_ups`):
    ``first(n)`` reads their first ``n`` by due date (all: None), ``on(day)`` those due
    that day."""
    if shown >= items:
        return first(None)
    rows = first(shown)
    if len(rows) < shown:
        return rows
    last = rows[-1].due
    return [r for r in rows if r.due < last] + on(last)


def _after(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min
