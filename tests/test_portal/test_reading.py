"""What a reader follows: regulation pages say exactly what the register says, both ways, with the document as a
link; every page is in the search index, by its text and not its table cells; every term links the glossary."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq

from tests.test_portal.figures import tree

ROOT = Path(__file__).resolve().parents[2]
RELATIONS = ("mengubah", "diubah_oleh", "mencabut", "dicabut_oleh")
INVERSE = {"mengubah": "diubah_oleh", "diubah_oleh": "mengubah", "mencabut": "dicabut_oleh",
           "dicabut_oleh": "mencabut"}


def _register(ws) -> list[dict]:
    return pq.read_table(ws.site / "datasets/peraturan/latest/data.parquet").to_pylist()


def test_regulation_pages_state_the_register_and_name_what_the_other_side_records(published):
    """Each relation shows what the row's own column holds (data-stated) and, apart, what only other rows record
    about it (data-derived): the page never says more than the data, and every relation in the data shows on
    both regulations' pages."""
    ws, _ = published
    rows = _register(ws)
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        for prefix in ("", "en/"):
            page = tree(ws.site / prefix / "peraturan" / r["id"] / "index.html")
            for rel in RELATIONS:
                dd = next(n for n in page.walk() if n.tag == "dd" and n.attrs.get("data-relation") == rel)
                stated = [n.attrs["data-stated"] for n in dd.walk() if "data-stated" in n.attrs]
                derived = {n.attrs["data-derived"] for n in dd.walk() if "data-derived" in n.attrs}
                assert stated == ([r[rel]] if r[rel] else []), (r["id"], rel)
                others = {o["id"] for o in rows if o[INVERSE[rel]] == r["id"]} - set(stated)
                assert derived == others, (r["id"], rel, derived, others)
    # both ways: every relation a row states shows on the other regulation's page
    for r in rows:
        for rel in RELATIONS:
            target = by_id.get(r[rel] or "")
            if target is None:
                continue
            page = tree(ws.site / "peraturan" / target["id"] / "index.html")
            dd = next(n for n in page.walk() if n.tag == "dd" and n.attrs.get("data-relation") == INVERSE[rel])
            named = {n.attrs.get("data-stated") or n.attrs.get("data-derived") for n in dd.walk()} - {None}
            assert r["id"] in named, (r["id"], rel, target["id"])


def test_the_document_and_the_jdih_site_are_links(published):
    ws, _ = published
    for r in _register(ws):
        page = tree(ws.site / "peraturan" / r["id"] / "index.html")
        hrefs = {n.attrs.get("href") for n in page.walk() if n.tag == "a"}
        if r["url_dokumen"]:
            assert r["url_dokumen"] in hrefs, r["id"]
        assert "https://jdih.sukamaju.example.go.id/" in hrefs  # the register's source, its JDIH site


def test_every_page_is_indexed_but_the_search_page_and_tables_of_data_are_not(published):
    ws, _ = published
    pages = [p for p in ws.site.rglob("*.html") if "pagefind" not in p.parts]
    for path in pages:
        route = path.relative_to(ws.site).as_posix()
        main = next(n for n in tree(path).walk() if n.tag == "main")
        searchable = "data-pagefind-body" in main.attrs
        assert searchable != route.endswith("cari/index.html"), route
    dataset = tree(ws.site / "datasets/apbd/index.html")
    preview = next(n for n in dataset.walk() if n.tag == "table" and "preview" in n.classes())
    assert any(a.tag == "section" and "no-index" in a.classes() for a in preview.ancestors())
    from publish.portal.pagefind import EXCLUDE

    assert {"td.num", ".chart", "table.preview", ".no-index"} <= {s.strip() for s in EXCLUDE.split(",")}


def test_the_glossary_is_declared_and_every_term_link_lands_on_its_entry(published):
    ws, _ = published
    schema = json.loads((ROOT / "schemas/glossary.schema.json").read_text(encoding="utf-8"))
    glossary = json.loads((ROOT / "schemas/glossary.json").read_text(encoding="utf-8"))
    jsonschema.validate(glossary, schema)
    for prefix in ("", "en/"):
        entries = {n.attrs["id"] for n in tree(ws.site / prefix / "glosarium/index.html").walk()
                   if n.tag == "dt" and "id" in n.attrs}
        assert entries == set(glossary["terms"])
        linked = set()
        for path in (ws.site / prefix / "anggaran").rglob("index.html"):
            for n in tree(path).walk():
                if n.tag == "a" and "term" in n.classes():
                    target, _, anchor = n.attrs["href"].partition("#")
                    assert target.endswith("glosarium/") and anchor in entries, (path, n.attrs["href"])
                    linked.add(anchor)
        assert {"murni", "perubahan", "serapan", "cakupan", "realisasi", "anggaran", "pendapatan", "belanja",
                "pembiayaan", "tahap", "dasar_hukum", "urusan", "skpd"} <= linked, linked
