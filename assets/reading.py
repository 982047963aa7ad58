"""Read the bytes an officer sent into a header and rows: format, encoding, delimiter, sheet, within declared limits."""

from __future__ import annotations

import csv
import json

import pyarrow.compute as pc

from assets.columnar import read_parquet
from assets.encoding import BOMS, utf16_without_bom, decode_text, encoding_name, legacy_example
from assets.grid import HEAD_ROWS, Grid, GridRows, read_grid, split_rows
from assets.limits import Limits
from assets.sheet import Sheet, column_letter
from assets.unusable import UnusableFile
from assets.workbook import read_xlsx
from publish.report import INFO, Problem, id_number

__all__ = ["Sheet", "UnusableFile", "decode_text", "detect_format", "read_csv", "read_json", "read_sheet",
           "read_xlsx", "sniff_delimiter"]

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


def detect_format(data: bytes, filename: str = "") -> str:
    """Decide the format from the bytes alone (names lie: TSV saved as .csv, HTML saved as .xls)."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:4] == b"PAR1" and data[-4:] == b"PAR1":
        return "parquet"
    if data[:8] == OLE:
        return "xls"
    text = _head_text(data)
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


def _refuse_nul(text: str) -> None:
    at = text.find("\x00")
    if at < 0:
        return
    lines = sorted({text.count("\n", 0, at) + 1} | {text.count("\n", 0, i) + 1 for i in _positions(text, "\x00", 5)})
    shown = ", ".join(map(str, lines))
    raise UnusableFile(
        f"This file holds NUL bytes (\\x00, on lines {shown}), which no text table contains: it is probably a "
        "binary file or a damaged export. Open it in a spreadsheet program and save it as CSV UTF-8 or XLSX.",
        f"Berkas ini memuat byte NUL (\\x00, pada baris {shown}), yang tidak ada dalam tabel teks: mungkin berkas "
        "biner atau ekspor yang rusak. Buka di program lembar kerja lalu simpan sebagai CSV UTF-8 atau XLSX.")


def _positions(text: str, char: str, n: int) -> list[int]:
    out, at = [], text.find(char)
    while at >= 0 and len(out) < n:
        out.append(at)
        at = text.find(char, at + 1)
    return out


def check_rows(rows, limits: Limits, numbers=None) -> None:
    """Row widths and cell lengths of rows held as lists (the head, rows of odd widths, workbook rows)."""
    for i, row in enumerate(rows):
        number = numbers[i] if numbers is not None else i + 1
        if len(row) > limits.columns:
            raise limits.exceeded("columns", len(row), where=f"row {number}", where_id=f"baris {number}")
        for pos, cell in enumerate(row):
            if isinstance(cell, str) and len(cell) > limits.cellCharacters:
                where = f"{column_letter(pos + 1)}{number}"
                raise limits.exceeded("cellCharacters", len(cell), where=f"cell {where}", where_id=f"sel {where}")


def check_grid(grid: Grid, limits: Limits) -> None:
    """The limits over a Grid's columns in bulk: rows, and the longest cell of each column."""
    if grid.count > limits.rows:
        raise limits.exceeded("rows", grid.count)
    for pos, column in enumerate(grid.columns):
        lengths = pc.utf8_length(column)
        longest = pc.max(lengths).as_py() if len(column) else None
        if longest is not None and longest > limits.cellCharacters:
            at = pc.index(pc.greater(lengths, limits.cellCharacters), True).as_py()
            where = f"{column_letter(pos + 1)}{int(grid.numbers[at])}"
            raise limits.exceeded("cellCharacters", longest, where=f"cell {where}", where_id=f"sel {where}")
    odd = sorted(grid.odd)
    check_rows([grid.odd[n] for n in odd], limits, odd)


def read_csv(data: bytes, limits: Limits | None = None) -> Sheet:
    limits = limits or Limits()
    text, encoding = decode_text(data)
    _refuse_nul(text)
    delimiter = sniff_delimiter(text)
    head = split_rows(text, delimiter, HEAD_ROWS)
    check_rows(head, limits)
    notes = [legacy_note(text)] if encoding == "cp1252" else []
    utf8 = data if encoding == "utf-8" else data[3:] if encoding == "utf-8-sig" else text.encode("utf-8")
    # The text is held again only if Arrow cannot split the file: a file's worth of memory less meanwhile.
    del text
    found = read_grid(utf8, delimiter, head)
    if found is not None:
        grid, head = found
        check_grid(grid, limits)
        return Sheet("csv", GridRows(grid, head), encoding=encoding, delimiter=delimiter, grid=grid, notes=notes)
    # A file ending inside a quoted cell: Python's csv module alone says how to split it.
    rows = split_rows(decode_text(data)[0], delimiter, limits=limits)
    if rows:
        notes.append(unclosed_quote(rows))
    return Sheet("csv", rows, encoding=encoding, delimiter=delimiter, notes=notes)


def unclosed_quote(rows: list[list[str]]) -> Problem:
    """The file ends inside a quoted cell: the last row's quote swallowed the rest of the file."""
    last = rows[-1]
    pos = max(range(len(last)), key=lambda i: (("\n" in last[i]) or ("\r" in last[i]), len(last[i]))) if last else 0
    where = f"{column_letter(pos + 1)}{len(rows)}"
    return Problem(type="unclosed-quote", row=len(rows), value=(last[pos][:60] if last else None),
                   note=f"Cell {where} opens a quotation mark (\") that is never closed, so everything after it, to "
                        "the end of the file, was read into that one cell. Close the quote (or remove it) and drop "
                        "the file again.",
                   note_id=f"Sel {where} membuka tanda kutip (\") yang tidak pernah ditutup, sehingga semua isi "
                           "sesudahnya sampai akhir berkas terbaca sebagai satu sel. Tutup tanda kutipnya (atau "
                           "hapus) lalu kirim ulang berkasnya.")


def legacy_note(text: str) -> Problem:
    """A file read as Windows-1252 says so, with a line to check by eye (the reading cannot be proven right)."""
    example = legacy_example(text)
    seen_en = f" Check that line {example[0]} reads right: '{example[1]}'." if example else ""
    seen_id = f" Periksa apakah baris {example[0]} terbaca benar: '{example[1]}'." if example else ""
    return Problem(type="encoding", severity=INFO, value=encoding_name("cp1252"),
                   note=f"This file is not UTF-8; it was read as {encoding_name('cp1252')}, the encoding older "
                        f"spreadsheet programs on Windows save in.{seen_en}",
                   note_id=f"Berkas ini bukan UTF-8; berkas dibaca sebagai {encoding_name('cp1252')}, pengodean "
                           f"yang dipakai program lembar kerja lama di Windows.{seen_id}")


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


def read_sheet(data: bytes, filename: str, source: dict) -> Sheet:
    """Read any accepted format into rows within the declared limits, or raise UnusableFile with a message to
    act on. The portal's own Parquet download is always accepted back, as is its CSV."""
    limits = Limits.declared(source)
    if len(data) > limits.bytes:
        raise limits.exceeded("bytes", len(data))
    fmt = detect_format(data, filename)
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
    if fmt == "xlsx":
        return read_xlsx(data, source.get("sheet"), limits=limits)
    if fmt == "parquet":
        return read_parquet(data, limits)
    if fmt == "json":
        return read_json(data, source.get("jsonRecords"), limits)
    return read_csv(data, limits)

