"""The composition root: the one place that decides which store is used."""

from __future__ import annotations

from mapper.config import Settings
from mapper.stores.base import Store

__all__ = ["open_store", "describe"]


def open_store(db: str | None = None, settings: Settings | None = None) -> Store:
    """Open the store the settings point to: Neo4j when ``NEO4J_URI`` is set, else the file.

    An explicit ``db`` path always means the embedded store.
    """
    settings = settings or Settings()
    if settings.neo4j_uri and not db:
        from mapper.stores.neo4j import Neo4jStore

        return Neo4jStore(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password,
                          settings.neo4j_database)
    from mapper.stores.sqlite import SQLiteStore

    return SQLiteStore(db or settings.mapper_db)


def describe(store: Store) -> str:
    """Where the data lives, for messages (never includes a password)."""
    uri = getattr(store, "uri", None)
    return f"Neo4j at {uri}" if uri else f"embedded file {getattr(store, 'path', '?')}"
