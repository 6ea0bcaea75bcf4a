"""CSV and XLSX cells the product writes are text, never formulas, and CSV reads back unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, strategies as st
from openpyxl import load_workbook

from mapper.cells import guard, unguard, write_csv, write_xlsx
from mapper.importer import import_files
from mapper.readers import read_file, validate
from mapper.sheets import read_table
from mapper.stores.sqlite import SQLiteStore

FORMULA = '=HYPERLINK("http://x","y")'
TRICKY = [FORMULA, "=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "'=1", "''=1", "'quoted",
          "+15551234567", "+1 555 0100", "Ana López", "", "-", "'"]


@pytest.mark.parametrize("value", TRICKY)
def test_a_guarded_cell_reads_back_as_it_was(value):
    assert unguard(guard(value)) == value


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "'=1"])
def test_a_cell_that_a_spreadsheet_would_run_starts_with_a_quote(value):
    assert guard(value) == "'" + value


def test_a_normalized_phone_number_is_left_as_it_is():
    assert guard("+15551234567") == "+15551234567"
    assert guard("+1 555 0100") == "'+1 555 0100"  # not normalized: a spreadsheet could run it


def test_a_formula_name_written_by_the_product_imports_back_unchanged(tmp_path):
    path = tmp_path / "roster.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        write_csv(fh, ["name", "unit", "campaign"], [[FORMULA, "=ICU", "c"], ["'=2", "-ER", "c"],
                                                      ["Zed;=1+1", "ER;-2", "c"]])
    text = path.read_text()
    assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text
    rows = [validate(raw)[0] for raw in read_file(path)]
    assert [(r.name, r.unit) for r in rows] == [(FORMULA, "=ICU"), ("'=2", "-ER"),
                                                ("Zed;=1+1", "ER;-2")]
    store = SQLiteStore(tmp_path / "s.db")
    assert not import_files(store, [path]).errors
    assert {p.name for p in store.snapshot("c").people.values()} == {FORMULA, "'=2", "Zed;=1+1"}


# Names and issues a list export carries, each hiding a formula after a separator.
SPLIT = ["Zed;=1+1;", "Zed;=cmd|' /C calc'!A0", "pay; -2+3", "a,=1", "a;'=1", "x\n=1", "x\r=1",
         "a; ;@SUM(A1)", "late, +15551234567", ";=1"]


def _excel_cells(text: str, separator: str) -> list[str]:
    """The cells Excel makes of the product's CSV where the list separator is ``separator``
    (a quote counts only at the start of a cell, as Python's csv module counts it)."""
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator)
            for cell in row]


@pytest.mark.parametrize("value", SPLIT)
def test_a_formula_after_a_separator_reads_back_as_it_was(value):
    assert unguard(guard(value)) == value


def test_no_cell_starts_a_formula_in_a_locale_whose_list_separator_is_a_semicolon():
    fh = io.StringIO(newline="")
    write_csv(fh, ["name", "phone"], [[v, "+15551234567"] for v in SPLIT])
    for separator in (";", ","):
        cells = [c.lstrip(" ") for c in _excel_cells(fh.getvalue(), separator)]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")
                    and c != "+15551234567"], separator
    # An E.164 number after a separator stays as a phone bank dials it.
    assert guard("late, +15551234567") == "late, +15551234567"


@given(st.text(alphabet="=+-@'\t\r\n,; a1", max_size=12))
def test_any_cell_reads_back_as_it_was_and_none_of_its_parts_starts_a_formula(value):
    guarded = guard(value)
    assert unguard(guarded) == value
    for part in guarded.replace("\r", "\n").replace(",", ";").replace("\n", ";").split(";")[1:]:
        assert not part.lstrip(" ").startswith(("=", "+", "-", "@", "\t")), (value, guarded)
    assert not guarded.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))


def test_a_carriage_return_inside_a_cell_keeps_its_row_whole(tmp_path):
    # A shared ask's words may hold a lone CR (text keeps line breaks); written unquoted it
    # ended the row there, in Excel and in the product's own reader.
    path = tmp_path / "roster.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        write_csv(fh, ["name", "unit", "campaign"], [["Ana", "I\rCU", "c"], ["Ben", "ER", "c"]])
    assert list(csv.reader(path.open(newline=""))) == [
        ["name", "unit", "campaign"], ["Ana", "I\rCU", "c"], ["Ben", "ER", "c"]]
    assert [cells for _, cells in read_table(path).rows] == [["Ana", "I\rCU", "c"],
                                                             ["Ben", "ER", "c"]]


def test_write_csv_counts_rows_and_guards_the_header_too():
    fh = io.StringIO()
    assert write_csv(fh, ["=h"], [["a"], ["b"]]) == 2
    assert fh.getvalue() == "'=h\r\na\r\nb\r\n"


def test_an_xlsx_cell_holding_a_formula_is_a_string(tmp_path):
    path = tmp_path / "people.xlsx"
    assert write_xlsx(path, ["name", "visits"], [[FORMULA, 3], ["=1+1", None]]) == 2
    sheet = load_workbook(path).active
    assert sheet["A2"].value == FORMULA and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"
    assert sheet["B2"].value == 3 and sheet["B2"].data_type == "n"


def test_an_xlsx_cell_leaves_out_a_control_character_a_worksheet_cannot_hold(tmp_path):
    # A name stored before control characters were refused is read back as it was stored.
    path = tmp_path / "people.xlsx"
    assert write_xlsx(path, ["name", "notes"], [["Ana\x0bLopez", "line one\nline two\x00"]]) == 1
    sheet = load_workbook(path).active
    assert sheet["A2"].value == "AnaLopez" and sheet["B2"].value == "line one\nline two"


def test_an_xlsx_cell_leaves_out_a_character_xml_cannot_hold(tmp_path):
    # U+FFFE and U+FFFF are no control characters: a name may hold them, XML may not. Kept,
    # they made a file Excel calls corrupt and neither openpyxl nor our reader would open.
    path = tmp_path / "people.xlsx"
    assert write_xlsx(path, ["name", "unit"], [["Ana\uffffLopez", "\ufffeICU"]]) == 1
    sheet = load_workbook(path).active
    assert sheet["A2"].value == "AnaLopez" and sheet["B2"].value == "ICU"
    assert [r.name for r in map(lambda raw: validate(raw)[0], read_file(path))] == ["AnaLopez"]
