"""schema.org Dataset JSON-LD for dataset and version pages, in the page's language, so search engines can list
each dataset, each citable version and their downloads."""

from __future__ import annotations

from publish.portal import citation
from publish.portal.context import DatasetInfo, ReleaseInfo, Site
from publish.portal.render import script_json
from publish.portal.urls import localized

SAMPLE_NOTE = {"id": " (Data contoh fiktif.)", "en": " (Fictional sample data.)"}
VERSION = {"id": "versi", "en": "version"}
WITHDRAWN = {"id": "Ditarik pada {date}: {reason}", "en": "Withdrawn on {date}: {reason}"}
LANGS = ("id", "en")


def dataset(site: Site, d: DatasetInfo, lang: str = "id", rel: ReleaseInfo | None = None) -> dict:
    """The Dataset of `d` (its latest version), or of one version `rel`, with text in `lang`."""
    config, base = site.config, site.base_url
    decl = d.declaration
    other = "en" if lang == "id" else "id"
    version = rel or d.latest
    publisher = {"@type": "Organization", "name": config["publisher"]["name"]}
    if config["publisher"].get("url"):
        publisher["url"] = config["publisher"]["url"]
    route = rel.route if rel else d.route
    name = decl.title[lang] + (f" ({VERSION[lang]} {rel.version})" if rel else "")
    doc = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": f"{base}{route}",
        "name": name,
        "alternateName": decl.title[other],
        "description": decl.description[lang] + (SAMPLE_NOTE[lang] if config.get("sample") else ""),
        "url": base + localized(route, lang),
        "identifier": f"{base}{version.route}",
        "version": version.version,
        "datePublished": (rel or d.releases[0]).released,
        "dateModified": version.withdrawn["date"] if version.withdrawn else version.released,
        "inLanguage": "id",  # the data itself is in Indonesian whatever the page's language
        "isAccessibleForFree": True,
        "keywords": decl.descriptor.get("keywords", []),
        "license": d.licence.get("path") or d.licence.get("name"),
        "publisher": publisher,
        "creator": [{"@type": "Organization", "name": o} for o in d.producers] or publisher,
        "citation": citation.plain(citation.record(site, d, version), lang),
        "distribution": [
            {"@type": "DataDownload", "name": f.name, "encodingFormat": f.mediatype,
             "contentUrl": f"{base}{f.path}", "contentSize": f"{f.bytes} B", "sha256": f.sha256}
            for f in version.downloads
        ],
        "variableMeasured": [f.get("title") or f["name"] for f in decl.fields],
    }
    if rel:
        doc["isPartOf"] = {"@type": "Dataset", "@id": f"{base}{d.route}", "name": decl.title[lang]}
        if rel.withdrawn:
            doc["creativeWorkStatus"] = "Withdrawn"
            doc["description"] = (WITHDRAWN[lang].format(date=rel.withdrawn["date"][:10],
                                                        reason=rel.withdrawn["reason"]) + ". " + doc["description"])
    else:
        doc["hasPart"] = [{"@type": "Dataset", "@id": f"{base}{r.route}", "version": r.version}
                          for r in d.releases if not r.withdrawn]
    region = config.get("region") or {}
    if region.get("nama"):
        doc["spatialCoverage"] = {"@type": "Place", "name": region["nama"]}
    years = version.years
    if years:
        doc["temporalCoverage"] = f"{years[0]}/{years[-1]}" if len(years) > 1 else str(years[0])
    return doc


def head(site: Site, d: DatasetInfo, rel: ReleaseInfo | None = None) -> dict:
    """The <script> element for a page's <head>, one per language ({lang: markup}); empty before a release."""
    if (rel or d.latest) is None:
        return {}
    return {lang: f'<script type="application/ld+json">{script_json(dataset(site, d, lang, rel))}</script>'
            for lang in LANGS}
