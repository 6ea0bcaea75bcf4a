"""The store contract: what the embedded store and Neo4j both promise."""

from __future__ import annotations

import abc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from mapper.models import RECORD_KINDS, AliasRow, OneOnOne, Record, body_hash
from mapper.projection import Aliases, Projection, project, record_id, record_kind
from mapper.snapshot import Snapshot, SnapshotRows, build_snapshot, gc_paused

__all__ = ["Store", "StoredRecord", "WriteResult", "PersonHit", "EXPORT_ORDER"]

# Export order makes a re-import build the same graph: aliases key names, the roster and the
# hierarchy name nodes first, conversations follow in date order.
EXPORT_ORDER = ("alias", "roster", "hierarchy", "tie", "conversation")


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as the store keeps it: the unit of truth."""

    id: str
    kind: str
    campaign: str
    hash: str
    body: dict[str, Any]
    projection: Projection | None = None
    # False when the store is known not to hold this id: nothing to drop before writing.
    replacing: bool = True


@dataclass(slots=True)
class WriteResult:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0

    @property
    def written(self) -> int:
        return self.added + self.replaced


@dataclass(frozen=True, slots=True)
class PersonHit:
    key: str
    name: str
    campaign: str
    conversations: int


def _load(kind: str, rec: StoredRecord) -> Any:
    """A stored record as its model; a record the current schema rejects names its fields only.

    pydantic's own message would quote the stored values, and those may be a worker's story.
    """
    try:
        return RECORD_KINDS[kind].model_validate(rec.body)
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                           for e in exc.errors(include_url=False, include_input=False))
        raise ValueError(f"stored record {rec.id} no longer validates: {fields}") from None


def stored(record: Record, aliases: Aliases, *, body: dict[str, Any] | None = None,
           hash_: str | None = None, rid: str | None = None, replacing: bool = True) -> StoredRecord:
    """The record as a store keeps it; ``body``, ``hash_`` and ``rid`` when already computed."""
    body = body if body is not None else record.model_dump(mode="json", exclude_none=True)
    return StoredRecord(rid or record_id(record), record_kind(record), record.campaign,
                        hash_ or body_hash(body), body, project(record, aliases), replacing)


class Store(abc.ABC):
    """A place that keeps 1-on-1 records and the graph projected from them.

    Writes are idempotent (re-sending a record changes nothing), replacing (the same id with
    new content replaces exactly what the old content produced) and atomic per batch.
    """

    batch_size = 500

    # --- what each store implements -------------------------------------------------------
    @abc.abstractmethod
    def _hashes(self, ids: Sequence[str]) -> dict[str, str]:
        """Stored content hash of each id that exists."""

    @abc.abstractmethod
    def _apply(self, batch: Sequence[StoredRecord]) -> None:
        """In one transaction: for each record drop what its id produced, then write it whole."""

    @abc.abstractmethod
    def iter_records(self, campaign: str | None = None, kind: str | None = None) -> Iterator[StoredRecord]:
        """Stored records (body only), ordered by kind (EXPORT_ORDER), then date, then id."""

    @abc.abstractmethod
    def snapshot_rows(self, campaign: str) -> SnapshotRows: ...

    @abc.abstractmethod
    def counts(self, campaign: str | None = None) -> dict[str, dict[str, int]]:
        """``{"nodes": {kind: n}, "edges": {type: n}, "records": {kind: n}}``."""

    @abc.abstractmethod
    def campaigns(self) -> list[str]: ...

    @abc.abstractmethod
    def person_record_ids(self, campaign: str, person_key: str) -> list[str]:
        """Ids of the conversations held with a person, oldest first."""

    @abc.abstractmethod
    def get_records(self, ids: Sequence[str]) -> list[StoredRecord]: ...

    @abc.abstractmethod
    def search_people(self, campaign: str, query: str, limit: int = 20) -> list[PersonHit]: ...

    @abc.abstractmethod
    def version(self) -> int:
        """A number that changes whenever the store's content changes (for caches)."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove everything (tests, and `mapper reset`)."""

    def close(self) -> None:  # pragma: no cover - default
        pass

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- shared behaviour -----------------------------------------------------------------
    def aliases(self, campaign: str | None = None) -> Aliases:
        return Aliases([AliasRow.model_validate(r.body)
                        for r in self.iter_records(campaign, "alias")])

    def write(self, records: Iterable[Record],
              progress: Callable[[int], None] | None = None) -> WriteResult:
        """Store validated records; see the class docstring for the semantics."""
        # Projecting a large import allocates millions of objects and frees few: automatic
        # collections would rescan them all (a third of the import time at 10k conversations).
        with gc_paused():
            return self._write(records, progress)

    def _write(self, records: Iterable[Record],
               progress: Callable[[int], None] | None) -> WriteResult:
        records = list(records)
        result = WriteResult()
        alias_rows = [r for r in records if isinstance(r, AliasRow)]
        aliases = self.aliases()
        new_alias_campaigns: set[str] = set()
        for row in alias_rows:
            aliases.add(row)
        # Aliases go first, so the records after them are keyed by the new names.
        ordered = alias_rows + [r for r in records if not isinstance(r, AliasRow)]
        # Within one call the last copy of an id wins, as if they were sent one by one.
        latest: dict[str, Record] = {}
        for r in ordered:
            latest[record_id(r)] = r
        items = list(latest.items())
        for start in range(0, len(items), self.batch_size):
            chunk = items[start:start + self.batch_size]
            have = self._hashes([rid for rid, _ in chunk])
            batch = []
            for rid, rec in chunk:
                body = rec.model_dump(mode="json", exclude_none=True)
                digest = body_hash(body)
                if have.get(rid) == digest:
                    result.unchanged += 1
                    continue
                if rid in have:
                    result.replaced += 1
                else:
                    result.added += 1
                if isinstance(rec, AliasRow):
                    new_alias_campaigns.add(rec.campaign)
                batch.append(stored(rec, aliases, body=body, hash_=digest, rid=rid,
                                    replacing=rid in have))
            if batch:
                self._apply(batch)
            if progress:
                progress(len(chunk))
        for campaign in sorted(new_alias_campaigns):
            self.reproject(campaign)
        return result

    def reproject(self, campaign: str) -> int:
        """Project a campaign's records again (after its aliases change); returns how many."""
        aliases = self.aliases(campaign)
        batch: list[StoredRecord] = []
        n = 0
        for kind in EXPORT_ORDER:
            if kind == "alias":
                continue
            for rec in self.iter_records(campaign, kind):
                model = _load(kind, rec)
                batch.append(stored(model, aliases))
                if len(batch) >= self.batch_size:
                    self._apply(batch)
                    n += len(batch)
                    batch = []
        if batch:
            self._apply(batch)
            n += len(batch)
        return n

    def snapshot(self, campaign: str) -> Snapshot:
        """The campaign's graph for analytics (no personal details)."""
        with gc_paused():
            return build_snapshot(self.snapshot_rows(campaign))

    def person_key(self, campaign: str, name: str) -> str:
        return self.aliases(campaign).key("person", campaign, name)

    def person_history(self, campaign: str, name_or_key: str) -> list[OneOnOne]:
        """Every conversation held with a person, oldest first (full records: personal)."""
        key = name_or_key if name_or_key.startswith("person:") else self.person_key(campaign, name_or_key)
        ids = self.person_record_ids(campaign, key)
        by_id = {r.id: r for r in self.get_records(ids)}
        return [_load("conversation", by_id[i]) for i in ids if i in by_id]

    def export(self, campaign: str | None = None) -> Iterator[str]:
        """Stored records as JSON Lines, each tagged with its ``record_type``; re-importable."""
        for kind in EXPORT_ORDER:
            for rec in self.iter_records(campaign, kind):
                yield json.dumps({"record_type": kind, **rec.body}, ensure_ascii=False, sort_keys=True)

    def conversation_texts(self, campaign: str, ids: Iterable[str] | None = None,
                           fields: Sequence[str] = ("ask.action", "follow_up.assignment"),
                           ) -> dict[str, dict[str, Any]]:
        """Words the graph does not hold, read from the stored 1-on-1s: personal.

        ``{conversation id: {field path: value}}`` with only the ``fields`` asked for (dotted
        paths into the record, e.g. ``ask.action``, ``ask.fears``) that the record fills; the
        ids are the conversations' own (:attr:`mapper.snapshot.Conversation.id`), and ``ids``
        None means every conversation of the campaign. Show them only to whom the role rules
        allow (:data:`mapper.privacy.PERSONAL_FIELDS`).
        """
        from mapper.projection import conversation_key

        if ids is None:
            records: Iterable[StoredRecord] = self.iter_records(campaign, "conversation")
        else:
            wanted = list(dict.fromkeys(ids))
            if not wanted:
                return {}
            # The store-wide key of a 1-on-1, and its bare id as stores written before
            # campaign-scoped keys still hold it.
            records = self.get_records([conversation_key(campaign, i) for i in wanted] + wanted)
        out: dict[str, dict[str, Any]] = {}
        for rec in records:
            body = rec.body
            if rec.kind != "conversation" or body.get("campaign", rec.campaign) != campaign:
                continue
            found = {}
            for path in fields:
                value: Any = body
                for part in path.split("."):
                    value = value.get(part) if isinstance(value, dict) else None
                if value is not None and value != "" and value != []:
                    found[path] = value
            out[body["id"]] = found
        return out
