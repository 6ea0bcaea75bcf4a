"""Settings, read from the environment (and flags): which store, where."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """``MAPPER_DB`` picks the embedded file; ``NEO4J_URI`` (if set) picks Neo4j instead."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    mapper_db: str = Field("mapper.db", description="embedded store file")
    neo4j_uri: str | None = None
    neo4j_user: str | None = None
    neo4j_password: str | None = None
    neo4j_database: str | None = None
