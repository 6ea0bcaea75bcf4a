"""Importing files: validate everything first, then write all or (with skip_invalid) the good ones."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mapper.models import Record
from mapper.projection import record_id
from mapper.readers import UNREADABLE, FileError, RawRecord, RecordError, read_file, validate
from mapper.snapshot import gc_paused
from mapper.stores.base import Store, WriteResult

__all__ = ["ImportReport", "check_files", "import_files"]


@dataclass(slots=True)
class ImportReport:
    records: list[Record] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    rejected: list[RawRecord] = field(default_factory=list)
    unreadable_files: list[str] = field(default_factory=list)
    result: WriteResult | None = None
    rejected_saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def check_files(paths: Sequence[Path], *, kind: str | None = None,
                campaign: str | None = None) -> ImportReport:
    """Read and validate every record of every file; write nothing."""
    report = ImportReport()
    seen: dict[str, str] = {}
    for path in paths:
        if not path.exists():
            report.errors.append(RecordError(str(path), "file", "(file)", "no such file"))
            continue
        try:
            for raw in read_file(path, kind):
                record, errors = validate(raw, campaign)
                if not errors:
                    rid = record_id(record)
                    if rid in seen:
                        # Two records with one id in one import: one would silently replace the other.
                        errors = [RecordError(raw.where, rid, "id",
                                              f"the same record id appears at {seen[rid]}")]
                    else:
                        seen[rid] = raw.where
                if errors:
                    report.errors += errors
                    report.rejected.append(raw)
                else:
                    report.records.append(record)
        except FileError as exc:
            report.errors.append(RecordError(exc.where, "file", "(file)", exc.message))
            report.unreadable_files.append(str(path))
    return report


def import_files(store: Store, paths: Sequence[Path], *, kind: str | None = None,
                 campaign: str | None = None, skip_invalid: bool = False,
                 rejected_path: Path | None = None,
                 progress: Callable[[int], None] | None = None) -> ImportReport:
    """Validate all files first; if any record is bad write nothing, unless ``skip_invalid``.

    With ``skip_invalid`` the good records are written and the rejected ones saved as JSON
    Lines to ``rejected_path`` (they may hold personal details: the file stays beside the input).
    """
    # Validation keeps every record alive until the write: see Store.write on the collector.
    with gc_paused():
        report = check_files(paths, kind=kind, campaign=campaign)
    if report.errors and not skip_invalid:
        return report
    savable = [raw for raw in report.rejected if raw.kind != UNREADABLE and isinstance(raw.data, dict)]
    if savable and rejected_path is not None:
        # Rejected records hold stories and contact details: only the owner may read the file.
        fd = os.open(rejected_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for raw in savable:
                # Tagged with its kind, so the fixed file imports as it is.
                fh.write(json.dumps({"record_type": raw.kind, **raw.data},
                                    ensure_ascii=False, default=str) + "\n")
        report.rejected_saved = len(savable)
    report.result = store.write(report.records, progress=progress)
    return report
