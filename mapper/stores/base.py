"""The store contract: what the embedded store and Neo4j both promise."""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
import functools
import json
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson
from pydantic import ValidationError

from mapper.models import (RECORD_KINDS, STORED, AliasRow, HierarchyRow, OneOnOne, Record,
                           body_hash)
from mapper.projection import (Aliases, KeyLog, Projection, hierarchy_id, project, record_id,
                               record_kind, tie_id)
from mapper.snapshot import Snapshot, SnapshotRows, build_snapshot, gc_paused

if TYPE_CHECKING:
    from mapper import readmodel

__all__ = ["Store", "StoredRecord", "WriteResult", "PersonHit", "EXPORT_ORDER", "settle",
           "Reprojection", "Rebuild", "Upkeep", "StoredAnswer", "KEPT_WORDS", "kept_words"]

# Export order makes a re-import build the same graph: aliases key names, the roster and the
# hierarchy name nodes first, conversations follow in date order, then what happened after them.
# Ties after 1-on-1s: a tie names a person known by a custom id by her key's last part
# (#...), and the record that first projects a node names it; projected (re-projection, an
# export imported) before the 1-on-1 that brought her in, her name would be "#...".
# (A re-projection under way across this change is started over: see _position.)
EXPORT_ORDER = ("alias", "roster", "hierarchy", "conversation", "tie", "update", "assignment")

#: The words of a 1-on-1 that lists show beside it, to a reader allowed to see them
#: (:func:`mapper.analytics.texts.read_texts`): a store may keep them apart from the rest of
#: the record, so a list reads these, not every story (:func:`kept_words`).
KEPT_WORDS = ("ask.action", "follow_up.assignment")


#: :attr:`StoredRecord.expect` of a record written whatever version of its id is stored.
ANY = "*"


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as the store keeps it: the unit of truth."""

    id: str
    kind: str
    campaign: str
    hash: str
    body: dict[str, Any]
    projection: Projection | None = None
    # False when the store is known not to hold this id: nothing to drop before writing.
    # Only a hint: inside its write transaction the store checks again which ids it holds,
    # since another process may have written them since (concurrent imports of one file).
    replacing: bool = True
    # A re-projection (after an alias): written even though its content is unchanged.
    reproject: bool = False
    # The version (hash) of this id the writer decided from (None: none stored), checked
    # inside the write transaction (:func:`settle`); ANY: whatever is stored.
    expect: str | None = ANY
    # An alias: the records its change projects again (None: every record of its campaign).
    moves: Moved | None = None
    # A re-projection resumed from a mark: the mark's token it read its aliases under.
    mark: str | None = None


class Changed(Exception):
    """A record was written by someone else after the writer read it and decided (its
    version is not the one expected): nothing of the write is kept; read again, decide again."""


@dataclass(slots=True)
class WriteResult:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0

    @property
    def written(self) -> int:
        return self.added + self.replaced

    def __iadd__(self, other: "WriteResult") -> "WriteResult":
        self.added += other.added
        self.replaced += other.replaced
        self.unchanged += other.unchanged
        return self


def settle(batch: Sequence[StoredRecord], held: dict[str, str],
           marks: Mapping[str, str] | None = None) -> tuple[list[StoredRecord], WriteResult]:
    """The batch as it must be written, given the hashes the store holds *inside* the write
    transaction (``held``) and, for a re-projection, the tokens of the campaigns' marks
    (``marks``), and what writing it does.

    A record another writer stored since it was checked is dropped when its content is the
    same (unchanged) and replaces otherwise. A record whose id is not at the version its
    writer expected (:attr:`StoredRecord.expect`) raises :class:`Changed`, inside the
    transaction: none of it is written. A re-projection is written even unchanged, but not
    when the record is no longer at the version it was read at (written or deleted since: its
    writer projected it, or it is gone), nor when its campaign's mark is no longer the one it
    read its aliases under (:attr:`StoredRecord.mark`: an alias changed since, or another
    process finished it): two re-projections at once, or a write beside one, undo nothing.

    >>> a = StoredRecord("a", "tie", "c", "h1", {}, replacing=False)
    >>> b = StoredRecord("b", "tie", "c", "h2", {}, replacing=False)
    >>> todo, result = settle([a, b], {"a": "h1"})
    >>> [r.id for r in todo], (result.added, result.replaced, result.unchanged)
    (['b'], (1, 0, 1))
    >>> again = replace(a, reproject=True, expect="h1", mark="t1")
    >>> [len(settle([again], {"a": h}, {"c": t})[0]) for h, t in
    ...  (("h1", "t1"), ("h2", "t1"), ("h1", "t2"))]
    [1, 0, 0]
    """
    result = WriteResult()
    todo: list[StoredRecord] = []
    if any(not rec.reproject and rec.expect != ANY and held.get(rec.id) != rec.expect
           for rec in batch):
        # (Raised inside the transaction: the store rolls it back.)
        raise Changed("a record changed since it was read; nothing was written")
    for rec in batch:
        old = held.get(rec.id)
        if rec.reproject:
            if ((rec.expect == ANY or old == rec.expect)
                    and (rec.mark is None or (marks or {}).get(rec.campaign) == rec.mark)):
                todo.append(rec if old is not None else replace(rec, replacing=False))
            continue
        if old == rec.hash:
            result.unchanged += 1
            continue
        if old is None:
            result.added += 1
        else:
            result.replaced += 1
        if (old is not None) != rec.replacing:
            rec = replace(rec, replacing=old is not None)
        todo.append(rec)
    return todo, result


@dataclass(frozen=True, slots=True)
class Moved:
    """Which records an alias's change projects again: those that name one of ``spellings``
    (keys as if no alias, :meth:`~mapper.projection.Aliases.spelled`), found among the
    records with an edge at one of ``nodes`` (keys): where the records naming a spelling are
    before the change, and, for a decision maker, where they go (the hierarchy's rows there
    are written again in order, as they overwrite its name). Aliases are not followed in
    chains, so nothing else keys differently."""

    spellings: frozenset[str]
    nodes: frozenset[str]

    def __or__(self, other: Moved) -> Moved:
        return Moved(self.spellings | other.spellings, self.nodes | other.nodes)

    @classmethod
    def loaded(cls, spellings: Iterable[str] | None, nodes: Iterable[str] | None
               ) -> Moved | None:
        """As a store keeps it: None (the whole campaign) when ``spellings`` is None."""
        return None if spellings is None else cls(frozenset(spellings), frozenset(nodes or ()))


def alias_moves(row: AliasRow, was: str, goes: str) -> Moved:
    """What writing (or deleting) an alias row moves: the records naming its spelling, at
    the node keyed ``was`` before, keyed ``goes`` after."""
    spelling = Aliases.spelled(row.kind, row.campaign, row.alias)
    return Moved(frozenset((spelling,)),
                 frozenset((was, goes) if row.kind == "decision_maker" else (was,)))


def edgeless_ids(campaign: str, moved: Moved, aliases: Aliases) -> list[str]:
    """The ids of the records that may name one of ``moved``'s spellings yet make no edge, so
    that no edge at its nodes finds them: a tie of two names keyed alike (a self-tie), and a
    decision maker's row reporting to a name keyed as his own, to no organization (it still
    writes over his node). Their ids name them: a tie of a spelling and a name keyed at one
    of the nodes (by ``aliases``, or by a spelling that moved), a row of such a name.

    >>> moved = alias_moves(AliasRow(kind="person", alias="Ana L", canonical="Ana Lopez"),
    ...                     "person:default:ana lopez", "person:default:ana l")
    >>> edgeless_ids("default", moved, Aliases())
    ['tie:default:ana l|ana lopez', 'tie:default:ana l|ana l']
    """
    names: dict[str, set[str]] = {}  # prefix -> the moved spellings' names
    for key in sorted(moved.spellings):
        prefix, _, name = key.partition(f":{campaign}:")
        names.setdefault(prefix, set()).add(name)
    out: list[str] = []
    for key in sorted(moved.nodes):
        prefix, _, name = key.partition(f":{campaign}:")
        kind = {"person": "person", "dm": "decision_maker"}.get(prefix)
        if kind is None:
            continue
        there = [name, *sorted(aliases.spellings(kind, campaign, name)),
                 *sorted(names.get(prefix, ()))]
        if kind == "person":
            out += [tie_id(campaign, s, n) for s in sorted(names.get(prefix, ())) for n in there]
        else:
            out += [hierarchy_id(campaign, n) for n in there]
    return list(dict.fromkeys(out))


def marks_of(records: Iterable[StoredRecord]) -> dict[str, Moved | None]:
    """``{campaign: what to project again}`` of the aliases among ``records`` (None: every
    record of the campaign, for an alias that does not say)."""
    out: dict[str, Moved | None] = {}
    for rec in records:
        if rec.kind != "alias":
            continue
        out[rec.campaign] = merged_mark(out.get(rec.campaign), rec.moves,
                                        marked=rec.campaign in out)
    return out


def merged_mark(had: Moved | None, new: Moved | None, *, marked: bool) -> Moved | None:
    """A campaign's mark after a new one (``marked``: it had one, ``had``, already)."""
    if not marked:
        return new
    return None if had is None or new is None else had | new


@dataclass(frozen=True, slots=True)
class Reprojection:
    """A campaign whose graph must be projected again from its records (its aliases changed).

    ``token`` changes each time the campaign is marked again, so one re-projection finishing
    does not clear a mark set after it started; ``cursor`` is the position (see
    :func:`_position`) of the last record re-projected, ``None`` before the first batch.
    ``moved``: only the records an alias's change moves (:class:`Moved`); None: every one.
    """

    campaign: str
    token: str
    cursor: str | None = None
    moved: Moved | None = None


@dataclass(frozen=True, slots=True)
class Rebuild:
    """A campaign whose read model (:mod:`mapper.readmodel`) alone must be built again from its
    graph: after a change of the read model's tables (a migration), or to repair them.

    ``token`` as :class:`Reprojection`'s; ``cursor`` is the key of the last person whose rows
    are built, ``None`` before the first batch (the campaign's rows are cleared then).
    """

    campaign: str
    token: str
    cursor: str | None = None


class Upkeep(NamedTuple):
    """How far a store is in work it does before it answers (:meth:`Store.resume`): a
    migration's rebuild of a campaign's read model (``what`` "rebuild", ``done`` of ``total``
    people), its counts counted again from its people's rows ("recount": told when begun and
    when over), or its records projected again ("reprojection": every record of the campaign;
    "moves": those an alias's change moves). Reported to the store's :attr:`Store.upkeep`
    before the first batch, after each, and once ``over`` (done, or left to another
    process carrying it on)."""

    what: str
    campaign: str
    done: int
    total: int
    over: bool = False


def _projected_again(rec: StoredRecord, aliases: Aliases, moved: Moved | None
                     ) -> tuple[StoredRecord, bool]:
    """A stored record projected again through ``aliases``, and whether to write it again:
    always without ``moved``; with it (an alias's change), not when the change leaves it where
    it is: it names none of the spellings, nor writes over one of the nodes (a hierarchy row
    names its decision maker: written again in order, the last one's name and title stay)."""
    model = _load(rec.kind, rec)
    if moved is None:
        return replace(stored(model, aliases, rid=rec.id), reproject=True), True
    log = KeyLog(aliases)
    again = stored(model, log, rid=rec.id)
    if log.seen & moved.spellings or any(n.authoritative and n.key in moved.nodes
                                         for n in again.projection.nodes):
        return replace(again, reproject=True), True
    return again, False


def alias_names(campaign: str, moved: Moved | None, aliases: Aliases
                ) -> tuple[dict[str, str], frozenset[str]]:
    """The names an alias's change (``moved``; None: every alias of the campaign) gives the
    nodes it moves records to or from: ``{key: name}`` of those an alias names (its canonical
    name as written, :meth:`~mapper.projection.Aliases.shown`), and the keys of those no alias
    names any more, named by their records again (:class:`_RecordNames`).

    >>> row = AliasRow(kind="person", alias="Ana L", canonical="Ana M. Lopez")
    >>> moved = alias_moves(row, "person:default:ana l", "person:default:ana m lopez")
    >>> alias_names("default", moved, Aliases([row]))
    ({'person:default:ana m lopez': 'Ana M. Lopez'}, frozenset({'person:default:ana l'}))
    """
    if moved is None:
        return aliases.shown_all(), frozenset()
    keys = set(moved.nodes)
    for spelling in moved.spellings:
        prefix, _, name = spelling.partition(f":{campaign}:")
        keys.add(aliases.key(prefix, campaign, name))  # (a kind or its prefix, as it takes)
    shown = {k: aliases.shown(k) for k in sorted(keys)}
    return ({k: name for k, name in shown.items() if name is not None},
            frozenset(k for k in moved.nodes if shown[k] is None))


class _RecordNames:
    """The names (and props) records give nodes of ``keys``, seen in the order a
    re-projection of the whole campaign projects them: the first record to make a node names
    it, a node a record writes over (a hierarchy row's decision maker) is named by the last
    of those."""

    def __init__(self, keys: frozenset[str]) -> None:
        self.keys, self.props = keys, {}

    def saw(self, projection: Projection) -> None:
        for n in projection.nodes:
            if n.key in self.keys and (n.authoritative or n.key not in self.props):
                self.props[n.key] = n.props

    @property
    def names(self) -> dict[str, str | None]:
        return {k: props.get("name") for k, props in self.props.items()}


def _position(kind: str, rec: StoredRecord) -> str:
    # Comparable as strings: kind in EXPORT_ORDER, then date, then id (NUL-separated).
    # ("v2": positions of the order before ties followed 1-on-1s sort before every one of it.)
    return f"v2:{EXPORT_ORDER.index(kind)}\0{rec.body.get('date') or ''}\0{rec.id}"


#: The stored answer a forget leaves in its campaign's place (``version``: the version it
#: dropped the answers at): an answer computed from an older read may name the person
#: forgotten, and is not kept (:meth:`Store.put_answer`). Never listed as an answer.
ANSWERS_DROPPED = "#dropped"


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """A whole-graph answer kept in the store (a cache, not the truth): the full answer to
    ``question`` with ``options`` (a canonical JSON text) for a campaign, or a part of one kept
    in parts (:data:`mapper.analytics.stored.PART`), computed from the store as of ``version``
    at ``computed_at`` (UTC). ``result`` is None when only its stamp
    was read (:meth:`Store.answer_stamps`).
    """

    campaign: str
    question: str
    options: str
    version: int
    computed_at: dt.datetime
    result: Any = None

    @classmethod
    def stored(cls, campaign: str, question: str, options: str, version: int, at: str,
               result: str | bytes | None = None, raw: bool = False) -> "StoredAnswer":
        """One as a store keeps it: the time as ISO text, the result as JSON (or not read);
        with ``raw``, the result is left the JSON text it is kept as (bytes)."""
        if result is not None:
            result = (result.encode() if isinstance(result, str) else result) if raw \
                else orjson.loads(result)
        return cls(campaign, question, options, version, dt.datetime.fromisoformat(at), result)


class TornRanking(Exception):
    """A page of a kept ranking is not of the keep its head is (kept anew, or dropped, since
    the head was read): the ranking is read again, never served mixed."""


def _chunk_question(i: int) -> str:
    """The question page ``i`` of a kept ask ranking's order is stored under."""
    return f"ask_ranking#c{i:05d}"


def _bucket_question(b: int) -> str:
    """The question bucket ``b`` of the people a kept ask ranking holds is stored under."""
    return f"ask_ranking#m{b:05d}"


def _columns_question(b: int) -> str:
    """The question what a list counts of bucket ``b``'s people is stored under (``{person:
    [unit, organizer, issue keys]}``): apart from the bucket, so a count of the people
    (:meth:`PagedOrder.held`, every page of the queue) does not read it."""
    return f"ask_ranking#l{b:05d}"


def _bucket(person: str, n: int) -> int:
    """The bucket of ``n`` a person's key falls in: a stable hash (every process, every
    Python: not ``hash()``, which is salted per process)."""
    return zlib.crc32(person.encode()) % n


class PagedOrder:
    """The order of an ask ranking kept in pages (:meth:`Store._keep_ranking`), read page by
    page as it is iterated (:meth:`entries`), each page once: a page of the queue reads the
    pages it shows; and :meth:`held` reads only the buckets of the people it is asked about.
    Every page read is checked to be of the head's keep (its version and time), else
    :class:`TornRanking`."""

    def __init__(self, store: "Store", head: StoredAnswer) -> None:
        self.store, self.head = store, head
        result = head.result
        #: How many entries the order holds, in how many pages and buckets.
        self.count, self.chunks, self.buckets = (result["count"], result["chunks"],
                                                 result["buckets"])
        self.chunks_read: dict[int, list] = {}
        self.buckets_read: dict[int, frozenset[str]] = {}
        #: What a list counts of each bucket's people read (:meth:`kept_columns`).
        self.columns_read: dict[int, dict[str, list]] = {}

    def _read(self, questions: list[str]) -> list[Any]:
        head = self.head
        found = self.store.get_answers(head.campaign, [(q, head.options) for q in questions])
        return [self._checked(found.get((q, head.options))) for q in questions]

    def _checked(self, answer: StoredAnswer | None) -> Any:
        if answer is None or (answer.version, answer.computed_at) != (self.head.version,
                                                                      self.head.computed_at):
            raise TornRanking()
        return answer.result

    def take(self, i: int, answer: StoredAnswer | None) -> None:
        """Page ``i`` as read with the head."""
        self.chunks_read[i] = self._checked(answer)

    def entries(self) -> Iterator[list]:
        """Every entry, in order (pages read as they are reached, more at a time the further
        it goes: a list reads them all)."""
        step = 1
        for i in range(self.chunks):
            chunk = self.chunks_read.get(i)
            if chunk is None:
                wanted = [j for j in range(i, min(i + step, self.chunks))
                          if j not in self.chunks_read]
                for j, c in zip(wanted, self._read([_chunk_question(j) for j in wanted])):
                    self.chunks_read[j] = c
                chunk = self.chunks_read[i]
                step = min(step * 2, 16)
            yield from chunk

    def held(self, people: Collection[str]) -> int:
        """How many of ``people`` the order holds (their buckets read)."""
        return sum(p in self.buckets_read[b] for p, b in self._read_buckets(
            people, self.buckets_read, _bucket_question, frozenset).items())

    def kept_columns(self, people: Collection[str]) -> dict[str, list]:
        """``{person: [unit, organizer, issue keys]}`` of those of ``people`` the order holds
        (what a list counts of their buckets read; kept only where the head keeps
        ``list_counts``)."""
        return {p: cols[p] for p, b in self._read_buckets(
            people, self.columns_read, _columns_question, dict).items()
            if p in (cols := self.columns_read[b])}

    def _read_buckets(self, people: Collection[str], held: dict, question: Callable[[int], str],
                      kind: Callable[[Any], Any]) -> dict[str, int]:
        """Each of ``people`` with the bucket it falls in, those not in ``held`` read."""
        n = self.buckets
        by = {p: _bucket(p, n) for p in people}
        wanted = sorted(set(by.values()) - held.keys())
        if wanted:
            for b, found in zip(wanted, self._read([question(b) for b in wanted])):
                held[b] = kind(found)
        return by


@dataclass(frozen=True, slots=True)
class PersonHit:
    key: str
    name: str
    campaign: str
    conversations: int


def _load(kind: str, rec: StoredRecord) -> Any:
    """A stored record as its model; a record the current schema rejects names its fields only.

    pydantic's own message would quote the stored values, and those may be a worker's story.
    """
    try:
        # Rules that only new input meets (a date after tomorrow) do not refuse what is stored.
        return RECORD_KINDS[kind].model_validate(rec.body, context=STORED)
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                           for e in exc.errors(include_url=False, include_input=False))
        # (Not the record's id: a derived id holds the contact's name.)
        raise ValueError(f"a stored {kind} record of campaign {rec.campaign} no longer validates: "
                         f"{fields}") from None


def stored(record: Record, aliases: Aliases, *, body: dict[str, Any] | None = None,
           hash_: str | None = None, rid: str | None = None, replacing: bool = True) -> StoredRecord:
    """The record as a store keeps it; ``body``, ``hash_`` and ``rid`` when already computed."""
    body = body if body is not None else record.model_dump(mode="json", exclude_none=True)
    return StoredRecord(rid or record_id(record), record_kind(record), record.campaign,
                        hash_ or body_hash(body), body, project(record, aliases), replacing)


class Store(abc.ABC):
    """A place that keeps 1-on-1 records and the graph projected from them.

    Writes are idempotent (re-sending a record changes nothing), replacing (the same id with
    new content replaces exactly what the old content produced) and atomic per batch.
    """

    batch_size = 500
    # People per transaction of a read-model rebuild (measured at 100k: benchmarks/RESULTS.md).
    read_model_batch = 2_000
    #: Told how far :meth:`resume`'s work is (:class:`Upkeep`), or None. A store opened on a
    #: file an older release wrote rebuilds its read model before it answers: at a million
    #: people, 14 minutes (benchmarks/RESULTS.md), which the command line shows as it goes.
    upkeep: Callable[[Upkeep], None] | None = None

    # --- what each store implements -------------------------------------------------------
    @abc.abstractmethod
    def _hashes(self, ids: Sequence[str]) -> dict[str, str]:
        """Stored content hash of each id that exists."""

    @abc.abstractmethod
    def _apply(self, batch: Sequence[StoredRecord], tally: WriteResult | None = None) -> None:
        """In one transaction: for each record drop what its id produced, then write it whole.

        The transaction first settles the batch against the hashes it holds (:func:`settle`)
        and adds the outcome to ``tally`` once it commits; an alias in the batch marks its
        campaign for re-projection in the same transaction (:meth:`_pending`, :func:`marks_of`;
        a mark already there is merged with it, :func:`merged_mark`).
        """

    @abc.abstractmethod
    def _delete(self, ids: Sequence[str], marks: Mapping[str, Moved | None]) -> int:
        """In one transaction: drop these records and all they produced; mark the campaigns
        of deleted aliases for re-projection (``marks``, as :meth:`_apply` marks them).
        Returns how many records were deleted."""

    @abc.abstractmethod
    def _replace_and_delete(self, batch: Sequence[StoredRecord], ids: Sequence[str],
                            marks: Mapping[str, Moved | None]) -> tuple[WriteResult, int]:
        """In one transaction: :meth:`_apply` the batch and :meth:`_delete` these ids."""

    @abc.abstractmethod
    def _sources_at(self, keys: Sequence[str]) -> list[str]:
        """The ids of the records with an edge at a node of one of ``keys``."""

    @abc.abstractmethod
    def _rename(self, work: "Reprojection | None", names: Mapping[str, str],
                props: Mapping[str, dict[str, Any]] | None = None) -> bool:
        """In one transaction, unless ``work``'s mark is gone or set again since (False
        then): show the nodes of these keys by these names, and give those of ``props``'s
        keys these props whole, their name among them (those that exist); and compute the
        read model's rows of the people among them again."""

    def _name_by_aliases(self) -> None:
        """Show every node an alias names as the alias writes its name (schema 15's step:
        before it, a merged node kept the spelling of the first record to make it; a
        re-projection names them so since)."""
        for campaign in self.campaigns():
            names = self.aliases(campaign).shown_all()
            if names:
                self._rename(None, names)

    @abc.abstractmethod
    def _pending(self) -> list["Reprojection"]:
        """The campaigns marked for re-projection, with how far it has got."""

    @abc.abstractmethod
    def _progress(self, work: "Reprojection", cursor: str | None) -> bool:
        """Record how far a re-projection has got (``None``: done), unless the campaign was
        marked again since or its mark is gone (done by another process): False then."""

    # A store that keeps a read model rebuilds it alone (rebuild_read_model) through these.
    def _rebuilds(self) -> list[Rebuild]:
        """The campaigns whose read model is being built again, with how far it has got."""
        return []

    def _mark_read_model(self, campaigns: Sequence[str]) -> None:
        """Mark these campaigns' read model to be built again (a new token, no cursor yet), in
        the caller's transaction if there is one: what a migration of the read model calls."""
        raise NotImplementedError

    def _clear_read_model(self, work: Rebuild) -> None:
        """Delete every read-model row of the campaign (in batches where one transaction
        could not hold them), unless the mark is no longer ``work`` as it was."""
        raise NotImplementedError

    def _next_people(self, campaign: str, after: str, limit: int) -> list[str]:
        """Keys of the campaign's Person nodes after ``after``, in key order, at most ``limit``."""
        raise NotImplementedError

    def _count_people(self, campaign: str, after: str) -> int:
        """How many of the campaign's Person nodes :meth:`_next_people` would give after
        ``after`` (what a rebuild still has to do, told to :attr:`upkeep`)."""
        raise NotImplementedError

    def _rebuild_people(self, work: Rebuild, people: Sequence[str]) -> bool:
        """In one transaction: these people's read-model rows computed again, as a write that
        reached them does but without moving the campaign's kept counts (:meth:`_rebuilt`
        counts the rows once), and the cursor moved to the last of them; False, writing
        nothing, when the mark is no longer ``work`` as it was (the campaign was marked again,
        is done, or another process moved its cursor)."""
        raise NotImplementedError

    def _rebuilt(self, work: Rebuild) -> None:
        """Count the campaign's rows of where its people stand from scratch
        (:func:`mapper.readmodel.counted`, the rows streamed), and in one write transaction
        replace its kept counts with them and remove the mark, unless the mark is no longer
        ``work`` as it was (see :meth:`_rebuild_people`). No write may commit between the
        count and the replacement (writes meanwhile moved the counts by their deltas, on
        whatever was there): each store says how it makes sure."""
        raise NotImplementedError

    @abc.abstractmethod
    def iter_records(self, campaign: str | None = None, kind: str | None = None) -> Iterator[StoredRecord]:
        """Stored records (body only), ordered by kind (EXPORT_ORDER), then date, then id."""

    @abc.abstractmethod
    def snapshot_rows(self, campaign: str) -> SnapshotRows: ...

    @abc.abstractmethod
    def counts(self, campaign: str | None = None) -> dict[str, dict[str, int]]:
        """``{"nodes": {kind: n}, "edges": {type: n}, "records": {kind: n}}``."""

    def record_count(self) -> int:
        """How many records the store holds (what an import's audit entry counts before and
        after): by a store without a cheaper way, its :meth:`counts`."""
        return sum(self.counts()["records"].values())

    @abc.abstractmethod
    def campaigns(self) -> list[str]: ...

    @abc.abstractmethod
    def person_record_ids(self, campaign: str, person_key: str, kind: str = "conversation"
                          ) -> list[str]:
        """Ids of the conversations held with a person (or, with ``kind`` "update", of the
        updates about her), oldest first: read by her, never the campaign's."""

    @abc.abstractmethod
    def get_records(self, ids: Sequence[str]) -> list[StoredRecord]: ...

    @abc.abstractmethod
    def record_organizers(self, ids: Sequence[str]
                          ) -> dict[str, tuple[str | None, str | None]]:
        """``{id: (organizer, person key)}`` of the stored 1-on-1s and updates among ``ids``:
        the organizer as the record gives it (None: an update naming no organizer) and the key
        of the person it is with or about, as its projection keyed her (``records.person``),
        read for them all at once and without their bodies: whose a derived id is, and about
        whom (:class:`mapper.apart.KeptApart`)."""

    def node_names(self, campaign: str, kind: str) -> list[str]:
        """The names of the campaign's nodes of one kind (``Issue``, ``DecisionMaker``,
        ``Unit``, ``Organizer``), in no order: what the 1-on-1 form suggests, read without
        a snapshot of the campaign."""
        rows = self.snapshot_rows(campaign)
        if kind == "Unit":
            return sorted({u[1] for u in rows.person_units if u[1]})
        found = {"Issue": rows.issues, "DecisionMaker": rows.decision_makers,
                 "Organizer": rows.organizers}[kind]
        return [r[1] for r in found]

    def identity_records(self, campaign: str, names: Sequence[str], ids: Sequence[str],
                         contacts: Sequence[str]) -> list[StoredRecord] | None:
        """The campaign's roster rows and 1-on-1s whose lookup keys
        (:func:`mapper.identity.lookup_keys`) are among these normalized names, custom-id keys
        or contact digests, in :meth:`iter_records` order (roster rows, then 1-on-1s, each by
        date then id); None where the store keeps no such index."""
        return None

    @abc.abstractmethod
    def search_people(self, campaign: str, query: str, limit: int = 20) -> list[PersonHit]: ...

    @abc.abstractmethod
    def version(self) -> int:
        """A number that changes whenever the store's content changes (for caches)."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove everything (tests, and `mapper reset`)."""

    # --- stored answers (mapper.analytics.stored): a cache kept beside the graph ------------
    # Writing one never changes version(): an answer is derived from the content, not part of
    # it. clear() drops them all; deleting records (forgetting a person) drops the stored
    # answers of their campaigns in the same transaction, since an answer may name her.
    @abc.abstractmethod
    def get_answer(self, campaign: str, question: str, options: str) -> StoredAnswer | None:
        """The stored answer to this question (with its result), or None."""

    @abc.abstractmethod
    def answer_stamps(self, campaign: str | None = None) -> list[StoredAnswer]:
        """Every stored answer (of one campaign, or all), without its result."""

    @abc.abstractmethod
    def put_answer(self, answer: StoredAnswer) -> None:
        """Keep ``answer`` (its result: JSON-serializable), replacing the one of its key unless
        that one was computed from a newer version."""

    @abc.abstractmethod
    def drop_answers(self, campaign: str | None = None) -> None:
        """Forget the stored answers of a campaign (of every campaign: None)."""

    def erase_deleted(self) -> None:
        """Leave nothing readable in the store's files of what was deleted beside its
        records since (a forget's drafts and audit ids, deleted through connections of
        their own after its records): where a delete leaves nothing behind, nothing to do."""

    def stale_since(self, version: Any) -> dt.datetime | None:
        """When the store left ``version`` (the first write after it committed), where it
        knows: it does for a version a stored answer was kept at while it was the store's
        (:meth:`put_answer`), once a write of this release left it. None otherwise: a stale
        answer's age then counts from when it was computed, older than it is stale."""
        return None

    def answers_dropped_at(self, campaign: str) -> Any:
        """The version a forget or a reset last dropped the campaign's stored answers at
        (:data:`ANSWERS_DROPPED`), or None: an answer computed from an older read may name
        someone erased since."""
        return None

    def put_answers(self, answers: Sequence[StoredAnswer],
                    drop: Iterable[tuple[str, str]] = ()) -> bool:
        """Keep ``answers`` (of one campaign: the parts of one answer, the first its head) in
        one transaction, all or none: none when the answer stored under the first one's key
        was computed from a newer version. With them, drop the stored answers of that campaign
        keyed ``(question, options)`` in ``drop`` (parts the answer has no more) computed
        from a version no newer. Whether they were kept."""
        if not answers:
            return True
        if any(a.campaign != answers[0].campaign for a in answers):
            raise ValueError("answers kept together are of one campaign")
        return self._put_answers(answers, list(drop))

    def drop_answer(self, campaign: str, question: str, options: str, version: Any) -> None:
        """Forget a stored answer and its parts (``question#...``) computed from a version no
        newer than ``version``: one that no code computes any more (an older release's, like
        the Talk list's ``talk_rows``, 210 MB at a million people)."""
        keys = [(a.question, a.options) for a in self.answer_stamps(campaign)
                if a.options == options
                and (a.question == question or a.question.startswith(question + "#"))]
        if keys:
            self._drop_answer_keys(campaign, keys, version)

    @abc.abstractmethod
    def _drop_answer_keys(self, campaign: str, keys: list[tuple[str, str]], version: Any
                          ) -> None:
        """Drop the stored answers of ``campaign`` keyed ``(question, options)`` in ``keys``
        computed from a version no newer than ``version``."""

    @abc.abstractmethod
    def _put_answers(self, answers: Sequence[StoredAnswer], drop: list[tuple[str, str]]
                     ) -> bool:
        """:meth:`put_answers` of some answers of one campaign."""

    def get_answers(self, campaign: str, keys: Sequence[tuple[str, str]], *, raw: bool = False
                    ) -> dict[tuple[str, str], StoredAnswer]:
        """The stored answers (with their results) of these ``(question, options)`` keys that
        the store holds, read as of one moment; with ``raw``, each result the JSON text it is
        kept as (bytes: an export writes it out unparsed, :meth:`Analytics.answer
        <mapper.analytics.cached.Analytics.answer>`)."""
        found = {}
        for question, options in keys:
            answer = self.get_answer(campaign, question, options)
            if answer is not None:
                found[question, options] = answer if not raw else replace(
                    answer, result=orjson.dumps(answer.result, option=orjson.OPT_NON_STR_KEYS))
        return found

    @abc.abstractmethod
    def take_lease(self, name: str, holder: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Hold the lease ``name`` until ``until`` if it is free, expired (by ``now``) or
        already ``holder``'s; whether ``holder`` holds it. One refresher per store, across
        processes."""

    def close(self) -> None:  # pragma: no cover - default
        pass

    def bulk(self) -> contextlib.AbstractContextManager[None]:
        """Several :meth:`write` calls as one bulk write (an import's chunks): a store may put
        off its upkeep between them (the embedded store checkpoints its log once, at the end).
        Each write is still its own transactions."""
        return contextlib.nullcontext()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- shared behaviour -----------------------------------------------------------------
    def aliases(self, campaign: str | None = None) -> Aliases:
        return Aliases(self._alias_rows(campaign))

    def _aliases_of(self, records: Iterable[Record | StoredRecord]) -> Aliases:
        """The aliases of the campaigns these records are of (what keys them), each
        campaign's read by its key: not every campaign's, which reads past every record."""
        return Aliases([row for campaign in sorted({rec.campaign for rec in records})
                        for row in self._alias_rows(campaign)])

    def _alias_rows(self, campaign: str | None) -> list[AliasRow]:
        return [AliasRow.model_validate(r.body) for r in self.iter_records(campaign, "alias")]

    def write(self, records: Iterable[Record],
              progress: Callable[[int], None] | None = None, *,
              expect: Mapping[str, str | None] | None = None) -> WriteResult:
        """Store validated records; see the class docstring for the semantics.

        ``expect``: ``{id: the version (hash) of it the writer read, None: none}`` of some
        records written; when one of them is stored at another version by the time its
        batch's transaction runs, :class:`Changed` is raised and that batch is not written
        (a decision made from what was read, e.g. that a contact is free to take, holds
        when it is written). For a few records: one batch, all or nothing."""
        # Projecting a large import allocates millions of objects and frees few: automatic
        # collections would rescan them all (a third of the import time at 10k conversations).
        with gc_paused():
            return self._write(records, progress, expect or {})

    def _write(self, records: Iterable[Record], progress: Callable[[int], None] | None,
               expect: Mapping[str, str | None]) -> WriteResult:
        records = list(records)
        result = WriteResult()
        alias_rows = [r for r in records if isinstance(r, AliasRow)]
        aliases = self._aliases_of(records)
        moves: dict[str, Moved] = {}
        for row in alias_rows:
            was = aliases.key(row.kind, row.campaign, row.alias)
            aliases.add(row)
            moved = alias_moves(row, was, aliases.key(row.kind, row.campaign, row.alias))
            rid = record_id(row)
            moves[rid] = moves[rid] | moved if rid in moves else moved
        # Aliases go first, so the records after them are keyed by the new names.
        ordered = alias_rows + [r for r in records if not isinstance(r, AliasRow)]
        # Within one call the last copy of an id wins, as if they were sent one by one.
        latest: dict[str, Record] = {}
        for r in ordered:
            latest[record_id(r)] = r
        items = list(latest.items())
        # {(campaign, decision maker): the last hierarchy row written over him}
        bosses: dict[tuple[str, str], str] = {}
        for start in range(0, len(items), self.batch_size):
            chunk = items[start:start + self.batch_size]
            # A first look, outside the transaction: unchanged records are not even projected.
            have = self._hashes([rid for rid, _ in chunk])
            batch = []
            for rid, rec in chunk:
                body = rec.model_dump(mode="json", exclude_none=True)
                digest = body_hash(body)
                if have.get(rid) == digest:
                    result.unchanged += 1
                    continue
                kept = stored(rec, aliases, body=body, hash_=digest, rid=rid,
                              replacing=rid in have)
                if rid in moves:
                    kept = replace(kept, moves=moves[rid])
                if isinstance(rec, HierarchyRow):
                    bosses[rec.campaign, aliases.key("decision_maker", rec.campaign,
                                                     rec.name)] = rid
                batch.append(kept if rid not in expect else replace(kept, expect=expect[rid]))
            if batch:
                self._apply(batch, result)
            if progress:
                progress(len(chunk))
        self._settled()
        self._last_rows_again(bosses, aliases)
        # An alias written above marked its campaign in the same transaction.
        self.resume()
        return result

    def _settled(self) -> None:
        """Wait until every batch handed to :meth:`_apply` has committed (and raise its error)."""

    def _last_rows_again(self, written: Mapping[tuple[str, str], str | None],
                         aliases: Aliases) -> None:
        """A hierarchy row writes over its decision maker's name and title. Where aliases join
        him to other spellings, each with its row, the last of his rows in the campaign's order
        does so, as projecting the whole campaign (or importing its export) gives it: that row
        is written again when another was written last (``written``: ``{(campaign, decision
        maker): the id of the row written last}``; None: a row of his was deleted). Where none
        of his rows is left, the records left show him (:meth:`_shown_by_records`)."""
        again = []
        bare: dict[str, set[str]] = {}
        for (campaign, key), last_written in written.items():
            name = key.partition(f":{campaign}:")[2]
            spellings = aliases.spellings("decision_maker", campaign, name)
            if not spellings and last_written is not None:
                continue
            rows = self.get_records([hierarchy_id(campaign, n) for n in [name, *sorted(spellings)]])
            last = max(rows, key=lambda r: _position("hierarchy", r), default=None)
            if last is None:
                bare.setdefault(campaign, set()).add(key)
            elif last.id != last_written:
                again.append(replace(stored(_load(last.kind, last), aliases, rid=last.id),
                                     reproject=True, expect=last.hash))
        if again:
            self._apply(again)
            self._settled()
        for campaign, keys in sorted(bare.items()):
            self._shown_by_records(campaign, frozenset(keys), aliases)

    def _shown_by_records(self, campaign: str, keys: frozenset[str], aliases: Aliases) -> None:
        """Show the decision makers of ``keys``, whom no hierarchy row writes over any more,
        as the records left make them in the campaign's order (:class:`_RecordNames`): the
        first to make one gives his name, title and organization, as projecting the whole
        campaign again does; not the row deleted. The records with an edge at him are all
        that make him: a record that makes him without one is a row of his own."""
        named = _RecordNames(keys)
        found = [r for r in self.get_records(self._sources_at(sorted(keys)))
                 if r.kind != "alias" and r.campaign == campaign]
        for rec in sorted(found, key=lambda r: _position(r.kind, r)):
            named.saw(stored(_load(rec.kind, rec), aliases, rid=rec.id).projection)
        if named.props:
            self._rename(None, {}, named.props)

    def _deleted_rows(self, found: Sequence[StoredRecord]) -> None:
        """After the records ``found`` are deleted: the decision makers their hierarchy rows
        wrote over are shown as if those rows had never been written (his last row left
        written again, else as the records left make him: :meth:`_last_rows_again`)."""
        rows = [r for r in found if r.kind == "hierarchy"]
        if not rows:
            return
        aliases = self._aliases_of(rows)
        self._last_rows_again({(r.campaign, aliases.key("decision_maker", r.campaign,
                                                        r.body["name"])): None
                               for r in rows}, aliases)

    def delete(self, ids: Sequence[str]) -> int:
        """Delete records by id, with everything derived from them; returns how many were found.

        The store is then as if they had never been written (a deleted alias's campaign is
        projected again without it).
        """
        found = self.get_records(list(dict.fromkeys(ids)))
        if not found:
            return 0
        n = self._delete([r.id for r in found], self._unaliased(found))
        self.resume()
        self._deleted_rows(found)
        return n

    def _unaliased(self, found: Sequence[StoredRecord]) -> dict[str, Moved | None]:
        """The marks of deleting the aliases among ``found`` (:func:`marks_of`)."""
        gone = [r for r in found if r.kind == "alias"]
        out: dict[str, Moved | None] = {}
        ids = {r.id for r in gone}
        for campaign in sorted({r.campaign for r in gone}):
            held = self._alias_rows(campaign)
            before = Aliases(held)
            after = Aliases([a for a in held if record_id(a) not in ids])
            moved = [alias_moves(a, before.key(a.kind, campaign, a.alias),
                                 after.key(a.kind, campaign, a.alias))
                     for a in held if record_id(a) in ids]
            out[campaign] = functools.reduce(Moved.__or__, moved) if moved else None
        return out

    def replace_and_delete(self, records: Iterable[Record], ids: Sequence[str]
                           ) -> tuple[WriteResult, int]:
        """Write ``records`` and delete the records ``ids`` in one transaction: all or nothing
        (forgetting a person rewrites the 1-on-1s that mention her and deletes hers; a failure
        between the two must leave neither done). Returns what the write did and how many
        records were deleted. For a few records, not an import: one transaction holds them
        all. An alias is refused among ``records`` (it would re-key the rest)."""
        records = list(records)
        if any(isinstance(r, AliasRow) for r in records):
            raise ValueError("replace_and_delete: an alias row is written with write()")
        latest = {record_id(r): r for r in records}
        found = self.get_records(list(dict.fromkeys(ids)))
        if any(r.id in latest for r in found):
            raise ValueError("replace_and_delete: a record is both written and deleted")
        aliases = self._aliases_of(latest.values())
        with gc_paused():
            batch = [stored(rec, aliases, rid=rid) for rid, rec in latest.items()]
            result, n = self._replace_and_delete(batch, [r.id for r in found],
                                                 self._unaliased(found))
        self.resume()
        self._deleted_rows(found)
        return result, n

    def reproject(self, campaign: str) -> int:
        """Project a campaign's records again from the start; returns how many."""
        return self._reproject(Reprojection(campaign, ""), mark=False)

    def resume(self) -> int:
        """Finish every re-projection left undone (by a crash, or an error part-way), then
        every rebuild of a read model (:meth:`rebuild_read_model`); returns how many records
        were projected again. Safe to call at any time."""
        n = sum(self._reproject(work) for work in self._pending())
        for work in self._rebuilds():
            self._rebuild_read_model(work)
        return n

    def unfinished(self) -> frozenset[tuple[str, str, str, str | None]]:
        """The re-projections and read-model rebuilds left to do, each as what it is, its
        campaign, token and cursor: found the same a while later, none is being carried on
        (its process was stopped part-way)."""
        return frozenset([*(("reprojection", w.campaign, w.token, w.cursor)
                            for w in self._pending()),
                          *(("rebuild", w.campaign, w.token, w.cursor)
                            for w in self._rebuilds())])

    def rebuild_read_model(self, campaign: str | None = None) -> int:
        """Build the read model of a campaign (of every campaign: None) again from its graph
        alone, the records left as they are; returns how many people's rows were built.

        What a change of the read model's tables needs (a migration marks the campaigns with
        :meth:`_mark_read_model` and :meth:`resume` does the rest), or a read model to repair:
        a full re-projection projects every record again, several times the work. Streamed
        and resumable as a re-projection is; until it is done the campaign's read model is not
        used (:meth:`_reprojecting`), and readers answer from a snapshot.
        """
        self._mark_read_model(self.campaigns() if campaign is None else [campaign])
        return sum(self._rebuild_read_model(work) for work in self._rebuilds()
                   if campaign is None or work.campaign == campaign)

    def _rebuild_read_model(self, work: Rebuild) -> int:
        """Clear the campaign's read model (unless a batch is done already), then fill it
        again in batches of :attr:`read_model_batch` people in key order, each batch its own
        transaction that also saves the cursor: an error part-way leaves the mark and the
        next :meth:`resume` goes on after the last batch done.

        Whom each trusts among the committed comes out as a full rebuild gives it: a person
        whose row is written committed (after none: the rows were cleared) has the rows of
        the people tied to them written again, in whatever batch those were built.

        The batches leave the campaign's kept counts alone; :meth:`_rebuilt` counts the rows
        once, from scratch, as it removes the mark: a rebuild resumed after an interruption,
        or with writes landing between its batches, ends with the counts of the rows as they
        are, and until then nothing reads them (:meth:`_reprojecting`).
        """
        if work.cursor is None:
            self._clear_read_model(work)
        total = (self._count_people(work.campaign, work.cursor or "")
                 if self.upkeep is not None else 0)
        n = 0
        self._report("rebuild", work.campaign, n, total)
        while people := self._next_people(work.campaign, work.cursor or "",
                                          self.read_model_batch):
            if not self._rebuild_people(work, people):
                self._report("rebuild", work.campaign, n, total, over=True)
                return n  # marked again since (the next resume starts over), or another
                # process is carrying it on
            n += len(people)
            work = replace(work, cursor=people[-1])
            self._report("rebuild", work.campaign, n, max(total, n))
        self._rebuilt(work)
        self._report("rebuild", work.campaign, n, max(total, n), over=True)
        return n

    def _report(self, what: str, campaign: str, done: int, total: int,
                over: bool = False) -> None:
        if self.upkeep is not None:
            self.upkeep(Upkeep(what, campaign, done, total, over))

    def _recount_told(self, campaign: str, recount: Callable[[], Any]) -> None:
        """``recount()``, counting the campaign's figures again from its rows (a schema step),
        told to the upkeep as "recount": begun, then over (27-44 s at a million people)."""
        total = self._count_people(campaign, "") if self.upkeep is not None else 0
        self._report("recount", campaign, 0, total)
        recount()
        self._report("recount", campaign, total, total, over=True)

    def _reproject(self, work: Reprojection, mark: bool = True) -> int:
        """Project the campaign's records again in batches, after ``work.cursor``: every one,
        or only those an alias's change moves (``work.moved``).

        Each batch is its own transaction (a million-people campaign fits in none) and the
        cursor is saved after it: a failure part-way leaves the mark, and the next
        :meth:`resume` goes on from there. A batch done twice does no harm. A batch writes
        only the records still as they were read, while the mark is the one read (:func:`settle`):
        another process's resume beside this one, or a write, undoes nothing; once the mark
        is gone or set again, this one stops and leaves it to the next :meth:`resume`.
        """
        aliases = self.aliases(work.campaign)
        found = None if work.moved is None else self._moved_records(work, aliases)
        # The nodes an alias names are shown by the name it gives; those it no longer names,
        # by their records again (read from the records found, before the cursor too).
        names, unaliased = alias_names(work.campaign, work.moved, aliases)
        # A decision maker an alias moves a row of the hierarchy from (or to) is shown whole
        # as his records leave him: the title of a row written over him goes with it.
        bosses = frozenset(k for k in work.moved.nodes if k.startswith("dm:")
                           ) if work.moved is not None else frozenset()
        named = _RecordNames(unaliased | bosses)
        what, total = "reprojection" if found is None else "moves", 0
        if self.upkeep is not None:  # (each record passed counts, those done before too)
            total = (sum(map(len, found.values())) if found is not None else
                     sum(n for k, n in self.counts(work.campaign)["records"].items()
                         if k != "alias"))
        n = seen = 0
        batch: list[StoredRecord] = []
        cursor = work.cursor

        def flush() -> bool:
            nonlocal n, batch
            self._apply(batch)
            self._settled()
            n += len(batch)
            batch = []
            going = not mark or self._progress(work, cursor)
            self._report(what, work.campaign, seen, max(total, seen), over=not going)
            return going

        self._report(what, work.campaign, seen, total)
        for kind in EXPORT_ORDER[1:]:
            records = sorted(self.iter_records(work.campaign, kind) if found is None else
                             found.get(kind, ()), key=lambda r, k=kind: _position(k, r))
            for rec in records:
                seen += 1
                at = _position(kind, rec)
                done = work.cursor is not None and at <= work.cursor
                if done and not named.keys:
                    continue
                again, moves = _projected_again(rec, aliases, work.moved)
                named.saw(again.projection)
                if done or not moves:
                    continue
                batch.append(replace(again, expect=rec.hash, mark=work.token if mark else None))
                cursor = at
                if len(batch) >= self.batch_size and not flush():
                    return n
        if batch and not flush():
            return n
        names.update((k, name) for k, name in named.names.items()
                     if k in unaliased and name is not None)
        props = {k: given for k, given in named.props.items() if k in bosses}
        if self._rename(work if mark else None, names, props) and mark:
            self._progress(work, None)
        self._report(what, work.campaign, seen, max(total, seen), over=True)
        return n

    def _moved_records(self, work: Reprojection, aliases: Aliases
                       ) -> dict[str, list[StoredRecord]]:
        """``{kind: records}`` an alias's change may move (``work.moved``): those with an edge
        at one of its nodes, and those that make no edge (:func:`edgeless_ids`);
        :func:`_projected_again` tells which it does move. Found again when a re-projection
        resumes: those done are at the new node or no longer name the spelling."""
        out: dict[str, list[StoredRecord]] = {}
        ids = self._sources_at(sorted(work.moved.nodes))
        ids += edgeless_ids(work.campaign, work.moved, aliases)
        for rec in self.get_records(list(dict.fromkeys(ids))):
            if rec.kind != "alias" and rec.campaign == work.campaign:
                out.setdefault(rec.kind, []).append(rec)
        return out

    def _follow_up_items(self, campaign: str, due_by: str
                         ) -> tuple[list, list[str]] | None:
        """Every item of the campaign's read model due by ``due_by`` (ISO date), and the names
        of its organizers, read as of one moment. None while the campaign is re-projected (the
        read model is rebuilt then) or when the store keeps no read model."""
        return None

    def _follow_up_page(self, campaign: str, due_by: str, today: str, organizer: str | None,
                        limit: int | None) -> tuple[list, list[str], dict] | None:
        """A page of the follow-ups, read as of one moment: the items
        :func:`mapper.readmodel.page_plan` says it lists (the first ``limit`` in the list's
        order; with ``organizer``, the key of an Organizer node, that organizer's only), with
        every item due the day an organizer's part ends on (:func:`~mapper.readmodel.head_items`),
        the organizers' names, and ``{organizer: (overdue, items)}`` of everyone's items due
        by ``due_by`` (overdue: before ``today``) counted from the kept totals
        (:func:`~mapper.readmodel.page_counts`). None as :meth:`_follow_up_items` says."""
        return None

    def follow_ups(self, campaign: str, *, today: dt.date, horizon_days: int = 7,
                   texts: Callable[[list[str]], dict] | None = None,
                   organizer: str | None = None, limit: int | None = None
                   ) -> dict[str, Any] | None:
        """:func:`mapper.analytics.follow_ups.follow_ups` from the read model
        (:mod:`mapper.readmodel`), without a snapshot; None when it cannot answer (see
        :meth:`_follow_up_items`). ``texts`` reads the words of the given 1-on-1s, for a
        reader allowed to see them (:func:`mapper.analytics.texts.read_texts`).

        A page of the list reads what it shows, not the campaign: with ``limit``, only the
        first ``limit`` items are listed (in the list's order); with ``organizer`` (a name,
        any spelling), only that organizer's items. Every organizer's counts stay either way.
        Without both, every item (an export)."""
        from mapper import readmodel
        from mapper.keys import normalize

        due_by = readmodel._after(today, horizon_days).isoformat()
        if organizer is None and limit is None:
            whole = self._follow_up_items(campaign, due_by)
            if whole is None:
                return None
            items, organizers = whole
            return readmodel.follow_ups(items, organizers, today=today,
                                        horizon_days=horizon_days, texts=texts)
        key = None if organizer is None else f"organizer:{campaign}:{normalize(organizer)}"
        found = self._follow_up_page(campaign, due_by, today.isoformat(), key,
                                     None if limit is None else max(limit, 0))
        if found is None:
            return None
        items, organizers, counts = found
        return readmodel.first_items(
            readmodel.follow_ups(items, organizers, today=today, horizon_days=horizon_days,
                                 texts=texts, counts=counts), limit)

    def _unit_counts(self, campaign: str) -> list[tuple] | None:
        """The campaign's counts of each unit's people by where they stand, kept beside the
        read model's rows (:func:`mapper.readmodel.row_counts`), one row per unit: ``(unit,
        *counts)`` in the order of :class:`mapper.analytics.structure.UnitCounts`, summed by
        the store. None as :meth:`_follow_up_items` says."""
        return None

    def structure(self, campaign: str, *, target: float = 2 / 3,
                  committee_ratio: int = 10) -> dict[str, Any] | None:
        """:func:`mapper.analytics.structure.structure` from the read model, without a
        snapshot; None when it cannot answer (see :meth:`_unit_counts`)."""
        from mapper import readmodel
        from mapper.analytics.structure import structure_of_units

        rows = self._unit_counts(campaign)
        if rows is None:
            return None
        return structure_of_units(readmodel.unit_counts(rows), target=target,
                                  committee_ratio=committee_ratio)

    def _ask_rows(self, campaign: str) -> list[tuple] | None:
        """The read model's people still in the workplace with a 1-on-1 or an update: rows
        ``(person, name, unit, contacted, committed, last_date, own_points, ready, ask_date,
        ask_response, tried_date, angers, yes_asks, organizer, trusted)`` (see
        :class:`mapper.readmodel.PersonRow`).
        None as :meth:`_follow_up_items` says."""
        return None

    def _people_slice(self, campaign: str, people: Sequence[str]) -> "readmodel.Slice":
        """What these people's entries are computed from: their own records' nodes, their
        anger and naming, their contact assignments, and the campaign's names."""
        raise NotImplementedError

    def _overview_counts(self, campaign: str) -> tuple | None:
        """The campaign's counts kept beside the read model's rows (``(kind, key, sub, n)``,
        :func:`mapper.readmodel.row_counts`, its 1-on-1s per day among them), its number of
        organizers and its issues' names, read as of one moment; None as :meth:`_follow_up_items`
        says."""
        return None

    def _power_counts(self, campaign: str, first: int | None) -> tuple | None:
        """What :func:`mapper.readmodel.power_ranking` reads, as of one moment: the counts of
        :data:`~mapper.readmodel.RANKING_KINDS`, the issues' names, each issue's pairs its
        first ``first`` decision makers are among (:func:`~mapper.readmodel.top_pairs`), their
        nodes' props, and how many issues each of those of issue "" is named for; None as
        :meth:`_follow_up_items` says."""
        return None

    def overview(self, campaign: str, *, top: int = 5,
                 min_anger: int = 3) -> dict[str, Any] | None:
        """:func:`mapper.analytics.overview.overview` from the read model; None when it cannot."""
        from mapper import readmodel

        found = self._overview_counts(campaign)
        if found is None:
            return None
        counts, organizers, issues = found
        return readmodel.overview_of_counts(counts, organizers, issues, top=top,
                                            min_anger=min_anger)

    def power_ranking(self, campaign: str, *, first: int | None = None,
                      min_anger: int = 3) -> dict[str, Any] | None:
        """:func:`mapper.analytics.power.power_ranking` from the read model (each issue's
        first decision makers read through an index); None when it cannot."""
        from mapper import readmodel

        found = self._power_counts(campaign, first)
        if found is None:
            return None
        return readmodel.power_ranking(*found, first=first, min_anger=min_anger)

    # (SQLiteStore counts both in SQL: overview_counts, took_action.)

    def people_snapshot(self, campaign: str, people: Sequence[str],
                        ties: Sequence[tuple] = ()) -> Snapshot | None:
        """A snapshot of these people alone: their own 1-on-1s and updates, where they work,
        their contact assignments (what a question about each of them alone needs, e.g.
        :func:`mapper.roles.sees_contact_details`), and ``ties`` among them as given; None
        while the campaign is re-projected."""
        from mapper import readmodel

        if self._reprojecting(campaign):
            return None
        # A key of another campaign (a forged request's) is no one of this one: her records
        # were read by key alone, so she was in it, to be assigned and logged under her name.
        people = [p for p in people if p.startswith(f"person:{campaign}:")]
        part = self._people_slice(campaign, people)
        return readmodel._snapshot_of(campaign, people, part.sources, part.nodes, part.units,
                                      part.anger, part.named, organizers=part.organizers,
                                      assignments=part.assignments, ties=list(ties))

    def person_snapshot(self, campaign: str, person: str) -> Snapshot | None:
        """A snapshot of one person and the people tied to her, with those ties: what her
        Person page shows (where she stands, her history's facts, her ties and whether each
        was contacted), read without the campaign's snapshot; None while the campaign is
        re-projected."""
        if self._reprojecting(campaign):
            return None
        ties = self.tie_rows(campaign, [person])
        return self.people_snapshot(
            campaign, sorted({person} | {t[0] for t in ties} | {t[1] for t in ties}), ties)

    def tie_rows(self, campaign: str, people: Sequence[str]) -> list[tuple]:
        """The ties and referrals of these people, either way round, as
        :class:`~mapper.snapshot.SnapshotRows` lists them: ``(a, b, relationship, kind)``."""
        wanted = set(people)
        return [t for t in self.snapshot_rows(campaign).ties if t[0] in wanted or t[1] in wanted]

    def item_owners(self, campaign: str, people: Sequence[str]) -> dict[str, str] | None:
        """``{item id: organizer}`` of these people's open follow-up items, however far their
        dates (the read model's); None while the campaign is re-projected."""
        return None

    def _reprojecting(self, campaign: str) -> bool:
        """Whether the campaign's read model must not be used: a re-projection of its every
        record, or a rebuild of its read model alone (:meth:`rebuild_read_model`), is under
        way. Every reader of the read model asks this (a store may answer it in the reader's
        own transaction). An alias's re-projection (:attr:`Reprojection.moved`) is not one:
        each of its batches keeps the read model as it moves the graph, as any write does,
        and readers answer from it meanwhile (half merged, as a snapshot would be)."""
        return (any(w.campaign == campaign and w.moved is None for w in self._pending())
                or any(w.campaign == campaign for w in self._rebuilds()))

    def _assignment_rows(self, campaign: str) -> list[tuple]:
        """Every contact assignment of the campaign: ``(organizer key, person, date)``."""
        raise NotImplementedError

    def _assignments_of(self, campaign: str, people: Sequence[str]) -> list[tuple]:
        """The contact assignments of these people (keys), as :meth:`_assignment_rows`."""
        wanted = set(people)
        return [a for a in self._assignment_rows(campaign) if a[1] in wanted]

    def _assigned_by(self, campaign: str, organizers: Sequence[str]) -> list[str]:
        """The people (keys) some contact assignment gives to one of these organizers (keys),
        whether or not it is each one's latest."""
        wanted = set(organizers)
        return sorted({p for o, p, _ in self._assignment_rows(campaign) if o in wanted})

    def my_list(self, campaign: str, *, today: dt.date,
                organizer: str | None = None) -> dict[str, Any] | None:
        """:func:`mapper.analytics.my_list.my_list` from the people assigned alone (see
        :func:`mapper.readmodel.my_list`); None while the campaign is re-projected."""
        from mapper import readmodel

        if self._reprojecting(campaign):
            return None
        if organizer is None:
            rows = self._assignment_rows(campaign)
        else:
            # Hers alone: whom an assignment gives her, then each one's every assignment (an
            # alias may have given one of them to another since). Every assignment of the
            # campaign took 2.5 s of her list at a million people with 300,000 assigned.
            from mapper.keys import normalize

            wanted = normalize(organizer)
            keys = [k for k, name in self._people_slice(campaign, []).organizers
                    if normalize(name or k.split(":", 2)[-1]) == wanted]
            rows = self._assignments_of(campaign, self._assigned_by(campaign, keys))
        return readmodel.my_list(rows, lambda people: self._people_slice(campaign, people),
                                 campaign=campaign, today=today, organizer=organizer)

    def took_action(self, campaign: str, *, today: dt.date | None = None) -> int | None:
        """:func:`mapper.analytics.readiness.took_action` from the read model (the rows of
        the committed people still in the workplace: :func:`mapper.readmodel.took_action`),
        as of ``today`` or the campaign's latest 1-on-1 or update; None when it cannot."""
        return None

    def _committed_rows(self, campaign: str, *, latest: bool = True
                        ) -> tuple[str | None, list[tuple]] | None:
        """The date of the campaign's latest 1-on-1 or update among the people still in the
        workplace (ISO; may be left None unless ``latest``), and the rows
        (:data:`mapper.readmodel.COMMITTED_FIELDS`) of those of them committed, read as of one
        moment; None as :meth:`_follow_up_items` says."""
        return None

    def _standing(self, campaign: str, people: Sequence[str]) -> dict[str, tuple]:
        """``{person: (name, contacted, left, unit)}`` of those of ``people`` the read model
        has a row of (see :class:`mapper.readmodel.PersonRow`)."""
        raise NotImplementedError

    def _trusted_by(self, campaign: str, people: Sequence[str]) -> dict[str, int]:
        """How many people still in the workplace each of ``people`` trusts, over ties and
        referrals (:func:`mapper.readmodel.trusted_by`)."""
        from mapper import readmodel

        pairs = self._trust_pairs(campaign, people)
        near = sorted({b for _, b in pairs})
        return readmodel.trusted_by(
            pairs, {p for p, s in self._standing(campaign, near).items() if s[2]})

    def _organizing(self, campaign: str, people: Sequence[str]) -> set[str]:
        """Those of ``people`` (person keys) who are organizers of the campaign, as
        :func:`mapper.analytics._common.organizing_people` finds them (an organizer's node
        names the same normalized name): read over the campaign's organizers
        (:meth:`_organizer_keys`), a few, not the people."""
        from mapper.analytics._common import organizing_among

        return organizing_among(self._organizer_keys(campaign), set(people)) if people else set()

    def _organizers_trusted(self, campaign: str, people: Sequence[str]
                            ) -> dict[str, dict[str, tuple]]:
        """``{person: {organizer: (name, unit)}}``: the organizers of the campaign on its lists
        (:meth:`_organizing`'s, as people) still in the workplace whom each of ``people``
        trusts, over ties and referrals: the ask queue's messengers beside the committed.
        Read from the organizers' side (their rows and ties; a campaign has a few), not
        from the people's."""
        if not people:
            return {}
        there = {p: s for p, s in self._organizers_standing(campaign).items() if not s[2]}
        if not there:
            return {}
        wanted, out = set(people), {}
        for organizer, other in self._trust_pairs(campaign, sorted(there)):
            if other in wanted and other != organizer:
                s = there[organizer]
                out.setdefault(other, {})[organizer] = (s[0], s[3])
        return out

    def _organizing_contacts(self, campaign: str) -> set[str]:
        """The organizers of the campaign on its lists (:meth:`_organizing`'s, as people)
        spoken with and still in the workplace: those the ask queue would list but that they
        do the asking (it never does). Read over the organizers' rows, a few."""
        return {p for p, s in self._organizers_standing(campaign).items() if s[1] and not s[2]}

    def _organizers_standing(self, campaign: str) -> dict[str, tuple]:
        """:meth:`_standing` of the organizers of the campaign on its lists, as people."""
        from mapper.analytics._common import organizer_as_person

        keys = sorted({k for k in map(organizer_as_person, self._organizer_keys(campaign))
                       if k is not None})
        return self._standing(campaign, keys)

    def _organizer_keys(self, campaign: str) -> list[str]:
        """The keys of the campaign's organizer nodes (here from its snapshot's rows; a store
        reads them alone)."""
        return [k for k, _ in self.snapshot_rows(campaign).organizers]

    def _trust_pairs(self, campaign: str, people: Sequence[str]) -> list[tuple[str, str]]:
        """``(person, neighbour)`` of each tie and referral of each of ``people``, either way
        round (:meth:`tie_rows`, without what each tie is; a pair may come once or as often
        as it is tied)."""
        wanted = set(people)
        out = []
        for a, b, *_ in self.tie_rows(campaign, people):
            if a in wanted:
                out.append((a, b))
            if b in wanted:
                out.append((b, a))
        return out

    def ladder(self, campaign: str, *, today: dt.date | None = None,
               texts: Callable[[list[str]], dict] | None = None) -> list[dict[str, Any]] | None:
        """:func:`mapper.analytics.readiness.ladder` from the read model: the rows of the
        committed people still in the workplace, and those of the few more people it needs
        (:func:`mapper.readmodel.ladder`), never the campaign's; as of ``today`` or the
        campaign's latest 1-on-1 or update. ``texts`` reads the words of the given 1-on-1s,
        for a reader allowed to see them (the pending action at the first rung). None when
        it cannot answer (see :meth:`_committed_rows`)."""
        from mapper import readmodel

        found = self._committed_rows(campaign, latest=today is None)
        if found is None:
            return None
        latest, rows = found
        return readmodel.ladder(
            rows, today.isoformat() if today is not None else latest,
            lambda people: self._standing(campaign, people),
            lambda people: self._trusted_by(campaign, people),
            lambda people: self._trust_pairs(campaign, people),
            lambda people: self._people_slice(campaign, people), campaign=campaign,
            organizing=lambda people: self._organizing(campaign, people), texts=texts)

    def ladder_page(self, campaign: str, *, limit: int, today: dt.date | None = None,
                    texts: Callable[[list[str]], dict] | None = None
                    ) -> tuple[list[dict[str, Any]], int] | None:
        """The first ``limit`` entries of :meth:`ladder`, and how many it holds: a store reads
        only the rows that come first, each on its rung by its own columns (:meth:`_ladder_rows`),
        and only those are read further (their yeses, the coworker to bring, the words). None
        when it cannot answer."""
        from mapper import readmodel

        if limit < 1:
            raise ValueError("a ladder page lists at least one entry")
        found = self._ladder_rows(campaign, today=today, first=limit)
        if found is None:
            return None
        day, rows, total = found
        return readmodel.ladder(
            rows, day,
            lambda people: self._standing(campaign, people),
            lambda people: self._trusted_by(campaign, people),
            lambda people: self._trust_pairs(campaign, people),
            lambda people: self._people_slice(campaign, people), campaign=campaign,
            organizing=lambda people: self._organizing(campaign, people), texts=texts,
            first=limit), total

    def _ladder_rows(self, campaign: str, *, today: dt.date | None, first: int
                     ) -> tuple[str | None, list[tuple], int] | None:
        """The day the ladder is as of (``today``, or the campaign's latest 1-on-1 or update,
        ISO), the rows (:data:`mapper.readmodel.COMMITTED_FIELDS`) of its first ``first``
        entries (:func:`mapper.readmodel.ladder_candidates`), and how many committed
        people still in the workplace there are, read as of one moment; None as
        :meth:`_committed_rows` says. Here from every committed row; a store picks them in
        its query."""
        from mapper import readmodel

        found = self._committed_rows(campaign, latest=today is None)
        if found is None:
            return None
        latest, rows = found
        day = today.isoformat() if today is not None else latest
        return day, readmodel.ladder_candidates(rows, day, first), len(rows)

    def shared_actions(self, campaign: str,
                       texts: Callable[[list[str]], dict]) -> set[str] | None:
        """:func:`mapper.analytics.readiness.shared_actions` (with every word ``texts`` reads)
        from the read model; None when it cannot answer (see :meth:`_ask_rows`)."""
        from mapper import readmodel

        rows = self._ask_rows(campaign)
        return None if rows is None else readmodel.shared_action_words(rows, texts, campaign)

    def ask_queue(self, campaign: str, *, today: dt.date | None = None, limit: int | None = None,
                  min_anger: int = 3, wait_days: int = 30,
                  texts: Callable[[list[str]], dict] | None = None,
                  words: str | None = None) -> list[dict[str, Any]] | None:
        """:meth:`ask_queue_page` from the top, without the count."""
        found = self.ask_queue_page(campaign, today=today, limit=limit, min_anger=min_anger,
                                    wait_days=wait_days, texts=texts, words=words)
        return None if found is None else found[0]

    def ask_queue_page(self, campaign: str, *, today: dt.date | None = None,
                       limit: int | None = None, min_anger: int = 3, wait_days: int = 30,
                       offset: int = 0, texts: Callable[[list[str]], dict] | None = None,
                       words: str | None = None) -> tuple[list[dict[str, Any]], int] | None:
        """:func:`mapper.analytics.readiness.ask_queue` from the read model: every contact
        ranked from their stored points and the campaign's counts, then the entries of the
        ``limit`` shown from ``offset`` computed from those people's own records. ``texts``
        reads the words of the given 1-on-1s (the campaign's shared actions are named with
        them, as :func:`~mapper.analytics.texts.fill_texts` gives them). None when it cannot
        answer (see :meth:`_ask_rows`).

        With ``today`` given, and ``words`` naming what ``texts`` reads (``"every"``: every
        word, the command line's) or no ``texts``, the ranking kept in the store is used
        (:meth:`kept_ask_ranking`): the page reads the rows written since it was ranked, not
        the campaign's."""
        ranking = None
        if today is not None and (texts is None or words is not None):
            # A ranking kept anew while this one's pages were read: read from the new one
            # (and ranked whole, should that too be kept anew meanwhile).
            for attempt in range(3):
                ranking = self.kept_ask_ranking(campaign, today=today, min_anger=min_anger,
                                                wait_days=wait_days, texts=texts, words=words,
                                                fresh=attempt == 2)
                if ranking is None or ranking.whole:
                    break
                end = None if limit is None else offset + limit
                try:
                    shown = [p for p, _, _ in ranking.head(end)[offset:]]
                    count = ranking.count
                except TornRanking:
                    continue
                # (Someone gone from the read model since, unseen by its stamps, is left out.)
                return list(self.ask_entries(campaign, ranking, shown).values()), count
        if ranking is None:
            ranking = self.ask_ranking(campaign, today=today, min_anger=min_anger,
                                       wait_days=wait_days, texts=texts)
        if ranking is None:
            return None
        end = None if limit is None else offset + limit
        return (ranking.entries([p for p, _, _ in ranking.order[offset:end]]),
                len(ranking.order))

    #: The question a kept ask ranking is stored under (:meth:`put_answer`).
    ASK_RANKING = "ask_ranking"

    def kept_ask_ranking(self, campaign: str, *, today: dt.date, min_anger: int = 3,
                         wait_days: int = 30, texts: Callable[[list[str]], dict] | None = None,
                         words: str | None = None, fresh: bool = False,
                         lag: float | None = None, rank_whole: bool = True
                         ) -> "readmodel.AskRanking | None":
        """The ask queue's ranking kept in the store as stored answers (its order, in pages
        read as they are shown, :meth:`_keep_ranking`; the campaign's counts of the issues
        people are angry about and its shared actions), with
        every row written since re-scored and put in its place
        (:meth:`mapper.readmodel.AskRanking.kept`): what a page of the queue reads, the
        rows of the people written since (by their stamps: :meth:`_ask_rows_since`), not the
        campaign's.

        The kept ranking is used while it is for the store's version; with at most
        :attr:`ask_changes_kept` rows written since, while every score in it still holds
        (:attr:`~mapper.readmodel.AskRanking.exact`: each person written since is scored
        again against the campaign's counts as of now, and no one else's score owes anything
        to what moved), however old it is (unless the lag bound is 0): then only the shared
        actions suggested are as of the kept ranking (:meth:`kept_ask_stamp` says when), until
        the background refresher ranks it again. Else it is used while it was kept less than
        the lag bound ago
        (``lag``, else :func:`mapper.analytics.stored.lag_bound`, ``MAPPER_ANSWER_LAG``; or than
        ranking it took, when that is longer): others' scores may then lag, by up to the lag
        bound.
        With none kept for ``today``, the one kept for the nearest other day is used so, the
        people whose wait after an ask the move ends or begins re-scored
        (:meth:`_ask_rows_waited`), while every score holds; it is not kept for ``today``.
        Else the ranking is computed from every row (as
        :meth:`ask_ranking`) and kept (so too with ``fresh``: what the background refresher
        of stored answers does, :meth:`refresh_kept_answer`); a ranking so computed is
        returned as it is (:attr:`~mapper.readmodel.AskRanking.whole`: it holds every row).
        None when it cannot answer (see :meth:`_ask_rows`); so too, with ``rank_whole``
        false, where it would be ranked whole (a list's first block: the whole list, whose
        build one caller per process makes at a time, ranks it)."""
        from mapper import clock, readmodel
        from mapper.analytics.stored import lag_bound, options_key

        words = words if texts is not None else None
        key = options_key({"today": today, "min_anger": min_anger, "wait_days": wait_days,
                           "words": words})
        slice_of = lambda people: self._people_slice(campaign, people)  # noqa: E731
        organizers_of = functools.partial(self._organizers_trusted, campaign)
        organizing = self._organizing_contacts(campaign)  # (never in the queue)
        kept_order = None if fresh else self._kept_ranking(campaign, key)
        # None kept for this day: another day's, the people whose wait after an ask the move
        # ends or begins re-scored (a new day's first page, not the campaign ranked again).
        borrowed = kept_order is None and not fresh and today is not None
        if borrowed:
            kept_order = self._kept_ranking_of_another_day(campaign, today, min_anger,
                                                           wait_days, words)
        found, order = kept_order or (None, None)
        if found is not None and found.result is not None:
            since = self._ask_rows_since(campaign, found.version)
            dropped = self.answers_dropped_at(campaign)
            if dropped is not None and found.version < dropped:
                # A forget since it was read (between its stamp and these rows): it dropped
                # the ranking and the stamps of the rows it removed, so someone forgotten
                # would be listed from it, unseen as gone. Ranked whole, as it is now.
                since = None
            if since is not None:
                changed, gone, version, counts = since
                # Its age counts from when it was kept: every row written since is placed by
                # its row as it is now, so only the campaign's counts are older (by the time
                # ranking took, as long as a whole campaign takes to rank). And it is kept as
                # long as ranking took (at a million people, about a minute): ranked again
                # sooner, the campaign would be ranked over and over.
                kept_at = found.result.get("kept_at")
                kept_time = dt.datetime.fromisoformat(kept_at) if kept_at else found.computed_at
                took = (kept_time - found.computed_at).total_seconds()
                bound = lag_bound() if lag is None else lag  # (none allowed, 0: never)
                now = clock.now()
                # Its counts lag from the first write after its version, where the store
                # knows when (kept current through a quiet hour, the next write did not make
                # them an hour old), when that came after it was kept.
                since = self.stale_since(found.version) if bound > 0 else None
                lags_from = (min(since, now) if since is not None
                             and kept_time < since <= now + dt.timedelta(seconds=5)
                             else kept_time)
                young = bound > 0 and (now - lags_from).total_seconds() <= max(bound, took)
                if len(changed) + len(gone) <= self.ask_changes_kept:
                    day = readmodel.ranked_day(found.result, today, changed)
                    waited = self._ask_rows_waited(campaign, found.result, day, wait_days)
                    written = {r[0] for r in changed}
                    rows = [*changed, *(r for r in waited or () if r[0] not in written)]
                    # Kept without someone who organizes no more (her 1-on-1s as organizer
                    # gone, her row unchanged): she is scored again from her row.
                    back = (set(found.result.get("organizing", ())) - organizing
                            - {r[0] for r in rows})
                    if back:
                        rows += self._ask_rows_of(campaign, sorted(back))
                    shared = readmodel.angry_people(counts, min_anger)

                    def scored(again: list[tuple]) -> readmodel.AskRanking:
                        """The kept ranking with these rows scored again."""
                        return readmodel.AskRanking.kept(
                            found.result, again, gone, slice_of,
                            campaign=campaign, min_anger=min_anger, wait_days=wait_days,
                            texts=texts, order=order, shared=shared, today=day,
                            organizers_of=organizers_of, organizing=organizing)
                    # Whether its scores can all hold: not if the rows whose wait moved were
                    # too many to read (their waits lag), nor if it was kept before the store
                    # stamped each row gone outright (Neo4j did not: someone gone since may
                    # be in it unseen).
                    can_hold = waited is not None and bool(found.result.get("gone_stamped"))
                    ranking = scored(rows)
                    if ranking.unsettled and not ranking.latest and can_hold:
                        # An issue's points moved (its second to eighth person angry about
                        # it): the few others angry about it re-scored too, read as of the
                        # same version, and every score holds again.
                        angry = self._ask_rows_angry_about(campaign, sorted(ranking.unsettled),
                                                           min_anger)
                        if angry is not None and angry[1] == version:
                            have = {r[0] for r in rows}
                            more = [r for r in angry[0] if r[0] not in have]
                            if len(rows) + len(more) + len(gone) <= self.ask_changes_kept:
                                ranking = scored([*rows, *more])
                    # (The rows whose wait moved were read after the rows written since: a
                    # write between may have moved what those were scored against.)
                    if not can_hold or (waited and self.version() != version):
                        ranking.exact = False
                    if borrowed:
                        # (Not kept for this day: a page after it reads the same, and the
                        # shared actions it suggests are that day's, until --fresh, or a
                        # server's refresher finding that one stale, ranks today's whole.)
                        if bound > 0 and ranking.exact:
                            return ranking
                    elif version == found.version or young or (bound > 0 and ranking.exact):
                        return ranking
        if not rank_whole:
            return None
        version, at = self.version(), clock.now()  # before the rows: no older than these
        rows = self._ask_rows(campaign)
        if rows is None:
            return None
        ranking = readmodel.AskRanking(rows, slice_of, campaign=campaign, today=today,
                                       min_anger=min_anger, wait_days=wait_days, texts=texts,
                                       organizers_of=organizers_of, organizing=organizing)
        try:
            kept = {**ranking.stored(), "kept_at": clock.now().isoformat(),
                    "gone_stamped": True}
            self._keep_ranking(campaign, key, version, at, kept)
        except Exception as exc:  # a cache: the page is answered all the same
            import logging

            logging.getLogger(__name__).warning("keeping the ask ranking failed: %s",
                                                type(exc).__name__)
        return ranking

    #: Rows whose wait after an ask a new day moves that a kept ranking of another day takes
    #: in at most (more: ranked again). At a million people, about 2,000 a day.
    ask_waits_kept = 20_000

    def _ask_rows_waited(self, campaign: str, kept: Mapping[str, Any], day: dt.date | None,
                         wait_days: int) -> list[tuple] | None:
        """The rows (as :meth:`_ask_rows`) of the people whose ask history a ranking kept
        (:meth:`~mapper.readmodel.AskRanking.stored`) judges otherwise on ``day``: last
        asked, in a 1-on-1 or by an attempt, between ``wait_days`` before its day and before
        ``day`` (:func:`mapper.readmodel.waits_moved`). None when there are too many
        (:attr:`ask_waits_kept`), or the days are unknown."""
        from mapper import readmodel

        span = readmodel.waits_moved(kept.get("today"), day, wait_days)
        if span is None:
            return None
        if not span:
            return []
        rows = self._ask_rows_asked_between(campaign, *span)
        return rows if len(rows) <= self.ask_waits_kept else None

    def _ask_rows_asked_between(self, campaign: str, start: dt.date, end: dt.date
                                ) -> list[tuple]:
        """The rows (as :meth:`_ask_rows`) of the people last asked, in a 1-on-1 or by a
        contact attempt, from ``start`` to before ``end``."""
        return [r for r in self._ask_rows(campaign) or ()
                if any(d and start.isoformat() <= d < end.isoformat() for d in (r[8], r[10]))]

    def _kept_ranking_of_another_day(self, campaign: str, today: dt.date, min_anger: int,
                                     wait_days: int, words: str | None
                                     ) -> "tuple[StoredAnswer, readmodel.KeptOrder] | None":
        """The ranking kept for these options on the day nearest ``today`` (the latest of
        those as near), as :meth:`_kept_ranking` reads it; None when there is none."""
        from mapper.analytics.stored import options_of

        days = []
        for stamp in self.answer_stamps(campaign):
            if stamp.question != self.ASK_RANKING:
                continue
            options = options_of(stamp.options)
            day = options.pop("today", None)
            if day is not None and options == {"min_anger": min_anger, "wait_days": wait_days,
                                               "words": words}:
                days.append((abs((day - today).days), -day.toordinal(), stamp.options))
        return self._kept_ranking(campaign, min(days)[2]) if days else None

    def kept_ask_stamp(self, campaign: str, *, today: dt.date, min_anger: int = 3,
                       wait_days: int = 30, words: str | None = None
                       ) -> tuple[dt.datetime, dt.date | None] | None:
        """When, and for which day, the shared actions the asks of the ranking a page for
        these options reads (:meth:`kept_ask_ranking`: the one kept for the day, else
        another day's) suggest were counted, with the campaign's whole ranking: what a page
        of it owes to that moment. None when that is as of the last write, for the day, or
        none is kept."""
        from mapper.analytics.stored import options_key

        key = options_key({"today": today, "min_anger": min_anger, "wait_days": wait_days,
                           "words": words})
        found = (self._kept_ranking(campaign, key)
                 or self._kept_ranking_of_another_day(campaign, today, min_anger, wait_days,
                                                      words))
        if found is None:
            return None
        head, day = found[0], found[0].result.get("today")
        if head.version == self.version() and day == today.isoformat():
            return None
        return head.computed_at, dt.date.fromisoformat(day) if day else None

    #: Entries of a kept ranking's order per stored page (:meth:`_keep_ranking`).
    ask_chunk_size = 2_000
    #: At most so many stored sets of the people a kept ranking's order holds (by a stable
    #: hash of their key): what its count reads for the people written since.
    ask_buckets = 64

    def _keep_ranking(self, campaign: str, key: str, version: int, at: dt.datetime,
                      kept: dict[str, Any]) -> None:
        """Keep a ranking (:meth:`mapper.readmodel.AskRanking.stored`) in pages, all in one
        transaction (:meth:`put_answers`): a head (question :attr:`ASK_RANKING`: its day,
        the campaign's counts and plans, how many entries and pages), its order in pages of
        :attr:`ask_chunk_size` entries, and who is in it, in buckets; with what a list counts
        (units, organizers, issues: the head's counts of all, and each bucket's people's
        apart, which a list's filters read for the people written since). A page of the queue
        reads the head and the pages it shows (:class:`PagedOrder`), not the whole order: at a
        million people that is 40 MB of JSON, read in a second."""
        from mapper import readmodel
        from mapper.analytics.stored import PART

        order = kept.pop("order")
        size = self.ask_chunk_size
        chunks = [order[i:i + size] for i in range(0, len(order), size)]
        n = max(1, min(self.ask_buckets, len(chunks)))
        buckets: list[dict[str, list]] = [{} for _ in range(n)]
        for e in order:
            buckets[_bucket(e[0], n)][e[0]] = e[4:]
        head = {**kept, "count": len(order), "chunks": len(chunks), "chunk_size": size,
                "buckets": n, "list_counts": readmodel.list_counts(e[4:] for e in order)}
        answers = [StoredAnswer(campaign, self.ASK_RANKING, key, version, at, head)]
        answers += [StoredAnswer(campaign, _chunk_question(i), key, version, at, c)
                    for i, c in enumerate(chunks)]
        answers += [StoredAnswer(campaign, _bucket_question(b), key, version, at, sorted(p))
                    for b, p in enumerate(buckets)]
        answers += [StoredAnswer(campaign, _columns_question(b), key, version, at,
                                 dict(sorted(p.items()))) for b, p in enumerate(buckets)]
        names = {a.question for a in answers}
        drop = [(a.question, key) for a in self.answer_stamps(campaign)
                if a.options == key and a.question.startswith(self.ASK_RANKING + PART)
                and a.question not in names]
        if self.put_answers(answers, drop):
            # This process pages from it at once, its first pages held (as read).
            paged = PagedOrder(self, answers[0])
            for i, c in enumerate(chunks[:2]):
                paged.chunks_read[i] = c
            self._hold_ranking(campaign, key, answers[0], paged)

    def _kept_ranking(self, campaign: str, key: str
                      ) -> "tuple[StoredAnswer, readmodel.KeptOrder] | None":
        """The head of the ranking kept under ``key`` and its order (read page by page when
        iterated, :class:`PagedOrder`; or whole, as older code kept it in one answer), read
        once per process while the head's stamp stays the same: each page of a list starts
        from it. None when none is kept (or its first page is not the head's)."""
        from mapper import readmodel

        stamp = next((a for a in self.answer_stamps(campaign)
                      if a.question == self.ASK_RANKING and a.options == key), None)
        cache = self._kept_answers
        if stamp is None:  # dropped (a person forgotten): nor held here
            cache.pop((campaign, key), None)
            return None
        held = cache.get((campaign, key))
        if held is not None and (held[0].version, held[0].computed_at) == (stamp.version,
                                                                           stamp.computed_at):
            return held
        first = (_chunk_question(0), key)
        found = self.get_answers(campaign, [(self.ASK_RANKING, key), first])
        head = found.get((self.ASK_RANKING, key))
        if head is None or head.result is None:
            return None
        if "order" in head.result:  # kept by older code, whole
            order: readmodel.KeptOrder = readmodel.WholeOrder(head.result["order"])
        else:
            order = paged = PagedOrder(self, head)
            if paged.chunks:
                try:
                    paged.take(0, found.get(first))
                except TornRanking:
                    return None
        return self._hold_ranking(campaign, key, head, order)

    def let_go_of_forgotten(self) -> bool:
        """Let go of the kept rankings this process holds (:meth:`_kept_ranking`) from before
        their campaign's stored answers were last dropped (a forget): none is served again,
        but their pages read name whom they ranked until a page of that list is read again.
        Whether any was let go of."""
        cache = self._kept_answers
        old = [k for k, (head, _) in list(cache.items())
               if (mark := self.answers_dropped_at(k[0])) is not None and head.version < mark]
        for k in old:
            cache.pop(k, None)
        return bool(old)

    def _hold_ranking(self, campaign: str, key: str, head: StoredAnswer,
                      order: "readmodel.KeptOrder") -> "tuple[StoredAnswer, readmodel.KeptOrder]":
        cache = self._kept_answers
        if len(cache) >= 4 and (campaign, key) not in cache:
            cache.clear()  # one or two kinds of list a process pages; a new day, anew
        cache[(campaign, key)] = (head, order)
        return head, order

    @functools.cached_property
    def _kept_answers(self) -> dict[tuple[str, str], "tuple[StoredAnswer, readmodel.KeptOrder]"]:
        """The kept rankings this process read, by campaign and options (:meth:`_kept_ranking`)."""
        return {}

    def refresh_kept_answer(self, campaign: str, question: str, options: dict[str, Any]
                            ) -> bool:
        """Compute again a stale answer the store keeps for its lists (the ask ranking,
        :meth:`kept_ask_ranking`), as the background refresher of stored answers does for the
        whole-graph ones; whether ``question`` is one of them."""
        if question != self.ASK_RANKING:
            return False
        texts = None
        if options.get("words") == "every":
            from mapper.analytics.texts import read_texts

            texts = lambda ids: read_texts(self, campaign, ids)  # noqa: E731
        elif options.get("words") is not None:
            return False
        self.kept_ask_ranking(campaign, today=options["today"], min_anger=options["min_anger"],
                              wait_days=options["wait_days"], texts=texts,
                              words=options.get("words"), fresh=True)
        return True

    #: Rows written since a kept ask ranking that it takes in at most (more: ranked again).
    ask_changes_kept = 2_000

    def _ask_rows_since(self, campaign: str, version: int
                        ) -> tuple[list[tuple], list[str], int, list[tuple]] | None:
        """The rows (as :meth:`_ask_rows`) of the people whose read-model row was written
        at or after store version ``version`` (its stamp: the version the writing
        transaction started from), the keys of those of them no longer in those rows (a row
        removed outright is stamped when it goes), the store's version, and the campaign's
        counts of anger (``(kind, issue, level, n)``, :func:`mapper.readmodel.angry_people`),
        read as of one moment; None as :meth:`_ask_rows` says, or when the store stamps no
        row."""
        return None

    def _ask_rows_angry_about(self, campaign: str, issues: Sequence[str], min_anger: int
                              ) -> tuple[list[tuple], int] | None:
        """The rows (as :meth:`_ask_rows`) of the people angry about any of these issues at
        ``min_anger`` or more in some 1-on-1 (from the issues' edges: everyone whose row says
        so, and maybe some more), and the store's version, read as of one moment; None when
        the store cannot read them so."""
        return None

    def _angry_rows(self, campaign: str, issue: str, min_anger: int) -> list[tuple] | None:
        """The read model's rows ``(person, name, unit, angers)`` of the people angry about
        ``issue`` at ``min_anger`` or more in some 1-on-1 (from the issue's edges: everyone
        whose latest anger is, and maybe some more), whether still in the workplace or not;
        None when the store cannot read them so."""
        return None

    def people_angry_about(self, campaign: str, *, issue: str, min_anger: int = 3
                           ) -> list[dict[str, Any]] | None:
        """:func:`dashboard.tables.people_angry_about` from the read model (the people of an
        issue clicked on the clusters page: at a million people a whole snapshot, 50 s and
        2.4 GB in the worker); None when it cannot."""
        from mapper import readmodel

        rows = self._angry_rows(campaign, issue, min_anger)
        return None if rows is None else readmodel.angry_about(rows, issue, min_anger)

    def _ask_rows_of(self, campaign: str, people: Sequence[str]) -> list[tuple]:
        """The rows (as :meth:`_ask_rows`) of these people (those still in them)."""
        wanted = set(people)
        return [r for r in self._ask_rows(campaign) or () if r[0] in wanted] if wanted else []

    def ask_ranking(self, campaign: str, *, today: dt.date | None = None, min_anger: int = 3,
                    wait_days: int = 30, texts: Callable[[list[str]], dict] | None = None
                    ) -> "readmodel.AskRanking | None":
        """The ask queue ranked from the read model (:class:`mapper.readmodel.AskRanking`),
        each entry computed when asked for; None when it cannot answer (see :meth:`_ask_rows`)."""
        from mapper import readmodel

        rows = self._ask_rows(campaign)
        if rows is None:
            return None
        return readmodel.AskRanking(rows, lambda people: self._people_slice(campaign, people),
                                    campaign=campaign, today=today, min_anger=min_anger,
                                    wait_days=wait_days, texts=texts,
                                    organizers_of=functools.partial(self._organizers_trusted,
                                                                    campaign),
                                    organizing=self._organizing_contacts(campaign))

    def kept_list_ranking(self, campaign: str, *, min_anger: int = 3, wait_days: int = 30,
                          texts: Callable[[list[str]], dict] | None = None,
                          words: str | None = None, lag: float | None = None
                          ) -> "readmodel.AskRanking | None":
        """The ask queue as a list of it reads it (the dashboard's Ready list): judged as of the
        campaign's latest record (no ``today``: analytics never read the clock), from the
        ranking kept in the store (:meth:`kept_ask_ranking`), with what the list filters and
        sorts every contact on (:attr:`~mapper.readmodel.AskRanking.listed`). A ranking kept
        by older code, without those, is ranked whole again and kept anew. None when it
        cannot answer (see :meth:`_ask_rows`)."""
        options: dict[str, Any] = {"today": None, "min_anger": min_anger,
                                   "wait_days": wait_days, "texts": texts, "words": words,
                                   "lag": lag}
        for attempt in range(3):
            ranking = self.kept_ask_ranking(campaign, fresh=attempt == 2, **options)
            if ranking is None or ranking.whole:
                return ranking
            try:
                if not ranking.listable():
                    return self.kept_ask_ranking(campaign, fresh=True, **options)
                ranking.read_kept()  # every page read now, while they are of one keep
            except TornRanking:  # kept anew meanwhile: read that one
                continue
            return ranking
        return None  # (not reached: ranked whole the third time)

    def kept_list_head(self, campaign: str, n: int, **options: Any
                       ) -> "tuple[readmodel.AskRanking, list[tuple], int] | None":
        """The first ``n`` entries of the list :meth:`kept_list_ranking` gives
        (:meth:`~mapper.readmodel.AskRanking.head_entries`), with its ranking and how many it
        holds: the pages of the kept order past them not read. None as :meth:`_kept_list`."""
        return self._kept_list(campaign, lambda r: (r, r.head_entries(n), r.count), **options)

    def kept_list_counts(self, campaign: str, **options: Any
                         ) -> "tuple[readmodel.AskRanking, dict[str, dict[str, int]]] | None":
        """How many contacts of the list :meth:`kept_list_ranking` gives hold each unit,
        organizer and issue (:meth:`~mapper.readmodel.AskRanking.list_counts`: what its filters
        offer), with its ranking: the kept order not read. None as :meth:`_kept_list`, or for
        a ranking kept without its counts."""
        found = self._kept_list(campaign, lambda r: (r, r.list_counts()), **options)
        return None if found is None or found[1] is None else found

    def _kept_list(self, campaign: str, read: Callable[[Any], Any], *, min_anger: int = 3,
                   wait_days: int = 30, texts: Callable[[list[str]], dict] | None = None,
                   words: str | None = None, lag: float | None = None) -> Any:
        """``read`` of the ranking :meth:`kept_list_ranking` would give, where it is kept (read
        again if it is kept anew while read): never ranked whole here, the whole list's build
        (once per process, beside it) does that. None where it would be ranked whole, or
        cannot answer, or is kept without the list's columns (kept by older code: the list
        reads it whole)."""
        options: dict[str, Any] = {"today": None, "min_anger": min_anger,
                                   "wait_days": wait_days, "texts": texts, "words": words,
                                   "lag": lag}
        for _attempt in range(2):
            ranking = self.kept_ask_ranking(campaign, rank_whole=False, **options)
            if ranking is None:
                return None
            try:
                return read(ranking) if ranking.listable() else None
            except TornRanking:  # kept anew meanwhile: read that one
                continue
            except ValueError:  # kept without the list's columns
                return None
        return None

    def ask_entries(self, campaign: str, ranking: "readmodel.AskRanking",
                    shown: Sequence[str]) -> dict[str, dict[str, Any]]:
        """``{person: entry}`` of ``shown`` (people of ``ranking``'s order), as
        :meth:`ask_queue_page` computes a page's: the rows of those shown and of the people
        they trust read first where a kept ranking does not hold them. Someone gone from the
        read model since (unseen by its stamps) has none."""
        if not ranking.whole:
            ranking.add_rows(self._ask_rows_of(
                campaign, [p for p in shown if p not in ranking.rows]))
            ranking.add_rows(self._ask_rows_of(campaign, sorted(
                {n for p in shown for n in ranking.trusts.get(p, ())} - set(ranking.rows))))
        return {e["person"]: e for e in ranking.entries(shown)}

    def assignees(self, campaign: str) -> dict[str, str]:
        """``{person: organizer's name}``: whom each contact is assigned to (as
        :func:`mapper.analytics.status.assignee` names them)."""
        raise NotImplementedError

    def assignees_of(self, campaign: str, people: Sequence[str]) -> dict[str, str]:
        """:meth:`assignees` of these people (keys) alone: a list's first rows read theirs,
        not the campaign's (300,000 at a million people, 2.8 s)."""
        from mapper import readmodel

        rows = self._assignments_of(campaign, people)
        if not rows:
            return {}
        names = dict(self._people_slice(campaign, []).organizers)
        return readmodel.assignees((o, names.get(o), p, date) for o, p, date in rows)

    def snapshot(self, campaign: str) -> Snapshot:
        """The campaign's graph for analytics (no personal details)."""
        with gc_paused():
            return build_snapshot(self.snapshot_rows(campaign))

    def person_key(self, campaign: str, name: str) -> str:
        return self.aliases(campaign).key("person", campaign, name)

    def person_history(self, campaign: str, name_or_key: str) -> list[OneOnOne]:
        """Every conversation held with a person, oldest first (full records: personal)."""
        key = name_or_key if name_or_key.startswith("person:") else self.person_key(campaign, name_or_key)
        ids = self.person_record_ids(campaign, key)
        by_id = {r.id: r for r in self.get_records(ids)}
        return [_load("conversation", by_id[i]) for i in ids if i in by_id]

    def person_updates(self, campaign: str, person_key: str) -> list[StoredRecord]:
        """The updates about a person (full records: personal), read by her key, never the
        campaign's (at a million people with 300,000 contacts assigned, every update took 2-3 s
        of her page). While the campaign is re-projected (an alias changed) an update not yet
        projected again is keyed as the old aliases said, maybe as another person: the
        campaign's updates are read then. Either way, those the aliases now say are hers."""
        aliases = self.aliases(campaign)
        moving = any(w.campaign == campaign for w in self._pending())
        found = (self.iter_records(campaign, "update") if moving else
                 self.get_records(self.person_record_ids(campaign, person_key, "update")))
        return [r for r in found if aliases.key("person", campaign, r.body["person"]) == person_key]

    def export(self, campaign: str | None = None) -> Iterator[str]:
        """Stored records as JSON Lines, each tagged with its ``record_type``; re-importable."""
        for kind in EXPORT_ORDER:
            for rec in self.iter_records(campaign, kind):
                yield json.dumps({"record_type": kind, **rec.body}, ensure_ascii=False, sort_keys=True)

    def conversation_texts(self, campaign: str, ids: Iterable[str] | None = None,
                           fields: Sequence[str] = KEPT_WORDS,
                           ) -> dict[str, dict[str, Any]]:
        """Words the graph does not hold, read from the stored 1-on-1s: personal.

        ``{conversation id: {field path: value}}`` with only the ``fields`` asked for (dotted
        paths into the record, e.g. ``ask.action``, ``ask.fears``) that the record fills; the
        ids are the conversations' own (:attr:`mapper.snapshot.Conversation.id`), and ``ids``
        None means every conversation of the campaign. Show them only to whom the role rules
        allow (:data:`mapper.privacy.PERSONAL_FIELDS`).
        """
        if ids is None:
            records: Iterable[StoredRecord] = self.iter_records(campaign, "conversation")
        else:
            keys = self._text_keys(campaign, ids)
            if not keys:
                return {}
            records = self.get_records(keys)
        return _texts(((rec.kind, rec.campaign, rec.body) for rec in records), campaign, fields)

    @staticmethod
    def _text_keys(campaign: str, ids: Iterable[str]) -> list[str]:
        """The store keys of 1-on-1s by their own ids (:meth:`conversation_texts`): the
        store-wide key of each, and its bare id as stores written before campaign-scoped keys
        still hold it."""
        from mapper.projection import conversation_key

        wanted = list(dict.fromkeys(ids))
        return [conversation_key(campaign, i) for i in wanted] + wanted


def _picked(body: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """The ``fields`` (dotted paths) a 1-on-1's stored body fills, by path."""
    found = {}
    for path in fields:
        value: Any = body
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None and value != "" and value != []:
            found[path] = value
    return found


def kept_words(campaign: str, body: dict[str, Any]) -> dict[str, Any]:
    """What a store keeps of a 1-on-1 beside its record for :meth:`Store.conversation_texts`
    of :data:`KEPT_WORDS`: its id, its campaign, and the words it fills, by path."""
    return {"id": body["id"], "campaign": body.get("campaign", campaign),
            "words": _picked(body, KEPT_WORDS)}


def _texts(records: Iterable[tuple[str, str, dict[str, Any]]], campaign: str,
           fields: Sequence[str]) -> dict[str, dict[str, Any]]:
    """:meth:`Store.conversation_texts` from (kind, campaign, body) of stored records."""
    return {body["id"]: _picked(body, fields) for kind, camp, body in records
            if kind == "conversation" and body.get("campaign", camp) == campaign}
