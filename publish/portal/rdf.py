"""A tiny RDF graph written as Turtle and JSON-LD, deterministically (no blank nodes, sorted output),
so an unchanged catalogue serialises to the same bytes and a rebuild writes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass

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


class Curie(str):
    """A prefixed name such as dcat:Dataset (an IRI written short)."""


class IRI(str):
    """A full IRI."""


@dataclass(frozen=True)
class Lit:
    value: str
    lang: str | None = None
    datatype: str | None = None  # a CURIE, e.g. xsd:dateTime


def expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


class Graph:
    """Subjects (IRIs) with their predicates (CURIEs) and objects (IRI, Curie or Lit)."""

    def __init__(self):
        self.nodes: dict[str, dict[str, list]] = {}

    def add(self, subject: str, predicate: str, obj) -> None:
        values = self.nodes.setdefault(subject, {}).setdefault(predicate, [])
        if obj not in values:
            values.append(obj)

    def node(self, subject: str, *types: str) -> str:
        """Declare `subject` with its classes (SHACL checks classes without inference, so say them all)."""
        for kind in types:
            self.add(subject, "rdf:type", Curie(kind))
        return subject

    # -- Turtle --------------------------------------------------------------------------------------------------

    def turtle(self) -> str:
        lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items())] + [""]
        for subject in sorted(self.nodes):
            preds = self.nodes[subject]
            order = sorted(preds, key=lambda p: (p != "rdf:type", p))
            parts = []
            for pred in order:
                objs = ", ".join(_ttl(o) for o in sorted(preds[pred], key=_sort_key))
                parts.append(f"    {'a' if pred == 'rdf:type' else pred} {objs}")
            lines.append(f"{_iri(subject)}\n" + " ;\n".join(parts) + " .\n")
        return "\n".join(lines)

    # -- JSON-LD -------------------------------------------------------------------------------------------------

    def jsonld(self) -> dict:
        graph = []
        for subject in sorted(self.nodes):
            preds = self.nodes[subject]
            item: dict = {"@id": subject}
            if "rdf:type" in preds:
                item["@type"] = sorted(str(t) for t in preds["rdf:type"])
            for pred in sorted(p for p in preds if p != "rdf:type"):
                item[pred] = [_json(o) for o in sorted(preds[pred], key=_sort_key)]
            graph.append(item)
        return {"@context": dict(sorted(PREFIXES.items())), "@graph": graph}

    def jsonld_text(self) -> str:
        return json.dumps(self.jsonld(), ensure_ascii=False, indent=1) + "\n"


def _sort_key(obj):
    if isinstance(obj, Lit):
        return (1, obj.value, obj.lang or "", obj.datatype or "")
    return (0, str(obj), "", "")


def _iri(value: str) -> str:
    safe = "".join(c if c not in '<>"{}|^`\\ ' else f"%{ord(c):02X}" for c in value)
    return f"<{safe}>"


def _ttl(obj) -> str:
    if isinstance(obj, Curie):
        return str(obj)
    if isinstance(obj, Lit):
        text = (obj.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r").replace("\t", "\\t"))
        if obj.lang:
            return f'"{text}"@{obj.lang}'
        if obj.datatype:
            return f'"{text}"^^{obj.datatype}'
        return f'"{text}"'
    return _iri(obj)


def _json(obj) -> dict:
    if isinstance(obj, Lit):
        out = {"@value": obj.value}
        if obj.lang:
            out["@language"] = obj.lang
        elif obj.datatype:
            out["@type"] = obj.datatype
        return out
    return {"@id": str(obj)}
