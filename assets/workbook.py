"""XLSX workbooks read safely: the zip checked before anything is unpacked, XML parsed by defusedxml, cells bounded."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from dataclasses import dataclass

from assets.limits import Limits
from assets.sheet import Sheet, column_letter
from assets.unusable import UnusableFile
from publish.report import INFO, Problem

# A workbook's table of contents (the zip's central directory) is read whole by zipfile before any check of
# ours can run: a small bound on it keeps a zip of millions of empty entries from filling memory.
DIRECTORY_BYTES = 4 << 20
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
SHARED_STRINGS = "xl/sharedStrings.xml"
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


@dataclass
class Archive:
    """What the zip's directory says about a workbook, checked against the limits before openpyxl opens it."""

    names: list[str]
    formulas: bool  # some worksheet holds a formula


def xml_is_defused() -> bool:
    """True when openpyxl parses workbook XML with defusedxml, which refuses entity expansion ('billion laughs')
    and external entities. openpyxl picks it when installed, unless OPENPYXL_DEFUSEDXML=False turns it off."""
    import openpyxl  # slow to import: only when a workbook arrives
    from openpyxl.xml import functions

    return bool(openpyxl.DEFUSEDXML) and functions.iterparse.__module__.startswith("defusedxml")


def _directory_size(data: bytes) -> int | None:
    """The size of the zip's central directory from its end record (None when the record is not found)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    entries, size = struct.unpack("<HI", data[at + 10:at + 16])  # total entries, directory size
    if entries == 0xFFFF or size == 0xFFFFFFFF:
        return 1 << 62  # zip64: only needed past 65,535 entries or 4 GB, beyond any workbook accepted here
    return size


def _not_a_workbook(data: bytes) -> UnusableFile:
    if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in data[:200]:
        return UnusableFile("This is an OpenDocument spreadsheet (.ods); save it as XLSX or CSV.",
                            "Berkas ini lembar kerja OpenDocument (.ods); simpan sebagai XLSX atau CSV.")
    return UnusableFile("This file is a ZIP archive but not an Excel workbook; send the table itself as XLSX or CSV.",
                        "Berkas ini arsip ZIP, bukan buku kerja Excel; kirim tabelnya sendiri sebagai XLSX atau CSV.")


def _damaged(reason: str) -> UnusableFile:
    return UnusableFile(f"This XLSX workbook is damaged ({reason}); re-save it from the spreadsheet program.",
                        f"Buku kerja XLSX ini rusak ({reason}); simpan ulang dari program lembar kerja.")


def inspect_archive(data: bytes, limits: Limits, formulas: bool = True) -> Archive:
    """Check a workbook's zip against the limits from its directory alone, before anything is unpacked.

    zipfile never yields more bytes than an entry's declared size (it fails the CRC instead), so the declared
    sizes bound what openpyxl can unpack; a very high compression ratio is how a 'zip bomb' looks."""
    directory = _directory_size(data)
    if directory is None:
        raise _damaged("no zip directory")
    if directory > DIRECTORY_BYTES:
        raise limits.exceeded("unpackedBytes", where="the workbook's list of parts alone is "
                              f"{directory:,} bytes", where_id=f"daftar bagian buku kerja saja {directory:,} byte")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _damaged(str(exc) or exc.__class__.__name__) from None
    with archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        if "xl/workbook.xml" not in names:
            raise _not_a_workbook(data)
        if any(i.flag_bits & 0x1 for i in infos):
            raise UnusableFile("This workbook is protected with a password; remove the password and save it again.",
                               "Buku kerja ini dilindungi kata sandi; hapus kata sandinya lalu simpan ulang.")
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise UnusableFile(
                "This workbook contains macros (VBA). Terbuka never runs them, and does not take data from a file "
                "that carries code: save the sheet as a plain workbook (.xlsx, without macros) or as CSV.",
                "Buku kerja ini memuat makro (VBA). Terbuka tidak pernah menjalankannya dan tidak mengambil data "
                "dari berkas yang membawa kode: simpan lembarnya sebagai buku kerja biasa (.xlsx, tanpa makro) "
                "atau CSV.")
        links = [n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml")]
        if links:
            raise UnusableFile(
                f"This workbook takes values from {len(links)} other file(s) (external links); the values saved in "
                "it may be out of date. Replace the links by their values (Copy, then Paste Special > Values), "
                "save, and drop the file again.",
                f"Buku kerja ini mengambil nilai dari {len(links)} berkas lain (tautan eksternal); nilai yang "
                "tersimpan bisa sudah usang. Ganti tautan dengan nilainya (Salin, lalu Tempel Spesial > Nilai), "
                "simpan, lalu kirim ulang berkasnya.")
        total = sum(i.file_size for i in infos)
        if total > limits.unpackedBytes:
            raise limits.exceeded("unpackedBytes", total)
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1 << 20 and ratio > limits.compressionRatio:
                raise limits.exceeded("compressionRatio", int(ratio), where=f"part {info.filename}",
                                      where_id=f"bagian {info.filename}")
            streamed = WORKSHEET.fullmatch(info.filename) or info.filename == SHARED_STRINGS
            if not streamed and info.file_size > limits.partBytes:
                raise limits.exceeded("partBytes", info.file_size, where=f"part {info.filename}",
                                      where_id=f"bagian {info.filename}")
        formulas = formulas and any(_has_formula(archive, i) for i in infos if WORKSHEET.fullmatch(i.filename))
    return Archive(names, formulas)


def _has_formula(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a worksheet holds a formula, read in chunks (the declared sizes already passed the limits)."""
    tail = b""
    try:
        with archive.open(info) as part:
            while chunk := part.read(1 << 20):
                if FORMULA_TAG.search(tail + chunk):
                    return True
                tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _damaged(str(exc) or exc.__class__.__name__) from None
    return False


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    return value


def _unsafe_xml(exc: BaseException | None) -> UnusableFile | None:
    """defusedxml's refusal (entities, a DTD, external references) in an officer's words; None for other errors."""
    from defusedxml import DefusedXmlException  # imported with openpyxl, only when a workbook arrives

    while exc is not None and not isinstance(exc, DefusedXmlException):
        exc = exc.__cause__ or exc.__context__  # openpyxl wraps the parser's error in its own
    if exc is None:
        return None
    return UnusableFile(
        f"This workbook's XML declares entities ({exc.__class__.__name__}), which spreadsheet programs never write "
        "and which attacks use to expand text without end or to read files of the server; it is not opened. "
        "Re-save the workbook from the spreadsheet program, or send CSV.",
        f"XML buku kerja ini mendeklarasikan entitas ({exc.__class__.__name__}), yang tidak pernah ditulis program "
        "lembar kerja dan dipakai serangan untuk memperbesar teks tanpa batas atau membaca berkas server; berkas "
        "tidak dibuka. Simpan ulang buku kerja dari program lembar kerja, atau kirim CSV.")


def _open(data: bytes, data_only: bool):
    import openpyxl  # slow to import: only when a workbook arrives

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise _unsafe_xml(exc) or UnusableFile(
            f"This XLSX workbook cannot be opened ({exc.__class__.__name__}); re-save it from the spreadsheet "
            "program.",
            "Buku kerja XLSX ini tidak dapat dibuka; simpan ulang dari program lembar kerja.") from None


def _worksheet(book, sheet: str | int | None):
    try:
        if sheet is None:
            return book.worksheets[0]
        if isinstance(sheet, int):
            return book.worksheets[sheet]
        return book[sheet]
    except (KeyError, IndexError):
        names = ", ".join(book.sheetnames)
        raise UnusableFile(f"The declared sheet '{sheet}' is not in this workbook (sheets: {names}).",
                           f"Lembar '{sheet}' yang dideklarasikan tidak ada di buku kerja ini (lembar: {names}).") from None


def _rows(ws, limits: Limits, limit: int | None):
    """The sheet's rows as lists, each only as wide as its last filled cell, checked against the limits as they
    come: no more than one row past a limit is ever held."""
    # The dimension a workbook declares may be anything (A1:XFD1048576 pads every row to 16,384 cells): ignore it.
    ws.reset_dimensions()
    cells = 0
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if limit is not None and number > limit:
            return
        if number > limits.rows:
            raise limits.exceeded("rows")
        width = len(row)
        while width and row[width - 1] in (None, ""):
            width -= 1
        if width > limits.columns:
            raise limits.exceeded("columns", width, where=f"row {number}", where_id=f"baris {number}")
        cells += width
        if cells > limits.cells:
            raise limits.exceeded("cells", where=f"by row {number}", where_id=f"pada baris {number}")
        out = ["" if v is None else _cell(v) for v in row[:width]]
        for pos, value in enumerate(out):
            if isinstance(value, str) and len(value) > limits.cellCharacters:
                where = f"cell {column_letter(pos + 1)}{number}"
                raise limits.exceeded("cellCharacters", len(value), where=where, where_id=f"sel {where[5:]}")
        yield out


def _unsaved_formulas(data: bytes, sheet, rows: list[list], limits: Limits) -> tuple[list[str], int]:
    """Cells holding a formula whose result was never saved (openpyxl reads those as empty), and how many formula
    cells were read by their saved result. A second, formula-aware pass over the same sheet."""
    book = _open(data, data_only=False)
    missing, saved = [], 0
    try:
        ws = _worksheet(book, sheet)
        for number, row in enumerate(_rows(ws, limits, len(rows)), start=1):
            values = rows[number - 1]
            for pos, formula in enumerate(row):
                if isinstance(formula, str) and formula.startswith("=") and len(formula) > 1:
                    value = values[pos] if pos < len(values) else ""
                    if value == "":
                        missing.append(f"{column_letter(pos + 1)}{number} ({formula[:40]})")
                    elif value != formula:
                        saved += 1
    finally:
        book.close()
    return missing, saved


def read_xlsx(data: bytes, sheet: str | int | None = None, limit: int | None = None,
              limits: Limits | None = None) -> Sheet:
    """The declared sheet's rows (the first `limit` only when given: a workbook is read lazily)."""
    limits = limits or Limits()
    if not xml_is_defused():
        raise UnusableFile(
            "This installation cannot read workbooks safely: defusedxml is not active for openpyxl (is "
            "OPENPYXL_DEFUSEDXML set to False?). Send the file as CSV, or ask the administrator to fix the install.",
            "Instalasi ini tidak dapat membaca buku kerja dengan aman: defusedxml tidak aktif untuk openpyxl "
            "(apakah OPENPYXL_DEFUSEDXML diatur ke False?). Kirim berkas sebagai CSV, atau minta administrator "
            "memperbaiki instalasinya.")
    # A peek at the first rows (to tell a file's dataset and year) leaves formulas to the full read.
    archive = inspect_archive(data, limits, formulas=limit is None)
    book = _open(data, data_only=True)
    try:
        ws = _worksheet(book, sheet)
        title = ws.title
        rows = list(_rows(ws, limits, limit))
    except UnusableFile:
        raise
    except Exception as exc:  # a damaged sheet part fails inside openpyxl's parser
        raise _unsafe_xml(exc) or _damaged(f"{exc.__class__.__name__} in sheet") from None
    finally:
        book.close()
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    # A grid has no missing cells: a spreadsheet saves a row only up to its last filled cell, so a row whose last
    # columns are empty is as wide as the others (as frictionless reads a sheet), never a "missing cell".
    width = max(map(len, rows), default=0)
    for row in rows:
        row.extend([""] * (width - len(row)))
    notes: list[Problem] = []
    if archive.formulas:
        missing, saved = _unsaved_formulas(data, sheet, rows, limits)
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5:,} more" if len(missing) > 5 else "")
            raise UnusableFile(
                f"{len(missing):,} cells hold a formula whose result was never saved in the file ({shown}), so "
                "their values are unknown. Open the workbook in a spreadsheet program, let it calculate, save it, "
                "and drop it again (or paste the values over the formulas).",
                f"{len(missing):,} sel memuat rumus yang hasilnya tidak pernah tersimpan di berkas ({shown}), "
                "sehingga nilainya tidak diketahui. Buka buku kerja di program lembar kerja, biarkan menghitung, "
                "simpan, lalu kirim ulang (atau tempel nilainya di atas rumus).")
        if saved:
            notes.append(Problem(
                type="formula-values", severity=INFO,
                note=f"{saved:,} cells hold formulas; the results saved in the workbook were read, as the "
                     "spreadsheet program shows them.",
                note_id=f"{saved:,} sel memuat rumus; hasil yang tersimpan di buku kerja yang dibaca, seperti yang "
                        "ditampilkan program lembar kerja."))
    return Sheet("xlsx", rows, sheet=title, notes=notes)
