"""The XLSX download of a release: the same table as data.csv, typed cells, every text kept as text.

Excel users get a file that opens in any locale without an import dialog: codes stay text ("1.02" is never a
date, "32.60" never a number), amounts are numbers, dates are dates. Text that starts like a formula ("=",
"+", "-", "@") is written as a text cell, never as a formula. Rows are streamed in batches (openpyxl's
write-only mode), so memory stays flat; a table longer than a worksheet continues on further sheets."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from publish.declarations import Declaration

MEDIATYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_ROWS = 1_048_576  # rows of an Excel worksheet, the header included
EXACT = 2**53  # integers beyond this lose digits in a spreadsheet's doubles: they are written as text
BATCH = 10_000
# Characters XML 1.0 cannot carry; OOXML writes them as _xHHHH_, which Excel reads back as the character.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LOOKS_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _text(value: str) -> str:
    """A string as OOXML stores it: a literal '_x0041_' is protected, illegal characters are escaped."""
    value = LOOKS_ESCAPED.sub(r"_x005F_\1", value)
    return ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def _cell(sheet, value, number_format: str | None = None) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=_text(value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= EXACT:
        return _cell(sheet, str(value))
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    cell = WriteOnlyCell(sheet, value=value)
    if number_format and value is not None:
        cell.number_format = number_format
    return cell


def _formats(schema: pa.Schema) -> list[str | None]:
    out = []
    for f in schema:
        if pa.types.is_date(f.type) or pa.types.is_timestamp(f.type):
            out.append("yyyy-mm-dd")
        elif pa.types.is_integer(f.type):
            out.append("0")  # whole rupiah and counts without a thousands mark that differs by locale
        else:
            out.append(None)
    return out


def _header(sheet, names: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for name in names:
        cell = _cell(sheet, name)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _data_sheets(book: Workbook, table: pa.Table, rows_per_sheet: int) -> None:
    names = table.column_names
    formats = _formats(table.schema)
    sheet, used, count = None, rows_per_sheet, 0
    for batch in table.to_batches(max_chunksize=BATCH):
        for row in batch.to_pylist():
            if used >= rows_per_sheet:
                count += 1
                sheet = book.create_sheet("data" if count == 1 else f"data ({count})")
                sheet.freeze_panes = "A2"
                sheet.append(_header(sheet, names))
                used = 1
            sheet.append([_cell(sheet, row[n], fmt) for n, fmt in zip(names, formats)])
            used += 1
    if sheet is None:  # an empty table still gets its header
        sheet = book.create_sheet("data")
        sheet.append(_header(sheet, names))


def _about_sheet(book: Workbook, declaration: Declaration, about: dict) -> None:
    """'keterangan': what the file is, whose it is, and the data dictionary, in both languages."""
    sheet = book.create_sheet("keterangan")
    bold = Font(bold=True)

    def line(*values, strong=False):
        cells = [_cell(sheet, v) for v in values]
        if strong:
            for c in cells:
                c.font = bold
        sheet.append(cells)

    licence = (declaration.descriptor.get("licenses") or [{}])[0]
    line(declaration.title["id"], strong=True)
    line(declaration.title["en"])
    for label, value in (("Versi / Version", about.get("version")), ("Terbit / Released", about.get("created")),
                         ("Alamat tetap / Permanent URL", about.get("url")),
                         ("Produsen data / Producer", ", ".join(about.get("producers") or [])),
                         ("Penerbit / Publisher", about.get("publisher")),
                         ("Lisensi / Licence", " ".join(x for x in (licence.get("title") or licence.get("name"),
                                                                     licence.get("path")) if x))):
        line(label, value or "")
    line()
    line("Kolom / Field", "Judul / Title", "Tipe / Type", "Keterangan", "Description", strong=True)
    for f in declaration.fields:
        line(f["name"], f.get("title", ""), f.get("type", "string"), f.get("description", ""),
             f.get("terbuka:description_en", ""))


def write_workbook(table: pa.Table, path: Path, declaration: Declaration, about: dict,
                   rows_per_sheet: int = SHEET_ROWS) -> None:
    """Write `table` to `path` as XLSX: sheet 'data' (and 'data (2)'... when it is longer than a worksheet),
    then 'keterangan'. `about`: version, created, url, producers, publisher."""
    book = Workbook(write_only=True)
    _data_sheets(book, table, rows_per_sheet)
    _about_sheet(book, declaration, about)
    created = about.get("created")
    if created:
        when = dt.datetime.fromisoformat(created.replace("Z", "+00:00")).replace(tzinfo=None)
        book.properties.created = when
    book.properties.creator = "Terbuka"
    book.properties.title = declaration.title["id"]
    book.save(path)
