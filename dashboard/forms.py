"""The 1-on-1 form's values as a record, and the record's errors back onto the form's fields.

Every input of the form is named by the record path it fills (``contact.name``,
``issues.0.anger``); repeated groups (issues, who is responsible, referrals) are rows whose
empty ones are dropped, so an error on the record's ``issues.0`` may belong to the form's
third row. Validation itself is ``mapper.readers.validate``: the form knows no rules.
"""

from __future__ import annotations

import csv
import re
from typing import Any

from mapper.readers import RawRecord, RecordError, validate

__all__ = ["GROUPS", "LIST_FIELDS", "BOOL_FIELDS", "CHECKLIST_FIELDS", "form_record",
           "form_values_of", "check_form", "errors_by_field", "list_items", "list_text"]

# Repeated groups: record list path -> how the form names a row ("issues.2.anger").
GROUPS = ("issues", "responsibility.named", "referrals")
# Typed as text "a, b, c" (or picked from a checklist) and stored as lists; an item that holds
# a comma is shown in double quotes, as a CSV cell would be, so it stays one item.
LIST_FIELDS = {"plan.skills", "ask.fears", "self_care.tools_offered"}
# Three-way answers: "true" / "false" / "" (not asked).
BOOL_FIELDS = {
    "issues.*.witnessed_harm", "responsibility.realizes.cares_about_problem",
    "responsibility.realizes.decision_maker_can_fix",
    "responsibility.realizes.wont_fix_without_pressure", "plan.wants_to_talk_again",
    "plan.will_attend_meeting", "ask.asked", "follow_up.thank_you_sent",
}
# List fields the form shows as a checklist (the others are typed "a, b, c").
CHECKLIST_FIELDS = {"self_care.tools_offered"}
# Parts of a stored record that are not the form's to show or change.
_NOT_FORM = {"id", "campaign", "record_type"}
_INDEXED = re.compile(r"^(issues|responsibility\.named|referrals)\.(\d+)\.(.+)$")


def _pattern(path: str) -> str:
    m = _INDEXED.match(path)
    return f"{m.group(1)}.*.{m.group(3)}" if m else path


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _clean(path: str, value: Any) -> Any:
    if _pattern(path) in BOOL_FIELDS:
        if isinstance(value, bool):
            return value
        answers = {"true": True, "yes": True, "false": False, "no": False}
        return answers.get(str(value).strip().lower(), value)
    if path in LIST_FIELDS:
        items = value if isinstance(value, list) else list_items(str(value))
        return [str(v).strip() for v in items if str(v).strip()]
    if isinstance(value, str):
        return value.strip()
    return value


def list_items(text: str) -> list[str]:
    """The items of a list typed in one box: separated by commas (or lines), an item in double
    quotes may hold a comma. :func:`list_text` turned around.

    >>> list_items('retaliation, "my visa, my kids",status')
    ['retaliation', 'my visa, my kids', 'status']
    """
    return [item for line in text.splitlines()
            for item in next(csv.reader([line], skipinitialspace=True), [])]


def list_text(items: list[str]) -> str:
    """A list as the box shows it, so that :func:`list_items` reads back the same items.

    >>> list_text(["retaliation", "my visa, my kids", 'the "night" crew'])
    'retaliation, "my visa, my kids", the "night" crew'
    """
    def quoted(item: str) -> str:
        if "," in item or item.lstrip().startswith('"'):
            return '"' + item.replace('"', '""') + '"'
        return item
    return ", ".join(quoted(item) for item in items)


def _set(node: dict, parts: list[str], value: Any) -> None:
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def form_record(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[int, int]]]:
    """The record a filled form describes, and for each group ``{record index: form row}``.

    >>> rec, rows = form_record({"contact.name": "Ana", "issues.0.issue": "",
    ...     "issues.1.issue": "pay", "issues.1.anger": 4, "ask.fears": "retaliation, status"})
    >>> rec  # doctest: +NORMALIZE_WHITESPACE
    {'contact': {'name': 'Ana'}, 'ask': {'fears': ['retaliation', 'status']},
     'issues': [{'issue': 'pay', 'anger': 4}]}
    >>> rows["issues"]
    {0: 1}
    """
    record: dict[str, Any] = {}
    grouped: dict[str, dict[int, dict[str, Any]]] = {g: {} for g in GROUPS}
    for path, value in values.items():
        if _blank(value):
            continue
        value = _clean(path, value)
        if _blank(value):
            continue
        m = _INDEXED.match(path)
        if m:
            grouped[m.group(1)].setdefault(int(m.group(2)), {})[m.group(3)] = value
        else:
            _set(record, path.split("."), value)
    rows: dict[str, dict[int, int]] = {}
    for group, by_row in grouped.items():
        items, mapping = [], {}
        for row in sorted(by_row):
            item: dict[str, Any] = {}
            for sub, value in by_row[row].items():
                _set(item, sub.split("."), value)
            mapping[len(items)] = row
            items.append(item)
        rows[group] = mapping
        if items:
            _set(record, group.split("."), items)
    return record, rows


def _form_field(field: str, rows: dict[str, dict[int, int]], known: set[str]) -> str | None:
    """The form input an error's record path belongs to (``None``: the form as a whole)."""
    path = field
    for group in GROUPS:
        prefix = group + "."
        if field.startswith(prefix):
            rest = field[len(prefix):]
            idx, _, tail = rest.partition(".")
            if idx.isdigit():
                row = rows.get(group, {}).get(int(idx), int(idx))
                path = f"{group}.{row}" + (f".{tail}" if tail else "")
            break
    if path in known:
        return path
    # An error on a part ("issues.0", "responsibility.named.1.decision_maker") goes to the
    # first input inside it; a list-item error ("plan.skills.0") to the list's input.
    if path + ".name" in known:
        return path + ".name"  # a missing contact is a missing name, the part's required field
    inside = sorted(k for k in known if k.startswith(path + "."))
    if inside:
        return inside[0]
    while "." in path:
        path = path.rsplit(".", 1)[0]
        if path in known:
            return path
    return None


def check_form(values: dict[str, Any], campaign: str | None = None
               ) -> tuple[Any, list[RecordError], dict[str, dict[int, int]]]:
    """Validate the form as a 1-on-1 record: ``(record or None, errors, rows)``."""
    data, rows = form_record(values)
    record, errors = validate(RawRecord("form", 1, "conversation", data), campaign)
    return record, errors, rows


def errors_by_field(errors: list[RecordError], rows: dict[str, dict[int, int]],
                    known: set[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Errors placed on the form: ``({form field: messages}, messages for the whole form)``.

    >>> e = RecordError("form:1", "x", "issues.0.anger", "Input should be less than or equal to 5")
    >>> errors_by_field([e], {"issues": {0: 2}}, {"issues.2.anger", "contact.name"})
    ({'issues.2.anger': ['Input should be less than or equal to 5']}, [])
    """
    placed: dict[str, list[str]] = {}
    general: list[str] = []
    for e in errors:
        target = _form_field(e.field, rows, known)
        if target is None:
            general.append(f"{e.field}: {e.message}")
        else:
            placed.setdefault(target, []).append(e.message)
    return placed, general


def _as_input(path: str, value: Any) -> Any:
    if _pattern(path) in BOOL_FIELDS and isinstance(value, bool):
        return "true" if value else "false"
    if path in LIST_FIELDS:
        items = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        return items if path in CHECKLIST_FIELDS else list_text(items)
    if path == "assessment" and value is not None:
        return str(value)
    return value


def _flatten(prefix: str, node: Any, out: dict[str, Any]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _flatten(f"{prefix}.{k}" if prefix else k, v, out)
    elif isinstance(node, list) and prefix in GROUPS:
        for i, item in enumerate(node):
            _flatten(f"{prefix}.{i}", item, out)
    else:
        out[prefix] = node


def form_values_of(record: dict[str, Any]) -> dict[str, Any]:
    """The form's input values for a stored 1-on-1 (as a JSON dict): :func:`form_record`
    turned around, so the form can open a record to correct it.

    >>> form_values_of({"id": "x", "contact": {"name": "Ana"}, "ask": {"fears": ["a", "b"]},
    ...                 "issues": [{"issue": "pay", "witnessed_harm": True}], "assessment": 2})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'contact.name': 'Ana', 'ask.fears': 'a, b', 'issues.0.issue': 'pay',
     'issues.0.witnessed_harm': 'true', 'assessment': '2'}
    """
    flat: dict[str, Any] = {}
    _flatten("", {k: v for k, v in record.items() if k not in _NOT_FORM}, flat)
    return {path: _as_input(path, value) for path, value in flat.items() if value is not None}
