"""Shared fixtures: the two real stores, and a real Neo4j server started by the test run."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from mapper.stores.base import Store

# No background refresher of stored answers in the dashboards tests build (a thread computing
# while a test runs would make it depend on timing); tests of the refresher start their own.
os.environ.setdefault("MAPPER_ANSWER_REFRESH", "0")
# Nor a stale one served after a write: a test that writes, then reads a page, sees its write
# (the bound is tested where it is set: tests/test_stored_answers.py and an age callback test).
os.environ.setdefault("MAPPER_ANSWER_LAG", "0")


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """A real Neo4j: ``NEO4J_URI`` when set, else one started here from neo4j-harness.

    A server that cannot start fails the tests that need it; it is never a skip.
    """
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    from mapper.testing.neo4j_server import Neo4jServer

    server = Neo4jServer()
    try:
        server.start()
    except Exception as exc:  # pragma: no cover - reported as a failure, with the log tail
        pytest.fail(f"could not start Neo4j for the tests: {exc}", pytrace=False)
    try:
        yield server.uri
    finally:
        server.stop()


def _open(kind: str, request: pytest.FixtureRequest, tmp_path) -> Store:
    if kind == "sqlite":
        from mapper.stores.sqlite import SQLiteStore

        return SQLiteStore(tmp_path / f"store-{len(list(tmp_path.iterdir()))}.db")
    from mapper.stores.neo4j import Neo4jStore

    uri = request.getfixturevalue("neo4j_uri")
    store = Neo4jStore(uri, os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD"),
                       os.environ.get("NEO4J_DATABASE"))
    store.clear()
    return store


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    """Each contract test runs once on the embedded store and once on Neo4j."""
    s = _open(request.param, request, tmp_path)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def open_store_of_kind(request: pytest.FixtureRequest, tmp_path):
    """Open an empty store of a named kind ("sqlite" or "neo4j") inside a test."""
    opened: list[Store] = []

    def make(kind: str) -> Store:
        s = _open(kind, request, tmp_path)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()
