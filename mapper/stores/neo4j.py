"""The shared store: the graph in a Neo4j 5.26+ server, one Cypher file per statement."""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from importlib import resources
from typing import Any

import orjson
from neo4j import GraphDatabase, NotificationDisabledClassification
from neo4j.exceptions import ClientError

from mapper import clock, readmodel
from mapper.identity import lookup_keys
from mapper.keys import normalize
from mapper.models import RECORD_KINDS, Record
from mapper.projection import EDGE_TYPES, NODE_KINDS
from mapper.snapshot import Snapshot, SnapshotRows, build_snapshot, gc_paused
from mapper.stores.base import (ANSWERS_DROPPED, EXPORT_ORDER, Moved, PersonHit, Rebuild,
                                Reprojection, Store, StoredAnswer, StoredRecord, Upkeep,
                                WriteResult, KEPT_WORDS, _texts, kept_words, marks_of, settle)

__all__ = ["Neo4jStore", "load_query"]

_QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$")

# Properties every graph node carries besides its projection props; a projection may not
# use these names, or a snapshot could not tell the two apart.
_NODE_FIELDS = frozenset({"key", "kind", "campaign"})
_EDGE_FIELDS = frozenset({"source", "campaign"})

_SCHEMA = (
    "schema/create_node_key_constraint",
    "schema/create_record_id_constraint",
    "schema/create_store_meta_id_constraint",
    "schema/create_node_scope_index",
    "schema/create_record_scope_index",
    "schema/create_record_person_index",
    "schema/create_record_name_key_index",
    "schema/create_record_id_key_index",
    "schema/create_record_email_key_index",
    "schema/create_record_phone_key_index",
    "schema/create_follow_up_item_person_index",
    "schema/create_follow_up_item_due_index",
    "schema/create_follow_up_item_organizer_index",
    "schema/create_follow_up_total_index",
    "schema/create_person_row_person_index",
    "schema/create_person_row_campaign_index",
    "schema/create_person_row_stamp_index",
    "schema/create_person_row_committed_index",
    "schema/create_person_row_ladder_index",
    "schema/create_person_row_ask_date_index",
    "schema/create_person_row_latest_index",
    "schema/create_person_row_tried_date_index",
    "schema/create_gone_row_stamp_index",
    "schema/create_gone_row_person_index",
    "schema/create_read_count_index",
    "schema/create_read_count_campaign_index",
    "schema/create_named_count_index",
    "schema/create_named_count_rank_index",
    # Stored answers (a cache; not counted in SCHEMA): created on open, like the rest.
    "schema/create_answer_key_constraint",
    "schema/create_answer_lease_name_constraint",
    "schema/create_answer_version_constraint",
    *(f"schema/create_{t.lower()}_source_index" for t in EDGE_TYPES),
)

# SQLite's LIMIT takes a negative number as "no limit"; Cypher's LIMIT refuses it.
_NO_LIMIT = 2**63 - 1
_INDEX_TIMEOUT_SECONDS = 300
_CLEAR_BATCH = 10_000
_LOOKUP_FIELDS = ("k_name", "k_id", "k_email", "k_phone")
_MIN_SERVER = (5, 26)  # dynamic labels and relationship types: `n:$(expr)`
# Schema 2 keys a 1-on-1 by campaign and id (schema 1, unnumbered, by its id alone, so one
# campaign's record could replace another's) and keeps re-projections under way.
# Schema 3 keeps the read model (mapper.readmodel): each person's open follow-up items as
# (:FollowUpItem) nodes, written in the transaction of the records they come from; an
# update's record names its person, as a 1-on-1's does. A schema-2 store gets every campaign
# marked for re-projection, which fills the read model in resumable batches.
# Schema 4 adds where each person stands ((:PersonRow) nodes: the per-unit counts of mapper
# structure), kept the same way; an older store is marked for re-projection, which fills it.
# Schema 5 keeps each roster row's and 1-on-1's lookup keys on its record (k_name, k_id,
# k_email, k_phone: mapper.identity.lookup_keys), indexed, so matching a new record's person
# reads the few records she could be; a schema-4 store gets them in batches on open.
# A change of the read model alone ((:FollowUpItem), (:PersonRow): a property added, a value
# computed otherwise) needs no re-projection: its migration bumps SCHEMA and, in the
# transaction that sets it, runs write/mark_read_model_rebuild for every campaign (as
# _migrate does for a schema 3-7 store; a schema 1-2 store is marked for re-projection). A (:ReadModelRebuild {campaign, token, cursor}) node
# then stands for each, and resume() on open deletes the campaign's rows in batches and fills
# them again a batch of people per transaction, the cursor (the last person key done) moved
# in each (Store.rebuild_read_model; `mapper rebuild-read-model` runs it by hand). Until the
# node is gone the campaign's read model is not used (read/is_reprojecting).
# Schema 6 pages the follow-ups list from the read model (issue 16 item 1): each campaign's
# open items counted per organizer ((:FollowUpTotal {campaign, organizer, n}), kept by the
# queries that write and delete the items, in their transaction), and the items indexed by
# campaign, organizer and due date; a page reads those counts, the items due from today on and
# the first items of the organizers it shows. An older store gets the counts from its items
# (write/count_follow_up_totals), in one transaction, before anything else moves. The ask
# queue: each (:PersonRow) stamped with the store version its write started from (``stamp``,
# indexed with the campaign), so a page re-scores the rows written since the ranking kept as a
# stored answer was computed (Store.kept_ask_ranking); an older store's rows have none (none
# is newer than a ranking kept after the migration).
# Schema 7 counts each campaign's (:PersonRow) nodes as the overview and mapper structure add
# them up ((:ReadCount {campaign, kind, key, sub, n}): people, asks by answer, anger per issue
# and level, each unit's people by where they stand (since schema 9, a node per unit):
# mapper.readmodel.row_counts), moved by
# each write that changes the rows, in its transaction: those pages read a few hundred counts,
# not a million rows. (An older store gets them with schema 8's rebuild.)
# Schema 8 counts the campaign's 1-on-1s per day the same way ((:PersonRow).days, each person's
# 1-on-1s by day; (:ReadCount) kind 'day'): the overview's weeks read a few hundred counts, not
# every 1-on-1's record. An older store (from schema 3 on) gets its read model rebuilt.
# Schema 9 keeps each unit's counts in one (:ReadCount {kind: 'unit', key: the unit, sub: ''})
# node, as a list (``counts``: each UnitCounts field's, in order), not one node per field:
# mapper structure reads 25,000 nodes at a million people, not 150,000 (0.04-0.07 s, not
# 0.35-1.0 s). An older store gets them with its read model's rebuild (since schema 12; a
# schema-8 store had them grouped on open, without one).
# Schema 10 keeps on each 1-on-1's record, beside its body, the words lists show
# (``words``: mapper.stores.base.kept_words, JSON), written with the body: the ask queue's
# shared actions read the action of every 1-on-1 with a yes to one (166,812 at a million
# people), and read from the bodies that was 252 MB across the wire and a parse of each. An
# older store gets them on open, in batches (write/set_record_words; each can run again).
# Schema 11 keeps whether each person brought a coworker ((:PersonRow).brought: someone they
# referred since spoken with and still in the workplace), kept as ``trusted`` is: the ladder
# sorts the rows by their own properties and reads the 50 it shows, not every referrer's and
# the rows of those they referred. An older store gets it with its read model's rebuild (since
# schema 12; a schema 8-10 store had it set in batches of referrers, without one).
# Schema 12 keeps the power map's rankings with each write: whom each person's latest naming
# for each issue named ((:PersonRow).named), and per issue and decision maker the people naming
# them and their anger ((:NamedCount {campaign, issue, dm, people, anger}), issue '' for every
# issue, indexed by issue, then people and anger: a page reads each issue's first decision
# makers), moved with the rows as the counts are ((:ReadCount) kinds 'namings' and
# 'named_dms'). An older store gets its read model rebuilt on open.
# Schema 13 computes (:PersonRow).ready otherwise: 2 for someone ready but for the wait after
# their latest ask, by a contact attempt, which they refused (the ask queue's ranking reads it
# against its day). An older store gets its read model rebuilt on open.
# Within schema 12, a row removed outright (its person's last record gone: replaced, merged
# away) leaves a (:GoneRow {campaign, person, stamp}) node, stamped as a row is, as SQLite's
# rm_stamps keeps a removed row's stamp: a page of the ask queue drops her from its kept
# ranking (read/list_gone_rows_since). Their indexes are made on open; a delete or a forget,
# which drops its campaigns' stored answers, deletes their every one. (A ranking kept before
# them counts as not exact: Store.kept_ask_ranking.)
# Schema 14 keeps on a campaign's (:Reprojection) mark which records an alias's change moves
# (``spellings``, ``nodes``: mapper.stores.base.Moved; none: every record), so a new alias
# projects again the few records naming its spelling, not the campaign. An older store's
# marks have none and stay whole: nothing to change but the number.
# Schema 15 shows a node an alias names as the alias writes its name (``name``), not as the
# first record to make it spelled it. An older store's merged nodes are renamed so on open
# (Store._name_by_aliases, before the number is set; renaming again does no harm).
# Schema 16 keeps each committed person's place in the ladder's order on their row
# ((:PersonRow).ladder_order: the rung no day changes, then more yeses first), indexed with
# name and key: a page of the ladder reads its entries in order, not every committed row
# sorted (0.84 s of the ladder's table at a million people). An older store's committed rows
# get it on open, in batches (write/set_person_rows_ladder_order; each can run again).
# Schema 17 counts a committed person never rated as a supporter (each unit's 'supporters',
# mapper.readmodel.row_counts): an older store's counts are counted again from its rows on
# open, a campaign per transaction holding the store's lock (each can run again).
SCHEMA = 17
_KEY_BATCH = 5_000
# Where the ladder's order (write/set_person_rows_ladder_order) puts those who said yes and
# whom only the day may put on the second rung, and where it ends.
_SAID_YES = 30_000_000
_LADDER_END = 40_000_000


def _mark_rows(marks: Mapping[str, Moved | None]) -> list[list[Any]]:
    """The rows of write/mark_reprojection."""
    return [[c, secrets.token_hex(8), None if m is None else sorted(m.spellings),
             None if m is None else sorted(m.nodes)] for c, m in sorted(marks.items())]


@functools.cache
def load_query(name: str) -> str:
    """Return the Cypher text of ``queries/<name>.cypher``.

    >>> "$ids" in load_query("write/delete_edges_by_source")
    True
    """
    if not _QUERY_NAME.match(name):
        raise ValueError(f"not a query name: {name!r}")
    *folders, stem = name.split("/")
    return resources.files("queries").joinpath(*folders, f"{stem}.cypher").read_text(encoding="utf-8")


@functools.cache
def _check_delete_query_covers_edge_types() -> None:
    # The deletion query must name every edge type to use the per-type indexes; an edge type
    # added to the projection but not there would leave stale edges behind on replace.
    text = load_query("write/delete_edges_by_source")
    match = re.search(r"\[r:([A-Z_|]+)\]", text)
    named = set(match.group(1).split("|")) if match else set()
    if named != set(EDGE_TYPES):
        raise RuntimeError("queries/write/delete_edges_by_source.cypher must name exactly the "
                           f"edge types {sorted(EDGE_TYPES)}, it names {sorted(named)}")


def _server_version(agent: str) -> tuple[int, int]:
    found = re.search(r"/(\d+)\.(\d+)", agent)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def _words_of(kind: str, campaign: str, body: dict[str, Any]) -> str | None:
    """A record's ``words`` property (schema 10): a 1-on-1's :func:`kept_words` as JSON."""
    if kind != "conversation":
        return None
    return orjson.dumps(kept_words(campaign, body)).decode()


class _BatchRows:
    """A batch turned into the parameters of the write statements: one UNWIND list each.

    Rows are lists, not maps: the driver packs a list of values several times faster.
    """

    def __init__(self, batch: Sequence[StoredRecord]) -> None:
        self.batch = batch
        # Campaigns whose aliases this batch changes: marked for re-projection with it.
        self.marks = _mark_rows(marks_of(batch))
        # A record the store is known not to hold has nothing to drop (the bulk-import case).
        self.replacing = [r.id for r in batch if r.replacing]
        # The embedded store inserts plain nodes in order and ignores later copies (first
        # writer wins), then upserts authoritative nodes (last writer wins); deduplicating
        # here keeps every key to one MERGE row with the same outcome.
        position: dict[str, int] = {}
        self.nodes: list[list[Any]] = []
        authoritative: dict[str, dict[str, Any]] = {}
        self.bare_edges: list[list[Any]] = []
        self.props_edges: list[list[Any]] = []
        # Edges with an endpoint no projection in the batch made: matched by key instead.
        self.keyed_edges: list[list[Any]] = []
        self.new_records: list[list[Any]] = []
        self.replaced_records: list[dict[str, Any]] = []
        # The people whose read-model rows this batch changes (mapper.readmodel).
        self.touched: set[str] = set()
        # The people its edges reach, whose rows of where they stand change (PersonRow).
        self.people: set[str] = set()
        for rec in batch:
            proj = rec.projection
            if proj is None:
                raise ValueError(f"record {rec.id!r} has no projection")
            person = None
            for n in proj.nodes:
                if n.kind == "Person":  # (a self-tie's person is a node without an edge)
                    self.people.add(n.key)
                if n.kind not in NODE_KINDS:
                    raise ValueError(f"unknown node kind {n.kind!r} in record {rec.id!r}")
                if not _NODE_FIELDS.isdisjoint(n.props):
                    raise ValueError(f"node {n.key!r} uses a reserved property {sorted(_NODE_FIELDS)}")
                if n.authoritative:
                    authoritative[n.key] = {"key": n.key, "kind": n.kind, "campaign": n.campaign,
                                            "props": n.props}
                if n.key not in position:
                    # An authoritative node is merged (and its props set) before this list,
                    # so here its row only finds it: it never creates, and props stay put.
                    position[n.key] = len(self.nodes)
                    self.nodes.append([n.key, n.kind, n.campaign, n.props])
            bare: list[list[Any]] = []
            with_props: list[list[Any]] = []
            keyed: list[list[Any]] = []
            for e in proj.edges:
                if e.type not in EDGE_TYPES:
                    raise ValueError(f"unknown edge type {e.type!r} in record {rec.id!r}")
                if not _EDGE_FIELDS.isdisjoint(e.props):
                    raise ValueError(f"edge from {rec.id!r} uses a reserved property {sorted(_EDGE_FIELDS)}")
                if e.source != rec.id or e.campaign != rec.campaign:
                    keyed.append([e.type, e.src, e.dst, e.props, e.source, e.campaign])
                else:
                    src, dst = position.get(e.src), position.get(e.dst)
                    if src is None or dst is None:
                        keyed.append([e.type, e.src, e.dst, e.props, e.source, e.campaign])
                    elif e.props:
                        with_props.append([e.type, src, dst, e.props])
                    else:
                        bare.append([e.type, src, dst])
                if e.type == "WITH" or e.type == "ABOUT":  # whom a 1-on-1 or an update is about
                    person = e.dst
                    self.touched.add(person)
            if bare:
                self.bare_edges.append([rec.id, rec.campaign, bare])
            if with_props:
                self.props_edges.append([rec.id, rec.campaign, with_props])
            self.keyed_edges += keyed
            # As the embedded store keeps it; a third of the cost of json.dumps.
            body = orjson.dumps(rec.body, option=orjson.OPT_SORT_KEYS).decode()
            date = rec.body.get("date")
            keys = lookup_keys(rec.kind, rec.campaign, rec.body)
            words = _words_of(rec.kind, rec.campaign, rec.body)
            if rec.replacing:
                self.replaced_records.append({
                    "id": rec.id, "kind": rec.kind, "campaign": rec.campaign, "hash": rec.hash,
                    "date": date, "person": person, "body": body,
                    **dict(zip(_LOOKUP_FIELDS, keys)), "words": words})
            else:
                self.new_records.append([rec.id, rec.kind, rec.campaign, rec.hash, date, person, body,
                                         *keys, words])
        self.authoritative = list(authoritative.values())


def _write_batch(tx: Any, rows: _BatchRows) -> WriteResult:
    # The lock first: from here until commit no other write runs, so the hashes read next
    # stay true (the rows were built from a look taken before, outside any transaction).
    tx.run(load_query("write/lock_store")).consume()
    held = dict(_read_all(tx, "read/match_record_hashes", ids=[r.id for r in rows.batch]))
    # (A re-projection's: read under the lock, no mark moves before this commits.)
    marks = {c: t for c, t, *_ in _read_all(tx, "read/list_reprojections")
             } if any(r.mark for r in rows.batch) else None
    todo, result = settle(rows.batch, held, marks)
    if len(todo) != len(rows.batch) or any(a is not b for a, b in zip(todo, rows.batch)):
        if not todo:
            return result
        rows = _BatchRows(todo)  # another writer got there first: rare, so built again
    touched = set(rows.touched)
    people = set(rows.people)
    if rows.replacing:
        touched.update(p for (p,) in _read_all(tx, "read/list_record_people", ids=rows.replacing))
        people.update(p for (p,) in _read_all(tx, "read/list_record_edge_people",
                                              ids=rows.replacing))
        tx.run(load_query("write/delete_edges_by_source"), ids=rows.replacing).consume()
    if rows.authoritative:
        # Before the plain rows, which then only find these nodes: the same outcome as plain
        # first (an authoritative node's kind and campaign come from its key either way).
        tx.run(load_query("write/merge_authoritative_nodes"), rows=rows.authoritative).consume()
    if rows.nodes or rows.keyed_edges:
        created = tx.run(load_query("write/merge_nodes_create_edges"), nodes=rows.nodes,
                         bare_edges=rows.bare_edges, props_edges=rows.props_edges,
                         keyed_edges=rows.keyed_edges).single(strict=True)["keyed"]
        if created != len(rows.keyed_edges):
            # Raising rolls the batch back.
            raise ValueError(f"{len(rows.keyed_edges) - created} edge(s) in the batch have an "
                             "endpoint that is no node; nothing was written")
    if rows.new_records:
        tx.run(load_query("write/create_records"), rows=rows.new_records).consume()
    if rows.replaced_records:
        tx.run(load_query("write/merge_records"), rows=rows.replaced_records).consume()
    if rows.marks:
        tx.run(load_query("write/mark_reprojection"), rows=rows.marks).consume()
    _refresh(tx, touched, people)
    _next_version(tx)
    return result


def _next_version(tx: Any) -> None:
    """Move the store's version on (every write does, in its transaction), stamping when it
    left the version it was at if a stored answer was kept at it (:meth:`Neo4jStore.stale_since`)."""
    tx.run(load_query("write/increment_version"), now=clock.now().isoformat()).consume()


def _watch_version(tx: Any, version: int) -> None:
    """After keeping an answer of ``version`` (in its transaction): while that is the store's,
    the write that leaves it stamps when (:func:`_next_version`); versions no answer is kept
    at any more are let go."""
    tx.run(load_query("write/watch_answer_version"), version=version).consume()
    tx.run(load_query("write/delete_unwatched_versions")).consume()


def _node_props(tx: Any, keys: list[str]) -> dict[str, dict[str, Any]]:
    if not keys:
        return {}
    return {k: _drop_node_fields(props) for k, props in _read_all(tx, "read/get_node_props", keys=keys)}


class _Upkeep:
    """What the read model's upkeep reads of some people, in one statement
    (read/list_people_upkeep): their sources, the props of the nodes those name and of the
    people, where they work, their anger, namings and referrals, their rows' standing before the
    write and whom they are tied to (``(neighbour, trusted, referred, spoken)``: whether each
    neighbour's row counts for trust, which way a referral goes, whether the neighbour was
    spoken with and is still in the workplace)."""

    def __init__(self, tx: Any, people: Iterable[str]) -> None:
        self.sources: list[readmodel.Source] = []
        self.nodes: dict[str, dict[str, Any]] = {}
        self.units: list[tuple] = []
        self.anger: list[tuple] = []
        self.referred: list[tuple[str, str]] = []
        self.named: list[tuple] = []
        # Their rows of where they stand before the write, as tuples of PERSON_FIELDS (None
        # where a person has several, which only a rewrite puts right); ``stored`` every one.
        self.was: dict[str, tuple | None] = {}
        self.stored: dict[str, list[tuple]] = {}
        self.ties: dict[str, list[tuple[str, bool, int, bool]]] = {}
        sources, nodes = self.sources, self.nodes
        organizers: dict[str, dict[str, Any]] = {}
        for key, props, found, units, anger, named, referred, stored, ties in _read_all(
                tx, "read/list_people_upkeep", people=sorted(people)):
            if props is not None:
                nodes[key] = _drop_node_fields(props)
            for campaign, kind, rid, node, commitment, held in found:
                sources.append(readmodel.Source(campaign, key, kind, rid))
                if node is not None:
                    nodes[rid] = _drop_node_fields(node)
                if commitment is not None:
                    nodes[f"commitment:{rid[len('conversation:'):]}"] = _drop_node_fields(commitment)
                for okey, oprops in held:
                    organizers[okey] = oprops
            self.units += map(tuple, units)
            self.anger += map(tuple, anger)
            self.named += map(tuple, named)
            self.referred += [(key, o) for o in referred]
            if stored:
                rows = [_person_row(row) for row in stored]
                self.stored[key] = rows
                self.was[key] = rows[0] if len(rows) == 1 else None
            if ties:
                self.ties[key] = [tuple(t) for t in ties]
        # The organizers who held these 1-on-1s, by the keys their props name (the store's
        # key of a name): those the statement found, the rest (an alias's) read by key.
        wanted = readmodel.organizer_keys(sources, nodes)
        nodes.update((k, _drop_node_fields(organizers[k])) for k in wanted if k in organizers)
        nodes.update(_node_props(tx, [k for k in wanted if k not in organizers]))


def _refresh(tx: Any, touched: set[str], people: set[str], *, count: bool = True) -> None:
    """Compute the read model's rows again, in the write's transaction (see
    :mod:`mapper.readmodel`): the open follow-up items of ``touched`` and the rows of where
    ``people`` stand, from their records and the edges saying where they work; the campaign's
    kept counts moved with the rows unless not ``count`` (a rebuild's batch: the rebuild
    counts the rows once at its end, :meth:`Neo4jStore._rebuilt`)."""
    if not touched and not people:
        return
    got = _Upkeep(tx, touched | people)
    _refresh_items(tx, touched, got)
    _refresh_people(tx, people, got, count)


def _by_campaign(people: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for person in people:
        out.setdefault(person.split(":", 2)[1], []).append(person)
    return out


def _refresh_items(tx: Any, people: set[str], got: _Upkeep) -> None:
    if not people:
        return
    wanted = sorted(people)
    items = [list(i) for campaign, keys in _by_campaign(wanted).items()
             for i in readmodel.person_items(campaign, keys, got.sources, got.nodes)]
    tx.run(load_query("write/delete_follow_up_items"), people=wanted).consume()
    if items:
        tx.run(load_query("write/create_follow_up_items"), rows=items).consume()


def _refresh_people(tx: Any, people: set[str], got: _Upkeep, count: bool = True) -> None:
    if not people:
        return
    wanted = sorted(people)
    rows = [r for campaign, keys in _by_campaign(wanted).items()
            for r in readmodel.person_rows(campaign, keys, got.sources, got.nodes, got.units,
                                           got.anger, got.referred, got.named)]
    # Whom each trusts among the committed (ties and referrals, either way round), and
    # whether each brought a coworker: from the rows just computed for those in this write,
    # from the stored rows for the others.
    ties = [(p, *t) for p in wanted for t in got.ties.get(p, ())]
    rows, trust_again, bring_again = readmodel.with_neighbours(rows, people, ties, got.was)
    now = {r.person for r in rows}
    # Only the rows that change are written again (a tie, a roster row met again: most of
    # an import of lists leaves its people's rows as they were).
    was = got.was
    changed = [r for r in rows if was.get(r.person) != r]
    gone = [p for p in wanted if p in was and p not in now]
    if changed or gone:
        dropped = [*gone, *(r.person for r in changed if r.person in was)]
        tx.run(load_query("write/delete_person_rows"), people=dropped).consume()
        # The campaign's counts move with the rows (every stored row of a person goes).
        if count:
            removed = [row for p in dropped for row in got.stored.get(p, ())]
            counts, pairs = readmodel.by_named(readmodel.count_changes(removed, changed))
            if pairs:
                stored = {(c, i, d): (n, a) for c, i, d, n, a in _read_all(
                    tx, "read/list_named_counts", rows=[list(k) for k in pairs])}
                kept, unnamed, dms = readmodel.named_moves(stored, pairs)
                if kept:
                    tx.run(load_query("write/set_named_counts"),
                           rows=[list(k) for k in kept]).consume()
                if unnamed:
                    tx.run(load_query("write/delete_named_counts"),
                           rows=[list(k) for k in unnamed]).consume()
                counts += dms
            others, units = readmodel.by_unit(counts)
            tx.run(load_query("write/count_person_rows"), rows=[list(c) for c in others]
                   ).consume()
            if units:
                tx.run(load_query("write/count_unit_rows"), rows=units).consume()
    if gone:
        # A row removed outright leaves its person's stamp, as a row written leaves its own: a
        # kept ask ranking holding her drops her (Store.kept_ask_ranking).
        tx.run(load_query("write/stamp_gone_rows"),
               rows=[[c, p] for c, keys in _by_campaign(gone).items() for p in keys]).consume()
    if changed:
        tx.run(load_query("write/create_person_rows"), rows=[list(r) for r in changed]).consume()
    # Their neighbours' too where they became committed or stopped being, and whether those
    # who referred them brought a coworker where they were first spoken with, left, or came
    # back (readmodel.with_neighbours): read once the rows above are written.
    if trust_again:
        pairs = _read_all(tx, "read/list_trusted_committed", people=trust_again)
        tx.run(load_query("write/set_person_rows_trusted"),
               rows=[list(r) for r in readmodel.trusted_rows(pairs, trust_again)]).consume()
    brought = []
    if bring_again:
        told = _read_all(tx, "read/list_brought_coworker", people=bring_again)
        brought = readmodel.brought_rows(told, bring_again)
        tx.run(load_query("write/set_person_rows_brought"), rows=[list(r) for r in brought]
               ).consume()
    # The rows written and those whose brought was set: their places in the ladder, once.
    _order_ladder(tx, sorted({r.person for r in changed if r.committed}
                             | {person for _, person in brought}))


def _order_ladder(tx: Any, people: list[str]) -> None:
    """Each of these people's row's place in the ladder's order, where they are committed
    (schema 16): what reads a page of the ladder in order (read/list_ladder_rows)."""
    if people:
        tx.run(load_query("write/set_person_rows_ladder_order"), people=people).consume()


_ROW_DEFAULTS = readmodel.PersonRow._field_defaults


def _person_row(props: Mapping[str, Any]) -> tuple:
    """A stored (:PersonRow)'s properties as a tuple of PERSON_FIELDS; a property it was
    written without (by an older version: ``brought`` before schema 11) at its default."""
    return tuple(props.get(f, _ROW_DEFAULTS.get(f)) for f in readmodel.PERSON_FIELDS)


def _rebuild_batch(tx: Any, work: Rebuild, people: list[str]) -> bool:
    """These people's read-model rows computed again, as a write that reached them does, and
    the rebuild's cursor moved past them; False, writing nothing, if the mark moved since."""
    tx.run(load_query("write/lock_store")).consume()
    moved = _read_all(tx, "write/set_read_model_rebuild_cursor", campaign=work.campaign,
                      token=work.token, after=work.cursor, cursor=people[-1])[0][0]
    if not moved:
        return False
    _refresh(tx, set(people), set(people), count=False)  # counted at the end (_rebuilt)
    return True


def _counted_rows(tx: Any, campaign: str) -> tuple[list[tuple], list[tuple]]:
    """The counts of the campaign's rows of where its people stand, from scratch, and the
    power map's pairs apart (readmodel.counted_apart): the rows streamed, never held (a
    million of them fit in no heap)."""
    return readmodel.counted_apart(
        tuple(r) for r in tx.run(load_query("read/list_person_rows"), campaign=campaign))


def _recount(tx: Any, campaign: str) -> None:
    """The campaign's kept counts replaced by those of its rows, counted holding the store's
    lock (no write moves them meanwhile): what a change of what a row counts for needs."""
    tx.run(load_query("write/lock_store")).consume()
    _replace_read_counts(tx, campaign, _counted_rows(tx, campaign))


def _writes(tx: Any) -> int:
    return _read_all(tx, "read/get_store_writes")[0][0]


def _replace_read_counts(tx: Any, campaign: str,
                         counted: tuple[list[tuple], list[tuple]]) -> None:
    """The campaign's kept counts replaced by those ``counted`` (_counted_rows: one per key;
    each unit's in one node, readmodel.by_unit; the power map's pairs in theirs)."""
    counts, pairs = counted
    others, units = readmodel.by_unit(counts)
    tx.run(load_query("write/delete_read_counts"), campaign=campaign).consume()
    tx.run(load_query("write/create_read_counts"), rows=[list(row) for row in others]).consume()
    tx.run(load_query("write/create_unit_counts"), rows=units).consume()
    tx.run(load_query("write/delete_campaign_named_counts_all"), campaign=campaign).consume()
    tx.run(load_query("write/create_named_counts"), rows=[list(k) for k in pairs]).consume()


# How often a rebuild's end counts the rows in a read transaction before it counts them holding
# the store's lock (Neo4jStore._rebuilt), and a page is read before it is read so
# (Neo4jStore._read_unmoved).
_COUNT_TRIES = 3
# What _unmoved returns when a write committed while it read (read it again).
_MOVED = object()


def _unmoved(tx: Any, read: Callable[..., Any], *args: Any, locked: bool = False) -> Any:
    """``read(tx, *args)``, for a read of several queries that must agree (a page and its
    counts): Neo4j reads at read committed, so a write that commits between two of them could
    move a row from a part not yet read to one read (listed twice) or back (left off), the
    counts not theirs. _MOVED when the number of writes moved across them (see _rebuilt),
    unless read holding the store's lock (``locked``: in a write transaction)."""
    if locked:
        tx.run(load_query("write/lock_store")).consume()
    writes = _writes(tx)
    found = read(tx, *args)
    return _MOVED if not locked and _writes(tx) != writes else found


def _people_slice(tx: Any, campaign: str, people: list[str]) -> readmodel.Slice:
    sources = [readmodel.Source(*row)
               for row in _read_all(tx, "read/list_people_sources", people=people)]

    def rows(name: str, **params: Any) -> list[tuple]:
        found = tx.run(load_query(name), **params).single()
        return [tuple(r) for r in (found[0] if found else [])]

    named = [tuple(r) for (r,) in _read_all(tx, "read/list_people_named", people=people)]
    issues = _snapshot_rows_of(tx, "list_nodes", campaign, "Issue")
    organizers = _snapshot_rows_of(tx, "list_nodes", campaign, "Organizer")
    return readmodel.Slice(
        sources, _node_props(tx, [*readmodel.node_keys(sources), *people]),
        [tuple(r) for (r,) in _read_all(tx, "read/list_people_anger", people=people)],
        named,
        [tuple(r) for (r,) in _read_all(tx, "read/list_people_assignments", people=people)],
        issues,
        # The decision makers these people named (an entry names them), not the campaign's
        # every one (30,000 at a million people, for a page of 20).
        rows("read/list_named_decision_makers", campaign=campaign,
             keys=sorted({n[1] for n in named})),
        organizers,
        [tuple(r) for (r,) in _read_all(tx, "read/list_people_units", people=people)])


def _ask_rows(tx: Any, campaign: str) -> list[tuple] | None:
    if _read_all(tx, "read/is_reprojecting", campaign=campaign)[0][0]:
        return None
    found = tx.run(load_query("read/list_ask_rows"), campaign=campaign).single()
    return [tuple(r) for r in (found[0] if found else [])]


def _ask_rows_since(tx: Any, campaign: str, version: int
                    ) -> tuple[list[tuple], list[str], int, list[tuple]] | None:
    if _read_all(tx, "read/is_reprojecting", campaign=campaign)[0][0]:
        return None
    found = tx.run(load_query("read/list_ask_rows_since"), campaign=campaign,
                   since=version).single()
    rows, gone = [], []
    for *row, listed in (found[0] if found else []):
        if listed:
            rows.append(tuple(row))
        else:
            gone.append(row[0])
    gone += _read_all(tx, "read/list_gone_rows_since", campaign=campaign, since=version)[0][0]
    return (rows, gone, _read_all(tx, "read/get_version")[0][0],
            [tuple(r) for r in _read_all(tx, "read/list_read_counts", campaign=campaign,
                                         kinds=["anger"])])


def _ask_rows_asked_between(tx: Any, campaign: str, start: str, end: str) -> list[tuple]:
    return [tuple(r[0]) for r in tx.run(load_query("read/list_ask_rows_asked_between"),
                                        campaign=campaign, **{"from": start, "to": end})]


def _ask_rows_of(tx: Any, campaign: str, people: list[str]) -> list[tuple]:
    found = tx.run(load_query("read/list_ask_rows_of"), campaign=campaign, people=people).single()
    return [tuple(r) for r in (found[0] if found else [])]


def _ask_rows_angry_about(tx: Any, campaign: str, issues: list[str], min_anger: int
                          ) -> tuple[list[tuple], int]:
    found = tx.run(load_query("read/list_ask_rows_angry_about"), campaign=campaign,
                   issues=issues, min_anger=min_anger).single()
    return ([tuple(r) for r in (found[0] if found else [])],
            _read_all(tx, "read/get_version")[0][0])


def _angry_rows(tx: Any, campaign: str, issue: str, min_anger: int) -> list[tuple] | None:
    if _read_all(tx, "read/is_reprojecting", campaign=campaign)[0][0]:
        return None
    return [tuple(r) for r in tx.run(load_query("read/list_angry_rows"), campaign=campaign,
                                     issue=issue, min_anger=min_anger).single()[0]]


def _took_action(tx: Any, campaign: str, today: dt.date | None) -> int | None:
    if _read_all(tx, "read/is_reprojecting", campaign=campaign)[0][0]:
        return None
    (rows,) = tx.run(load_query("read/list_committed_rows"), campaign=campaign).single()
    return readmodel.took_action(
        rows, today.isoformat() if today is not None else _latest_day(tx, campaign))


def _committed_rows(tx: Any, campaign: str) -> tuple[str | None, list[tuple]] | None:
    if _read_all(tx, "read/is_reprojecting", campaign=campaign)[0][0]:
        return None
    (rows,) = tx.run(load_query("read/list_committed_rows"), campaign=campaign).single()
    return _latest_day(tx, campaign), [tuple(r) for r in rows]


def _latest_day(tx: Any, campaign: str) -> str | None:
    """The campaign's latest 1-on-1 or update among the people still in the workplace (ISO),
    or None: the day the ladder and took action are as of when none is given."""
    found = _read_all(tx, "read/find_latest_day", campaign=campaign)
    return found[0][0] if found else None


def _ladder_rows(tx: Any, campaign: str, today: dt.date | None, first: int
                 ) -> tuple[str | None, list[tuple], int] | None:
    # (Its parts and count are queries apart: read through _unmoved.)
    if _read_all(tx, "read/is_reprojecting", campaign=campaign)[0][0]:
        return None
    day = today.isoformat() if today is not None else _latest_day(tx, campaign)

    def part(low: int, high: int, dated: bool | None) -> list[tuple]:
        (rows,) = tx.run(load_query("read/list_ladder_rows"), campaign=campaign, day=day,
                         first=first, low=low, high=high, dated=dated).single()
        return [tuple(r) for r in rows]
    # The first of those whose rung no day changes (the fourth to the second), and of those
    # the day puts on the second: between them, every entry of the second rung and above that
    # comes first. The first rung only where those are fewer than a page.
    rows = part(0, _SAID_YES, None) + part(_SAID_YES, _LADDER_END, True)
    if len(rows) < first:
        rows += part(_SAID_YES, _LADDER_END, False)
    total = sum(n for _, key, _, n in _read_all(tx, "read/list_read_counts", campaign=campaign,
                                                 kinds=["count"]) if key == "committed")
    return day, readmodel.ladder_candidates(rows, day, first), total


def _mark_answers_dropped(tx: Any, campaigns: Iterable[str], ahead: int = 0) -> None:
    """Mark these campaigns' stored answers dropped (:data:`ANSWERS_DROPPED`) at the store's
    version, plus ``ahead`` (a reset marks first, at the version it ends at)."""
    tx.run(load_query("write/mark_answers_dropped"), campaigns=sorted(campaigns), ahead=ahead,
           dropped=ANSWERS_DROPPED, result=b"",
           computed_at=dt.datetime.now(dt.timezone.utc).isoformat()).consume()


def _overview_counts(tx: Any, campaign: str) -> tuple | None:
    if _read_all(tx, "read/is_reprojecting", campaign=campaign)[0][0]:
        return None
    # (Not each unit's: structure's, 25,000 nodes of 7 counts at a million people.)
    counts = [tuple(r) for r in _read_all(tx, "read/list_read_counts", campaign=campaign,
                                          kinds=["count", "day", "assessment", "asks", "anger"])]
    organizers = _read_all(tx, "read/count_organizer_names", campaign=campaign)[0][0]
    return counts, organizers, _snapshot_rows_of(tx, "list_nodes", campaign, "Issue")


def _power_counts(tx: Any, campaign: str, first: int | None) -> tuple | None:
    if _read_all(tx, "read/is_reprojecting", campaign=campaign)[0][0]:
        return None
    counts = [tuple(r) for r in _read_all(tx, "read/list_read_counts", campaign=campaign,
                                          kinds=list(readmodel.RANKING_KINDS))]
    tops: dict[str, list[tuple]] = {}
    if first is None:  # every pair (an export): one read, not one an issue
        pairs = _read_all(tx, "read/list_named_all", campaign=campaign)[0][0]
        for issue, dm, people, anger in pairs:
            tops.setdefault(issue, []).append((dm, people, anger))
    else:
        for issue in sorted({k for kind, k, _, _ in counts if kind == "named_dms"}):
            at = {"campaign": campaign, "issue": issue}
            tops[issue] = readmodel.top_pairs(
                first,
                lambda n: [tuple(r) for r in _read_all(tx, "read/list_named_first", **at,
                                                        limit=n)],
                lambda p, a: [tuple(r) for r in _read_all(tx, "read/list_named_tied", **at,
                                                           people=p, anger=a)])
    dms = _node_props(tx, sorted({dm for rows in tops.values() for dm, _, _ in rows}))
    named_in = None  # (every pair read: counted from them)
    if first is not None:
        overall = sorted({dm for dm, _, _ in tops.get("", ())})
        named_in = dict(_read_all(tx, "read/count_named_issues", campaign=campaign, dms=overall,
                                  issues=[i for i in tops if i])) if overall else {}
    return (counts, _snapshot_rows_of(tx, "list_nodes", campaign, "Issue"), tops, dms,
            named_in)


def _unit_counts(tx: Any, campaign: str) -> list[tuple] | None:
    if _read_all(tx, "read/is_reprojecting", campaign=campaign)[0][0]:
        return None
    return _read_all(tx, "read/list_unit_counts", campaign=campaign)[0][0]


def _count_follow_up_totals(tx: Any) -> None:
    tx.run(load_query("write/lock_store")).consume()
    tx.run(load_query("write/count_follow_up_totals")).consume()


def _follow_up_items(tx: Any, campaign: str, due_by: str) -> tuple[list, list[str]] | None:
    if _read_all(tx, "read/is_reprojecting", campaign=campaign)[0][0]:
        return None
    found = tx.run(load_query("read/list_follow_up_items"), campaign=campaign,
                   due_by=due_by).single()
    return [readmodel.Item(*row) for row in (found[0] if found else [])], _organizers(tx, campaign)


def _organizers(tx: Any, campaign: str) -> list[str]:
    return [name for _, name in _snapshot_rows_of(tx, "list_nodes", campaign, "Organizer")]


def _follow_up_page(tx: Any, campaign: str, due_by: str, today: str, organizer: str | None,
                    limit: int | None) -> tuple[list, list[str], dict] | None:
    # (The counts, then each organizer's first items, queries apart: read through _unmoved.)
    if _read_all(tx, "read/is_reprojecting", campaign=campaign)[0][0]:
        return None
    counts = readmodel.page_counts(
        _read_all(tx, "read/list_follow_up_totals", campaign=campaign),
        _read_all(tx, "read/count_follow_up_items_ahead", campaign=campaign,
                  **{"from": min(today, due_by)}, due_by=due_by, today=today))
    organizers = _organizers(tx, campaign)
    only = None
    if organizer is not None:
        props = _node_props(tx, [organizer]).get(organizer)
        if props is None:
            return [], organizers, counts
        only = props.get("name")

    def items(name: str, **params: Any) -> list[readmodel.Item]:
        found = tx.run(load_query(name), campaign=campaign, **params).single()
        return [readmodel.Item(*row) for row in (found[0] if found else [])]

    out: list[readmodel.Item] = []
    for org, shown, n in readmodel.page_plan(counts, organizers, limit, only):
        out += readmodel.head_items(
            lambda k, org=org: items("read/list_follow_up_items_head", organizer=org,
                                     due_by=due_by, limit=_NO_LIMIT if k is None else k),
            lambda day, org=org: items("read/list_follow_up_items_on", organizer=org, day=day),
            shown, n)
    return out, organizers, counts


def _read_all(tx: Any, name: str, /, **params: Any) -> list[tuple]:
    return [tuple(r.values()) for r in tx.run(load_query(name), **params)]


def _snapshot_rows_of(tx: Any, name: str, campaign: str, kind: str) -> list[tuple]:
    """The rows of one ``snapshot/`` query as tuples (see _snapshot_batches)."""
    return list(map(tuple, _snapshot_batches(tx, name, campaign, kind)))


@functools.cache
def _index_name(query: str) -> str:
    """The name of the index or constraint a ``schema/create_*`` query creates.

    >>> _index_name("schema/create_node_key_constraint")
    'node_key'
    """
    return _CREATED.search(load_query(query)).group(1)


_CREATED = re.compile(r"^CREATE (?:CONSTRAINT|INDEX) (\w+) IF NOT EXISTS", re.MULTILINE)


# The snapshot's queries, in the order build_snapshot reads them (any order reads the same
# rows: a batch is read whole, as one record, when its first row is wanted). Each reads the
# campaign's nodes of one kind (the third name) in batches: see _snapshot_batches.
_SNAPSHOT_QUERIES = (
    ("organizers", "list_nodes", "Organizer"), ("people", "list_nodes", "Person"),
    ("person_units", "list_person_units", "Person"), ("commitments", "list_commitments", "Commitment"),
    ("conversations", "list_conversations", "Conversation"), ("anger", "list_anger", "Person"),
    ("named", "list_named", "Person"), ("issues", "list_nodes", "Issue"),
    ("decision_makers", "list_decision_makers", "DecisionMaker"),
    ("reports_to", "list_reports_to", "DecisionMaker"), ("ties", "list_ties", "Person"),
    ("skills", "list_skills", "Person"), ("updates", "list_updates", "Update"),
    ("assignments", "list_assignments", "Organizer"),
)
_SNAPSHOT_ATTEMPTS = 3
# Nodes of a kind a snapshot query reads at a time, with their rows (one record each batch).
_SNAPSHOT_BATCH = 10_000
# How the keys of each kind the snapshot reads start (mapper.projection), before the campaign.
_KEY_PREFIX = {"Person": "person", "Organizer": "organizer", "Issue": "issue",
               "DecisionMaker": "dm", "Conversation": "conversation", "Commitment": "commitment",
               "Update": "update"}


def _snapshot_batches(tx: Any, name: str, campaign: str, kind: str) -> Iterator[list]:
    """The rows of one ``snapshot/`` query, read batch by batch as they are wanted (a
    generator: the first batch is read when the first row is wanted).

    The query reads the campaign's nodes of ``kind`` by their keys, ``<prefix>:<campaign>:...``
    (the node-key index, in key order, from just after the last batch's last key), ``batch``
    at a time, and returns the batch's last key and its rows: a batch, not the whole list, is
    what the server holds in transaction memory, and far fewer records than rows are what
    the driver decodes (a record costs the driver about 15x a row of a list)."""
    after = f"{_KEY_PREFIX[kind]}:{campaign}:"
    end = after[:-1] + ";"  # the first string after every key that starts with `after`
    query = load_query(f"snapshot/{name}")
    while True:
        last, rows = tx.run(query, campaign=campaign, kind=kind, after=after, end=end,
                            batch=_SNAPSHOT_BATCH).single()
        if last is None:
            return
        yield from rows
        after = last


def _snapshot_read(tx: Any, campaign: str, consume: Callable[[SnapshotRows], Any]
                   ) -> tuple[int, Any, int]:
    """``consume`` of the campaign's rows, streamed from this transaction as it reads them,
    between two readings of the version: equal readings mean no write committed while the
    rows were read."""
    def version() -> int:
        record = tx.run(load_query("read/get_version")).single()
        return record[0] if record else 0

    before = version()
    rows = SnapshotRows(campaign, **{field: _snapshot_batches(tx, name, campaign, kind)
                                     for field, name, kind in _SNAPSHOT_QUERIES},
                        version=before)
    consumed = consume(rows)
    return before, consumed, version()


def _drop_node_fields(props: dict[str, Any]) -> dict[str, Any]:
    # In place: the map is the driver's fresh copy, and three pops are much cheaper than
    # rebuilding a map of fifteen props for each of 50k conversations.
    for name in _NODE_FIELDS:
        props.pop(name, None)
    return props


def _listed(rows: SnapshotRows) -> SnapshotRows:
    """``rows`` read into lists of tuples, the props of nodes without their structural
    fields (key, kind, campaign), as the embedded store lists them."""
    # Booleans arrive as Python bools (the queries coalesce the optional flags), so a row
    # needs no conversion but the tuple.
    def tuples(field: str) -> list[tuple]:
        return list(map(tuple, getattr(rows, field)))

    return SnapshotRows(
        campaign=rows.campaign,
        people=tuples("people"),
        person_units=tuples("person_units"),
        conversations=[(_drop_node_fields(props), person, org)
                       for props, person, org in rows.conversations],
        commitments=[(cid, _drop_node_fields(props)) for cid, props in rows.commitments],
        anger=tuples("anger"),
        named=tuples("named"),
        issues=tuples("issues"),
        decision_makers=tuples("decision_makers"),
        reports_to=tuples("reports_to"),
        ties=tuples("ties"),
        skills=tuples("skills"),
        organizers=tuples("organizers"),
        updates=[(_drop_node_fields(props), person) for props, person in rows.updates],
        assignments=tuples("assignments"),
        version=rows.version,
    )


class Neo4jStore(Store):
    """A :class:`~mapper.stores.base.Store` in a Neo4j server (5.26 or newer).

    Graph nodes carry the label ``:Node`` (with ``key``, ``kind``, ``campaign`` and their
    props) plus their kind as a second label; edges carry ``source`` and ``campaign``.
    Records are ``(:Record {id, kind, campaign, hash, date, person, body})`` (a 1-on-1's
    also ``words``: the words lists show, :func:`~mapper.stores.base.kept_words`; roster rows'
    and 1-on-1s' their lookup keys) and the version counter is ``(:StoreMeta {id: 'meta'})``.
    """

    # Measured on the 5.26 harness: replacing costs grow faster than the batch (a transaction
    # that deletes and re-creates many edges of the same dense nodes), so 500 replaces 5,000
    # conversations about twice as fast as 2,000 and needs a quarter of the transaction memory.
    batch_size = 500

    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, *,
                 upkeep: Callable[[Upkeep], None] | None = None) -> None:
        _check_delete_query_covers_edge_types()
        self.upkeep = upkeep  # (told how far the work left undone is, done before it answers)
        auth = None if user is None else (user, password or "")
        # "Unknown label/property" warnings are expected on a young store (no REFERRED edge
        # yet, say); other notifications, deprecations included, still reach the log.
        self._driver = GraphDatabase.driver(
            uri, auth=auth,
            notifications_disabled_classifications=[NotificationDisabledClassification.UNRECOGNIZED])
        self._database = database
        # Per calling thread (a dashboard may write and read from several): while write()
        # runs, its writer thread and the batch that thread is writing.
        self._local = threading.local()
        # Sessions are per call (a session is not thread-safe, the driver is); the shared
        # bookmark manager keeps a read after a write consistent on a cluster too.
        self._bookmarks = GraphDatabase.bookmark_manager()
        try:
            version = _server_version(self._driver.get_server_info().agent)
            if version < _MIN_SERVER:
                raise RuntimeError(f"Neo4jStore needs Neo4j {'.'.join(map(str, _MIN_SERVER))} or "
                                   f"newer (dynamic labels); the server is {version}")
            self._create_schema()
            self.resume()
        except BaseException:
            self._driver.close()
            raise

    @property
    def driver(self) -> Any:
        """The driver, for other parts of the product that keep their own nodes (sessions)."""
        return self._driver

    @property
    def database(self) -> str | None:
        return self._database

    def _session(self) -> Any:
        return self._driver.session(database=self._database, bookmark_manager=self._bookmarks)

    def _create_schema(self) -> None:
        # What the store has is read first: a current store opens with two reads, not 34
        # schema commands and a write (a list from a new process paid for them every time).
        with self._session() as session:
            states = dict(_read_all(session, "schema/list_indexes"))
            missing = [name for name in _SCHEMA if _index_name(name) not in states]
            for name in missing:
                try:
                    session.run(load_query(name)).consume()
                except ClientError as exc:
                    # Two stores connecting at once can both pass IF NOT EXISTS.
                    if not (exc.code or "").endswith("AlreadyExists"):
                        raise
            if missing or any(state != "ONLINE" for state in states.values()):
                session.run(load_query("schema/await_indexes"),
                            timeout=_INDEX_TIMEOUT_SECONDS).consume()
            rows = session.execute_read(_read_all, "read/get_schema")
            if not rows:  # a new store
                session.execute_write(lambda tx: tx.run(
                    load_query("write/merge_store_meta"), schema=SCHEMA).consume())
                rows = session.execute_read(_read_all, "read/get_schema")
            found = rows[0][0]
            if found < SCHEMA:
                self._migrate(session, found)
            elif found > SCHEMA:
                raise RuntimeError(f"the Neo4j store has schema {found}; this version of "
                                   f"Collective Mapper reads schema {SCHEMA} and older")

    def _migrate(self, session: Any, found: int = 1) -> None:
        """Bring an older store up to date: a schema-1 store's 1-on-1s re-keyed and its graph
        rebuilt; every older store's read model built again (from schema 3 on alone, without
        re-projecting its records: since schema 12 each person's namings are on their row,
        which only their 1-on-1s give); each organizer's count of open items (schema 6) taken
        from the items held; every 1-on-1's words kept beside its body (schema 10); each
        committed person's place in the ladder's order on their row (schema 16); each
        campaign's counts counted again from its rows (schema 17, :func:`_recount`).

        Each step can run again after an interruption; the schema number moves only at the
        end, in the transaction that marks every campaign for a rebuild of its read model (for
        re-projection: schema 1-2), which :meth:`resume` (called on open) then carries out in
        batches. (Processes still running older code must be stopped first, as for every
        upgrade.)
        """
        if found in (13, 14, 15, 16):
            if found < 15:
                self._name_by_aliases()
            if found < 16:
                self._order_ladders(session)
            for (campaign,) in session.execute_read(_read_all, "read/list_campaigns"):
                self._recount_told(campaign, functools.partial(
                    session.execute_write, _recount, campaign))
            session.execute_write(lambda tx: tx.run(load_query("write/set_schema"),
                                                    schema=SCHEMA,
                                                    now=clock.now().isoformat()).consume())
            return
        if found < 2:
            session.run(load_query("write/rekey_conversations"), batch=_CLEAR_BATCH).consume()
            session.run(load_query("write/delete_all_relationships"), batch=_CLEAR_BATCH).consume()
            session.run(load_query("write/delete_graph_nodes"), batch=_CLEAR_BATCH).consume()
        # Each organizer's count of open items, from the items held, before anything that
        # writes items (a rebuild, a re-projection) moves it.
        session.execute_write(_count_follow_up_totals)
        if found in (3, 4):
            # The records' lookup keys (schema 5), before the read model is built again.
            self._fill_lookup_keys(session)
        self._fill_words(session)
        if found >= 2:  # (a schema-1 store is projected again: named so then)
            self._name_by_aliases()
        campaigns = [c for (c,) in session.execute_read(_read_all, "read/list_campaigns")]

        def finish(tx: Any) -> None:
            tx.run(load_query("write/lock_store")).consume()
            # Since schema 3 only the read model changed: built alone, not a re-projection.
            tx.run(load_query("write/mark_read_model_rebuild" if found >= 3
                              else "write/mark_reprojection"),
                   rows=_mark_rows(dict.fromkeys(campaigns))).consume()
            tx.run(load_query("write/set_schema"), schema=SCHEMA,
                   now=clock.now().isoformat()).consume()

        session.execute_write(finish)

    @staticmethod
    def _fill_lookup_keys(session: Any) -> None:
        """Give every stored roster row and 1-on-1 its lookup keys, a batch per transaction
        (an interrupted run starts again on the next open; setting a key twice does no harm)."""
        after = ""
        while True:
            rows = session.execute_read(_read_all, "read/list_records_to_key", after=after,
                                        limit=_KEY_BATCH)
            if not rows:
                return
            keyed = [[rid, *lookup_keys(kind, campaign, orjson.loads(body))]
                     for rid, kind, campaign, body in rows]
            session.execute_write(lambda tx: tx.run(load_query("write/set_record_lookup_keys"),
                                                    rows=keyed).consume())
            after = rows[-1][0]

    @staticmethod
    def _order_ladders(session: Any) -> None:
        """Give every committed person's row its place in the ladder's order (schema 16), a
        batch per transaction (an interrupted run does them again on the next open)."""
        after = ""
        while True:
            people = [p for (p,) in session.execute_read(
                _read_all, "read/list_people_to_order", after=after, limit=_KEY_BATCH)]
            if not people:
                return
            session.execute_write(_order_ladder, people)
            after = people[-1]

    @staticmethod
    def _fill_words(session: Any) -> None:
        """Give every stored 1-on-1 its ``words`` (schema 10), a batch per transaction (an
        interrupted run goes on from the first still without them on the next open)."""
        after = "conversation:"
        while True:
            rows = session.execute_read(_read_all, "read/list_records_to_word", after=after,
                                        end="conversation;", limit=_KEY_BATCH)
            if not rows:
                return
            worded = [[rid, _words_of("conversation", campaign, orjson.loads(body))]
                      for rid, campaign, body in rows]
            session.execute_write(lambda tx: tx.run(load_query("write/set_record_words"),
                                                    rows=worded).consume())
            after = rows[-1][0]

    def close(self) -> None:
        self._driver.close()

    def _read(self, name: str, **params: Any) -> list[tuple]:
        # A read inside write() (aliases, a re-projection) must see every batch written so far.
        self._await_written()
        return self._read_now(name, **params)

    def _read_now(self, name: str, **params: Any) -> list[tuple]:
        with self._session() as session:
            return session.execute_read(_read_all, name, **params)

    # --- writes -----------------------------------------------------------------------------
    def _hashes(self, ids: Sequence[str]) -> dict[str, str]:
        # Needs no wait for the batch in flight: within one write its ids are not these.
        return dict(self._read_now("read/match_record_hashes", ids=list(dict.fromkeys(ids))))

    def write(self, records: Iterable[Record],
              progress: Callable[[int], None] | None = None, *,
              expect: Mapping[str, str | None] | None = None) -> WriteResult:
        # Within one write, batch n+1 is read, validated and projected while the server writes
        # batch n (the two took turns before: the sum of their times, not the larger). Batches
        # still commit one at a time and in order, so first-writer-wins nodes and the
        # all-or-nothing batches are as before; their ids are distinct (the last copy of an id
        # wins before batching), so a batch's hashes never wait on the batch being written.
        local = self._local
        if getattr(local, "writer", None) is not None:  # a write inside a write: as before
            return super().write(records, progress, expect=expect)
        with ThreadPoolExecutor(1, thread_name_prefix="neo4j-writer") as writer:
            local.writer, local.pending = writer, None
            try:
                result = super().write(records, progress, expect=expect)
                self._await_written()
                return result
            finally:
                # After an error, wait for the batch in flight without raising its error too.
                pending, local.pending, local.writer = local.pending, None, None
                if pending is not None:
                    pending.exception()

    def _await_written(self) -> None:
        pending: Future[None] | None = getattr(self._local, "pending", None)
        if pending is not None:
            self._local.pending = None
            pending.result()  # raises the batch's error, if any

    def _apply(self, batch: Sequence[StoredRecord], tally: WriteResult | None = None) -> None:
        rows = _BatchRows(batch)
        self._await_written()  # a failed batch stops the ones after it, as before
        writer: ThreadPoolExecutor | None = getattr(self._local, "writer", None)
        if writer is None:
            self._write_rows(rows, tally)
        else:
            self._local.pending = writer.submit(self._write_rows, rows, tally)

    def _settled(self) -> None:
        self._await_written()

    def _write_rows(self, rows: _BatchRows, tally: WriteResult | None) -> None:
        with self._session() as session:
            # The outcome counts once the transaction commits (a retried one runs again).
            result = session.execute_write(_write_batch, rows)
        if tally is not None:
            tally += result

    def _delete(self, ids: Sequence[str], marks: Mapping[str, Moved | None]) -> int:
        return self._replace_and_delete([], ids, marks)[1]

    def _replace_and_delete(self, batch: Sequence[StoredRecord], ids: Sequence[str],
                            marks: Mapping[str, Moved | None]) -> tuple[WriteResult, int]:
        rows = _BatchRows(batch) if batch else None

        def run(tx: Any) -> tuple[WriteResult, int]:
            # _write_batch takes the store's lock first; without a batch, take it here.
            result = _write_batch(tx, rows) if rows is not None else WriteResult()
            if rows is None:
                tx.run(load_query("write/lock_store")).consume()
            n = len(_read_all(tx, "read/match_record_hashes", ids=list(ids)))
            touched = {p for (p,) in _read_all(tx, "read/list_record_people", ids=list(ids))}
            people = {p for (p,) in _read_all(tx, "read/list_record_edge_people", ids=list(ids))}
            tx.run(load_query("write/delete_edges_by_source"), ids=list(ids)).consume()
            # A stored answer may name whom these records were about (a forgotten person).
            campaigns = {r.campaign for r in batch} | {
                c for (c,) in _read_all(tx, "read/list_record_campaigns", ids=list(ids))}
            tx.run(load_query("write/delete_answers_of_records"), ids=list(ids),
                   campaigns=sorted(campaigns)).consume()
            tx.run(load_query("write/delete_records"), ids=list(ids)).consume()
            _refresh(tx, touched, people)
            # (Their kept rankings just went: the stamps of rows gone serve none now.)
            tx.run(load_query("write/delete_campaign_gone_rows"),
                   campaigns=sorted(campaigns)).consume()
            if marks:
                tx.run(load_query("write/mark_reprojection"), rows=_mark_rows(marks)).consume()
            _next_version(tx)
            # (After the version moved: an answer read before this commit is older.)
            _mark_answers_dropped(tx, campaigns)
            return result, n

        self._await_written()
        with self._session() as session:
            return session.execute_write(run)

    def _pending(self) -> list[Reprojection]:
        return [Reprojection(c, token, cursor, Moved.loaded(spellings, nodes))
                for c, token, cursor, spellings, nodes in self._read("read/list_reprojections")]

    def _sources_at(self, keys: Sequence[str]) -> list[str]:
        return [i for (i,) in self._read("read/list_sources_at_nodes", keys=list(keys))]

    def _rename(self, work: Reprojection | None, names: Mapping[str, str],
                props: Mapping[str, dict[str, Any]] | None = None) -> bool:
        def run(tx: Any) -> bool:
            tx.run(load_query("write/lock_store")).consume()
            if work is not None and (work.campaign, work.token) not in {
                    (c, t) for c, t, *_ in _read_all(tx, "read/list_reprojections")}:
                return False
            renamed, people = tx.run(load_query("write/set_node_names"), rows=[
                [k, name] for k, name in sorted(names.items())]).single()
            if props:
                changed, more = tx.run(load_query("write/set_node_props"), rows=[
                    [k, given] for k, given in sorted(props.items())]).single()
                renamed, people = renamed + changed, people + more
            if renamed:
                _refresh(tx, set(people), set(people))  # (their rows show their names)
                _next_version(tx)
            return True

        self._await_written()
        with self._session() as session:
            return session.execute_write(run)

    def _progress(self, work: Reprojection, cursor: str | None) -> bool:
        def run(tx: Any) -> bool:
            if cursor is None:
                return bool(_read_all(tx, "write/delete_reprojection", campaign=work.campaign,
                                      token=work.token)[0][0])
            return bool(_read_all(tx, "write/set_reprojection_cursor", campaign=work.campaign,
                                  token=work.token, cursor=cursor)[0][0])

        self._await_written()
        with self._session() as session:
            return session.execute_write(run)

    # --- the read model rebuilt alone (Store.rebuild_read_model) ------------------------------
    def _rebuilds(self) -> list[Rebuild]:
        return [Rebuild(*row) for row in self._read("read/list_read_model_rebuilds")]

    def _mark_read_model(self, campaigns: Sequence[str]) -> None:
        def run(tx: Any) -> None:
            tx.run(load_query("write/lock_store")).consume()
            tx.run(load_query("write/mark_read_model_rebuild"),
                   rows=[[c, secrets.token_hex(8)] for c in campaigns]).consume()
            _next_version(tx)

        self._await_written()
        with self._session() as session:
            session.execute_write(run)

    def _clear_read_model(self, work: Rebuild) -> None:
        # A batch of rows per transaction: a million people's rows fit in no heap.
        def run(tx: Any, name: str) -> int:
            tx.run(load_query("write/lock_store")).consume()
            return _read_all(tx, name, campaign=work.campaign, token=work.token,
                             batch=_CLEAR_BATCH)[0][0]

        self._await_written()
        with self._session() as session:
            for name in ("write/delete_campaign_follow_up_items",
                         "write/delete_campaign_follow_up_totals",
                         "write/delete_campaign_person_rows",
                         "write/delete_campaign_read_counts",
                         "write/delete_campaign_named_counts"):
                while session.execute_write(run, name):
                    pass

    def _next_people(self, campaign: str, after: str, limit: int) -> list[str]:
        prefix = f"person:{campaign}:"
        return [k for (k,) in self._read("read/list_campaign_people", after=max(after, prefix),
                                         before=prefix[:-1] + ";", limit=limit)]

    def _count_people(self, campaign: str, after: str) -> int:
        prefix = f"person:{campaign}:"
        return self._read("read/count_campaign_people", after=max(after, prefix),
                          before=prefix[:-1] + ";")[0][0]

    def _rebuild_people(self, work: Rebuild, people: Sequence[str]) -> bool:
        self._await_written()
        with self._session() as session:
            return session.execute_write(_rebuild_batch, work, list(people))

    def _rebuilt(self, work: Rebuild) -> None:
        # The batches wrote the rows without moving the kept counts (a MERGE per count each
        # batch moved: ~16 % of the server's CPU at 100k, benchmarks/RESULTS.md); here the
        # campaign's rows are counted once, streamed, and the counts replaced in the
        # transaction that removes the mark. Writes that landed meanwhile moved the counts by
        # their deltas on whatever was there: the replacement makes that moot, provided no
        # write commits between the count and the replacement. Neo4j reads at read committed,
        # so the count runs in a read transaction that first reads how many write
        # transactions the store has taken its lock for (write/lock_store, first in every
        # write, moves it); the replacement takes the lock, and writes only if that number
        # moved by its own lock alone, else counts again. After _COUNT_TRIES such misses (a
        # steady stream of writes) it counts holding the lock, writes waiting meanwhile. An
        # interrupted end leaves the mark: the next resume finds no people after its cursor
        # and counts from scratch again. The counts are read only once the mark is gone.
        def replace_counts(tx: Any, counts: tuple | None, writes: int | None) -> bool:
            tx.run(load_query("write/lock_store")).consume()
            if counts is None:  # counted here, holding the lock
                counts = _counted_rows(tx, work.campaign)
            elif _writes(tx) != writes + 1:
                return False  # a write committed since the count: count again
            if _read_all(tx, "write/delete_read_model_rebuild", campaign=work.campaign,
                         token=work.token, after=work.cursor)[0][0]:
                _replace_read_counts(tx, work.campaign, counts)
                tx.run(load_query("write/delete_campaign_ask_rankings"),
                       campaign=work.campaign, question=self.ASK_RANKING).consume()
                _next_version(tx)
            return True  # (or the mark moved since: another process will count)

        def count(tx: Any) -> tuple[int, list[tuple]] | None:
            # The number read again after the count: a write that committed while the rows
            # were read (read committed may show part of it) has moved it by then. (One whose
            # commit was still being applied across the first read is not caught: the window
            # is that one commit's application.)
            writes = _writes(tx)
            counts = _counted_rows(tx, work.campaign)
            return (writes, counts) if _writes(tx) == writes else None

        self._await_written()
        with self._session() as session:
            for _ in range(_COUNT_TRIES):
                counted = session.execute_read(count)
                if counted is not None:
                    writes, counts = counted
                    if session.execute_write(replace_counts, counts, writes):
                        return
            session.execute_write(replace_counts, None, None)

    def _reprojecting(self, campaign: str) -> bool:
        return bool(self._read("read/is_reprojecting", campaign=campaign)[0][0])

    def clear(self) -> None:
        campaigns = self.campaigns()
        with self._session() as session:
            # First the mark a forget leaves, at the version the reset ends at (kept by
            # delete_everything): an answer computed from a read before the reset, or during
            # it (it deletes in batches), is not kept after it.
            session.execute_write(_mark_answers_dropped, campaigns, 1)
            # CALL { } IN TRANSACTIONS commits as it goes, so it needs an implicit transaction.
            session.run(load_query("write/delete_all_relationships"), batch=_CLEAR_BATCH).consume()
            session.run(load_query("write/delete_everything"), batch=_CLEAR_BATCH,
                        dropped=ANSWERS_DROPPED).consume()

            def end(tx: Any) -> None:
                # Marked again at the version it ends at (a write during the deletes moved
                # it), and any answer kept meanwhile, read from a campaign half gone, goes.
                _next_version(tx)
                _mark_answers_dropped(tx, campaigns)
                tx.run(load_query("write/delete_answers_older"),
                       dropped=ANSWERS_DROPPED).consume()

            session.execute_write(end)

    # --- stored answers ---------------------------------------------------------------------
    def _write_query(self, query: str, /, **params: Any) -> list[tuple]:
        self._await_written()
        with self._session() as session:
            return session.execute_write(_read_all, query, **params)

    def get_answer(self, campaign: str, question: str, options: str) -> StoredAnswer | None:
        rows = self._read("read/get_answer", campaign=campaign, question=question,
                          options=options)
        if not rows:
            return None
        return StoredAnswer.stored(campaign, question, options, *rows[0])

    def answer_stamps(self, campaign: str | None = None) -> list[StoredAnswer]:
        return [StoredAnswer.stored(c, q, o, v, at)
                for c, q, o, v, at in self._read("read/list_answer_stamps", campaign=campaign,
                                                 dropped=ANSWERS_DROPPED)]

    def put_answer(self, answer: StoredAnswer) -> None:
        result = orjson.dumps(answer.result, option=orjson.OPT_NON_STR_KEYS)

        def run(tx: Any) -> None:
            # (Reads are read-committed: a forget's mark is read once the forget committed.)
            tx.run(load_query("write/lock_store_for_answers")).consume()
            tx.run(load_query("write/merge_answer"), campaign=answer.campaign,
                   question=answer.question, options=answer.options, version=answer.version,
                   dropped=ANSWERS_DROPPED, computed_at=answer.computed_at.isoformat(),
                   result=result).consume()
            _watch_version(tx, answer.version)

        self._await_written()
        with self._session() as session:
            session.execute_write(run)

    def drop_answers(self, campaign: str | None = None) -> None:
        self._write_query("write/delete_answers", campaign=campaign, dropped=ANSWERS_DROPPED)

    def stale_since(self, version: int) -> dt.datetime | None:
        rows = self._read("read/get_version_left_at", version=version)
        return dt.datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    def answers_dropped_at(self, campaign: str) -> int | None:
        return self._read("read/get_answers_dropped_at", campaign=campaign,
                          dropped=ANSWERS_DROPPED)[0][0]

    def _drop_answer_keys(self, campaign: str, keys: list[tuple[str, str]], version: Any
                          ) -> None:
        self._write_query("write/delete_answer_parts", campaign=campaign,
                          keys=[list(k) for k in keys], version=version)

    def _put_answers(self, answers: Sequence[StoredAnswer], drop: list[tuple[str, str]]
                     ) -> bool:
        head = answers[0]
        rows = [{"question": a.question, "options": a.options, "version": a.version,
                 "computed_at": a.computed_at.isoformat(),
                 "result": orjson.dumps(a.result, option=orjson.OPT_NON_STR_KEYS)}
                for a in answers]
        keys = [list(key) for key in drop]

        def run(tx: Any) -> bool:
            tx.run(load_query("write/lock_store_for_answers")).consume()  # (see put_answer)
            newer = tx.run(load_query("read/get_newer_answer"), campaign=head.campaign,
                           question=head.question, options=head.options,
                           version=head.version, dropped=ANSWERS_DROPPED).single()[0]
            if newer:
                return False
            tx.run(load_query("write/delete_answer_parts"), campaign=head.campaign, keys=keys,
                   version=head.version).consume()
            tx.run(load_query("write/merge_answers"), campaign=head.campaign,
                   answers=rows).consume()
            _watch_version(tx, head.version)
            return True

        self._await_written()
        with self._session() as session:
            return session.execute_write(run)

    def get_answers(self, campaign: str, keys: Sequence[tuple[str, str]], *, raw: bool = False
                    ) -> dict[tuple[str, str], StoredAnswer]:
        if not keys:
            return {}
        rows = self._read("read/get_answers", campaign=campaign, keys=[list(k) for k in keys])
        return {(q, o): StoredAnswer.stored(campaign, q, o, v, at, result, raw=raw)
                for q, o, v, at, result in rows}

    def take_lease(self, name: str, holder: str, now: dt.datetime, until: dt.datetime) -> bool:
        return bool(self._write_query("write/take_lease", name=name, holder=holder,
                                now=now.timestamp(), until=until.timestamp()))

    # --- reads ------------------------------------------------------------------------------
    def version(self) -> int:
        rows = self._read("read/get_version")
        return rows[0][0] if rows else 0

    def iter_records(self, campaign: str | None = None, kind: str | None = None) -> Iterator[StoredRecord]:
        for k in [kind] if kind else EXPORT_ORDER:
            # Read a kind whole before yielding: a caller may write while iterating (reproject
            # does), and must not see its own writes or hold a transaction open meanwhile.
            rows = (self._read("read/list_records_in_campaign", kind=k, campaign=campaign)
                    if campaign else self._read("read/list_records", kind=k))
            for rid, rkind, camp, h, body in rows:
                yield StoredRecord(rid, rkind, camp, h, orjson.loads(body))

    def record_organizers(self, ids: Sequence[str]
                          ) -> dict[str, tuple[str | None, str | None]]:
        # From the records' graph nodes and their Record nodes' person: their bodies are JSON
        # text Cypher cannot read into, and returning them whole took most of a re-import's
        # time of its 1-on-1s.
        return {rid: (organizer, person) for rid, organizer, person in self._read(
            "read/list_record_organizers", ids=list(dict.fromkeys(ids)))}

    def get_records(self, ids: Sequence[str]) -> list[StoredRecord]:
        rows = self._read("read/get_records", ids=list(dict.fromkeys(ids)))
        return [StoredRecord(i, k, c, h, orjson.loads(b)) for i, k, c, h, b in rows]

    def tie_rows(self, campaign: str, people: Sequence[str]) -> list[tuple]:
        return self._read("read/list_person_ties", campaign=campaign, people=list(people))

    def node_names(self, campaign: str, kind: str) -> list[str]:
        return [n for (n,) in self._read("read/list_node_names", campaign=campaign, kind=kind)]

    def identity_records(self, campaign: str, names: Sequence[str], ids: Sequence[str],
                         contacts: Sequence[str]) -> list[StoredRecord]:
        rows = self._read("read/list_identity_records", campaign=campaign, names=list(names),
                          ids=list(ids), contacts=list(contacts))
        rows.sort(key=lambda r: (r[1] != "roster", r[5] or "", r[0]))
        return [StoredRecord(i, k, c, h, orjson.loads(b)) for i, k, c, h, b, _ in rows]

    def conversation_texts(self, campaign: str, ids: Iterable[str] | None = None,
                           fields: Sequence[str] = KEPT_WORDS,
                           ) -> dict[str, dict[str, Any]]:
        # As Store.conversation_texts. The words lists show are read from each record's
        # `words` (schema 10), not its body: the ask queue's shared actions read 166,812
        # 1-on-1s at a million people, 252 MB of bodies. Read as one collected list (the
        # words of 20k follow-up items as whole records in rows took 1.6 s of decoding).
        keys = None if ids is None else self._text_keys(campaign, ids)
        if keys == []:
            return {}
        if not set(fields) <= set(KEPT_WORDS):
            if keys is None:
                return super().conversation_texts(campaign, ids, fields)
            found = self._collected("read/list_conversation_bodies", ids=keys)
            return _texts((("conversation", camp, orjson.loads(body)) for camp, body in found),
                          campaign, fields)
        if keys is None:
            rows = self._collected("read/list_campaign_conversation_words", campaign=campaign)
        else:
            rows = self._collected("read/list_conversation_words", ids=keys)
        out: dict[str, dict[str, Any]] = {}
        for words, *record in rows:
            if words is None:  # written without them (by an older version still running)
                out.update(_texts([("conversation", record[0], orjson.loads(record[1]))],
                                  campaign, fields))
                continue
            kept = orjson.loads(words)
            if kept["campaign"] == campaign:
                found = kept["words"]
                out[kept["id"]] = {f: found[f] for f in fields if f in found}
        return out

    def _collected(self, name: str, **params: Any) -> list[Any]:
        """The one collected list a read query returns (``rows``), once what this store wrote
        is visible."""
        self._await_written()
        with self._session() as session:
            found = session.execute_read(
                lambda tx: tx.run(load_query(name), **params).single())
        return found[0] if found else []

    def campaigns(self) -> list[str]:
        # Campaign after campaign, each found by index seeks (what SQLite's skip-scan does):
        # a scan of every record took ~1 s of the server's time at 100k people, and every
        # command with --campaign asks.
        found: list[str] = []
        while (campaign := self._read("read/next_campaign", kinds=list(RECORD_KINDS),
                                      after=found[-1] if found else "")[0][0]) is not None:
            found.append(campaign)
        return found

    def person_record_ids(self, campaign: str, person_key: str, kind: str = "conversation"
                          ) -> list[str]:
        return [i for (i,) in self._read("read/list_person_record_ids",
                                         person=person_key, campaign=campaign, kind=kind)]

    def search_people(self, campaign: str, query: str, limit: int = 20) -> list[PersonHit]:
        needle = normalize(query)
        rows = self._read("read/search_people", campaign=campaign, prefix=f"person:{campaign}:",
                          needle=needle, words=needle.split(),
                          limit=limit if limit >= 0 else _NO_LIMIT)
        return [PersonHit(k, n, campaign, c) for k, n, c in rows]

    def record_count(self) -> int:
        # (From the count store: counts() reads every record's kind.)
        return self._read("read/count_all_records")[0][0]

    def counts(self, campaign: str | None = None) -> dict[str, dict[str, int]]:
        suffix, params = ("_in_campaign", {"campaign": campaign}) if campaign else ("", {})

        def count(subject: str) -> dict[str, int]:
            return dict(self._read(f"read/count_{subject}{suffix}", **params))

        return {"nodes": count("nodes"), "edges": count("edges"), "records": count("records")}

    def _follow_up_items(self, campaign: str, due_by: str) -> tuple[list, list[str]] | None:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_follow_up_items, campaign, due_by)

    def _follow_up_page(self, campaign: str, due_by: str, today: str, organizer: str | None,
                        limit: int | None) -> tuple[list, list[str], dict] | None:
        self._await_written()
        return self._read_unmoved(_follow_up_page, campaign, due_by, today, organizer, limit)

    def _read_unmoved(self, read: Callable[..., Any], *args: Any) -> Any:
        """``read(tx, *args)`` in a read transaction no write committed across (:func:`_unmoved`):
        tried again while one did, and after _COUNT_TRIES such misses holding the store's lock."""
        self._await_written()
        with self._session() as session:
            for _ in range(_COUNT_TRIES):
                found = session.execute_read(_unmoved, read, *args)
                if found is not _MOVED:
                    return found
            return session.execute_write(_unmoved, read, *args, locked=True)

    def _unit_counts(self, campaign: str) -> list[tuple] | None:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_unit_counts, campaign)

    def _power_counts(self, campaign: str, first: int | None) -> tuple | None:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_power_counts, campaign, first)

    def _overview_counts(self, campaign: str) -> tuple | None:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_overview_counts, campaign)

    def took_action(self, campaign: str, *, today: dt.date | None = None) -> int | None:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_took_action, campaign, today)

    def _committed_rows(self, campaign: str, *, latest: bool = True
                        ) -> tuple[str | None, list[tuple]] | None:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_committed_rows, campaign)

    def _ladder_rows(self, campaign: str, *, today: dt.date | None, first: int
                     ) -> tuple[str | None, list[tuple], int] | None:
        return self._read_unmoved(_ladder_rows, campaign, today, first)

    def _standing(self, campaign: str, people: Sequence[str]) -> dict[str, tuple]:
        if not people:
            return {}
        return {p: (name, contacted, left, unit) for p, name, contacted, left, unit in self._read(
            "read/list_people_standing", campaign=campaign, people=list(people))[0][0]}

    def _trusted_by(self, campaign: str, people: Sequence[str]) -> dict[str, int]:
        if not people:
            return {}
        return dict(self._read("read/count_trusted_by", campaign=campaign,
                               people=list(people))[0][0])

    def _organizer_keys(self, campaign: str) -> list[str]:
        self._await_written()
        with self._session() as session:
            return [k for k, _ in session.execute_read(_snapshot_rows_of, "list_nodes", campaign,
                                                       "Organizer")]

    def _trust_pairs(self, campaign: str, people: Sequence[str]) -> list[tuple[str, str]]:
        if not people:
            return []
        return [tuple(pair) for pair in self._read(
            "read/list_trust_pairs", campaign=campaign, people=list(people))[0][0]]

    def item_owners(self, campaign: str, people: Sequence[str]) -> dict[str, str] | None:
        if self._reprojecting(campaign):
            return None
        return dict(self._read("read/list_item_owners", people=list(people)))

    def _assignment_rows(self, campaign: str) -> list[tuple]:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_snapshot_rows_of, "list_assignments", campaign, "Organizer")

    def _ask_rows(self, campaign: str) -> list[tuple] | None:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_ask_rows, campaign)

    def _ask_rows_since(self, campaign: str, version: int
                        ) -> tuple[list[tuple], list[str], int, list[tuple]] | None:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_ask_rows_since, campaign, version)

    def _ask_rows_asked_between(self, campaign: str, start: dt.date, end: dt.date
                                ) -> list[tuple]:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_ask_rows_asked_between, campaign, start.isoformat(),
                                        end.isoformat())

    def _ask_rows_of(self, campaign: str, people: Sequence[str]) -> list[tuple]:
        if not people:
            return []
        self._await_written()
        with self._session() as session:
            return session.execute_read(_ask_rows_of, campaign, list(people))

    def _angry_rows(self, campaign: str, issue: str, min_anger: int) -> list[tuple] | None:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_angry_rows, campaign, issue, min_anger)

    def _ask_rows_angry_about(self, campaign: str, issues: Sequence[str], min_anger: int
                              ) -> tuple[list[tuple], int] | None:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_ask_rows_angry_about, campaign, list(issues),
                                        min_anger)

    def _assignments_of(self, campaign: str, people: Sequence[str]) -> list[tuple]:
        return [tuple(r) for (r,) in self._read("read/list_people_assignments",
                                                people=sorted(set(people)))]

    def _assigned_by(self, campaign: str, organizers: Sequence[str]) -> list[str]:
        return [p for (p,) in self._read("read/list_organizers_contacts", campaign=campaign,
                                         organizers=sorted(set(organizers)))]

    def assignees(self, campaign: str) -> dict[str, str]:
        found = self._read("read/list_assignees", campaign=campaign)
        return readmodel.assignees((key, name, p, date)
                                   for p, key, name, date in (found[0][0] if found else []))

    def _people_slice(self, campaign: str, people: Sequence[str]) -> readmodel.Slice:
        self._await_written()
        with self._session() as session:
            return session.execute_read(_people_slice, campaign, sorted(people))

    def snapshot_rows(self, campaign: str) -> SnapshotRows:
        return self._snapshot_consumed(campaign, _listed)

    def snapshot(self, campaign: str) -> Snapshot:
        # The rows stream from the server into the snapshot as they arrive, in the read
        # transaction, none held beside it: held as lists (as snapshot_rows gives them) they
        # were most of the build's peak, and collected by the server, its transaction memory.
        with gc_paused():
            return self._snapshot_consumed(campaign, build_snapshot)

    def _snapshot_consumed(self, campaign: str, consume: Callable[[SnapshotRows], Any]) -> Any:
        """``consume`` of the campaign's rows, read in one transaction, again (up to
        :data:`_SNAPSHOT_ATTEMPTS` times) while a write committed meanwhile: the last reading
        is taken as it is, so a store under constant writes still answers."""
        for _ in range(_SNAPSHOT_ATTEMPTS):
            consumed = None  # a reading read again is let go before the next
            with self._session() as session:
                before, consumed, after = session.execute_read(_snapshot_read, campaign, consume)
            if before == after:
                break
        return consumed
