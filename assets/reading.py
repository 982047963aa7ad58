"""Read the file an officer sent into a header and rows: format, encoding, delimiter, sheet, within declared limits.

A CSV file is opened, not read: its head is split here and its body streams from disk in chunks (assets/grid.py);
workbooks, JSON and Parquet are read whole, within limits that bound them."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from assets.columnar import read_parquet
from assets.encoding import (BOMS, decode_text, decoded, detect_encoding, legacy_line, legacy_note, marked_codec,
                             utf16_without_bom)
from assets.grid import (HEAD_ROWS, CsvStream, Grid, GridRows, check_grid, check_rows, nul_refusal, reread, text_lines,
                         unsplittable)
from assets.limits import Limits
from assets.sheet import Sheet
from assets.source import Source
from assets.unusable import UnusableFile
from assets.workbook import read_xlsx
from publish.report import id_number

__all__ = ["Sheet", "Source", "UnusableFile", "check_grid", "check_rows", "csv_head", "decode_text", "detect_format", "open_sheet",
           "read_csv", "read_json", "read_sheet", "read_xlsx", "sniff_delimiter"]

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files (.xls, .doc)


def _head_text(data: bytes) -> str | None:
    """The first characters of a text file, whatever its Unicode form; None for binary content."""
    head = data[:4096]
    for bom, codec in BOMS:
        if head.startswith(bom):
            return head.decode(codec, errors="ignore")
    if (codec := utf16_without_bom(data)) is not None:
        return head.decode(codec, errors="ignore")
    # Control bytes other than tab and line ends are rare in text: a stray NUL is a damaged table (named by
    # read_csv with its line), many of them a binary file.
    control = sum(head.count(bytes([b])) for b in (*range(0, 9), 11, 12, *range(14, 32)))
    if control > max(8, len(head) // 20):
        return None
    return head.decode("latin-1")


def detect_format(data: bytes | Source, filename: str = "") -> str:
    """Decide the format from the bytes alone (names lie: TSV saved as .csv, HTML saved as .xls)."""
    source = Source.of(data)
    head, tail = source.head(4096), source.tail(4)
    if head[:4] == b"PK\x03\x04":
        return "xlsx"
    if head[:4] == b"PAR1" and tail == b"PAR1":
        return "parquet"
    if head[:8] == OLE:
        return "xls"
    text = _head_text(head)
    if text is None:
        return "binary"
    head = text.lstrip("\ufeff \t\r\n")
    lowered = head[:512].lower()
    if lowered.startswith(("<!doctype html", "<html", "<table")) or "<table" in lowered:
        return "html"
    if head[:1] in ("{", "["):
        return "json"
    return "csv"


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
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        except csv.Error:  # a cell past the csv module's ceiling: split_rows names it with its line
            continue
        if not counts or max(counts) < 2:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) / len(counts) * min(common, 50)
        if score > best_score:
            best, best_score = delim, score
    return best


def _head(source: Source, codec: str, limits: Limits | None, rows: int) -> tuple[str, list[list[str]]]:
    """The delimiter and the first `rows` records, read from the start of the file only: the delimiter from
    its first 50 lines, the records as Python's csv module splits them."""
    taken, size, ends, pieces = [], 0, 0, decoded(source, codec, size=1 << 16)
    for piece in pieces:
        if "\x00" in piece:
            raise nul_refusal(decoded(source, codec, "replace"))
        taken.append(piece)
        size, ends = size + len(piece), ends + piece.count("\n") + piece.count("\r")
        if (ends > 50 and len("".join(taken).splitlines()) > 50) or size > 1 << 23:
            break
    text = "".join(taken)
    delimiter = sniff_delimiter(text)
    lines = text_lines(itertools.chain([text], _no_nul(pieces, source, codec)))
    reader = csv.reader(lines, delimiter=delimiter)
    head: list[list[str]] = []
    start = 1  # the line the record being read starts on
    try:
        for row in itertools.islice(reader, rows):
            head.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise unsplittable(exc, start, reader.line_num) from None
    if limits is not None:
        check_rows(head, limits)
    return delimiter, head


def _no_nul(pieces, source: Source, codec: str):
    for piece in pieces:
        if "\x00" in piece:
            raise nul_refusal(decoded(source, codec, "replace"))
        yield piece


def open_csv(source: Source, limits: Limits | None = None, header=None) -> Sheet:
    """A CSV file opened for reading: its encoding, delimiter and head now, its body as a stream of chunks
    (sheet.stream). `header`: a declared header row, which the head must reach."""
    limits = limits or Limits()
    codec = marked_codec(source.head(4096))
    if codec not in (None, "utf-8-sig"):
        codec = detect_encoding(source)  # UTF-16 and UTF-32 are checked whole first: rare, and small
    codec = codec or "utf-8"  # UTF-8 until a byte says otherwise (checked as the body streams)
    rows = max(HEAD_ROWS, header + 5) if isinstance(header, int) else HEAD_ROWS
    try:
        delimiter, head = _head(source, codec, limits, rows)
    except UnicodeDecodeError:
        codec = detect_encoding(source)  # the head is not UTF-8 (nor what its mark says): which it is, or why not
        delimiter, head = _head(source, codec, limits, rows)
    notes = [legacy_note(legacy_line(source))] if codec == "cp1252" else []
    if not head:
        return Sheet("csv", [], encoding=codec, delimiter=delimiter, notes=notes)
    stream = CsvStream(source, codec, delimiter, head, limits)
    return Sheet("csv", head, encoding=codec, delimiter=delimiter, notes=notes, stream=stream)


def csv_head(data: bytes | Path | Source, rows: int) -> Sheet:
    """The first `rows` records of a CSV file, read from its start only, in the encoding its start shows (a
    guess at its dataset and year before a run, which then reads the whole file)."""
    source = Source.of(data)
    codec = marked_codec(source.head(4096)) or "utf-8"
    try:
        delimiter, head = _head(source, codec, None, rows)
    except UnicodeDecodeError:
        codec = detect_encoding(source)
        delimiter, head = _head(source, codec, None, rows)
    return Sheet("csv", head, encoding=codec, delimiter=delimiter)


def read_csv(data: bytes | Source, limits: Limits | None = None, header=None) -> Sheet:
    """A CSV file read whole into memory (small files and tests): the rows of open_csv's stream, at once."""
    return _whole(open_csv(Source.of(data), limits, header))


def _whole(sheet: Sheet) -> Sheet:
    stream = sheet.stream
    if stream is None:
        return sheet
    chunks = list(reread(stream))
    if stream.python:  # Python's csv module split the file: its rows, as lists
        rows = list(stream.python_rows())
        return Sheet("csv", rows, encoding=stream.codec, delimiter=sheet.delimiter, notes=sheet.notes + stream.notes)
    grid = _joined(chunks)
    return Sheet("csv", GridRows(grid, sheet.rows), encoding=stream.codec, delimiter=sheet.delimiter, grid=grid,
                 notes=sheet.notes + stream.notes)


def _joined(chunks: list[Grid]) -> Grid:
    width = len(chunks[0].columns)
    columns = [pa.concat_arrays([c.columns[i] for c in chunks]) for i in range(width)]
    numbers = np.concatenate([c.numbers for c in chunks])
    odd = {n: row for c in chunks for n, row in c.odd.items()}
    return Grid(columns, numbers, odd, chunks[-1].count)


def _depth(doc, limit: int) -> int:
    """How deeply lists and objects nest in `doc`, counting no further than limit + 1 (without recursion)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            stack.extend((v, level + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def read_json(data: bytes, records: str | None = None, limits: Limits | None = None) -> Sheet:
    limits = limits or Limits()
    if len(data) > limits.jsonBytes:  # parsed JSON takes several times its size in memory
        raise limits.exceeded("jsonBytes", len(data))
    # Parsed, an empty {} takes some 30 times its three bytes: count containers and strings before parsing.
    containers, strings = data.count(b"{") + data.count(b"["), data.count(b'"') // 2
    if containers > 2 * limits.cells or strings > 3 * limits.cells:
        raise limits.exceeded("cells", where=f"{containers:,} objects and lists, {strings:,} texts before parsing",
                              where_id=f"{id_number(containers)} objek dan daftar, {id_number(strings)} teks sebelum "
                                       "diurai")
    text, encoding = decode_text(data)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnusableFile(f"This JSON file is not valid JSON (line {exc.lineno}): {exc.msg}.",
                           f"Berkas JSON ini tidak valid (baris {exc.lineno}): {exc.msg}.") from None
    except RecursionError:  # the parser gives up near a thousand levels; the limit is far lower
        raise limits.exceeded("jsonDepth") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits, which Python refuses to convert
        raise UnusableFile(f"This JSON file holds a value that cannot be read: {exc}.",
                           f"Berkas JSON ini memuat nilai yang tidak dapat dibaca: {exc}.") from None
    if _depth(doc, limits.jsonDepth) > limits.jsonDepth:
        raise limits.exceeded("jsonDepth")
    if isinstance(doc, dict):
        key = records if records in doc else next((k for k, v in doc.items() if isinstance(v, list)), None)
        doc = doc.get(key) if key else None
    if not isinstance(doc, list) or not doc:
        raise UnusableFile("This JSON file holds no list of records (expected [{...}, ...] or {\"data\": [...]}).",
                           "Berkas JSON ini tidak memuat daftar rekaman (diharapkan [{...}] atau {\"data\": [...]}).")
    if len(doc) + 1 > limits.rows:
        raise limits.exceeded("rows", len(doc))
    if all(isinstance(r, list) for r in doc):
        rows = [list(r) for r in doc]
    else:
        header: dict[str, None] = {}
        for record in doc:
            if not isinstance(record, dict):
                raise UnusableFile("The JSON records must all be objects.", "Semua rekaman JSON harus berupa objek.")
            header.update(dict.fromkeys(record))
            if len(header) > limits.columns:
                raise limits.exceeded("columns", len(header), where="keys across the records",
                                      where_id="kunci pada seluruh rekaman")
        if len(header) * len(doc) > limits.cells:
            raise limits.exceeded("cells", len(header) * len(doc))
        rows = [list(header)] + [[_json_cell(r.get(k)) for k in header] for r in doc]
    check_rows(rows, limits)
    if sum(len(r) for r in rows) > limits.cells:
        raise limits.exceeded("cells", sum(len(r) for r in rows))
    return Sheet("json", rows, encoding=encoding)


def _json_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def open_sheet(data: bytes | Path | Source, filename: str, source: dict) -> Sheet:
    """Open any accepted format within the declared limits, or raise UnusableFile with a message to act on. A
    CSV file's body streams from the file (sheet.stream); workbooks, JSON and Parquet, bounded by their
    own limits, are read whole. The portal's own Parquet download is always accepted back, as is its CSV."""
    file = Source.of(data)
    limits = Limits.declared(source)
    if file.size > limits.bytes:
        raise limits.exceeded("bytes", file.size)
    fmt = detect_format(file, filename)
    accepted = list(source.get("formats") or ["csv", "xlsx", "json"])
    if fmt == "html":
        raise UnusableFile("This file is an HTML page saved with a spreadsheet extension; open it in a spreadsheet program and save it as XLSX or CSV.",
                           "Berkas ini adalah halaman HTML yang disimpan dengan ekstensi lembar kerja; buka di program lembar kerja lalu simpan sebagai XLSX atau CSV.")
    if fmt == "xls":
        raise UnusableFile("Old binary Excel (.xls) files are not accepted; save it as XLSX or CSV.",
                           "Berkas Excel lama (.xls) tidak diterima; simpan sebagai XLSX atau CSV.")
    if fmt == "binary":
        raise UnusableFile("This file is not a table (binary content); send CSV, XLSX or JSON.",
                           "Berkas ini bukan tabel (isi biner); kirim CSV, XLSX atau JSON.")
    if fmt not in accepted and fmt != "parquet":
        raise UnusableFile(f"{fmt.upper()} files are not accepted for this dataset (accepted: {', '.join(accepted)}).",
                           f"Berkas {fmt.upper()} tidak diterima untuk dataset ini (yang diterima: {', '.join(accepted)}).")
    if fmt == "csv":
        return open_csv(file, limits, source.get("header"))
    data = file.whole()
    if fmt == "xlsx":
        return read_xlsx(data, source.get("sheet"), limits=limits)
    if fmt == "parquet":
        return read_parquet(data, limits)
    return read_json(data, source.get("jsonRecords"), limits)


def read_sheet(data: bytes | Path | Source, filename: str, source: dict) -> Sheet:
    """open_sheet, with a CSV file's body read into memory too (small files and tests)."""
    return _whole(open_sheet(data, filename, source))
