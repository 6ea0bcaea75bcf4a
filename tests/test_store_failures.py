"""A store that fails part-way (a full disk, a file another process keeps locked, a Neo4j
server gone): the write under way is not kept, the error says what happened, and the same
command run again finishes the work."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import resource
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mapper import cli
from mapper.stores import sqlite as sqlite_module
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


def test_the_audit_trails_entries_on_a_full_disk_raise_that_and_keep_none(tmp_path):
    """The audit trail beside the store appends a write's entries in one transaction: on a
    full disk its COMMIT failed, SQLite rolled back, and our ROLLBACK then raised "cannot
    rollback - no transaction is active" in place of the disk's error."""
    from mapper.audit import SQLiteAudit

    SQLiteStore(tmp_path / "store.db").close()
    audit = SQLiteAudit(str(tmp_path / "store.db"))
    audit.append_many("admin", [("record_created", "x" * 40, {"kind": "conversation"})])
    before = audit.entries()
    entries = [("record_created", f"{i:040d}", {"kind": "conversation"}) for i in range(3000)]
    with disk_full_past(64 << 10), pytest.raises(sqlite3.OperationalError) as err:
        audit.append_many("admin", entries)
    assert "rollback" not in str(err.value)
    assert err.value.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR)
    assert audit.entries() == before
    audit.append_many("admin", entries)  # with room again, all of them
    assert len(audit.entries()) == len(before) + 3000
    audit.close()


# --- what a user of the command line meets -------------------------------------------------

runner = CliRunner()


@pytest.fixture
def talks(tmp_path) -> Path:
    """A file of 300 1-on-1s, as `mapper import` takes it."""
    path = tmp_path / "talks.jsonl"
    path.write_text("".join(json.dumps(t.model_dump(mode="json", exclude_none=True)) + "\n"
                            for t in many()))
    return path


def said_plainly(result, *words: str) -> None:
    """The command failed with one line saying what happened, no traceback, no value."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "SECRET" not in result.output
    for word in words:
        assert word in result.output


def test_a_command_that_finds_the_store_locked_too_long_says_so_in_a_line(tmp_path, talks,
                                                                         monkeypatch):
    path = tmp_path / "store.db"
    SQLiteStore(path).close()
    monkeypatch.setattr(sqlite_module, "_BUSY_SECONDS", 0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing, for longer than a write waits
    try:
        result = runner.invoke(cli.app, ["import", str(talks), "--db", str(path)])
        said_plainly(result, "busy", f"embedded file {path}")
    finally:
        other.execute("ROLLBACK")
        other.close()
    result = runner.invoke(cli.app, ["import", str(talks), "--db", str(path)])
    assert result.exit_code == 0 and "300 added" in result.output, result.output


def test_an_import_onto_a_full_disk_says_so_and_run_again_it_finishes(tmp_path, talks):
    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        store.write(small_campaign())
    with disk_full_past(64 << 10):
        result = runner.invoke(cli.app, ["import", str(talks), "--db", str(path)])
    said_plainly(result, "disk", f"embedded file {path}")
    result = runner.invoke(cli.app, ["import", str(talks), "--db", str(path)])
    assert result.exit_code == 0 and "300 added" in result.output, result.output


@pytest.mark.neo4j
def test_a_neo4j_server_gone_mid_import_is_a_line_and_the_import_run_again_finishes_it(
        open_store_of_kind, neo4j_uri, talks, monkeypatch):
    from neo4j.exceptions import ServiceUnavailable

    from mapper.stores.neo4j import Neo4jStore

    store = open_store_of_kind("neo4j")
    store.write(small_campaign())
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    monkeypatch.setattr(Neo4jStore, "batch_size", 100)
    write_rows = Neo4jStore._write_rows
    batches = []

    def server_gone_at_the_second_batch(self, rows, tally):
        batches.append(rows)
        if len(batches) == 2:
            raise ServiceUnavailable("Couldn't connect to 127.0.0.1:7687")
        return write_rows(self, rows, tally)

    monkeypatch.setattr(Neo4jStore, "_write_rows", server_gone_at_the_second_batch)
    result = runner.invoke(cli.app, ["import", str(talks)])
    said_plainly(result, "Neo4j server")
    monkeypatch.setattr(Neo4jStore, "_write_rows", write_rows)
    result = runner.invoke(cli.app, ["import", str(talks)])
    assert result.exit_code == 0, result.output
    whole = SQLiteStore(":memory:")
    whole.write([*small_campaign(), *many()])
    assert store.counts(CAMPAIGN) == whole.counts(CAMPAIGN)
    assert answers(store) == answers(whole)


# --- a store file this process may not write -------------------------------------------------

@contextlib.contextmanager
def read_only(path: Path):
    """``path`` (a store file, or its folder) made read-only to this process: its mode, and
    where the tests run as root (whom a mode does not stop) the immutable attribute too, as
    a read-only disk would (skipped where root may not set it)."""
    mode = path.stat().st_mode
    path.chmod(mode & ~0o222)
    immutable = False
    try:
        if os.geteuid() == 0:
            made = shutil.which("chattr") and subprocess.run(
                ["chattr", "+i", str(path)], capture_output=True).returncode == 0
            if not made:
                pytest.skip("run as root on a file system that cannot make a file immutable")
            immutable = True
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(mode)


#: What gives someone's words or details out, with an entry in the audit trail.
AUDITED = (["follow-ups", "--json", "--today", "2026-11-30"], ["ladder"], ["ladder", "--json"],
           ["person", "Ana Lopez", "--private"],
           ["export"])
READS = (["overview", "--json"], ["ask-queue", "--json"],
         ["follow-ups", "--json"], ["stats", "--json"], ["search", "ana"], ["person", "Ana Lopez"],
         *AUDITED)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_store_file_answers_every_read_and_refuses_a_write_saying_so(
        tmp_path, talks, what, monkeypatch):
    """`chmod 444 mapper.db`, a folder or a disk mounted read-only: every read answers as on
    the writable file; a write says the file is read-only, and nothing changes."""
    monkeypatch.setenv("MAPPER_TODAY", TODAY.isoformat())
    folder = tmp_path / "campaign"
    path = folder / "store.db"
    with SQLiteStore(path) as store:
        store.write(small_campaign())
    answers = {}
    for args in READS:
        result = runner.invoke(cli.app, [*args, "--db", str(path)])
        assert result.exit_code == 0, result.output
        answers[" ".join(args)] = result.stdout
    before = _files(folder)
    with read_only(path if what == "file" else folder):
        for args in READS:
            result = runner.invoke(cli.app, [*args, "--db", str(path)])
            assert (result.exit_code, result.stdout) == (0, answers[" ".join(args)]), args
            if args in AUDITED:  # (its audit entry cannot be written: said)
                assert "audit trail does not record" in result.stderr, args
        result = runner.invoke(cli.app, ["import", str(talks), "--db", str(path)])
        said_plainly(result, "read-only", f"embedded file {path}")
        assert _files(folder) == before
    result = runner.invoke(cli.app, ["import", str(talks), "--db", str(path)])
    assert result.exit_code == 0 and "300 added" in result.output, result.output


def test_a_read_only_file_of_an_older_schema_says_to_open_it_writable_once(tmp_path):
    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        store.write(small_campaign())
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("UPDATE meta SET v = 12 WHERE k = 'schema'")
    db.close()
    with read_only(path):
        result = runner.invoke(cli.app, ["overview", "--db", str(path)])
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert str(path) in result.output, result.output
        assert "open it once where it can be written" in result.output, result.output
    result = runner.invoke(cli.app, ["overview", "--db", str(path)])
    assert result.exit_code == 0, result.output


def test_serving_a_read_only_store_file_is_refused_at_start_saying_why(tmp_path, monkeypatch):
    """`mapper serve` (and `mapper dashboard`) on a file it may only read started, and every
    sign-in was a 500: a sign-in writes its session, lockout and audit entry to that file.
    Refused before it listens, naming the file."""
    from mapper import serve as serve_module
    from mapper.users import users_for

    monkeypatch.setenv("MAPPER_SECRET_KEY", "k" * 32)
    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        store.write(small_campaign())
        users = users_for(store)
        users.add("sam", "admin", "a long enough passphrase")
        users.close()
    started: list[str] = []
    monkeypatch.setattr(serve_module, "serve", lambda options: started.append("serve"))
    monkeypatch.setattr(cli, "_serve", lambda *a, **k: started.append("dashboard"))
    monkeypatch.setattr(cli, "_check_port", lambda *a: None)
    with read_only(path):
        for command in ("serve", "dashboard"):
            result = runner.invoke(cli.app, [command, "--db", str(path)])
            assert result.exit_code == 2 and "Traceback" not in result.output, result.output
            assert "read-only" in result.output and str(path) in result.output, result.output
        # ... and the app another WSGI server calls (waitress on Windows), the same way.
        monkeypatch.setenv("MAPPER_DB", str(path))
        monkeypatch.delenv("NEO4J_URI", raising=False)
        with pytest.raises(RuntimeError, match="read-only"):
            serve_module.wsgi_app()
    assert started == []
    for command in ("serve", "dashboard"):
        assert runner.invoke(cli.app, [command, "--db", str(path)]).exit_code == 0
    assert started == ["serve", "dashboard"]
