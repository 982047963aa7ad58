"""The DCAT-AP 3 catalogue (catalog.jsonld, catalog.ttl): a dcat:Dataset per dataset and a dcat:Distribution
per download of its latest version, with every referenced node typed so the official shapes check it offline."""

from __future__ import annotations

from publish.portal.context import Site
from publish.portal.rdf import IRI, Graph, Lit, expand

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
THEMES = {  # terbuka:topic -> EU data themes
    "keuangan": ["ECON", "GOVE"],
    "hukum": ["JUST", "GOVE"],
    "kinerja": ["GOVE"],
    "referensi": ["REGI"],
}
THEME_LABELS = {"ECON": "Economy and finance", "GOVE": "Government and public sector",
                "JUST": "Justice, legal system and public safety", "REGI": "Regions and cities"}
FILE_TYPES = {"csv": "CSV", "parquet": "PARQUET", "json": "JSON"}
SAMPLE = {"id": " (Data contoh fiktif.)", "en": " (Fictional sample data.)"}
DT = "xsd:dateTime"
SHA256 = expand("spdx:checksumAlgorithm_sha256")


def _both(graph: Graph, subject: str, predicate: str, text: dict, suffix: dict | None = None) -> None:
    for lang in ("id", "en"):
        value = (text.get(lang) or text.get("id") or "") + ((suffix or {}).get(lang, ""))
        if value:
            graph.add(subject, predicate, Lit(value, lang=lang))


def catalog(site: Site) -> Graph:
    g = Graph()
    base, config = site.base_url, site.config
    sample = SAMPLE if config.get("sample") else None
    cat = g.node(f"{base}#catalog", "dcat:Catalog")
    _both(g, cat, "dct:title", config["title"])
    _both(g, cat, "dct:description", config["description"], sample)
    publisher = g.node(f"{base}#publisher", "foaf:Agent")
    g.add(publisher, "foaf:name", Lit(config["publisher"]["name"]))
    g.add(cat, "dct:publisher", IRI(publisher))
    g.add(cat, "foaf:homepage", IRI(g.node(base, "foaf:Document")))
    languages = [g.node(f"{EU}language/{code}", "dct:LinguisticSystem") for code in ("IND", "ENG")]
    for lang in languages:
        g.add(cat, "dct:language", IRI(lang))
    scheme = g.node(f"{EU}data-theme", "skos:ConceptScheme")
    g.add(scheme, "dct:title", Lit("Data theme", lang="en"))
    g.add(cat, "dcat:themeTaxonomy", IRI(scheme))
    contact = None
    if config["publisher"].get("email"):
        contact = g.node(f"{base}#contact", "vcard:Kind", "vcard:Organization")
        g.add(contact, "vcard:fn", Lit(config["publisher"]["name"]))
        g.add(contact, "vcard:hasEmail", IRI("mailto:" + config["publisher"]["email"]))
    region = config.get("region") or {}
    place = None
    if region.get("kode"):
        place = g.node(f"{base}#wilayah-{region['kode']}", "dct:Location")
        g.add(place, "skos:prefLabel", Lit(region.get("nama") or region["kode"], lang="id"))
        g.add(cat, "dct:spatial", IRI(place))
    released = [r.released for r in site.all_releases()]
    if released:
        g.add(cat, "dct:modified", Lit(max(released), datatype=DT))
        g.add(cat, "dct:issued", Lit(min(released), datatype=DT))

    for d in site.published:
        rel = d.latest
        if rel is None:
            continue
        decl = d.declaration
        ds = g.node(f"{base}{d.route}#dataset", "dcat:Dataset")
        g.add(cat, "dcat:dataset", IRI(ds))
        _both(g, ds, "dct:title", decl.title)
        _both(g, ds, "dct:description", decl.description, sample)
        g.add(ds, "dct:identifier", Lit(f"{base}{d.route}"))
        g.add(ds, "dcat:version", Lit(rel.version))
        g.add(ds, "dct:issued", Lit(d.releases[0].released, datatype=DT))
        g.add(ds, "dct:modified", Lit(rel.released, datatype=DT))
        g.add(ds, "dct:publisher", IRI(publisher))
        g.add(ds, "dcat:landingPage", IRI(g.node(f"{base}{d.route}", "foaf:Document")))
        for kw in decl.descriptor.get("keywords") or []:
            g.add(ds, "dcat:keyword", Lit(kw, lang="id"))
        for code in THEMES.get(d.topic, ["GOVE"]):
            theme = g.node(f"{EU}data-theme/{code}", "skos:Concept")
            g.add(theme, "skos:prefLabel", Lit(THEME_LABELS[code], lang="en"))
            g.add(theme, "skos:inScheme", IRI(scheme))
            g.add(ds, "dcat:theme", IRI(theme))
        g.add(ds, "dct:language", IRI(languages[0]))
        g.add(ds, "dct:accessRights", IRI(g.node(f"{EU}access-right/PUBLIC", "dct:RightsStatement")))
        g.add(ds, "dct:accrualPeriodicity", IRI(g.node(f"{EU}frequency/IRREG", "dct:Frequency")))
        if contact:
            g.add(ds, "dcat:contactPoint", IRI(contact))
        if place:
            g.add(ds, "dct:spatial", IRI(place))
        if d.years:
            period = g.node(f"{base}{d.route}#period", "dct:PeriodOfTime")
            g.add(period, "dcat:startDate", Lit(f"{d.years[0]}-01-01", datatype="xsd:date"))
            g.add(period, "dcat:endDate", Lit(f"{d.years[-1]}-12-31", datatype="xsd:date"))
            g.add(ds, "dct:temporal", IRI(period))
        licence = None
        if d.licence.get("path"):
            licence = g.node(d.licence["path"], "dct:LicenseDocument")
            if d.licence.get("title"):
                g.add(licence, "rdfs:label", Lit(d.licence["title"]))
        stable = g.node(f"{EU}planned-availability/STABLE", "skos:Concept")
        g.add(stable, "skos:prefLabel", Lit("stable", lang="en"))
        for f in rel.downloads:
            url = f"{base}{f.path}"
            dist = g.node(f"{url}#distribution", "dcat:Distribution")
            g.add(ds, "dcat:distribution", IRI(dist))
            g.add(dist, "dct:title", Lit(f"{f.name} ({rel.version})"))
            g.add(dist, "dcat:accessURL", IRI(f"{base}{rel.route}"))
            g.add(dist, "dcat:downloadURL", IRI(url))
            g.add(dist, "dcat:byteSize", Lit(str(f.bytes), datatype="xsd:nonNegativeInteger"))
            g.add(dist, "dct:issued", Lit(rel.released, datatype=DT))
            g.add(dist, "dcatap:availability", IRI(stable))
            if f.format in FILE_TYPES:
                g.add(dist, "dct:format", IRI(g.node(f"{EU}file-type/{FILE_TYPES[f.format]}", "dct:MediaTypeOrExtent")))
            g.add(dist, "dcat:mediaType", IRI(g.node(IANA + f.mediatype, "dct:MediaType")))
            checksum = g.node(f"{url}#sha256", "spdx:Checksum")
            g.add(checksum, "spdx:algorithm", IRI(SHA256))
            g.add(checksum, "spdx:checksumValue", Lit(f.sha256, datatype="xsd:hexBinary"))
            g.add(dist, "spdx:checksum", IRI(checksum))
            if licence:
                g.add(dist, "dct:license", IRI(licence))
    g.node(SHA256, "spdx:ChecksumAlgorithm")
    return g


def files(site: Site) -> dict[str, str]:
    graph = catalog(site)
    return {"catalog.ttl": graph.turtle(), "catalog.jsonld": graph.jsonld_text()}
