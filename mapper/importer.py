"""Importing files: validate everything first, then write all or (with skip_invalid) the good ones."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mapper.models import Record
from mapper.readers import RawRecord, RecordError, read_file, validate
from mapper.stores.base import Store, WriteResult

__all__ = ["ImportReport", "check_files", "import_files"]


@dataclass(slots=True)
class ImportReport:
    records: list[Record] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    rejected: list[RawRecord] = field(default_factory=list)
    result: WriteResult | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def check_files(paths: Sequence[Path], *, kind: str | None = None,
                campaign: str | None = None) -> ImportReport:
    """Read and validate every record of every file; write nothing."""
    report = ImportReport()
    for path in paths:
        if not path.exists():
            report.errors.append(RecordError(str(path), "file", "(file)", "no such file"))
            continue
        try:
            for raw in read_file(path, kind):
                record, errors = validate(raw, campaign)
                if errors:
                    report.errors += errors
                    report.rejected.append(raw)
                else:
                    report.records.append(record)
        except (ValueError, UnicodeDecodeError) as exc:
            where, _, message = str(exc).partition(": ")
            report.errors.append(RecordError(where, "file", "(file)", message or str(exc)))
    return report


def import_files(store: Store, paths: Sequence[Path], *, kind: str | None = None,
                 campaign: str | None = None, skip_invalid: bool = False,
                 rejected_path: Path | None = None,
                 progress: Callable[[int], None] | None = None) -> ImportReport:
    """Validate all files first; if any record is bad write nothing, unless ``skip_invalid``.

    With ``skip_invalid`` the good records are written and the rejected ones saved as JSON
    Lines to ``rejected_path`` (they may hold personal details: the file stays beside the input).
    """
    report = check_files(paths, kind=kind, campaign=campaign)
    if report.errors and not skip_invalid:
        return report
    if report.rejected and rejected_path is not None:
        with rejected_path.open("w", encoding="utf-8") as fh:
            for raw in report.rejected:
                if isinstance(raw.data, dict):
                    # Tagged with its kind, so the fixed file imports as it is.
                    fh.write(json.dumps({"record_type": raw.kind, **raw.data},
                                        ensure_ascii=False, default=str) + "\n")
    report.result = store.write(report.records, progress=progress)
    return report
