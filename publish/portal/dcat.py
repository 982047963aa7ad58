"""The DCAT-AP 3 catalogue (catalog.jsonld, catalog.ttl): every published version is a dcat:Dataset of its own,
linked to the dataset it is a version of (dct:hasVersion / dct:isVersionOf, dcat:version, dcat:previousVersion,
dcat:hasCurrentVersion); withdrawn versions stay listed and are marked (catalogue record status Withdrawn,
distributions WITHDRAWN, the reason in adms:versionNotes). Every referenced node is typed so the official
shapes check it offline."""

from __future__ import annotations

from publish.portal import data
from publish.portal.context import DatasetInfo, FileInfo, ReleaseInfo, Site
from publish.portal.rdf import IRI, Graph, Lit, expand
from publish.portal.urls import slug as _slug

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
ADMS_STATUS = "http://purl.org/adms/status/"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
LICENCE_TYPE = "http://purl.org/adms/licencetype/"
FILE_TYPES = {"csv": "CSV", "xlsx": "XLSX", "parquet": "PARQUET", "json": "JSON"}
STANDARDS = {  # what a download conforms to
    "csv": ("https://www.rfc-editor.org/rfc/rfc4180", "RFC 4180 (CSV)"),
    "datapackage.json": ("https://datapackage.org/profiles/2.0/datapackage.json", "Data Package 2.0"),
    "fiscal-datapackage.json": ("https://specs.frictionlessdata.io/fiscal-data-package/", "Fiscal Data Package"),
    "fiscal-data.csv": ("https://specs.frictionlessdata.io/fiscal-data-package/", "Fiscal Data Package"),
    "xlsx": ("http://www.iso.org/standard/71691.html", "ISO/IEC 29500 (Office Open XML)"),
}
DCAT_AP = ("https://semiceu.github.io/DCAT-AP/releases/3.0.1/", "DCAT-AP 3.0.1")
LICENCE_TYPES = {"cc-by-sa": ["Attribution", "ShareAlike"], "cc-by": ["Attribution"], "cc0": ["PublicDomain"],
                 "odc-by": ["Attribution"], "odbl": ["Attribution", "ShareAlike"], "pddl": ["PublicDomain"]}
SAMPLE = {"id": " (Data contoh fiktif.)", "en": " (Fictional sample data.)"}
DT = "xsd:dateTime"
SHA256 = expand("spdx:checksumAlgorithm_sha256")
LANGS = ("id", "en")


def _both(graph: Graph, subject: str, predicate: str, text: dict, suffix: dict | None = None) -> None:
    for lang in LANGS:
        value = (text.get(lang) or text.get("id") or "") + ((suffix or {}).get(lang, ""))
        if value:
            graph.add(subject, predicate, Lit(value, lang=lang))


def _concept(g: Graph, iri: str, label: str, scheme: str | None = None) -> str:
    g.node(iri, "skos:Concept")
    g.add(iri, "skos:prefLabel", Lit(label, lang="en"))
    if scheme:
        g.add(iri, "skos:inScheme", IRI(scheme))
    return iri


def _standard(g: Graph, iri: str, title: str) -> str:
    g.node(iri, "dct:Standard")
    g.add(iri, "dct:title", Lit(title))
    return iri


def coverage(site: Site, rel: ReleaseInfo) -> tuple[str, str] | None:
    """The period a version's data covers, as (start, end) dates: its fiscal years when it is split by year,
    else the range of its date columns (peraturan: penetapan and pengundangan); None when nothing says."""
    if rel.years:
        return f"{rel.years[0]}-01-01", f"{rel.years[-1]}-12-31"
    key = ("coverage", rel.dataset, rel.version)
    if key not in site.cache:
        decl = site.dataset(rel.dataset).declaration
        dates = [f["name"] for f in decl.fields if f.get("type") == "date"]
        path = rel.folder / "data.parquet"
        span = None
        if dates and path.is_file():
            lows = ", ".join(f'min("{n}")' for n in dates)
            highs = ", ".join(f'max("{n}")' for n in dates)
            expr = (f"SELECT least({lows}) AS lo, greatest({highs}) AS hi FROM t" if len(dates) > 1
                    else f"SELECT {lows} AS lo, {highs} AS hi FROM t")
            row = data.query(path, expr)[0]
            if row["lo"] is not None:
                span = (row["lo"].isoformat(), row["hi"].isoformat())
        site.cache[key] = span
    return site.cache[key]


def describe(f: FileInfo, rel: ReleaseInfo, rows: int | None) -> dict:
    """What a download holds, in both languages (dct:description of its distribution)."""
    count = {"id": f", {rows:,} baris".replace(",", "."), "en": f", {rows:,} rows"} if rows else {"id": "", "en": ""}
    formats = {"csv": "CSV (UTF-8 dengan BOM, RFC 4180)", "xlsx": "XLSX (sel bertipe, untuk Excel)",
               "parquet": "Apache Parquet (bertipe)", "json": "JSON"}
    fmt = formats.get(f.format, f.format)
    fmt_en = {"csv": "CSV (UTF-8 with BOM, RFC 4180)", "xlsx": "XLSX (typed cells, for Excel)",
              "parquet": "Apache Parquet (typed)"}.get(f.format, fmt)
    if f.name.startswith("fiscal-"):
        return {"id": f"Fiscal Data Package versi {rel.version}: {f.title}.",
                "en": f"Fiscal Data Package of version {rel.version}: {f.title}."}
    if f.name == "datapackage.json":
        return {"id": f"Deskriptor Data Package versi {rel.version}: kamus data, kunci, lisensi dan hash setiap "
                      "berkas.",
                "en": f"Data Package descriptor of version {rel.version}: data dictionary, keys, licence and "
                      "the hash of every file."}
    if f.year:
        return {"id": f"Data tahun {f.year}, versi {rel.version}, {fmt}{count['id']}.",
                "en": f"Data for {f.year}, version {rel.version}, {fmt_en}{count['en']}."}
    return {"id": f"Seluruh data versi {rel.version}, {fmt}{count['id']}.",
            "en": f"All data of version {rel.version}, {fmt_en}{count['en']}."}


def version_notes(rel: ReleaseInfo) -> dict:
    """adms:versionNotes: what changed, and for a withdrawn version when and why it was withdrawn."""
    diff = rel.entry.get("diff") or {}
    change = rel.entry.get("change", "")
    note = {"id": f"Perubahan {change}: {diff.get('added', 0)} baris ditambah, {diff.get('removed', 0)} dihapus, "
                  f"{diff.get('changed', 0)} berubah.",
            "en": f"{change.capitalize()} change: {diff.get('added', 0)} rows added, {diff.get('removed', 0)} "
                  f"removed, {diff.get('changed', 0)} changed."}
    if rel.withdrawn:
        note = {"id": f"DITARIK pada {rel.withdrawn['date'][:10]}: {rel.withdrawn['reason']}. {note['id']}",
                "en": f"WITHDRAWN on {rel.withdrawn['date'][:10]}: {rel.withdrawn['reason']}. {note['en']}"}
    return note


class _Builder:
    """One catalogue graph, with the shared nodes (publisher, themes, statuses) made once."""

    def __init__(self, site: Site):
        self.site, self.g = site, Graph()
        g, base, config = self.g, site.base_url, site.config
        self.sample = SAMPLE if config.get("sample") else None
        self.cat = g.node(f"{base}#catalog", "dcat:Catalog")
        self.publisher = g.node(f"{base}#publisher", "foaf:Agent")
        g.add(self.publisher, "foaf:name", Lit(config["publisher"]["name"]))
        region = config.get("region") or {}
        kind = "RegionalAuthority" if len((region.get("kode") or "").split(".")) == 1 else "LocalAuthority"
        self.authority = _concept(g, PUBLISHER_TYPE + kind, kind)  # the producers are agencies of the same region
        g.add(self.publisher, "dct:type", IRI(self.authority))
        self.languages = [g.node(f"{EU}language/{code}", "dct:LinguisticSystem") for code in ("IND", "ENG")]
        self.scheme = g.node(f"{EU}data-theme", "skos:ConceptScheme")
        g.add(self.scheme, "dct:title", Lit("Data theme", lang="en"))
        self.contact = None
        if config["publisher"].get("email"):
            self.contact = g.node(f"{base}#contact", "vcard:Kind", "vcard:Organization")
            g.add(self.contact, "vcard:fn", Lit(config["publisher"]["name"]))
            g.add(self.contact, "vcard:hasEmail", IRI("mailto:" + config["publisher"]["email"]))
        self.place = None
        if region.get("kode"):
            self.place = g.node(f"{base}#wilayah-{region['kode']}", "dct:Location")
            g.add(self.place, "skos:prefLabel", Lit(region.get("nama") or region["kode"], lang="id"))
        self.stable = _concept(g, f"{EU}planned-availability/STABLE", "stable")
        self.access = g.node(f"{EU}access-right/PUBLIC", "dct:RightsStatement")
        self.irregular = g.node(f"{EU}frequency/IRREG", "dct:Frequency")
        self.dist_status = {s: _concept(g, f"{EU}distribution-status/{s}", s.lower())
                            for s in ("COMPLETED", "WITHDRAWN")}
        self.record_status = {s: _concept(g, ADMS_STATUS + s, s) for s in ("Completed", "Withdrawn")}
        self.dcat_ap = _standard(g, *DCAT_AP)
        g.node(SHA256, "spdx:ChecksumAlgorithm")

    def catalog(self) -> Graph:
        g, site, config = self.g, self.site, self.site.config
        _both(g, self.cat, "dct:title", config["title"])
        _both(g, self.cat, "dct:description", config["description"], self.sample)
        g.add(self.cat, "dct:publisher", IRI(self.publisher))
        g.add(self.cat, "foaf:homepage", IRI(g.node(site.base_url, "foaf:Document")))
        for lang in self.languages:
            g.add(self.cat, "dct:language", IRI(lang))
        g.add(self.cat, "dcat:themeTaxonomy", IRI(self.scheme))
        if self.place:
            g.add(self.cat, "dct:spatial", IRI(self.place))
        licences = {d.licence.get("path") for d in site.published if d.licence.get("path")}
        if len(licences) == 1:
            g.add(self.cat, "dct:license", IRI(self._licence(site.published[0])))
        released = [r.released for r in site.all_releases()]
        if released:
            g.add(self.cat, "dct:modified", Lit(max(released), datatype=DT))
            g.add(self.cat, "dct:issued", Lit(min(released), datatype=DT))
        for d in site.published:
            self.dataset(d)
        return g

    def _licence(self, d: DatasetInfo) -> str | None:
        if not d.licence.get("path"):
            return None
        licence = self.g.node(d.licence["path"], "dct:LicenseDocument")
        if d.licence.get("title"):
            self.g.add(licence, "rdfs:label", Lit(d.licence["title"]))
        name = (d.licence.get("name") or "").lower()
        for key in sorted(LICENCE_TYPES, key=len, reverse=True):  # ADMS licence types, longest name first
            if name == key or name.startswith(key + "-"):
                for kind in LICENCE_TYPES[key]:
                    self.g.add(licence, "dct:type", IRI(_concept(self.g, LICENCE_TYPE + kind, kind)))
                break
        return licence

    def _common(self, node: str, d: DatasetInfo) -> None:
        """What a dataset and each of its versions say alike."""
        g, decl = self.g, d.declaration
        g.add(node, "dct:publisher", IRI(self.publisher))
        for name in d.producers:  # the organisation that makes the data, as the dataset declares it
            creator = g.node(f"{self.site.base_url}#producer-{_slug(name)}", "foaf:Agent")
            g.add(creator, "foaf:name", Lit(name))
            g.add(creator, "dct:type", IRI(self.authority))
            g.add(node, "dct:creator", IRI(creator))
        for kw in decl.descriptor.get("keywords") or []:
            g.add(node, "dcat:keyword", Lit(kw, lang="id"))
        vocabulary = self.site.vocabulary  # topics and their EU themes, declared in schemas/vocabulary.json
        for code in vocabulary.topic_themes(d.topic):
            label = vocabulary.themes.get(code, code)
            g.add(node, "dcat:theme", IRI(_concept(g, f"{EU}data-theme/{code}", label, self.scheme)))
        g.add(node, "dct:language", IRI(self.languages[0]))
        g.add(node, "dct:accessRights", IRI(self.access))
        if self.contact:
            g.add(node, "dcat:contactPoint", IRI(self.contact))
        if self.place:
            g.add(node, "dct:spatial", IRI(self.place))

    def _temporal(self, node: str, span: tuple[str, str] | None) -> None:
        if span:
            period = self.g.node(f"{node.split('#')[0]}#period", "dct:PeriodOfTime")
            self.g.add(period, "dcat:startDate", Lit(span[0], datatype="xsd:date"))
            self.g.add(period, "dcat:endDate", Lit(span[1], datatype="xsd:date"))
            self.g.add(node, "dct:temporal", IRI(period))

    def _record(self, node: str, issued: str, modified: str, withdrawn: bool) -> None:
        g = self.g
        record = g.node(node.split("#")[0] + "#record", "dcat:CatalogRecord")
        g.add(self.cat, "dcat:record", IRI(record))
        g.add(record, "foaf:primaryTopic", IRI(node))
        g.add(record, "dct:issued", Lit(issued, datatype=DT))
        g.add(record, "dct:modified", Lit(modified, datatype=DT))
        g.add(record, "dct:conformsTo", IRI(self.dcat_ap))
        g.add(record, "adms:status", IRI(self.record_status["Withdrawn" if withdrawn else "Completed"]))

    def dataset(self, d: DatasetInfo) -> None:
        g, base, decl = self.g, self.site.base_url, d.declaration
        latest = d.latest
        ds = g.node(f"{base}{d.route}#dataset", "dcat:Dataset", "dcat:Resource")
        g.add(self.cat, "dcat:dataset", IRI(ds))
        _both(g, ds, "dct:title", decl.title)
        _both(g, ds, "dct:description", decl.description, self.sample)
        g.add(ds, "dct:identifier", Lit(f"{base}{d.route}"))
        g.add(ds, "dcat:landingPage", IRI(g.node(f"{base}{d.route}", "foaf:Document")))
        g.add(ds, "dct:accrualPeriodicity", IRI(self.irregular))
        self._common(ds, d)
        stamps = [r.released for r in d.releases] + [r.withdrawn["date"] for r in d.releases if r.withdrawn]
        g.add(ds, "dct:issued", Lit(d.releases[0].released, datatype=DT))
        g.add(ds, "dct:modified", Lit(max(stamps), datatype=DT))
        self._record(ds, d.releases[0].released, max(stamps), withdrawn=latest is None)
        nodes = {rel.version: f"{base}{rel.route}#dataset" for rel in d.releases}
        for rel in d.releases:
            self.version(d, rel, ds, nodes)
        if latest:
            g.add(ds, "dcat:version", Lit(latest.version))
            g.add(ds, "dcat:hasCurrentVersion", IRI(nodes[latest.version]))
            self._temporal(ds, coverage(self.site, latest))
            for dist in self._distributions(d, latest):  # the current files, for harvesters that read no versions
                g.add(ds, "dcat:distribution", IRI(dist))

    def version(self, d: DatasetInfo, rel: ReleaseInfo, parent: str, nodes: dict) -> None:
        g, base, decl = self.g, self.site.base_url, d.declaration
        node = g.node(nodes[rel.version], "dcat:Dataset", "dcat:Resource")
        g.add(self.cat, "dcat:dataset", IRI(node))
        for pred in ("dct:hasVersion", "dcat:hasVersion"):
            g.add(parent, pred, IRI(node))
        for pred in ("dct:isVersionOf", "dcat:isVersionOf"):
            g.add(node, pred, IRI(parent))
        title = {lang: f"{decl.title[lang]} ({'versi' if lang == 'id' else 'version'} {rel.version})" for lang in LANGS}
        _both(g, node, "dct:title", title)
        _both(g, node, "dct:description", decl.description, self.sample)
        _both(g, node, "adms:versionNotes", version_notes(rel))
        g.add(node, "dct:identifier", Lit(f"{base}{rel.route}"))
        g.add(node, "dcat:version", Lit(rel.version))
        g.add(node, "dcat:landingPage", IRI(g.node(f"{base}{rel.route}", "foaf:Document")))
        previous = rel.entry.get("previous")
        if previous in nodes:
            g.add(node, "dcat:previousVersion", IRI(nodes[previous]))
        modified = rel.withdrawn["date"] if rel.withdrawn else rel.released
        g.add(node, "dct:issued", Lit(rel.released, datatype=DT))
        g.add(node, "dct:modified", Lit(modified, datatype=DT))
        self._common(node, d)
        self._temporal(node, coverage(self.site, rel))
        self._record(node, rel.released, modified, withdrawn=bool(rel.withdrawn))
        for dist in self._distributions(d, rel):
            g.add(node, "dcat:distribution", IRI(dist))

    def _distributions(self, d: DatasetInfo, rel: ReleaseInfo) -> list[str]:
        g, base = self.g, self.site.base_url
        licence = self._licence(d)
        status = self.dist_status["WITHDRAWN" if rel.withdrawn else "COMPLETED"]
        out = []
        for f in rel.downloads:
            url = f"{base}{f.path}"
            dist = g.node(f"{url}#distribution", "dcat:Distribution")
            out.append(dist)
            g.add(dist, "dct:title", Lit(f"{f.name} ({rel.version})"))
            _both(g, dist, "dct:description", describe(f, rel, f.rows))
            g.add(dist, "dcat:accessURL", IRI(f"{base}{rel.route}"))
            g.add(dist, "dcat:downloadURL", IRI(url))
            g.add(dist, "dcat:byteSize", Lit(str(f.bytes), datatype="xsd:nonNegativeInteger"))
            g.add(dist, "dct:issued", Lit(rel.released, datatype=DT))
            g.add(dist, "dcatap:availability", IRI(self.stable))
            g.add(dist, "adms:status", IRI(status))
            if f.format in FILE_TYPES:
                g.add(dist, "dct:format", IRI(g.node(f"{EU}file-type/{FILE_TYPES[f.format]}", "dct:MediaTypeOrExtent")))
            g.add(dist, "dcat:mediaType", IRI(g.node(IANA + f.mediatype, "dct:MediaType")))
            standard = STANDARDS.get(f.name) or STANDARDS.get(f.format)
            if standard:
                g.add(dist, "dct:conformsTo", IRI(_standard(g, *standard)))
            checksum = g.node(f"{url}#sha256", "spdx:Checksum")
            g.add(checksum, "spdx:algorithm", IRI(SHA256))
            g.add(checksum, "spdx:checksumValue", Lit(f.sha256, datatype="xsd:hexBinary"))
            g.add(dist, "spdx:checksum", IRI(checksum))
            if licence:
                g.add(dist, "dct:license", IRI(licence))
        return out


def catalog(site: Site) -> Graph:
    return _Builder(site).catalog()


def files(site: Site) -> dict[str, str]:
    graph = catalog(site)
    return {"catalog.ttl": graph.turtle(), "catalog.jsonld": graph.jsonld_text()}
