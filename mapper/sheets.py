"""Reading spreadsheets safely: CSV in any common dialect and encoding, and XLSX.

An XLSX file is XML inside a zip, so it can be a zip bomb (a few kilobytes that expand to
gigabytes) or an XML bomb (entities that expand a billion times). Before any part is parsed,
the zip's listing is checked (uncompressed sizes and ratios) and every XML part is refused if
it declares a DTD in its first 4 KB; the parser (expat, hardened as defusedxml hardens it)
refuses a DTD, an entity or an external reference wherever it comes. Rows, columns and cells
are capped, and so is the shared-strings table, the one part held whole in memory: by the
size of its part before it is read, and by what its strings cost as they are read. The small
parts read whole as a tree (the workbook, its relationships, its styles) are capped by size.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SheetError", "Table", "read_table", "decode", "MAX_ROWS", "MAX_CELL",
           "MAX_UNCOMPRESSED", "MAX_RATIO", "MAX_SHARED_STRINGS", "MAX_SHARED_MEMORY",
           "TABLE_SUFFIXES"]

#: File suffixes read as a table of rows.
TABLE_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm"}
#: Rows an XLSX sheet may hold (Excel's own limit is 1,048,576: a sheet claiming more was not
#: made by a spreadsheet). A CSV has no row limit: it is read whole, so its bytes bound what it
#: costs, and a big campaign's ties (1.6 million rows at 1M people) are one CSV.
MAX_ROWS = 1_100_000
#: Characters in one cell (Excel's own limit is 32,767).
MAX_CELL = 32_767
#: Bytes an XLSX may expand to, all parts together (its sheet is streamed, not held: a
#: 1M-row sheet is about this; the parts held in memory have budgets of their own, below).
MAX_UNCOMPRESSED = 1_000_000_000
#: An XML part this much bigger than its compressed form is a zip bomb, not a roster
#: (real sheets compress 5-20 times; a bomb, hundreds or thousands of times).
MAX_RATIO = 150
#: Bytes the shared-strings part (every distinct text of the workbook, held in memory while
#: its sheet is read) may expand to. A 100,000-row roster of ten columns as Excel writes it
#: (half a million distinct strings: names, emails, phones, addresses) has 19 MB of it; a
#: 20 MB upload of such a roster, about 50 MB. Refused from the zip's listing, before reading.
MAX_SHARED_STRINGS = 128_000_000
#: Bytes of memory the shared strings may take as Python strings, counted as they are read.
#: Each costs ~57 bytes besides its text, so a part of tiny strings costs 3-4 times its size
#: (360 MB of two-letter strings, 3 MB zipped, took 1.4 GB); the roster above takes 45 MB.
MAX_SHARED_MEMORY = 256_000_000
#: Bytes a part read whole as a tree (workbook.xml, its relationships, styles.xml) may expand
#: to. A tree costs ~20 times its bytes (16 MB of empty <xf/> took 300 MB); a workbook with
#: 20,000 distinct cell styles has 3 MB of styles.xml, and Excel allows 64,000.
MAX_TREE_PART = 16_000_000
# Below this, a part's ratio does not matter (a tiny, very repetitive part is harmless).
_RATIO_FLOOR = 5_000_000
# Code pages charset-normalizer may name instead of Windows-1252.
_SINGLE_BYTE = {"cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
                "koi8_r", "koi8_u", "mac_cyrillic", "iso8859_5", "iso8859_7", "cp866"}
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# UTF-8 for a Latin-1 letter (é: C3 A9) or a typographic mark (’: E2 80 99): in Windows-1252
# these are "Ã©" and "â€™", which no one writes.
_WESTERN_UTF8 = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2\x80[\x80-\xbf]")
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
    except UnicodeDecodeError as exc:
        bad_line = data.count(b"\n", 0, exc.start) + 1
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
        if _BINARY.search(text[:_SAMPLE * 4]) is not None:
            break
        if encoding == "cp1252" and _WESTERN_UTF8.search(data):
            # UTF-8 here, Windows-1252 there (rows pasted from two sources): read as one
            # code page, every UTF-8 accent would be stored garbled (José as JosÃ©).
            raise SheetError(where, f"mixes UTF-8 with another encoding (line {bad_line:,} is "
                             "not UTF-8); save it as UTF-8 CSV")
        return text
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
            for cells in reader:
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


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Built-in number formats that show a date or time (ECMA-376 18.8.30).
_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_COLUMN = re.compile(r"[A-Z]+")


def _parse(archive: zipfile.ZipFile, name: str, where: str) -> Any:
    from defusedxml.ElementTree import fromstring

    # Checked from the listing, before reading: zipfile never gives more than it says.
    if archive.getinfo(name).file_size > MAX_TREE_PART:
        raise SheetError(where, f"its part {name} expands to more than {MAX_TREE_PART:,} "
                         "bytes; refused (no workbook's is that big)")
    with archive.open(name) as fh:
        return fromstring(fh.read(), forbid_dtd=True)


def _expat() -> Any:
    """An expat parser hardened as defusedxml hardens its own (``forbid_dtd=True``): a DTD, an
    entity declaration or an external reference raises defusedxml's own exception.

    Used directly, not through ElementTree: ElementTree's parser handles every element in
    Python (names, attributes, a tree node), which was most of the time of reading a sheet;
    here expat calls back only the few lines below, and nothing is built but the cells' text.
    """
    from xml.parsers import expat

    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

    def doctype(name: str, sysid: Any, pubid: Any, has_internal_subset: Any) -> None:
        raise DTDForbidden(name, sysid, pubid)

    def entity(name: str, is_parameter: Any, value: Any, base: Any, sysid: Any, pubid: Any,
               notation: Any) -> None:
        raise EntitiesForbidden(name, value, base, sysid, pubid, notation)

    def unparsed(name: str, base: Any, sysid: Any, pubid: Any, notation: Any) -> None:
        raise EntitiesForbidden(name, None, base, sysid, pubid, notation)

    def external(context: Any, base: Any, sysid: Any, pubid: Any) -> None:
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    # Names arrive as "namespace-uri local-name", whatever prefix the file uses; as the very
    # strings below (expat's table of names starts with them), so comparing them with these
    # is an identity check (measured: reading a sheet takes a seventh less).
    parser = expat.ParserCreate(namespace_separator=" ", intern={n: n for n in _NAMES})
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = unparsed
    parser.ExternalEntityRefHandler = external
    # Text in one piece per element (up to the buffer), not one call per line or entity.
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    return parser


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_E_ROW, _E_C, _E_V, _E_F, _E_T = _NS + "row", _NS + "c", _NS + "v", _NS + "f", _NS + "t"
_E_SI, _E_RPH = _NS + "si", _NS + "rPh"
_NAMES = (_E_ROW, _E_C, _E_V, _E_F, _E_T, _E_SI, _E_RPH)
# Bytes of a part fed to the parser at a time.
_CHUNK = 1 << 16


def _feed(parser: Any, fh: Any, done: list[Any]) -> Iterator[Any]:
    """Feed a part to ``parser`` chunk by chunk, yielding what its handlers put in ``done``.

    What was complete before a broken or hostile part of the file is yielded before the error
    is raised (as ElementTree's iterparse did).
    """
    while True:
        data = fh.read(_CHUNK)
        try:
            parser.Parse(data, not data)
        except Exception:
            yield from done
            raise
        if done:
            yield from done
            done.clear()
        if not data:
            return


def _part(base: str, target: str) -> str:
    # A relationship's target is relative to its part's folder, or absolute from the root.
    return target.lstrip("/") if target.startswith("/") else f"{base}/{target}"


def _shared_strings(archive: zipfile.ZipFile, name: str | None, where: str) -> list[str]:
    if not name or name not in archive.namelist():
        return []
    # The listing's size is what reading the part can give (zipfile stops there).
    if archive.getinfo(name).file_size > MAX_SHARED_STRINGS:
        raise SheetError(where, f"its shared strings expand to more than "
                         f"{MAX_SHARED_STRINGS:,} bytes; refused (far more text than a roster "
                         "holds; save the sheet as CSV)")
    out: list[str] = []
    used = 0  # bytes the strings in `out` take
    parser = _expat()
    depth = 0
    si_depth = rph_depth = -1  # depth of the open <si>, of its open <rPh>; -1: none
    parts: list[str] = []
    collecting: list[str] | None = None

    # Rich text is runs of <t>; phonetic guides (<rPh>) are not the text. A <t>'s text is what
    # comes before any element inside it (ElementTree's .text).
    def start(tag: str, attrs: Any) -> None:
        nonlocal depth, si_depth, rph_depth, collecting
        depth += 1
        collecting = None
        if si_depth < 0:
            if tag == _E_SI:
                si_depth = depth
                parts.clear()
        elif tag == _E_T and rph_depth < 0:
            collecting = parts
        elif tag == _E_RPH and depth == si_depth + 1:
            rph_depth = depth

    def end(tag: str) -> None:
        nonlocal depth, si_depth, rph_depth, collecting, used
        collecting = None
        if depth == rph_depth:
            rph_depth = -1
        elif depth == si_depth:
            got = "".join(parts)
            out.append(got)
            used += sys.getsizeof(got) + 8  # and its place in `out`
            if used > MAX_SHARED_MEMORY:
                raise SheetError(where, f"its shared strings take more than "
                                 f"{MAX_SHARED_MEMORY:,} bytes of memory; refused (far more "
                                 "text than a roster holds; save the sheet as CSV)")
            si_depth = -1
        depth -= 1

    def text(data: str) -> None:
        if collecting is not None:
            collecting.append(data)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    with archive.open(name) as fh:
        for _ in _feed(parser, fh, []):
            pass
    return out


def _date_styles(archive: zipfile.ZipFile, where: str) -> set[int]:
    """Indexes of the cell styles that show a number as a date."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = _parse(archive, "xl/styles.xml", where)
    custom = {}
    for fmt in styles.iter(_MAIN + "numFmt"):
        code = _QUOTED.sub("", fmt.get("formatCode", "")).lower()
        custom[int(fmt.get("numFmtId", "0"))] = any(ch in code for ch in "dmy")
    xfs = styles.find(_MAIN + "cellXfs")
    out = set()
    for i, xf in enumerate(xfs if xfs is not None else []):
        fid = int(xf.get("numFmtId", "0"))
        if fid in _DATE_FORMATS or custom.get(fid):
            out.add(i)
    return out


def _column_index(ref: str | None, default: int) -> int:
    m = _COLUMN.match(ref or "")
    if not m:
        return default
    n = 0
    for ch in m.group():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _number(text: str, date: bool, epoch: dt.datetime) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    if date and 0 <= value < 2_958_466:  # up to 9999-12-31
        moment = epoch + dt.timedelta(days=value)
        return moment.date().isoformat() if moment.time() == dt.time() else moment.isoformat()
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))  # an employee number or phone typed as a number
    return text


def _sheet_rows(fh: Any, shared: list[str], dates: set[int], epoch: dt.datetime,
                max_columns: int) -> Iterator[tuple[int, list[str | None] | str, bool]]:
    """``(row number, cells, filled)`` for each <row> of a sheet part as it streams (``filled``:
    a cell holds more than spaces), or ``(row number, reason, True)`` for a row that cannot be
    read (the reason names the column, never the cell). Memory stays about one chunk of rows.

    A cell is a <c> directly in its row: its value is the text of its first <v> (a shared
    string's index, a number, a boolean...), or of its <t>s for an inline string; a <c> with
    an <f> is a formula, refused. An element's text is what comes before any element inside it
    (ElementTree's ``.text``). The handlers below run for every element of the sheet, hundreds
    of thousands of times: they are written for speed (no calls they can do without).
    """
    parser = _expat()
    done: list[tuple[int, list[str | None] | str, bool]] = []
    depth = 0
    row_depth = cell_depth = -1   # depth of the open <row>, of its open <c>; -1: none
    number = 0                    # the row's number (its r=, else the one before + 1)
    cells: list[str | None] = []
    filled = False
    problem: str | None = None    # why the open row cannot be read
    ref = kind = style = None     # the open cell's r=, t=, s=
    formula = False
    value: list[str] | None = None    # text of the cell's first <v>
    inline: list[str] | None = None   # text of the cell's <t>s
    collecting: list[str] | None = None
    columns: dict[str, int] = {}  # "AB" -> 27: column letters seen, each worked out once

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth, row_depth, cell_depth, number, cells, filled, problem, ref, kind, style
        nonlocal formula, value, inline, collecting
        depth += 1
        if cell_depth > 0:
            collecting = None
            if tag == _E_T:
                if inline is None:
                    inline = []
                collecting = inline
            elif tag == _E_V:
                if value is None and depth == cell_depth + 1:
                    value = collecting = []
            elif tag == _E_F and depth == cell_depth + 1:
                formula = True
        elif tag == _E_C:
            if depth == row_depth + 1 and row_depth > 0:
                cell_depth = depth
                ref, kind, style = attrs.get("r"), attrs.get("t"), attrs.get("s")
                formula = False
                value = inline = None
        elif tag == _E_ROW and row_depth < 0:
            row_depth = depth
            try:
                number = int(attrs.get("r") or number + 1)
            except ValueError:
                number += 1
            cells, filled, problem = [], False, None

    def end(tag: str) -> None:
        nonlocal depth, row_depth, cell_depth, problem, filled, collecting
        collecting = None
        if depth == cell_depth:
            cell_depth = -1
            if problem is None:
                # The cell just read goes into `cells`, or says why its row cannot be read.
                col = columns.get(ref.rstrip("0123456789")) if ref else None
                if col is None:
                    col = _column_index(ref, len(cells))
                    m = _COLUMN.match(ref or "")
                    if m and col < max_columns:
                        columns[m.group()] = col
                if col >= max_columns:
                    problem = f"column {col + 1:,}: beyond the {max_columns:,} columns a file may have"
                elif formula:
                    # A formula's result is not ours to trust, nor running it ours to do.
                    problem = f"column {col + 1}: a formula, not a value (paste the sheet as values)"
                else:
                    if kind == "inlineStr":
                        got: str | None = "".join(inline) if inline else ""
                    elif value is None:
                        got = None
                    else:
                        v = "".join(value)
                        if kind == "s":
                            try:
                                got = shared[int(v)]
                            except (ValueError, IndexError):
                                got = None
                                problem = (f"column {col + 1}: refers to a shared string the "
                                           "file does not have")
                        elif kind == "b":
                            got = "true" if v == "1" else "false"
                        elif kind == "e":
                            got = None  # #N/A, #REF!: no value
                        elif kind == "str" or kind == "d":
                            got = v
                        else:
                            got = _number(v, int(style or 0) in dates, epoch)
                    if problem is not None:
                        pass  # a shared string the file does not have
                    elif got is not None and len(got) > MAX_CELL:
                        problem = f"column {col + 1}: longer than {MAX_CELL:,} characters"
                    elif len(cells) >= col:
                        if len(cells) == col:
                            cells.append(got)
                            if got and not filled and not got.isspace():
                                filled = True
                    else:
                        cells.extend([None] * (col - len(cells)))
                        cells.append(got)
                        if got and not filled and not got.isspace():
                            filled = True
        elif depth == row_depth:
            row_depth = -1
            done.append((number, cells, filled) if problem is None else (number, problem, True))
        depth -= 1

    def text(data: str) -> None:
        if collecting is not None:
            collecting.append(data)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    yield from _feed(parser, fh, done)


def _xlsx(path: Path, sheet: str | None, max_columns: int) -> Table:
    """A workbook's sheet, parsed as it streams (expat hardened as defusedxml hardens it: no
    DTD, no entities, no external references).

    Not openpyxl's read-only mode: measured on a 20,000-row roster it took 4.8 s of CPU to
    read what defusedxml's ElementTree read in 1.8 s (it builds a cell object per cell and
    scans a sheet without a <dimension> twice); and not ElementTree either: on a 100,000-row
    roster (openpyxl's inline strings) it took 13.3 s of CPU, expat with the handlers of
    :func:`_sheet_rows` 4.0 s (2026-12-02, this 2-core VM).
    """
    where = str(path)
    _check_zip(path)
    archive = zipfile.ZipFile(path)
    try:
        book = _parse(archive, "xl/workbook.xml", where)
        rels = {r.get("Id"): r for r in _parse(archive, "xl/_rels/workbook.xml.rels", where)
                .iter(_PKG + "Relationship")}
        sheets = [(s.get("name") or "", s.get(_REL + "id")) for s in book.iter(_MAIN + "sheet")]
        pr = book.find(_MAIN + "workbookPr")
        date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        strings_rel = next((r.get("Target") for r in rels.values()
                            if (r.get("Type") or "").endswith("/sharedStrings")), None)
        shared = _shared_strings(archive, _part("xl", strings_rel) if strings_rel else None,
                                 where)
        dates = _date_styles(archive, where)
    except SheetError:
        archive.close()
        raise
    except Exception as exc:  # a broken or hostile workbook: named, never quoted
        archive.close()
        raise SheetError(where, f"cannot be read as an XLSX workbook ({type(exc).__name__})") from None
    if not sheets:
        archive.close()
        raise SheetError(where, "has no sheet")
    if sheet is not None and sheet not in [n for n, _ in sheets]:
        names = ", ".join(repr(n) for n, _ in sheets[:20])
        archive.close()
        raise SheetError(where, f"no sheet named {sheet!r} (it has {names})")
    rid = next(r for n, r in sheets if sheet is None or n == sheet)
    target = rels.get(rid)
    part = _part("xl", target.get("Target")) if target is not None else None
    if part is None or part not in archive.namelist():
        archive.close()
        raise SheetError(where, "its sheet is missing from the workbook")
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    fh = archive.open(part)
    rows_it = _sheet_rows(fh, shared, dates, epoch, max_columns)
    try:
        first = next(rows_it, None)
    except Exception as exc:
        fh.close()
        archive.close()
        raise SheetError(f"{where}:1", f"cannot be read ({type(exc).__name__})") from None
    if first is None:
        headers: list[str] = []
    else:
        got = first[1]
        if isinstance(got, str):
            fh.close()
            archive.close()
            raise SheetError(f"{where}:{first[0]}", got)
        headers = [c or "" for c in got]

    def rows() -> Iterator[tuple[int, list[str | None] | str]]:
        line = first[0] if first else 1
        try:
            for count, (line, got, filled) in enumerate(rows_it, 2):
                if count > MAX_ROWS:
                    raise SheetError(where, f"more than {MAX_ROWS:,} rows")
                if filled:  # a row of empty cells is no record
                    yield line, got
        except SheetError:
            raise
        except Exception as exc:
            raise SheetError(f"{where}:{line}", f"cannot be read ({type(exc).__name__})") from None
        finally:
            fh.close()
            archive.close()

    return Table(headers, rows())


def read_table(path: Path, *, sheet: str | None = None, max_columns: int = 2_000) -> Table:
    """The header and rows of a CSV, TSV or XLSX file (the first sheet, or ``sheet``)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path, sheet, max_columns)
    return _csv(path, max_columns)
