"""Minimal XLSX files written part by part, so tests can build workbooks openpyxl would never write (bombs, lies)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
{extra}</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
{extra}</Relationships>"""
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"


def _letter(index: int) -> str:
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(ref: str, value) -> str:
    """One cell: numbers as numbers, '=...' as a formula without a saved result, text inline."""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, tuple) and value[0] == "formula":  # ("formula", "SUM(A1:A2)", saved value or None)
        saved = "" if value[2] is None else f"<v>{value[2]}</v>"
        return f'<c r="{ref}"><f>{escape(value[1])}</f>{saved}</c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_rows(rows: Iterable[list]) -> Iterable[str]:
    for number, row in enumerate(rows, start=1):
        cells = "".join(cell(f"{_letter(i + 1)}{number}", v) for i, v in enumerate(row) if v is not None and v != "")
        yield f'<row r="{number}">{cells}</row>'


def workbook(rows: Iterable[list] | None = None, *, sheet_xml: bytes | None = None, dimension: str = "",
             extra: dict[str, bytes] | None = None, extra_types: str = "", extra_rels: str = "") -> bytes:
    """An XLSX file with one sheet 'Data' holding `rows` (or the given sheet XML), plus any extra parts."""
    if sheet_xml is None:
        dim = f'<dimension ref="{dimension}"/>' if dimension else ""
        sheet_xml = (SHEET_HEAD.format(dimension=dim) + "".join(sheet_rows(rows or [])) + SHEET_TAIL).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(extra=extra_types))
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(extra=extra_rels))
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, content in (extra or {}).items():
            z.writestr(name, content)
    return out.getvalue()
