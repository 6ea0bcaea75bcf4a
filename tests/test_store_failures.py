"""A store that fails part-way (a full disk, a file another process keeps locked, a Neo4j
server gone): the write under way is not kept, the error says what happened, and the same
command run again finishes the work."""

from __future__ import annotations

import contextlib
import datetime as dt
import resource
import sqlite3

import pytest

from mapper import readmodel
from mapper.stores.sqlite import SQLiteStore
from tests.records import CAMPAIGN, conversation, small_campaign

TODAY = dt.date(2026, 11, 20)


@contextlib.contextmanager
def disk_full_past(n: int):
    """Files may not grow past ``n`` bytes meanwhile: a write past it fails as on a full disk
    (Python ignores SIGXFSZ; the write gets EFBIG). Only the soft limit moves, so any user
    may set it back."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (n, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def many(n: int = 300) -> list:
    """1-on-1s enough to need more than 64 KiB of log at their commit."""
    return [conversation(f"Person {i}", "2026-11-01", id=f"p{i}") for i in range(n)]


def answers(store) -> tuple:
    return (store.overview(CAMPAIGN), store.ladder(CAMPAIGN, today=TODAY),
            store.follow_ups(CAMPAIGN, today=TODAY))


def test_a_write_whose_commit_finds_the_disk_full_raises_that_and_keeps_nothing_of_it(tmp_path):
    store = SQLiteStore(tmp_path / "store.db")
    store.write(small_campaign())
    before = (store.counts(), sorted(store.export()), answers(store))
    with disk_full_past(64 << 10), pytest.raises(sqlite3.OperationalError) as err:
        store.write(many())
    # SQLite rolled the transaction back itself: its error is the one raised, not a failed
    # ROLLBACK's ("cannot rollback - no transaction is active").
    assert "rollback" not in str(err.value)
    assert err.value.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR)
    assert not store._db.in_transaction
    assert store._db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert (store.counts(), sorted(store.export()), answers(store)) == before
    # With room again, the same write goes through whole, and the read model is as a rebuild
    # makes it.
    assert store.write(many()).added == 300
    kept = answers(store)
    store.rebuild_read_model(CAMPAIGN)
    assert answers(store) == kept
    store.close()
