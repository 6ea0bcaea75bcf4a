"""Column mapping: which column of a spreadsheet fills which field of a roster row.

A campaign's lists come with their own headers (``First Name``, ``EMAIL``, ``can2_phone``,
``Employee #``). :func:`suggest` recognizes the common ones in any case, spacing and
punctuation; a :class:`Mapping` is the small YAML file that says it explicitly and can be
saved and reused (``mapper mapping suggest FILE --out map.yaml``, then
``mapper import FILE --mapping map.yaml``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping as MappingABC, Sequence
from pathlib import Path
from typing import Any, Literal

import orjson
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from rapidfuzz import fuzz, process

from mapper.jsonkeys import keys_given_twice

__all__ = ["FIELDS", "SYNONYMS", "IGNORE", "TAG", "CUSTOM", "Mapping", "MappingError",
           "Suggestion", "header_key", "suggest", "load_mapping", "apply_mapping",
           "row_mapper", "showable_header"]

#: What a column may be mapped to besides a field: left out, kept as a tag (its cell's words),
#: kept as a custom field (named after its header).
IGNORE, TAG, CUSTOM = "ignore", "tag", "custom"

# Each roster field and the headers that mean it (as header_key() writes them). The families
# of issue #13: a workplace roster's own words, Action Builder's entity upload and Action
# Network's core fields (whose phone lives in a custom field, most often `can2_phone`).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "name full", "employee name", "worker name",
             "member name", "contact name", "person", "person name", "display name",
             "legal name", "contact"),
    "first_name": ("first name", "first", "firstname", "given name", "forename", "fname",
                   "first nm", "given"),
    "middle_name": ("middle name", "middle", "middlename", "middle initial", "mi"),
    "last_name": ("last name", "last", "lastname", "surname", "family name", "lname",
                  "last nm"),
    "nickname": ("nickname", "nick name", "preferred name", "goes by", "preferred first name"),
    "email": ("email", "e mail", "email address", "e mail address", "work email",
              "personal email", "primary email", "home email", "email 1", "emailaddress"),
    "email_type": ("email type", "email address type"),
    "phone": ("phone", "phone number", "phonenumber", "mobile", "mobile phone", "mobile number",
              "cell", "cell phone", "cellphone", "cell number", "telephone", "tel",
              "home phone", "work phone", "primary phone", "personal phone", "phone 1",
              "can2 phone", "can2 phone number", "can2 cell", "can2 mobile", "sms",
              "text number"),
    "phone_type": ("phone type", "phone number type", "type of phone"),
    "phone_extension": ("phone extension", "phone number extension", "extension", "ext",
                        "phone ext"),
    "unit": ("unit", "department", "departement", "departamento", "dept", "dept name", "department name", "work area",
             "area", "building", "floor", "ward", "section", "division", "team",
             "home department", "work unit", "unit name"),
    "shift": ("shift", "work shift", "shift time", "schedule", "shift name"),
    "role": ("role", "job title", "title", "job", "position", "classification",
             "job classification", "job class", "occupation", "job role", "position title"),
    "workplace": ("workplace", "employer", "employer name", "site", "work site", "worksite",
                  "company", "organization", "organisation", "facility", "work location",
                  "location", "workplace name", "shop", "store", "branch"),
    "supervisor": ("supervisor", "supervisor name", "manager", "manager name", "boss",
                   "reports to", "direct supervisor", "immediate supervisor",
                   "line manager", "lead", "foreman"),
    "custom_id": ("custom id", "employee number", "employee no", "employee num",
                  "employee id", "employee", "emp no", "emp id", "emp num", "emp number",
                  "staff id", "staff number", "staff no", "badge", "badge number",
                  "badge id", "member id", "member number", "membership number",
                  "membership id", "member no", "union id", "worker id", "id number",
                  "external id", "payroll number", "payroll id", "clock number", "file number"),
    "address": ("address", "address line 1", "address 1", "address1", "street",
                "street address", "home address", "mailing address", "address line1",
                "street 1"),
    "address_line_2": ("address line 2", "address 2", "address2", "address line2", "street 2",
                       "apt", "apartment", "unit number"),
    "city": ("city", "town", "locality"),
    "state": ("state", "province", "region", "state province", "st"),
    "zip": ("zip", "zip code", "zipcode", "postal code", "postcode", "post code", "postal"),
    "country": ("country", "country code"),
    "language": ("language", "preferred language", "primary language", "lang",
                 "language preference", "spoken language"),
    "as_of": ("as of", "as of date", "roster date", "effective date", "last updated",
              "date updated", "updated", "updated at", "report date"),
    "assessment": ("assessment", "support level", "support", "rating", "assessment level"),
    "tags": ("tags", "tag"),
    "campaign": ("campaign", "campaign id"),
}
#: The fields a column may fill.
FIELDS = tuple(SYNONYMS)
# header_key -> field, for the exact (normalized) look-up.
_BY_HEADER = {syn: field for field, syns in SYNONYMS.items() for syn in syns}
# Action Builder names custom ids after the id ("Custom ID: Badge", "Employee ID (custom)").
_CUSTOM_ID = re.compile(r"^(custom id\b.*|.*\b(employee|member|membership|badge|staff|worker|"
                        r"payroll)\s*(id|number|no|num|#)$|.*\bcustom id$)")
# A near-miss header is shown with the field it probably means: at least this alike.
NEAR_MISS = 80.0
# Headers are shown in messages (they are the file's own column names, not its cells), but
# only when they look like one: a file without a header row would otherwise echo a person.
_SHOWABLE = re.compile(r"[A-Za-z0-9 _#().:/&+'-]{1,40}")


def header_key(header: str) -> str:
    """A header as it is matched: case, spacing, accents and punctuation do not count.

    >>> header_key("  First_Name "), header_key("E-Mail"), header_key("Employee #")
    ('first name', 'e mail', 'employee number')
    """
    text = unicodedata.normalize("NFKD", header)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("#", " number ").replace("no.", "no ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def showable_header(header: str, number: int) -> str:
    """How a message names a column: its header when it looks like one, else its number.

    >>> showable_header("First Name", 1), showable_header("x" * 60, 2)
    ("column 'First Name'", 'column 2')
    """
    header = (header or "").strip()
    return f"column {header!r}" if _SHOWABLE.fullmatch(header) else f"column {number}"


def _field_for(header: str) -> str | None:
    key = header_key(header)
    if key in _BY_HEADER:
        return _BY_HEADER[key]
    if _CUSTOM_ID.match(key):
        return "custom_id"
    return None


class MappingError(ValueError):
    """A mapping that cannot be used with a file; the message names the column or field."""


class Mapping(BaseModel):
    """Which column fills which field; saved as YAML.

    ``columns`` maps a header (as the file writes it) to a field of :data:`FIELDS`, or to
    ``ignore``, ``tag`` (its words become tags) or ``custom`` (kept as a custom field named
    after the header). A column the mapping does not name is ignored and listed.

    >>> m = Mapping(columns={"First Name": "first_name", "Last Name": "last_name"})
    >>> apply_mapping(m, ["First Name", "Last Name"], ["Ana", "Lopez"])
    {'name': 'Ana Lopez'}
    """

    model_config = ConfigDict(extra="forbid")

    kind: Literal["roster"] = "roster"
    columns: dict[str, str] = Field(default_factory=dict)
    phone_region: str | None = Field(None, description="region of phone numbers without +country")

    @field_validator("columns")
    @classmethod
    def _known_targets(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = set(FIELDS) | {IGNORE, TAG, CUSTOM}
        for header, target in value.items():
            if target not in allowed:
                hint = _did_you_mean(target, FIELDS)
                raise ValueError(f"column {header!r}: unknown field {target!r}"
                                 + (f" (did you mean {hint!r}?)" if hint else "")
                                 + f"; use one of {', '.join(FIELDS)}, or ignore, tag, custom")
        return value

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(exclude_none=True), sort_keys=False,
                              allow_unicode=True)


class Suggestion(BaseModel):
    """What :func:`suggest` proposes for a file's headers, and what it could not place."""

    mapping: Mapping
    unmapped: list[dict[str, Any]] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"mapping": self.mapping.model_dump(exclude_none=True),
                "unmapped": self.unmapped, "problems": self.problems}


def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    found = process.extractOne(header_key(word), list(choices), scorer=fuzz.ratio,
                               score_cutoff=NEAR_MISS)
    return found[0] if found else None


def suggest(headers: list[str]) -> Suggestion:
    """The mapping proposed for a file's headers.

    >>> s = suggest(["First Name", "Last Name", "E-mail", "Cell", "Dept", "Emial", "Notes"])
    >>> s.mapping.columns
    {'First Name': 'first_name', 'Last Name': 'last_name', 'E-mail': 'email', 'Cell': 'phone', 'Dept': 'unit'}
    >>> [(u["column"], u.get("did_you_mean")) for u in s.unmapped]
    [('Emial', 'email'), ('Notes', None)]
    """
    columns: dict[str, str] = {}
    unmapped: list[dict[str, Any]] = []
    taken: dict[str, str] = {}
    for number, header in enumerate(headers, 1):
        header = (header or "").strip()
        field = _field_for(header) if header else None
        # One column per field: a second "Phone" (work phone beside mobile) is listed, not
        # silently merged into the first.
        if field and (field not in taken or field == "tags"):
            columns[header] = field
            taken[field] = header
            continue
        entry: dict[str, Any] = {"number": number,
                                 "column": header if _SHOWABLE.fullmatch(header) else None}
        if field:
            entry["reason"] = f"{field} already comes from column {taken[field]!r}"
        elif header:
            hint = _did_you_mean(header, _BY_HEADER)
            if hint:
                entry["did_you_mean"] = _BY_HEADER[hint]
        unmapped.append(entry)
    mapping = Mapping(columns=columns)
    return Suggestion(mapping=mapping, unmapped=unmapped, problems=name_problems(mapping))


def name_problems(mapping: Mapping) -> list[str]:
    """Why rows mapped this way could have no name (empty when they can)."""
    targets = set(mapping.columns.values())
    if "name" in targets or {"first_name", "last_name"} & targets:
        return []
    return ["no column gives the name: map a full-name column to `name`, or first and last "
            "name columns to `first_name` and `last_name`"]


def load_mapping(path: Path) -> Mapping:
    """Read a mapping file (YAML, or JSON when its name says so); :class:`MappingError` says
    what is wrong with it. A key given twice is refused: its parser would keep the last."""
    kind = "JSON" if path.suffix.lower() == ".json" else "YAML"
    try:
        text = path.read_text(encoding="utf-8-sig")
        data, twice = _json_data(text) if kind == "JSON" else _yaml_data(text)
    except FileNotFoundError:
        raise MappingError(f"{path}: no such file") from None
    # (PyYAML composes a document by recursion: a file nested thousands deep exhausts it.)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, orjson.JSONDecodeError,
            RecursionError) as exc:
        raise MappingError(f"{path}: cannot be read as a {kind} mapping "
                           f"({type(exc).__name__})") from None
    if twice:
        raise MappingError(f"{path}: {_key_path(twice[0])}: given twice; keep one of them (else "
                           "the last would silently replace the first)")
    try:
        return Mapping.model_validate(data or {})
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(mapping)"
        raise MappingError(f"{path}: {where}: {first['msg']}") from None


def _json_data(text: str) -> tuple[Any, list[tuple[str | int, ...]]]:
    data = orjson.loads(text)
    return data, keys_given_twice(text, data)


def _yaml_data(text: str) -> tuple[Any, list[tuple[str | int, ...]]]:
    # Composed first, so a key given twice is found where it stands (constructing the data
    # keeps the last one silently).
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return (None if node is None else loader.construct_document(node)), _twice_in(node)
    finally:
        loader.dispose()


def _twice_in(root: yaml.Node | None) -> list[tuple[str | int, ...]]:
    """The path to each key given twice in one mapping of a YAML document."""
    twice: list[tuple[str | int, ...]] = []
    seen: set[int] = set()  # a node an alias shares is walked once
    stack: list[tuple[tuple[str | int, ...], yaml.Node | None]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        inner: list[tuple[tuple[str | int, ...], yaml.Node]] = []
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                # (Keys a `<<` merge brings in may be overridden: that is what it is for.)
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    if key.value in keys:
                        twice.append((*path, key.value))
                    keys.add(key.value)
                    inner.append(((*path, key.value), value))
        elif isinstance(node, yaml.SequenceNode):
            inner = [((*path, i), v) for i, v in enumerate(node.value)]
        stack.extend(reversed(inner))  # walked in the order of the text
    return twice


def _key_path(path: tuple[str | int, ...]) -> str:
    """A key's path as an error names it: a header that does not look like one (a story pasted
    as a header) is ``(column)``, any other key that is no field name ``(field)``."""
    return ".".join(str(p) if isinstance(p, int) or _SHOWABLE.fullmatch(p)
                    else "(column)" if path[:1] == ("columns",) and i == 1 else "(field)"
                    for i, p in enumerate(path))


def resolve(mapping: Mapping, headers: list[str]) -> list[str | None]:
    """For each column of the file, the target it fills (None: ignored)."""
    by_key = {header_key(h): t for h, t in mapping.columns.items()}
    out: list[str | None] = []
    seen: set[str] = set()
    for header in headers:
        header = (header or "").strip()
        key = header_key(header)
        target = mapping.columns.get(header, by_key.get(key))
        if key in seen and target not in (TAG, "tags"):
            # A second "Phone": the mapping (keyed by header) cannot tell it from the first,
            # whose cell it would silently replace; it is left out, and listed.
            target = None
        if header:
            seen.add(key)
        out.append(None if target in (None, IGNORE) else target)
    return out


def apply_mapping(mapping: Mapping, headers: list[str], cells: list[Any],
                  targets: list[str | None] | None = None) -> dict[str, Any]:
    """One row of cells as roster data: name parts joined, tags and custom fields gathered.

    (For many rows, :func:`row_mapper` once, then its function per row.)

    >>> m = Mapping(columns={"F": "first_name", "M": "middle_name", "L": "last_name",
    ...                      "Nick": "nickname", "Emp #": "custom_id", "Committee": "tag",
    ...                      "Tenure": "custom"})
    >>> apply_mapping(m, ["F", "M", "L", "Nick", "Emp #", "Committee", "Tenure"],
    ...               ["Ana", "María", "Lopez", "Annie", "E12", "safety; pay", "4"])
    {'nickname': 'Annie', 'custom_id': 'E12', 'tags': ['safety', 'pay'], 'custom_fields': {'Tenure': '4'}, 'name': 'Ana María Lopez'}
    """
    return row_mapper(mapping, headers, targets)(cells)


_NAME_PARTS = ("first_name", "middle_name", "last_name")
_WORDS = re.compile(r"[;,]")
# What a mapped column does with its cell (worked out once per file, not per cell).
_PLAIN, _PART, _TAGS, _KEEP = range(4)


def row_mapper(mapping: Mapping, headers: list[str], targets: list[str | None] | None = None,
               *, unguard: Callable[[str], str] | None = None
               ) -> Callable[[Sequence[Any]], dict[str, Any]]:
    """The function that makes one row of cells roster data, as :func:`apply_mapping` does;
    the columns it ignores are skipped without a look. ``unguard`` is applied to a text cell
    holding a ``'`` before it is used (mapper.cells.unguard: a cell the product wrote).

    >>> to_row = row_mapper(Mapping(columns={"First": "first_name", "Last": "last_name"}),
    ...                     ["First", "Notes", "Last"])
    >>> to_row(["Ana ", "ignored", "Lopez"]), to_row([" ", None])
    ({'name': 'Ana Lopez'}, {})
    """
    targets = targets if targets is not None else resolve(mapping, headers)
    plan = [(i, target, _PART if target in _NAME_PARTS else _TAGS if target in (TAG, "tags")
             else _KEEP if target == CUSTOM else _PLAIN, (header or "").strip())
            for i, (header, target) in enumerate(zip(headers, targets)) if target is not None]

    def to_row(cells: Sequence[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        parts: dict[str, str] = {}
        n = len(cells)
        for i, target, what, header in plan:
            if i >= n:
                break
            value = cells[i]
            if value is None:
                continue
            if isinstance(value, str):
                if unguard is not None and "'" in value:
                    value = unguard(value)
                value = value.strip()
                if not value:
                    continue
            elif value == "":
                continue
            if what == _PLAIN:
                out[target] = value
            elif what == _PART:
                parts[target] = str(value)
            elif what == _TAGS:
                out.setdefault("tags", []).extend(
                    w.strip() for w in _WORDS.split(str(value)) if w.strip())
            else:
                out.setdefault("custom_fields", {})[header] = str(value)
        if parts and "name" not in out:
            # First, middle and last joined; the nickname is kept beside it (a 1-on-1 names
            # the person as the roster does, and the roster's legal name is what matches it).
            out["name"] = " ".join(parts[k] for k in _NAME_PARTS if k in parts)
        return out

    return to_row


def mapping_for(headers: list[str], given: Mapping | None) -> Mapping:
    """The mapping to use: the given one, or the one suggested for these headers."""
    return given if given is not None else suggest(headers).mapping


def targets_summary(mapping: MappingABC[str, str]) -> str:
    return ", ".join(f"{h} -> {t}" for h, t in mapping.items())
