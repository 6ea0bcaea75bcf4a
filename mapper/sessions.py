"""Sign-in sessions kept in the store, so that sign-out, a new password and expiry are real.

The browser's (signed) cookie carries only a random session id; the store keeps a row per
session under the id's SHA-256, never the id itself, with who signed in, when, when last seen,
and a fingerprint of that user's password hash. Every server process on the same store sees the
same rows, so signing out in one ends the session in all of them.

>>> clock = [0.0]
>>> sessions = MemorySessions(SessionLimits(idle=60, absolute=3600), clock=lambda: clock[0])
>>> token = sessions.start("maya", "scrypt:...$old")
>>> sessions.resume(token, {"maya": "scrypt:...$old"}.get)
'maya'
>>> clock[0] = 61.0
>>> sessions.resume(token, {"maya": "scrypt:...$old"}.get) is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["SessionLimits", "SessionRow", "SessionStore", "MemorySessions", "SQLiteSessions",
           "Neo4jSessions", "ensure_neo4j_schema", "sessions_for", "fingerprint", "IDLE_ENV", "ABSOLUTE_ENV"]

IDLE_ENV = "MAPPER_SESSION_IDLE_HOURS"
ABSOLUTE_ENV = "MAPPER_SESSION_MAX_DAYS"
_TOKEN_BYTES = 32  # 256 bits
_MAX_TOKEN = 100   # a cookie value longer than any id we make is no id of ours


@dataclass(frozen=True, slots=True)
class SessionLimits:
    """How long a session lasts, in seconds: ``idle`` since the last request, ``absolute``
    since sign-in, whichever ends first."""

    idle: float = 8 * 3600.0
    absolute: float = 7 * 86400.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SessionLimits:
        """``MAPPER_SESSION_IDLE_HOURS`` (default 8) and ``MAPPER_SESSION_MAX_DAYS`` (default 7)."""
        limits = cls()
        for name, field, unit in ((IDLE_ENV, "idle", 3600.0), (ABSOLUTE_ENV, "absolute", 86400.0)):
            raw = env.get(name, "").strip()
            if not raw:
                continue
            try:
                value = float(raw)
            except ValueError:
                value = float("nan")
            if not 0 < value < 10_000:  # also refuses nan and inf
                raise ValueError(f"{name} must be a positive number")
            limits = replace(limits, **{field: value * unit})
        return limits


@dataclass(frozen=True, slots=True)
class SessionRow:
    """What the store keeps of one session (under the hash of its id)."""

    username: str
    created: float
    last_seen: float
    fingerprint: str


def fingerprint(password_hash: str) -> str:
    """A digest of a user's password hash: a session ends when the hash changes."""
    return hashlib.sha256(b"mapper-session\0" + password_hash.encode()).hexdigest()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore(ABC):
    """Sessions: :meth:`start` on sign-in, :meth:`resume` on each request, :meth:`end` on
    sign-out. Implementations keep rows; the rules (expiry, password change) live here."""

    # A request writes last_seen at most this often: idle expiry is exact to a minute.
    touch_every = 60.0

    def __init__(self, limits: SessionLimits | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.limits = limits or SessionLimits.from_env()
        self.clock = clock

    # --- the rows (each implementation) -----------------------------------------------------
    @abstractmethod
    def _insert(self, id_hash: str, row: SessionRow) -> None: ...

    @abstractmethod
    def _get(self, id_hash: str) -> SessionRow | None: ...

    @abstractmethod
    def _touch(self, id_hash: str, now: float) -> None: ...

    @abstractmethod
    def _delete(self, id_hash: str) -> None: ...

    @abstractmethod
    def _delete_user(self, username: str) -> None: ...

    @abstractmethod
    def _delete_expired(self, created_before: float, seen_before: float) -> None: ...

    def close(self) -> None:
        """Release what the implementation holds (its own connection)."""

    # --- the rules --------------------------------------------------------------------------
    def start(self, username: str, password_hash: str) -> str:
        """A new session for ``username``; returns its id, for the cookie only."""
        now = self.clock()
        self._delete_expired(now - self.limits.absolute, now - self.limits.idle)
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        self._insert(_digest(token), SessionRow(username, now, now, fingerprint(password_hash)))
        return token

    def resume(self, token: Any, password_hash_of: Callable[[str], str | None]) -> str | None:
        """The username of a live session, or ``None``; a session found expired, or whose
        user is gone or has another password hash now, is deleted."""
        if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN:
            return None
        id_hash = _digest(token)
        row = self._get(id_hash)
        if row is None:
            return None
        now = self.clock()
        current = password_hash_of(row.username)
        if (current is None or not hmac.compare_digest(row.fingerprint, fingerprint(current))
                or now - row.created >= self.limits.absolute
                or now - row.last_seen >= self.limits.idle):
            self._delete(id_hash)
            return None
        if now - row.last_seen >= self.touch_every:
            self._touch(id_hash, now)
        return row.username

    def end(self, token: Any) -> None:
        """Sign-out: the session is gone for every server process on the store."""
        if isinstance(token, str) and token and len(token) <= _MAX_TOKEN:
            self._delete(_digest(token))

    def end_all(self, username: str) -> None:
        """End every session of ``username`` (deactivation, a password reset)."""
        self._delete_user(username)


class MemorySessions(SessionStore):
    """Sessions in this process only: for a ``:memory:`` store, which no other process sees."""

    def __init__(self, limits: SessionLimits | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(limits, clock)
        self._rows: dict[str, SessionRow] = {}
        self._lock = threading.Lock()

    def _insert(self, id_hash: str, row: SessionRow) -> None:
        with self._lock:
            self._rows[id_hash] = row

    def _get(self, id_hash: str) -> SessionRow | None:
        with self._lock:
            return self._rows.get(id_hash)

    def _touch(self, id_hash: str, now: float) -> None:
        with self._lock:
            row = self._rows.get(id_hash)
            if row is not None and row.last_seen < now:
                self._rows[id_hash] = replace(row, last_seen=now)

    def _delete(self, id_hash: str) -> None:
        with self._lock:
            self._rows.pop(id_hash, None)

    def _delete_user(self, username: str) -> None:
        with self._lock:
            for key in [k for k, r in self._rows.items() if r.username == username]:
                del self._rows[key]

    def _delete_expired(self, created_before: float, seen_before: float) -> None:
        with self._lock:
            for key in [k for k, r in self._rows.items()
                        if r.created < created_before or r.last_seen < seen_before]:
                del self._rows[key]


_SQLITE_DDL = """
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    created REAL NOT NULL,
    last_seen REAL NOT NULL,
    fingerprint TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_username ON sessions (username);
"""


class SQLiteSessions(SessionStore):
    """Sessions in the table ``sessions`` of the store's SQLite file, on a connection of their
    own (the store's connection may be inside a long import)."""

    def __init__(self, path: str, limits: SessionLimits | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(limits, clock)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                   timeout=30)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SQLITE_DDL)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _insert(self, id_hash: str, row: SessionRow) -> None:
        self._execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                      (id_hash, row.username, row.created, row.last_seen, row.fingerprint))

    def _get(self, id_hash: str) -> SessionRow | None:
        rows = self._execute("SELECT username, created, last_seen, fingerprint FROM sessions "
                             "WHERE id_hash = ?", (id_hash,))
        return SessionRow(*rows[0]) if rows else None

    def _touch(self, id_hash: str, now: float) -> None:
        try:
            self._execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ? AND last_seen < ?",
                          (now, id_hash, now))
        except sqlite3.OperationalError:
            # The file is locked by a long write: last_seen is kept a little older, which
            # can only end the session sooner, never keep it longer.
            pass

    def _delete(self, id_hash: str) -> None:
        self._execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))

    def _delete_user(self, username: str) -> None:
        self._execute("DELETE FROM sessions WHERE username = ?", (username,))

    def _delete_expired(self, created_before: float, seen_before: float) -> None:
        self._execute("DELETE FROM sessions WHERE created < ? OR last_seen < ?",
                      (created_before, seen_before))


_NEO4J_SCHEMA = ("sessions/create_session_id_constraint", "sessions/create_session_username_index")


class Neo4jSessions(SessionStore):
    """Sessions as ``(:Session {id_hash, username, created, last_seen, fingerprint})`` nodes
    in the store's Neo4j database, through the store's driver."""

    def __init__(self, driver: Any, database: str | None = None,
                 limits: SessionLimits | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(limits, clock)
        self._driver, self._database = driver, database
        ensure_neo4j_schema(driver, database, _NEO4J_SCHEMA)

    def _write(self, name: str, **params: Any) -> None:
        with self._driver.session(database=self._database) as session:
            session.execute_write(lambda tx: tx.run(_query(name), **params).consume())

    def _insert(self, id_hash: str, row: SessionRow) -> None:
        self._write("sessions/create_session", id_hash=id_hash, username=row.username,
                    created=row.created, fingerprint=row.fingerprint)

    def _get(self, id_hash: str) -> SessionRow | None:
        def read(tx: Any) -> list[tuple]:
            return [tuple(r.values()) for r in tx.run(_query("sessions/get_session"),
                                                      id_hash=id_hash)]

        with self._driver.session(database=self._database) as session:
            rows = session.execute_read(read)
        return SessionRow(*rows[0]) if rows else None

    def _touch(self, id_hash: str, now: float) -> None:
        self._write("sessions/touch_session", id_hash=id_hash, now=now)

    def _delete(self, id_hash: str) -> None:
        self._write("sessions/delete_session", id_hash=id_hash)

    def _delete_user(self, username: str) -> None:
        self._write("sessions/delete_user_sessions", username=username)

    def _delete_expired(self, created_before: float, seen_before: float) -> None:
        self._write("sessions/delete_expired_sessions", created_before=created_before,
                    seen_before=seen_before)


def _query(name: str) -> str:
    from mapper.stores.neo4j import load_query

    return load_query(name)


def ensure_neo4j_schema(driver: Any, database: str | None, names: Any) -> None:
    """Run each named schema statement (``CREATE … IF NOT EXISTS``) of a feature kept beside
    the records (sessions, drafts, users): two processes creating one at once can both pass IF
    NOT EXISTS, and the second's "already exists" is no error."""
    from neo4j.exceptions import ClientError

    with driver.session(database=database) as session:
        for name in names:
            try:
                session.run(_query(name)).consume()
            except ClientError as exc:
                if not (exc.code or "").endswith("AlreadyExists"):
                    raise


def sessions_for(store: Any, *, limits: SessionLimits | None = None,
                 clock: Callable[[], float] = time.time) -> SessionStore:
    """The session store beside ``store``: the same SQLite file or the same Neo4j database."""
    from mapper.stores.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        if store.path == ":memory:":
            return MemorySessions(limits, clock)
        return SQLiteSessions(store.path, limits, clock)
    from mapper.stores.neo4j import Neo4jStore

    if isinstance(store, Neo4jStore):
        # The store's own driver: one connection pool, the same server and credentials.
        return Neo4jSessions(store.driver, store.database, limits, clock)
    raise TypeError(f"no session store for a {type(store).__name__}")
