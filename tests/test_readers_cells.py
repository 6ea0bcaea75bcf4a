"""CSV and XLSX cells the product writes are text, never formulas, and CSV reads back unchanged."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from mapper.cells import guard, unguard, write_csv, write_xlsx
from mapper.importer import import_files
from mapper.readers import read_file, validate
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
        write_csv(fh, ["name", "unit", "campaign"], [[FORMULA, "=ICU", "c"], ["'=2", "-ER", "c"]])
    text = path.read_text()
    assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text
    rows = [validate(raw)[0] for raw in read_file(path)]
    assert [(r.name, r.unit) for r in rows] == [(FORMULA, "=ICU"), ("'=2", "-ER")]
    store = SQLiteStore(tmp_path / "s.db")
    assert not import_files(store, [path]).errors
    assert {p.name for p in store.snapshot("c").people.values()} == {FORMULA, "'=2"}


def test_write_csv_counts_rows_and_guards_the_header_too():
    fh = io.StringIO()
    assert write_csv(fh, ["=h"], [["a"], ["b"]]) == 2
    assert fh.getvalue() == "'=h\na\nb\n"


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
