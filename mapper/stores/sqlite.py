"""The embedded store: the whole graph in one local SQLite file, no server needed."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import itertools
import operator
import os
import re
import secrets
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from mapper import clock, readmodel
from mapper.identity import lookup_keys
from mapper.keys import normalize
from mapper.models import Record
from mapper.snapshot import Snapshot, SnapshotRows, build_snapshot, gc_paused
from mapper.projection import local_id
from mapper.stores.base import (ANSWERS_DROPPED, EXPORT_ORDER, Moved, PersonHit, Rebuild,
                                Reprojection, Store, StoredAnswer, StoredRecord, Upkeep,
                                WriteResult, marks_of, merged_mark, settle)
from mapper.stores.sqlite_file import connect, read_only

__all__ = ["SQLiteStore", "SCHEMA"]

SCHEMA = 16

# Schema 8 pages the lists from the read model (issue 16 item 1). The follow-ups: each campaign's
# open items counted per organizer (``rm_item_totals``, kept by triggers on ``rm_items`` in
# the transaction that writes them), and an index of the items by organizer and due date. A
# page reads those counts, the few items due from today on (what tells overdue from due) and
# the first items of the organizers it shows, not the campaign's items. A schema-7 file gets
# the table filled from its items, in one transaction (no rebuild). The ask queue: each
# person's row stamped with the store version its write started from (``rm_stamps``, by
# triggers on ``rm_people``), so a page re-scores the rows written since the ranking kept as a
# stored answer was computed (Store.kept_ask_ranking); a schema-7 file's rows have no stamp
# (none is newer than a ranking kept after the migration).
# Schema 9 counts the campaign's rows of rm_people as the overview and mapper structure add
# them up (``rm_counts``: people, asks by answer, anger per issue and level, each unit's people
# by where they stand: mapper.readmodel.row_counts), changed by each write that changes the rows,
# in its transaction: those pages read a few hundred counts, not a million rows. (A schema-8
# file gets them with schema 10's rebuild.)
# Schema 10 counts the campaign's 1-on-1s per day the same way (rm_people.days, each person's
# 1-on-1s by day; rm_counts kind 'day'): the overview's weeks read a few hundred counts, not
# every 1-on-1's record. An older file gets the column and its read model rebuilt (below).
# Schema 11 keeps whether each person brought a coworker (rm_people.brought: someone they
# referred since spoken with and still in the workplace), as ``trusted`` is kept: the ladder
# sorts its rows by their own columns and reads the 50 it shows, not every referrer's and the
# rows of those they referred. An older file gets it with its read model's rebuild (since
# schema 12; a schema-10 file had it filled from its rows, without one).
# Schema 12 keeps the power map's rankings with each write: whom each person's latest naming
# for each issue named (rm_people.named), and per issue and decision maker the people naming
# them and their anger (``rm_named``, issue '' for every issue, indexed by issue, then people
# and anger: a page reads each issue's first decision makers), moved with the rows as the
# counts are (rm_counts kinds 'namings' and 'named_dms': each issue's namings and decision
# makers named). An older file gets the column and its read model rebuilt.
# Schema 13 computes rm_people.ready otherwise: 2 for someone ready but for the wait after
# their latest ask, by a contact attempt, which they refused (the ask queue's ranking reads it
# against its day). An older file gets its read model rebuilt.
# Schema 14 keeps which records an alias's change moves with its campaign's mark
# (``reprojection.moved``, JSON: Store._moved_records; NULL: every record), so a new alias
# projects again the few records naming its spelling, not the campaign. An older file gets
# the column (its marks, NULL, stay whole).
# Schema 15 shows a node an alias names as the alias writes its name (nodes.name, props), not
# as the first record to make it spelled it. An older file's merged nodes are renamed so
# (Store._name_by_aliases) in the transaction that sets the number.
# Schema 16 counts a committed person never rated as a supporter (rm_counts: each unit's
# 'supporters', mapper.readmodel.row_counts): an older file's counts are counted again from its
# rows (_count_campaign, each campaign's) in the transaction that sets the number.
# A change of the read model alone (rm_items, rm_people: a column added, a value computed
# otherwise) needs no re-projection. Its migration bumps SCHEMA, alters or recreates those
# tables and, in the same transaction, calls ``self._mark_read_model(self.campaigns())``: the
# ``rm_rebuild`` table then holds each campaign with a token and a cursor (the last person key
# done), and resume() on open clears each campaign's rows and fills them again in batches of
# people, one transaction each (Store.rebuild_read_model; `mapper rebuild-read-model` runs it
# by hand). Until a campaign's mark is gone its read model is not used. ``rm_rebuild`` is
# created on every open, whatever the schema number (an older file gets it empty).
# Schema 6 adds where each person stands to the read model (``rm_people``: the per-unit counts
# of mapper structure), and an index of the edges that say where a person works, so a write
# reads a person's units without a scan. A schema 4 or 5 file gets both and every campaign
# marked for re-projection, which fills them in resumable batches.
# Schema 5 keeps the read model (mapper.readmodel): each person's open follow-up items in
# ``rm_items``, written in the transaction of the records they come from; an update's record
# names its person (``records.person``), as a 1-on-1's does. A schema-4 file gets the table
# and every campaign marked for re-projection, which fills it in resumable batches.
# Schema 4 keys a 1-on-1 by campaign and id (``conversation:<campaign>:<id>``; schema 3 and
# older by its id alone, so one campaign's record could replace another's) and keeps the
# campaigns whose re-projection is under way (``reprojection``, see Store.resume).
# Schema 3, shaped by the bulk import (benchmarks/PROFILE.md §4) and the snapshot:
# * nodes have integer ids; edges refer to them (integers compare and index cheaper than keys);
# * a node counts the edge ends that refer to it (``refs``): a replaced record's nodes that
#   nothing refers to any more go, without an index on edges.src and edges.dst to ask;
# * an edge's rowid is its type's code << _TYPE_SHIFT | its record's rid << _SHIFT | its
#   position in the record: a type's edges are one contiguous range (the snapshot reads each
#   type by itself, reading no other edge), and a record's edges of one type are one range,
#   written at the end of that type's range and dropped by range; the record remembers which
#   types it wrote (``records.edge_types``, one bit per code);
# * edges are counted by campaign and type as they are written (counts() reads no edge);
# * the edge props the projection writes are columns (the snapshot reads them without
#   json_extract); any other prop goes to ``extra`` as JSON, so nothing is lost.
_DDL = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, campaign TEXT NOT NULL,
  hash TEXT NOT NULL, date TEXT, person TEXT, body TEXT NOT NULL,
  edge_types INTEGER NOT NULL DEFAULT 0, k_name TEXT, k_id TEXT, k_email TEXT, k_phone TEXT);
CREATE INDEX IF NOT EXISTS records_scope ON records (campaign, kind, date, id);
CREATE INDEX IF NOT EXISTS records_person ON records (person, date, id);
CREATE INDEX IF NOT EXISTS records_k_name ON records (campaign, k_name) WHERE k_name IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_k_id ON records (k_id) WHERE k_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_k_email ON records (k_email) WHERE k_email IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_k_phone ON records (k_phone) WHERE k_phone IS NOT NULL;
CREATE TABLE IF NOT EXISTS nodes (
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, campaign TEXT NOT NULL,
  name TEXT, props TEXT NOT NULL, refs INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS nodes_scope ON nodes (campaign, kind);
CREATE TABLE IF NOT EXISTS edges (
  id INTEGER PRIMARY KEY, type TEXT NOT NULL, src INTEGER NOT NULL, dst INTEGER NOT NULL,
  campaign TEXT NOT NULL, date TEXT, anger, witnessed_harm, shift TEXT, role TEXT,
  workplace TEXT, roster, referral, relationship TEXT, issue TEXT, extra TEXT);
CREATE TABLE IF NOT EXISTS reprojection (
  campaign TEXT PRIMARY KEY, token TEXT NOT NULL, cursor TEXT, moved TEXT);
CREATE TABLE IF NOT EXISTS rm_rebuild (
  campaign TEXT PRIMARY KEY, token TEXT NOT NULL, cursor TEXT);
CREATE TABLE IF NOT EXISTS edge_counts (
  campaign TEXT NOT NULL, type TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (campaign, type))
  WITHOUT ROWID;
-- The key's columns first: SQLite 3.40's integrity_check misreads a WITHOUT ROWID table whose
-- key columns are not its leading ones ("NULL value in rm_items.kind").
CREATE TABLE IF NOT EXISTS rm_items (
  campaign TEXT NOT NULL, due TEXT NOT NULL, person TEXT NOT NULL, id TEXT NOT NULL,
  kind TEXT NOT NULL, conversation TEXT NOT NULL, organizer TEXT NOT NULL, name TEXT NOT NULL,
  what TEXT, conversation_date TEXT NOT NULL, PRIMARY KEY (campaign, due, person, id))
  WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_items_person ON rm_items (campaign, person);
CREATE TABLE IF NOT EXISTS rm_people (
  campaign TEXT NOT NULL, person TEXT NOT NULL, name TEXT, unit TEXT, in_roster INTEGER NOT NULL,
  contacted INTEGER NOT NULL, left INTEGER NOT NULL, committed INTEGER NOT NULL,
  assessment INTEGER, last_date TEXT, own_points REAL, ready INTEGER, ask_date TEXT,
  ask_response TEXT, tried_date TEXT, angers TEXT, yes_asks TEXT, organizer TEXT, trusted TEXT,
  conversations INTEGER NOT NULL DEFAULT 0, asks TEXT, yes_count INTEGER NOT NULL DEFAULT 0,
  kept INTEGER NOT NULL DEFAULT 0, missed INTEGER NOT NULL DEFAULT 0, yes_due TEXT,
  missed_latest INTEGER NOT NULL DEFAULT 0, referred TEXT, days TEXT,
  brought INTEGER NOT NULL DEFAULT 0, named TEXT, PRIMARY KEY (campaign, person)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_person_units ON edges (src)
  WHERE type IN ('IN_UNIT', 'IN_CAMPAIGN');
CREATE INDEX IF NOT EXISTS edges_ties_src ON edges (src) WHERE type IN ('TIED_TO', 'REFERRED');
CREATE INDEX IF NOT EXISTS edges_ties_dst ON edges (dst) WHERE type IN ('TIED_TO', 'REFERRED');
"""

# Stored answers (a cache of whole-graph answers, see Store.get_answer) and the lease of their
# one refresher: created on open whatever the schema number, and never part of it: a file
# without them is complete, and an older Collective Mapper ignores them.
# Schema 8 (see above): statements run one by one (a trigger's body holds semicolons), each
# safe to run again.
# The counts of the rows (schema 9), and since schema 12 the power map's pairs beside them
# (mapper.readmodel.by_named), each issue's ranked by an index: statements run one by one.
_COUNTS_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_counts (campaign TEXT NOT NULL, kind TEXT NOT NULL, "
    "key TEXT NOT NULL, sub TEXT NOT NULL, n INTEGER NOT NULL, "
    "PRIMARY KEY (campaign, kind, key, sub)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS rm_named (campaign TEXT NOT NULL, issue TEXT NOT NULL, "
    "dm TEXT NOT NULL, people INTEGER NOT NULL, anger INTEGER NOT NULL, "
    "PRIMARY KEY (campaign, issue, dm)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS rm_named_rank ON rm_named (campaign, issue, people DESC, "
    "anger DESC)")
_STAMP_ON_UPDATE = (
    "CREATE TRIGGER IF NOT EXISTS rm_people_changed AFTER UPDATE ON rm_people BEGIN "
    "INSERT OR REPLACE INTO rm_stamps VALUES (new.campaign, new.person, "
    "(SELECT v FROM meta WHERE k = 'version')); END")
# A kept ask ranking of another day re-scores the people last asked (in a 1-on-1, or by a
# contact attempt) on the days that move: the wait after an ask ends or begins
# (Store.kept_ask_ranking). Indexes alone, made on open where missing (no schema step).
# And when an issue's points move (its second to eighth person angry about it), the few people
# angry about it (Store._ask_rows_angry_about), read from its edges. And whom some people are
# assigned to (a page's slice of them, Store._people_slice), and whom an organizer is given
# (her My list), read from their edges: not every contact assignment of the campaign
# (300,000 at a million people: 0.2 s a slice, 2.5 s her list).
_ASKED_DDL = {
    "rm_people_asked": "CREATE INDEX IF NOT EXISTS rm_people_asked ON rm_people "
                       "(campaign, ask_date) WHERE ask_date IS NOT NULL",
    "rm_people_tried": "CREATE INDEX IF NOT EXISTS rm_people_tried ON rm_people "
                       "(campaign, tried_date) WHERE tried_date IS NOT NULL",
    "edges_angry_dst": "CREATE INDEX IF NOT EXISTS edges_angry_dst ON edges (dst) "
                       "WHERE type = 'ANGRY_ABOUT'",
    "edges_assigned_dst": "CREATE INDEX IF NOT EXISTS edges_assigned_dst ON edges (dst) "
                          "WHERE type = 'ASSIGNED'",
    "edges_assigned_src": "CREATE INDEX IF NOT EXISTS edges_assigned_src ON edges (src) "
                          "WHERE type = 'ASSIGNED'",
    # The person search reads the campaign's people's keys in order from it, not every
    # person's row: its first 20 hits of a common name in milliseconds at a million people
    # (0.6-1.2 s a search, as typed, before).
    "nodes_people": "CREATE INDEX IF NOT EXISTS nodes_people ON nodes (campaign, key) "
                    "WHERE kind = 'Person'",
    # How many are on the ladder (its table's count) from the committed people's entries
    # alone: 0.26 s a count of every row at a million people, 0.005 s.
    "rm_people_committed": "CREATE INDEX IF NOT EXISTS rm_people_committed ON rm_people "
                           "(campaign, committed, left) WHERE committed AND NOT left",
    # Who has left the workplace (few), read whole by the ladder's coworkers to bring: every
    # row of the campaign read for them, 0.3 s at a million people.
    "rm_people_left": "CREATE INDEX IF NOT EXISTS rm_people_left ON rm_people (campaign, left) "
                      "WHERE left",
    # The day took action and the ladder are as of when none is given (the latest 1-on-1 or
    # update of those still there; the overview page's took action) by one seek: a pass over
    # every row, 0.26 s of the overview's 0.76 s took action at a million people.
    "rm_people_latest": "CREATE INDEX IF NOT EXISTS rm_people_latest ON rm_people "
                        "(campaign, last_date) WHERE NOT left"}
_PAGES_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_item_totals (campaign TEXT NOT NULL, organizer TEXT NOT NULL, "
    "n INTEGER NOT NULL, PRIMARY KEY (campaign, organizer)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS rm_items_organizer ON rm_items (campaign, organizer, due)",
    "CREATE TRIGGER IF NOT EXISTS rm_items_added AFTER INSERT ON rm_items BEGIN "
    "INSERT OR IGNORE INTO rm_item_totals VALUES (new.campaign, new.organizer, 0); "
    "UPDATE rm_item_totals SET n = n + 1 WHERE campaign = new.campaign "
    "AND organizer = new.organizer; END",
    "CREATE TRIGGER IF NOT EXISTS rm_items_dropped AFTER DELETE ON rm_items BEGIN "
    "UPDATE rm_item_totals SET n = n - 1 WHERE campaign = old.campaign "
    "AND organizer = old.organizer; END",
    # Each person's row of rm_people stamped with the version the write that wrote it (or
    # removed it) started from: a page of the ask queue re-scores the rows written since
    # its kept ranking was computed (Store.kept_ask_ranking).
    "CREATE TABLE IF NOT EXISTS rm_stamps (campaign TEXT NOT NULL, person TEXT NOT NULL, "
    "stamp INTEGER NOT NULL, PRIMARY KEY (campaign, person)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS rm_stamps_since ON rm_stamps (campaign, stamp)",
    "CREATE TRIGGER IF NOT EXISTS rm_people_added AFTER INSERT ON rm_people BEGIN "
    "INSERT OR REPLACE INTO rm_stamps VALUES (new.campaign, new.person, "
    "(SELECT v FROM meta WHERE k = 'version')); END",
    _STAMP_ON_UPDATE,
    "CREATE TRIGGER IF NOT EXISTS rm_people_dropped AFTER DELETE ON rm_people BEGIN "
    "INSERT OR REPLACE INTO rm_stamps VALUES (old.campaign, old.person, "
    "(SELECT v FROM meta WHERE k = 'version')); END",
    "CREATE TRIGGER IF NOT EXISTS rm_items_moved AFTER UPDATE OF campaign, organizer "
    "ON rm_items BEGIN "
    "UPDATE rm_item_totals SET n = n - 1 WHERE campaign = old.campaign "
    "AND organizer = old.organizer; "
    "INSERT OR IGNORE INTO rm_item_totals VALUES (new.campaign, new.organizer, 0); "
    "UPDATE rm_item_totals SET n = n + 1 WHERE campaign = new.campaign "
    "AND organizer = new.organizer; END",
)

_ANSWERS_DDL = """
CREATE TABLE IF NOT EXISTS answers (
  campaign TEXT NOT NULL, question TEXT NOT NULL, options TEXT NOT NULL,
  version INTEGER NOT NULL, computed_at TEXT NOT NULL, result BLOB NOT NULL,
  UNIQUE (campaign, question, options));
CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL,
  expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS answer_versions (v INTEGER PRIMARY KEY, left_at TEXT);
"""

# Edge props stored as columns of `edges`, in column order after `campaign`.
@functools.cache
def _unit_rows_sql() -> str:
    """Each unit's kept counts as one row (:meth:`SQLiteStore._unit_counts`)."""
    from mapper.analytics.structure import UnitCounts

    sums = ", ".join(f"coalesce(sum(n) FILTER (WHERE sub = '{f}'), 0)" for f in UnitCounts._fields)
    return (f"SELECT nullif(key, ''), {sums} FROM rm_counts WHERE campaign = ? AND kind = 'unit' "
            "GROUP BY key HAVING max(n != 0)")

_EDGE_PROPS = ("date", "anger", "witnessed_harm", "shift", "role", "workplace", "roster",
               "referral", "relationship", "issue")
_EDGE_PROP_SET = frozenset(_EDGE_PROPS)
_CAMPAIGN_TYPE = operator.itemgetter(4, 1)  # of an edge's row: what edge_counts counts by
_SHIFT = 16  # up to 65,536 edges per record (a conversation has about 13)
_MASK = (1 << _SHIFT) - 1
_TYPE_SHIFT = 58  # 42 bits of rid in between; 5 bits of type code above
_RID_MASK = (1 << (_TYPE_SHIFT - _SHIFT)) - 1
# Edge type -> code (the order is part of the file format); any other type shares _OTHER.
_CODES = {t: i for i, t in enumerate((
    "IN_UNIT", "ANGRY_ABOUT", "TIED_TO", "WITH", "HELD", "NAMES", "REFERRED", "HAS_SKILL",
    "IN_CAMPAIGN", "REPORTS_TO", "CONTROLS", "MADE", "WORKS_FOR", "ABOUT", "ASSIGNED"))}
_OTHER = 31
_LOOKUP_COLUMNS = ("k_name", "k_id", "k_email", "k_phone")
_REBUILD_DDL = next(stmt for stmt in _DDL.strip().split(";\n")
                    if stmt.startswith("CREATE TABLE IF NOT EXISTS rm_rebuild"))
_FIELD_PATH = re.compile(r"^[a-z_]+(\.[a-z_]+)*$")
_CACHE_LIMIT = 1 << 21  # node ids remembered between batches
# The columns of rm_people a row of someone no record of their own is about fills in.
_BARE = len(readmodel.PERSON_FIELDS) - len(readmodel.BARE_TAIL)


#: SQLite's page cache (KiB): writes' random index inserts want it large; a snapshot's scan not.
_CACHE_KIB = 131072
# How long a write waits for another connection's write to the file to end before it fails
# ("database is locked"), as the tables beside the records wait (mapper.users.SQLiteSide). A
# server's workers write the same file: with 5 s (the default), one of 300 1-on-1s posted
# by a team under load failed while the other worker's write was held up by its own threads.
_BUSY_SECONDS = 30
#: Seconds a lease's take or renewal waits for the file (:meth:`SQLiteStore.take_lease`).
_LEASE_BUSY_SECONDS = 1
_SCAN_CACHE_KIB = 8192
#: Seconds a forget waits for readers of an older state before it empties the log
#: (:meth:`SQLiteStore._erase_log`; tried again after, until done).
_ERASE_WAIT = 2
#: At most this many keys of 1-on-1s have their words read under the store's lock
#: (:meth:`SQLiteStore.conversation_texts`); more are read through a connection of their own.
_TEXTS_UNDER_LOCK = 2_000


class _ForeignEnd(KeyError):
    """An edge of the campaign met a node or a record filed under another campaign."""


def _foreign(rows: Iterable[tuple]) -> Iterator[tuple]:
    """``rows``, with an end missing from the campaign's id maps raised as :class:`_ForeignEnd`
    (a KeyError of the code consuming them is not one)."""
    try:
        yield from rows
    except KeyError as exc:
        raise _ForeignEnd(*exc.args) from None


def _ends_by(rows: Iterable[tuple[int, int]], key: dict[int, str]) -> dict[int, str | list[str]]:
    """``{a: key[b]}`` over ``(a, b)`` rows; a list of keys where ``a`` has several (rare: a
    key each costs less than a list each, at a million conversations)."""
    out: dict[int, str | list[str]] = {}
    for a, b in rows:
        k = key[b]
        old = out.get(a)
        if old is None:
            out[a] = k
        elif type(old) is str:
            out[a] = [old, k]
        else:
            old.append(k)
    return out


def _listed(rows: SnapshotRows) -> SnapshotRows:
    """``rows`` with every collection read into a list."""
    return dataclasses.replace(rows, **{f.name: list(getattr(rows, f.name))
                                        for f in dataclasses.fields(rows)
                                        if f.name not in ("campaign", "version")})


def _type_range(type_: str) -> tuple[int, int]:
    lo = _CODES.get(type_, _OTHER) << _TYPE_SHIFT
    return lo, lo | ((1 << _TYPE_SHIFT) - 1)


def _record_ranges(rid: int, edge_types: int) -> list[tuple[int, int]]:
    """The rowid ranges a record's edges lie in, one per type code it wrote."""
    base = rid << _SHIFT
    return [((code << _TYPE_SHIFT) | base, (code << _TYPE_SHIFT) | base | _MASK)
            for code in range(_OTHER + 1) if edge_types >> code & 1]


def _dumps(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _angry_about(db: sqlite3.Connection, campaign: str, issues: Sequence[str],
                 min_anger: int) -> list[str]:
    """The people angry about any of ``issues`` at ``min_anger`` or more in some 1-on-1 (from
    the issues' edges, through ``edges_angry_dst``), sorted."""
    people: set[str] = set()
    for part in _chunks(list(issues)):
        people.update(p for (p,) in db.execute(
            "SELECT n.key FROM nodes i JOIN edges e ON e.dst = i.id "
            "AND e.type = 'ANGRY_ABOUT' JOIN nodes n ON n.id = e.src "
            f"WHERE i.key IN ({_marks(part)}) AND e.campaign = ? AND e.anger >= ?",
            [*part, campaign, min_anger]))
    return sorted(people)


#: An edge (``e``) with the nodes at its ends, its source ``o`` and its target ``p`` (by id).
_ENDS = "e JOIN nodes o ON o.id = e.src JOIN nodes p ON p.id = e.dst"


#: Keys bound in one statement (SQLite limits the number of bound parameters).
_CHUNK = 900


def _moved(text: str | None) -> Moved | None:
    """A mark's ``moved`` as kept (JSON; NULL: every record of the campaign)."""
    if text is None:
        return None
    got = orjson.loads(text)
    return Moved.loaded(got["spellings"], got["nodes"])


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _marks(part: Sequence) -> str:
    return ",".join("?" * len(part))


def _grouped(pairs: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], list[str]]:
    """``(campaign, issue, decision maker)`` keys grouped by campaign and issue."""
    out: dict[tuple[str, str], list[str]] = {}
    for campaign, issue, dm in pairs:
        out.setdefault((campaign, issue), []).append(dm)
    return out


def _by_campaign(people: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for person in people:
        out.setdefault(person.split(":", 2)[1], []).append(person)
    return out


def _next_version(db: sqlite3.Connection) -> None:
    """Move the store's version on (every write does, in its transaction), stamping when it
    left the version it was at if a stored answer was kept at it (:meth:`SQLiteStore.stale_since`)."""
    db.execute("UPDATE answer_versions SET left_at = ? WHERE left_at IS NULL "
               "AND v = (SELECT v FROM meta WHERE k = 'version')", (clock.now().isoformat(),))
    db.execute("UPDATE meta SET v = v + 1 WHERE k = 'version'")


def _rollback(db: sqlite3.Connection, savepoint: str | None = None) -> None:
    """Undo the transaction under way (back to ``savepoint``, then released), unless SQLite
    has ended it itself: a COMMIT that finds the disk full, or another I/O error, rolls the
    whole transaction back, and a ROLLBACK then fails and hides that error behind its own
    ("cannot rollback - no transaction is active")."""
    if not db.in_transaction:
        return
    if savepoint is None:
        db.execute("ROLLBACK")
    else:
        db.execute(f"ROLLBACK TO {savepoint}")
        db.execute(f"RELEASE {savepoint}")


def _search_normalize(name: object) -> str | None:
    """:func:`mapper.keys.normalize` for SQL (``search_people``): a NULL name stays NULL."""
    return normalize(name) if isinstance(name, str) else None


class SQLiteStore(Store):
    """A :class:`~mapper.stores.base.Store` in one SQLite file (``:memory:`` for a throwaway)."""

    # Records per transaction: each commit writes the index pages its records reached, and at
    # 500 a 100k-row roster import's commits wrote many of them again and again (2,000 took
    # 7-12% off the write's CPU; a transaction still holds the file ~0.1 s).
    batch_size = 2000

    def __init__(self, path: str | Path = "mapper.db", *,
                 upkeep: Callable[[Upkeep], None] | None = None) -> None:
        self.path = str(path)
        self.upkeep = upkeep  # (told how far the work left undone is, done before it answers)
        #: A file this process may not write (``chmod 444``, a read-only folder or disk) is
        #: opened to read: every read answers, a write fails as SQLite's "read-only"
        #: (:func:`mapper.bootstrap.store_failure`), answers are not kept. It must be at the
        #: current schema with no upkeep left undone (:meth:`_open_schema`).
        self.read_only = read_only(self.path)
        if self.path != ":memory:" and not self.read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # The file holds every story and phone number: create it readable by its owner only
            # (SQLite gives its -wal and -shm files the same permissions).
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        self._db = connect(self.path, _BUSY_SECONDS, to_read=self.read_only)
        # A person known by a custom id is searched on her name as keys are made of names
        # (normalize: punctuation, non-ASCII case, spacing; lower() knows ASCII only).
        self._db.create_function("mapper_normalize", 1, _search_normalize, deterministic=True)
        # The dashboard reads from several threads: one connection, one lock.
        self._lock = threading.RLock()
        # key -> node id, valid while no other connection writes (see _node_cache).
        self._ids: dict[str, int] = {}
        self._seen: int | None = None
        # The people a write's edges reach, whose rows of rm_people it computes again.
        self._people: set[str] = set()
        self._bulk = 0  # bulk() calls under way (the WAL is checkpointed when the last ends)
        self._truncate = True  # (the outermost's: how)
        # Whether a forget's log is still to be checkpointed and emptied (_erase_log), and
        # one try at a time.
        self._erased = False
        self._erasing = threading.Lock()
        with self._lock:
            if not self.read_only:  # (a file the store made is in WAL mode already)
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=OFF")
            # Deleted rows are overwritten with zeros, not left in free pages: forgetting a
            # person (services.forget_person) must not leave her story readable in the file.
            self._db.execute("PRAGMA secure_delete=ON")
            # The key and record indexes take random inserts; with the default 2 MB page cache
            # a large import spends its time re-reading index pages.
            self._db.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            self._open_schema()
        self.resume()

    def close(self) -> None:
        self._erase_log(_BUSY_SECONDS)
        with self._lock:
            self._db.close()

    def _erase_log(self, wait: float = 0) -> None:
        """Checkpoint the log into the file and empty it, if a forget's is still to be
        (``_erased``): the pages a forget overwrote stay in the file, and their new ones in
        the log, until then. A TRUNCATE checkpoint waits for every reader of an older state
        (this process's own included: a snapshot, a list's rows, a campaign's words are read
        through connections of their own) and holds off writers meanwhile: it waits at most
        ``wait`` seconds, through a connection of its own, outside the store's lock (under
        it, a read of a minute at a million people held every page of the worker waiting,
        and the checkpoint gave up at the busy timeout, silently). If it could not finish,
        it is tried again when a read of this process through a connection of its own ends,
        after each write, and when the store closes."""
        if not self._erased or self.path == ":memory:" or not self._erasing.acquire(False):
            return
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=wait)
            try:
                busy, _log, _moved = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.OperationalError:  # locked for longer than ``wait``: later
                busy = 1
            finally:
                db.close()
            if not busy:
                self._erased = False
        finally:
            self._erasing.release()

    def erase_deleted(self) -> None:
        self._erased = True
        self._erase_log(_ERASE_WAIT)

    # --- schema -----------------------------------------------------------------------------
    def _open_schema(self) -> None:
        db = self._db
        # What the file holds, read first: a current file opens without taking the write lock
        # (a list in a new process waited for an import's transactions, and failed after 5 s
        # as "database is locked" behind a longer one; WAL lets it read meanwhile).
        tables = {name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name IN ('meta', 'rm_rebuild', 'answers', 'leases', 'answer_versions')")}
        found = (db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone()
                 if "meta" in tables else None)
        self._versions_kept = "answer_versions" in tables
        if self.read_only:
            self._open_read_only(found, tables)
            return
        if not {"answers", "leases", "answer_versions"} <= tables:
            # (Before any step: each write stamps the version it leaves, _next_version.)
            db.executescript(f"BEGIN IMMEDIATE; {_ANSWERS_DDL} COMMIT;")
            self._versions_kept = True
        if found is None:
            db.executescript(f"BEGIN IMMEDIATE; {_DDL} {'; '.join(_PAGES_DDL)}; "
                             f"{'; '.join(_COUNTS_DDL)}; "
                             f"INSERT OR IGNORE INTO meta VALUES ('version', 0), "
                             f"('schema', {SCHEMA}); COMMIT;")
        elif found[0] in (13, 14, 15):
            self._add_moved(found[0])
        elif found[0] in (4, 5, 6, 7, 8, 9, 10, 11, 12):
            # A schema-4/5 file moves to 14 with its read model's tables (below), not before:
            # a crash between the steps leaves it at its old number, and they run again
            # (rm_people made by an older version's step gets the columns it lacks).
            if found[0] < 7:
                self._add_lookup_keys(last=False)
            if found[0] < 8:
                self._add_pages()
            if found[0] < 6:
                self._add_read_model(found[0])  # (its rows, and so its counts, rebuilt)
            else:
                self._add_days()
        elif found[0] < SCHEMA:
            self._migrate(found[0])
        elif found[0] > SCHEMA:
            db.close()
            raise RuntimeError(f"{self.path} has store schema {found[0]}; this version of "
                               f"Collective Mapper reads schema {SCHEMA} and older")
        if "rm_rebuild" not in tables:
            db.execute(_REBUILD_DDL)
        have = {name for (name,) in db.execute(
            f"SELECT name FROM sqlite_master WHERE type = 'index' "
            f"AND name IN ({_marks(_ASKED_DDL)})", list(_ASKED_DDL))}
        if have != _ASKED_DDL.keys():
            # Never waited for: while a writer holds the file, a later open makes them (the
            # reads they serve scan the rows meanwhile).
            db.execute("PRAGMA busy_timeout = 0")
            try:
                db.execute("BEGIN IMMEDIATE")
                for stmt in _ASKED_DDL.values():
                    db.execute(stmt)
                db.execute("COMMIT")
            except sqlite3.OperationalError:
                _rollback(db)
            else:
                have = set(_ASKED_DDL)
            finally:
                db.execute(f"PRAGMA busy_timeout = {_BUSY_SECONDS * 1000}")
        # Without its index, reading who is angry about an issue scans every edge: not done
        # (a kept ask ranking whose issue's points moved is ranked whole, as before it).
        self._angry_indexed = "edges_angry_dst" in have
        self._assigned_indexed = {"edges_assigned_dst", "edges_assigned_src"} <= have

    def _open_read_only(self, found: tuple | None, tables: set[str]) -> None:
        """A read-only file is read as it is: one that needs a change first (a new file's
        tables, an older schema's migration, a re-projection or a rebuild left undone) is
        refused, saying to open it where it can be written once."""
        have = {name for (name,) in self._db.execute(
            f"SELECT name FROM sqlite_master WHERE type = 'index' "
            f"AND name IN ({_marks(_ASKED_DDL)})", list(_ASKED_DDL))}
        self._angry_indexed = "edges_angry_dst" in have
        self._assigned_indexed = {"edges_assigned_dst", "edges_assigned_src"} <= have
        if found is not None and found[0] > SCHEMA:
            self._db.close()
            raise RuntimeError(f"{self.path} has store schema {found[0]}; this version of "
                               f"Collective Mapper reads schema {SCHEMA} and older")
        if found is None:
            why = "it holds no store yet"
        elif found[0] < SCHEMA:
            why = f"it is at store schema {found[0]}, which this version moves to {SCHEMA}"
        elif not {"rm_rebuild", "answers", "leases"} <= tables or self._db.execute(
                "SELECT EXISTS (SELECT 1 FROM reprojection) OR EXISTS (SELECT 1 FROM rm_rebuild)"
                ).fetchone()[0]:
            why = "an upgrade or a rebuild of it was left undone"
        else:
            return
        self._db.close()
        raise RuntimeError(f"{self.path} is read-only here, and {why}: open it once where it "
                           "can be written (any command does), and it reads read-only after")

    def _migrate(self, old: int) -> None:
        """Rebuild the graph of an older file from its records, in one transaction.

        The records are the unit of truth and keep their rows; nodes and edges are projected
        again, as :meth:`reproject` does after an alias changes.
        """
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    "AND tbl_name IN ('records', 'nodes', 'edges')").fetchall():
                db.execute(f'DROP INDEX "{name}"')
            db.execute("DROP TABLE IF EXISTS edges")
            db.execute("DROP TABLE IF EXISTS edge_counts")
            db.execute("DROP TABLE IF EXISTS nodes")
            db.execute("ALTER TABLE records RENAME TO records_old")
            for stmt in (*_DDL.strip().split(";\n"), *_PAGES_DDL, *_COUNTS_DDL):
                db.execute(stmt)
            # Schema 3 and older keyed a 1-on-1 by its own id: scope it by its campaign.
            db.execute("INSERT INTO records (id, kind, campaign, hash, date, person, body) "
                       "SELECT CASE WHEN kind = 'conversation' THEN 'conversation:' || campaign "
                       "|| ':' || json_extract(body, '$.id') ELSE id END, "
                       "kind, campaign, hash, date, person, body FROM records_old ORDER BY rowid")
            db.execute("DROP TABLE records_old")
            with gc_paused():
                for campaign in self.campaigns():
                    self.reproject(campaign)
            db.execute("UPDATE meta SET v = ? WHERE k = 'schema'", (SCHEMA,))
            _next_version(db)
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            self._ids.clear()
            raise

    def _add_lookup_keys(self, last: bool = True) -> None:
        """Schema 4-6 -> 7: each roster row's and 1-on-1's lookup keys (the person's name, id,
        email and phone: :func:`mapper.identity.lookup_keys`) beside it, indexed, in one
        transaction (100k people: a few seconds)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            have = {row[1] for row in db.execute("PRAGMA table_info(records)")}
            for column in _LOOKUP_COLUMNS:
                if column not in have:
                    db.execute(f"ALTER TABLE records ADD COLUMN {column} TEXT")
            self._fill_lookup_keys()
            for stmt in _DDL.strip().split(";\n"):
                if stmt.startswith("CREATE INDEX IF NOT EXISTS records_k_"):
                    db.execute(stmt)
            if last:
                db.execute("UPDATE meta SET v = 7 WHERE k = 'schema'")
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    def _add_pages(self) -> None:
        """Schema 7 -> 8: the follow-ups counted per organizer (``rm_item_totals``, filled
        from the items held, then kept by triggers) and the items indexed by organizer and
        due date, in one transaction (:data:`_PAGES_DDL`)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _DDL.strip().split(";\n"):  # (a schema-4 file has neither yet)
                if ("CREATE TABLE IF NOT EXISTS rm_items (" in stmt
                        or "CREATE TABLE IF NOT EXISTS rm_people (" in stmt):
                    db.execute(stmt)
            for stmt in _PAGES_DDL:
                db.execute(stmt)
            db.execute("DELETE FROM rm_item_totals")
            db.execute("INSERT INTO rm_item_totals SELECT campaign, organizer, count(*) "
                       "FROM rm_items GROUP BY campaign, organizer")
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    def _add_days(self) -> None:
        """Schema 6-12 -> 13: each person's 1-on-1s by day (``rm_people.days``) and the counts
        of the rows (``rm_counts``, new in schema 9), which only each person's 1-on-1s give,
        whether each brought a coworker (``brought``) and whom each named
        (``named``, ``rm_named``), and ``ready`` computed otherwise (13): the columns and the
        tables added and every campaign's read model marked to be rebuilt (:meth:`resume`,
        called on open, does it in batches), with the schema number, in one transaction."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _COUNTS_DDL:  # (a schema 6-8 file has none: the rebuild counts them)
                db.execute(stmt)
            self._add_days_column()
            self._add_moved_column()
            db.execute(_REBUILD_DDL)
            self._mark_read_model(self.campaigns())
            self._name_by_aliases()
            db.execute("UPDATE meta SET v = ? WHERE k = 'schema'", (SCHEMA,))
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    def _add_moved(self, found: int) -> None:
        """Schema 13 -> 14: :meth:`_add_moved_column`; 14 -> 15: the nodes aliases name
        renamed (:meth:`_name_by_aliases`); 15 -> 16: each campaign's counts counted again
        from its rows (:meth:`_count_campaign`); with the schema number (and the version, as
        a write moves it), one transaction."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if found < 14:
                self._add_moved_column()
            if found < 15:
                self._name_by_aliases()
            for campaign in self.campaigns():
                self._recount_told(campaign, functools.partial(self._count_campaign, campaign))
            db.execute("UPDATE meta SET v = ? WHERE k = 'schema'", (SCHEMA,))
            # (Answers kept before it are stale: this release answers otherwise, talk-next.)
            _next_version(db)
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    def _add_moved_column(self) -> None:
        """``reprojection.moved`` added where the table predates it (schema 4-13), in the
        caller's transaction."""
        have = {row[1] for row in self._db.execute("PRAGMA table_info(reprojection)")}
        if "moved" not in have:
            self._db.execute("ALTER TABLE reprojection ADD COLUMN moved TEXT")

    def _add_days_column(self) -> None:
        """``rm_people.days``, ``brought`` and ``named`` added where the table predates them
        (schema 6-11; or a schema 4-5 file whose migration an older Collective Mapper began:
        its ``rm_people`` was created without them), in the caller's transaction."""
        db = self._db
        have = {row[1] for row in db.execute("PRAGMA table_info(rm_people)")}
        if "days" not in have:
            db.execute("ALTER TABLE rm_people ADD COLUMN days TEXT")
        if "brought" not in have:
            db.execute("ALTER TABLE rm_people ADD COLUMN brought INTEGER NOT NULL DEFAULT 0")
        if "named" not in have:
            db.execute("ALTER TABLE rm_people ADD COLUMN named TEXT")

    def _fill_lookup_keys(self) -> None:
        db = self._db
        rows = db.execute("SELECT rid, kind, campaign, body FROM records "
                          "WHERE kind IN ('roster', 'conversation') AND k_name IS NULL").fetchall()
        db.executemany("UPDATE records SET k_name = ?, k_id = ?, k_email = ?, k_phone = ? "
                       "WHERE rid = ?",
                       [(*lookup_keys(kind, campaign, orjson.loads(body)), rid)
                        for rid, kind, campaign, body in rows])

    def _add_read_model(self, old: int = 4) -> None:
        """Schema 4 or 5 -> 6: the read model's tables, filled in resumable batches
        (:meth:`resume`, called on open) by re-projecting every campaign of a schema-4 file
        (its updates' records name no person yet), and by rebuilding the read model alone in
        a schema-5 file (only ``rm_people`` is new); until then the read model of a marked
        campaign is not used."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _DDL.strip().split(";\n"):
                db.execute(stmt)
            for stmt in _COUNTS_DDL:
                db.execute(stmt)
            self._add_days_column()
            self._add_moved_column()
            if old == 5:
                self._mark_read_model(self.campaigns())
                self._name_by_aliases()
            else:  # (a re-projection names them)
                self._mark(dict.fromkeys(self.campaigns()))
            db.execute("UPDATE meta SET v = ? WHERE k = 'schema'", (SCHEMA,))
            _next_version(db)
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    # --- writes -----------------------------------------------------------------------------
    def _hashes(self, ids: Sequence[str]) -> dict[str, str]:
        return self._column("hash", "records", "id", ids)

    def write(self, records: Iterable[Record],
              progress: Callable[[int], None] | None = None, *,
              expect: Mapping[str, str | None] | None = None) -> WriteResult:
        with self.bulk(truncate=False):
            return super().write(records, progress, expect=expect)

    @contextlib.contextmanager
    def bulk(self, *, truncate: bool = True) -> Iterator[None]:
        # A bulk write checkpoints the WAL once at the end rather than every 1,000 pages; an
        # import's 20 writes of 5,000 rows once in all (each copied the pages the last one
        # wrote, most of them the same index pages: 2 s of a 100k-row import's 14).
        # The outermost one's ``truncate`` says how: an import's empties the WAL (a TRUNCATE
        # checkpoint waits for every reader, up to the busy timeout, holding the write lock);
        # a single write's leaves it to SQLite's own checkpoint, which waits for no one: under
        # a team's load at a million people, readers of the whole campaign held that wait to
        # its 30 s, and other writers failed with "database is locked".
        with self._lock:
            self._bulk += 1
            if self._bulk == 1:
                self._truncate = truncate
                self._db.execute("PRAGMA wal_autocheckpoint=100000")
        try:
            yield
        finally:
            with self._lock:
                self._bulk -= 1
                if not self._bulk:
                    self._db.execute("PRAGMA wal_autocheckpoint=1000")
                    if not self._db.in_transaction:
                        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)" if self._truncate
                                         else "PRAGMA wal_checkpoint(PASSIVE)")
            if not self._bulk:
                self._erase_log()

    def _node_cache(self) -> dict[str, int]:
        """The key -> id map, emptied if another connection has written since we last looked."""
        seen = self._db.execute("PRAGMA data_version").fetchone()[0]
        if seen != self._seen or len(self._ids) > _CACHE_LIMIT:
            self._ids.clear()
            self._seen = seen
        return self._ids

    def _apply(self, batch: Sequence[StoredRecord], tally: WriteResult | None = None) -> None:
        # The last copy of an id wins, as in Store.write.
        batch = list({rec.id: rec for rec in batch}.values())
        with self._lock:
            db = self._db
            nested = db.in_transaction
            # IMMEDIATE takes the write lock first: what the batch finds stored cannot change
            # before it commits, whatever other processes write.
            db.execute("SAVEPOINT apply" if nested else "BEGIN IMMEDIATE")
            self._people.clear()
            try:
                marks = dict(db.execute("SELECT campaign, token FROM reprojection").fetchall()
                             ) if any(r.mark for r in batch) else None
                todo, result = settle(batch, self._hashes([r.id for r in batch]), marks)
                if todo:
                    self._write_batch(todo)
                    self._mark(marks_of(todo))
                    _next_version(db)
                db.execute("RELEASE apply" if nested else "COMMIT")
            except BaseException:
                _rollback(db, "apply" if nested else None)
                self._ids.clear()  # it may name nodes the rollback removed
                raise
        if tally is not None:
            tally += result

    def _delete(self, ids: Sequence[str], marks: Mapping[str, Moved | None]) -> int:
        return self._replace_and_delete([], ids, marks)[1]

    def _replace_and_delete(self, batch: Sequence[StoredRecord], ids: Sequence[str],
                            marks: Mapping[str, Moved | None]) -> tuple[WriteResult, int]:
        result = WriteResult()
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            self._people.clear()
            try:
                if batch:
                    self._apply(batch, result)  # a savepoint inside this transaction
                n = len(self._hashes(ids))
                # A stored answer may name whom these records were about (a forgotten person).
                campaigns = {r.campaign for r in batch}
                self._drop_answers_of(list(ids), campaigns)
                self._refresh(self._drop(list(ids), self._node_cache()))
                # The stamps of rows removed outright served the ask rankings just dropped,
                # and each holds a person's key (her name, as it was once spelled, too: a
                # row removed long ago when her 1-on-1 was corrected): gone, forgotten.
                db.executemany(
                    "DELETE FROM rm_stamps WHERE campaign = ?1 AND NOT EXISTS "
                    "(SELECT 1 FROM rm_people p WHERE p.campaign = ?1 "
                    "AND p.person = rm_stamps.person)", [(c,) for c in campaigns])
                self._mark(marks)
                _next_version(db)
                # (After the version moved: an answer read before this commit is older.)
                self._mark_answers_dropped(campaigns)
                db.execute("COMMIT")
            except BaseException:
                _rollback(db)
                self._ids.clear()
                raise
        if n:
            self._erased = True
            # Erased text must not outlive the erasure in the file or its log: secure_delete
            # zeroes it in the pages written, a checkpoint moves those into the file over
            # the old ones and empties the log. Outside the store's lock, and tried again
            # until it is done (:meth:`_erase_log`).
            self._erase_log(_ERASE_WAIT)
        return result, n

    def _mark(self, marks: Mapping[str, Moved | None]) -> None:
        """Mark campaigns for re-projection, each of what it moves (None: every record),
        merged with a mark already there (in the caller's transaction)."""
        db = self._db
        if not marks:
            return
        had = {c: _moved(m) for c, m in db.execute(
            f"SELECT campaign, moved FROM reprojection WHERE campaign IN ({_marks(marks)})",
            list(marks))}
        rows = []
        for campaign, new in marks.items():
            moved = merged_mark(had.get(campaign), new, marked=campaign in had)
            rows.append((campaign, secrets.token_hex(8), None if moved is None else _dumps(
                {"spellings": sorted(moved.spellings), "nodes": sorted(moved.nodes)})))
        db.executemany(
            "INSERT INTO reprojection VALUES (?, ?, NULL, ?) ON CONFLICT (campaign) "
            "DO UPDATE SET token = excluded.token, cursor = NULL, moved = excluded.moved", rows)

    def _pending(self) -> list[Reprojection]:
        return [Reprojection(c, token, cursor, _moved(moved)) for c, token, cursor, moved in
                self._rows("SELECT campaign, token, cursor, moved FROM reprojection "
                           "ORDER BY campaign")]

    def _sources_at(self, keys: Sequence[str]) -> list[str]:
        # No index of every edge's ends (see ``refs``): one pass over the edges, for an
        # alias's change (0.3 s at 100k people; projecting the campaign again took minutes).
        if not keys:
            return []
        with self._reading() as db:
            ids = [i for (i,) in db.execute(
                f"SELECT id FROM nodes WHERE key IN ({_marks(keys)})", list(keys))]
            if not ids:
                return []
            rids = [r for (r,) in db.execute(
                f"SELECT DISTINCT (id >> {_SHIFT}) & {_RID_MASK} FROM edges "
                f"WHERE src IN ({_marks(ids)}) OR dst IN ({_marks(ids)})", ids + ids)]
            out = []
            for part in _chunks(rids):
                out += [i for (i,) in db.execute(
                    f"SELECT id FROM records WHERE rid IN ({_marks(part)})", part)]
        return out

    def _rename(self, work: Reprojection | None, names: Mapping[str, str],
                props: Mapping[str, dict[str, Any]] | None = None) -> bool:
        with self._lock:
            db = self._db
            nested = db.in_transaction  # (a migration projects its campaigns again in its own)
            db.execute("SAVEPOINT rename" if nested else "BEGIN IMMEDIATE")
            try:
                if work is not None and db.execute(
                        "SELECT 1 FROM reprojection WHERE campaign = ? AND token = ?",
                        (work.campaign, work.token)).fetchone() is None:
                    _rollback(db, "rename" if nested else None)
                    return False
                renamed = [key for key, name in sorted(names.items()) if db.execute(
                    "UPDATE nodes SET name = ?1, props = json_set(props, '$.name', ?1) "
                    "WHERE key = ?2 AND name IS NOT ?1", (name, key)).rowcount]
                renamed += [key for key, given in sorted((props or {}).items()) if db.execute(
                    "UPDATE nodes SET name = ?1, props = ?2 WHERE key = ?3 AND props IS NOT ?2",
                    (given.get("name"), _dumps(given), key)).rowcount]
                if renamed:
                    people = {k for k in renamed if k.startswith("person:")}
                    self._people.clear()
                    self._people.update(people)
                    self._refresh(people)  # (their rows and items show their names)
                    _next_version(db)
                db.execute("RELEASE rename" if nested else "COMMIT")
            except BaseException:
                _rollback(db, "rename" if nested else None)
                raise
        return True

    def _progress(self, work: Reprojection, cursor: str | None) -> bool:
        with self._lock:
            if cursor is None:
                done = self._db.execute("DELETE FROM reprojection WHERE campaign = ? AND token = ?",
                                        (work.campaign, work.token))
            else:
                done = self._db.execute(
                    "UPDATE reprojection SET cursor = ? WHERE campaign = ? AND token = ?",
                    (cursor, work.campaign, work.token))
            return done.rowcount > 0

    # --- the read model rebuilt alone (Store.rebuild_read_model) ------------------------------
    def _rebuilds(self) -> list[Rebuild]:
        return [Rebuild(*row) for row in self._rows(
            "SELECT campaign, token, cursor FROM rm_rebuild ORDER BY campaign")]

    def _mark_read_model(self, campaigns: Sequence[str]) -> None:
        with self._writing() as db:
            db.executemany(
                "INSERT INTO rm_rebuild VALUES (?, ?, NULL) ON CONFLICT (campaign) "
                "DO UPDATE SET token = excluded.token, cursor = NULL",
                [(c, secrets.token_hex(8)) for c in campaigns])
            _next_version(db)

    @contextlib.contextmanager
    def _rebuild_step(self, work: Rebuild, cursor: str | None = None,
                      done: bool = False) -> Iterator[bool]:
        """One write transaction of a rebuild; yields whether the mark is still ``work``'s as
        it was (same token, same cursor: a second process resuming the same mark stops at
        its first step), and moves its cursor to ``cursor``, or with ``done`` removes it."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                where = "WHERE campaign = ? AND token = ? AND cursor IS ?"
                mark = (work.campaign, work.token, work.cursor)
                if done:
                    ours = db.execute(f"DELETE FROM rm_rebuild {where}", mark).rowcount
                else:
                    ours = db.execute(f"UPDATE rm_rebuild SET cursor = ? {where}",
                                      (cursor, *mark)).rowcount
                yield ours > 0
                db.execute("COMMIT")
            except BaseException:
                _rollback(db)
                raise

    def _clear_read_model(self, work: Rebuild) -> None:
        with self._rebuild_step(work) as ours:
            if ours:
                self._db.execute("DELETE FROM rm_items WHERE campaign = ?", (work.campaign,))
                self._db.execute("DELETE FROM rm_people WHERE campaign = ?", (work.campaign,))
                self._db.execute("DELETE FROM rm_counts WHERE campaign = ?", (work.campaign,))
                self._db.execute("DELETE FROM rm_named WHERE campaign = ?", (work.campaign,))

    def _next_people(self, campaign: str, after: str, limit: int) -> list[str]:
        # Through the key's unique index, in its order: a batch reads its own people only.
        prefix = f"person:{campaign}:"
        return [k for (k,) in self._rows(
            "SELECT key FROM nodes WHERE key > ? AND key >= ? AND key < ? AND kind = 'Person' "
            "AND campaign = ? ORDER BY key LIMIT ?",
            (after, prefix, prefix[:-1] + ";", campaign, limit))]

    def _count_people(self, campaign: str, after: str) -> int:
        prefix = f"person:{campaign}:"
        return self._rows(
            "SELECT count(*) FROM nodes WHERE key > ? AND key >= ? AND key < ? "
            "AND kind = 'Person' AND campaign = ?",
            (after, prefix, prefix[:-1] + ";", campaign))[0][0]

    def _rebuild_people(self, work: Rebuild, people: Sequence[str]) -> bool:
        with self._rebuild_step(work, people[-1]) as ours:
            if ours:
                self._people = set(people)
                self._refresh(people, count=False)  # counted at the end (_rebuilt)
        return ours

    def _rebuilt(self, work: Rebuild) -> None:
        # The batches wrote the rows without moving the counts; here the campaign's rows are
        # counted once, streamed from a cursor (a million people: a few seconds), in the
        # write transaction that removes the mark and replaces the counts. A write
        # transaction here is BEGIN IMMEDIATE (it holds the file's write lock, other
        # writers wait), so no write lands between the count and the replacement; writes
        # that landed between the batches moved the counts by their deltas on whatever was
        # there, which the replacement makes moot. An interrupted end leaves the mark: the
        # next resume finds no people after its cursor and counts again.
        with self._rebuild_step(work, done=True) as ours:
            if ours:
                self._count_campaign(work.campaign)
                _next_version(self._db)

    def _count_campaign(self, campaign: str) -> None:
        """The campaign's counts (``rm_counts``, ``rm_named``) replaced by those of its rows
        of ``rm_people``, counted from scratch (readmodel.counted_apart; the rows streamed), in
        the caller's write transaction."""
        db = self._db
        fields = ", ".join(readmodel.PERSON_FIELDS)
        counts, kept = readmodel.counted_apart(db.execute(
            f"SELECT {fields} FROM rm_people WHERE campaign = ?", (campaign,)))
        db.execute("DELETE FROM rm_counts WHERE campaign = ?", (campaign,))
        db.execute("DELETE FROM rm_named WHERE campaign = ?", (campaign,))
        db.executemany("INSERT INTO rm_counts VALUES (?, ?, ?, ?, ?)", counts)
        db.executemany("INSERT INTO rm_named VALUES (?, ?, ?, ?, ?)", kept)

    def _drop(self, ids: list[str], ids_of: dict[str, int]) -> set[str]:
        """Remove what these records produced; nodes nothing refers to any more go too.
        Returns the people the records were about (their follow-up items change); the people
        their edges reached go to ``self._people`` (their rows of ``rm_people`` change)."""
        db = self._db
        found: list[tuple[int, int, str | None]] = []
        for part in _chunks(ids):
            found += db.execute(
                f"SELECT rid, edge_types, person FROM records WHERE id IN ({_marks(part)})",
                part).fetchall()
        if not found:
            return set()
        rids = [rid for rid, _, _ in found]
        ranges = [r for rid, types, _ in found for r in _record_ranges(rid, types)]
        lost: dict[int, int] = {}
        gone: dict[tuple[str, str], int] = {}
        for lo, hi in ranges:
            for src, dst, campaign, type_ in db.execute(
                    "SELECT src, dst, campaign, type FROM edges WHERE id BETWEEN ? AND ?", (lo, hi)):
                lost[src] = lost.get(src, 0) + 1
                lost[dst] = lost.get(dst, 0) + 1
                gone[campaign, type_] = gone.get((campaign, type_), 0) - 1
        self._count_edges(gone)
        db.executemany("DELETE FROM edges WHERE id BETWEEN ? AND ?", ranges)
        db.executemany("DELETE FROM records WHERE rid = ?", [(r,) for r in rids])
        db.executemany("UPDATE nodes SET refs = refs - ? WHERE id = ?",
                       [(n, i) for i, n in lost.items()])
        touched = sorted(lost)
        for part in _chunks(touched):
            marks = _marks(part)
            self._people.update(k for (k,) in db.execute(
                f"SELECT key FROM nodes WHERE id IN ({marks}) AND kind = 'Person'", part))
            for (key,) in db.execute(
                    f"SELECT key FROM nodes WHERE id IN ({marks}) AND refs <= 0", part):
                ids_of.pop(key, None)
            db.execute(f"DELETE FROM nodes WHERE id IN ({marks}) AND refs <= 0", part)
        return {person for _, _, person in found if person}

    def _write_batch(self, batch: list[StoredRecord]) -> None:
        db = self._db
        ids_of = self._node_cache()
        replacing = [r.id for r in batch if r.replacing]
        touched = self._drop(replacing, ids_of) if replacing else set()
        # Shared nodes (campaign, units, issues, organizers) recur in nearly every record:
        # keep one per key, with the outcome of inserting them all in order (plain: first
        # writer wins; authoritative: last writer wins, over name and props only).
        plain: dict[str, object] = {}
        authoritative: dict[str, object] = {}
        people = self._people  # (a self-tie's person is a node without an edge)
        for rec in batch:
            for n in rec.projection.nodes:
                if n.kind == "Person":
                    people.add(n.key)
                if n.authoritative:
                    authoritative[n.key] = n
                elif n.key not in plain:
                    plain[n.key] = n
        unknown = [k for k in plain if k not in ids_of]
        unknown += [k for k in authoritative if k not in ids_of and k not in plain]
        for part in _chunks(unknown):
            ids_of.update(db.execute(f"SELECT key, id FROM nodes WHERE key IN ({_marks(part)})",
                                     part).fetchall())
        next_node = (db.execute("SELECT max(id) FROM nodes").fetchone()[0] or 0) + 1
        new: dict[str, int] = {}
        for key in unknown:
            if key not in ids_of:
                ids_of[key] = new[key] = next_node
                next_node += 1

        next_rid = (db.execute("SELECT max(rid) FROM records").fetchone()[0] or 0) + 1
        # Each edge's ends, counted once at the end (node -> edge ends referring to it).
        ends: list[int] = []
        short: list[tuple] = []  # edges without props
        full: list[tuple] = []
        records = []
        codes = _CODES
        columns = _EDGE_PROPS
        known = _EDGE_PROP_SET
        for rec in batch:
            rid = next_rid
            next_rid += 1
            base = rid << _SHIFT
            n = 0
            types = 0
            person = None
            for e in rec.projection.edges:
                type_ = e.type
                code = codes.get(type_, _OTHER)
                types |= 1 << code
                eid = (code << _TYPE_SHIFT) | base | n
                n += 1
                try:
                    src, dst = ids_of[e.src], ids_of[e.dst]
                except KeyError:  # (no key in the message: keys hold names)
                    raise ValueError("an edge refers to a node its record does not "
                                     "project") from None
                ends.append(src)
                ends.append(dst)
                props = e.props
                if not props:
                    short.append((eid, type_, src, dst, e.campaign))
                else:
                    extra = None
                    if not props.keys() <= known:
                        extra = _dumps({k: v for k, v in props.items() if k not in known})
                    full.append((eid, type_, src, dst, e.campaign, *map(props.get, columns), extra))
                if type_ == "WITH" or type_ == "ABOUT":  # whom a 1-on-1 or an update is about
                    person = e.dst
                    touched.add(person)
            if n > _MASK + 1:
                raise ValueError(f"a record produces more than {_MASK + 1} edges")
            records.append((rid, rec.id, rec.kind, rec.campaign, rec.hash, rec.body.get("date"),
                            person, _dumps(rec.body), types,
                            *lookup_keys(rec.kind, rec.campaign, rec.body)))
        refs: dict[int, int] = Counter(ends)

        rows = []
        # The props of the nodes written here, as written: the read model reads them from
        # here, not back from the file.
        written: dict[str, dict] = {}
        for key, i in new.items():
            first = plain.get(key) or authoritative[key]
            last = authoritative.get(key, first)
            props = written[key] = last.props
            rows.append((i, key, first.kind, first.campaign, props.get("name"), _dumps(props),
                         refs.pop(i, 0)))
        db.executemany("INSERT INTO nodes VALUES (?,?,?,?,?,?,?)", rows)
        update = []
        for k, n in authoritative.items():
            if k not in new:
                written[k] = n.props
                update.append((n.props.get("name"), _dumps(n.props), refs.pop(ids_of[k], 0),
                               ids_of[k]))
        db.executemany("UPDATE nodes SET name = ?, props = ?, refs = refs + ? WHERE id = ?",
                       update)
        db.executemany("UPDATE nodes SET refs = refs + ? WHERE id = ?",
                       [(n, i) for i, n in refs.items()])
        db.executemany("INSERT INTO edges (id, type, src, dst, campaign) VALUES (?,?,?,?,?)",
                       short)
        if full:
            db.executemany("INSERT INTO edges VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", full)
        db.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", records)
        counts = Counter(map(_CAMPAIGN_TYPE, short))
        counts.update(map(_CAMPAIGN_TYPE, full))
        self._count_edges(counts)
        self._refresh(touched, written)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, its reads as of one moment (one read transaction, unless inside
        the caller's), under the store's lock."""
        with self._lock:
            db = self._db
            nested = db.in_transaction
            if not nested:
                db.execute("BEGIN")
            try:
                yield db
            finally:
                if not nested:
                    db.execute("COMMIT")

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """The connection in a write transaction (the write lock taken first), committed at
        the end unless inside the caller's (which commits it), under the store's lock."""
        with self._lock:
            db = self._db
            nested = db.in_transaction
            if not nested:
                db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                if not nested:
                    db.execute("COMMIT")
            except BaseException:
                if not nested:
                    _rollback(db)  # (a COMMIT that failed too: nothing half-written)
                raise

    def _refresh(self, touched: Collection[str], written: dict[str, dict] | None = None, *,
                 count: bool = True) -> None:
        """Compute the read model of the people the write reached again (in the caller's
        transaction): the rows of ``rm_items`` of ``touched`` (the people the records written
        or dropped are about) and of ``rm_people`` of ``self._people`` (those their edges
        reach), from their own records and the edges saying where they work; one read of
        their records and nodes, one snapshot of them for both (readmodel.person_rows_and_items).
        ``written``: the props of nodes the caller has just written, by key (not read again).
        The campaign's counts (``rm_counts``) move with the rows unless not ``count`` (a
        rebuild's batch: the rebuild counts the rows once at its end, :meth:`_rebuilt`)."""
        people, self._people = sorted(self._people), set()
        if not people and not touched:
            return
        db = self._db
        sources: list[readmodel.Source] = []
        for part in _chunks(sorted({*people, *touched})):
            sources += [readmodel.Source(*row) for row in db.execute(
                f"SELECT campaign, person, kind, id FROM records WHERE person IN ({_marks(part)}) "
                "AND kind IN ('conversation', 'update')", part)]
        units = self._person_units(people)
        nodes = self._node_props([*readmodel.node_keys(sources), *people], written)
        nodes.update(self._node_props(readmodel.organizer_keys(sources, nodes), written))
        anger, named, referred = self._person_edges(people)
        rows: list[readmodel.PersonRow] = []
        items: list[readmodel.Item] = []
        by_campaign = _by_campaign(people)
        about = _by_campaign(sorted(touched))
        for campaign in sorted(by_campaign.keys() | about.keys()):
            got, found = readmodel.person_rows_and_items(
                campaign, by_campaign.get(campaign, ()), about.get(campaign, ()), sources, nodes,
                units, anger, referred, named)
            rows += got
            items += found
        # Their items as stored: only those that changed are removed or written (most of a
        # person's items stay as they were when a 1-on-1 is added).
        item_fields = ", ".join(readmodel.ITEM_FIELDS)
        held: set[tuple] = set()
        for campaign, keys in about.items():
            for part in _chunks(keys):
                held.update(db.execute(f"SELECT {item_fields} FROM rm_items WHERE campaign = ? "
                                       f"AND person IN ({_marks(part)})", [campaign, *part]))
        fresh = set(items)
        db.executemany("DELETE FROM rm_items WHERE campaign = ? AND due = ? AND person = ? "
                       "AND id = ?", [(i[0], i[-1], i[1], i[2]) for i in held - fresh])
        db.executemany(f"INSERT INTO rm_items ({item_fields}) "
                       f"VALUES ({_marks(readmodel.ITEM_FIELDS)})",
                       [i for i in items if i not in held])
        if not people:
            return
        # Their rows as they are before the write, whole: only those that change are
        # written again (a tie, a roster row met again: most of an import of lists leaves its
        # people's rows as they were).
        was: dict[str, tuple] = {}
        fields = ", ".join(readmodel.PERSON_FIELDS)
        for campaign, keys in by_campaign.items():
            for part in _chunks(keys):
                was.update((r[1], r) for r in db.execute(
                    f"SELECT {fields} FROM rm_people WHERE campaign = ? "
                    f"AND person IN ({_marks(part)})", [campaign, *part]))
        # Whom each trusts among the committed (ties and referrals, either way round), and
        # whether each brought a coworker: from the rows just computed for those in this
        # write, from the stored rows for the others.
        ties = self._tie_pairs(people)
        rows, trust_again, bring_again = readmodel.with_neighbours(rows, set(people), ties, was)
        now = {r.person for r in rows}
        changed = [r for r in rows if was.get(r.person) != r]
        stale = [p for p in people if p in was and p not in now]
        stale += [r.person for r in changed if r.person in was]
        for campaign, keys in _by_campaign(sorted(stale)).items():
            for part in _chunks(keys):
                db.execute(f"DELETE FROM rm_people WHERE campaign = ? AND person IN "
                           f"({_marks(part)})", [campaign, *part])
        if count:
            self._count_rows([was[p] for p in stale], changed)
        # A row with nothing after its flags (a roster import's people) leaves the rest of its
        # columns to their defaults: a quarter of the values to bind.
        tail, short = readmodel.BARE_TAIL, readmodel.PERSON_FIELDS[:_BARE]
        bare = [r[:_BARE] for r in changed if r[_BARE:] == tail]
        if bare:
            db.executemany(f"INSERT INTO rm_people ({', '.join(short)}) "
                           f"VALUES ({_marks(short)})", bare)
        db.executemany(f"INSERT INTO rm_people ({fields}) "
                       f"VALUES ({_marks(readmodel.PERSON_FIELDS)})",
                       [r for r in changed if r[_BARE:] != tail] if bare else changed)
        # Their neighbours' too where they became committed or stopped being (joined, left,
        # or said no later), and whether those who referred them brought a coworker where
        # they were first spoken with, left, or came back: read once the rows above are
        # written.
        if trust_again:
            self._keep_trusted(trust_again)
        if bring_again:
            self._keep_brought(bring_again)

    def _count_rows(self, removed: Sequence[tuple], added: Sequence[tuple]) -> None:
        """Move the campaigns' counts (``rm_counts``, ``rm_named``) as the rows ``removed``
        (as stored) give way to ``added``, in the caller's transaction."""
        db = self._db
        counts, pairs = readmodel.by_named(readmodel.count_changes(removed, added))
        if pairs:
            stored = {}
            for (campaign, issue), dms in _grouped(pairs).items():
                for part in _chunks(dms):
                    stored.update(((campaign, issue, dm), (n, a)) for dm, n, a in db.execute(
                        f"SELECT dm, people, anger FROM rm_named WHERE campaign = ? AND issue = ? "
                        f"AND dm IN ({_marks(part)})", (campaign, issue, *part)))
            kept, gone, dms = readmodel.named_moves(stored, pairs)
            db.executemany("INSERT OR REPLACE INTO rm_named VALUES (?, ?, ?, ?, ?)", kept)
            db.executemany("DELETE FROM rm_named WHERE campaign = ? AND issue = ? AND dm = ?",
                           gone)
            counts += dms
        db.executemany(
            "INSERT INTO rm_counts VALUES (?, ?, ?, ?, ?) ON CONFLICT (campaign, kind, key, sub) "
            "DO UPDATE SET n = n + excluded.n", counts)

    def _tie_pairs(self, people: Sequence[str]) -> list[tuple[str, str, bool, int, bool]]:
        """``(person, neighbour, trusted, referred, spoken)`` of everyone tied to these people
        or in a referral with them, either way round: ``trusted`` when the neighbour's row, as
        stored, is committed and still in the workplace, ``spoken`` when it is spoken with and
        still there; ``referred`` 1 where the person referred the neighbour, -1 where the
        neighbour referred the person, else 0."""
        out: list[tuple[str, str, bool, int, bool]] = []
        for part in _chunks(list(people)):
            marks = _marks(part)
            for one, other, way in (("src", "dst", 1), ("dst", "src", -1)):
                out += self._db.execute(
                    f"SELECT n.key, m.key, coalesce(r.committed AND NOT r.left, 0), "
                    f"CASE e.type WHEN 'REFERRED' THEN {way} ELSE 0 END, "
                    "coalesce(r.contacted AND NOT r.left, 0) FROM nodes n "
                    f"JOIN edges e ON e.{one} = n.id JOIN nodes m ON m.id = e.{other} "
                    "LEFT JOIN rm_people r ON r.campaign = m.campaign AND r.person = m.key "
                    f"WHERE n.key IN ({marks}) AND e.type IN ('TIED_TO', 'REFERRED') "
                    "AND e.campaign = n.campaign", part).fetchall()
        return out

    def _keep_brought(self, people: Sequence[str]) -> None:
        """Write whether each of ``people`` brought a coworker (someone they referred, as the
        rows are stored, spoken with and still in the workplace), where that changed."""
        db = self._db
        told: list[tuple[str, str]] = []
        # (The ties' index holds the referrals: its own condition, said as it is, lets SQLite
        # use it; with "type = 'REFERRED'" alone it scanned every edge, 4 s a write at a
        # million people.)
        for part in _chunks(list(people)):
            told += db.execute(
                "SELECT n.key, m.key FROM nodes n JOIN edges e ON e.src = n.id "
                "JOIN nodes m ON m.id = e.dst JOIN rm_people r "
                "ON r.campaign = m.campaign AND r.person = m.key "
                f"WHERE n.key IN ({_marks(part)}) AND e.type IN ('TIED_TO', 'REFERRED') "
                "AND e.type = 'REFERRED' AND e.campaign = n.campaign AND r.contacted "
                "AND NOT r.left", part).fetchall()
        db.executemany(
            "UPDATE rm_people SET brought = ? WHERE campaign = ? AND person = ? AND brought != ?",
            [(b, p.split(":", 2)[1], p, b) for b, p in readmodel.brought_rows(told, people)])

    def _keep_trusted(self, people: Sequence[str], fresh: Collection[str] = ()) -> None:
        """Write whom each of ``people`` trusts among the committed still in the workplace
        (``fresh``: those whose rows were just written, trusting no one so far)."""
        pairs: list[tuple[str, str]] = []
        for part in _chunks(list(people)):
            marks = _marks(part)
            for one, other in (("src", "dst"), ("dst", "src")):
                pairs += self._db.execute(
                    f"SELECT n.key, m.key FROM nodes n JOIN edges e ON e.{one} = n.id "
                    f"JOIN nodes m ON m.id = e.{other} JOIN rm_people r "
                    "ON r.campaign = m.campaign AND r.person = m.key "
                    f"WHERE n.key IN ({marks}) AND e.type IN ('TIED_TO', 'REFERRED') "
                    "AND e.campaign = n.campaign AND r.committed AND NOT r.left", part).fetchall()
        self._db.executemany(
            "UPDATE rm_people SET trusted = ? WHERE campaign = ? AND person = ?",
            [(t, p.split(":", 2)[1], p) for t, p in readmodel.trusted_rows(pairs, people)
             if t is not None or p not in fresh])

    def _person_units(self, people: Sequence[str]) -> list[tuple]:
        """These people's rows of where they work, as the snapshot reads them (_edge_rows)."""
        units: list[tuple] = []
        for part in _chunks(list(people)):
            for k, unit, type_, shift, role, roster, ref, date in self._db.execute(
                    "SELECT n.key, u.name, e.type, e.shift, e.role, e.roster, e.referral, e.date "
                    "FROM edges e JOIN nodes n ON n.id = e.src JOIN nodes u ON u.id = e.dst "
                    "WHERE e.type IN ('IN_UNIT', 'IN_CAMPAIGN') AND e.campaign = n.campaign "
                    f"AND e.src IN (SELECT id FROM nodes WHERE key IN ({_marks(part)}))", part):
                if type_ == "IN_UNIT":
                    units.append((k, unit, shift, role, bool(roster), bool(ref), date))
                elif roster or shift is not None or role is not None:
                    units.append((k, None, shift, role, bool(roster), False, date))
        return units

    def _reprojecting(self, campaign: str, db: sqlite3.Connection | None = None) -> bool:
        # The one check every reader of the read model makes, in the reader's transaction
        # (through ``db``, a connection of its own, when it reads there).
        # (An alias's re-projection keeps the read model as each batch moves the graph.)
        sql = ("SELECT EXISTS (SELECT 1 FROM reprojection WHERE campaign = ? AND moved IS NULL) "
               "OR EXISTS (SELECT 1 FROM rm_rebuild WHERE campaign = ?)")
        found = (self._rows(sql, (campaign, campaign)) if db is None
                 else db.execute(sql, (campaign, campaign)).fetchall())
        return found[0][0] == 1

    def item_owners(self, campaign: str, people: Sequence[str]) -> dict[str, str] | None:
        if self._reprojecting(campaign):
            return None
        out: dict[str, str] = {}
        for part in _chunks(list(people)):
            out.update(self._rows(f"SELECT id, organizer FROM rm_items WHERE campaign = ? "
                                  f"AND person IN ({_marks(part)})", [campaign, *part]))
        return out

    def _assignment_rows(self, campaign: str) -> list[tuple]:
        with self._lock:
            return self._edges(campaign, "ASSIGNED", "o.key, p.key, e.date",
                               alias=_ENDS).fetchall()

    @staticmethod
    def _decision_makers(db: sqlite3.Connection, campaign: str, keys: Sequence[str]
                         ) -> list[tuple]:
        """``(key, name, title, organization)`` of the campaign's decision makers of these
        keys that exist (their props not parsed). More keys than a statement binds are read
        by one pass over the campaign's decision makers: at a million people an export
        names 30,000 of them, 0.35-1.2 s by chunks of keys (a seek each, scattered over the
        file), 0.06 s by the pass."""
        select = ("SELECT key, name, json_extract(props, '$.title'), json_extract(props, "
                  "'$.organization') FROM nodes WHERE campaign = ? AND kind = 'DecisionMaker'")
        if len(keys) > _CHUNK:
            wanted = set(keys)
            return [row for row in db.execute(select, (campaign,)) if row[0] in wanted]
        return [row for part in _chunks(keys) for row in db.execute(
            f"{select} AND key IN ({_marks(part)})", (campaign, *part))]

    def _keyed_assignments(self, rows: list[tuple]) -> list[tuple]:
        """ASSIGNED edges' (src, dst, date) rows with their nodes' keys for ids."""
        key = self._column("key", "nodes", "id", {i for row in rows for i in row[:2]})
        return [(key[s], key[d], date) for s, d, date in rows]

    def _assignments_of(self, campaign: str, people: Sequence[str]) -> list[tuple]:
        if not self._assigned_indexed:
            return super()._assignments_of(campaign, people)
        with self._reading() as db:
            ids = self._column("id", "nodes", "key", list(people))
            return self._keyed_assignments(self._assigned_to(db, campaign, list(ids.values())))

    def _assigned_by(self, campaign: str, organizers: Sequence[str]) -> list[str]:
        if not self._assigned_indexed:
            return super()._assigned_by(campaign, organizers)
        with self._reading() as db:
            ids = list(self._column("id", "nodes", "key", list(organizers)).values())
            people: set[int] = set()
            for part in _chunks(ids):
                people.update(p for (p,) in db.execute(
                    f"SELECT dst FROM edges WHERE src IN ({_marks(part)}) AND type = 'ASSIGNED' "
                    "AND campaign = ?", [*part, campaign]))
            return sorted(self._column("key", "nodes", "id", people).values())

    def _person_edges(self, people: Sequence[str]) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """These people's rows of anger and naming, as the snapshot's, and whom they
        referred: the edges of their own 1-on-1s."""
        db = self._db
        anger_raw: list[tuple] = []
        named_raw: list[tuple] = []
        referred_raw: list[tuple] = []
        # One query per type and chunk of people, not three per 1-on-1 (15,000 statements a
        # 5,000-conversation import): each record's edges of a type are one range of ids,
        # reached from the record by the primary key (CROSS JOIN: records first, always; with
        # hundreds of people the planner chose to scan the edges).
        joined = ("FROM records r CROSS JOIN edges e ON e.id BETWEEN ({lo} | (r.rid << {s})) "
                  "AND ({lo} | (r.rid << {s}) | {m}) WHERE r.person IN ({marks}) "
                  "AND r.kind = 'conversation'")
        for part in _chunks(list(people)):
            marks = _marks(part)

            def typed(type_: str, columns: str) -> list[tuple]:
                where = joined.format(lo=_CODES[type_] << _TYPE_SHIFT, s=_SHIFT, m=_MASK,
                                      marks=marks)
                return db.execute(f"SELECT {columns} {where}", part).fetchall()

            anger_raw += [(s, d, a, h, id_.split(":", 2)[2], date) for s, d, a, h, date, id_ in
                          typed("ANGRY_ABOUT", "e.src, e.dst, e.anger, e.witnessed_harm, "
                                "e.date, r.id")]
            named_raw += [(s, d, issue, id_.split(":", 2)[2]) for s, d, issue, id_ in
                          typed("NAMES", "e.src, e.dst, e.issue, r.id")]
            referred_raw += typed("REFERRED", "e.src, e.dst")
        ids = {i for rows in (anger_raw, named_raw, referred_raw) for row in rows for i in row[:2]}
        key = self._column("key", "nodes", "id", ids)
        anger = [(key[s], key[d], a, None if h is None else bool(h), c, date)
                 for s, d, a, h, c, date in anger_raw]
        return (anger, [(key[s], key[d], issue, c) for s, d, issue, c in named_raw],
                [(key[s], key[d]) for s, d in referred_raw])

    def _people_slice(self, campaign: str, people: Sequence[str]) -> readmodel.Slice:
        with self._reading() as db:
            wanted = sorted(people)
            sources: list[readmodel.Source] = []
            for part in _chunks(wanted):
                sources += [readmodel.Source(*row) for row in db.execute(
                    f"SELECT campaign, person, kind, id FROM records WHERE person IN "
                    f"({_marks(part)}) AND kind IN ('conversation', 'update')", part)]
            nodes = self._node_props([*readmodel.node_keys(sources), *wanted])
            anger, named, _ = self._person_edges(wanted)
            ids = self._column("id", "nodes", "key", wanted)
            assigned = self._keyed_assignments(self._assigned_to(db, campaign,
                                                                 list(ids.values())))
            r = self._rows
            return readmodel.Slice(
                sources, nodes, anger, named, assigned,
                r("SELECT key, name FROM nodes WHERE campaign = ? AND kind = 'Issue'",
                  (campaign,)),
                # The decision makers these people named (an entry names them), not the
                # campaign's every one (30,000 at a million people, for a page of 20).
                self._decision_makers(db, campaign, sorted({n[1] for n in named})),
                r("SELECT key, name FROM nodes WHERE campaign = ? AND kind = 'Organizer'",
                  (campaign,)),
                self._person_units(wanted))

    def _assigned_to(self, db: sqlite3.Connection, campaign: str, people: list[int]
                     ) -> list[tuple]:
        """``(organizer, person, date)`` node ids of the campaign's contact assignments of
        these people (node ids), in the edges' order; by their index where the file has it."""
        if not self._assigned_indexed:  # (made at a later open: every assignment read)
            mine = set(people)
            return [(s, d, date) for s, d, date in self._edges(
                campaign, "ASSIGNED", "src, dst, date", db=db) if d in mine]
        found: list[tuple] = []
        for part in _chunks(people):
            found += db.execute(
                f"SELECT id, src, dst, date FROM edges WHERE dst IN ({_marks(part)}) "
                "AND type = 'ASSIGNED' AND campaign = ?", [*part, campaign]).fetchall()
        return [row[1:] for row in sorted(found)]

    def _overview_counts(self, campaign: str) -> tuple | None:
        with self._reading() as db:
            if self._reprojecting(campaign):
                return None
            c = (campaign,)
            return (
                # (Not each unit's: structure's, 150,000 rows at a million people.)
                db.execute("SELECT kind, key, sub, n FROM rm_counts WHERE campaign = ? AND kind "
                           "IN ('count', 'day', 'assessment', 'asks', 'anger') AND n != 0",
                           c).fetchall(),
                db.execute("SELECT count(DISTINCT name) FROM nodes WHERE campaign = ? "
                           "AND kind = 'Organizer'", c).fetchone()[0],
                db.execute("SELECT key, name FROM nodes WHERE campaign = ? AND kind = 'Issue'",
                           c).fetchall())

    def _power_counts(self, campaign: str, first: int | None) -> tuple | None:
        with self._reading() as db:
            if self._reprojecting(campaign):
                return None
            counts = db.execute(
                f"SELECT kind, key, sub, n FROM rm_counts WHERE campaign = ? AND kind IN "
                f"({_marks(readmodel.RANKING_KINDS)}) AND n != 0",
                (campaign, *readmodel.RANKING_KINDS)).fetchall()
            issues = {k for kind, k, _, _ in counts if kind == "named_dms"}
            ranked = ("SELECT dm, people, anger FROM rm_named WHERE campaign = ? AND issue = ? "
                      "{} ORDER BY people DESC, anger DESC")
            tops: dict[str, list[tuple]] = {}
            for issue in issues:
                at = (campaign, issue)
                tops[issue] = readmodel.top_pairs(
                    first,
                    lambda n: db.execute(ranked.format("") + ("" if n is None
                                                              else f" LIMIT {int(n)}"),
                                         at).fetchall(),
                    lambda p, a: db.execute(ranked.format(
                        "AND people >= ? AND (people > ? OR anger >= ?)"),
                        (*at, p, p, a)).fetchall())
            # (Their name and title, not every prop parsed: 30,000 at a million people.)
            dms = {key: {"title": title} if name is None else {"name": name, "title": title}
                   for key, name, title, _ in self._decision_makers(
                       db, campaign, sorted({dm for rows in tops.values() for dm, _, _ in rows}))}
            overall = sorted({dm for dm, _, _ in tops.get("", ())}) if first is not None else []
            named_in: dict[str, int] | None = None if first is None else {}
            for part in _chunks(overall):
                for dm, n in db.execute(
                        f"SELECT dm, count(*) FROM rm_named WHERE campaign = ? AND issue != '' "
                        f"AND dm IN ({_marks(part)}) GROUP BY dm", (campaign, *part)):
                    named_in[dm] = n
            return (counts, db.execute("SELECT key, name FROM nodes WHERE campaign = ? "
                                       "AND kind = 'Issue'", (campaign,)).fetchall(),
                    tops, dms, named_in)

    def took_action(self, campaign: str, *, today: dt.date | None = None) -> int | None:
        with self._reading() as db:
            if self._reprojecting(campaign):
                return None
            day = today.isoformat() if today is not None else self._latest_day(db, campaign)
            # (readmodel.took_action in SQL: brought a coworker, or took action by their own.)
            return db.execute(f"SELECT count(*) FROM rm_people {self._COMMITTED} "
                              f"AND (brought OR {self._TOOK})",
                              {"campaign": campaign, "day": day}).fetchone()[0]

    @staticmethod
    def _latest_day(db: sqlite3.Connection, campaign: str) -> str | None:
        """The campaign's latest 1-on-1 or update among the people still in the workplace."""
        return db.execute("SELECT max(last_date) FROM rm_people WHERE campaign = ? AND NOT left",
                          (campaign,)).fetchone()[0]

    #: The rows of the committed people still in the workplace (took action, the ladder).
    _COMMITTED = "WHERE campaign = :campaign AND NOT left AND committed"

    def _committed_rows(self, campaign: str, *, latest: bool = True
                        ) -> tuple[str | None, list[tuple]] | None:
        with self._reading() as db:
            if self._reprojecting(campaign):
                return None
            day = None
            if latest:  # (another pass over the campaign's rows: only when asked)
                day = self._latest_day(db, campaign)
            return day, db.execute(
                f"SELECT {', '.join(readmodel.COMMITTED_FIELDS)} FROM rm_people "
                f"{self._COMMITTED}", {"campaign": campaign}).fetchall()

    #: Whether a committed person's own columns put them on the ladder's second rung, as
    #: :func:`mapper.readmodel._took` says (the day a parameter: none, no yes is due).
    _TOOK = ("(kept > 0 OR yes_count - coalesce(missed, 0) + (coalesce(missed_latest, 0) != 0) "
             ">= 2 OR (yes_due IS NOT NULL AND yes_due < :day "
             "AND NOT coalesce(missed_latest, 0)))")

    def _ladder_rows(self, campaign: str, *, today: dt.date | None, first: int
                     ) -> tuple[str | None, list[tuple], int] | None:
        # (Strings sort by their UTF-8 bytes here: in code point order, as Python's.)
        fields, where = ", ".join(readmodel.COMMITTED_FIELDS), self._COMMITTED
        with self._reading() as db:
            if self._reprojecting(campaign):
                return None
            day = today.isoformat() if today is not None else self._latest_day(db, campaign)
            args = {"campaign": campaign, "day": day, "first": first}
            rows = db.execute(
                f"SELECT {fields} FROM rm_people {where} ORDER BY {self._LEVEL} DESC, "
                "yes_count DESC, name, person LIMIT :first", args).fetchall()
            (total,) = db.execute(f"SELECT count(*) FROM rm_people {where}", args).fetchone()
            return day, rows, total

    #: A committed person's rung on the ladder by their own columns, as
    #: :func:`mapper.readmodel.ladder_level` finds it.
    _LEVEL = (f"CASE WHEN brought THEN (CASE WHEN assessment = 1 THEN 4 ELSE 3 END) "
              f"WHEN {_TOOK} THEN 2 ELSE 1 END")

    def _standing(self, campaign: str, people: Sequence[str]) -> dict[str, tuple]:
        out: dict[str, tuple] = {}
        with self._reading() as db:
            for part in _chunks(list(people)):
                out.update((p, (name, contacted, left, unit))
                           for p, name, contacted, left, unit in db.execute(
                    f"SELECT person, name, contacted, \"left\", unit FROM rm_people "
                    f"WHERE campaign = ? AND person IN ({_marks(part)})", [campaign, *part]))
        return out

    def _trusted_by(self, campaign: str, people: Sequence[str]) -> dict[str, int]:
        # By node id: the ladder counts the ties of a hundred thousand people at a million.
        with self._reading() as db:
            key = {i: k for k, i in self._column("id", "nodes", "key", people).items()}
            pairs: list[tuple[int, int]] = []
            for part in _chunks(list(key)):
                for end, other in (("src", "dst"), ("dst", "src")):
                    pairs += db.execute(
                        f"SELECT {end}, {other} FROM edges WHERE {end} IN ({_marks(part)}) "
                        "AND type IN ('TIED_TO', 'REFERRED') AND campaign = ?",
                        [*part, campaign]).fetchall()
            # (Those who left are few: read once, not looked up for each neighbour.)
            left = self._column("id", "nodes", "key", [p for (p,) in db.execute(
                "SELECT person FROM rm_people WHERE campaign = ? AND left", (campaign,))])
            counts = readmodel.trusted_by(pairs, set(left.values()))
        return {key[i]: n for i, n in counts.items()}

    def _organizer_keys(self, campaign: str) -> list[str]:
        return [k for (k,) in self._rows(
            "SELECT key FROM nodes WHERE campaign = ? AND kind = 'Organizer'", (campaign,))]

    def _trust_pairs(self, campaign: str, people: Sequence[str]) -> list[tuple[str, str]]:
        # (As tie_rows, without a row's relationship and kind: the ladder reads the ties of
        # thousands of people.)
        out: list[tuple[str, str]] = []
        with self._reading() as db:
            for part in _chunks(list(people)):
                for end, other in (("src", "dst"), ("dst", "src")):
                    out += db.execute(
                        f"SELECT n.key, o.key FROM nodes n JOIN edges e ON e.{end} = n.id "
                        "AND e.type IN ('TIED_TO', 'REFERRED') JOIN nodes o ON o.id = "
                        f"e.{other} WHERE n.key IN ({_marks(part)}) AND e.campaign = ?",
                        [*part, campaign]).fetchall()
        return out

    _ASK_COLUMNS = ("person, name, unit, contacted, committed, last_date, own_points, ready, "
                    "ask_date, ask_response, tried_date, angers, yes_asks, organizer, trusted")

    def _ask_rows(self, campaign: str) -> list[tuple] | None:
        # Every contact's row (400k at a million people, 1.2-2.7 s): read through a
        # connection of its own, outside the store's lock, as a snapshot's rows are (under
        # it, each ranking of the whole queue held off every page of its worker that long).
        with self._snapshot_reading() as (db, _version):
            if self._reprojecting(campaign, db):
                return None
            return db.execute(
                f"SELECT {self._ASK_COLUMNS} FROM rm_people "
                "WHERE campaign = ? AND NOT left AND last_date IS NOT NULL",
                (campaign,)).fetchall()

    def _ask_rows_since(self, campaign: str, version: int
                        ) -> tuple[list[tuple], list[str], int, list[tuple]] | None:
        with self._reading() as db:
            if self._reprojecting(campaign):
                return None
            people = [p for (p,) in db.execute(
                "SELECT person FROM rm_stamps WHERE campaign = ? AND stamp >= ?",
                (campaign, version))]
            rows = self._ask_rows_in(db, campaign, people)
            have = {r[0] for r in rows}
            return (rows, [p for p in people if p not in have],
                    db.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()[0],
                    db.execute("SELECT kind, key, sub, n FROM rm_counts WHERE campaign = ? "
                               "AND kind = 'anger' AND n != 0", (campaign,)).fetchall())

    def _ask_rows_asked_between(self, campaign: str, start: dt.date, end: dt.date
                                ) -> list[tuple]:
        span = (campaign, start.isoformat(), end.isoformat())
        with self._reading() as db:
            return db.execute(
                f"SELECT {self._ASK_COLUMNS} FROM rm_people WHERE campaign = ? "
                "AND ask_date >= ? AND ask_date < ? AND NOT left AND last_date IS NOT NULL "
                f"UNION SELECT {self._ASK_COLUMNS} FROM rm_people WHERE campaign = ? "
                "AND tried_date >= ? AND tried_date < ? AND NOT left AND last_date IS NOT NULL",
                span + span).fetchall()

    def _ask_rows_of(self, campaign: str, people: Sequence[str]) -> list[tuple]:
        with self._reading() as db:
            return self._ask_rows_in(db, campaign, list(people))

    def _ask_rows_in(self, db: sqlite3.Connection, campaign: str,
                     people: Sequence[str]) -> list[tuple]:
        rows: list[tuple] = []
        for part in _chunks(people):
            rows += db.execute(
                f"SELECT {self._ASK_COLUMNS} FROM rm_people WHERE campaign = ? AND person IN "
                f"({_marks(part)}) AND NOT left AND last_date IS NOT NULL", [campaign, *part])
        return rows

    def _ask_rows_angry_about(self, campaign: str, issues: Sequence[str], min_anger: int
                              ) -> tuple[list[tuple], int] | None:
        if not self._angry_indexed:
            return None
        with self._reading() as db:
            return (self._ask_rows_in(db, campaign, _angry_about(db, campaign, issues, min_anger)),
                    db.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()[0])

    def _angry_rows(self, campaign: str, issue: str, min_anger: int) -> list[tuple] | None:
        if not self._angry_indexed:
            return None
        with self._reading() as db:
            if self._reprojecting(campaign):
                return None
            rows: list[tuple] = []
            for part in _chunks(_angry_about(db, campaign, [issue], min_anger)):
                rows += db.execute(
                    "SELECT person, name, unit, angers FROM rm_people WHERE campaign = ? "
                    f"AND person IN ({_marks(part)})", [campaign, *part])
            return rows

    def assignees(self, campaign: str) -> dict[str, str]:
        with self._lock:
            # (One statement, each end's node by its id: at a million people with 300,000
            # contacts assigned, reading the ends' keys and names by chunks of ids took 2.4 s.)
            rows = self._edges(campaign, "ASSIGNED", "o.key, o.name, p.key, e.date",
                               alias=_ENDS).fetchall()
        return readmodel.assignees(rows)

    def _node_props(self, keys: Sequence[str], known: dict[str, dict] | None = None
                    ) -> dict[str, dict]:
        """The props of the nodes of these keys that exist; those in ``known`` as they are there."""
        out = {}
        if known:
            out = {k: known[k] for k in keys if k in known}
            keys = [k for k in keys if k not in out]
        for part in _chunks(list(keys)):
            out.update((k, orjson.loads(p)) for k, p in self._db.execute(
                f"SELECT key, props FROM nodes WHERE key IN ({_marks(part)})", part))
        return out

    def _count_edges(self, delta: dict[tuple[str, str], int]) -> None:
        self._db.executemany(
            "INSERT INTO edge_counts VALUES (?,?,?) ON CONFLICT (campaign, type) "
            "DO UPDATE SET n = n + excluded.n", [(c, t, n) for (c, t), n in delta.items()])

    def clear(self) -> None:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                campaigns = self.campaigns()
                for table in ("edges", "edge_counts", "nodes", "records", "rm_items",
                              "rm_item_totals", "rm_people", "rm_stamps", "rm_counts", "rm_named",
                              "reprojection", "rm_rebuild"):
                    db.execute(f"DELETE FROM {table}")
                db.execute("DELETE FROM answers WHERE question != ?", (ANSWERS_DROPPED,))
                _next_version(db)
                # As a forget does: an answer computed from a read before the reset (naming
                # the people it erased) is not kept after it; every campaign's mark (an
                # earlier forget's too) moves to the version it ends at.
                self._mark_answers_dropped(campaigns)
                db.execute("UPDATE answers SET version = (SELECT v FROM meta WHERE k = 'version') "
                           "WHERE question = ?", (ANSWERS_DROPPED,))
                db.execute("COMMIT")
            except BaseException:
                _rollback(db)
                raise
            self._ids.clear()

    # --- stored answers ---------------------------------------------------------------------
    def _mark_answers_dropped(self, campaigns: Iterable[str]) -> None:
        """Mark these campaigns' stored answers dropped (:data:`ANSWERS_DROPPED`) at the
        store's version (in the caller's transaction, after it moved the version)."""
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        self._db.executemany(
            "INSERT OR REPLACE INTO answers SELECT ?, ?, '', v, ?, x'' FROM meta "
            "WHERE k = 'version'", [(c, ANSWERS_DROPPED, now) for c in sorted(campaigns)])

    def _drop_answers_of(self, ids: list[str], campaigns: set[str]) -> None:
        """Drop the stored answers of these records' campaigns (in the caller's transaction)."""
        for part in _chunks(ids):
            campaigns.update(c for (c,) in self._db.execute(
                f"SELECT DISTINCT campaign FROM records WHERE id IN ({_marks(part)})", part))
        self._db.executemany("DELETE FROM answers WHERE campaign = ?", [(c,) for c in campaigns])

    def get_answer(self, campaign: str, question: str, options: str) -> StoredAnswer | None:
        row = self._rows("SELECT version, computed_at, result FROM answers WHERE campaign = ? "
                         "AND question = ? AND options = ?", (campaign, question, options))
        if not row:
            return None
        return StoredAnswer.stored(campaign, question, options, *row[0])

    def answer_stamps(self, campaign: str | None = None) -> list[StoredAnswer]:
        rows = self._rows("SELECT campaign, question, options, version, computed_at FROM answers "
                          "WHERE (?1 IS NULL OR campaign = ?1) AND question != ?2 "
                          "ORDER BY campaign, question, options", (campaign, ANSWERS_DROPPED))
        return [StoredAnswer.stored(c, q, o, v, at) for c, q, o, v, at in rows]

    def put_answer(self, answer: StoredAnswer) -> None:
        if self.read_only:  # (a cache: computed again when asked again)
            return
        blob = orjson.dumps(answer.result, option=orjson.OPT_NON_STR_KEYS)
        with self._writing() as db:  # (the write lock once, not a statement's each)
            # Not when its campaign's answers were dropped (a forget) at a newer version.
            db.execute(
                "INSERT INTO answers SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 "
                "FROM answers WHERE campaign = ?1 AND question = ?7 AND version > ?4) "
                "ON CONFLICT (campaign, question, options) "
                "DO UPDATE SET version = excluded.version, computed_at = excluded.computed_at, "
                "result = excluded.result WHERE excluded.version >= answers.version",
                (answer.campaign, answer.question, answer.options, answer.version,
                 answer.computed_at.isoformat(), blob, ANSWERS_DROPPED))
            self._watch_version(db, answer.version)

    def drop_answers(self, campaign: str | None = None) -> None:
        if self.read_only:  # (none is kept that it holds not already)
            return
        with self._lock:  # (not a forget's mark: it still refuses answers read before it)
            self._db.execute("DELETE FROM answers WHERE (?1 IS NULL OR campaign = ?1) "
                             "AND question != ?2", (campaign, ANSWERS_DROPPED))

    @staticmethod
    def _watch_version(db: sqlite3.Connection, version: int) -> None:
        """After keeping an answer of ``version``: while that is the store's, the write that
        leaves it stamps when (:func:`_next_version`); versions no answer is kept at any more
        are let go."""
        db.execute("INSERT OR IGNORE INTO answer_versions SELECT ?1, NULL FROM meta "
                   "WHERE k = 'version' AND v = ?1", (version,))
        db.execute("DELETE FROM answer_versions WHERE v NOT IN "
                   "(SELECT DISTINCT version FROM answers)")

    def stale_since(self, version: int) -> dt.datetime | None:
        if not self._versions_kept:  # (a read-only file an older release wrote last)
            return None
        row = self._rows("SELECT left_at FROM answer_versions WHERE v = ?", (version,))
        return dt.datetime.fromisoformat(row[0][0]) if row and row[0][0] else None

    def answers_dropped_at(self, campaign: str) -> int | None:
        row = self._rows("SELECT version FROM answers WHERE campaign = ? AND question = ? "
                         "AND options = ''", (campaign, ANSWERS_DROPPED))
        return row[0][0] if row else None

    def _drop_answer_keys(self, campaign: str, keys: list[tuple[str, str]], version: Any
                          ) -> None:
        if self.read_only:
            return
        with self._lock:
            self._db.executemany("DELETE FROM answers WHERE campaign = ? AND question = ? "
                                 "AND options = ? AND version <= ?",
                                 [(campaign, q, o, version) for q, o in keys])

    def _put_answers(self, answers: Sequence[StoredAnswer], drop: list[tuple[str, str]]
                     ) -> bool:
        if self.read_only:
            return False
        head = answers[0]
        rows = [(a.campaign, a.question, a.options, a.version, a.computed_at.isoformat(),
                 orjson.dumps(a.result, option=orjson.OPT_NON_STR_KEYS)) for a in answers]
        with self._writing() as db:
            newer = db.execute(
                "SELECT 1 FROM answers WHERE campaign = ?1 AND version > ?4 AND ((question = ?2 "
                "AND options = ?3) OR question = ?5)",
                (head.campaign, head.question, head.options, head.version,
                 ANSWERS_DROPPED)).fetchone()
            if newer is None:
                db.executemany(
                    "DELETE FROM answers WHERE campaign = ? AND question = ? "
                    "AND options = ? AND version <= ?",
                    [(head.campaign, q, o, head.version) for q, o in drop])
                db.executemany("INSERT OR REPLACE INTO answers VALUES (?,?,?,?,?,?)", rows)
                self._watch_version(db, head.version)
        return newer is None

    def get_answers(self, campaign: str, keys: Sequence[tuple[str, str]], *, raw: bool = False
                    ) -> dict[tuple[str, str], StoredAnswer]:
        found = {}
        with self._reading() as db:
            for question, options in keys:
                row = db.execute("SELECT version, computed_at, result FROM answers "
                                 "WHERE campaign = ? AND question = ? AND options = ?",
                                 (campaign, question, options)).fetchone()
                if row is not None:
                    found[question, options] = StoredAnswer.stored(campaign, question,
                                                                   options, *row, raw=raw)
        return found

    def take_lease(self, name: str, holder: str, now: dt.datetime, until: dt.datetime) -> bool:
        if self.read_only:  # (nothing to refresh: no answer is kept)
            return False
        with self._lock:
            # Not waited for long: the store's lock is held meanwhile (every page of this
            # worker waited the 30 s busy timeout behind a renewal); a refresher's next beat
            # or round tries again.
            self._db.execute(f"PRAGMA busy_timeout = {_LEASE_BUSY_SECONDS * 1000}")
            try:
                self._db.execute(
                    "INSERT INTO leases VALUES (?,?,?) ON CONFLICT (name) DO UPDATE SET "
                    "holder = excluded.holder, expires = excluded.expires "
                    "WHERE leases.holder = excluded.holder OR leases.expires <= ?",
                    (name, holder, until.timestamp(), now.timestamp()))
                found = self._db.execute("SELECT holder FROM leases WHERE name = ?",
                                         (name,)).fetchone()
            finally:
                self._db.execute(f"PRAGMA busy_timeout = {_BUSY_SECONDS * 1000}")
        return found is not None and found[0] == holder

    # --- reads ------------------------------------------------------------------------------
    def version(self) -> int:
        with self._lock:
            return self._db.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()[0]

    def _rows(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def iter_records(self, campaign: str | None = None, kind: str | None = None) -> Iterator[StoredRecord]:
        kinds = [kind] if kind else list(EXPORT_ORDER)
        for k in kinds:
            sql = "SELECT id, kind, campaign, hash, body FROM records WHERE kind = ?"
            params: list = [k]
            if campaign:
                sql += " AND campaign = ?"
                params.append(campaign)
            sql += " ORDER BY campaign, date, id"
            for rid, rkind, camp, h, body in self._rows(sql, params):
                yield StoredRecord(rid, rkind, camp, h, orjson.loads(body))

    def record_organizers(self, ids: Sequence[str]
                          ) -> dict[str, tuple[str | None, str | None]]:
        # The organizer alone, not the bodies parsed: a fifth of get_records' time for 5,000
        # stored 1-on-1s (an import's chunk read again). The person from her column.
        out: dict[str, tuple[str | None, str | None]] = {}
        for part in _chunks(list(ids)):
            out.update((rid, (organizer, person)) for rid, organizer, person in self._rows(
                "SELECT id, json_extract(body, '$.organizer'), person FROM records WHERE id IN "
                f"({_marks(part)}) AND kind IN ('conversation', 'update')", part))
        return out

    def get_records(self, ids: Sequence[str]) -> list[StoredRecord]:
        out = []
        for part in _chunks(list(ids)):
            sql = (f"SELECT id, kind, campaign, hash, body FROM records "
                   f"WHERE id IN ({_marks(part)})")
            out += [StoredRecord(i, k, c, h, orjson.loads(b)) for i, k, c, h, b in self._rows(sql, part)]
        return out

    def tie_rows(self, campaign: str, people: Sequence[str]) -> list[tuple]:
        out: set[tuple] = set()
        with self._reading() as db:
            for part in _chunks(list(people)):
                for end in ("src", "dst"):
                    out.update(db.execute(
                        "SELECT a.key, b.key, e.relationship, CASE e.type WHEN 'TIED_TO' "
                        "THEN 'tie' ELSE 'referral' END FROM nodes n "
                        f"JOIN edges e ON e.{end} = n.id AND e.type IN ('TIED_TO', 'REFERRED') "
                        "JOIN nodes a ON a.id = e.src JOIN nodes b ON b.id = e.dst "
                        f"WHERE n.key IN ({_marks(part)}) AND e.campaign = ?", [*part, campaign]))
        return sorted(out, key=lambda t: (t[0], t[1], t[3], t[2] or ""))

    def node_names(self, campaign: str, kind: str) -> list[str]:
        return [n for (n,) in self._rows(
            "SELECT name FROM nodes WHERE campaign = ? AND kind = ?", (campaign, kind))]

    def identity_records(self, campaign: str, names: Sequence[str], ids: Sequence[str],
                         contacts: Sequence[str]) -> list[StoredRecord]:
        found: dict[str, tuple] = {}
        # (The unary + keeps SQLite off the campaign's (campaign, kind) index, which it
        # prefers to the single-column key indexes unless told: a scan of every roster row
        # and 1-on-1, 8 s at a million people. Not for the name's, which is (campaign, k_name):
        # with it, every name in the index was read, 0.3 s a lookup at a million people.)
        head = ("SELECT id, kind, campaign, hash, body, date FROM records "
                "WHERE +kind IN ('roster', 'conversation') AND {}campaign = ? AND ")
        for column, keys in (("k_name", names), ("k_id", ids), ("k_email", contacts),
                             ("k_phone", contacts)):
            plus = "" if column == "k_name" else "+"
            for part in _chunks(list(keys)):
                for row in self._rows(head.format(plus) + f"{column} IN ({_marks(part)})",
                                      [campaign, *part]):
                    found[row[0]] = row
        return [StoredRecord(i, k, c, h, orjson.loads(b)) for i, k, c, h, b, _ in
                sorted(found.values(), key=lambda r: (r[1] != "roster", r[5] or "", r[0]))]

    def conversation_texts(self, campaign: str, ids: Iterable[str] | None = None,
                           fields: Sequence[str] = ("ask.action", "follow_up.assignment"),
                           ) -> dict[str, dict]:
        # As Store.conversation_texts, with SQLite picking the fields out of the stored JSON:
        # loading whole 1-on-1s in Python was 4 of 7 s for the words of 20k follow-up items.
        if any(not _FIELD_PATH.match(f) for f in fields):
            raise ValueError("a field path is dotted lowercase names (ask.action)")
        picks = ", ".join("body -> ?" for _ in fields)
        paths = [f"$.{f}" for f in fields]
        head = (f"SELECT body ->> '$.id', coalesce(body ->> '$.campaign', campaign), {picks} "
                "FROM records WHERE kind = 'conversation' AND ")
        keys = None if ids is None else self._text_keys(campaign, ids)

        def read(db: sqlite3.Connection) -> list[tuple]:
            if keys is None:
                return db.execute(head + "campaign = ?", [*paths, campaign]).fetchall()
            rows = []
            for part in _chunks(keys):
                rows += db.execute(head + f"id IN ({_marks(part)})", [*paths, *part]).fetchall()
            return rows
        if keys is not None and len(keys) <= _TEXTS_UNDER_LOCK:  # (a page's words)
            with self._reading() as db:
                rows = read(db)
        else:
            # The words of a campaign (a snapshot's: every 1-on-1 with an action) through a
            # connection of their own, outside the store's lock, as a snapshot's rows are:
            # read under it in hundreds of statements, a refresher's at a million people held
            # off every page of its worker for half a minute (the lock is not fair: the
            # thread that lets it go takes it again first).
            with self._snapshot_reading() as (db, _version):
                rows = read(db)
        out: dict[str, dict] = {}
        for cid, camp, *values in rows:
            if camp != campaign:
                continue
            found = {}
            for path, text in zip(fields, values):
                value = None if text is None else orjson.loads(text)
                if value is not None and value != "" and value != []:
                    found[path] = value
            out[cid] = found
        return out

    def campaigns(self) -> list[str]:
        # One index seek per campaign (DISTINCT read every record's index entry: 0.2 s at 100k,
        # several times a page).
        return [c for (c,) in self._rows(
            "WITH RECURSIVE c (x) AS (SELECT min(campaign) FROM records UNION ALL "
            "SELECT (SELECT min(campaign) FROM records WHERE campaign > x) FROM c "
            "WHERE x IS NOT NULL) SELECT x FROM c WHERE x IS NOT NULL")]

    def person_record_ids(self, campaign: str, person_key: str, kind: str = "conversation"
                          ) -> list[str]:
        # By her index (records_person), never the campaign's: SQLite chose records_scope,
        # every 1-on-1 of the campaign read (1.3-1.6 s at a million people, thrice a page).
        return [i for (i,) in self._rows(
            "SELECT id FROM records WHERE person = ? AND +campaign = ? "
            "AND +kind = ? ORDER BY date, id", (person_key, campaign, kind))]

    def search_people(self, campaign: str, query: str, limit: int = 20) -> list[PersonHit]:
        # The keys whose name part holds the needle, in order, up to the limit, read from
        # ``nodes_people`` (a common name's stop after a few hundred keys, not a million
        # rows); those known by a custom id (``#`` after the prefix: one range of keys) whose
        # name holds it; then the hits' names and 1-on-1s.
        needle = normalize(query)
        prefix = f"person:{campaign}:"
        cut = limit if limit >= 0 else -1
        with self._reading() as db:
            keys = {k for (k,) in db.execute(
                "SELECT key FROM nodes WHERE campaign = ?1 AND kind = 'Person' "
                "AND instr(substr(key, ?2), ?3) ORDER BY key LIMIT ?4",
                (campaign, len(prefix) + 1, needle, cut))}
            keys.update(k for (k,) in db.execute(
                "SELECT key FROM nodes WHERE campaign = ?1 AND kind = 'Person' AND key >= ?2 "
                "AND key < ?3 AND instr(mapper_normalize(name), ?4)",
                (campaign, prefix + "#", prefix + "$", needle)))
            hits = sorted(keys) if cut < 0 else sorted(keys)[:cut]
            rows = [row for part in _chunks(hits) for row in db.execute(
                "SELECT n.key, n.name, (SELECT count(*) FROM records r WHERE r.person = n.key "
                f"AND r.kind = 'conversation') FROM nodes n WHERE n.key IN ({_marks(part)})",
                part)]
        return [PersonHit(k, n, campaign, c) for k, n, c in sorted(rows)]

    def record_count(self) -> int:
        # (Not counts(): it also counts every node by kind, seconds at a million people.)
        return self._rows("SELECT count(*) FROM records")[0][0]

    def counts(self, campaign: str | None = None) -> dict[str, dict[str, int]]:
        where, params = ("WHERE campaign = ?", [campaign]) if campaign else ("", [])
        return {
            "nodes": dict(self._rows(f"SELECT kind, count(*) FROM nodes {where} GROUP BY kind ORDER BY kind", params)),
            "edges": dict(self._rows(f"SELECT type, sum(n) FROM edge_counts {where} GROUP BY type "
                                     "HAVING sum(n) > 0 ORDER BY type", params)),
            "records": dict(self._rows(f"SELECT kind, count(*) FROM records {where} GROUP BY kind ORDER BY kind", params)),
        }

    def _follow_up_items(self, campaign: str, due_by: str
                         ) -> tuple[list, list[str]] | None:
        with self._reading() as db:  # the items and the organizers as of one moment
            if self._reprojecting(campaign):
                return None
            items = [readmodel.Item(*row) for row in db.execute(
                f"SELECT {', '.join(readmodel.ITEM_FIELDS)} FROM rm_items "
                "WHERE campaign = ? AND due <= ?", (campaign, due_by))]
            return items, self._organizer_names(campaign)

    def _organizer_names(self, campaign: str) -> list[str]:
        return [n for (n,) in self._db.execute(
            "SELECT name FROM nodes WHERE campaign = ? AND kind = 'Organizer'", (campaign,))]

    def _follow_up_page(self, campaign: str, due_by: str, today: str, organizer: str | None,
                        limit: int | None) -> tuple[list, list[str], dict] | None:
        with self._reading() as db:
            if self._reprojecting(campaign):
                return None
            # Everyone's counts: the kept totals, less the items still to come (an index range
            # of rm_items' key from today on: a few days' items, not the campaign's).
            counts = readmodel.page_counts(
                db.execute("SELECT organizer, n FROM rm_item_totals WHERE campaign = ? "
                           "AND n > 0", (campaign,)),
                # (Ordered by due, or SQLite scans every item through rm_items_organizer,
                # which covers the columns read but not the range.)
                db.execute("SELECT organizer, total(due > ?), total(due >= ? AND due <= ?) "
                           "FROM (SELECT organizer, due FROM rm_items WHERE campaign = ? "
                           "AND due >= ? ORDER BY due) GROUP BY organizer",
                           (due_by, today, due_by, campaign, min(today, due_by))))
            organizers = self._organizer_names(campaign)
            only = None
            if organizer is not None:
                name = db.execute("SELECT name FROM nodes WHERE key = ?", (organizer,)).fetchone()
                if name is None:
                    return [], organizers, counts
                only = name[0]
            fields = ", ".join(readmodel.ITEM_FIELDS)
            sql = (f"SELECT {fields} FROM rm_items INDEXED BY rm_items_organizer "
                   "WHERE campaign = ? AND organizer = ? AND due <= ?")
            items: list[readmodel.Item] = []
            for org, shown, n in readmodel.page_plan(counts, organizers, limit, only):
                def first(k: int | None, org: str = org) -> list[readmodel.Item]:
                    return [readmodel.Item(*r) for r in db.execute(
                        sql + " ORDER BY due LIMIT ?",
                        (campaign, org, due_by, -1 if k is None else k))]

                def on(day: str, org: str = org) -> list[readmodel.Item]:
                    return [readmodel.Item(*r) for r in db.execute(
                        f"SELECT {fields} FROM rm_items INDEXED BY rm_items_organizer "
                        "WHERE campaign = ? AND organizer = ? AND due = ?", (campaign, org, day))]

                items += readmodel.head_items(first, on, shown, n)
            return items, organizers, counts

    def _unit_counts(self, campaign: str) -> list[tuple] | None:
        with self._reading() as db:
            if self._reprojecting(campaign):
                return None
            # One row per unit, summed by SQLite (at a million people, 25,000 units' 150,000
            # counts were read and grouped in Python).
            return db.execute(_unit_rows_sql(), (campaign,)).fetchall()

    def snapshot_rows(self, campaign: str) -> SnapshotRows:
        with self._snapshot_reading() as (db, version):
            return self._consumed(db, campaign, version, _listed)

    def snapshot(self, campaign: str) -> Snapshot:
        # The rows stream into the snapshot as SQLite reads them, none held beside it: held,
        # they were the build's peak (189 MiB at 100k people with 1-on-1s, 10x at 1M). They
        # are read in one read transaction until the snapshot is built.
        with self._snapshot_reading() as (db, version), gc_paused():
            return self._consumed(db, campaign, version, build_snapshot)

    def _consumed(self, db: sqlite3.Connection, campaign: str, version: int,
                  consume: Callable[[SnapshotRows], Any]) -> Any:
        """``consume`` of the campaign's rows as of ``version`` (read through ``db``, in its
        read transaction): read again with the other campaigns' ends first when an edge meets
        one."""
        def read(foreign: bool) -> SnapshotRows:
            rows = self._snapshot_rows(db, campaign, foreign=foreign)
            rows.version = version
            return rows

        try:
            return consume(read(False))
        except _ForeignEnd:
            return consume(read(True))

    @contextlib.contextmanager
    def _snapshot_reading(self) -> Iterator[tuple[sqlite3.Connection, int]]:
        """A connection to read a snapshot's rows through, and the store's version, in one
        read transaction: every SELECT sees the same state of the file, whatever is committed
        meanwhile (WAL), and so does the version read with them.

        A file is read through a connection of its own, outside the store's lock: the
        dashboard's other threads and the API's writes in this process go on while a
        snapshot is read and built (under the lock, a 100k snapshot held every request of a
        worker for seconds). Its page cache is :data:`_SCAN_CACHE_KIB`: it reads each page
        about once, and the 128 MiB an import wants was that much more peak RSS (100k people:
        287 -> 187 MiB, the build no slower). Inside the store's own transaction (this
        thread's), or in memory, the store's connection is read, under its lock."""
        with self._lock:
            shared = self.path == ":memory:" or self._db.in_transaction
            if shared:
                nested = self._db.in_transaction
                if not nested:
                    self._db.execute("BEGIN")
                try:
                    yield self._db, self._db.execute(
                        "SELECT v FROM meta WHERE k = 'version'").fetchone()[0]
                finally:
                    if not nested:
                        self._db.execute("COMMIT")
                return
        # (The store's own busy timeout: a read begun as a checkpoint resets the log may wait
        # a moment, and the default 5 s failed a page where a write would have waited.)
        db = connect(self.path, _BUSY_SECONDS, to_read=self.read_only)
        try:
            db.execute("PRAGMA query_only=ON")
            db.execute(f"PRAGMA cache_size=-{_SCAN_CACHE_KIB}")
            db.execute("BEGIN")
            yield db, db.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()[0]
        finally:
            db.close()  # (a read transaction: nothing to commit)
            self._erase_log()  # (this read may have held a forget's checkpoint off)

    def _snapshot_rows(self, db: sqlite3.Connection, campaign: str, foreign: bool = False
                       ) -> SnapshotRows:
        """The campaign's rows, the large ones as generators reading SQLite as they are
        consumed (through ``db``, in the caller's read transaction). An edge to a node or from
        a record filed under another campaign raises :class:`_ForeignEnd` as it is met; with
        ``foreign`` those ends are read first."""
        def r(sql: str, params: Sequence = ()) -> list[tuple]:
            return db.execute(sql, params).fetchall()
        c = (campaign,)
        # Edge ends by id: keys of the kinds the snapshot names, names of units and skills.
        key: dict[int, str] = {}
        name: dict[int, str] = {}
        by_kind: dict[str, list[tuple]] = {}
        for kind in ("Person", "Issue", "Organizer"):
            rows = r("SELECT id, key, name FROM nodes WHERE campaign = ? AND kind = ?", (campaign, kind))
            key.update((i, k) for i, k, _ in rows)
            by_kind[kind] = [(k, n) for _, k, n in rows]
            del rows
        dm_rows = r("SELECT id, key, name, json_extract(props, '$.title'), "
                    "json_extract(props, '$.organization') FROM nodes "
                    "WHERE campaign = ? AND kind = 'DecisionMaker'", c)
        key.update((i, k) for i, k, *_ in dm_rows)
        name.update(r("SELECT id, name FROM nodes WHERE campaign = ? AND kind IN ('Unit', 'Skill')", c))
        # Conversations are named by their own id within the campaign's snapshot.
        source = dict(r("SELECT rid, substr(id, ?) FROM records WHERE campaign = ? "
                        "AND kind = 'conversation'", (len(f"conversation:{campaign}:") + 1, campaign)))
        if foreign:
            self._foreign_ends(db, campaign, key, name, source)
        e = functools.partial(self._edges, campaign, db=db)
        rid = f"id >> {_SHIFT} & {_RID_MASK}"

        def units() -> Iterator[tuple]:
            for s, d, shift, role, roster, ref, date in e(
                    "IN_UNIT", "src, dst, shift, role, roster, referral, date"):
                yield key[s], name[d], shift, role, bool(roster), bool(ref), date
            for s, shift, role, roster, date in e(
                    "IN_CAMPAIGN", "src, shift, role, roster, date",
                    " AND (roster OR shift IS NOT NULL OR role IS NOT NULL)"):
                yield key[s], None, shift, role, bool(roster), False, date

        def conversations() -> Iterator[tuple]:
            # Who each conversation was with and who held it: one key each, as a rule.
            with_, held = _ends_by(e("WITH", "src, dst"), key), _ends_by(e("HELD", "dst, src"), key)
            for i, props in db.execute("SELECT id, props FROM nodes WHERE campaign = ? "
                                       "AND kind = 'Conversation'", c):
                people, organizers = with_.get(i), held.get(i)
                if people and organizers:
                    p = orjson.loads(props)
                    for person in (people,) if type(people) is str else people:
                        for org in (organizers,) if type(organizers) is str else organizers:
                            yield p, person, org

        def updates() -> Iterator[tuple]:
            about = {s: key[d] for s, d in e("ABOUT", "src, dst")}
            for i, props in db.execute("SELECT id, props FROM nodes WHERE campaign = ? "
                                       "AND kind = 'Update'", c):
                person = about.get(i)
                if person is not None:
                    yield orjson.loads(props), person

        # A commitment's key is `commitment:<campaign>:<conversation id>`.
        commitments = ((cid, orjson.loads(props)) for cid, props in db.execute(
            "SELECT substr(key, ?), props FROM nodes WHERE campaign = ? AND kind = 'Commitment'",
            (len(f"commitment:{campaign}:") + 1, campaign)))
        return SnapshotRows(
            campaign=campaign,
            people=by_kind.get("Person", []),
            person_units=_foreign(units()),
            conversations=_foreign(conversations()),
            commitments=commitments,
            anger=_foreign((key[s], key[d], a, None if harm is None else bool(harm), source[i], date)
                           for s, d, a, harm, i, date
                           in e("ANGRY_ABOUT", f"src, dst, anger, witnessed_harm, {rid}, date")),
            named=_foreign((key[s], key[d], issue, source[i])
                           for s, d, issue, i in e("NAMES", f"src, dst, issue, {rid}")),
            issues=by_kind.get("Issue", []),
            decision_makers=[row[1:] for row in dm_rows],
            reports_to=_foreign((key[s], key[d]) for s, d in e("REPORTS_TO", "src, dst")),
            ties=_foreign(itertools.chain(
                ((key[s], key[d], rel, "tie") for s, d, rel in e("TIED_TO", "src, dst, relationship")),
                ((key[s], key[d], rel, "referral")
                 for s, d, rel in e("REFERRED", "src, dst, relationship")))),
            skills=_foreign((key[s], name[d]) for s, d in e("HAS_SKILL", "src, dst")),
            organizers=by_kind.get("Organizer", []),
            updates=_foreign(updates()),
            assignments=_foreign((key[s], key[d], date) for s, d, date in e("ASSIGNED", "src, dst, date")),
        )

    def _edges(self, campaign: str, type_: str, columns: str, where: str = "",
               db: sqlite3.Connection | None = None, alias: str = "") -> sqlite3.Cursor:
        """One type's edges in a campaign: one range of the table, no other edge read (through
        ``db``, or the store's connection); ``alias``: the edges as ``e`` and the tables
        joined to them (``columns`` and ``where`` then name the edges' as ``e.``)."""
        e = "e." if alias else ""
        return (db or self._db).execute(
            f"SELECT {columns} FROM edges {alias} WHERE {e}id BETWEEN ? AND ? "
            f"AND {e}campaign = ?{where}", (*_type_range(type_), campaign))

    @staticmethod
    def _foreign_ends(db: sqlite3.Connection, campaign: str, key: dict[int, str],
                      name: dict[int, str], source: dict[int, str]) -> None:
        """Add the nodes and records the campaign's edges reach outside the campaign."""
        c = (campaign,)
        for i, k, n in db.execute("SELECT id, key, name FROM nodes WHERE id IN (SELECT src FROM "
                                  "edges WHERE campaign = ? UNION SELECT dst FROM edges WHERE "
                                  "campaign = ?)", c * 2):
            key.setdefault(i, k)
            name.setdefault(i, n)
        sql = (f"SELECT id >> {_SHIFT} & {_RID_MASK} FROM edges WHERE campaign = ? "
               "AND (id BETWEEN ? AND ? OR id BETWEEN ? AND ?)")
        ranges = (*_type_range("ANGRY_ABOUT"), *_type_range("NAMES"))
        rids = sorted({i for (i,) in db.execute(sql, (campaign, *ranges))} - source.keys())
        for part in _chunks(rids):
            source.update((rid, local_id(k)) for rid, k in db.execute(
                f"SELECT rid, id FROM records WHERE rid IN ({_marks(part)})", part))

    def _column(self, column: str, table: str, id_: str, ids: Iterable) -> dict:
        """``{id: column}`` for the ``ids`` that exist (in chunks: SQLite bounds parameters)."""
        out: dict = {}
        for part in _chunks(list(ids)):
            out.update(self._rows(f"SELECT {id_}, {column} FROM {table} WHERE {id_} IN ({_marks(part)})",
                                  part))
        return out
