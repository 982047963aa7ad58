"""data.json in the DCAT-US (Project Open Data 1.1) schema, for harvesters that read that format."""

from __future__ import annotations

import json

from publish.portal.context import Site

FORMATS = {"csv": "CSV", "parquet": "Parquet", "json": "JSON"}


def catalog(site: Site) -> dict:
    base, config = site.base_url, site.config
    publisher = {"@type": "org:Organization", "name": config["publisher"]["name"]}
    sample = " (Data contoh fiktif.)" if config.get("sample") else ""
    datasets = []
    for d in site.published:
        rel = d.latest
        if rel is None:
            continue
        decl = d.declaration
        entry = {
            "@type": "dcat:Dataset",
            "identifier": f"{base}{d.route}",
            "title": decl.title["id"],
            "description": decl.description["id"] + sample,
            "keyword": decl.descriptor.get("keywords") or [d.id],
            "modified": rel.released,
            "issued": d.releases[0].released,
            "publisher": publisher,
            "contactPoint": {"@type": "vcard:Contact", "fn": config["publisher"]["name"],
                             "hasEmail": "mailto:" + (config["publisher"].get("email") or "")},
            "accessLevel": "public",
            "license": d.licence.get("path") or d.licence.get("name", ""),
            "landingPage": f"{base}{d.route}",
            "language": ["id", "en"],
            "theme": [d.topic],
            "describedBy": f"{base}{rel.route}datapackage.json",
            "describedByType": "application/json",
            "distribution": [{"@type": "dcat:Distribution", "title": f.name, "downloadURL": f"{base}{f.path}",
                              "mediaType": f.mediatype, "format": FORMATS.get(f.format, f.format.upper())}
                             for f in rel.downloads],
        }
        if (config.get("region") or {}).get("nama"):
            entry["spatial"] = config["region"]["nama"]
        if d.years:
            entry["temporal"] = f"{d.years[0]}-01-01/{d.years[-1]}-12-31"
        datasets.append(entry)
    return {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@id": f"{base}data.json",
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "dataset": datasets,
    }


def files(site: Site) -> dict[str, str]:
    return {"data.json": json.dumps(catalog(site), ensure_ascii=False, indent=1) + "\n"}
