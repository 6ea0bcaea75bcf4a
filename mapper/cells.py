"""Cells of the spreadsheets and CSV files the product writes: text, never a formula.

A name like ``=HYPERLINK("http://x","y")`` would run as a formula in whoever opens the file.
Every CSV the product writes goes through :func:`write_csv` (or :func:`guard`), every XLSX
through :func:`write_xlsx` (or :func:`text_cell`); the product's own CSV reader undoes
:func:`guard` with :func:`unguard`, so an export imports back unchanged.

The CSV rule is OWASP's: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading ``'``, except a phone number in normalized form (``+15551234567``). So
does each part of a cell after a ``,``, a ``;`` or a line break: Excel where the list separator
is ``;`` (most of Europe) splits the product's comma-separated line on the ``;`` inside a cell
(quotes do not stop it), and ``x;=1+1`` would become a cell ``=1+1``.

>>> guard('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> guard("+15551234567"), guard("Ana"), guard("Ana;=1+1"), guard("pay; -2, +15551234567")
('+15551234567', 'Ana', "Ana;'=1+1", "pay;' -2, +15551234567")
>>> unguard(guard("'=1")) == "'=1", unguard("Ana;'=1+1")
(True, 'Ana;=1+1')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["guard", "unguard", "write_csv", "csv_writer", "text_cell", "write_xlsx"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# E.164: a plus, then up to 15 digits. Spreadsheets read it as text or a number, never a formula.
_PHONE = re.compile(r"\+[1-9][0-9]{6,14}")
# What a spreadsheet may split one cell on: a list separator (, or ; by locale), a line break.
_SPLIT = re.compile(r"([,;\n\r])")
# A part after one of them that may need a guard (the cheap test before splitting).
_INNER = re.compile(r"[,;\n\r][ ']*[-=+@\t\r]")
# Characters XML 1.0 cannot hold, which a worksheet (XML) therefore cannot either.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _dangerous(text: str) -> bool:
    # Quotes already in front count as part of the guard: a value that itself starts with
    # ' and then a trigger is quoted once more, so unguard() knows which ' it added. Spaces
    # too: an import that trims them (Google Sheets, LibreOffice's option) would run the rest.
    rest = text.lstrip("' ")
    return rest.startswith(_TRIGGERS) and not _PHONE.fullmatch(rest)


def guard(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula, whatever it splits the cell on;
    anything but text passes as it is."""
    if not isinstance(value, str):
        return value
    if _INNER.search(value):
        # A ' after the separator, before the part: the part Excel makes a cell starts with it.
        parts = _SPLIT.split(value)
        value = "".join("'" + p if i % 2 == 0 and i and _dangerous(p) else p
                        for i, p in enumerate(parts))
    return "'" + value if _dangerous(value) else value


def unguard(cell: str) -> str:
    """The value :func:`guard` was given (the product's CSV reader calls this on every cell)."""
    if "'" not in cell:
        return cell
    if cell.startswith("'") and _dangerous(cell[1:]):
        cell = cell[1:]
    if _INNER.search(cell):
        parts = _SPLIT.split(cell)
        cell = "".join(p[1:] if i % 2 == 0 and i and p[:1] == "'" and _dangerous(p[1:]) else p
                       for i, p in enumerate(parts))
    return cell


def write_csv(fh: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows to an open text file, every cell guarded; returns the rows written.

    Open the file with ``newline=""`` (the csv module's rule). Lines end in CRLF, as RFC 4180
    and Excel end them: the csv module quotes a cell holding a character of the line ending,
    and with ``\\n`` alone a carriage return inside a cell went unquoted and split its row.
    """
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow([guard(h) for h in header])
    n = 0
    for row in rows:
        writer.writerow([guard(cell) for cell in row])
        n += 1
    return n


class csv_writer:  # noqa: N801 - used like csv.writer
    """``csv.writer`` whose every cell is guarded, for rows written one at a time.

    >>> import io
    >>> out = io.StringIO()
    >>> csv_writer(out).writerow(["=1+1", "+15551234567", "Ana"])
    >>> out.getvalue()
    "'=1+1,+15551234567,Ana\\r\\n"
    """

    def __init__(self, fh: IO[str]) -> None:
        self._writer = csv.writer(fh, lineterminator="\r\n")

    def writerow(self, row: Sequence[Any]) -> None:
        self._writer.writerow([guard(cell) for cell in row])

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def text_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Put ``value`` in an openpyxl sheet as a value: text stays text, even ``=1+1``; a
    character a worksheet cannot hold (a vertical tab, a NUL, U+FFFF) is left out."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str) and not value.isprintable():
        # A character no worksheet holds (a control character in a name stored before they
        # were refused; U+FFFE or U+FFFF, which names may hold): left out, or openpyxl refuses
        # the whole file with the value in its error (a control character), or writes a file
        # that neither Excel nor openpyxl nor this product opens (U+FFFF: not XML).
        value = _NOT_IN_XML.sub("", value)
    cell.value = value
    if isinstance(value, str):
        # openpyxl makes any string starting with "=" a formula; "s" writes it as a string.
        cell.data_type = "s"
    return cell


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]],
               title: str = "Sheet1") -> int:
    """Write one sheet to ``path``, every cell a value (never a formula); returns the rows written."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for c, name in enumerate(header, 1):
        text_cell(sheet, 1, c, name)
    n = 0
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row, 1):
            text_cell(sheet, r, c, value)
        n += 1
    book.save(path)
    return n
