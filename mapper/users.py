"""Users kept in the store, so every server process sees the same people, roles and lockouts.

Like :mod:`mapper.sessions`, users live beside the records in tables of their own (``users``
and ``login_failures`` in the SQLite file; ``:AppUser`` and ``:LoginFailure`` nodes in Neo4j),
never in the records schema. A failed sign-in is kept under a keyed hash of what was typed
as the username (see :meth:`UserStore.who`), never the text. New passwords are hashed with
Argon2id (memory-hard); hashes imported from a users file (werkzeug scrypt) keep working as
they are.

>>> users = users_for_path(":memory:")
>>> row = users.add("maya", "organizer", "a long enough passphrase", organizer="Maya Ortiz")
>>> row.password_hash.startswith("$argon2id$")
True
>>> verify_password(row.password_hash, "a long enough passphrase")
True
>>> users.set_active("maya", False).active
False
>>> users.set_campaigns("maya", ["st-lukes"]).campaigns
('st-lukes',)

An account may be limited to some campaigns (:func:`mapper.roles.sees_campaign`); none kept
means every campaign, as for every account made before accounts had campaigns.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from werkzeug.security import check_password_hash

from mapper.models import CAMPAIGN_PATTERN
from mapper.roles import ROLES

__all__ = ["UserRow", "UserStore", "SQLiteUsers", "Neo4jUsers", "users_for", "users_for_path",
           "accounts_beside",
           "hash_password", "verify_password", "password_problem", "UserError",
           "MIN_PASSWORD_LENGTH", "dummy_hash", "SQLiteSide", "Neo4jSide", "campaign_list"]

MIN_PASSWORD_LENGTH = 12
#: The key of :meth:`UserStore.who` when no ``MAPPER_SECRET_KEY`` is set (one process only).
_PROCESS_KEY = secrets.token_bytes(32)
_HASHER = PasswordHasher()


@functools.cache
def dummy_hash() -> str:
    """Checked when the username is unknown, so a wrong username costs as long as a wrong
    password; made when first needed, not on import (0.5 s of CPU every command paid)."""
    return _HASHER.hash("not the password of anyone")


class UserError(ValueError):
    """A user change refused; the message names the field, never a password."""


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (argon2-cffi's defaults: 64 MiB, 3 passes)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (Argon2, or a werkzeug hash imported
    from a users file)."""
    if not password_hash:
        return False
    if password_hash.startswith("$argon2"):
        try:
            return _HASHER.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(password_hash, password)
    except (ValueError, TypeError):
        return False


def password_problem(password: str) -> str | None:
    """Why ``password`` may not be used, or ``None`` when it may."""
    if not password:
        return "the password is empty"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password is shorter than {MIN_PASSWORD_LENGTH} characters"
    return None


@dataclass(frozen=True, slots=True)
class UserRow:
    """What the store keeps of a user."""

    username: str
    role: str
    organizer: str | None
    password_hash: str
    active: bool = True
    created: float = 0.0
    updated: float = 0.0
    #: The campaigns she works on; none: every campaign (an admin's are not read).
    campaigns: tuple[str, ...] = ()


def campaign_list(values: Iterable[str] | None) -> tuple[str, ...]:
    """``values`` as an account keeps them: stripped, each once, in the order given; refused
    (naming the field) when one is not a campaign id."""
    out: list[str] = []
    for value in values or ():
        value = str(value).strip()
        if not re.fullmatch(CAMPAIGN_PATTERN, value):
            raise UserError("campaigns: each a campaign id (letters, digits, '.', '_', '-')")
        if value not in out:
            out.append(value)
    return tuple(out)


def _check(username: str, role: str, organizer: str | None) -> None:
    if not username or not username.strip() or len(username) > 64 or any(
            not ch.isprintable() or ch.isspace() for ch in username):
        raise UserError("username: 1 to 64 characters, no spaces")
    if role not in ROLES:
        raise UserError(f"role: one of {', '.join(ROLES)}")
    if role == "organizer" and not (organizer or "").strip():
        raise UserError("organizer: an organizer needs the name she records 1-on-1s under")


class UserStore(ABC):
    """Users and failed sign-ins. Implementations keep rows; the rules live here."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    # --- rows (each implementation) ---------------------------------------------------------
    @abstractmethod
    def _put(self, row: UserRow) -> None: ...

    @abstractmethod
    def get(self, username: str) -> UserRow | None: ...

    @abstractmethod
    def all(self) -> list[UserRow]: ...

    @abstractmethod
    def _fail(self, who: str, address: str, at: float) -> None: ...

    @abstractmethod
    def _failures(self, who: str, address: str, since: float) -> list[float]: ...

    @abstractmethod
    def _clear_failures(self, who: str, address: str, before: float | None = None) -> None: ...

    @abstractmethod
    def _user_failures(self, who: str, since: float) -> list[float]:
        """The times of ``who``'s failures since ``since``, from any address."""

    def close(self) -> None:
        """Release what the implementation holds."""

    # --- the rules --------------------------------------------------------------------------
    def add(self, username: str, role: str, password: str | None = None, *,
            organizer: str | None = None, password_hash: str | None = None,
            replace_existing: bool = False, campaigns: Iterable[str] = ()) -> UserRow:
        """A new user with ``password`` (checked, then hashed) or an existing ``password_hash``
        (a users file's import), limited to ``campaigns`` (none: every campaign). Refused
        when the username is taken, unless ``replace_existing``: a user replaced stays as
        active as she was (a deactivation is undone only by enabling her, which revokes what
        tokens she had)."""
        username = username.strip()
        organizer = organizer.strip() if organizer else None
        _check(username, role, organizer)
        campaigns = campaign_list(campaigns)
        old = self.get(username)
        if old is not None and not replace_existing:
            raise UserError(f"username: {username!r} is taken")
        if password_hash is None:
            problem = password_problem(password or "")
            if problem:
                raise UserError(f"password: {problem}")
            password_hash = hash_password(password or "")
        elif "$" not in password_hash:
            raise UserError("password_hash: not a password hash")
        now = self.clock()
        row = UserRow(username, role, organizer, password_hash, old.active if old else True,
                      old.created if old else now, now, campaigns)
        self._put(row)
        return row

    def _change(self, username: str, **fields: Any) -> UserRow:
        old = self.get(username)
        if old is None:
            raise UserError("username: no such user")
        row = replace(old, updated=self.clock(), **fields)
        _check(row.username, row.role, row.organizer)
        self._put(row)
        return row

    def set_role(self, username: str, role: str, organizer: str | None = None) -> UserRow:
        old = self.get(username)
        return self._change(username, role=role,
                            organizer=(organizer.strip() if organizer else
                                       (old.organizer if old else None)))

    def set_campaigns(self, username: str, campaigns: Iterable[str]) -> UserRow:
        """Limit her to ``campaigns`` (none: every campaign again); her next request sees it."""
        return self._change(username, campaigns=campaign_list(campaigns))

    def reset_password(self, username: str, password: str) -> UserRow:
        """A new password: the fingerprint of every session changes, so they all end."""
        problem = password_problem(password)
        if problem:
            raise UserError(f"password: {problem}")
        return self._change(username, password_hash=hash_password(password))

    def set_active(self, username: str, active: bool) -> UserRow:
        return self._change(username, active=active)

    def password_hash_of(self, username: str) -> str | None:
        """The hash a live session is checked against; ``None`` for an unknown or inactive
        user (their sessions end)."""
        row = self.get(username)
        return row.password_hash if row is not None and row.active else None

    def import_users(self, rows: Iterable[UserRow], *, replace_existing: bool = False
                     ) -> tuple[list[str], list[str]]:
        """Add users with their existing hashes; returns (added, kept as they were)."""
        added, kept = [], []
        for r in rows:
            if self.get(r.username) is not None and not replace_existing:
                kept.append(r.username)
                continue
            self.add(r.username, r.role, organizer=r.organizer, password_hash=r.password_hash,
                     replace_existing=True, campaigns=r.campaigns)
            added.append(r.username)
        return added, kept

    # --- the sign-in lockout, shared by every process on the store ----------------------------
    limit, window, lockout = 5, 60.0, 60.0
    #: Failures for one username from any addresses within ``user_window`` seconds that lock
    #: it everywhere (guessing spread over many addresses), until they age out.
    user_limit, user_window = 20, 600.0

    def who(self, username: str) -> str:
        """What a failure is kept under: a keyed hash of the typed username, never the text
        (it may be a password typed in the wrong box). Keyed by ``MAPPER_SECRET_KEY``, which
        every process of a server shares (without one: this process's own key)."""
        key = os.environ.get("MAPPER_SECRET_KEY", "").encode() or _PROCESS_KEY
        typed = username.strip().casefold()[:200].encode()
        return hmac.new(key, b"login-failure\0" + typed, hashlib.sha256).hexdigest()

    def locked(self, username: str, address: str) -> bool:
        """Whether ``limit`` failures within ``window`` seconds happened less than
        ``lockout`` seconds ago for this (username, address), or ``user_limit`` failures for
        this username from any addresses within ``user_window`` seconds."""
        now, who = self.clock(), self.who(username)
        times = sorted(self._failures(who, address, now - self.window - self.lockout))
        for i in range(len(times) - self.limit + 1):
            last = times[i + self.limit - 1]
            if last - times[i] < self.window and now < last + self.lockout:
                return True
        return len(self._user_failures(who, now - self.user_window)) >= self.user_limit

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        keep = max(self.window + self.lockout, self.user_window)
        self._clear_failures("", address, before=now - keep)
        self._fail(self.who(username), address, now)

    def succeeded(self, username: str, address: str) -> None:
        self._clear_failures(self.who(username), address)


# --- SQLite ---------------------------------------------------------------------------------

class SQLiteSide:
    """A connection of its own to the store's SQLite file, for tables beside the records."""

    def __init__(self, path: str, ddl: str) -> None:
        from mapper.stores.sqlite_file import connect, read_only

        # A file this process may not write is read as the store reads it (its tables made
        # already, or a write's "read-only" error says why they cannot be).
        to_read = read_only(path)
        self._db = connect(path, 30, to_read=to_read)
        self._lock = threading.Lock()
        with self._lock:
            if path != ":memory:" and not to_read:
                self._db.execute("PRAGMA journal_mode=WAL")
            # A deleted row is zeroed, not left in its page: the audit's id for someone
            # forgotten is keyed by her name (whatever the build's default).
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.executescript(ddl)

    def execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        """All ``rows`` in one transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(sql, rows)
                self._db.execute("COMMIT")
            except BaseException:
                # (Unless SQLite ended it itself: a COMMIT that finds the disk full rolls the
                # transaction back, and a ROLLBACK then hides that error behind its own.)
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self._db.close()


_USERS_DDL = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    organizer TEXT,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    campaigns TEXT NOT NULL DEFAULT '[]'
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS login_failures (
    who TEXT NOT NULL,
    address TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_who ON login_failures (who, address);
"""


class SQLiteUsers(UserStore):
    """Users in the tables ``users`` and ``login_failures`` of the store's SQLite file."""

    def __init__(self, path: str, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self._side = SQLiteSide(path, _USERS_DDL)
        columns = {r[1] for r in self._side.execute("PRAGMA table_info(users)")}
        if "campaigns" not in columns:
            # A store made before accounts had campaigns: each of its users keeps every one.
            try:
                self._side.execute("ALTER TABLE users ADD COLUMN campaigns TEXT NOT NULL "
                                   "DEFAULT '[]'")
            except sqlite3.OperationalError:
                pass  # another process added it first

    def close(self) -> None:
        self._side.close()

    def _put(self, row: UserRow) -> None:
        self._side.execute("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (row.username, row.role, row.organizer, row.password_hash,
                            int(row.active), row.created, row.updated,
                            json.dumps(list(row.campaigns))))

    def get(self, username: str) -> UserRow | None:
        rows = self._side.execute("SELECT * FROM users WHERE username = ?", (username,))
        return _row(rows[0]) if rows else None

    def all(self) -> list[UserRow]:
        return [_row(r) for r in self._side.execute("SELECT * FROM users ORDER BY username")]

    def _fail(self, who: str, address: str, at: float) -> None:
        self._side.execute("INSERT INTO login_failures VALUES (?, ?, ?)", (who, address, at))

    def _failures(self, who: str, address: str, since: float) -> list[float]:
        return [r[0] for r in self._side.execute(
            "SELECT at FROM login_failures WHERE who = ? AND address = ? AND at >= ?",
            (who, address, since))]

    def _user_failures(self, who: str, since: float) -> list[float]:
        return [r[0] for r in self._side.execute(
            "SELECT at FROM login_failures WHERE who = ? AND at >= ?", (who, since))]

    def _clear_failures(self, who: str, address: str, before: float | None = None) -> None:
        if before is None:
            self._side.execute("DELETE FROM login_failures WHERE who = ? AND address = ?",
                               (who, address))
        else:
            self._side.execute("DELETE FROM login_failures WHERE at < ?", (before,))


def _row(r: tuple) -> UserRow:
    return UserRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6], tuple(json.loads(r[7])))


# --- Neo4j ----------------------------------------------------------------------------------

class Neo4jSide:
    """The store's Neo4j driver, for nodes beside the records (queries under ``queries/``)."""

    def __init__(self, driver: Any, database: str | None, schema: Iterable[str]) -> None:
        from mapper.sessions import ensure_neo4j_schema

        self._driver, self._database = driver, database
        ensure_neo4j_schema(driver, database, schema)

    def write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        with self._driver.session(database=self._database) as session:
            return session.execute_write(
                lambda tx: [r.data() for r in tx.run(_query(name), **params)])

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        with self._driver.session(database=self._database) as session:
            return session.execute_read(
                lambda tx: [r.data() for r in tx.run(_query(name), **params)])


def _query(name: str) -> str:
    from mapper.stores.neo4j import load_query

    return load_query(name)


class Neo4jUsers(UserStore):
    """Users as ``:AppUser`` nodes and failed sign-ins as ``:LoginFailure`` nodes."""

    def __init__(self, driver: Any, database: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self._side = Neo4jSide(driver, database, ("users/create_user_constraint",
                                                  "users/create_failure_index"))

    def _put(self, row: UserRow) -> None:
        self._side.write("users/put_user", username=row.username, role=row.role,
                         organizer=row.organizer, password_hash=row.password_hash,
                         active=row.active, created=row.created, updated=row.updated,
                         campaigns=list(row.campaigns))

    def get(self, username: str) -> UserRow | None:
        rows = self._side.read("users/get_user", username=username)
        return _node_row(rows[0]) if rows else None

    def all(self) -> list[UserRow]:
        return [_node_row(r) for r in self._side.read("users/list_users")]

    def _fail(self, who: str, address: str, at: float) -> None:
        self._side.write("users/create_failure", who=who, address=address, at=at)

    def _failures(self, who: str, address: str, since: float) -> list[float]:
        return [r["at"] for r in self._side.read("users/get_failures", who=who,
                                                 address=address, since=since)]

    def _user_failures(self, who: str, since: float) -> list[float]:
        return [r["at"] for r in self._side.read("users/get_user_failures", who=who,
                                                 since=since)]

    def _clear_failures(self, who: str, address: str, before: float | None = None) -> None:
        if before is None:
            self._side.write("users/delete_failures", who=who, address=address)
        else:
            self._side.write("users/delete_old_failures", before=before)


def _node_row(r: dict[str, Any]) -> UserRow:
    # A node kept before accounts had campaigns has none: every campaign.
    return UserRow(**{**r, "campaigns": tuple(r.get("campaigns") or ())})


def users_for_path(path: str, clock: Callable[[], float] = time.time) -> UserStore:
    """Users in the SQLite file ``path`` (``:memory:``: this process only)."""
    return SQLiteUsers(path, clock)


def users_for(store: Any, clock: Callable[[], float] = time.time) -> UserStore:
    """The user store beside ``store``: the same SQLite file or the same Neo4j database."""
    from mapper.stores.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        return SQLiteUsers(store.path, clock)
    from mapper.stores.neo4j import Neo4jStore

    if isinstance(store, Neo4jStore):
        return Neo4jUsers(store.driver, store.database, clock)
    raise TypeError(f"no user store for a {type(store).__name__}")


def accounts_beside(store: Any) -> list[UserRow]:
    """The accounts kept beside ``store``, read as they are: no table or schema is made for
    them (a store no one ever had an account on, a command-line one, has none), and none
    beside a store that keeps none. For a rule about accounts, not to change one."""
    from mapper.stores.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        if store.path == ":memory:":
            return []
        db = sqlite3.connect(store.path, timeout=30)
        try:
            columns = [r[1] for r in db.execute("PRAGMA table_info(users)")]
            if not columns:
                return []
            # (A table kept before accounts had campaigns: each of them works on every one.)
            picked = "campaigns" if "campaigns" in columns else "'[]'"
            return [_row(r) for r in db.execute(
                "SELECT username, role, organizer, password_hash, active, created, updated, "
                f"{picked} FROM users ORDER BY username")]
        finally:
            db.close()
    from mapper.stores.neo4j import Neo4jStore

    if isinstance(store, Neo4jStore):
        with store.driver.session(database=store.database) as session:
            return session.execute_read(lambda tx: [
                _node_row(r.data()) for r in tx.run(_query("users/list_users"))])
    return []


def digest(text: str) -> str:
    """SHA-256 hex of ``text`` (tokens are kept only as this)."""
    return hashlib.sha256(text.encode()).hexdigest()


def from_mapping(users: Mapping[str, Any]) -> list[UserRow]:
    """Rows for users given as dashboard ``User`` objects (a users file, a test's users)."""
    return [UserRow(u.username, u.role, u.organizer, u.password_hash,
                    campaigns=tuple(getattr(u, "campaigns", ()) or ()))
            for u in users.values()]
