"""Settings, read from the environment (and flags): which store, where."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

__all__ = ["Settings", "is_loopback"]


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


# A plain dataclass, not pydantic-settings: importing that took ~0.1 s of every command's start.
@dataclass(frozen=True)
class Settings:
    """The environment's store settings; :func:`mapper.bootstrap.open_store` applies the rule.

    ``NEO4J_URI`` (if set) picks Neo4j; otherwise ``MAPPER_DB`` names the embedded file. An
    explicit ``--db`` file overrides both. A field given as an argument overrides its variable.

    >>> Settings(mapper_db="campaign.db").mapper_db
    'campaign.db'
    """

    mapper_db: str = field(default_factory=lambda: _env("MAPPER_DB", "mapper.db"))
    neo4j_uri: str | None = field(default_factory=lambda: _env("NEO4J_URI"))
    neo4j_user: str | None = field(default_factory=lambda: _env("NEO4J_USER"))
    neo4j_password: str | None = field(default_factory=lambda: _env("NEO4J_PASSWORD"),
                                       repr=False)
    neo4j_database: str | None = field(default_factory=lambda: _env("NEO4J_DATABASE"))


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
