"""schema.org Dataset JSON-LD for dataset pages, so search engines can list each dataset and its downloads."""

from __future__ import annotations

from publish.portal.context import DatasetInfo, Site

SAMPLE_NOTE = {"id": " (Data contoh fiktif.)", "en": " (Fictional sample data.)"}


def dataset(site: Site, d: DatasetInfo) -> dict:
    config, base = site.config, site.base_url
    rel = d.latest
    decl = d.declaration
    publisher = {"@type": "Organization", "name": config["publisher"]["name"]}
    if config["publisher"].get("url"):
        publisher["url"] = config["publisher"]["url"]
    description = decl.description["id"] + (SAMPLE_NOTE["id"] if config.get("sample") else "")
    doc = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": f"{base}{d.route}",
        "name": decl.title["id"],
        "alternateName": decl.title["en"],
        "description": description,
        "url": f"{base}{d.route}",
        "identifier": f"{base}{rel.route}",
        "version": rel.version,
        "datePublished": d.releases[0].released,
        "dateModified": rel.released,
        "inLanguage": "id",
        "isAccessibleForFree": True,
        "keywords": decl.descriptor.get("keywords", []),
        "license": d.licence.get("path") or d.licence.get("name"),
        "publisher": publisher,
        "creator": [{"@type": "Organization", "name": o} for o in d.organisations] or publisher,
        "citation": f"{config['publisher']['name']} ({rel.released[:4]}). {decl.title['id']}, versi {rel.version}. "
                    f"{base}{rel.route}",
        "distribution": [
            {"@type": "DataDownload", "name": f.name, "encodingFormat": f.mediatype,
             "contentUrl": f"{base}{f.path}", "contentSize": f"{f.bytes} B", "sha256": f.sha256}
            for f in rel.downloads
        ],
        "variableMeasured": [f.get("title") or f["name"] for f in decl.fields],
    }
    region = config.get("region") or {}
    if region.get("nama"):
        doc["spatialCoverage"] = {"@type": "Place", "name": region["nama"]}
    if d.years:
        doc["temporalCoverage"] = f"{d.years[0]}/{d.years[-1]}" if len(d.years) > 1 else str(d.years[0])
    return doc
