"""Dataset declarations: schemas/<dataset>/ holds datapackage.json, source.json and expectations.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from publish.workspace import Workspace

DESCRIPTOR = "datapackage.json"
SOURCE = "source.json"
EXPECTATIONS = "expectations.json"


class DeclarationError(Exception):
    """A declaration is missing or malformed; the message names the file and the problem."""


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
        raise DeclarationError(f"{path.parent.name}: {path.name} is missing") from None
    except json.JSONDecodeError as exc:
        raise DeclarationError(f"{path.parent.name}/{path.name} is not valid JSON: {exc}") from None


def load_declaration(folder: Path) -> Declaration:
    """Read one dataset folder."""
    descriptor = _read_json(folder / DESCRIPTOR)
    source = _read_json(folder / SOURCE) if (folder / SOURCE).exists() else {}
    suite = _read_json(folder / EXPECTATIONS) if (folder / EXPECTATIONS).exists() else {}
    resources = descriptor.get("resources") or []
    if len(resources) != 1 or "schema" not in resources[0]:
        raise DeclarationError(f"{folder.name}/{DESCRIPTOR} must hold exactly one resource with a schema")
    return Declaration(id=folder.name, folder=folder, descriptor=descriptor, source=source,
                       expectations=list(suite.get("expectations", [])))


def dataset_ids(workspace: Workspace) -> list[str]:
    """Declared datasets, in dependency order (a dataset after those it refers to)."""
    return [d.id for d in load_all(workspace)]


def load_all(workspace: Workspace) -> list[Declaration]:
    """Every declaration in the workspace, referenced datasets first."""
    if not workspace.schemas.is_dir():
        return []
    found = {p.name: load_declaration(p) for p in sorted(workspace.schemas.iterdir())
             if (p / DESCRIPTOR).is_file()}
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


def get_declaration(workspace: Workspace, dataset: str) -> Declaration:
    folder = workspace.schemas / dataset
    if not (folder / DESCRIPTOR).is_file():
        known = ", ".join(dataset_ids(workspace)) or "none"
        raise DeclarationError(f"no dataset called '{dataset}' is declared (known: {known})")
    return load_declaration(folder)
