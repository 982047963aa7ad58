"""The JDIH network feed: one object per regulation of the latest release, every field the network reads, checked
for every row against the published data, and every detail link pointing at a page that exists."""

from __future__ import annotations

import json
import urllib.request

import pyarrow.parquet as pq

# The fields JDIH member feeds carry and the national JDIHN harvester reads (see publish/portal/jdih.py).
REQUIRED = ["idData", "tahun_pengundangan", "tanggal_pengundangan", "jenis", "noPeraturan", "judul", "singkatanJenis",
            "subjek", "status", "bidangHukum", "teuBadan", "urlDownload", "urlDetailPeraturan"]
SHORT = {"Peraturan Daerah": "PERDA", "Peraturan Bupati": "PERBUP", "Keputusan DPRD": "KEPUTUSAN DPRD"}


def _iso(value) -> str:
    return value.isoformat() if value is not None else ""


def test_every_regulation_is_in_the_feed_with_every_field(regions, specs):
    ws, region = regions["A"], specs["A"]
    feed = json.loads((ws.site / "api/jdih.json").read_text(encoding="utf-8"))
    rows = pq.read_table(ws.site / "datasets/peraturan/latest/data.parquet").to_pylist()
    assert isinstance(feed, list) and len(feed) == len(rows) == len({r["idData"] for r in feed})
    by_id = {r["idData"]: r for r in feed}
    for row in rows:
        item = by_id[row["id"]]
        assert set(REQUIRED) <= set(item) and all(isinstance(v, str) for v in item.values()), item
        assert item["tahun_pengundangan"] == str(row["tahun"])
        assert item["tanggal_pengundangan"] == _iso(row["tanggal_pengundangan"])
        assert item["tanggal_penetapan"] == _iso(row["tanggal_penetapan"])
        assert (item["jenis"], item["noPeraturan"], item["judul"]) == (row["jenis"], row["nomor"], row["judul"])
        assert item["singkatanJenis"] == SHORT[row["jenis"]]
        assert item["status"] == {"berlaku": "Berlaku", "tidak berlaku": "Tidak Berlaku"}[row["status"]]
        assert item["subjek"] == (row["subjek"] or "") and item["bidangHukum"] == (row["bidang_hukum"] or "")
        assert item["teuBadan"] == ("DPRD " if "DPRD" in row["jenis"] else "") + region.nama
        assert item["urlDownload"] == (row["url_dokumen"] or "")
        assert item["urlDetailPeraturan"] == f"{region.base}peraturan/{row['id']}/"
        page = ws.site / item["urlDetailPeraturan"].removeprefix(region.base) / "index.html"
        assert page.is_file(), page
    assert by_id["perda-2022-4"]["fileDownload"] == "perda-2022-4.pdf"
    assert feed[0]["tahun_pengundangan"] >= feed[-1]["tahun_pengundangan"]  # newest first, as members list them


def test_feed_is_served_as_json(served):
    with urllib.request.urlopen(f"{served['B']}/api/jdih.json", timeout=10) as resp:
        assert resp.headers["Content-Type"] == "application/json"
        assert json.loads(resp.read())[0]["teuBadan"].endswith("Kota Sukamakmur")
