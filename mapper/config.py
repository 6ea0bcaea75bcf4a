"""Settings, read from the environment (and flags): which store, where."""

from __future__ import annotations

import ipaddress

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "is_loopback"]


class Settings(BaseSettings):
    """The environment's store settings; :func:`mapper.bootstrap.open_store` applies the rule.

    ``NEO4J_URI`` (if set) picks Neo4j; otherwise ``MAPPER_DB`` names the embedded file. An
    explicit ``--db`` file overrides both.
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    mapper_db: str = Field("mapper.db", description="embedded store file")
    neo4j_uri: str | None = None
    neo4j_user: str | None = None
    neo4j_password: str | None = None
    neo4j_database: str | None = None


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (``0.0.0.0`` and names do not).

    >>> [is_loopback(h) for h in ("localhost", "127.0.0.1", "[::1]", "0.0.0.0", "example.org")]
    [True, True, True, False, False]
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
