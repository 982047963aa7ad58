"""The regulation register as a JDIH network feed (Perpres 33/2012): the JSON array JDIH member sites expose for
the national JDIHN harvester, one object per regulation of the latest live release of the dataset that
declares the regulation register view and the JDIH words (jdih.json beside its declaration).

Field names follow the member implementations (idData, tahun_pengundangan, tanggal_pengundangan, jenis,
noPeraturan, judul, singkatanJenis, subjek, status, bidangHukum, teuBadan, urlDownload, urlDetailPeraturan,
plus tanggal_penetapan, fileDownload and bahasa); the words (abbreviations, status, TEU badan) are declared in
schemas/<dataset>/jdih.json. Every value is a string; an unknown one is "" as the members write it."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from publish.portal import data
from publish.portal.context import Site
from publish.portal.urls import absolute, web_link
from publish.portal.views import REGULATIONS, View, declared_views, of_kind

PATH = "api/jdih.json"
VOCABULARY = "jdih.json"
FIELDS = ["idData", "tahun_pengundangan", "tanggal_penetapan", "tanggal_pengundangan", "jenis", "noPeraturan",
          "judul", "singkatanJenis", "subjek", "status", "bidangHukum", "teuBadan", "bahasa", "fileDownload",
          "urlDownload", "urlDetailPeraturan"]


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def record(row: dict, words: dict, region: str, base_url: str, route: str = "peraturan/") -> dict:
    """One regulation in the JDIH network's shape."""
    teu = words["teuBadan"].get(row["jenis"], words["teuBadan"]["default"])
    url = web_link(row.get("url_dokumen")) or ""  # harvesters make it a link: http(s) only, never javascript:
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
        "urlDetailPeraturan": absolute(base_url, f"{route}{row['id']}/"),
    }
    return {k: out[k] for k in FIELDS}


def register(site: Site) -> View | None:
    """The regulation register the feed is made from: the first that declares the JDIH words."""
    return next((v for v in of_kind(declared_views(site), REGULATIONS)
                 if (v.dataset.declaration.folder / VOCABULARY).is_file() and site.parquet(v.dataset.id)), None)


def feed(site: Site) -> list[dict]:
    view = register(site)
    if view is None:
        return []
    words = json.loads((view.dataset.declaration.folder / VOCABULARY).read_text(encoding="utf-8"))
    region = (site.config.get("region") or {}).get("nama") or site.config["publisher"]["name"]
    rows = data.query(site.parquet(view.dataset.id),
                      "SELECT * FROM t ORDER BY tahun DESC, tanggal_penetapan DESC NULLS LAST, id")
    return [record(r, words, region, site.base_url, view.route) for r in rows]


def files(site: Site) -> dict[str, str]:
    if register(site) is None:
        return {}
    return {PATH: json.dumps(feed(site), ensure_ascii=False, indent=1) + "\n"}
