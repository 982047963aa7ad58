"""Each version's Fiscal Data Package, rendered from the release store into its version folder (fiscal/)."""

from __future__ import annotations

import hashlib
import json

import pyarrow.parquet as pq

from publish.fiscal import fiscal_package, mapping
from publish.portal.context import DatasetInfo, FileInfo, ReleaseInfo, Site

FOLDER = "fiscal"  # datasets/<dataset>/<version>/fiscal/: a rendered view, not part of the release manifest


def package(site: Site, d: DatasetInfo, rel: ReleaseInfo) -> tuple[dict, bytes] | None:
    """(descriptor, csv) of one version, or None when the dataset declares no fiscal mapping."""
    key = ("fiscal", d.id, rel.version)
    if key not in site.cache:
        data = rel.folder / "data.parquet"
        if mapping(d.declaration) is None or not data.is_file():
            site.cache[key] = None
        else:
            url = f"{site.base_url}{rel.route}{FOLDER}/"
            about = {"version": rel.version, "id": url, "homepage": f"{site.base_url}{rel.route}",
                     "created": rel.released}
            site.cache[key] = fiscal_package(d.declaration, pq.read_table(data), about)
    return site.cache[key]


def _documents(site: Site, d: DatasetInfo, rel: ReleaseInfo) -> dict[str, bytes]:
    made = package(site, d, rel)
    if made is None:
        return {}
    descriptor, data = made
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    return {"datapackage.json": text.encode("utf-8"), "data.csv": data}


def entries(site: Site, d: DatasetInfo, rel: ReleaseInfo) -> list[FileInfo]:
    """The package's two files as downloads (for the catalogues), descriptor first."""
    docs = _documents(site, d, rel)
    titles = {"datapackage.json": "Fiscal Data Package (deskriptor)", "data.csv": "Fiscal Data Package (CSV)"}
    media = {"datapackage.json": ("json", "application/json"), "data.csv": ("csv", "text/csv")}
    return [FileInfo(name=f"{FOLDER}/{name}", path=f"{rel.route}{FOLDER}/{name}", format=media[name][0],
                     mediatype=media[name][1], bytes=len(body), sha256=hashlib.sha256(body).hexdigest(),
                     data=False, title=titles[name])
            for name, body in docs.items()]


def files(site: Site) -> dict[str, bytes]:
    """Every version's fiscal/ files, withdrawn versions included (their tombstones keep listing downloads)."""
    out = {}
    for d in site.datasets:
        for rel in d.releases:
            for name, body in _documents(site, d, rel).items():
                out[f"{rel.route}{FOLDER}/{name}"] = body
    return out
