"""The built portal: every page and machine-readable file exists, parses, links, stays small and rebuilds idly."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from publish.links import broken_links
from tests.test_portal.markup import parse

BASE = "https://data.sukamaju.example.go.id/"
SHAPES = Path(__file__).resolve().parents[3] / "shared" / "data" / "dcat-ap"
LIMIT = 100 * 1024


@pytest.fixture(scope="module")
def site(published):
    ws, _ = published
    return ws.site


@pytest.fixture(scope="module")
def html_files(site):
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


def test_every_dataset_and_release_has_a_page_in_both_languages(published, site):
    from publish.declarations import load_all
    from publish.releases import list_releases

    ws, _ = published
    for decl in load_all(ws):
        for prefix in ("", "en/"):
            assert (site / prefix / "datasets" / decl.id / "index.html").is_file()
        for entry in list_releases(ws, decl.id):
            assert (site / "datasets" / decl.id / entry["version"] / "index.html").is_file()
            assert (site / "en" / "datasets" / decl.id / entry["version"] / "index.html").is_file()
    for route in ("", "katalog/", "anggaran/", "peraturan/", "kinerja/", "cari/", "pengembang/"):
        assert (site / route / "index.html").is_file(), route


def test_withdrawn_version_is_a_tombstone_that_still_lists_its_files(site):
    page = (site / "datasets/kinerja/1.1.0/index.html").read_text()
    assert "Versi ini telah ditarik" in page and "Realisasi salah ketik pada IKU-01" in page
    assert "7 Maret 2024" in page and 'href="data.csv"' in page
    assert os.readlink(site / "datasets/kinerja/latest") == "1.0.0"
    english = (site / "en/datasets/kinerja/1.1.0/index.html").read_text()
    assert "This version has been withdrawn" in english and "7 March 2024" in english


def test_html_is_well_formed_and_accessible_in_structure(html_files, site):
    for path in html_files:
        page = parse(path)
        where = path.relative_to(site)
        assert not page.problems and not page.stack, (where, page.problems[:3], page.stack)
        assert page.lang in ("id", "en"), where
        assert len(page.ids) == len(set(page.ids)), (where, "duplicate id")
        assert page.headings and page.headings[0] == 1 and page.headings.count(1) == 1, where
        for before, after in zip(page.headings, page.headings[1:]):
            assert after <= before + 1, (where, "heading level skipped", page.headings)
        assert set(i for i in page.inputs) <= page.labels, (where, "input without label")
        assert all(a.get("alt") is not None for t, a in page.tags if t == "img"), where
        tags = [t for t, _ in page.tags]
        assert tags.count("main") == 1 and "nav" in tags and "header" in tags and "footer" in tags, where
        assert tags.count("table") <= tags.count("th"), where
        assert page.tags[0][0] == "html" and path.read_text().startswith("<!doctype html>"), where


def test_sample_data_is_labelled_on_every_page(html_files):
    for path in html_files:
        text = path.read_text()
        assert "DATA CONTOH" in text or "SAMPLE DATA" in text, path


def test_pages_reference_no_other_host(html_files, site):
    """Nothing a page loads comes from another host. A link a reader may follow (a regulation's document on the
    JDIH, a licence) is not a request the page makes: <a href> may point elsewhere, nothing else may."""
    allowed = ("mailto:", "data:")
    outside = 0
    for path in html_files:
        for tag, name, ref in parse(path).refs:
            if ref.startswith(allowed) or ref.startswith(BASE):
                assert tag == "link" or ref.startswith(allowed), (path, ref)  # absolute only in <head> alternates
                continue
            if tag == "a" and name == "href" and urlsplit(ref).scheme in ("http", "https"):
                outside += 1
                continue
            assert not urlsplit(ref).scheme and not ref.startswith("//"), (path.relative_to(site), tag, ref)
    assert outside  # the documents and the licence are links
    css = (site / "assets/style.css").read_text()
    assert "@import" not in css and not re.search(r"url\((?!['\"]?data:)", css)


def test_internal_links_resolve(site):
    broken = broken_links(site)
    assert not broken, broken[:10]


def test_every_page_has_hreflang_alternates_and_a_language_switch(html_files, site):
    for path in html_files:
        page = parse(path)
        alternates = {a.get("hreflang") for t, a in page.tags if t == "link" and a.get("rel") == "alternate"}
        assert {"id", "en", "x-default"} <= alternates, path
        switch = [a for t, a in page.tags if t == "a" and a.get("class") == "lang"]
        assert len(switch) == 1 and switch[0]["hreflang"] != page.lang, path


def test_largest_page_with_its_css_is_under_100_kb(html_files, site):
    css = (site / "assets/style.css").stat().st_size
    largest = max(html_files, key=lambda p: p.stat().st_size)
    assert largest.stat().st_size + css < LIMIT, (largest, largest.stat().st_size + css)


def test_dataset_pages_carry_schema_org_dataset(published, site):
    from publish.declarations import load_all

    ws, _ = published
    for decl in load_all(ws):
        for prefix in ("", "en/"):
            page = parse(site / prefix / "datasets" / decl.id / "index.html")
            docs = [json.loads(s) for s in page.scripts]
            dataset = [d for d in docs if d.get("@type") == "Dataset"]
            assert dataset, decl.id
            downloads = dataset[0]["distribution"]
            assert downloads and all(d["contentUrl"].startswith(BASE) for d in downloads)
            assert dataset[0]["version"]


def test_dataset_page_has_the_promised_sections(site):
    page = (site / "datasets/apbd/index.html").read_text()
    for words in ("Unduhan", "Kamus data", "Pratinjau", "Riwayat versi", "Perubahan", "Hasil validasi",
                  "Lisensi", "Sitasi", "Asal-usul", "versi 1.1.0", BASE + "datasets/apbd/1.1.0/",
                  "sipd-2024-perubahan.xlsx", "Realisasi melebihi anggaran", "Creative Commons"):
        assert words in page, words
    english = (site / "en/datasets/apbd/index.html").read_text()
    assert "Regional Budget (APBD) by Account Line" in english and "Data dictionary" in english


def test_atom_feeds_parse(site):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for path in [site / "feed.xml", *sorted(site.glob("datasets/*/feed.xml"))]:
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"
        entries = root.findall("a:entry", ns)
        assert entries and all(e.find("a:id", ns).text.startswith(BASE) for e in entries), path
    assert len(ET.parse(site / "feed.xml").getroot().findall("a:entry", ns)) == 6


def test_ckan_api_lists_every_resource_with_its_url(site):
    api = site / "api/3/action"
    names = json.loads((api / "package_list").read_text())["result"]
    assert json.loads((api / "package_list.json").read_text())["result"] == names
    assert sorted(names) == ["kab-sukamaju-apbd", "kab-sukamaju-kinerja", "kab-sukamaju-peraturan",
                             "kab-sukamaju-wilayah"]
    bulk = json.loads((api / "current_package_list_with_resources").read_text())["result"]
    assert sorted(p["name"] for p in bulk) == names
    for name in names:
        dataset = name.removeprefix("kab-sukamaju-")
        pkg = json.loads((api / "package_show" / f"{name}.json").read_text())["result"]
        assert pkg == json.loads((api / "package_show" / f"{pkg['id']}.json").read_text())["result"]
        assert pkg == json.loads((api / "package_show" / dataset).read_text())["result"]  # the older address
        latest = os.readlink(site / "datasets" / dataset / "latest")
        folder = site / "datasets" / dataset / latest
        expected = {f.name for f in folder.iterdir()
                    if f.name.startswith(("data.", "data-")) or f.name == "datapackage.json"}
        urls = {r["url"] for r in pkg["resources"] if r["version"] == latest}
        assert {f"{BASE}datasets/{dataset}/{latest}/{n}" for n in expected} <= urls
        assert pkg["num_resources"] == len(pkg["resources"]) and pkg["version"] == latest


def test_dcat_catalog_parses_and_has_a_dataset_and_distribution_per_download(site):
    rdflib = pytest.importorskip("rdflib")
    from rdflib.compare import isomorphic
    from rdflib.namespace import DCAT, RDF

    ttl = rdflib.Graph().parse(site / "catalog.ttl", format="turtle")
    jsonld = rdflib.Graph().parse(site / "catalog.jsonld", format="json-ld")
    assert isomorphic(ttl, jsonld)
    datasets = set(ttl.subjects(RDF.type, DCAT.Dataset))
    versions = [p for p in site.glob("datasets/*/*/release.json") if not p.parent.is_symlink()]
    assert len(datasets) == 4 + len(versions)  # each dataset, and each of its versions
    downloads = {str(o) for o in ttl.objects(None, DCAT.downloadURL)}
    for name in ("apbd", "kinerja", "peraturan", "wilayah"):
        latest = os.readlink(site / "datasets" / name / "latest")
        assert f"{BASE}datasets/{name}/{latest}/data.csv" in downloads
        assert f"{BASE}datasets/{name}/{latest}/data.parquet" in downloads
    assert f"{BASE}datasets/apbd/1.1.0/data-2024.parquet" in downloads
    assert len(set(ttl.subjects(RDF.type, DCAT.Distribution))) == len(downloads)


def test_dcat_catalog_conforms_to_dcat_ap_3_shapes(site):
    rdflib = pytest.importorskip("rdflib")
    pyshacl = pytest.importorskip("pyshacl")
    if not SHAPES.is_dir():
        pytest.skip("../shared/data/dcat-ap (the DCAT-AP 3.0.1 shapes) is not present beside this clone")
    from rdflib.namespace import OWL

    data = rdflib.Graph().parse(site / "catalog.ttl", format="turtle")
    for name in ("dcat-ap-SHACL.ttl", "shapes.ttl"):
        shapes = rdflib.Graph().parse(SHAPES / name, format="turtle")
        shapes.remove((None, OWL.imports, None))  # offline: never follow imports
        conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
        assert conforms, f"{name}:\n{text[:3000]}"


def test_data_json_and_sitemap_and_robots(site):
    catalog = json.loads((site / "data.json").read_text())
    assert catalog["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert {d["identifier"] for d in catalog["dataset"]} == {f"{BASE}datasets/{n}/" for n in
                                                             ("apbd", "kinerja", "peraturan", "wilayah")}
    assert all(x["downloadURL"].startswith(BASE) for d in catalog["dataset"] for x in d["distribution"])
    urls = [e.text for e in ET.parse(site / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert BASE in urls and BASE + "en/" in urls and BASE + "datasets/apbd/" in urls
    assert f"Sitemap: {BASE}sitemap.xml" in (site / "robots.txt").read_text()


def test_budget_stages_are_never_summed(site):
    from publish.portal.formatting import money

    page = (site / "anggaran/2024/murni/index.html").read_text()
    murni, amended_total = 5_810_000_000, 6_391_000_000  # spending (akun 5) of the fixture's 2024 stages
    amended = (site / "anggaran/2024/perubahan/index.html").read_text()
    assert money(murni, "id", exact=True) in page and money(amended_total, "id", exact=True) in amended
    for text in (page, amended, (site / "index.html").read_text()):
        assert money(murni + amended_total, "id", exact=True) not in text
        assert money(murni + amended_total, "id") not in text
    assert "belum dilaporkan" in amended  # realisasi of the amended stage is not reported yet
    home = (site / "index.html").read_text()
    assert "Angka utama anggaran 2024" in home and "Rp 5,81 miliar" in home and "Rp 6,39 miliar" in home


def test_budget_explorer_has_charts_with_summaries_and_tables(site):
    page = parse(site / "anggaran/2024/murni/index.html")
    tags = [t for t, _ in page.tags]
    # revenue by group and type, spending by agency, urusan, group and type, financing receipts by type
    assert tags.count("figure") == 7 and tags.count("figcaption") == 7
    assert tags.count("table") >= 9
    text = (site / "anggaran/2024/murni/index.html").read_text()
    for heading in ("menurut perangkat daerah", "menurut urusan", "menurut kelompok belanja", "menurut jenis belanja",
                    "Belanja Pegawai", "Belanja Modal"):
        assert heading in text, heading
    assert "Personnel" in (site / "en/anggaran/2024/murni/index.html").read_text()


def test_regulations_link_both_ways_and_from_budget_lines(site):
    amended = (site / "peraturan/perda-2023-5/index.html").read_text()
    assert 'href="../perda-2024-3/"' in amended and "Diubah oleh" in amended
    amending = (site / "peraturan/perda-2024-3/index.html").read_text()
    assert 'href="../perda-2023-5/"' in amending
    revoked = (site / "peraturan/perbup-2019-12/index.html").read_text()
    assert 'href="../perbup-2023-7/"' in revoked and "tidak berlaku" in revoked
    assert 'href="../../anggaran/2024/perubahan/"' in amending  # the budget lines citing it
    explorer = (site / "anggaran/2024/perubahan/index.html").read_text()
    assert 'href="../../../peraturan/perda-2024-3/"' in explorer
    preview = (site / "datasets/apbd/index.html").read_text()
    assert 'href="../../peraturan/perda-2022-4/"' in preview
    status = (site / "peraturan/status/tidak-berlaku/index.html").read_text()
    assert "perbup-2019-12" in status and "perda-2023-5" not in status
    assert (site / "peraturan/jenis/peraturan-bupati/index.html").is_file()
    assert (site / "peraturan/tahun/2023/index.html").is_file()


def test_catalog_filters_work_without_javascript(site):
    finance = (site / "katalog/topik/keuangan/index.html").read_text()
    assert "datasets/apbd/" in finance and "datasets/wilayah/" not in finance
    year = (site / "katalog/tahun/2023/index.html").read_text()
    assert "datasets/apbd/" in year and "datasets/kinerja/" in year and "datasets/peraturan/" not in year
    assert (site / "katalog/format/parquet/index.html").is_file()
    assert list(site.glob("katalog/organisasi/*/index.html"))


def test_performance_page_shows_target_against_realisation(site):
    page = (site / "kinerja/index.html").read_text()
    assert "Dinas Kesehatan" in page and "Dinas Pendidikan" in page
    detail = (site / "kinerja/2024/1.02.0.00.0.00.01.0000/index.html").read_text()
    assert "Angka kematian ibu" in detail and "92,00" in detail and "92,0%" in detail


def test_numbers_and_dates_follow_the_language():
    from publish.portal import formatting as f

    assert f.money(1_200_000_000, "id") == "Rp 1,2 miliar"
    assert f.money(1_200_000_000, "en") == "IDR 1.2 billion"
    assert f.money(3_000_000, "id") == "Rp 3 juta"
    assert f.money(1_234_567, "en", exact=True) == "IDR 1,234,567"
    assert f.date("2024-03-15", "id") == "15 Maret 2024" and f.date("2024-03-15", "en") == "15 March 2024"
    assert f.datetime("2024-03-15T03:30:00Z", "id", "Asia/Jakarta") == "15 Maret 2024 pukul 10.30 WIB"
    assert f.percent(94.23, "id") == "94,2%" and f.percent(94.23, "en") == "94.2%"


def test_second_build_writes_nothing(published):
    from publish.portal import build_site

    ws, written = published
    assert any(p.name == "index.html" for p in written)
    assert build_site(ws) == []


def test_pagefind_index_is_built_when_available(published, site):
    import importlib.util

    if importlib.util.find_spec("pagefind") is None:
        pytest.skip("pagefind is not installed: the portal is built without its search index")
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert (site / "pagefind" / "pagefind-entry.json").is_file()


def test_html_parses_without_html5_parse_errors(html_files, site):
    html5lib = pytest.importorskip("html5lib")
    for path in html_files:
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(path.read_bytes(), transport_encoding="utf-8")
        assert not parser.errors, (path.relative_to(site), parser.errors[:3])
