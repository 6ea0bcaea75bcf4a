"""The audit trail: who signed in, opened whose details, exported, changed what — append-only.

Entries hold kinds and opaque ids only. A person key or a record id carries a name
(``person:<campaign>:ana lopez``), so the audit names people and records by a random id kept
in an ``opaque_ids`` table beside it (``:OpaqueId`` nodes in Neo4j), mapped both ways. When a
person is forgotten their mapping is deleted: the entries stay, and no longer lead to anyone.

>>> log = audit_for_path(":memory:")
>>> pid = log.opaque("person:c:ana lopez")
>>> pid.startswith("p-") and log.opaque("person:c:ana lopez") == pid
True
>>> _ = log.append("maya", "person_viewed", pid)
>>> [(e.actor, e.action, e.target) for e in log.entries()] == [("maya", "person_viewed", pid)]
True
"""

from __future__ import annotations

import json
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mapper.users import Neo4jSide, SQLiteSide

__all__ = ["AuditEntry", "AuditLog", "SQLiteAudit", "Neo4jAudit", "audit_for", "audit_for_path",
           "ACTIONS", "NOBODY"]

#: Every action the trail records (an entry with another action is refused).
ACTIONS = (
    "sign_in", "sign_in_failed", "sign_out",
    "person_viewed", "list_exported",
    "record_created", "record_replaced", "record_deleted",
    "user_added", "user_role_set", "user_campaigns_set", "user_password_reset", "user_disabled",
    "user_enabled",
    "users_imported", "token_created", "token_revoked",
    "person_forgotten",
    "import",  # lists brought in through the dashboard: counts only
)
#: The actor of a failed sign-in for a username no one has: what was typed is not kept (it
#: may be a password typed in the wrong box).
NOBODY = "(unknown)"
# The prefixes of opaque ids, by the kind of key they stand for.
_PREFIX = {"person": "p", "conversation": "r", "update": "r", "assignment": "r", "roster": "r",
           "tie": "r", "hierarchy": "r", "alias": "r"}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: float
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "actor": self.actor, "action": self.action,
                "target": self.target, "detail": self.detail}


def _safe_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    # Only numbers, booleans, short identifiers and lists of them: a story cannot slip in.
    out: dict[str, Any] = {}
    for k, v in detail.items():
        if isinstance(v, (list, tuple)):
            v = [x for x in v if isinstance(x, (int, str)) and len(str(x)) <= 40]
        elif isinstance(v, str) and len(v) > 40:
            raise ValueError(f"audit detail {k}: an identifier, not a text")
        out[str(k)] = v
    return out


class AuditLog(ABC):
    """Append and read; there is no update and no delete."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    @abstractmethod
    def _append(self, at: float, actor: str, action: str, target: str | None,
                detail: str) -> int: ...

    def _append_many(self, rows: list[tuple]) -> None:
        for row in rows:
            self._append(*row)

    @abstractmethod
    def _entries(self, since: float | None, actor: str | None, action: str | None,
                 limit: int | None) -> list[tuple]: ...

    @abstractmethod
    def _opaque(self, key: str, new: str) -> str: ...

    @abstractmethod
    def key_of(self, opaque: str) -> str | None:
        """The key an opaque id stands for (admins resolving an entry), or None."""

    @abstractmethod
    def drop_opaque(self, key: str) -> None:
        """Forget which key an opaque id stood for (a forgotten person)."""

    def close(self) -> None:
        """Release what the implementation holds."""

    def append(self, actor: str, action: str, target: str | None = None,
               **detail: Any) -> int:
        """Record one action; returns its sequence number."""
        if action not in ACTIONS:
            raise ValueError(f"audit: unknown action {action!r}")
        return self._append(self.clock(), actor, action, target,
                            json.dumps(_safe_detail(detail), sort_keys=True))

    def append_many(self, actor: str, entries: list[tuple[str, str | None, dict[str, Any]]]
                    ) -> None:
        """Record several actions of one actor at once (a write of many records)."""
        for action, _, _ in entries:
            if action not in ACTIONS:
                raise ValueError(f"audit: unknown action {action!r}")
        now = self.clock()
        self._append_many([(now, actor, action, target,
                            json.dumps(_safe_detail(detail), sort_keys=True))
                           for action, target, detail in entries])

    def entries(self, *, since: float | None = None, actor: str | None = None,
                action: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        """Entries oldest first (the newest ``limit`` when given)."""
        rows = self._entries(since, actor, action, limit)
        return [AuditEntry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5] or "{}"))
                for r in rows]

    def opaque(self, key: str) -> str:
        """The opaque id of a person key or record id (made on first use, then always the
        same)."""
        prefix = _PREFIX.get(key.partition(":")[0], "x")
        return self._opaque(key, f"{prefix}-{secrets.token_hex(8)}")


_AUDIT_DDL = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TABLE IF NOT EXISTS opaque_ids (
    key TEXT PRIMARY KEY,
    opaque TEXT NOT NULL UNIQUE
) WITHOUT ROWID;
"""


class SQLiteAudit(AuditLog):
    """The tables ``audit`` (append-only by trigger) and ``opaque_ids`` of the SQLite file."""

    def __init__(self, path: str, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self._side = SQLiteSide(path, _AUDIT_DDL)

    def close(self) -> None:
        self._side.close()

    def _append(self, at, actor, action, target, detail) -> int:
        return self._side.execute(
            "INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?) "
            "RETURNING seq", (at, actor, action, target, detail))[0][0]

    def _append_many(self, rows: list[tuple]) -> None:
        self._side.executemany(
            "INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)", rows)

    def _entries(self, since, actor, action, limit) -> list[tuple]:
        where, params = [], []
        for column, value, op in (("at", since, ">="), ("actor", actor, "="),
                                  ("action", action, "=")):
            if value is not None:
                where.append(f"{column} {op} ?")
                params.append(value)
        sql = ("SELECT seq, at, actor, action, target, detail FROM audit"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq DESC")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return self._side.execute(sql, tuple(params))[::-1]

    def _opaque(self, key: str, new: str) -> str:
        self._side.execute("INSERT OR IGNORE INTO opaque_ids VALUES (?, ?)", (key, new))
        return self._side.execute("SELECT opaque FROM opaque_ids WHERE key = ?", (key,))[0][0]

    def key_of(self, opaque: str) -> str | None:
        rows = self._side.execute("SELECT key FROM opaque_ids WHERE opaque = ?", (opaque,))
        return rows[0][0] if rows else None

    def drop_opaque(self, key: str) -> None:
        self._side.execute("DELETE FROM opaque_ids WHERE key = ?", (key,))


class Neo4jAudit(AuditLog):
    """``:AuditEntry`` nodes numbered by one ``:AuditCounter``, and ``:OpaqueId`` nodes."""

    def __init__(self, driver: Any, database: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self._side = Neo4jSide(driver, database, ("audit/create_entry_constraint",
                                                  "audit/create_opaque_key_constraint",
                                                  "audit/create_opaque_id_constraint"))

    def _append(self, at, actor, action, target, detail) -> int:
        return self._side.write("audit/append_entry", at=at, actor=actor, action=action,
                                target=target, detail=detail)[0]["seq"]

    def _append_many(self, rows: list[tuple]) -> None:
        self._side.write("audit/append_entries", rows=[
            {"at": r[0], "actor": r[1], "action": r[2], "target": r[3], "detail": r[4]}
            for r in rows])

    def _entries(self, since, actor, action, limit) -> list[tuple]:
        rows = self._side.read("audit/list_entries", since=since, actor=actor, action=action,
                               limit=limit)
        return [(r["seq"], r["at"], r["actor"], r["action"], r["target"], r["detail"])
                for r in rows][::-1]

    def _opaque(self, key: str, new: str) -> str:
        return self._side.write("audit/merge_opaque_id", key=key, opaque=new)[0]["opaque"]

    def key_of(self, opaque: str) -> str | None:
        rows = self._side.read("audit/get_opaque_key", opaque=opaque)
        return rows[0]["key"] if rows else None

    def drop_opaque(self, key: str) -> None:
        self._side.write("audit/delete_opaque_id", key=key)


def audit_for_path(path: str, clock: Callable[[], float] = time.time) -> AuditLog:
    return SQLiteAudit(path, clock)


def audit_for(store: Any, clock: Callable[[], float] = time.time) -> AuditLog:
    """The audit trail beside ``store``: the same SQLite file or the same Neo4j database."""
    from mapper.stores.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        return SQLiteAudit(store.path, clock)
    from mapper.stores.neo4j import Neo4jStore

    if isinstance(store, Neo4jStore):
        return Neo4jAudit(store.driver, store.database, clock)
    raise TypeError(f"no audit trail for a {type(store).__name__}")


def audit_writes(store: Any, log: AuditLog, actor: Callable[[], str | None]) -> None:
    """Make every :meth:`write` and :meth:`delete` through ``store`` append to ``log`` which
    records it created, replaced or deleted (opaque ids and kinds), when ``actor()`` names
    someone (a request's user); writes made outside a request are not recorded here.

    The store object itself is wrapped (not a proxy) so that code checking which kind of store
    it is keeps working.
    """
    from mapper.projection import record_id, record_kind

    if getattr(store, "_mapper_audited", False):
        return  # another app in this process on the same store object: audited once
    write, delete = store.write, store.delete

    def hashes(ids: list[str]) -> dict[str, str]:
        return {r.id: r.hash for r in store.get_records(ids)} if ids else {}

    def audited_write(records: Any, progress: Any = None, **kwargs: Any) -> Any:
        who = actor()
        if who is None:
            return write(records, progress, **kwargs)
        records = list(records)
        kinds = {record_id(r): record_kind(r) for r in records}
        before = hashes(list(kinds))
        result = write(records, progress, **kwargs)
        after = hashes(list(kinds))
        entries = []
        for rid, kind in kinds.items():
            if rid not in after:
                continue
            if rid not in before:
                entries.append(("record_created", log.opaque(rid), {"kind": kind}))
            elif before[rid] != after[rid]:
                entries.append(("record_replaced", log.opaque(rid), {"kind": kind}))
        if entries:
            log.append_many(who, entries)
        return result

    def audited_delete(ids: Any) -> int:
        who = actor()
        ids = list(ids)
        found = store.get_records(ids) if who is not None else []
        n = delete(ids)
        if found:
            log.append_many(who, [("record_deleted", log.opaque(r.id), {"kind": r.kind})
                                  for r in found])
        return n

    store.write, store.delete = audited_write, audited_delete
    store._mapper_audited = True
