"""The embedded store's file, opened to write, or to read only where this process may not."""

from __future__ import annotations

import os
import sqlite3
from urllib.parse import quote

__all__ = ["read_only", "connect"]


def read_only(path: str) -> bool:
    """Whether ``path`` is a file this process may read but not write: the file or its folder
    read-only (``chmod 444``, a read-only disk; SQLite writes a log and a shared-memory file
    beside it)."""
    if path == ":memory:" or not os.path.exists(path):
        return False
    folder = os.path.dirname(os.path.abspath(path))
    return not (os.access(path, os.W_OK) and os.access(folder, os.W_OK))


def connect(path: str, timeout: float, *, to_read: bool = False) -> sqlite3.Connection:
    """A connection to the file (the store's way: autocommit, any thread); ``to_read``: one
    that only reads (every write fails as SQLite's "read-only").

    A file in use elsewhere (its log and shared-memory file beside it) is read through them.
    One that nothing has open is read as immutable: else SQLite would make a log and a
    shared-memory file beside it (none can be made in a read-only folder; in a writable one
    they would be left behind, read-only as the file is). Nothing may then write it while it
    is read: the file is read-only to this process, and no other had it open.
    """
    if not to_read:
        return sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                               timeout=timeout)
    uri = f"file:{quote(os.path.abspath(path))}?mode=ro"
    if not any(os.path.exists(path + end) for end in ("-wal", "-shm")):
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None,
                           timeout=timeout)
