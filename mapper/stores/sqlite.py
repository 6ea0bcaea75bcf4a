"""The embedded store: the whole graph in one local SQLite file, no server needed."""

from __future__ import annotations

import json
import os
import sqlite3

import orjson
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from mapper.keys import normalize
from mapper.snapshot import SnapshotRows
from mapper.stores.base import EXPORT_ORDER, PersonHit, Store, StoredRecord

__all__ = ["SQLiteStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('version', 0), ('schema', 1);
CREATE TABLE IF NOT EXISTS records (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, campaign TEXT NOT NULL, hash TEXT NOT NULL,
  date TEXT, person TEXT, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_scope ON records (campaign, kind, date, id);
CREATE INDEX IF NOT EXISTS records_person ON records (person, date, id);
CREATE TABLE IF NOT EXISTS nodes (
  key TEXT PRIMARY KEY, kind TEXT NOT NULL, campaign TEXT NOT NULL, name TEXT, props TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS nodes_scope ON nodes (campaign, kind);
CREATE TABLE IF NOT EXISTS edges (
  type TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, source TEXT NOT NULL,
  campaign TEXT NOT NULL, props TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS edges_source ON edges (source);
CREATE INDEX IF NOT EXISTS edges_scope ON edges (campaign, type);
CREATE INDEX IF NOT EXISTS edges_src ON edges (src);
CREATE INDEX IF NOT EXISTS edges_dst ON edges (dst);
"""

_KIND_RANK = {k: i for i, k in enumerate(EXPORT_ORDER)}


def _dumps(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _chunks(items: Sequence, size: int = 900) -> Iterator[Sequence]:
    # SQLite limits the number of bound parameters in one statement.
    for i in range(0, len(items), size):
        yield items[i:i + size]


class SQLiteStore(Store):
    """A :class:`~mapper.stores.base.Store` in one SQLite file (``:memory:`` for a throwaway)."""


    def __init__(self, path: str | Path = "mapper.db") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # The file holds every story and phone number: create it readable by its owner only
            # (SQLite gives its -wal and -shm files the same permissions).
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        # The dashboard reads from several threads: one connection, one lock.
        self._lock = threading.RLock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=OFF")
            # The edge indexes (src, dst, source) take random inserts; with the default 2 MB
            # page cache a large import spends its time re-reading index pages.
            self._db.execute("PRAGMA cache_size=-65536")
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- writes -----------------------------------------------------------------------------
    def _hashes(self, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self._lock:
            for part in _chunks(list(ids)):
                q = f"SELECT id, hash FROM records WHERE id IN ({','.join('?' * len(part))})"
                out.update(self._db.execute(q, part).fetchall())
        return out

    def _apply(self, batch: Sequence[StoredRecord]) -> None:
        ids = [r.id for r in batch if r.replacing]
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                touched: set[str] = set()
                for part in _chunks(ids):
                    marks = ",".join("?" * len(part))
                    for src, dst in db.execute(
                            f"SELECT src, dst FROM edges WHERE source IN ({marks})", part):
                        touched.add(src)
                        touched.add(dst)
                    db.execute(f"DELETE FROM edges WHERE source IN ({marks})", part)
                for part in _chunks(sorted(touched)):
                    marks = ",".join("?" * len(part))
                    db.execute(
                        f"DELETE FROM nodes WHERE key IN ({marks}) AND NOT EXISTS "
                        "(SELECT 1 FROM edges WHERE src = nodes.key) AND NOT EXISTS "
                        "(SELECT 1 FROM edges WHERE dst = nodes.key)", part)
                # Shared nodes (campaign, units, issues, organizers) recur in nearly every
                # record: keep one row per key, with the outcome of inserting them all in order
                # (plain: first writer wins; authoritative: last writer wins).
                plain: dict[str, tuple] = {}
                authoritative: dict[str, tuple] = {}
                edges, records = [], []
                for rec in batch:
                    proj = rec.projection
                    person = None
                    for n in proj.nodes:
                        key = n.key
                        if n.authoritative:
                            authoritative[key] = (key, n.kind, n.campaign, n.props.get("name"),
                                                  _dumps(n.props))
                        elif key not in plain:
                            plain[key] = (key, n.kind, n.campaign, n.props.get("name"),
                                          _dumps(n.props))
                    for e in proj.edges:
                        props = e.props
                        edges.append((e.type, e.src, e.dst, e.source, e.campaign,
                                      _dumps(props) if props else "{}"))
                        if e.type == "WITH":
                            person = e.dst
                    records.append((rec.id, rec.kind, rec.campaign, rec.hash,
                                    rec.body.get("date"), person,
                                    _dumps(rec.body)))
                db.executemany("INSERT OR IGNORE INTO nodes VALUES (?,?,?,?,?)", plain.values())
                db.executemany(
                    "INSERT INTO nodes VALUES (?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET "
                    "name = excluded.name, props = excluded.props", authoritative.values())
                db.executemany("INSERT INTO edges VALUES (?,?,?,?,?,?)", edges)
                db.executemany("INSERT OR REPLACE INTO records VALUES (?,?,?,?,?,?,?)", records)
                db.execute("UPDATE meta SET v = v + 1 WHERE k = 'version'")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def clear(self) -> None:
        with self._lock:
            self._db.executescript(
                "BEGIN; DELETE FROM edges; DELETE FROM nodes; DELETE FROM records; "
                "UPDATE meta SET v = v + 1 WHERE k = 'version'; COMMIT;")

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
                yield StoredRecord(rid, rkind, camp, h, json.loads(body))

    def get_records(self, ids: Sequence[str]) -> list[StoredRecord]:
        out = []
        for part in _chunks(list(ids)):
            sql = (f"SELECT id, kind, campaign, hash, body FROM records "
                   f"WHERE id IN ({','.join('?' * len(part))})")
            out += [StoredRecord(i, k, c, h, json.loads(b)) for i, k, c, h, b in self._rows(sql, part)]
        return out

    def campaigns(self) -> list[str]:
        return [c for (c,) in self._rows("SELECT DISTINCT campaign FROM records ORDER BY campaign")]

    def person_record_ids(self, campaign: str, person_key: str) -> list[str]:
        return [i for (i,) in self._rows(
            "SELECT id FROM records WHERE person = ? AND campaign = ? AND kind = 'conversation' "
            "ORDER BY date, id", (person_key, campaign))]

    def search_people(self, campaign: str, query: str, limit: int = 20) -> list[PersonHit]:
        needle = normalize(query)
        prefix = f"person:{campaign}:"
        rows = self._rows(
            "SELECT n.key, n.name, (SELECT count(*) FROM records r WHERE r.person = n.key "
            "AND r.kind = 'conversation') FROM nodes n WHERE n.campaign = ? AND n.kind = 'Person' "
            "AND substr(n.key, ?) LIKE ? ESCAPE '\\' ORDER BY n.key LIMIT ?",
            (campaign, len(prefix) + 1, "%" + needle.replace("%", "\\%").replace("_", "\\_") + "%",
             limit))
        return [PersonHit(k, n, campaign, c) for k, n, c in rows]

    def counts(self, campaign: str | None = None) -> dict[str, dict[str, int]]:
        where, params = ("WHERE campaign = ?", [campaign]) if campaign else ("", [])
        return {
            "nodes": dict(self._rows(f"SELECT kind, count(*) FROM nodes {where} GROUP BY kind ORDER BY kind", params)),
            "edges": dict(self._rows(f"SELECT type, count(*) FROM edges {where} GROUP BY type ORDER BY type", params)),
            "records": dict(self._rows(f"SELECT kind, count(*) FROM records {where} GROUP BY kind ORDER BY kind", params)),
        }

    def snapshot_rows(self, campaign: str) -> SnapshotRows:
        c = (campaign,)
        r = self._rows

        def nodes(kind: str) -> list[tuple]:
            return r("SELECT key, name FROM nodes WHERE campaign = ? AND kind = ?", (campaign, kind))

        def edges(type_: str, *props: str) -> list[tuple]:
            cols = "".join(f", json_extract(props, '$.{p}')" for p in props)
            return r(f"SELECT src, dst{cols}, source FROM edges WHERE campaign = ? AND type = ?",
                     (campaign, type_))

        units = r("SELECT e.src, n.name, json_extract(e.props, '$.shift'), json_extract(e.props, '$.role'), "
                  "coalesce(json_extract(e.props, '$.roster'), 0), coalesce(json_extract(e.props, '$.referral'), 0), "
                  "json_extract(e.props, '$.date') FROM edges e JOIN nodes n ON n.key = e.dst "
                  "WHERE e.campaign = ? AND e.type = 'IN_UNIT' "
                  "UNION ALL SELECT src, NULL, json_extract(props, '$.shift'), json_extract(props, '$.role'), "
                  "1, 0, NULL FROM edges WHERE campaign = ? AND type = 'IN_CAMPAIGN' "
                  "AND json_extract(props, '$.roster')", (campaign, campaign))
        convs = r("SELECT n.props, w.dst, h.src FROM nodes n "
                  "JOIN edges w ON w.src = n.key AND w.type = 'WITH' "
                  "JOIN edges h ON h.dst = n.key AND h.type = 'HELD' "
                  "WHERE n.campaign = ? AND n.kind = 'Conversation'", c)
        commitments = r("SELECT substr(key, 12), props FROM nodes WHERE campaign = ? AND kind = 'Commitment'", c)
        dms = r("SELECT key, name, json_extract(props, '$.title'), json_extract(props, '$.organization') "
                "FROM nodes WHERE campaign = ? AND kind = 'DecisionMaker'", c)
        skills = r("SELECT e.src, n.name FROM edges e JOIN nodes n ON n.key = e.dst "
                   "WHERE e.campaign = ? AND e.type = 'HAS_SKILL'", c)
        return SnapshotRows(
            campaign=campaign,
            people=nodes("Person"),
            person_units=[(p, u, s, ro, bool(rost), bool(ref), d) for p, u, s, ro, rost, ref, d in units],
            conversations=[(json.loads(props), person, org) for props, person, org in convs],
            commitments=[(cid, json.loads(props)) for cid, props in commitments],
            anger=[(p, i, a, None if h is None else bool(h), src, d)
                   for p, i, a, h, d, src in edges("ANGRY_ABOUT", "anger", "witnessed_harm", "date")],
            named=[(p, d, i, src) for p, d, i, src in edges("NAMES", "issue")],
            issues=nodes("Issue"),
            decision_makers=dms,
            reports_to=[(a, b) for a, b, _ in edges("REPORTS_TO")],
            ties=[(a, b, rel, "tie") for a, b, rel, _ in edges("TIED_TO", "relationship")]
            + [(a, b, rel, "referral") for a, b, rel, _ in edges("REFERRED", "relationship")],
            skills=skills,
            organizers=nodes("Organizer"),
        )
