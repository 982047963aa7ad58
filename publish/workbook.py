"""The XLSX download of a release: the same table as data.csv, typed cells, every text kept as text.

Excel users get a file that opens in any locale without an import dialog: codes stay text ("1.02" is never a
date, "32.60" never a number), amounts are numbers shown with every digit, dates are dates. Text that starts like
a formula ("=", "+", "-", "@") is an inline string, never a formula. The workbook is written as SpreadsheetML
directly, row batch by row batch into the zip (ECMA-376: inline strings, one number format for whole numbers and
one for dates), because a general spreadsheet library builds an object per cell and writes a few thousand rows a
second, while a release of a province's budget has millions of lines; memory stays flat whatever the size. A
table longer than a worksheet continues on further sheets ("data (2)"...)."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pyarrow as pa

from publish.declarations import Declaration

MEDIATYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_ROWS = 1_048_576  # rows of an Excel worksheet, the header included
EXACT = 2**53  # integers beyond this lose digits in a spreadsheet's doubles: they are written as text
BATCH = 20_000
EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system (its 1900 leap-year bug lies before day 61)
# Characters XML 1.0 cannot carry; ECMA-376 writes them as _xHHHH_, which Excel reads back as the character.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LOOKS_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Cell styles (xl/styles.xml, cellXfs): 0 general, 1 date, 2 bold header, 3 whole number with every digit.
DATE, BOLD, WHOLE = 1, 2, 3


def _text(value: str) -> str:
    """A string as SpreadsheetML stores it: XML-escaped, a literal '_x0041_' protected, illegal characters
    escaped as _xHHHH_."""
    if "_x" in value:
        value = LOOKS_ESCAPED.sub(r"_x005F_\1", value)
    if ILLEGAL.search(value):
        value = ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return escape(value)


# Each cell names its reference (r="C12"), as Excel itself writes them; an empty cell is left out.
def _string(value, ref: str) -> str:
    if value is None:
        return ""
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


def _integer(value, ref: str) -> str:
    if value is None:
        return ""
    if abs(value) >= EXACT:
        return _string(str(value), ref)
    return f'<c r="{ref}" s="{WHOLE}"><v>{value}</v></c>'


def _number(value, ref: str) -> str:
    if value is None or not math.isfinite(value):
        return ""
    return f'<c r="{ref}"><v>{value!r}</v></c>'


def _boolean(value, ref: str) -> str:
    return "" if value is None else f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'


def _date(value, ref: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - dt.datetime(1899, 12, 30)
        return f'<c r="{ref}" s="{DATE}"><v>{delta.total_seconds() / 86400!r}</v></c>'
    return f'<c r="{ref}" s="{DATE}"><v>{(value - EPOCH).days}</v></c>'


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA: how a spreadsheet names the column at a 1-based position."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _writer(kind: pa.DataType):
    if pa.types.is_boolean(kind):
        return _boolean
    if pa.types.is_integer(kind):
        return _integer
    if pa.types.is_floating(kind):
        return _number
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return _date
    return _string


def _sheet_start(names: list[str], widths: list[int]) -> str:
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
    header = "".join(f'<c r="{column_letter(i)}1" t="inlineStr" s="{BOLD}"><is><t>{_text(n)}</t></is></c>'
                     for i, n in enumerate(names, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/></sheetView></sheetViews>'
            f'<cols>{cols}</cols><sheetData><row r="1">{header}</row>')


SHEET_END = "</sheetData></worksheet>"


def _widths(schema: pa.Schema) -> list[int]:
    out = []
    for f in schema:
        wide = 16 if pa.types.is_integer(f.type) or pa.types.is_floating(f.type) else 12 \
            if pa.types.is_date(f.type) else 24
        out.append(max(wide, min(40, len(f.name) + 2)))
    return out


def sheet_names(rows: int, rows_per_sheet: int) -> list[str]:
    """'data', then 'data (2)'... as many as the rows need (each sheet repeats the header), then 'keterangan'."""
    count = max(1, math.ceil(rows / (rows_per_sheet - 1)))
    return ["data"] + [f"data ({n})" for n in range(2, count + 1)] + ["keterangan"]


def _data_sheets(archive: zipfile.ZipFile, rows: pa.Table | pa.RecordBatchReader, rows_per_sheet: int,
                 when: tuple) -> list[str]:
    """Write the data sheets, batch by batch; returns their names."""
    names, widths = rows.schema.names, _widths(rows.schema)
    writers = [_writer(f.type) for f in rows.schema]
    letters = [column_letter(i) for i in range(1, len(names) + 1)]
    sheets: list[str] = []
    stream, used = None, rows_per_sheet

    def open_sheet():
        sheets.append("data" if not sheets else f"data ({len(sheets) + 1})")
        info = zipfile.ZipInfo(f"xl/worksheets/sheet{len(sheets)}.xml", date_time=when)
        info.compress_type = zipfile.ZIP_DEFLATED
        handle = archive.open(info, "w", force_zip64=True)
        handle.write(_sheet_start(names, widths).encode("utf-8"))
        return handle

    for batch in rows.to_batches(max_chunksize=BATCH) if isinstance(rows, pa.Table) else rows:
        columns = [c.to_pylist() for c in batch.columns]
        lines = []
        for row in zip(*columns):
            if used >= rows_per_sheet:
                if stream is not None:
                    stream.write(("".join(lines) + SHEET_END).encode("utf-8"))
                    stream.close()
                    lines = []
                stream, used = open_sheet(), 1
            used += 1
            lines.append(f'<row r="{used}">' + "".join(w(v, f"{c}{used}") for w, v, c in zip(writers, row, letters))
                         + "</row>")
        if lines:
            stream.write("".join(lines).encode("utf-8"))
    if stream is None:  # an empty table still gets its header
        stream = open_sheet()
    stream.write(SHEET_END.encode("utf-8"))
    stream.close()
    return sheets


def _about_rows(declaration: Declaration, about: dict) -> list[list[str]]:
    licence = (declaration.descriptor.get("licenses") or [{}])[0]
    rows = [[declaration.title["id"]], [declaration.title["en"]]]
    rows += [[label, value or ""] for label, value in (
        ("Versi / Version", about.get("version")), ("Terbit / Released", about.get("created")),
        ("Alamat tetap / Permanent URL", about.get("url")),
        ("Produsen data / Producer", ", ".join(about.get("producers") or [])),
        ("Penerbit / Publisher", about.get("publisher")),
        ("Lisensi / Licence", " ".join(x for x in (licence.get("title") or licence.get("name"), licence.get("path"))
                                       if x)))]
    rows += [[], ["Kolom / Field", "Judul / Title", "Tipe / Type", "Keterangan", "Description"]]
    rows += [[f["name"], f.get("title", ""), f.get("type", "string"), f.get("description", ""),
              f.get("terbuka:description_en", "")] for f in declaration.fields]
    return rows


def _about_sheet(declaration: Declaration, about: dict) -> str:
    """'keterangan': what the file is, whose it is, and the data dictionary, in both languages."""
    rows = _about_rows(declaration, about)
    strong = {0, len(rows) - len(declaration.fields) - 1}  # the title and the dictionary's header

    def cell(text, bold, ref):
        style = f' s="{BOLD}"' if bold else ""
        return f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{_text(str(text))}</t></is></c>'

    body = "".join(f'<row r="{i}">' + "".join(cell(v, i - 1 in strong, f"{column_letter(j)}{i}") for j, v in enumerate(r, 1))
                   + "</row>" for i, r in enumerate(rows, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
            '<cols><col min="1" max="1" width="30" customWidth="1"/><col min="2" max="5" width="40" customWidth="1"/>'
            f"</cols><sheetData>{body}</sheetData></worksheet>")


STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
          '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
          '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill>'
          '<fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
          '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
          "</styleSheet>")


def _package(sheets: list[str], title: str, created: str) -> dict[str, str]:
    """The workbook's parts besides its sheets: content types, relationships, workbook, styles, properties."""
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    sheet_ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_ct}"/>'
                        for i in range(1, len(sheets) + 1))
    types = (f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
             '<Override PartName="/xl/styles.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
             '<Override PartName="/docProps/core.xml" '
             'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
             f"{overrides}</Types>")
    root_rels = (f'{head}<Relationships xmlns="{PACKAGE_RELS}">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'officeDocument" Target="xl/workbook.xml"/>'
                 '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                 'metadata/core-properties" Target="docProps/core.xml"/></Relationships>')
    entries = "".join(f"<sheet name={quoteattr(name)} sheetId=\"{i}\" r:id=\"rId{i}\"/>"
                      for i, name in enumerate(sheets, 1))
    workbook = (f'{head}<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><bookViews><workbookView activeTab="0"/>'
                f"</bookViews><sheets>{entries}</sheets></workbook>")
    sheet_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    style_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
    links = "".join(f'<Relationship Id="rId{i}" Type="{sheet_rel}" Target="worksheets/sheet{i}.xml"/>'
                    for i in range(1, len(sheets) + 1))
    book_rels = (f'{head}<Relationships xmlns="{PACKAGE_RELS}">{links}'
                 f'<Relationship Id="rId{len(sheets) + 1}" Type="{style_rel}" Target="styles.xml"/></Relationships>')
    core = (f'{head}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{_text(title)}</dc:title><dc:creator>Terbuka</dc:creator>"
            + (f'<dcterms:created xsi:type="dcterms:W3CDTF">{escape(created)}</dcterms:created>' if created else "")
            + "</cp:coreProperties>")
    return {"[Content_Types].xml": types, "_rels/.rels": root_rels, "xl/workbook.xml": workbook,
            "xl/_rels/workbook.xml.rels": book_rels, "xl/styles.xml": STYLES, "docProps/core.xml": core}


def write_workbook(table: pa.Table | pa.RecordBatchReader, path: Path, declaration: Declaration, about: dict,
                   rows_per_sheet: int = SHEET_ROWS, rows: int | None = None) -> None:
    """Write `table` to `path` as XLSX: sheet 'data' (and 'data (2)'... when it is longer than a worksheet),
    then 'keterangan'. `table` may be a stream of batches, its number of `rows` given (the workbook names its
    sheets before their rows), so a release of any size is written holding one batch. `about`: version,
    created, url, producers, publisher. The same rows and `about` give the same bytes, however they are
    batched (entry times are the release time; deflate's output does not depend on how its input is cut)."""
    if rows is None:
        if not isinstance(table, pa.Table):
            raise TypeError("write_workbook needs the number of rows of a stream of batches")
        rows = table.num_rows
    created = about.get("created") or ""
    stamp = dt.datetime.fromisoformat(created.replace("Z", "+00:00")) if created else dt.datetime(2000, 1, 1)
    when = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    sheets = sheet_names(rows, rows_per_sheet)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, text: str) -> None:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))

        for name, text in _package(sheets, declaration.title["id"], created).items():  # the package's parts first
            put(name, text)
        written = _data_sheets(archive, table, rows_per_sheet, when)
        if written != sheets[:-1]:
            raise AssertionError(f"wrote sheets {written}, announced {sheets[:-1]}")  # a bug, never the data
        put(f"xl/worksheets/sheet{len(sheets)}.xml", _about_sheet(declaration, about))
