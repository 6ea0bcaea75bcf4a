"""Reading records from YAML, JSON, JSON Lines and CSV files, with where each came from."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml
from pydantic import ValidationError

from mapper.models import RECORD_KINDS, DEFAULT_CAMPAIGN, Record
from mapper.keys import slug

__all__ = ["RawRecord", "RecordError", "FileError", "read_file", "validate", "unflatten",
           "LIST_SEPARATOR"]

# The kind given to a line that could not be read as a record; validate() reports it.
UNREADABLE = "_unreadable"
# An unknown field name is echoed in errors; a mis-indented story could be one, so cut it short.
_MAX_FIELD_ECHO = 40
_MAX_LABEL_ECHO = 80

LIST_SEPARATOR = ";"
# Columns whose cell holds a list of short names, separated by LIST_SEPARATOR.
_LIST_COLUMNS = {"plan.skills", "ask.fears", "self_care.tools_offered"}
# No 1-on-1 names hundreds of issues; a bigger index is a typo, not a list to allocate.
MAX_LIST_INDEX = 100
_STEM_KINDS = {"roster": "roster", "hierarchy": "hierarchy", "ties": "tie", "tie": "tie",
               "aliases": "alias", "alias": "alias"}


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as read, before validation."""

    path: str
    line: int
    kind: str
    data: Any
    # JSON keeps no line numbers once parsed: records of a JSON array are counted instead.
    counted: bool = False

    @property
    def where(self) -> str:
        return f"{self.path}:record {self.line}" if self.counted else f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class RecordError:
    """Why one record was rejected. Never carries the value that was given: it may be personal."""

    where: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
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
    for column, cell in row.items():
        if column is None or cell is None or cell.strip() == "":
            continue
        column = column.strip()
        value: Any = cell.strip()
        if column in _LIST_COLUMNS:
            value = [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]
        parts = column.split(".")
        if any(part.isdigit() and int(part) >= MAX_LIST_INDEX for part in parts):
            raise ValueError(f"column {column!r}: list index above {MAX_LIST_INDEX - 1}")
        try:
            _place(out, parts, value)
        except (TypeError, ValueError, AttributeError):
            # `contact` beside `contact.name`, or `issues.x`: one cell cannot be both.
            raise ValueError(f"column {column!r} clashes with another column") from None
    # Sparse indexes (issues.0, issues.2) leave empty dicts behind: drop them.
    for key, value in list(out.items()):
        if isinstance(value, list):
            out[key] = [item for item in value if item != {}]
    return out


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


def _yaml_records(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    loader = yaml.SafeLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            data = loader.construct_document(node)
            if isinstance(node, yaml.SequenceNode):
                for item_node, item in zip(node.value, data):
                    yield item_node.start_mark.line + 1, item
            elif data is not None:
                yield node.start_mark.line + 1, data
    finally:
        loader.dispose()


def _json_records(text: str) -> Iterator[tuple[int, Any]]:
    data = json.loads(text)
    if isinstance(data, list):
        # JSON keeps no positions once parsed; number the records instead (1-based).
        for i, item in enumerate(data, 1):
            yield i, item
    else:
        yield 1, data


def read_file(path: Path, kind: str | None = None) -> Iterator[RawRecord]:
    """Yield the raw records of a file; raise :class:`FileError` if it cannot be read at all.

    A line that cannot be read as a record (a broken JSON line, a CSV row whose columns clash)
    is yielded as an unreadable record, which :func:`validate` reports like any bad record.
    """
    try:
        yield from _read_file(path, kind)
    except UnicodeDecodeError as exc:
        raise FileError(str(path), f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except FileNotFoundError:
        raise FileError(str(path), "no such file") from None
    except IsADirectoryError:
        raise FileError(str(path), "a folder, not a file") from None
    except OSError as exc:
        raise FileError(str(path), f"cannot be read ({exc.strerror or type(exc).__name__})") from None


def _read_file(path: Path, kind: str | None) -> Iterator[RawRecord]:
    name = str(path)
    suffix = path.suffix.lower()
    file_kind = kind or _kind_from_stem(path)
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            row_kind = file_kind or _kind_from_columns(reader.fieldnames or [])
            for row in reader:
                try:
                    yield RawRecord(name, reader.line_num, row_kind, unflatten(row))
                except ValueError as exc:
                    yield RawRecord(name, reader.line_num, UNREADABLE, str(exc))
        return
    if suffix in {".jsonl", ".ndjson"}:
        with path.open(encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    data = orjson.loads(line)  # ~5x the standard library's speed per line
                except orjson.JSONDecodeError as exc:
                    # One broken line is one rejected record; the lines after it still count.
                    yield RawRecord(name, line_no, UNREADABLE, f"not valid JSON: {exc.msg}")
                    continue
                yield _raw(name, line_no, file_kind, data)
        return
    text = path.read_text(encoding="utf-8")
    try:
        if suffix == ".json":
            items = list(_json_records(text))
        elif suffix in {".yaml", ".yml"}:
            items = list(_yaml_records(path, text))
        else:
            raise FileError(name, f"unknown file type {suffix!r} (use .yaml, .json, .jsonl or .csv)")
    except json.JSONDecodeError as exc:
        raise FileError(f"{name}:{exc.lineno}", f"not valid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise FileError(f"{name}:{line}", f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    for line, data in items:
        raw = _raw(name, line, file_kind, data)
        yield RawRecord(raw.path, raw.line, raw.kind, raw.data, counted=suffix == ".json")


def _raw(path: str, line: int, file_kind: str | None, data: Any) -> RawRecord:
    kind = file_kind or "conversation"
    if isinstance(data, dict) and "record_type" in data:
        # Exported files tag each line with its record type (an alias row has a `kind` of its own).
        data = dict(data)
        kind = str(data.pop("record_type"))
    return RawRecord(path, line, kind, data)


def _label(raw: RawRecord) -> str:
    """What an error calls the record: its id, else what it was derived from, cut short."""
    return _cut(_full_label(raw), _MAX_LABEL_ECHO)


def _cut(text: str, limit: int = _MAX_FIELD_ECHO) -> str:
    # Echoed in every error line: a mis-pasted story in a name or id stays a fragment.
    return text if len(text) <= limit else text[:limit] + "…"


def _full_label(raw: RawRecord) -> str:
    data = raw.data if isinstance(raw.data, dict) else {}
    if data.get("id"):
        return str(data["id"])
    if raw.kind == "conversation":
        contact = data.get("contact") if isinstance(data.get("contact"), dict) else {}
        if data.get("date") and contact.get("name"):
            return f"{data['date']}-{slug(str(contact['name']))}"
        return "conversation without id"
    name = data.get("name") or data.get("person") or data.get("alias")
    return f"{raw.kind} {name}" if name else f"{raw.kind} row"


def validate(
    raw: RawRecord, default_campaign: str | None = None
) -> tuple[Record | None, list[RecordError]]:
    """Validate one raw record into its model, or say every field that is wrong."""
    if raw.kind == UNREADABLE:
        return None, [RecordError(raw.where, f"line {raw.line}", "(line)", str(raw.data))]
    model = RECORD_KINDS.get(raw.kind)
    label = _label(raw)
    if model is None:
        return None, [RecordError(raw.where, label, "kind", f"unknown kind {raw.kind!r}")]
    if not isinstance(raw.data, dict):
        return None, [RecordError(raw.where, label, "(record)", "expected a mapping of fields")]
    data = raw.data
    if default_campaign and not data.get("campaign"):
        data = {**data, "campaign": default_campaign}
    elif not data.get("campaign"):
        data = {**data, "campaign": DEFAULT_CAMPAIGN}
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = [
            RecordError(raw.where, label, _field(err["loc"]), err["msg"])
            for err in exc.errors(include_url=False, include_input=False)
        ]
        return None, errors


def _field(loc: tuple) -> str:
    parts = [_cut(str(p)) for p in loc]
    return ".".join(parts) or "(record)"
