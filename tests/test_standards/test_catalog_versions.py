"""Every version in the catalogues: DCAT-AP lists each published version (withdrawn ones marked) and passes the
official shapes; schema.org JSON-LD is on every dataset and version page, in the page's language."""

from __future__ import annotations

import json
import re

import pytest

rdflib = pytest.importorskip("rdflib")
pyshacl = pytest.importorskip("pyshacl")

from rdflib import Literal, Namespace, URIRef  # noqa: E402
from rdflib.namespace import DCTERMS, OWL, RDF  # noqa: E402

DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 terms (rdflib's own DCAT namespace stops at DCAT 2)
ADMS = Namespace("http://www.w3.org/ns/adms#")
# Recommended properties the data cannot supply: no geometry for the region, and the region code list has no
# date or year column to derive a period from.
UNDERIVABLE = {("dcat:bbox", "Location"), ("dcat:centroid", "Location"), ("dct:temporal", "wilayah")}
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _graph(site):
    return rdflib.Graph().parse(site / "catalog.ttl", format="turtle")


def _validate(data, shapes, name):
    graph = rdflib.Graph().parse(shapes / name, format="turtle")
    graph.remove((None, OWL.imports, None))  # offline: never follow imports
    return pyshacl.validate(data, shacl_graph=graph, inference="none", allow_warnings=False)


@pytest.mark.parametrize("name", ["A", "B"])
def test_catalog_passes_the_dcat_ap_shapes(regions, shapes, name):
    data = _graph(regions[name].site)
    for shape_file in ("shapes.ttl", "dcat-ap-SHACL.ttl", "range.ttl"):
        conforms, _, text = _validate(data, shapes, shape_file)
        assert conforms, f"{shape_file}:\n{text[:3000]}"


def test_recommended_properties_are_filled_where_the_data_has_them(regions, shapes):
    data = _graph(regions["A"].site)
    _, report, _ = _validate(data, shapes, "shapes_recommended.ttl")
    SH = Namespace("http://www.w3.org/ns/shacl#")
    missing = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath).n3(data.namespace_manager)
        focus = str(report.value(result, SH.focusNode))
        is_place = (URIRef(focus), RDF.type, DCTERMS.Location) in data
        kind = "Location" if is_place else focus.split("/datasets/")[-1].split("/")[0]
        missing.add((path, kind))
    assert missing <= UNDERIVABLE, missing - UNDERIVABLE


def test_every_published_version_is_listed_and_withdrawn_ones_are_marked(regions):
    from publish.releases import list_releases

    ws = regions["A"]
    data = _graph(ws.site)
    base = "https://data.sukamaju.example.go.id/"
    catalog = URIRef(base + "#catalog")
    for dataset in ("apbd", "kinerja", "peraturan", "wilayah"):
        parent = URIRef(f"{base}datasets/{dataset}/#dataset")
        assert (catalog, DCAT.dataset, parent) in data
        entries = list_releases(ws, dataset)
        for entry in entries:
            node = URIRef(f"{base}datasets/{dataset}/{entry['version']}/#dataset")
            assert (catalog, DCAT.dataset, node) in data, (dataset, entry["version"])
            assert (parent, DCTERMS.hasVersion, node) in data and (node, DCTERMS.isVersionOf, parent) in data
            assert (parent, DCAT.hasVersion, node) in data and (node, DCAT.isVersionOf, parent) in data
            assert data.value(node, DCAT.version) == Literal(entry["version"])
            record = URIRef(f"{base}datasets/{dataset}/{entry['version']}/#record")
            status = str(data.value(record, ADMS.status))
            dist_status = {str(data.value(d, ADMS.status)) for d in data.objects(node, DCAT.distribution)}
            if entry.get("withdrawn"):
                assert status.endswith("/Withdrawn") and dist_status == {
                    "http://publications.europa.eu/resource/authority/distribution-status/WITHDRAWN"}
                notes = {str(n) for n in data.objects(node, ADMS.versionNotes)}
                assert any(entry["withdrawn"]["reason"] in n for n in notes)
            else:
                assert status.endswith("/Completed")
            if entry.get("previous"):
                assert (node, DCAT.previousVersion,
                        URIRef(f"{base}datasets/{dataset}/{entry['previous']}/#dataset")) in data
        live = [e for e in entries if not e.get("withdrawn")]
        current = URIRef(f"{base}datasets/{dataset}/{live[-1]['version']}/#dataset")
        assert (parent, DCAT.hasCurrentVersion, current) in data
    assert any(e.get("withdrawn") for e in list_releases(ws, "apbd"))


def test_distributions_are_described_and_temporal_covers_peraturan(regions):
    data = _graph(regions["A"].site)
    base = "https://data.sukamaju.example.go.id/"
    for dist in data.subjects(RDF.type, DCAT.Distribution):
        langs = {d.language for d in data.objects(dist, DCTERMS.description)}
        assert langs == {"id", "en"}, dist
    period = data.value(URIRef(f"{base}datasets/peraturan/1.0.0/#dataset"), DCTERMS.temporal)
    assert str(data.value(period, DCAT.startDate)) == "2019-03-15"  # the earliest penetapan in the register
    assert str(data.value(period, DCAT.endDate)) == "2024-09-27"
    fiscal = URIRef(f"{base}datasets/apbd/1.0.0/fiscal-datapackage.json#distribution")
    assert (URIRef(f"{base}datasets/apbd/1.0.0/#dataset"), DCAT.distribution, fiscal) in data


def test_schema_org_on_every_dataset_and_version_page_in_the_page_language(regions):
    from publish.declarations import load_all
    from publish.releases import list_releases

    ws = regions["A"]
    for decl in load_all(ws):
        routes = [f"datasets/{decl.id}/"] + [f"datasets/{decl.id}/{e['version']}/" for e in list_releases(ws, decl.id)]
        for route in routes:
            for lang, prefix in (("id", ""), ("en", "en/")):
                page = (ws.site / prefix / route / "index.html").read_text(encoding="utf-8")
                docs = [json.loads(s.replace("<\\/", "</")) for s in SCRIPT.findall(page)]
                dataset = [d for d in docs if d.get("@type") == "Dataset"]
                assert len(dataset) == 1, (route, lang)
                doc = dataset[0]
                assert doc["name"].startswith(decl.title[lang]), (route, lang, doc["name"])
                assert doc["description"].endswith(
                    "(Data contoh fiktif.)" if lang == "id" else "(Fictional sample data.)"), (route, lang)
                if route.count("/") == 3:  # a version page
                    assert doc["version"] == route.split("/")[2] and doc["isPartOf"]["@id"].endswith(f"/{decl.id}/")
    withdrawn = [e for e in list_releases(ws, "apbd") if e.get("withdrawn")][0]
    page = (ws.site / "en/datasets/apbd" / withdrawn["version"] / "index.html").read_text(encoding="utf-8")
    doc = json.loads(SCRIPT.findall(page)[0].replace("<\\/", "</"))
    assert doc["creativeWorkStatus"] == "Withdrawn" and doc["description"].startswith("Withdrawn on 2024-08-03")
