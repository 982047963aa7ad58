"""build_site as the pipeline calls it: before any release, into a staging folder, and after one dataset changes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import xml.etree.ElementTree as ET

import pyarrow as pa
import pyarrow.parquet as pq

from publish.links import broken_links
from publish.workspace import Workspace
from tests.test_portal.workspace import workspace


def test_a_workspace_without_releases_still_gets_a_working_portal(tmp_path):
    from publish.portal import build_site

    ws = workspace(tmp_path)
    config = json.loads(ws.config_file.read_text(encoding="utf-8"))
    config["publisher"]["name"] = "Dinas <Kominfo> & Statistik"  # markup in text must reach feeds as text
    ws.config_file.write_text(json.dumps(config), encoding="utf-8")
    written = build_site(ws)
    assert ws.site / "index.html" in written
    feed = ET.parse(ws.site / "feed.xml").getroot()
    assert feed.find("{http://www.w3.org/2005/Atom}author/{http://www.w3.org/2005/Atom}name").text == \
        "Dinas <Kominfo> & Statistik"
    assert ET.parse(ws.site / "sitemap.xml").getroot().tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    for route in ("datasets/apbd/", "anggaran/", "peraturan/", "kinerja/", "en/katalog/"):
        assert (ws.site / route / "index.html").is_file(), route
    assert json.loads((ws.site / "api/3/action/package_list").read_text())["result"] == []
    assert not broken_links(ws.site)


def test_a_staging_preview_carries_the_release_files_it_links(published, tmp_path, caplog):
    from publish.portal import build_site

    ws, _ = published
    preview = tmp_path / "preview"
    with caplog.at_level("WARNING", logger="publish.portal"):
        written = build_site(ws, preview)
    assert not [r.getMessage() for r in caplog.records if r.name == "publish.portal.render"]  # no undefined value
    assert (preview / "datasets/apbd/1.1.0/data.parquet").is_file()
    assert (preview / "datasets/apbd/latest").is_symlink()
    assert not (preview / "datasets/apbd/1.1.0/index.html").samefile(ws.site / "datasets/apbd/1.1.0/index.html")
    assert preview / "index.html" in written
    assert not broken_links(preview)
    assert build_site(ws, preview) == []
    assert build_site(ws) == []  # the live site was not touched


def test_after_one_dataset_changes_only_what_depends_on_it_is_written(published, tmp_path):
    from publish.declarations import get_declaration
    from publish.portal import build_site
    from publish.releases import write_release

    ws, _ = published
    copy = tmp_path / "ws"
    shutil.copytree(ws.root, copy, symlinks=True)
    ws2 = Workspace(copy)
    assert build_site(ws2) == []
    decl = get_declaration(ws2, "wilayah")
    rows = [{"kode": "32", "nama": "Jawa Barat", "tingkat": "provinsi", "kode_induk": None},
            {"kode": "32.60", "nama": "Kabupaten Sukamaju", "tingkat": "kabupaten", "kode_induk": "32"}]
    table = pa.Table.from_pylist(rows)
    write_release(ws2, decl, table, {"errors": 0, "warnings": 0, "groups": [], "rules": []},
                  {"name": "wilayah-2.csv", "sha256": "ab" * 32}, "https://data.sukamaju.example.go.id/",
                  now=dt.datetime(2024, 3, 9, tzinfo=dt.timezone.utc), confirmed=True)  # districts removed on purpose
    written = {str(p.relative_to(ws2.site)) for p in build_site(ws2)}
    assert "datasets/wilayah/1.1.0/index.html" in written and "datasets/wilayah/index.html" in written
    assert "feed.xml" in written and "catalog.ttl" in written
    untouched = [p for p in written if p.startswith(("datasets/apbd/", "datasets/peraturan/", "anggaran/",
                                                       "peraturan/", "kinerja/", "en/anggaran/"))]
    assert not untouched, untouched

    # A regulation dropped from the register: its page goes, and nothing links to it any more.
    decl = get_declaration(ws2, "peraturan")
    kept = [r for r in pq.read_table(ws2.site / "datasets/peraturan/latest/data.parquet").to_pylist()
            if r["id"] != "perbup-2019-12"]
    write_release(ws2, decl, pa.Table.from_pylist(kept), {"errors": 0, "warnings": 0, "groups": [], "rules": []},
                  {"name": "jdih-2.csv", "sha256": "cd" * 32}, "https://data.sukamaju.example.go.id/",
                  now=dt.datetime(2024, 3, 10, tzinfo=dt.timezone.utc), confirmed=True)
    build_site(ws2)
    assert not (ws2.site / "peraturan/perbup-2019-12").exists()
    assert not (ws2.site / "en/peraturan/perbup-2019-12").exists()
    assert (ws2.site / "datasets/peraturan/1.0.0/index.html").is_file()  # versions keep their pages
    assert not broken_links(ws2.site)
    assert build_site(ws2) == []
