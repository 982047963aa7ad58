"""Hostile inputs, generated: each with the dataset it is sent for and the outcome it must get.

`unusable` files exit 2 with a source-error naming the cause (`expect` is a phrase of its English note);
`invalid` files exit 1 with a problem of type `expect`. Valid-looking files (every BOM, UTF-16) carry one
deliberate mistake (tingkat 'negara'), so the right outcome is exit 1 with the cell read exactly as sent.
"""

from __future__ import annotations

import codecs
import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tests.test_hostile.workbooks import SHEET_HEAD, SHEET_TAIL, sheet_rows, workbook

WILAYAH = "kode,nama,tingkat,kode_induk\n"
GOOD = "32,JAWA BARAT,provinsi,\n32.01,KABUPATEN BOGOR,kabupaten,32\n"
BAD_ROW = "32.01.01,Désa Ñusa – Indah,negara,32.01\n"  # accented letters, an en dash, and one wrong tingkat
APBD = ("tahun;tahap;kode wilayah;kode skpd;nama skpd;kode sub kegiatan;kode rekening;nama rekening;pagu;"
        "realisasi\n")
SKPD = "2024;murni;32.60;1.02.0.00.0.00.01.0000;Dinas Kesehatan;"


@dataclass(frozen=True)
class Case:
    name: str  # the file name as sent
    dataset: str
    make: Callable[[], bytes]
    outcome: str  # "unusable" (exit 2) or "invalid" (exit 1)
    expect: str  # unusable: a phrase of the note; invalid: a problem type


def _wilayah(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def _encoded(codec: str, bom: bytes = b"") -> Callable[[], bytes]:
    return lambda: bom + (WILAYAH + GOOD + BAD_ROW).encode(codec)


def _mixed() -> bytes:
    utf8 = (WILAYAH + GOOD + "32.02,Dinas Pekerjaan Umum – Bina Marga,kabupaten,32\n").encode("utf-8")
    return utf8 + "32.03,Dinas Pekerjaan Umum – Cipta Karya,kabupaten,32\n".encode("cp1252")


def _nul_late() -> bytes:
    rows = "".join(f"32.{i:02d},KABUPATEN {i},kabupaten,32\n" for i in range(1, 99))
    return (WILAYAH + GOOD + rows).encode() + b"32.99,KOTA\x00X,kota,32\n"


def _big_field(quoted: bool) -> Callable[[], bytes]:
    def make() -> bytes:
        field = b"A" * (50 << 20)
        return WILAYAH.encode() + b"32," + (b'"' + field + b'"' if quoted else field) + b",provinsi,\n"
    return make


def _wide() -> bytes:
    return (",".join(f"kolom{i}" for i in range(20_000)) + "\n" + ",".join("1" for _ in range(20_000)) + "\n").encode()


def _blank_lines() -> bytes:
    return (WILAYAH + "\n" * 1_000_000).encode()


def _three_tiers() -> bytes:
    groups = ["ANGGARAN", "REALISASI"]
    top = ["KODE REKENING", "URAIAN"] + [g for g in groups for _ in range(4)]
    middle = ["", ""] + ["MURNI", "MURNI", "PERUBAHAN", "PERUBAHAN"] * 2
    bottom = ["", ""] + ["PEGAWAI", "BARANG"] * 4
    rows = [top, middle, bottom] + [[f"5.1.02.01.01.{i:04d}", f"Belanja {i}"] + [str(1000 * i)] * 8 for i in range(5)]
    return "".join(";".join(r) + "\n" for r in rows).encode()


def _lookalike() -> bytes:
    return ("kode,nаma,tingkat,kode_induk\n" + GOOD).encode()  # U+0430 CYRILLIC SMALL LETTER A in 'nama'


def _xlsx_formulas() -> bytes:
    return workbook([["kode", "nama", "tingkat", "kode_induk"], ["32", ("formula", 'CONCAT("JAWA"," BARAT")', None),
                                                                  "provinsi", ""]])


def _xlsx_links() -> bytes:
    return workbook([["kode", "nama", "tingkat", "kode_induk"], ["32", "JAWA BARAT", "provinsi", ""]],
                    extra={"xl/externalLinks/externalLink1.xml": b'<externalLink xmlns="http://schemas.'
                           b'openxmlformats.org/spreadsheetml/2006/main"/>'})


def _xlsx_macros() -> bytes:
    return workbook([["kode", "nama", "tingkat", "kode_induk"], ["32", "JAWA BARAT", "provinsi", ""]],
                    extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(512)})


def _xlsx_bomb() -> bytes:
    """A sheet of 300 MB of identical rows, packed into well under 1 MB: the 'zip bomb' of the issue."""
    row = "".join(sheet_rows([["32", "JAWA BARAT", "provinsi", ""]])).replace('r="1"', 'r="2"').encode()
    out = io.BytesIO()
    with zipfile.ZipFile(workbook_io := io.BytesIO(workbook([["kode", "nama", "tingkat", "kode_induk"]]))) as base, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, base.read(info))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD.format(dimension="").encode())
            chunk = row * 10_000
            for _ in range(300 * (1 << 20) // len(chunk)):
                sheet.write(chunk)
            sheet.write(SHEET_TAIL.encode())
    del workbook_io
    return out.getvalue()


def _xlsx_lying_sizes() -> bytes:
    """A workbook whose zip directory understates the sheet's size: zipfile stops at the stated size."""
    data = bytearray(workbook([["kode", "nama", "tingkat", "kode_induk"]] + [["32", "JAWA", "provinsi", ""]] * 2000))
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # central directory entries: shrink every 'uncompressed size' to 100 bytes
        name_len = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + name_len] == b"xl/worksheets/sheet1.xml":
            data[at + 24:at + 28] = (100).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def _xlsx_laughs() -> bytes:
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + "]>"
    sheet = (f'<?xml version="1.0"?>{lol}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
             'main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
             '</worksheet>').encode()
    return workbook(sheet_xml=sheet)


def _xlsx_xxe() -> bytes:
    sheet = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><worksheet xmlns='
             '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
             't="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>').encode()
    return workbook(sheet_xml=sheet)


def _xlsx_dimension_lie() -> bytes:
    rows = [["kode", "nama", "tingkat", "kode_induk"], ["32", "JAWA BARAT", "negara", ""]]
    return workbook(rows, dimension="A1:XFD1048576")


def _xlsx_wide_row() -> bytes:
    return workbook([["kode", "nama", "tingkat", "kode_induk"], ["x"] * 16_384])


def _zip_not_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("wilayah.csv", WILAYAH + GOOD)
    return out.getvalue()


def _deep_json(levels: int) -> Callable[[], bytes]:
    return lambda: ("[" * levels + "]" * levels).encode()


def _nested_records() -> bytes:
    deep = "[" * 40 + "]" * 40
    return f'{{"data": [{{"id": "perda-2020-1", "judul": {deep}}}]}}'.encode()


def _json_huge_int() -> bytes:
    return ('{"data": [{"id": "perda-2020-1", "tahun": ' + "9" * 5000 + "}]}").encode()


def _json_empty_objects() -> bytes:
    return ("[" + ",".join(["{}"] * 4_000_000) + "]").encode()


def _json_infinite() -> bytes:
    record = {"id": "perda-2020-1", "kode_wilayah": "32.60", "jenis": "Perda", "nomor": "1", "judul": "Pajak",
              "tanggal_penetapan": "2020-01-02", "status": "Berlaku"}
    return json.dumps({"data": [record]}).replace('"nomor"', '"tahun": 1e999, "nomor"').encode()


def _long_title() -> bytes:
    record = {"id": "perda-2020-1", "kode_wilayah": "32.60", "jenis": "Perda", "nomor": "1", "tahun": 2020,
              "judul": "Tentang " + "pajak " * 34_000, "tanggal_penetapan": "2020-01-02", "status": "Berlaku"}
    return json.dumps({"data": [record]}).encode()


def _html() -> bytes:
    return b"<html><body><table><tr><td>kode</td><td>nama</td></tr><tr><td>32</td><td>JAWA</td></tr></table></body></html>"


def _old_xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)


def _random_bytes() -> bytes:
    return random.Random(16).randbytes(64 << 10)


def _parquet_rows() -> bytes:
    """Three million rows of one repeated value: a few kilobytes packed, past the row limit unpacked."""
    indices = pa.array(np.zeros(3_000_000, dtype=np.int32))
    column = pa.DictionaryArray.from_arrays(indices, pa.array(["32"]))
    out = io.BytesIO()
    pq.write_table(pa.table({"kode": column, "nama": column, "tingkat": column}), out, compression="zstd")
    return out.getvalue()


def _summary_only() -> bytes:
    rows = [SKPD + "0.00.00.0.00.0000;4;PENDAPATAN DAERAH;1.000.000;", SKPD + "0.00.00.0.00.0000;4.1;PAD;1.000.000;",
            SKPD + "0.00.00.0.00.0000;4.1.01;Pajak Daerah;1.000.000;"]
    return (APBD + "\n".join(rows) + "\n").encode()


def _djpk_tab() -> bytes:
    header = "tahun\tkdprov\turprov\tkdpemda\turpemda\tkdakun\turakun\tnilai\n"
    return (header + "2024\t13\tJawa Timur\t00\tProvinsi Jawa Timur\t6\tTKD\t1000\n").encode()


def _bps_and_kemendagri() -> bytes:
    return ("kode_bps,kode_kemendagri,nama_wilayah,level\n3201,32.01,KABUPATEN BOGOR,kabupaten\n").encode()


CASES: list[Case] = [
    Case("broken_quote_at_end.csv", "wilayah", lambda: _wilayah(WILAYAH + GOOD + '32.02,"KABUPATEN SUKABUMI,kabupaten,32\n'), "invalid", "unclosed-quote"),
    Case("quotes_doubled.csv", "wilayah", lambda: _wilayah(WILAYAH + '"32,""JAWA BARAT"",provinsi,"\n'), "invalid", "missing-cell"),
    Case("nul_late.csv", "wilayah", _nul_late, "unusable", "NUL bytes"),
    Case("utf8_bom.csv", "wilayah", _encoded("utf-8", codecs.BOM_UTF8), "invalid", "constraint-error"),
    Case("utf16_bom.csv", "wilayah", _encoded("utf-16"), "invalid", "constraint-error"),
    Case("utf16_be_bom.csv", "wilayah", _encoded("utf-16-be", codecs.BOM_UTF16_BE), "invalid", "constraint-error"),
    Case("utf16_le_no_bom.csv", "wilayah", _encoded("utf-16-le"), "invalid", "constraint-error"),
    Case("utf32_bom.csv", "wilayah", _encoded("utf-32"), "invalid", "constraint-error"),
    Case("cp1252.csv", "wilayah", _encoded("cp1252"), "invalid", "constraint-error"),
    Case("mixed_encoding.csv", "wilayah", _mixed, "unusable", "mixes text encodings"),
    Case("field_50mb_quoted.csv", "wilayah", _big_field(True), "unusable", "'cellCharacters'"),
    Case("field_50mb_bare.csv", "wilayah", _big_field(False), "unusable", "'cellCharacters'"),
    Case("columns_20000.csv", "wilayah", _wide, "unusable", "limit 'columns'"),
    Case("empty.csv", "wilayah", lambda: b"", "unusable", "empty"),
    Case("only_newlines.csv", "wilayah", lambda: b"\r\n\r\n\n", "unusable", "rows are empty"),
    Case("header_only.csv", "wilayah", lambda: _wilayah(WILAYAH), "invalid", "no-rows"),
    Case("million_blank_lines.csv", "wilayah", _blank_lines, "invalid", "no-rows"),
    Case("html_saved_as.xls", "wilayah", _html, "unusable", "HTML page"),
    Case("old_binary.xls", "wilayah", _old_xls, "unusable", ".xls"),
    Case("random.bin", "wilayah", _random_bytes, "unusable", "not a table"),
    Case("formulas_unsaved.xlsx", "wilayah", _xlsx_formulas, "unusable", "formula whose result was never saved"),
    Case("external_links.xlsx", "wilayah", _xlsx_links, "unusable", "external links"),
    Case("macros.xlsx", "wilayah", _xlsx_macros, "unusable", "macros"),
    Case("zip_bomb.xlsx", "wilayah", _xlsx_bomb, "unusable", "limit 'unpackedBytes'"),
    Case("lying_zip_sizes.xlsx", "wilayah", _xlsx_lying_sizes, "unusable", "damaged"),
    Case("billion_laughs.xlsx", "wilayah", _xlsx_laughs, "unusable", "declares entities"),
    Case("external_entity.xlsx", "wilayah", _xlsx_xxe, "unusable", "declares entities"),
    Case("dimension_lie.xlsx", "wilayah", _xlsx_dimension_lie, "invalid", "constraint-error"),
    Case("row_16384_cells.xlsx", "wilayah", _xlsx_wide_row, "unusable", "limit 'columns'"),
    Case("zipped_csv.xlsx", "wilayah", _zip_not_workbook, "unusable", "not an Excel workbook"),
    Case("deep.json", "peraturan", _deep_json(100_000), "unusable", "limit 'jsonDepth'"),
    Case("nested_in_record.json", "peraturan", _nested_records, "unusable", "limit 'jsonDepth'"),
    Case("huge_integer.json", "peraturan", _json_huge_int, "unusable", "cannot be read"),
    Case("four_million_objects.json", "peraturan", _json_empty_objects, "unusable", "limit 'cells'"),
    Case("infinite_year.json", "peraturan", _json_infinite, "invalid", "type-error"),
    Case("title_200k.json", "peraturan", _long_title, "unusable", "limit 'cellCharacters'"),
    Case("parquet_3m_rows.parquet", "wilayah", _parquet_rows, "unusable", "limit 'rows'"),
    Case("three_tier_header.csv", "apbd", _three_tiers, "invalid", "multi-tier-header"),
    Case("lookalike_header.csv", "wilayah", _lookalike, "invalid", "lookalike-label"),
    Case("no_header_region_codes.csv", "wilayah", lambda: b"11,ACEH\n11.01,KAB. SIMEULUE\n", "unusable", "no header row"),
    Case("djpk_columns.tsv.csv", "apbd", _djpk_tab, "unusable", "No header row"),
    Case("bps_and_kemendagri.csv", "wilayah", _bps_and_kemendagri, "invalid", "missing-label"),
    Case("summary_levels_only.csv", "apbd", _summary_only, "invalid", "summary-only"),
    Case("../../../escape.csv", "wilayah", lambda: _wilayah(WILAYAH + BAD_ROW), "invalid", "constraint-error"),
]
