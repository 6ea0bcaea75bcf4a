"""The XLSX reader (mapper/sheets.py) reads what a spreadsheet holds, cell by cell, and refuses
what no workbook holds (a DTD, an entity, an external reference) wherever in a part it comes.

The hostile corpus (tests/test_hostile_input.py) covers the bombs end to end; these cover the
cells, and the parser's own refusals past the zip check's first 4 KB of each part.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from mapper.sheets import SheetError, read_table
from tests.hostile.make_xlsx import SECRET, _NS, _cell, _sheet, _strings, workbook

_HEADER = f'<row r="1">{_cell("A1", 0)}{_cell("B1", 1)}</row>'


def _read(path: Path) -> tuple[list[str], list[tuple[int, object]]]:
    table = read_table(path)
    return table.headers, list(table.rows)


def _book(tmp_path: Path, sheet: str, strings: str, name: str = "book.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(workbook(sheet, strings))
    return path


def test_cells_of_every_kind_read_as_text(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "when", "flag", "n", "whole", "blank"])
    sheet.append(["Ana & <Lopez>", dt.date(2024, 5, 1), True, 12.5, 100000, None])
    sheet.append(["  ", None, None, None, None, None])  # only spaces: no record
    sheet.append(["José\r\nRuiz", dt.datetime(2024, 5, 1, 13, 30), False, -7, 5551234567, ""])
    sheet["A6"] = "after a gap"
    sheet["E6"] = 3
    book.save(tmp_path / "types.xlsx")
    headers, rows = _read(tmp_path / "types.xlsx")
    assert headers == ["name", "when", "flag", "n", "whole", "blank"]
    assert rows == [
        (2, ["Ana & <Lopez>", "2024-05-01", "true", "12.5", "100000"]),
        (4, ["José\nRuiz", "2024-05-01T13:30:00", "false", "-7", "5551234567", ""]),
        (6, ["after a gap", None, None, None, "3"]),
    ]


def test_rich_text_is_its_runs_without_the_phonetic_guide(tmp_path):
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS}>'
               "<si><t>name</t></si><si><t>unit</t></si>"
               "<si><r><rPr><b/></rPr><t>Ana </t></r><r><t>Lopez</t></r>"
               "<rPh sb='0' eb='1'><t>PHONETIC</t></rPh></si>"
               "<si><t xml:space='preserve'> ICU </t></si></sst>")
    path = _book(tmp_path, _sheet(_HEADER + f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row>'),
                 strings)
    assert _read(path) == (["name", "unit"], [(2, ["Ana Lopez", " ICU "])])


def test_a_sheet_written_with_a_namespace_prefix_reads_the_same(tmp_path):
    rows = _HEADER + f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row>'
    prefixed = re.sub(r"<(/?)(row|c|v)\b", r"<\1x:\2", rows)
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet '
             f'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f"<x:sheetData>{prefixed}</x:sheetData></x:worksheet>")
    path = _book(tmp_path, sheet, _strings(["name", "unit", "Ana Lopez", "ICU"]))
    assert _read(path) == (["name", "unit"], [(2, ["Ana Lopez", "ICU"])])


def test_elements_of_another_namespace_are_not_cells(tmp_path):
    other = '<o:c xmlns:o="urn:other" r="A2"><o:v>9</o:v></o:c>'
    path = _book(tmp_path, _sheet(_HEADER + f'<row r="2">{other}{_cell("B2", 3)}</row>'),
                 _strings(["name", "unit", "Ana Lopez", "ICU"]))
    assert _read(path) == (["name", "unit"], [(2, [None, "ICU"])])


def test_a_missing_shared_string_names_its_column_not_the_row(tmp_path):
    path = _book(tmp_path, _sheet(_HEADER + f'<row r="2">{_cell("A2", 2)}{_cell("B2", 99)}</row>'
                                  f'<row r="3">{_cell("A3", 2)}{_cell("B3", 3)}</row>'),
                 _strings(["name", "unit", SECRET, "ICU"]))
    headers, rows = _read(path)
    assert rows == [(2, "column 2: refers to a shared string the file does not have"),
                    (3, [SECRET, "ICU"])]


# A DTD may follow any amount of comment before the root element: past the 4 KB the zip check
# looks at, the parser itself refuses it (as defusedxml does), before any entity is expanded.
_LATE = "<!--" + " " * 5000 + "-->"
_BOMB = (f'{_LATE}<!DOCTYPE x [<!ENTITY a "{SECRET}">'
         + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
         + "]>")


@pytest.mark.parametrize("where", ["sheet", "strings"])
@pytest.mark.parametrize("prolog", [
    _BOMB,
    f'{_LATE}<!DOCTYPE x SYSTEM "file:///etc/passwd">',
    f'{_LATE}<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
], ids=["entities", "external-dtd", "external-entity"])
def test_a_dtd_anywhere_before_the_root_is_refused(tmp_path, where, prolog):
    rows = _HEADER + f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row>'
    sheet = _sheet(rows, prolog if where == "sheet" else "")
    strings = _strings(["name", "unit", "Ana", "ICU"], prolog if where == "strings" else "")
    path = _book(tmp_path, sheet, strings)
    with pytest.raises(SheetError) as caught:
        _read(path)
    assert "DTDForbidden" in caught.value.message
    assert SECRET not in str(caught.value) and "passwd" not in str(caught.value)


def test_a_sheet_broken_midway_is_named_by_the_last_row_read(tmp_path):
    rows = _HEADER + "".join(f'<row r="{n}">{_cell(f"A{n}", 2)}</row>' for n in range(2, 4000))
    sheet = _sheet(rows).replace("</sheetData>", "<row r='4000'><c></sheetData>")
    path = _book(tmp_path, sheet, _strings(["name", "unit", "Ana", "ICU"]))
    table = read_table(path)
    got = []
    with pytest.raises(SheetError) as caught:
        for row in table.rows:
            got.append(row)
    assert len(got) == 3998 and got[-1] == (3999, ["Ana"])
    assert caught.value.where == f"{path}:3999"
    assert "cannot be read (ExpatError)" in caught.value.message


# Text XML can hold (no control characters, no noncharacters); not starting with "=", which
# openpyxl writes as a formula.
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")),
                max_size=12).filter(lambda t: not t.startswith("="))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.one_of(st.none(), _TEXT, st.integers(-10**9, 10**9)),
                         min_size=1, max_size=6), min_size=1, max_size=12))
def test_what_openpyxl_writes_reads_back(tmp_path, rows):
    path = tmp_path / "any.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["h1", "h2", "h3", "h4", "h5", "h6"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    want = []
    for n, row in enumerate(rows, 2):
        cells = [None if c is None else str(c) for c in row]
        while cells and cells[-1] is None:
            cells.pop()  # openpyxl writes no trailing empty cells
        if any(c is not None and c.strip() for c in cells):
            want.append((n, cells))
    assert _read(path) == (["h1", "h2", "h3", "h4", "h5", "h6"], want)


def test_a_sheet_longer_than_excel_allows_is_refused_but_a_csv_is_not(tmp_path, monkeypatch):
    # A workbook past Excel's row limit was not made by a spreadsheet; a CSV that long is a big
    # campaign's ties (1.6 million rows at a million people) and is read whole.
    import mapper.sheets

    monkeypatch.setattr(mapper.sheets, "MAX_ROWS", 3)
    book = openpyxl.Workbook()
    for n in range(6):
        book.active.append([f"row {n}"])
    book.save(tmp_path / "long.xlsx")
    with pytest.raises(SheetError) as refused:
        _read(tmp_path / "long.xlsx")
    assert refused.value.message == "more than 3 rows"
    (tmp_path / "long.csv").write_text("".join(f"row {n}\n" for n in range(6)))
    headers, rows = _read(tmp_path / "long.csv")
    assert headers == ["row 0"] and [cells for _, cells in rows] == [[f"row {n}"] for n in range(1, 6)]


def test_shared_strings_past_their_budget_are_refused_before_they_are_read(tmp_path,
                                                                            monkeypatch):
    # From the zip's listing: the part's size is all that is looked at.
    import mapper.sheets

    strings = _strings(["name", "unit", SECRET * 10, "ICU"])
    row = f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row>'
    path = _book(tmp_path, _sheet(_HEADER + row), strings)
    monkeypatch.setattr(mapper.sheets, "MAX_SHARED_STRINGS", len(strings.encode()) - 1)
    monkeypatch.setattr(mapper.sheets, "_expat", None)  # nothing may be parsed
    with pytest.raises(SheetError) as refused:
        read_table(path)
    assert refused.value.where == str(path) and SECRET not in str(refused.value)
    assert refused.value.message.startswith(
        f"its shared strings expand to more than {len(strings.encode()) - 1:,} bytes; refused")


def test_shared_strings_past_their_memory_budget_are_refused_as_they_are_read(tmp_path,
                                                                              monkeypatch):
    # Many tiny strings cost 3-4 times their size in memory: counted string by string.
    import mapper.sheets

    row = f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row>'
    path = _book(tmp_path, _sheet(_HEADER + row),
                 _strings(["name", "unit", "Ana", "ICU"] + [f"{SECRET}{n}" for n in range(1000)]))
    monkeypatch.setattr(mapper.sheets, "MAX_SHARED_MEMORY", 20_000)
    with pytest.raises(SheetError) as refused:
        read_table(path)
    assert refused.value.where == str(path) and SECRET not in str(refused.value)
    assert refused.value.message.startswith(
        "its shared strings take more than 20,000 bytes of memory; refused")
    monkeypatch.setattr(mapper.sheets, "MAX_SHARED_MEMORY", 200_000)
    assert _read(path) == (["name", "unit"], [(2, ["Ana", "ICU"])])


def test_a_part_read_whole_past_its_budget_is_refused_before_it_is_read(tmp_path, monkeypatch):
    import mapper.sheets

    row = f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row>'
    path = tmp_path / "styled.xlsx"
    with zipfile.ZipFile(path, "w") as out:
        with zipfile.ZipFile(_book(tmp_path, _sheet(_HEADER + row),
                                   _strings(["name", "unit", "Ana", "ICU"]))) as book:
            for info in book.infolist():
                out.writestr(info, book.read(info))
        out.writestr("xl/styles.xml", f'<styleSheet {_NS}><cellXfs>{"<xf/>" * 1000}'
                     "</cellXfs></styleSheet>")
    assert _read(path) == (["name", "unit"], [(2, ["Ana", "ICU"])])
    monkeypatch.setattr(mapper.sheets, "MAX_TREE_PART", 4_000)
    with pytest.raises(SheetError) as refused:
        read_table(path)
    assert refused.value.where == str(path)
    assert refused.value.message == ("its part xl/styles.xml expands to more than 4,000 bytes; "
                                     "refused (no workbook's is that big)")
