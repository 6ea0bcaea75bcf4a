"""A roster row through its column mapping (mapper.mapping.row_mapper): what apply_mapping
did cell by cell, worked out once per file."""

from __future__ import annotations

from hypothesis import given, strategies as st

from mapper.cells import guard, unguard
from mapper.mapping import Mapping, apply_mapping, resolve, row_mapper

HEADERS = ["First", "Middle", "Last", "Email", "Notes", "Committee", "Tenure", "Unit"]
MAPPING = Mapping(columns={"First": "first_name", "Middle": "middle_name", "Last": "last_name",
                           "Email": "email", "Committee": "tag", "Tenure": "custom",
                           "Unit": "unit"})


def test_a_row_is_its_mapped_cells_with_the_name_joined():
    to_row = row_mapper(MAPPING, HEADERS)
    assert to_row(["Ana", "", "Lopez", " ana@example.org ", "ignored", "safety, pay", "4", "ICU"]) == {
        "email": "ana@example.org", "tags": ["safety", "pay"], "custom_fields": {"Tenure": "4"},
        "unit": "ICU", "name": "Ana Lopez"}


def test_a_short_row_stops_at_its_last_cell_and_blank_cells_are_absent():
    to_row = row_mapper(MAPPING, HEADERS)
    assert to_row(["Ana", None, "  "]) == {"name": "Ana"}
    assert to_row([]) == {}


def test_a_cell_the_product_guarded_reads_back_only_where_it_is_mapped():
    to_row = row_mapper(MAPPING, HEADERS, unguard=unguard)
    cells = [guard("=Ana"), None, "Lopez", None, guard("=secret"), guard("+safety"), guard("-4")]
    assert to_row(cells) == {"tags": ["+safety"], "custom_fields": {"Tenure": "-4"},
                             "name": "=Ana Lopez"}
    # Without unguard the quote stays (apply_mapping is given cells already read).
    assert row_mapper(MAPPING, HEADERS)(cells)["name"] == "'=Ana Lopez"


def test_a_cell_the_product_guarded_after_a_separator_reads_back_as_it_was():
    to_row = row_mapper(MAPPING, HEADERS, unguard=unguard)
    cells = [guard("Zed;=1+1"), None, "Lopez", None, None, guard("pay;-2"), None, guard("ER,@x")]
    assert to_row(cells) == {"tags": ["pay", "-2"], "unit": "ER,@x", "name": "Zed;=1+1 Lopez"}


def _cell_by_cell(headers, targets, cells):
    """apply_mapping as it was before row_mapper: each cell looked at in turn."""
    import re

    out, parts = {}, {}
    for header, target, cell in zip(headers, targets, cells):
        if target is None or cell is None:
            continue
        value = cell.strip() if isinstance(cell, str) else cell
        if value == "":
            continue
        if target in ("first_name", "middle_name", "last_name"):
            parts[target] = str(value)
        elif target in ("tag", "tags"):
            out.setdefault("tags", []).extend(
                w.strip() for w in re.split(r"[;,]", str(value)) if w.strip())
        elif target == "custom":
            out.setdefault("custom_fields", {})[(header or "").strip()] = str(value)
        else:
            out[target] = value
    if "name" not in out and parts:
        out["name"] = " ".join(parts[k] for k in ("first_name", "middle_name", "last_name")
                               if k in parts)
    return out


_CELL = st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["", " ", "a;b", "x,,y"]))


@given(st.lists(_CELL, max_size=10))
def test_row_mapper_gives_what_the_cell_by_cell_mapping_gave(cells):
    targets = resolve(MAPPING, HEADERS)
    want = _cell_by_cell(HEADERS, targets, cells)
    assert row_mapper(MAPPING, HEADERS, targets)(cells) == want
    assert list(row_mapper(MAPPING, HEADERS)(cells)) == list(want)  # same order of fields
    assert apply_mapping(MAPPING, HEADERS, cells) == want
