"""Importing files: validate everything first, then write all or (with skip_invalid) the good ones."""

from __future__ import annotations

import gc
import json
import stat
from contextlib import ExitStack
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from typing import Any

from mapper import clock
from mapper.apart import KeptApart
from mapper.identity import Identities, IdentityReport
from mapper.mapping import Mapping
from mapper.models import AliasRow, Assignment, HierarchyRow, Record, RosterRow, phone_region
from mapper.privacy import open_private
from mapper.projection import _normalize as normalize  # cached: names repeat per row
from mapper.projection import Aliases, record_id
from mapper.readers import (UNREADABLE, FileError, RawRecord, ReadOptions, RecordError,
                            read_file, shape_error, validate)
from mapper.respelling import respelled
from mapper.snapshot import gc_paused
from mapper.stores.base import Store, WriteResult

__all__ = ["ImportReport", "ImportOptions", "check_files", "write_checked", "import_files", "WRITE_CHUNK",
           "KEEP_LIMIT", "ERRORS_PER_FILE", "PREFETCH_BYTES"]


#: Records written per call to ``Store.write`` while streaming an import.
WRITE_CHUNK = 5000
#: Up to this many valid records are kept from the check for the write; a bigger import is read
#: a second time instead, so memory stays bounded at any size.
KEEP_LIMIT = 200_000
#: Files of at most so many bytes together (about a thousand 1-on-1s, or ten thousand roster
#: rows) are checked before their people are resolved, so only the stored people they could be
#: are read (:meth:`mapper.identity.Identities.prefetch`); bigger imports read the campaign's
#: people once.
PREFETCH_BYTES = 1 << 20
#: Errors listed per file; the rest are counted (a 100,000-column CSV is one mistake, not
#: 100,000 lines to read).
ERRORS_PER_FILE = 20


@dataclass(slots=True)
class ImportReport:
    valid: int = 0
    # The first ERRORS_PER_FILE errors of each file, then one line counting the rest.
    errors: list[RecordError] = field(default_factory=list)
    # Every error, listed or not.
    error_count: int = 0
    rejected: list[RawRecord] = field(default_factory=list)
    unreadable_files: list[str] = field(default_factory=list)
    result: WriteResult | None = None
    rejected_saved: int = 0
    # The valid records themselves, while there are at most KEEP_LIMIT of them (else None).
    kept: list[Record] | None = field(default=None, repr=False)
    # Each file's (size, modification time) when checked: a second read must find the same.
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    # Who the people were: new, matched, look-alikes, ambiguous (see mapper.identity).
    identity: IdentityReport = field(default_factory=IdentityReport)
    # Per spreadsheet: its kind, the column mapping used, the columns left unmapped.
    found: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    # Hierarchy rows for the supervisors a roster names (written after the records).
    derived: list[Record] = field(default_factory=list, repr=False)
    # 1-on-1s and updates without an id kept apart from another organizer's record of the
    # id derived for them, or the same organizer's about another person (mapper.apart).
    apart: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(slots=True)
class ImportOptions:
    """How files are read and whom their rows are: see :func:`check_files`."""

    mapping: Mapping | None = None
    sheet: str | None = None
    # A record naming no campaign is refused (the text says what the store holds), unless
    # a campaign is given: the CLI never lets one fall into a silent "default".
    require_campaign: str | None = None
    phone_region: str | None = None
    store: Any | None = None
    #: Whether whoever imports may write each of a chunk of records (asked once per chunk:
    #: the rule reads the store): None when allowed, else the field refused and why (no
    #: value), reported as the record's error (an upload's role rules).
    allowed: Callable[[list[Record]], list[tuple[str, str] | None]] | None = None
    #: Why a row of this campaign is refused (None: it is not), asked before anything of the
    #: row is read from the store: a row of a campaign the importer does not work on is
    #: matched against no one there (the people counts said whom that campaign holds).
    outside: Callable[[str], str | None] | None = None


def _checked(paths: Sequence[Path], kind: str | None, campaign: str | None,
             report: ImportReport, options: ImportOptions | None = None, *,
             one_by_one: bool = False) -> Iterator[Record]:
    """Yield every valid record of every file, adding the bad ones' errors to ``report``.
    ``one_by_one``: each row asked whether it may be written (``options.allowed``) when it is
    reached, not with the rows after it (a read that is written as it goes)."""
    options = options or ImportOptions()
    seen: dict[str, str] = {}
    read = ReadOptions(mapping=options.mapping, sheet=options.sheet, found=report.found)
    # The region named once for the whole import (else each phone number reads the
    # environment's MAPPER_PHONE_REGION again), and tomorrow, the latest date a 1-on-1 may
    # carry (else each date read MAPPER_TODAY again).
    context = {"phone_region": options.phone_region or phone_region(),
               "tomorrow": clock.tomorrow()}
    identities = Identities(options.store) if options.store is not None else None
    aliases: dict[str, Aliases] = {}  # per campaign: the store's, and the rows taken so far
    # Whose each derived id is, and about whom: the store's (read a chunk of rows at a time),
    # and the rows taken so far (so two organizers' rows of one file are two records too, and
    # one organizer's with two people whose names slug alike).
    apart = (KeptApart(options.store.record_organizers, identities.aliases)
             if options.store is not None and identities is not None else KeptApart())

    def checked(path: Path) -> Iterator[tuple[RawRecord, Record, list[RecordError]]]:
        for raw in read_file(path, kind, read):
            record, errors = validate(raw, campaign, require_campaign=options.require_campaign,
                                      context=context)
            why = (options.outside(record.campaign) if record is not None and not errors
                   and options.outside is not None else None)
            yield raw, record, [RecordError(raw.where, raw.label, "campaign", why)] if why \
                else errors

    files = [(path, checked(path)) for path in paths]
    if identities is not None and _small(paths):
        # A few records (a day's 1-on-1s): read and checked first, then only the stored
        # people they could be are looked up, not the whole campaign (a minute at a million
        # people on Neo4j). Resolved the same either way (Identities.prefetch).
        files = [(path, _replay(records)) for path, records in files]
        identities.prefetch(record for _, records in files for _, record, errors in records.held
                            if not errors)
    for path, records in files:
        found = 0
        pending: list[tuple[RawRecord, Record, list[RecordError]]] = []

        def note(errors: list[RecordError]) -> None:
            nonlocal found
            report.errors += errors[:max(0, ERRORS_PER_FILE - found)]
            found += len(errors)
            report.error_count += len(errors)

        def settle() -> Iterator[Record]:
            """The pending rows in order: each valid one yielded, each bad one noted. Whether
            they may be written is asked once for them all (the rule reads the store: once per
            chunk, not per row), against the store as it is before any of them is written."""
            valid = [record for _, record, errors in pending if not errors]
            refusals = iter(options.allowed(valid) if options.allowed is not None and valid
                            else [])
            for raw, record, errors in pending:
                if not errors and options.allowed is not None:
                    refused = next(refusals)
                    if refused is not None:
                        errors = [RecordError(raw.where, raw.label, *refused)]
                if errors:
                    columns = report.found.get(str(path), {}).get("columns")
                    if columns:
                        errors = [_in_column(e, columns) for e in errors]
                    note(errors)
                    report.rejected.append(raw)
                else:
                    report.valid += 1
                    yield record
            pending.clear()

        def resolved(rows: Iterable[tuple[RawRecord, Record, list[RecordError]]]
                     ) -> Iterator[tuple[RawRecord, Record, list[RecordError]]]:
            for raw, record, errors in rows:
                if not errors and identities is not None:
                    record = identities.resolve(record, raw.where, raw.label)
                yield raw, record, errors

        stopped: FileError | None = None
        try:
            # Whose ids are read a chunk ahead, of the people as matched (a contact named alone
            # given her custom id is another person's key, and another place).
            for raw, record, errors in _ahead(resolved(records), apart):
                if not errors:
                    given, record = record, apart.place(record)
                    rid = record_id(record)
                    if rid in seen and isinstance(record, RosterRow) and record.custom_id:
                        errors = [RecordError(raw.where, raw.label, "custom_id",
                                              f"the same custom id appears at {seen[rid]} "
                                              "(one person, two rows)")]
                    elif rid in seen:
                        # Two records with one id in one import: one would silently replace the
                        # other. The id itself is not shown: it holds the contact's name.
                        errors = [RecordError(raw.where, raw.label, "id",
                                              f"the same record id appears at {seen[rid]}")]
                    else:
                        seen[rid] = raw.where
                        report.apart += record is not given
                if not errors and isinstance(record, AliasRow):
                    errors = _alias_refused(record, raw, aliases, identities)
                pending.append((raw, record, errors))
                if len(pending) >= (1 if one_by_one else WRITE_CHUNK):
                    yield from settle()
        except FileError as exc:
            stopped = exc
        yield from settle()
        if stopped is not None:  # (after the rows read before it)
            note([RecordError(stopped.where, "file", "(file)", stopped.message)])
            report.unreadable_files.append(str(path))
        if found > ERRORS_PER_FILE:
            report.errors.append(RecordError(str(path), "file", "(file)",
                                             f"{found - ERRORS_PER_FILE:,} more error(s) not listed"))
    if identities is not None:
        report.identity = identities.report


def _alias_refused(row: AliasRow, raw: RawRecord, aliases: dict[str, Aliases],
                   identities: Identities | None) -> list[RecordError]:
    """An alias row checked as `mapper alias` checks one (:meth:`Aliases.refusal`), against
    the store's aliases and the rows of this import taken before it (two rows of one file
    can swap two people as well); taken, it is added to them."""
    known = aliases.get(row.campaign)
    if known is None:
        known = aliases[row.campaign] = (identities.aliases(row.campaign).extended([])
                                         if identities is not None else Aliases())
    refused = known.refusal(row)
    if refused is not None:
        return [RecordError(raw.where, raw.label, *refused)]
    known.add(row)
    return []


def _ahead(rows: Iterator[tuple[RawRecord, Record, list[RecordError]]], apart: KeptApart
           ) -> Iterator[tuple[RawRecord, Record, list[RecordError]]]:
    """The rows in order, read up to :data:`WRITE_CHUNK` ahead: whose the ids of each chunk's
    1-on-1s and updates are is read for the chunk at once (:meth:`KeptApart.prefetch`), never
    row by row (a second read of a big import takes its rows one by one). The error that
    stopped the read is raised after the rows read before it."""
    chunk: list[tuple[RawRecord, Record, list[RecordError]]] = []
    stopped: FileError | None = None
    try:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= WRITE_CHUNK:
                apart.prefetch(record for _, record, errors in chunk if not errors)
                yield from chunk
                chunk = []
    except FileError as exc:
        stopped = exc
    apart.prefetch(record for _, record, errors in chunk if not errors)
    yield from chunk
    if stopped is not None:
        raise stopped


def _small(paths: Sequence[Path]) -> bool:
    """Whether the files are regular files of at most :data:`PREFETCH_BYTES` together."""
    total = 0
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            return False  # the read reports it
        if not stat.S_ISREG(st.st_mode):
            return False
        total += st.st_size
    return total <= PREFETCH_BYTES


class _replay:
    """A file's checked records read to the end now (:attr:`held`), then given again in order,
    with the error that stopped the read (if any) raised after them, where reading raised it."""

    def __init__(self, records: Iterator[tuple[RawRecord, Record, list[RecordError]]]) -> None:
        self.held: list[tuple[RawRecord, Record, list[RecordError]]] = []
        self.error: FileError | None = None
        try:
            self.held.extend(records)
        except FileError as exc:
            self.error = exc

    def __iter__(self) -> Iterator[tuple[RawRecord, Record, list[RecordError]]]:
        yield from self.held
        if self.error is not None:
            raise self.error


def _in_column(error: RecordError, columns: dict[str, str]) -> RecordError:
    """An error on a mapped field, naming the spreadsheet column it came from too."""
    head = error.field.split(".", 1)[0]
    column = columns.get(head)
    if column is None:
        return error
    return RecordError(error.where, error.record, f"{error.field} ({column})", error.message)


def _supervisors(records: Iterator[Record], store: Any | None, report: ImportReport
                 ) -> Iterator[Record]:
    """Pass records through, noting the supervisors roster rows name; at the end, put a
    hierarchy row for each (whom she reports to, when she is on the roster too) into
    ``report.derived``, unless the store already has one for her (a hierarchy file wins)."""
    bosses: dict[tuple[str, str], str] = {}
    # Each roster row's title and supervisor only (the whole row, at a million people, was
    # gigabytes held until the end of the check).
    rows: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for record in records:
        if isinstance(record, RosterRow):
            rows[(record.campaign, normalize(record.name))] = (record.role, record.supervisor)
            if record.supervisor:
                bosses.setdefault((record.campaign, normalize(record.supervisor)), record.supervisor)
        yield record
    if not bosses:
        return
    derived = []
    for (camp, norm), name in bosses.items():
        title, reports_to = rows.get((camp, norm), (None, None))
        derived.append(HierarchyRow(name=name, campaign=camp, title=title, reports_to=reports_to))
    if store is not None:
        held = {r.id for r in store.get_records([record_id(h) for h in derived])}
        derived = [h for h in derived if record_id(h) not in held]
    report.derived = derived


def _stamps(paths: Sequence[Path]) -> dict[str, tuple[int, int]]:
    out = {}
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue  # the read reports it
        out[str(path)] = (st.st_size, st.st_mtime_ns)
    return out


def check_files(paths: Sequence[Path], *, kind: str | None = None,
                campaign: str | None = None, keep: bool = True,
                options: ImportOptions | None = None) -> ImportReport:
    """Read and validate every record of every file; write nothing.

    Valid records are counted, and kept (unless ``keep`` is False: a check that writes
    nothing) only up to :data:`KEEP_LIMIT`, so checking a million-person campaign needs no more
    memory than its errors.
    """
    report = ImportReport(kept=[] if keep else None, stamps=_stamps(paths))
    # The kept models are long-lived and acyclic: automatic collections would rescan all of
    # them again and again (more than half the time of checking 5,000 conversations).
    store = options.store if options else None
    with ExitStack() as paused:
        paused.enter_context(gc_paused())
        for record in _supervisors(_checked(paths, kind, campaign, report, options), store, report):
            if report.kept is not None:
                report.kept.append(record)
                if len(report.kept) > KEEP_LIMIT:
                    report.kept = None
                    # Nothing long-lived from here on, and a store's reads (the identities
                    # looked up in Neo4j) leave cycles only the collector frees.
                    paused.close()
        if report.kept:
            # Still paused: the kept models go straight to the oldest generation, where they
            # end anyway. Else the collection that follows the pause scans every object made
            # during it (5% of importing 10k people's 5,000 1-on-1s) to promote them there.
            gc.freeze()
            gc.unfreeze()
    return report


def write_checked(store: Store, paths: Sequence[Path], report: ImportReport, *,
                  kind: str | None = None, campaign: str | None = None,
                  rejected_path: Path | None = None,
                  progress: Callable[[int], None] | None = None,
                  options: ImportOptions | None = None) -> ImportReport:
    """Write the valid records of files already checked into ``report``, streaming in chunks.

    Records the check kept are written as they are; past :data:`KEEP_LIMIT` the files are read
    a second time instead of held in memory, and if one changed since the check nothing is
    written (``result`` stays None, the error names the file). Rejected records are skipped
    and, if ``rejected_path`` is given, saved there.
    """
    if report.kept is None:
        changed = [p for p, stamp in _stamps(paths).items() if report.stamps.get(p) != stamp]
        if changed:
            report.errors += [RecordError(p, "file", "(file)", "changed since it was checked; "
                                          "import it again") for p in changed]
            report.error_count += len(changed)
            return report
    # A record too deep or too big to walk is reported, not saved: writing it would expand it.
    savable = [raw for raw in report.rejected if raw.kind != UNREADABLE
               and isinstance(raw.data, dict) and shape_error(raw.data) is None]
    if savable and rejected_path is not None:
        # Rejected records hold stories and contact details: only the owner may read the file.
        try:
            fh = open_private(rejected_path)
        except OSError as exc:  # (before any record is written: nothing is)
            report.errors.append(RecordError(str(rejected_path), "file", "(file)",
                                             "the rejected records cannot be saved there "
                                             f"({exc.strerror or type(exc).__name__})"))
            report.error_count += 1
            return report
        with fh:
            for raw in savable:
                # Tagged with its kind, so the fixed file imports as it is.
                fh.write(json.dumps({"record_type": raw.kind, **raw.data},
                                    ensure_ascii=False, default=str) + "\n")
        report.rejected_saved = len(savable)
    total = WriteResult()
    again = ImportReport()  # the second read finds the same errors; they are reported once
    chunk: list[Record] = []

    def flush() -> None:
        # A contact assignment rewrites her every spelling's, as `mapper assign` does.
        # (Worked out first: the chunk's own spellings are counted among hers.)
        also = respelled(store, chunk) if any(isinstance(r, Assignment) for r in chunk) else []
        result = store.write(chunk, progress=progress)
        if also:  # not counted as the file's records, nor in its progress
            store.write(also)
        total.added += result.added
        total.replaced += result.replaced
        total.unchanged += result.unchanged
        chunk.clear()

    if report.kept is not None:
        records: Iterator[Record] | list[Record] = report.kept
    else:
        # Read again and resolved again (the counts reported are the check's).
        # (Written as it is read: each row asked after the rows before it were handed to the
        # writer, as the check asked it of the store then; a chunk asked at once ran ahead of
        # the writes once a row was refused.)
        records = _checked(paths, kind, campaign, again, options, one_by_one=True)
    # The collector stays on between chunks (each store.write pauses it for its own): the
    # Neo4j driver's results are cycles, and a whole 1M import of them held 2-3 GiB.
    with store.bulk():
        for record in [*records, *report.derived] if report.kept is not None else _then(records, report.derived):
            chunk.append(record)
            if len(chunk) >= WRITE_CHUNK:
                flush()
        if chunk:
            flush()
    report.result = total
    return report


def _fields(options: ImportOptions) -> dict[str, Any]:
    return {name: getattr(options, name) for name in ImportOptions.__dataclass_fields__}


def _then(records: Iterator[Record], more: list[Record]) -> Iterator[Record]:
    yield from records
    yield from more


def import_files(store: Store, paths: Sequence[Path], *, kind: str | None = None,
                 campaign: str | None = None, skip_invalid: bool = False,
                 rejected_path: Path | None = None,
                 progress: Callable[[int], None] | None = None,
                 options: ImportOptions | None = None) -> ImportReport:
    """Validate all files first; if any record is bad write nothing, unless ``skip_invalid``.

    With ``skip_invalid`` the good records are written and the rejected ones saved as JSON
    Lines to ``rejected_path`` (readable by its owner only: they hold personal details).
    """
    options = options or ImportOptions()
    if options.store is None:
        options = ImportOptions(**{**_fields(options), "store": store})
    report = check_files(paths, kind=kind, campaign=campaign, options=options)
    if report.errors and not skip_invalid:
        return report
    return write_checked(store, paths, report, kind=kind, campaign=campaign,
                         rejected_path=rejected_path, progress=progress, options=options)
