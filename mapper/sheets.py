"""Reading spreadsheets safely: CSV in any common dialect and encoding, and XLSX.

An XLSX file is XML inside a zip, so it can be a zip bomb (a few kilobytes that expand to
gigabytes) or an XML bomb (entities that expand a billion times). Before openpyxl opens one,
the zip's listing is checked (uncompressed sizes and ratios) and every XML part is refused if
it declares a DTD; openpyxl itself parses through defusedxml when it is installed. Rows,
columns and cells are capped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SheetError", "Table", "read_table", "decode", "MAX_ROWS", "MAX_CELL",
           "MAX_UNCOMPRESSED", "MAX_RATIO", "TABLE_SUFFIXES"]

#: File suffixes read as a table of rows.
TABLE_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm"}
#: Rows a sheet may hold (Excel's own limit is 1,048,576).
MAX_ROWS = 1_100_000
#: Characters in one cell (Excel's own limit is 32,767).
MAX_CELL = 32_767
#: Bytes an XLSX may expand to, all parts together: a 1M-row roster is about this.
MAX_UNCOMPRESSED = 1_000_000_000
#: An XML part this much bigger than its compressed form is a zip bomb, not a roster
#: (real sheets compress 5-20 times; a bomb, hundreds or thousands of times).
MAX_RATIO = 150
# Below this, a part's ratio does not matter (a tiny, very repetitive part is harmless).
_RATIO_FLOOR = 5_000_000
# Code pages charset-normalizer may name instead of Windows-1252.
_SINGLE_BYTE = {"cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
                "koi8_r", "koi8_u", "mac_cyrillic", "iso8859_5", "iso8859_7", "cp866"}
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Bytes of a CSV sampled to guess its encoding and delimiter.
_SAMPLE = 64 * 1024


class SheetError(ValueError):
    """A spreadsheet that cannot be read at all; ``where`` is ``path`` or ``path:row``."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where, self.message = where, message


@dataclass(slots=True)
class Table:
    """A sheet as a header and rows of text cells; ``rows`` yields ``(line, cells)``.

    A row that cannot be read (a formula, a cell too long) comes as ``(line, str)``: the
    reason, naming the column, never the cell.
    """

    headers: list[str]
    rows: Iterator[tuple[int, list[str | None] | str]]


def decode(data: bytes, where: str) -> str:
    """Bytes of a text file as text: UTF-8 (with or without BOM), UTF-16 with BOM, else the
    encoding charset-normalizer finds (Windows-1252 above all).

    >>> decode("José;Muñoz".encode("cp1252"), "x.csv"), decode(codecs.BOM_UTF8 + b"a", "x")
    ('José;Muñoz', 'a')
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SheetError(where, "not valid UTF-16 text") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    found = from_bytes(data[:_SAMPLE * 4])
    # Windows-1252 unless another single-byte code page (Cyrillic, Greek, Central European)
    # is the better fit: a short sample of Western names "fits" many multi-byte encodings too,
    # and Windows-1252 is by far the most common of the others.
    names = [r.encoding for r in found]
    best = ["cp1252"] if "cp1252" in names or not names or names[0] not in _SINGLE_BYTE \
        else names[:1]
    for encoding in best + ["cp1252"]:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        # Text in any code page holds no control bytes but tabs and line breaks: this is
        # binary (a spreadsheet saved as .csv by mistake, an image).
        if _BINARY.search(text[:_SAMPLE * 4]) is None:
            return text
        break
    raise SheetError(where, "not UTF-8 text, nor text in another encoding we can tell "
                     "(save it as UTF-8 CSV)")


def _delimiter(sample: str, header: str) -> str:
    try:
        found = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        found = ""
    if found in (",", ";", "\t") and header.count(found):
        return found
    # The sniffer gives up on a file of one column or of many quoted cells: the header decides.
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv(path: Path, max_columns: int) -> Table:
    where = str(path)
    text = decode(path.read_bytes(), where)
    header_line = text.split("\n", 1)[0]
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _delimiter(text[:_SAMPLE], header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader, [])
    except csv.Error as exc:
        raise SheetError(f"{where}:1", f"not valid CSV: {exc}") from None
    if len(headers) > max_columns:
        raise SheetError(f"{where}:1", f"{len(headers):,} columns; a file of records has at most "
                         f"{max_columns:,} (is this the right file?)")

    def rows() -> Iterator[tuple[int, list[str | None] | str]]:
        try:
            for n, cells in enumerate(reader, 1):
                if n > MAX_ROWS:
                    raise SheetError(where, f"more than {MAX_ROWS:,} rows")
                if not any(c.strip() for c in cells):
                    continue
                yield reader.line_num, cells
        except csv.Error as exc:
            # csv's messages name limits and characters, never a cell's text.
            raise SheetError(f"{where}:{reader.line_num}", f"not valid CSV: {exc}") from None

    return Table(headers, rows())


def _check_zip(path: Path) -> None:
    where = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise SheetError(where, "not an XLSX workbook (not a zip file); save it as .xlsx or .csv") from None
    with archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            if total > MAX_UNCOMPRESSED:
                raise SheetError(where, f"expands to more than {MAX_UNCOMPRESSED:,} bytes; refused "
                                 "(a zip bomb, or far larger than any roster)")
            if (info.file_size > _RATIO_FLOOR
                    and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                raise SheetError(where, f"a part expands {info.file_size // max(info.compress_size, 1):,} "
                                 "times its size; refused (a zip bomb)")
            if info.filename.endswith((".xml", ".rels", ".vml")):
                with archive.open(info) as fh:
                    head = fh.read(4096)
                # No part of a workbook declares a DTD; one that does is an entity bomb.
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise SheetError(where, "an XML part declares a DTD or entities; refused "
                                     "(an XML bomb)")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an employee number or phone typed as a number
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _xlsx(path: Path, sheet: str | None, max_columns: int) -> Table:
    import openpyxl

    where = str(path)
    _check_zip(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise SheetError(where, f"cannot be read as an XLSX workbook ({type(exc).__name__})") from None
    if sheet is not None and sheet not in book.sheetnames:
        names = ", ".join(repr(n) for n in book.sheetnames[:20])
        book.close()
        raise SheetError(where, f"no sheet named {sheet!r} (it has {names})")
    ws = book[sheet] if sheet is not None else book.worksheets[0]
    # A sheet's stated size may be a lie (A1:XFD1048576): rows are padded to it otherwise.
    ws.reset_dimensions()
    it = ws.iter_rows()
    try:
        first = next(it, ())
    except Exception as exc:
        book.close()
        raise SheetError(f"{where}:1", f"cannot be read ({type(exc).__name__})") from None
    if len(first) > max_columns:
        book.close()
        raise SheetError(f"{where}:1", f"{len(first):,} columns; a file of records has at most "
                         f"{max_columns:,} (is this the right file?)")
    headers = [_text(c.value) or "" for c in first]

    def rows() -> Iterator[tuple[int, list[str | None] | str]]:
        line = 1
        try:
            for line, row in enumerate(it, 2):
                if line > MAX_ROWS:
                    raise SheetError(where, f"more than {MAX_ROWS:,} rows")
                if len(row) > max_columns:
                    yield line, f"{len(row):,} columns; at most {max_columns:,}"
                    continue
                cells: list[str | None] = []
                problem = None
                for number, cell in enumerate(row, 1):
                    if getattr(cell, "data_type", None) == "f":
                        # A formula's result is not in the file we read, and running it is
                        # not ours to do: the sheet must hold values.
                        problem = (f"column {number}: a formula, not a value (paste the "
                                   "sheet as values)")
                        break
                    text = _text(cell.value)
                    if text is not None and len(text) > MAX_CELL:
                        problem = f"column {number}: longer than {MAX_CELL:,} characters"
                        break
                    cells.append(text)
                if problem:
                    yield line, problem
                elif any(c is not None and c.strip() for c in cells):
                    yield line, cells
        except SheetError:
            raise
        except Exception as exc:
            raise SheetError(f"{where}:{line}", f"cannot be read ({type(exc).__name__})") from None
        finally:
            book.close()

    return Table(headers, rows())


def read_table(path: Path, *, sheet: str | None = None, max_columns: int = 2_000) -> Table:
    """The header and rows of a CSV, TSV or XLSX file (the first sheet, or ``sheet``)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path, sheet, max_columns)
    return _csv(path, max_columns)
