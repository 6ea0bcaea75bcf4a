"""Drafts of a 1-on-1, kept on the server for their author only.

A draft is what an organizer typed into the form and saved as a draft: personal data (it may
hold a story, a phone, their fears). It is kept beside the store (a table of its own in the
SQLite file, ``:Draft`` nodes joined to nothing in Neo4j), never in the graph, the snapshot,
the analytics or an export, and is read, listed and deleted by its author only: every call
takes the author, and a row of someone else is answered as not there.

>>> drafts = MemoryDrafts(clock=lambda: 1.0)
>>> d = drafts.save("maya", "demo", {"contact.name": "Ana", "issues.0.story": "..."})
>>> [x.title for x in drafts.list("maya")], drafts.list("sam")
(['Ana'], [])
>>> drafts.get("sam", d.id) is None, drafts.delete("maya", d.id), drafts.list("maya")
(True, True, [])
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

__all__ = ["Draft", "DraftError", "DraftStore", "MemoryDrafts", "SQLiteDrafts", "Neo4jDrafts",
           "drafts_for", "MAX_DRAFTS", "MAX_FIELDS", "MAX_BYTES", "MAX_AGE_DAYS", "default_max_age_days"]

#: Drafts one author may keep (a form saved as draft again replaces its own draft).
MAX_DRAFTS = 50
#: Fields and bytes one draft may hold: more is not a person typing.
MAX_FIELDS = 3000
MAX_BYTES = 400_000
#: Days a draft is kept after it was last saved (``MAPPER_DRAFT_MAX_AGE_DAYS`` overrides):
#: a draft no one came back to is a story kept for nothing.
MAX_AGE_DAYS = 30
_MAX_PATH = 200
_NO_NAME = "(no name yet)"


class DraftError(ValueError):
    """A draft refused; the message names what is wrong, never a value."""


@dataclass(frozen=True, slots=True)
class Draft:
    """One draft: ``values`` are the form's inputs by record path (``contact.name``)."""

    id: str
    author: str
    campaign: str
    saved: float
    title: str
    values: dict[str, Any]


def _checked(values: Any) -> dict[str, Any]:
    if not isinstance(values, dict):
        raise DraftError("draft: expected the form's fields by name")
    if len(values) > MAX_FIELDS:
        raise DraftError(f"draft: more than {MAX_FIELDS:,} fields")
    out: dict[str, Any] = {}
    for path, value in values.items():
        if not isinstance(path, str) or not path or len(path) > _MAX_PATH:
            raise DraftError("draft: a field name is not one of the form's")
        if isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                raise DraftError(f"draft: {path[:_MAX_PATH]}: a list holds something not text")
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            raise DraftError(f"draft: {path[:_MAX_PATH]}: not text or a number")
        if value not in (None, "", []):
            out[path] = value
    return out


_REFERRAL = re.compile(r"^referrals\.(\d+)\.(.+)$")


def _unmentioned(values: dict[str, Any], named: Callable[[Any], bool]) -> dict[str, Any]:
    """The form's values without the referral rows whose name is ``named``."""
    gone = {m.group(1) for path, value in values.items()
            if (m := _REFERRAL.match(path)) and m.group(2) == "name" and named(value)}
    return {path: value for path, value in values.items()
            if not ((m := _REFERRAL.match(path)) and m.group(1) in gone)}


def _title(values: dict[str, Any]) -> str:
    name = values.get("contact.name")
    name = name.strip() if isinstance(name, str) else ""
    return " ".join(name.split())[:80] or _NO_NAME


def default_max_age_days() -> float:
    """:data:`MAX_AGE_DAYS`, or ``MAPPER_DRAFT_MAX_AGE_DAYS`` when set to a positive number."""
    raw = os.environ.get("MAPPER_DRAFT_MAX_AGE_DAYS", "").strip()
    if not raw:
        return MAX_AGE_DAYS
    try:
        days = float(raw)
    except ValueError:
        raise DraftError("MAPPER_DRAFT_MAX_AGE_DAYS: a number of days") from None
    if not days > 0:
        raise DraftError("MAPPER_DRAFT_MAX_AGE_DAYS: more than 0 days")
    return days


class DraftStore(ABC):
    """Drafts by author. Implementations keep rows; the rules live here.

    Drafts older than ``max_age_days`` (default :func:`default_max_age_days`) are deleted whenever
    drafts are saved or listed.
    """

    def __init__(self, clock: Callable[[], float] = time.time,
                 max_age_days: float | None = None) -> None:
        self.clock = clock
        days = max_age_days if max_age_days is not None else default_max_age_days()
        self.max_age = days * 86400.0

    # --- the rows (each implementation) -----------------------------------------------------
    @abstractmethod
    def _put(self, draft: Draft, body: str) -> None: ...

    @abstractmethod
    def _rows(self, author: str) -> list[tuple[str, str, float, str, str]]:
        """(id, campaign, saved, title, body) of the author's drafts."""

    @abstractmethod
    def _delete(self, author: str, draft_id: str) -> int: ...

    @abstractmethod
    def _purge(self, before: float) -> int:
        """Delete every author's drafts saved before ``before``; how many."""

    @abstractmethod
    def _campaign_rows(self, campaign: str) -> list[tuple[str, str, str]]:
        """(author, id, body) of every author's drafts of the campaign."""

    def close(self) -> None:
        """Release what the implementation holds."""

    # --- the rules --------------------------------------------------------------------------
    def save(self, author: str, campaign: str, values: dict[str, Any],
             draft_id: str | None = None) -> Draft:
        """Keep the form's ``values`` as the author's draft (replacing her draft ``draft_id``
        when given and hers; a new draft otherwise)."""
        if not author:
            raise DraftError("author: a draft needs its author")
        kept = _checked(values)
        self.purge()
        body = orjson.dumps(kept).decode()
        if len(body.encode()) > MAX_BYTES:
            raise DraftError(f"draft: larger than {MAX_BYTES:,} bytes")
        mine = {row[0] for row in self._rows(author)}
        if draft_id not in mine:
            if len(mine) >= MAX_DRAFTS:
                raise DraftError(f"draft: you keep {MAX_DRAFTS} drafts already; save or "
                                 "delete one")
            draft_id = secrets.token_urlsafe(12)
        draft = Draft(draft_id, author, str(campaign or ""), self.clock(), _title(kept), kept)
        self._put(draft, body)
        return draft

    def list(self, author: str, campaign: str | None = None) -> list[Draft]:
        """The author's drafts (of one campaign, if named), newest first."""
        self.purge()
        out = [Draft(i, author, c, s, t, orjson.loads(b)) for i, c, s, t, b in self._rows(author)
               if campaign is None or c == campaign]
        return sorted(out, key=lambda d: (-d.saved, d.id))

    def get(self, author: str, draft_id: Any) -> Draft | None:
        """The author's draft ``draft_id``; ``None`` if it is not there or not hers."""
        if not isinstance(draft_id, str):
            return None
        return next((d for d in self.list(author) if d.id == draft_id), None)

    def purge(self) -> int:
        """Delete the drafts older than the maximum age (every author's); how many."""
        return self._purge(self.clock() - self.max_age)

    def forget(self, campaign: str, is_them: Callable[[dict[str, Any]], bool],
               named: Callable[[Any], bool] | None = None) -> int:
        """Delete every author's drafts of the campaign whose form values ``is_them`` (a
        person who asked to be forgotten); how many. With ``named`` (whether a name is
        hers), a referral naming her is dropped from the other drafts, as from the 1-on-1s
        stored."""
        n = 0
        for author, draft_id, body in self._campaign_rows(campaign):
            values = orjson.loads(body)
            if is_them(values):
                n += self._delete(author, draft_id)
                continue
            kept = _unmentioned(values, named) if named is not None else values
            if kept != values:
                row = next((r for r in self._rows(author) if r[0] == draft_id), None)
                if row is not None:
                    self._put(Draft(draft_id, author, campaign, row[2], _title(kept), kept),
                              orjson.dumps(kept).decode())
        return n

    def delete(self, author: str, draft_id: Any) -> bool:
        """Delete the author's draft; whether there was one."""
        if not isinstance(draft_id, str) or not author:
            return False
        return self._delete(author, draft_id) > 0


class MemoryDrafts(DraftStore):
    """Drafts in this process only (for a ``:memory:`` store)."""

    def __init__(self, clock: Callable[[], float] = time.time,
                 max_age_days: float | None = None) -> None:
        super().__init__(clock, max_age_days)
        self._rows_by_key: dict[tuple[str, str], tuple[str, str, float, str, str]] = {}
        self._lock = threading.Lock()

    def _put(self, draft: Draft, body: str) -> None:
        with self._lock:
            self._rows_by_key[(draft.author, draft.id)] = (
                draft.id, draft.campaign, draft.saved, draft.title, body)

    def _rows(self, author: str) -> list[tuple[str, str, float, str, str]]:
        with self._lock:
            return [row for (a, _), row in self._rows_by_key.items() if a == author]

    def _delete(self, author: str, draft_id: str) -> int:
        with self._lock:
            return 1 if self._rows_by_key.pop((author, draft_id), None) else 0

    def _purge(self, before: float) -> int:
        with self._lock:
            old = [k for k, row in self._rows_by_key.items() if row[2] < before]
            for k in old:
                del self._rows_by_key[k]
            return len(old)

    def _campaign_rows(self, campaign: str) -> list[tuple[str, str, str]]:
        with self._lock:
            return [(a, row[0], row[4]) for (a, _), row in self._rows_by_key.items()
                    if row[1] == campaign]


_SQLITE_DDL = """
CREATE TABLE IF NOT EXISTS drafts (
    author TEXT NOT NULL,
    id TEXT NOT NULL,
    campaign TEXT NOT NULL,
    saved REAL NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (author, id)
) WITHOUT ROWID;
"""


class SQLiteDrafts(DraftStore):
    """Drafts in the table ``drafts`` of the store's SQLite file, on a connection of their own."""

    def __init__(self, path: str, clock: Callable[[], float] = time.time,
                 max_age_days: float | None = None) -> None:
        super().__init__(clock, max_age_days)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                   timeout=30)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            # A deleted draft's story is zeroed in the file, not left in a free page.
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.executescript(_SQLITE_DDL)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _put(self, draft: Draft, body: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO drafts VALUES (?, ?, ?, ?, ?, ?)",
                             (draft.author, draft.id, draft.campaign, draft.saved, draft.title,
                              body))

    def _rows(self, author: str) -> list[tuple[str, str, float, str, str]]:
        with self._lock:
            return self._db.execute("SELECT id, campaign, saved, title, body FROM drafts "
                                    "WHERE author = ?", (author,)).fetchall()

    def _delete(self, author: str, draft_id: str) -> int:
        with self._lock:
            return self._db.execute("DELETE FROM drafts WHERE author = ? AND id = ?",
                                    (author, draft_id)).rowcount

    def _purge(self, before: float) -> int:
        with self._lock:
            return self._db.execute("DELETE FROM drafts WHERE saved < ?", (before,)).rowcount

    def _campaign_rows(self, campaign: str) -> list[tuple[str, str, str]]:
        with self._lock:
            return self._db.execute("SELECT author, id, body FROM drafts WHERE campaign = ?",
                                    (campaign,)).fetchall()


_NEO4J_SCHEMA = ("drafts/create_draft_key_constraint",)


class Neo4jDrafts(DraftStore):
    """Drafts as ``(:Draft {author, id, campaign, saved, title, body})`` nodes, joined to
    nothing, in the store's Neo4j database through the store's driver."""

    def __init__(self, driver: Any, database: str | None = None,
                 clock: Callable[[], float] = time.time,
                 max_age_days: float | None = None) -> None:
        from mapper.sessions import ensure_neo4j_schema

        super().__init__(clock, max_age_days)
        self._driver, self._database = driver, database
        ensure_neo4j_schema(driver, database, _NEO4J_SCHEMA)

    def _put(self, draft: Draft, body: str) -> None:
        with self._driver.session(database=self._database) as session:
            session.execute_write(lambda tx: tx.run(
                _query("drafts/put_draft"), author=draft.author, id=draft.id,
                campaign=draft.campaign, saved=draft.saved, title=draft.title,
                body=body).consume())

    def _rows(self, author: str) -> list[tuple[str, str, float, str, str]]:
        def read(tx: Any) -> list[tuple]:
            return [tuple(r.values()) for r in tx.run(_query("drafts/get_drafts"), author=author)]

        with self._driver.session(database=self._database) as session:
            return session.execute_read(read)

    def _delete(self, author: str, draft_id: str) -> int:
        def write(tx: Any) -> int:
            return tx.run(_query("drafts/delete_draft"), author=author,
                          id=draft_id).single()["deleted"]

        with self._driver.session(database=self._database) as session:
            return session.execute_write(write)

    def _purge(self, before: float) -> int:
        def write(tx: Any) -> int:
            return tx.run(_query("drafts/delete_old_drafts"), before=before).single()["deleted"]

        with self._driver.session(database=self._database) as session:
            return session.execute_write(write)

    def _campaign_rows(self, campaign: str) -> list[tuple[str, str, str]]:
        def read(tx: Any) -> list[tuple]:
            return [tuple(r.values()) for r in tx.run(_query("drafts/list_campaign_drafts"),
                                                      campaign=campaign)]

        with self._driver.session(database=self._database) as session:
            return session.execute_read(read)


def _query(name: str) -> str:
    from mapper.stores.neo4j import load_query

    return load_query(name)


def drafts_for(store: Any, *, clock: Callable[[], float] = time.time,
               max_age_days: float | None = None) -> DraftStore:
    """The draft store beside ``store``: the same SQLite file or the same Neo4j database."""
    from mapper.stores.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        if store.path == ":memory:":
            return MemoryDrafts(clock, max_age_days)
        return SQLiteDrafts(store.path, clock, max_age_days)
    from mapper.stores.neo4j import Neo4jStore

    if isinstance(store, Neo4jStore):
        return Neo4jDrafts(store.driver, store.database, clock, max_age_days)
    raise TypeError(f"no draft store for a {type(store).__name__}")
