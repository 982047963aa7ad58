"""The regulation register as a JDIH network feed (Perpres 33/2012): the JSON array JDIH member sites expose for
the national JDIHN harvester, one object per regulation of the latest live peraturan release.

Field names follow the member implementations (idData, tahun_pengundangan, tanggal_pengundangan, jenis,
noPeraturan, judul, singkatanJenis, subjek, status, bidangHukum, teuBadan, urlDownload, urlDetailPeraturan,
plus tanggal_penetapan, fileDownload and bahasa); the words (abbreviations, status, TEU badan) are declared in
schemas/peraturan/jdih.json. Every value is a string; an unknown one is "" as the members write it."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from publish.portal import data
from publish.portal.context import Site

DATASET = "peraturan"
PATH = "api/jdih.json"
VOCABULARY = "jdih.json"
FIELDS = ["idData", "tahun_pengundangan", "tanggal_penetapan", "tanggal_pengundangan", "jenis", "noPeraturan",
          "judul", "singkatanJenis", "subjek", "status", "bidangHukum", "teuBadan", "bahasa", "fileDownload",
          "urlDownload", "urlDetailPeraturan"]


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def record(row: dict, words: dict, region: str, base_url: str) -> dict:
    """One regulation in the JDIH network's shape."""
    teu = words["teuBadan"].get(row["jenis"], words["teuBadan"]["default"])
    url = row.get("url_dokumen") or ""
    out = {
        "idData": _text(row["id"]),
        "tahun_pengundangan": _text(row["tahun"]),
        "tanggal_penetapan": _text(row.get("tanggal_penetapan")),
        "tanggal_pengundangan": _text(row.get("tanggal_pengundangan")),
        "jenis": _text(row["jenis"]),
        "noPeraturan": _text(row["nomor"]),
        "judul": _text(row["judul"]),
        "singkatanJenis": words["singkatanJenis"].get(row["jenis"], _text(row["jenis"]).upper()),
        "subjek": _text(row.get("subjek")),
        "status": words["status"].get(row.get("status"), _text(row.get("status"))),
        "bidangHukum": _text(row.get("bidang_hukum")),
        "teuBadan": teu.format(wilayah=region),
        "bahasa": words.get("bahasa", "Indonesia"),
        "fileDownload": urlsplit(url).path.rsplit("/", 1)[-1] if url else "",
        "urlDownload": url,
        "urlDetailPeraturan": f"{base_url}peraturan/{row['id']}/",
    }
    return {k: out[k] for k in FIELDS}


def feed(site: Site) -> list[dict]:
    info = site.dataset(DATASET)
    path = site.parquet(DATASET)
    if info is None or path is None:
        return []
    vocabulary = info.declaration.folder / VOCABULARY
    words = json.loads(vocabulary.read_text(encoding="utf-8"))
    region = (site.config.get("region") or {}).get("nama") or site.config["publisher"]["name"]
    rows = data.query(path, "SELECT * FROM t ORDER BY tahun DESC, tanggal_penetapan DESC NULLS LAST, id")
    return [record(r, words, region, site.base_url) for r in rows]


def files(site: Site) -> dict[str, str]:
    if site.dataset(DATASET) is None or not (site.dataset(DATASET).declaration.folder / VOCABULARY).is_file():
        return {}
    return {PATH: json.dumps(feed(site), ensure_ascii=False, indent=1) + "\n"}
