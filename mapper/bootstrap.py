"""The composition root: the one place that decides which store is used.

The rule, everywhere (CLI, dashboard, library): an explicit ``db`` path (the ``--db`` flag)
means that embedded file; otherwise ``NEO4J_URI``, if set, means Neo4j; otherwise the embedded
file ``MAPPER_DB`` (default ``mapper.db``).
"""

from __future__ import annotations

import sqlite3
import sys
import weakref
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from mapper.config import Settings
from mapper.stores.base import Store, Upkeep

__all__ = ["STORE_RULE", "open_store", "where", "describe", "store_failure"]

#: The rule in one sentence, for ``--help`` texts.
STORE_RULE = ("--db picks an embedded file; without it, NEO4J_URI (if set) picks Neo4j, "
              "else the file MAPPER_DB (default ./mapper.db).")

# What each store opened here is, for describe(): a store does not know its own address.
_OPENED: weakref.WeakKeyDictionary[Store, str] = weakref.WeakKeyDictionary()


def _uses_neo4j(db: str | None, settings: Settings) -> bool:
    return db is None and bool(settings.neo4j_uri)


def open_store(db: str | None = None, settings: Settings | None = None, *,
               upkeep: Callable[[Upkeep], None] | None = None) -> Store:
    """Open the store the rule picks (see the module docstring).

    ``db`` is an explicit file path (the ``--db`` flag); ``settings`` default to the environment;
    ``upkeep`` is told how far the work the store does before it answers is (a migration's
    rebuild: :attr:`mapper.stores.base.Store.upkeep`).
    """
    settings = settings or Settings()
    if _uses_neo4j(db, settings):
        from mapper.stores.neo4j import Neo4jStore

        store: Store = Neo4jStore(settings.neo4j_uri, settings.neo4j_user,
                                  settings.neo4j_password, settings.neo4j_database,
                                  upkeep=upkeep)
    else:
        from mapper.stores.sqlite import SQLiteStore

        store = SQLiteStore(db or settings.mapper_db, upkeep=upkeep)
    _OPENED[store] = where(db, settings)
    return store


def store_file(db: str | None = None, settings: Settings | None = None) -> str | None:
    """The embedded store file :func:`open_store` with the same arguments opens (and creates
    when it is missing); None when it connects to Neo4j.

    >>> store_file("demo.db", Settings(neo4j_uri="bolt://localhost:7687"))
    'demo.db'
    >>> store_file(None, Settings(neo4j_uri="bolt://localhost:7687")) is None
    True
    """
    settings = settings or Settings()
    return None if _uses_neo4j(db, settings) else str(db or settings.mapper_db)


def _without_credentials(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def where(db: str | None = None, settings: Settings | None = None) -> str:
    """Where :func:`open_store` with the same arguments goes, for messages (no password).

    >>> where("demo.db", Settings(neo4j_uri="bolt://localhost:7687"))
    'embedded file demo.db'
    >>> where(None, Settings(neo4j_uri="neo4j://neo4j:secret@db.example:7687", neo4j_database="c1"))
    'Neo4j at neo4j://db.example:7687 (database c1)'
    >>> where(None, Settings(mapper_db="campaign.db"))
    'embedded file campaign.db'
    """
    settings = settings or Settings()
    if _uses_neo4j(db, settings):
        database = f" (database {settings.neo4j_database})" if settings.neo4j_database else ""
        return f"Neo4j at {_without_credentials(settings.neo4j_uri or '')}{database}"
    return f"embedded file {db or settings.mapper_db}"


def describe(store: Store) -> str:
    """Where the data of an open store lives, for messages (never includes a password)."""
    if store in _OPENED:
        return _OPENED[store]
    path = getattr(store, "path", None)
    if path is not None:
        return f"embedded file {path}"
    return f"{type(store).__name__.removesuffix('Store') or type(store).__name__} store"


# What SQLite's result codes (the primary code: the low byte) mean to whoever runs a command.
_SQLITE_FAILURES = {
    sqlite3.SQLITE_BUSY: "the store is busy: another process kept it locked for longer than "
                         "a write waits",
    sqlite3.SQLITE_LOCKED: "the store is busy: another process kept it locked for longer than "
                           "a write waits",
    sqlite3.SQLITE_FULL: "the disk that holds the store is full",
    sqlite3.SQLITE_IOERR: "the store file could not be written or read (a disk I/O error: "
                          "a full disk, a file size limit, a failing disk)",
    sqlite3.SQLITE_READONLY: "the store file cannot be written here (read-only)",
    sqlite3.SQLITE_CANTOPEN: "the store file cannot be opened",
    sqlite3.SQLITE_PERM: "the store file cannot be written here (permission denied)",
    sqlite3.SQLITE_CORRUPT: "the store file is damaged",
    sqlite3.SQLITE_NOTADB: "the store file is not a store",
}


def store_failure(exc: BaseException) -> str | None:
    """What the user is told when the store failed under a command, or None when ``exc`` is
    no such failure (a bug keeps its traceback): the embedded file full, locked by another
    process past the busy timeout, read-only or damaged; the Neo4j server gone. In words of
    our own: never the driver's, which may quote a query.

    >>> store_failure(ValueError("a bug")) is None
    True
    """
    if isinstance(exc, sqlite3.DatabaseError):
        code = getattr(exc, "sqlite_errorcode", None)
        return None if code is None else _SQLITE_FAILURES.get(code & 0xFF)
    errors = sys.modules.get("neo4j.exceptions")  # (loaded only if Neo4j was used)
    if errors is not None and isinstance(exc, (errors.ServiceUnavailable,
                                               errors.SessionExpired)):
        return "the Neo4j server could not be reached, or went away"
    return None
