"""Each declared limit is enforced while reading, in every format, and named in both languages."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import fields
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assets.limits import Limits, check_size
from assets.reading import read_sheet
from assets.unusable import UnusableFile
from assets.workbook import xml_is_defused
from tests.test_hostile.workbooks import workbook

ROOT = Path(__file__).resolve().parents[2]
HEADER = "kode,nama,tingkat,kode_induk\n"
ROWS = "".join(f"32.{i:02d},KABUPATEN {i},kabupaten,32\n" for i in range(1, 80))


def _refused(data: bytes, name: str = "f.csv", **limits) -> UnusableFile:
    with pytest.raises(UnusableFile) as caught:
        read_sheet(data, name, {"limits": limits} if limits else {})
    return caught.value


def _names(exc: UnusableFile, limit: str) -> None:
    assert f"limit '{limit}'" in exc.message_en, exc.message_en
    assert f"batas '{limit}'" in exc.message_id, exc.message_id


def test_schema_declares_exactly_the_limits_in_code():
    schema = json.loads((ROOT / "schemas" / "source.schema.json").read_text())
    assert set(schema["properties"]["limits"]["properties"]) == {f.name for f in fields(Limits)}
    assert Limits.declared({"limits": {"rows": 5}}) == Limits(rows=5)


def test_bytes_are_checked_before_anything_is_read():
    _names(_refused(b"x" * 101, bytes=100), "bytes")
    with pytest.raises(UnusableFile):
        check_size(101, {"limits": {"bytes": 100}})
    check_size(100, {"limits": {"bytes": 100}})


@pytest.mark.parametrize("late", [False, True])
def test_rows_in_a_csv(late):
    data = (HEADER + ROWS).encode()
    _names(_refused(data, rows=79 if late else 10), "rows")
    read_sheet(data, "f.csv", {"limits": {"rows": 80}})


def test_columns_in_the_head_and_in_a_later_row_of_a_csv():
    _names(_refused((HEADER + "1,2,3,4,5,6\n").encode(), columns=5), "columns")
    late = HEADER + ROWS + "32.99,X,kota,32," + ",".join("9" * 10) + "\n"  # row 81: an odd row, read by Python
    exc = _refused(late.encode(), columns=10)
    _names(exc, "columns")
    assert "row 81" in exc.message_en and "baris 81" in exc.message_id


def test_cell_characters_in_the_head_and_far_down_a_csv():
    _names(_refused((HEADER + "32," + "x" * 200 + ",provinsi,\n").encode(), cellCharacters=100), "cellCharacters")
    far = HEADER + ROWS + "32.99," + "y" * 200 + ",kota,32\n"  # beyond the head: found in Arrow's columns
    exc = _refused(far.encode(), cellCharacters=100)
    _names(exc, "cellCharacters")
    assert "cell B81" in exc.message_en


@pytest.fixture
def csv_ceiling():
    """The csv module's own field limit (frictionless, imported by other tests, raises it process-wide)."""
    before = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(before)


@pytest.mark.parametrize("where", ["head", "later row", "quote at the end"])
def test_the_csv_modules_ceiling_is_a_message_not_a_crash(where, csv_ceiling):
    big = "z" * 140_000
    text = {"head": HEADER + f"32,{big},provinsi,\n",
            "later row": HEADER + ROWS + f"32.99,{big},kota,32,extra\n",
            "quote at the end": HEADER + ROWS + f'32.99,"{big}'}[where]
    exc = _refused(text.encode())
    assert "131,072" in exc.message_en and "131.072" in exc.message_id, exc.message_en
    assert "quotation mark" in exc.message_en


def test_a_workbook_is_checked_from_its_zip_directory():
    rows = [["kode", "nama", "tingkat", "kode_induk"]] + [["32", "JAWA " * 50, "provinsi", ""]] * 3000
    data = workbook(rows)
    _names(_refused(data, "f.xlsx", unpackedBytes=100_000), "unpackedBytes")
    _names(_refused(data, "f.xlsx", compressionRatio=20), "compressionRatio")
    _names(_refused(data, "f.xlsx", rows=100), "rows")
    _names(_refused(data, "f.xlsx", cells=1000), "cells")
    _names(_refused(data, "f.xlsx", cellCharacters=100), "cellCharacters")
    styles = b"<styleSheet>" + b"<x/>" * 1000 + b"</styleSheet>"
    _names(_refused(workbook(rows[:2], extra={"xl/styles.xml": styles}), "f.xlsx", partBytes=1000), "partBytes")
    assert len(read_sheet(data, "f.xlsx", {}).rows) == 3001


def test_a_workbook_declaring_a_huge_dimension_reads_only_its_cells():
    data = workbook([["kode", "nama"], ["32", "JAWA"]], dimension="A1:XFD1048576")
    assert read_sheet(data, "f.xlsx", {}).rows == [["kode", "nama"], ["32", "JAWA"]]


def test_a_zip_directory_of_millions_of_entries_is_refused_unread():
    """zipfile reads a zip's whole directory when it opens it: a directory past 4 MiB is refused before that."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", b"")
        for i in range(60_000):
            z.writestr(f"xl/media/{i:0>40}.bin", b"")
    _names(_refused(out.getvalue(), "f.xlsx"), "unpackedBytes")


def test_openpyxl_parses_with_defusedxml():
    assert xml_is_defused()


def test_json_limits():
    record = {"kode": "32", "nama": "JAWA BARAT", "tingkat": "provinsi"}
    data = json.dumps([record] * 50).encode()
    _names(_refused(data, "f.json", jsonBytes=100), "jsonBytes")
    _names(_refused(data, "f.json", rows=10), "rows")
    _names(_refused(data, "f.json", cells=100), "cells")
    _names(_refused(json.dumps([{f"k{i}": 1 for i in range(30)}]).encode(), "f.json", columns=20), "columns")
    _names(_refused(json.dumps([{"kode": "x" * 300}]).encode(), "f.json", cellCharacters=100), "cellCharacters")
    _names(_refused(b'[{"kode": [[[[["32"]]]]]}]', "f.json", jsonDepth=4), "jsonDepth")
    _names(_refused(b"[" * 50_000 + b"]" * 50_000, "f.json"), "jsonDepth")  # past Python's recursion limit


def test_parquet_limits_are_read_from_its_footer():
    table = pa.table({"kode": ["32"] * 1000, "nama": ["JAWA BARAT"] * 1000})
    out = io.BytesIO()
    pq.write_table(table, out)
    data = out.getvalue()
    _names(_refused(data, "f.parquet", rows=100), "rows")
    _names(_refused(data, "f.parquet", columns=1), "columns")
    _names(_refused(data, "f.parquet", unpackedBytes=100), "unpackedBytes")
    _names(_refused(data, "f.parquet", bytes=3000), "bytes")  # as CSV its 2,000 cells take 4,000 bytes at least
    sheet = read_sheet(data, "f.parquet", {})
    assert sheet.canonical and sheet.rows[0] == ["kode", "nama"] and len(sheet.rows) == 1001


def test_every_limit_has_words_in_both_languages():
    limits = Limits()
    for f in fields(Limits):
        exc = limits.exceeded(f.name, 12345)
        assert "12,345" in exc.message_en and "12.345" in exc.message_id and exc.message_en != exc.message_id


def test_a_csv_reader_ceiling_survives_no_global_change(csv_ceiling):
    """The reader never raises the csv module's process-wide field limit (other code relies on it)."""
    before = csv.field_size_limit()
    _refused((HEADER + "32," + "z" * 140_000 + ",provinsi,\n").encode())
    assert csv.field_size_limit() == before
