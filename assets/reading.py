"""Read the bytes an officer sent into a header and rows: format, encoding, BOM, delimiter, sheet."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from assets.grid import Grid, GridRows, read_grid, split_rows


class UnusableFile(Exception):
    """The file cannot be read as a table at all; the messages say why and what to send instead."""

    def __init__(self, message_en: str, message_id: str):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_id = message_id


@dataclass
class Sheet:
    """Rows as read, before any header is chosen; cells are str, or int/float/date from typed files."""

    format: str
    rows: Sequence[list]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    grid: Grid | None = None  # the same rows column by column, for CSV files (the bulk path)


def detect_format(data: bytes, filename: str = "") -> str:
    """Decide the format from the bytes first, the file name second (names lie: TSV saved as .csv)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table")) or b"<table" in lowered:
        return "html"
    if head[:1] in (b"{", b"["):
        return "json"
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary"
    return "csv"


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: BOMs first, then strict UTF-8, then the best legacy guess."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Officers' spreadsheets on Windows save CSV as cp1252; it decodes any byte but five.
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is None:
            raise UnusableFile("The text encoding of this file could not be recognised; save it as UTF-8 CSV.",
                               "Pengodean teks berkas ini tidak dikenali; simpan ulang sebagai CSV UTF-8.") from None
        return data.decode(best.encoding, errors="strict"), best.encoding


def _first_lines(text: str, n: int) -> list[str]:
    """text.splitlines()[:n] without splitting the whole file."""
    size = 8192
    while True:
        lines = text[:size].splitlines()
        if len(lines) > n or size >= len(text):
            return lines[:n]
        size *= 4


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently into more than one column."""
    lines = [line for line in _first_lines(text, 50) if line.strip()]
    best, best_score = ",", -1.0
    for delim in (",", ";", "\t", "|"):
        counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        if not counts or max(counts) < 2:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) / len(counts) * min(common, 50)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv(data: bytes) -> Sheet:
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    utf8 = data if encoding == "utf-8" else data[3:] if encoding == "utf-8-sig" else text.encode("utf-8")
    found = read_grid(text, utf8, delimiter)
    if found is not None:
        grid, head = found
        return Sheet("csv", GridRows(grid, head), encoding=encoding, delimiter=delimiter, grid=grid)
    # A file ending inside a quoted cell: Python's csv module alone says how to split it.
    return Sheet("csv", split_rows(text, delimiter), encoding=encoding, delimiter=delimiter)


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    return value


def read_xlsx(data: bytes, sheet: str | int | None = None, limit: int | None = None) -> Sheet:
    """The declared sheet's rows (the first `limit` only when given: a workbook is read lazily)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UnusableFile(f"This XLSX workbook cannot be opened ({exc.__class__.__name__}); re-save it from the spreadsheet program.",
                           "Buku kerja XLSX ini tidak dapat dibuka; simpan ulang dari program lembar kerja.") from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif isinstance(sheet, int):
            ws = book.worksheets[sheet]
        else:
            ws = book[sheet]
    except (KeyError, IndexError):
        names = ", ".join(book.sheetnames)
        raise UnusableFile(f"The declared sheet '{sheet}' is not in this workbook (sheets: {names}).",
                           f"Lembar '{sheet}' yang dideklarasikan tidak ada di buku kerja ini (lembar: {names}).") from None
    rows = [["" if v is None else _cell(v) for v in row] for row in ws.iter_rows(values_only=True, max_row=limit)]
    book.close()
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    return Sheet("xlsx", rows, sheet=ws.title)


def read_json(data: bytes, records: str | None = None) -> Sheet:
    text, encoding = decode_text(data)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnusableFile(f"This JSON file is not valid JSON (line {exc.lineno}): {exc.msg}.",
                           f"Berkas JSON ini tidak valid (baris {exc.lineno}): {exc.msg}.") from None
    if isinstance(doc, dict):
        key = records if records in doc else next((k for k, v in doc.items() if isinstance(v, list)), None)
        doc = doc.get(key) if key else None
    if not isinstance(doc, list) or not doc:
        raise UnusableFile("This JSON file holds no list of records (expected [{...}, ...] or {\"data\": [...]}).",
                           "Berkas JSON ini tidak memuat daftar rekaman (diharapkan [{...}] atau {\"data\": [...]}).")
    if all(isinstance(r, list) for r in doc):
        return Sheet("json", [list(r) for r in doc], encoding=encoding)
    header: list[str] = []
    for record in doc:
        if not isinstance(record, dict):
            raise UnusableFile("The JSON records must all be objects.", "Semua rekaman JSON harus berupa objek.")
        header.extend(k for k in record if k not in header)
    rows = [header] + [[_json_cell(r.get(k)) for k in header] for r in doc]
    return Sheet("json", rows, encoding=encoding)


def _json_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def read_sheet(data: bytes, filename: str, source: dict) -> Sheet:
    """Read any accepted format into rows, or raise UnusableFile with a message to act on."""
    fmt = detect_format(data, filename)
    accepted = source.get("formats") or ["csv", "xlsx", "json"]
    if fmt == "html":
        raise UnusableFile("This file is an HTML page saved with a spreadsheet extension; open it in a spreadsheet program and save it as XLSX or CSV.",
                           "Berkas ini adalah halaman HTML yang disimpan dengan ekstensi lembar kerja; buka di program lembar kerja lalu simpan sebagai XLSX atau CSV.")
    if fmt == "xls":
        raise UnusableFile("Old binary Excel (.xls) files are not accepted; save it as XLSX or CSV.",
                           "Berkas Excel lama (.xls) tidak diterima; simpan sebagai XLSX atau CSV.")
    if fmt == "binary":
        raise UnusableFile("This file is not a table (binary content); send CSV, XLSX or JSON.",
                           "Berkas ini bukan tabel (isi biner); kirim CSV, XLSX atau JSON.")
    if fmt not in accepted:
        raise UnusableFile(f"{fmt.upper()} files are not accepted for this dataset (accepted: {', '.join(accepted)}).",
                           f"Berkas {fmt.upper()} tidak diterima untuk dataset ini (yang diterima: {', '.join(accepted)}).")
    if fmt == "xlsx":
        return read_xlsx(data, source.get("sheet"))
    if fmt == "json":
        return read_json(data, source.get("jsonRecords"))
    return read_csv(data)
