"""What a version offers and says about itself: XLSX beside CSV and Parquet from the same table, CSV that Excel
reads, no file listed twice, producer, publisher and licence, citations in four formats, and validation stated
per slice for what it covered."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from urllib.parse import unquote

import openpyxl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from publish.manifest import read_manifest
from publish.releases import list_releases
from tests.test_portal.figures import tree
from tests.test_portal.workspace import kinerja_rows, put, workspace


def _versions(ws):
    for decl in ws.declarations.values():
        for entry in list_releases(ws, decl.id):
            yield decl, entry["version"], ws.releases / "datasets" / decl.id / entry["version"]


def test_every_version_has_an_xlsx_from_the_same_table_in_its_manifest(published):
    ws, _ = published
    for decl, version, folder in _versions(ws):
        assert "data.xlsx" in read_manifest(folder), (decl.id, version)
        table = pq.read_table(folder / "data.parquet")
        book = openpyxl.load_workbook(folder / "data.xlsx", read_only=True)
        assert book.sheetnames == ["data", "keterangan"]
        rows = list(book["data"].iter_rows(values_only=True))
        assert list(rows[0]) == table.column_names
        for got, want in zip(rows[1:], table.to_pylist(), strict=True):
            for name, value in zip(table.column_names, got):
                expected = want[name]
                if isinstance(expected, dt.date):
                    value = value.date()  # Excel has no date without a time
                assert value == expected, (decl.id, version, name, value, expected)
        about = " ".join(str(c) for row in book["keterangan"].iter_rows(values_only=True) for c in row if c)
        assert decl.title["id"] in about and version in about and "Creative Commons" in about
        assert "Dinas Komunikasi dan Informatika" in about  # the publisher
        book.close()


def test_codes_and_formula_like_text_stay_text_in_the_xlsx(tmp_path):
    from publish.declarations import load_declaration
    from publish.workbook import write_workbook
    from tests.test_portal.workspace import ROOT

    decl = load_declaration(ROOT / "schemas" / "wilayah")
    names = ["=SUM(A1:A9)", "+62 812", "-1", "@cmd", "1.02", "32.60", "tab\tand\x01control", "_x0041_ literal"]
    table = pa.table({"kode": [f"32.{i:02d}" for i in range(len(names))], "nama": names,
                      "tingkat": ["desa"] * len(names), "kode_induk": [None] * len(names)})
    path = tmp_path / "w.xlsx"
    write_workbook(table, path, decl, {"version": "1.0.0", "created": "2025-01-01T00:00:00Z"})
    archive = zipfile.ZipFile(path)
    for name in archive.namelist():  # every part is well-formed XML, and the package names every sheet
        ET.fromstring(archive.read(name))
    types = archive.read("[Content_Types].xml").decode()
    assert "/xl/worksheets/sheet1.xml" in types and "/xl/worksheets/sheet2.xml" in types
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no cell is a formula
    back = openpyxl.load_workbook(path)["data"]

    def as_excel_reads(text: str) -> str:  # OOXML's _xHHHH_ escapes, which Excel decodes and openpyxl keeps
        return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)

    for row, name in enumerate(names, start=2):
        cell = back.cell(row, 2)
        assert cell.data_type == "s" and as_excel_reads(cell.value) == name, (name, cell.value)
        assert back.cell(row, 1).value == f"32.{row - 2:02d}" and back.cell(row, 1).data_type == "s"


def test_long_tables_continue_on_further_sheets_and_huge_integers_stay_exact(tmp_path):
    from publish.declarations import load_declaration
    from publish.workbook import write_workbook
    from tests.test_portal.workspace import ROOT

    decl = load_declaration(ROOT / "schemas" / "wilayah")
    table = pa.table({"kode": [str(i) for i in range(7)], "n": [2**60 + i for i in range(7)]})
    path = tmp_path / "long.xlsx"
    write_workbook(table, path, decl, {}, rows_per_sheet=3)  # two rows of data under each header
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["data", "data (2)", "data (3)", "data (4)", "keterangan"]
    values = [r for s in book.sheetnames[:-1] for r in book[s].iter_rows(min_row=2, values_only=True)]
    assert values == [(str(i), str(2**60 + i)) for i in range(7)]  # past 2**53 a number would lose digits


def test_data_csv_is_utf8_with_a_byte_order_mark_and_the_comma_of_the_data_package(published):
    """Excel decides a CSV's encoding from its first bytes: without the mark it reads the Windows code page, and
    the "–" of an indicator name becomes "â€“". Excel set to Indonesian uses the semicolon as its list
    separator (CLDR `id`), so the comma file is not split on a double click: the page says so and offers XLSX."""
    from babel import Locale

    ws, _ = published
    for decl, version, folder in _versions(ws):
        for path in [folder / "data.csv", *folder.glob("data-*.csv")]:
            raw = path.read_bytes()
            assert raw.startswith(codecs.BOM_UTF8), (decl.id, version, path.name)
            header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
            assert header == pq.read_schema(folder / "data.parquet").names
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert descriptor["resources"][0]["dialect"]["delimiter"] == ","
        back = pacsv.read_csv(folder / "data.csv")  # readers that skip the mark get the data unchanged
        assert back.column_names == pq.read_schema(folder / "data.parquet").names
    dash = "Indeks Kepuasan Masyarakat – Pelayanan"
    assert dash.encode("utf-8").decode("cp1252") != dash  # what Excel shows without the mark
    assert Locale.parse("id").number_symbols["latn"]["list"] == ";"
    page = (ws.site / "datasets/apbd/1.1.0/index.html").read_text(encoding="utf-8")
    assert "titik koma" in page and "data.xlsx" in page
    assert "semicolon" in (ws.site / "en/datasets/apbd/1.1.0/index.html").read_text(encoding="utf-8")


def test_a_file_identical_to_the_whole_dataset_is_listed_once(tmp_path):
    """With one year only, data-2024.csv is data.csv byte for byte: it stays at its address, named beside
    data.csv, but neither the page nor the catalogues offer it as a second download."""
    from publish.portal import build_site

    ws = workspace(tmp_path / "ws")
    put(ws, "kinerja", kinerja_rows(2024), 5)
    build_site(ws)
    folder = ws.site / "datasets/kinerja/1.0.0"
    assert (folder / "data-2024.csv").read_bytes() == (folder / "data.csv").read_bytes()
    page = tree(folder / "index.html")
    links = [n.attrs["href"] for n in page.walk() if n.tag == "a" and "download" in n.attrs]
    assert "data.csv" in links and "data-2024.csv" not in links and "data-2024.parquet" not in links
    assert "data-2024.csv" in page.text()  # named as the same file
    ckan = json.loads((ws.site / "api/3/action/package_show/kinerja.json").read_text())["result"]
    urls = [r["url"] for r in ckan["resources"]]
    assert len(urls) == len(set(urls)) and not [u for u in urls if "data-2024" in u]
    catalog = (ws.site / "catalog.ttl").read_text(encoding="utf-8")
    assert "datasets/kinerja/1.0.0/data-2024.csv" not in catalog


def test_every_version_page_names_producer_publisher_and_licence(published):
    ws, _ = published
    for decl, version, _ in _versions(ws):
        for prefix in ("", "en/"):
            page = tree(ws.site / prefix / "datasets" / decl.id / version / "index.html")
            text = re.sub(r"\s+", " ", page.text())
            producers = [c["title"] for c in decl.descriptor["contributors"] if "creator" in c["roles"]]
            assert producers and all(p in text for p in producers), (decl.id, version)
            assert ws.config["publisher"]["name"] in text
            licence = [n for n in page.walk() if n.tag == "a" and n.attrs.get("rel") == "license"]
            assert licence and licence[0].attrs["href"] == decl.descriptor["licenses"][0]["path"]


def test_cite_this_version_in_plain_text_bibtex_ris_and_csl_json(published):
    ws, _ = published
    page = tree(ws.site / "datasets/apbd/1.1.0/index.html")
    url = "https://data.sukamaju.example.go.id/datasets/apbd/1.1.0/"
    producer = "Badan Keuangan dan Aset Daerah Kabupaten Sukamaju"
    plain = next(n for n in page.walk() if n.tag == "cite").text()
    assert plain.startswith(producer + " (2024).") and "1.1.0" in plain and plain.endswith(url)
    folder = ws.site / "datasets/apbd/1.1.0"  # each citation is a file of the site, linked from the page
    saved = {n.attrs["download"]: (folder / unquote(n.attrs["href"])).resolve().read_bytes().decode()
             for n in page.walk() if n.tag == "a" and "download" in n.attrs and "/cite/" in n.attrs["href"]}
    assert set(saved) == {"apbd_1_1_0.bib", "apbd_1_1_0.ris", "apbd_1_1_0.json"}
    bib = saved["apbd_1_1_0.bib"]
    assert bib.startswith("@misc{apbd_1_1_0,") and bib.count("{") == bib.count("}")
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", bib, re.M))
    assert fields["author"] == "{" + producer + "}" and fields["url"] == url and fields["version"] == "1.1.0"
    assert fields["publisher"] == ws.config["publisher"]["name"]
    ris = saved["apbd_1_1_0.ris"].split("\r\n")
    assert ris[0] == "TY  - DATA" and f"AU  - {producer}" in ris and f"UR  - {url}" in ris and ris[-2] == "ER  -"
    (item,) = json.loads(saved["apbd_1_1_0.json"])
    assert item["type"] == "dataset" and item["author"] == [{"literal": producer}] and item["URL"] == url
    assert item["version"] == "1.1.0" and item["issued"] == {"date-parts": [[2024, 3, 4]]}
    pres = [n.text() for n in page.walk() if n.tag == "pre"]
    assert bib in pres and saved["apbd_1_1_0.json"] in pres  # the page shows what the file holds


def test_validation_is_stated_per_slice_for_the_file_that_covered_it(published):
    """1.1.0 holds 2023 and 2024 murni (from the first file, checked in 1.0.0) and 2024 perubahan (its own file,
    2 warnings). Its page says so slice by slice, with the rows of each, never one badge for all."""
    ws, _ = published
    page = tree(ws.site / "datasets/apbd/1.1.0/index.html")
    table = next(n for n in page.walk() if n.tag == "table"
                 and any(c.tag == "caption" and "per irisan" in c.text() for c in n.walk()))
    rows = [[re.sub(r"\s+", " ", c.text()).strip() for c in tr.walk() if c.tag in ("th", "td")]
            for tr in table.walk() if tr.tag == "tr"][1:]
    grouped = pq.read_table(ws.releases / "datasets/apbd/1.1.0/data.parquet").group_by(["tahun", "tahap"])
    counts = {(r["tahun"], r["tahap"]): r["tahun_count"] for r in grouped.aggregate([("tahun", "count")]).to_pylist()}
    by_slice = {r[0]: r for r in rows}
    assert set(by_slice) == {"2023, murni", "2024, murni", "2024, perubahan"}
    for (year, stage), n in counts.items():
        row = by_slice[f"{year}, {stage}"]
        assert row[1] == str(n)
    assert by_slice["2024, murni"][2] == "sipd-2024-murni.xlsx" and by_slice["2024, murni"][3].startswith("1.0.0")
    assert by_slice["2024, perubahan"][2] == "sipd-2024-perubahan.xlsx"
    assert by_slice["2024, perubahan"][3].startswith("versi ini") and by_slice["2024, perubahan"][5] == "2"
    assert by_slice["2024, murni"][5] == "0"
    status = next(n for n in page.walk() if "status" in n.classes()).text()
    assert "sipd-2024-perubahan.xlsx" in status and "9 baris" in status  # the badge names the file it covers


@pytest.mark.parametrize("url, link", [("https://jdih.example.go.id/a.pdf", True), ("javascript:alert(1)", False),
                                       ("ftp://x/y", False), ("https://x y", False), (None, False)])
def test_only_web_addresses_become_links(url, link):
    from publish.portal.render import external

    assert external(url) is link
