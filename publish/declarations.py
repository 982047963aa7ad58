"""Dataset declarations: schemas/<dataset>/ holds datapackage.json, source.json and expectations.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import frictionless
import jsonschema

if TYPE_CHECKING:  # for annotations only: the workspace imports this module
    from publish.workspace import Workspace

# What Terbuka understands is part of its code, not of a workspace: the meta-schemas are the repository's.
META_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
DESCRIPTOR = "datapackage.json"
SOURCE = "source.json"
EXPECTATIONS = "expectations.json"


class DeclarationError(Exception):
    """A declaration is missing or malformed; the message names the file and the field, in both languages."""


class UnknownDataset(DeclarationError):
    """A command named a dataset that is not declared."""


@dataclass(frozen=True)
class Declaration:
    """One dataset as declared: its descriptor, source mapping and business-rule suite."""

    id: str
    folder: Path
    descriptor: dict
    source: dict = field(default_factory=dict)
    expectations: list = field(default_factory=list)

    @property
    def resource(self) -> dict:
        return self.descriptor["resources"][0]

    @property
    def schema(self) -> dict:
        return self.resource["schema"]

    @property
    def fields(self) -> list[dict]:
        return self.schema["fields"]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        key = self.schema.get("primaryKey") or []
        return [key] if isinstance(key, str) else list(key)

    @property
    def foreign_keys(self) -> list[dict]:
        return list(self.schema.get("foreignKeys") or [])

    @property
    def depends_on(self) -> list[str]:
        """Other datasets this one refers to through foreign keys."""
        names = {fk["reference"].get("resource") for fk in self.foreign_keys}
        return sorted(n for n in names if n and n != self.id)

    @property
    def partition(self) -> str | None:
        """The column that splits the dataset by fiscal year, if any."""
        return self.descriptor.get("terbuka:partition")

    @property
    def title(self) -> dict:
        return {"id": self.descriptor.get("title", self.id),
                "en": self.descriptor.get("terbuka:title_en") or self.descriptor.get("title", self.id)}

    @property
    def description(self) -> dict:
        return {"id": self.descriptor.get("description", ""),
                "en": self.descriptor.get("terbuka:description_en") or self.descriptor.get("description", "")}

    @property
    def topic(self) -> str:
        return self.descriptor.get("terbuka:topic", "lainnya")

    @cached_property
    def schema_fingerprint(self) -> str:
        """What must stay equal for a release to be schema-compatible (names, types, key)."""
        parts = [f"{f['name']}:{f.get('type', 'any')}" for f in self.fields]
        return "|".join(parts) + "#" + ",".join(self.primary_key)

    def field(self, name: str) -> dict:
        for f in self.fields:
            if f["name"] == name:
                return f
        raise KeyError(name)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DeclarationError(f"{_where(path)}: berkas tidak ada / file is missing") from None
    except json.JSONDecodeError as exc:
        raise DeclarationError(f"{_where(path)}: bukan JSON yang sah / not valid JSON (baris / line {exc.lineno}, "
                               f"kolom / column {exc.colno}: {exc.msg})") from None


def _where(path: Path) -> str:
    return f"schemas/{path.parent.name}/{path.name}"


def _pointer(parts) -> str:
    """A JSON location as an officer can find it: resources[0].schema.fields[3].type."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def _field_name(doc: dict, parts: list) -> str:
    """'(field kode_rekening)' when the location is inside a declared field."""
    if len(parts) >= 5 and parts[:4] == ["resources", 0, "schema", "fields"] and isinstance(parts[4], int):
        try:
            return f" (field {doc['resources'][0]['schema']['fields'][parts[4]]['name']})"
        except (KeyError, IndexError, TypeError):
            return ""
    return ""


def _meta_schema(name: str) -> dict:
    return json.loads((META_SCHEMAS / name).read_text(encoding="utf-8"))


def _check_against(path: Path, doc: dict, schema_name: str) -> None:
    errors = sorted(jsonschema.Draft202012Validator(_meta_schema(schema_name)).iter_errors(doc),
                    key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        parts = list(first.absolute_path)
        more = f" (+{len(errors) - 1} lagi / more)" if len(errors) > 1 else ""
        raise DeclarationError(f"{_where(path)}: {_pointer(parts)}{_field_name(doc, parts)}: tidak sesuai "
                               f"{schema_name} / does not match it: {first.message}{more}")


def _check_with_frictionless(path: Path, descriptor: dict) -> None:
    """frictionless's own descriptor check of the Table Schema (references into other datasets are ours)."""
    schema = dict(descriptor["resources"][0]["schema"])
    schema["foreignKeys"] = [fk for fk in schema.get("foreignKeys", []) if not fk["reference"].get("resource")]
    report = frictionless.Schema.validate_descriptor(schema)
    if not report.valid:
        note = "; ".join(note for _, note in report.flatten(["type", "note"]))
        raise DeclarationError(f"{_where(path)}: resources[0].schema: frictionless menolak / rejects it: {note}")


def load_declaration(folder: Path) -> Declaration:
    """Read one dataset folder and check each file against its meta-schema and frictionless."""
    descriptor = _read_json(folder / DESCRIPTOR)
    _check_against(folder / DESCRIPTOR, descriptor, "datapackage.schema.json")
    _check_with_frictionless(folder / DESCRIPTOR, descriptor)
    source, suite = {}, {}
    if (folder / SOURCE).exists():
        source = _read_json(folder / SOURCE)
        _check_against(folder / SOURCE, source, "source.schema.json")
    if (folder / EXPECTATIONS).exists():
        suite = _read_json(folder / EXPECTATIONS)
        _check_against(folder / EXPECTATIONS, suite, "expectations.schema.json")
    declaration = Declaration(id=folder.name, folder=folder, descriptor=descriptor, source=source,
                              expectations=list(suite.get("expectations", [])))
    _check_names(declaration)
    return declaration


def _check_names(d: Declaration) -> None:
    """Keys, aliases, replaced columns and the partition name declared fields."""
    names = set(d.field_names)
    named = [("resources[0].schema.primaryKey", d.primary_key, DESCRIPTOR),
             ("headerAliases", list(d.source.get("headerAliases", {})), SOURCE),
             ("replaces", d.source.get("replaces", []), SOURCE),
             ("terbuka:partition", [d.partition] if d.partition else [], DESCRIPTOR)]
    named += [(f"resources[0].schema.foreignKeys[{i}].fields", fk["fields"], DESCRIPTOR)
              for i, fk in enumerate(d.foreign_keys)]
    for where, fields, file in named:
        unknown = [f for f in fields if f not in names]
        if unknown:
            raise DeclarationError(f"schemas/{d.id}/{file}: {where}: kolom tidak dideklarasikan / names undeclared "
                                   f"field(s) {', '.join(unknown)} (declared: {', '.join(d.field_names)})")


def _check_references(found: dict[str, Declaration]) -> None:
    for d in found.values():
        for i, fk in enumerate(d.foreign_keys):
            target = fk["reference"].get("resource") or d.id
            where = f"schemas/{d.id}/{DESCRIPTOR}: resources[0].schema.foreignKeys[{i}]"
            if target not in found:
                raise DeclarationError(f"{where}: merujuk dataset yang tidak dideklarasikan / refers to undeclared "
                                       f"dataset '{target}' (declared: {', '.join(found)})")
            missing = [f for f in fk["reference"].get("fields", []) if f not in found[target].field_names]
            if missing:
                raise DeclarationError(f"{where}: {target} tidak punya kolom / has no field {', '.join(missing)}")


def read_declarations(schemas: Path) -> list[Declaration]:
    """Every declaration under a schemas/ folder, checked, referenced datasets first."""
    if not schemas.is_dir():
        return []
    found = {p.name: load_declaration(p) for p in sorted(schemas.iterdir()) if (p / DESCRIPTOR).is_file()}
    _check_references(found)
    ordered: list[Declaration] = []
    seen: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in seen or name not in found:
            return
        if name in path:
            return  # a reference cycle: keep declaration order for the rest
        for dep in found[name].depends_on:
            visit(dep, path + (name,))
        seen.add(name)
        ordered.append(found[name])

    for name in found:
        visit(name, ())
    return ordered


def load_all(workspace: "Workspace") -> list[Declaration]:
    """Every declaration in the workspace, referenced datasets first (read once per Workspace)."""
    return list(workspace.declarations.values())


def dataset_ids(workspace: "Workspace") -> list[str]:
    """Declared datasets, in dependency order (a dataset after those it refers to)."""
    return list(workspace.declarations)


def get_declaration(workspace: "Workspace", dataset: str) -> Declaration:
    return workspace.declaration(dataset)
