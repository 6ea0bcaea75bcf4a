"""Reading records from YAML, JSON, JSON Lines and CSV files, with where each came from."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner
from pydantic import ValidationError

from mapper.cells import unguard
from mapper.jsonkeys import keys_given_twice
from mapper.mapping import (Mapping, header_key, name_problems, resolve, row_mapper,
                            showable_header, suggest)
from mapper.sheets import TABLE_SUFFIXES, SheetError, Table, read_table
from mapper.models import RECORD_KINDS, DEFAULT_CAMPAIGN, Record

__all__ = ["RawRecord", "RecordError", "FileError", "ReadOptions", "read_file", "NO_CAMPAIGN", "validate", "unflatten",
           "shape_error", "LIST_SEPARATOR", "MAX_DEPTH", "MAX_VALUES", "MAX_CHARS",
           "MAX_COLUMNS", "TWICE", "TWICE_MESSAGE", "field_path"]

# The kind given to a line that could not be read as a record; validate() reports it.
UNREADABLE = "_unreadable"
# The kind given to a record too deep or too big to walk; its data is the reason.
TOO_BIG = "_too_big"
# The kind given to a record whose `record_type` is not one we know (its value is never echoed).
UNKNOWN_KIND = "_unknown"
# The kind given to a JSON record with a key given twice (the parser kept the last value
# silently); its data is the field's path.
TWICE = "_twice"
# A field name is shown in errors only if it looks like one: a story pasted as a key, or a
# name, must not be echoed. A schema path's parts always pass.
_SHOWABLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
# A record nests about six levels deep and holds a few hundred values; far more is a mistake or
# an attack (YAML aliases can make a few lines expand to billions of values).
MAX_DEPTH = 16
MAX_VALUES = 10_000
# A CSV of records has a few dozen columns (a few hundred with many issues); a file with
# thousands is not one, and reading it row by row would only repeat one mistake.
MAX_COLUMNS = 2_000
# Past this many errors in one record, they are counted, not listed (listing 100,000
# "unknown field" errors takes longer than finding them).
MAX_RECORD_ERRORS = 100
# Text a record may expand to through YAML aliases (a record's own text is bounded by its file).
MAX_CHARS = 2_000_000

LIST_SEPARATOR = ";"
# Columns whose cell holds a list of short names, separated by LIST_SEPARATOR.
_LIST_COLUMNS = {"plan.skills", "ask.fears", "self_care.tools_offered"}
# No 1-on-1 names hundreds of issues; a bigger index is a typo, not a list to allocate.
MAX_LIST_INDEX = 100
_STEM_KINDS = {"roster": "roster", "hierarchy": "hierarchy", "ties": "tie", "tie": "tie",
               "aliases": "alias", "alias": "alias", "updates": "update", "update": "update",
               "assignments": "assignment", "assignment": "assignment"}


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as read, before validation."""

    path: str
    line: int
    kind: str
    data: Any
    # JSON keeps no line numbers once parsed: records of a JSON array are counted instead.
    counted: bool = False
    # The record's place in its file (1-based); 0 when it is the only one (a form).
    number: int = 0
    # Tagged with its `record_type` (an export): taken as it is, no defaults filled in.
    tagged: bool = False

    @property
    def where(self) -> str:
        return f"{self.path}:record {self.line}" if self.counted else f"{self.path}:{self.line}"

    @property
    def label(self) -> str:
        """What an error calls the record: its number, never its id (an id holds a name)."""
        return f"record {self.number or self.line}"


@dataclass(frozen=True, slots=True)
class RecordError:
    """Why one record was rejected. Never carries the value that was given: it may be personal."""

    where: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field == "(file)":  # the whole file, not one of its records
            return f"{self.where} ({self.record}): {self.message}"
        return f"{self.where} ({self.record}): {self.field}: {self.message}"


class FileError(ValueError):
    """A file that cannot be read at all; ``where`` is ``path`` or ``path:line``."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where, self.message = where, message


def _kind_from_stem(path: Path) -> str | None:
    stem = path.name.split(".")[0].lower()
    for prefix, kind in _STEM_KINDS.items():
        if stem == prefix or stem.startswith(prefix + "-") or stem.startswith(prefix + "_"):
            return kind
    return None


def _kind_from_columns(columns: list[str]) -> str:
    cols = set(columns)
    if {"alias", "canonical"} <= cols:
        return "alias"
    if {"person", "other"} <= cols:
        return "tie"
    if "reports_to" in cols:
        return "hierarchy"
    if "organizer" in cols or "contact.name" in cols:
        return "conversation"
    return "roster"


def unflatten(row: dict[str, str]) -> dict[str, Any]:
    """Turn flat CSV columns into a nested record; empty cells are absent.

    ``contact.name`` becomes ``{"contact": {"name": ...}}``, ``issues.0.anger`` the anger of
    the first issue, and list columns (``plan.skills``, ``ask.fears``,
    ``self_care.tools_offered``) split on ``;``.

    >>> unflatten({"contact.name": "Ana", "issues.0.issue": "pay", "issues.0.anger": "4",
    ...            "plan.skills": "spanish; art", "notes": ""})
    {'contact': {'name': 'Ana'}, 'issues': [{'issue': 'pay', 'anger': '4'}], 'plan': {'skills': ['spanish', 'art']}}
    """
    out: dict[str, Any] = {}
    for number, (column, cell) in enumerate(row.items(), 1):
        if column is None or cell is None or cell.strip() == "":
            continue
        # A cell this product wrote with a leading ' (against formula injection) reads back as
        # it was; see mapper.cells.
        cell = unguard(cell)
        column = column.strip()
        value: Any = cell.strip()
        if column in _LIST_COLUMNS:
            value = [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]
        parts = column.split(".")
        if any(part.isdigit() and int(part) >= MAX_LIST_INDEX for part in parts):
            raise ValueError(f"{_column(column, number)}: list index above {MAX_LIST_INDEX - 1}")
        try:
            _place(out, parts, value)
        except (TypeError, ValueError, AttributeError):
            # `contact` beside `contact.name`, or `issues.x`: one cell cannot be both.
            raise ValueError(f"{_column(column, number)} clashes with another column") from None
    # Sparse indexes (issues.0, issues.2) leave empty dicts behind: drop them.
    for key, value in list(out.items()):
        if isinstance(value, list):
            out[key] = [item for item in value if item != {}]
    return out


def _column(column: str, number: int) -> str:
    """A column as errors name it: its header if that is a field path, else its number."""
    if all(part.isdigit() or _SHOWABLE_KEY.fullmatch(part) for part in column.split(".")):
        return f"column {column!r}"
    return f"column {number}"


def _place(out: dict[str, Any], parts: list[str], value: Any) -> None:
    node: Any = out
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt: Any = value if last else ([] if parts[i + 1].isdigit() else {})
        if isinstance(node, list):
            idx = int(part)
            while len(node) <= idx:
                node.append({})
            if last:
                node[idx] = nxt
            elif not node[idx]:
                node[idx] = nxt
            node = node[idx]
        elif last:
            node[part] = nxt
        else:
            node = node.setdefault(part, nxt)


try:  # libyaml's scanner and parser, when PyYAML has them: several times faster
    from yaml._yaml import CParser as _Parser
    _EVENTS: tuple[type, ...] = (_Parser,)
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = None
    _EVENTS = (Reader, Scanner, Parser)


# The composer first, so its methods win over libyaml's own (recursive, unbounded) ones.
class _Loader(Composer, SafeConstructor, Resolver, *_EVENTS):
    """PyYAML's safe loader, refusing nesting deeper than a record can be.

    Composing nodes is the one recursive step: this composer (PyYAML's own, over libyaml's
    events) bounds it, so a file of ``[[[[...`` ends in a clear error, not a RecursionError.
    Aliases are composed as shared nodes and constructed as shared objects, so a "billion
    laughs" file costs little until something walks it; ``aliased`` says a document used
    them, and then each of its records is measured (:func:`shape_error`) before anything
    walks it.
    """

    def __init__(self, stream: str) -> None:
        if _Parser is not None:
            _Parser.__init__(self, stream)
        else:  # pragma: no cover
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0
        self.aliased = False

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliased = True
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:  # +1: a file's top-level list of records
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        # A key given twice (a second `issues:` further down) would silently drop the first
        # value. (Keys brought in by a `<<` merge may be overridden: that is what it is for.)
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key given twice in one mapping", key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)

    def _or_text(self, node: yaml.Node, construct: Any) -> Any:
        # A date that does not exist (2026-13-45) or an integer of thousands of digits: keep
        # the text, and the field's own validation says what is wrong with it.
        try:
            return construct(self, node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        return self._or_text(node, SafeConstructor.construct_yaml_timestamp)

    def construct_yaml_int(self, node: yaml.Node) -> Any:
        return self._or_text(node, SafeConstructor.construct_yaml_int)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _yaml_records(path: Path, text: str) -> Iterator[tuple[int, Any, bool]]:
    """``(line, record, aliased)`` for each record of each document."""
    loader = _Loader(text)
    try:
        while loader.check_node():
            loader.aliased = False
            node = loader.get_node()
            data = loader.construct_document(node)
            if isinstance(node, yaml.SequenceNode):
                for item_node, item in zip(node.value, data):
                    yield item_node.start_mark.line + 1, item, loader.aliased
            elif data is not None:
                yield node.start_mark.line + 1, data, loader.aliased
    finally:
        loader.dispose()


def _json_records(text: str) -> Iterator[tuple[int, Any, bool]]:
    # orjson stops at 1,024 levels with an error; the standard library recurses until Python
    # raises RecursionError.
    data = orjson.loads(text)
    twice = keys_given_twice(text, data)
    if isinstance(data, list):
        # A record's first key given twice stands in for it (see _twice).
        firsts: dict[Any, Any] = {}
        for path in twice:
            firsts.setdefault(path[0], _Twice(path[1:]))
        # JSON keeps no positions once parsed; number the records instead (1-based).
        for i, item in enumerate(data, 1):
            yield i, firsts.get(i - 1, item), False
    else:
        yield 1, _Twice(twice[0]) if twice else data, False


@dataclass(frozen=True, slots=True)
class _Twice:
    """A JSON record that gives a key twice: the path to the (first such) key."""

    path: tuple[str | int, ...]


def _json_problem(exc: orjson.JSONDecodeError) -> str:
    # orjson's messages name what it expected, never the text it found.
    if "depth" in exc.msg:
        return "not valid JSON: nested deeper than 1,024 levels"
    return f"not valid JSON: {exc.msg}"


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's description of a syntax error, without the text it quotes from the file."""
    problem = str(getattr(exc, "problem", None) or "cannot be parsed")
    return re.sub(r"'[^']*'|\"[^\"]*\"", "…", problem)


class _TooBig(Exception):
    pass


def shape_error(data: Any, *, text: bool = False) -> str | None:
    """Why a record is too deep or too big to walk, or None; stops as soon as it knows.

    Counts values as a tree, so values shared through YAML aliases count every time they are
    used (and a value that contains itself counts until the limit). With ``text``, its
    characters are counted too (only aliases make them more than the file holds).

    >>> shape_error({"a": [1, 2]}) is None, shape_error([[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]])
    (True, 'the record is nested deeper than 16 levels')
    """
    budget = [MAX_VALUES, MAX_CHARS]

    def walk(value: Any, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _TooBig(f"nested deeper than {MAX_DEPTH} levels")
        children = value.values() if isinstance(value, dict) else value
        budget[0] -= len(children)
        if budget[0] < 0:
            raise _TooBig(f"holds more than {MAX_VALUES:,} values (a record holds a few hundred)")
        for child in children:
            if isinstance(child, (dict, list)):
                walk(child, depth + 1)
            elif text and isinstance(child, str):
                budget[1] -= len(child)
                if budget[1] < 0:
                    raise _TooBig(f"holds more than {MAX_CHARS:,} characters")

    if not isinstance(data, (dict, list)):
        return None
    try:
        walk(data, 1)
    except _TooBig as exc:
        return f"the record is {exc}" if "nested" in str(exc) else f"the record {exc}"
    return None


@dataclass(slots=True)
class ReadOptions:
    """How spreadsheets are read: the column mapping (roster), the sheet; and, filled in by
    the read, what was found per file (its kind, the mapping used, the unmapped columns)."""

    mapping: Mapping | None = None
    sheet: str | None = None
    found: dict[str, dict[str, Any]] = field(default_factory=dict)


def _table_records(path: Path, file_kind: str | None, options: ReadOptions) -> Iterator[RawRecord]:
    name = str(path)
    try:
        table = read_table(path, sheet=options.sheet, max_columns=MAX_COLUMNS)
        headers = [h.strip() if isinstance(h, str) else "" for h in table.headers]
        row_kind = file_kind or _kind_from_columns(headers)
        info: dict[str, Any] = {"kind": row_kind}
        options.found[name] = info
        if row_kind == "roster":
            yield from _roster_rows(name, headers, table, options, info)
            return
        _no_repeats(name, headers)
        for number, (line, cells) in enumerate(table.rows, 1):
            if isinstance(cells, str):
                yield RawRecord(name, line, UNREADABLE, cells, number=number)
                continue
            row = {h: c for h, c in zip(headers, cells)}
            try:
                data: Any = unflatten(row)
            except ValueError as exc:
                yield RawRecord(name, line, UNREADABLE, str(exc), number=number)
                continue
            yield _raw(name, line, row_kind, data, number)
    except SheetError as exc:
        raise FileError(exc.where, exc.message) from None


def _no_repeats(name: str, headers: list[str]) -> None:
    """Refuse two columns for one field (``notes`` twice, ``issues.0.issue`` and
    ``issues.00.issue``): one cell would silently replace the other. Named by number only."""
    first: dict[tuple[str, ...], int] = {}
    for number, header in enumerate(headers, 1):
        if not header:
            continue
        path = tuple(str(int(p)) if p.isdigit() else p for p in header.split("."))
        if path in first:
            raise FileError(f"{name}:1", f"column {number} fills the same field as column "
                            f"{first[path]}; keep one of them")
        first[path] = number


def _roster_rows(name: str, headers: list[str], table: Table, options: ReadOptions,
                 info: dict[str, Any]) -> Iterator[RawRecord]:
    """A roster's rows through its column mapping (given, or suggested from its headers)."""
    suggestion = suggest(headers)
    mapping = options.mapping or suggestion.mapping
    targets = resolve(mapping, headers)
    placed = {n for n, t in enumerate(targets, 1) if t is not None}
    info["mapping"] = mapping
    # Errors name the column a field came from, as the file calls it (when it looks like a
    # header: see showable_header).
    info["columns"] = {t: showable_header(h, n) for n, (h, t) in enumerate(zip(headers, targets), 1)
                       if t is not None and header_key(h) != header_key(t)}
    info["unmapped"] = [u for u in suggestion.unmapped if u["number"] not in placed]
    problems = name_problems(mapping)
    if problems:
        # By number: in a file without a header row the "header" is a person's name (Emil,
        # which looks like email), and an error never shows one.
        hints = [f"column {u['number']} looks like {u['did_you_mean']}"
                 for u in info["unmapped"] if u.get("did_you_mean")]
        raise FileError(f"{name}:1", problems[0] + (f" ({'; '.join(hints)})" if hints else "")
                        + "; see `mapper mapping suggest FILE`")
    # Only the mapped cells are looked at; one the product wrote with a leading ' (against
    # formula injection) reads back as it was (mapper.cells).
    to_row = row_mapper(mapping, headers, targets, unguard=unguard)
    for number, (line, cells) in enumerate(table.rows, 1):
        if isinstance(cells, str):
            yield RawRecord(name, line, UNREADABLE, cells, number=number)
            continue
        yield _raw(name, line, "roster", to_row(cells), number)


def read_file(path: Path, kind: str | None = None,
              options: ReadOptions | None = None) -> Iterator[RawRecord]:
    """Yield the raw records of a file; raise :class:`FileError` if it cannot be read at all.

    A line that cannot be read as a record (a broken JSON line, a CSV row whose columns clash)
    is yielded as an unreadable record, which :func:`validate` reports like any bad record.
    """
    try:
        yield from _read_file(path, kind, options)
    except UnicodeDecodeError as exc:
        raise FileError(str(path), f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except FileNotFoundError:
        raise FileError(str(path), "no such file") from None
    except IsADirectoryError:
        raise FileError(str(path), "a folder, not a file") from None
    except OSError as exc:
        raise FileError(str(path), f"cannot be read ({exc.strerror or type(exc).__name__})") from None


def _read_file(path: Path, kind: str | None, options: ReadOptions | None) -> Iterator[RawRecord]:
    name = str(path)
    suffix = path.suffix.lower()
    file_kind = kind or _kind_from_stem(path)
    # A byte order mark (as Windows editors write) is read past in every format.
    if suffix in TABLE_SUFFIXES:
        yield from _table_records(path, file_kind, options or ReadOptions())
        return
    if suffix in {".jsonl", ".ndjson"}:
        with path.open(encoding="utf-8-sig") as fh:
            number = 0
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                number += 1
                try:
                    data = orjson.loads(line)  # ~5x the standard library's speed per line
                except orjson.JSONDecodeError as exc:
                    # One broken line is one rejected record; the lines after it still count.
                    yield RawRecord(name, line_no, UNREADABLE, _json_problem(exc), number=number)
                    continue
                twice = keys_given_twice(line, data)
                yield _raw(name, line_no, file_kind, _Twice(twice[0]) if twice else data, number)
        return
    text = path.read_text(encoding="utf-8-sig")
    try:
        if suffix == ".json":
            items = list(_json_records(text))
        elif suffix in {".yaml", ".yml"}:
            items = list(_yaml_records(path, text))
        else:
            raise FileError(name, f"unknown file type {suffix!r} (use .yaml, .json, .jsonl, .csv or .xlsx)")
    except orjson.JSONDecodeError as exc:
        raise FileError(f"{name}:{exc.lineno}", _json_problem(exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise FileError(f"{name}:{line}", f"not valid YAML: {_yaml_problem(exc)}") from None
    for number, (line, data, aliased) in enumerate(items, 1):
        raw = _raw(name, line, file_kind, data, number, measure=aliased)
        yield RawRecord(raw.path, raw.line, raw.kind, raw.data, counted=suffix == ".json",
                        number=number)


def _raw(path: str, line: int, file_kind: str | None, data: Any, number: int,
         measure: bool = False) -> RawRecord:
    # A record built with YAML aliases may expand to far more than its file holds: refused
    # before anything (validation, the rejected-records file) walks it. Other records are
    # bounded by their file, and measured only if they fail validation.
    problem = shape_error(data, text=True) if measure else None
    if problem:
        return RawRecord(path, line, TOO_BIG, problem, number=number)
    if isinstance(data, _Twice):
        # Refused, not saved with the rejected records: its first value is already lost.
        return RawRecord(path, line, TWICE, field_path(data.path), number=number)
    kind = file_kind or "conversation"
    if isinstance(data, dict) and "record_type" in data:
        # Exported files tag each line with its record type (an alias row has a `kind` of its own).
        given = data["record_type"]
        if isinstance(given, str) and given in RECORD_KINDS:
            data = dict(data)
            del data["record_type"]
            kind = given
            return RawRecord(path, line, kind, data, number=number, tagged=True)
        else:
            # Kept in the record, so the rejected-records file holds it as it was given.
            kind = UNKNOWN_KIND
    return RawRecord(path, line, kind, data, number=number)


def _saved_on(path: str) -> str | None:
    try:
        return dt.date.fromtimestamp(os.stat(path).st_mtime).isoformat()
    except (OSError, ValueError, OverflowError):
        return None


#: Why a record giving one key twice is refused (JSON; YAML refuses the file).
TWICE_MESSAGE = ("given twice in one record; keep one of them (else one value would be "
                 "silently dropped)")

#: Why a record that names no campaign is refused when no default can be taken.
NO_CAMPAIGN = ("names no campaign, and the store holds {held}: give the file a `campaign` "
               "column (or field), or name one with --campaign NAME")


def validate(
    raw: RawRecord, default_campaign: str | None = None, *, require_campaign: str | None = None,
    context: dict[str, Any] | None = None,
) -> tuple[Record | None, list[RecordError]]:
    """Validate one raw record into its model, or say every field that is wrong.

    ``require_campaign``: a record naming no campaign (with no ``default_campaign``) is
    refused, the message saying what the store holds; without it the model's default is taken.
    ``context``: pydantic's validation context (``phone_region``).
    """
    label = raw.label
    if raw.kind in (UNREADABLE, TOO_BIG):
        field = "(line)" if raw.kind == UNREADABLE else "(record)"
        return None, [RecordError(raw.where, label, field, str(raw.data))]
    if raw.kind == TWICE:
        return None, [RecordError(raw.where, label, str(raw.data), TWICE_MESSAGE)]
    model = RECORD_KINDS.get(raw.kind)
    if model is None:
        return None, [RecordError(raw.where, label, "record_type",
                                  f"unknown record type (use one of {', '.join(RECORD_KINDS)})")]
    if not isinstance(raw.data, dict):
        return None, [RecordError(raw.where, label, "(record)", "expected a mapping of fields")]
    data = raw.data
    if default_campaign and not data.get("campaign"):
        data = {**data, "campaign": default_campaign}
    elif not data.get("campaign"):
        if require_campaign is not None:
            return None, [RecordError(raw.where, label, "campaign",
                                      NO_CAMPAIGN.format(held=require_campaign))]
        data = {**data, "campaign": DEFAULT_CAMPAIGN}
    if raw.kind == "roster" and not raw.tagged and not data.get("as_of"):
        # A roster says who was where as of some day: the day its file was last saved, when
        # it does not say (not the day of the import: re-importing an unchanged file changes
        # nothing).
        day = _saved_on(raw.path)
        if day is not None:
            data = {**data, "as_of": day}
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as exc:
        problem = shape_error(raw.data)
        if problem:
            # JSON nested hundreds deep in a field: one error, not one per level.
            return None, [RecordError(raw.where, label, "(record)", problem)]
        if exc.error_count() > MAX_RECORD_ERRORS:
            return None, [RecordError(raw.where, label, "(record)", f"{exc.error_count():,} errors, "
                                      f"too many to list: is this a {raw.kind} record?")]
        errors = [_error(raw.where, label, err)
                  for err in exc.errors(include_url=False, include_input=False)]
        return None, errors


def _error(where: str, label: str, err: Any) -> RecordError:
    """One pydantic error as a RecordError: the schema path and message, no value.

    pydantic's messages (with ``include_input=False``) name types and limits only; the one
    part of an error that comes from the input is a misspelt field's name, shown only if it
    looks like a field name.
    """
    loc = err["loc"]
    if err["type"] == "extra_forbidden" and loc:
        key = loc[-1]
        message = (f"unknown field {key!r}" if isinstance(key, str) and _SHOWABLE_KEY.fullmatch(key)
                   else "an unknown field (its name is not shown: it is not a field name)")
        return RecordError(where, label, field_path(loc[:-1]), message)
    return RecordError(where, label, field_path(loc), err["msg"])


def field_path(loc: tuple) -> str:
    """A field's path as errors name it: ``issues.0.anger``; a part that does not look like a
    field name (a story pasted as a key) is ``(field)``."""
    parts = [str(p) if isinstance(p, int) or _SHOWABLE_KEY.fullmatch(str(p)) else "(field)"
             for p in loc]
    return ".".join(parts) or "(record)"
