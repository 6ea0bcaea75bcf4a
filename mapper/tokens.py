"""Personal access tokens for the JSON API: per user, shown once, kept hashed, revocable.

A token reads ``cm_<id>_<secret>``; the store keeps its id (to list and revoke it) and the
SHA-256 of the whole token, never the token. A token acts with its user's role as it is at each
request: a deactivated user's tokens stop working with their sessions. Its scopes say what it
may do within that role: ``read`` (the GETs), ``write`` (posting records), or both (a token
made without saying, and every token made before tokens had scopes).

>>> tokens = tokens_for_path(":memory:")
>>> made = tokens.create("maya", "phone form")
>>> tokens.resolve(made.token) == "maya"
True
>>> tokens.revoke(made.id)
True
>>> tokens.resolve(made.token) is None
True
>>> tokens.get(tokens.create("maya", scopes=["write"]).id).scopes
('write',)
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mapper.users import Neo4jSide, SQLiteSide, digest

__all__ = ["SCOPES", "TokenRow", "NewToken", "TokenStore", "SQLiteTokens", "Neo4jTokens",
           "tokens_for", "tokens_for_path", "scopes_of"]

_SHAPE = re.compile(r"^cm_[0-9a-f]{12}_[A-Za-z0-9_-]{20,80}$")
#: What a token may do: ``read`` the API's GETs, ``write`` records. Both unless narrowed.
SCOPES = ("read", "write")


def scopes_of(asked: Any) -> tuple[str, ...]:
    """``asked`` in :data:`SCOPES`' order; every scope when nothing is asked.

    >>> scopes_of(["write", "read", "write"]), scopes_of(None)
    (('read', 'write'), ('read', 'write'))
    """
    asked = set(asked or SCOPES)
    if not asked <= set(SCOPES):
        raise ValueError(f"scope: {' or '.join(SCOPES)}")
    return tuple(s for s in SCOPES if s in asked)


@dataclass(frozen=True, slots=True)
class TokenRow:
    id: str
    username: str
    label: str
    created: float
    revoked: float | None = None
    scopes: tuple[str, ...] = SCOPES

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "label": self.label,
                "created": self.created, "revoked": self.revoked, "scopes": list(self.scopes)}


@dataclass(frozen=True, slots=True)
class NewToken:
    id: str
    token: str  # shown once, never stored


class TokenStore(ABC):
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    @abstractmethod
    def _insert(self, row: TokenRow, token_hash: str) -> None: ...

    @abstractmethod
    def _by_hash(self, token_hash: str) -> TokenRow | None: ...

    @abstractmethod
    def _rows(self, username: str | None) -> list[TokenRow]: ...

    @abstractmethod
    def _revoke(self, token_id: str, at: float) -> int: ...

    def close(self) -> None:
        """Release what the implementation holds."""

    def create(self, username: str, label: str = "", scopes: Any = SCOPES) -> NewToken:
        """A new token; ``scopes`` a part of :data:`SCOPES` (ValueError otherwise)."""
        scopes = scopes_of(scopes)
        label = " ".join(label.split())[:40]
        token_id = secrets.token_hex(6)
        token = f"cm_{token_id}_{secrets.token_urlsafe(32)}"
        self._insert(TokenRow(token_id, username, label, self.clock(), None, scopes),
                     digest(token))
        return NewToken(token_id, token)

    def live(self, token: Any) -> TokenRow | None:
        """The row of a live token (its user and scopes), or None."""
        if not isinstance(token, str) or not _SHAPE.match(token):
            return None
        row = self._by_hash(digest(token))
        return None if row is None or row.revoked is not None else row

    def resolve(self, token: Any) -> str | None:
        """The username of a live token, or None."""
        row = self.live(token)
        return None if row is None else row.username

    def list(self, username: str | None = None) -> list[TokenRow]:
        return self._rows(username)

    def get(self, token_id: str) -> TokenRow | None:
        return next((r for r in self._rows(None) if r.id == token_id), None)

    def revoke(self, token_id: str) -> bool:
        """Revoke one token; False when no live token has that id."""
        return self._revoke(token_id, self.clock()) > 0


_TOKENS_DDL = """
CREATE TABLE IF NOT EXISTS api_tokens (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    label TEXT NOT NULL,
    created REAL NOT NULL,
    revoked REAL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL DEFAULT 'read write'
) WITHOUT ROWID;
"""


def _sqlite_row(r: tuple) -> TokenRow:
    return TokenRow(*r[:5], scopes=tuple(r[5].split()))


class SQLiteTokens(TokenStore):
    """The table ``api_tokens`` of the store's SQLite file."""

    def __init__(self, path: str, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self._side = SQLiteSide(path, _TOKENS_DDL)
        columns = {r[1] for r in self._side.execute("PRAGMA table_info(api_tokens)")}
        if "scopes" not in columns:
            # A store made before tokens had scopes: each of its tokens keeps both.
            try:
                self._side.execute("ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL "
                                   "DEFAULT 'read write'")
            except sqlite3.OperationalError:
                pass  # another process added it first, or the file is only read here
            columns = {r[1] for r in self._side.execute("PRAGMA table_info(api_tokens)")}
        scopes = "scopes" if "scopes" in columns else "'read write'"
        self._columns = f"id, username, label, created, revoked, {scopes}"

    def close(self) -> None:
        self._side.close()

    def _insert(self, row: TokenRow, token_hash: str) -> None:
        self._side.execute("INSERT INTO api_tokens (id, username, label, created, revoked, "
                           "token_hash, scopes) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (row.id, row.username, row.label, row.created, row.revoked,
                            token_hash, " ".join(row.scopes)))

    def _by_hash(self, token_hash: str) -> TokenRow | None:
        rows = self._side.execute(f"SELECT {self._columns} FROM api_tokens "
                                  "WHERE token_hash = ?", (token_hash,))
        return _sqlite_row(rows[0]) if rows else None

    def _rows(self, username: str | None) -> list[TokenRow]:
        sql = f"SELECT {self._columns} FROM api_tokens"
        rows = (self._side.execute(sql + " WHERE username = ? ORDER BY created", (username,))
                if username is not None else self._side.execute(sql + " ORDER BY created"))
        return [_sqlite_row(r) for r in rows]

    def _revoke(self, token_id: str, at: float) -> int:
        return len(self._side.execute("UPDATE api_tokens SET revoked = ? WHERE id = ? AND "
                                      "revoked IS NULL RETURNING id", (at, token_id)))


class Neo4jTokens(TokenStore):
    """``:ApiToken`` nodes in the store's Neo4j database."""

    def __init__(self, driver: Any, database: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self._side = Neo4jSide(driver, database, ("tokens/create_token_hash_constraint",))

    def _insert(self, row: TokenRow, token_hash: str) -> None:
        self._side.write("tokens/create_token", id=row.id, username=row.username,
                         label=row.label, created=row.created, token_hash=token_hash,
                         scopes=list(row.scopes))

    def _by_hash(self, token_hash: str) -> TokenRow | None:
        rows = self._side.read("tokens/get_token", token_hash=token_hash)
        return _node_row(rows[0]) if rows else None

    def _rows(self, username: str | None) -> list[TokenRow]:
        return [_node_row(r) for r in self._side.read("tokens/list_tokens", username=username)]

    def _revoke(self, token_id: str, at: float) -> int:
        return len(self._side.write("tokens/revoke_token", id=token_id, at=at))


def _node_row(r: dict[str, Any]) -> TokenRow:
    return TokenRow(**{**r, "scopes": tuple(r["scopes"])})


def tokens_for_path(path: str, clock: Callable[[], float] = time.time) -> TokenStore:
    return SQLiteTokens(path, clock)


def tokens_for(store: Any, clock: Callable[[], float] = time.time) -> TokenStore:
    """The token store beside ``store``: the same SQLite file or the same Neo4j database."""
    from mapper.stores.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        return SQLiteTokens(store.path, clock)
    from mapper.stores.neo4j import Neo4jStore

    if isinstance(store, Neo4jStore):
        return Neo4jTokens(store.driver, store.database, clock)
    raise TypeError(f"no token store for a {type(store).__name__}")
