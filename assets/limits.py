"""How much one file may hold, declared per dataset (source.json "limits"), with defaults that bound memory."""

from __future__ import annotations

from dataclasses import dataclass, fields

from assets.unusable import UnusableFile
from publish.report import id_number

MIB = 1 << 20

# What each limit counts, in both languages, and the advice for a file that breaks it.
WHAT = {
    "bytes": ("bytes in the file", "byte dalam berkas"),
    "rows": ("rows", "baris"),
    "columns": ("cells in one row", "sel dalam satu baris"),
    "cellCharacters": ("characters in one cell", "karakter dalam satu sel"),
    "cells": ("cells in a workbook or JSON file (rows x columns)",
              "sel dalam buku kerja atau berkas JSON (baris x kolom)"),
    "unpackedBytes": ("bytes once unpacked (XLSX, Parquet)", "byte setelah dibuka (XLSX, Parquet)"),
    "compressionRatio": ("times the packed size for one part of the workbook",
                         "kali ukuran terkemas untuk satu bagian buku kerja"),
    "partBytes": ("bytes in one part of a workbook that is read whole (styles, workbook list)",
                  "byte dalam satu bagian buku kerja yang dibaca utuh (gaya, daftar lembar)"),
    "jsonDepth": ("levels of nesting in JSON", "tingkat sarang dalam JSON"),
    "jsonBytes": ("bytes in a JSON file", "byte dalam berkas JSON"),
}
ADVICE = {
    "bytes": ("Split the file (for example one file per year or per OPD), or send it as CSV.",
              "Pecah berkas (misalnya satu berkas per tahun atau per OPD), atau kirim sebagai CSV."),
    "rows": ("Split the file into several smaller files.", "Pecah berkas menjadi beberapa berkas yang lebih kecil."),
    "columns": ("Check the delimiter and the quoting (a missing quotation mark runs cells together), or remove the "
                "extra columns.",
                "Periksa pemisah kolom dan tanda kutip (tanda kutip yang hilang menyambung sel), atau hapus kolom "
                "yang berlebih."),
    "cellCharacters": ("Check for a quotation mark (\") that opens a cell and is never closed, or shorten the text.",
                       "Periksa tanda kutip (\") yang membuka sel tetapi tidak pernah ditutup, atau pendekkan "
                       "teksnya."),
    "cells": ("Send the data as CSV, which is read column by column, or split the file.",
              "Kirim data sebagai CSV, yang dibaca per kolom, atau pecah berkasnya."),
    "unpackedBytes": ("Save the data as CSV, or split the workbook.",
                      "Simpan data sebagai CSV, atau pecah buku kerjanya."),
    "compressionRatio": ("This is how a 'zip bomb' looks; if the workbook is genuine, save the data as CSV.",
                         "Beginilah bentuk 'bom zip'; bila buku kerja ini asli, simpan datanya sebagai CSV."),
    "partBytes": ("Copy the table into a new, plain workbook (without heavy formatting) or save it as CSV.",
                  "Salin tabel ke buku kerja baru yang polos (tanpa format berlebihan) atau simpan sebagai CSV."),
    "jsonDepth": ("Send a flat list of records: [{\"column\": value, ...}, ...].",
                  "Kirim daftar rekaman yang datar: [{\"kolom\": nilai, ...}, ...]."),
    "jsonBytes": ("Send the records as CSV, which is read in far less memory, or split the file.",
                  "Kirim rekaman sebagai CSV, yang dibaca dengan memori jauh lebih kecil, atau pecah berkasnya."),
}


@dataclass(frozen=True)
class Limits:
    """Upper bounds on one file; a breach makes the file unusable with a message naming the limit.

    Each default keeps the reading of a file at its limit well under 1 GB of memory (tests/test_hostile
    measures the worst cases); a dataset may declare lower or higher values in source.json "limits"."""

    bytes: int = 100 * MIB  # a CSV is read in about five times its size
    rows: int = 2_000_000
    columns: int = 1_000
    # Excel stores at most 32,767 characters in a cell; Python's csv module stops at 131,072.
    cellCharacters: int = 32_767
    # Workbooks and JSON are read cell by cell into Python objects (about 100 bytes each), and openpyxl reads
    # some 40,000 cells a second: these bound both memory and time.
    cells: int = 1_500_000
    unpackedBytes: int = 64 * MIB  # shared strings take about six times their XML size once read
    compressionRatio: int = 200
    partBytes: int = 8 * MIB  # parts openpyxl parses whole into a tree (styles: about 15 times their size)
    jsonDepth: int = 32
    jsonBytes: int = 32 * MIB  # parsed JSON takes up to about ten times its size

    @classmethod
    def declared(cls, source: dict | None) -> "Limits":
        """The limits a source mapping declares, each missing one at its default."""
        given = (source or {}).get("limits") or {}
        return cls(**{f.name: int(given[f.name]) for f in fields(cls) if f.name in given})

    def exceeded(self, name: str, found: int | None = None, where: str = "", where_id: str = "") -> UnusableFile:
        """The rejection for a file past limit `name`: what was found, the limit, where, and what to do."""
        what_en, what_id = WHAT[name]
        limit = getattr(self, name)
        seen_en = f"{found:,} {what_en}" if found is not None else f"more than {limit:,} {what_en}"
        seen_id = (f"{id_number(found)} {what_id}" if found is not None
                   else f"lebih dari {id_number(limit)} {what_id}")
        advice_en, advice_id = ADVICE[name]
        return UnusableFile(
            f"This file is past a limit{where and ' (' + where + ')'}: {seen_en}; at most {limit:,} are accepted "
            f"(limit '{name}'; a dataset may declare another value in source.json \"limits\"). {advice_en}",
            f"Berkas ini melewati batas{where_id and ' (' + where_id + ')'}: {seen_id}; paling banyak "
            f"{id_number(limit)} yang diterima (batas '{name}'; dataset dapat menetapkan nilai lain di source.json "
            f"\"limits\"). {advice_id}")


def check_size(size: int, source: dict | None) -> None:
    """Raise UnusableFile when a file of `size` bytes is past its dataset's byte limit: callers that read a file
    from disk check this before reading it into memory."""
    limits = Limits.declared(source)
    if size > limits.bytes:
        raise limits.exceeded("bytes", size)
