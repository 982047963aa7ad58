"""RDF graphs for the catalogues, held and written by rdflib; the same graph always gives the same bytes.

rdflib's Turtle writer orders subjects, predicates and objects itself, so its output does not depend on the
order triples were added in or on the hash seed (tests/test_standards/test_rdf_stability.py). Its JSON-LD
writer does depend on both, so the JSON-LD is put in a canonical order before it is written."""

from __future__ import annotations

import json
from dataclasses import dataclass

import rdflib
from rdflib.term import Literal, URIRef

PREFIXES = {
    "adms": "http://www.w3.org/ns/adms#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
UNSAFE = set('<>"{}|^`\\ ')


class IRI(str):
    """A full IRI used as an object."""


@dataclass(frozen=True)
class Lit:
    value: str
    lang: str | None = None
    datatype: str | None = None  # a prefixed name, e.g. xsd:dateTime


def expand(name: str) -> str:
    """dcat:Dataset -> http://www.w3.org/ns/dcat#Dataset"""
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


class Graph:
    """A catalogue graph: subjects are IRIs, predicates prefixed names, objects IRI or Lit."""

    def __init__(self):
        self.rdf = rdflib.Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            self.rdf.bind(prefix, namespace)

    def add(self, subject: str, predicate: str, obj) -> None:
        self.rdf.add((_iri(subject), URIRef(expand(predicate)), _term(obj)))

    def node(self, subject: str, *types: str) -> str:
        """Declare `subject` with its classes (SHACL checks classes without inference, so say them all)."""
        for kind in types:
            self.rdf.add((_iri(subject), rdflib.RDF.type, URIRef(expand(kind))))
        return subject

    def turtle(self) -> str:
        return self.rdf.serialize(format="turtle")

    def jsonld(self) -> dict:
        text = self.rdf.serialize(format="json-ld", context=dict(sorted(PREFIXES.items())), auto_compact=True)
        return _canonical(json.loads(text))

    def jsonld_text(self) -> str:
        return json.dumps(self.jsonld(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _iri(value: str) -> URIRef:
    """An IRI with the characters Turtle forbids in one (space, quotes, brackets...) percent-encoded."""
    return URIRef("".join(c if c not in UNSAFE else f"%{ord(c):02X}" for c in str(value)))


def _term(obj):
    if isinstance(obj, Lit):
        if obj.lang:
            return Literal(obj.value, lang=obj.lang)
        return Literal(obj.value, datatype=URIRef(expand(obj.datatype)) if obj.datatype else None)
    return _iri(obj)


def _canonical(value):
    """JSON-LD with every node list and value array sorted: arrays in JSON-LD are unordered sets (no @list
    is written here), so sorting changes nothing a reader sees and makes the text independent of rdflib's
    set iteration order."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value
