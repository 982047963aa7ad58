"""A version folder's manifest (SHA256SUMS) and the check that the folder still matches it and its records."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from publish.files import sha256_file

MANIFEST = "SHA256SUMS"
RELEASE = "release.json"
# Rendered by the portal into each version folder, never part of the release: the version's page (a tombstone
# after withdrawal). Everything derived from the data (XLSX, Fiscal Data Package) is written at release time.
RENDERED = {"index.html"}


def write_manifest(folder: Path) -> str:
    """Write SHA256SUMS for every file of the folder; returns the manifest's own hash (its anchor)."""
    lines = [f"{sha256_file(p)}  {p.name}\n" for p in sorted(folder.iterdir())
             if p.is_file() and p.name != MANIFEST and p.name not in RENDERED]
    (folder / MANIFEST).write_text("".join(lines))
    return sha256_file(folder / MANIFEST)


def read_manifest(folder: Path) -> dict[str, str]:
    listed = {}
    for line in (folder / MANIFEST).read_text().splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    return listed


@dataclass
class Damage:
    """What is wrong with one version folder, as paths relative to `label`."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.extra)

    def first(self) -> str:
        return next(iter(self.changed + self.missing + self.extra), "")


def check_version(folder: Path, label: str, anchor: str | None = None, only: set[str] | None = None) -> Damage:
    """Re-hash a version folder against its manifest, its manifest against `anchor` (the hash the record of
    issued versions keeps) and against the hashes its own release.json and datapackage.json state.
    `only`: re-hash just these files (the manifest and the records are always checked)."""
    damage = Damage()
    manifest = folder / MANIFEST
    if not manifest.is_file():
        damage.missing.append(f"{label}/{MANIFEST}")
        return damage
    if anchor is not None and sha256_file(manifest) != anchor:
        damage.changed.append(f"{label}/{MANIFEST} (differs from the record of issued versions, state/issued.jsonl)")
    listed = read_manifest(folder)
    actual = {}
    for name, digest in listed.items():
        if only is not None and name not in only and name not in (RELEASE, "datapackage.json"):
            continue
        path = folder / name
        damage.checked += 1
        if not path.is_file():
            damage.missing.append(f"{label}/{name}")
            continue
        actual[name] = sha256_file(path)
        if actual[name] != digest:
            damage.changed.append(f"{label}/{name}")
    for path in folder.iterdir():
        if path.name not in listed and path.name != MANIFEST and path.name not in RENDERED:
            damage.extra.append(f"{label}/{path.name}")
    try:
        named = json.loads((folder / RELEASE).read_text()).get("version")
    except (OSError, ValueError):
        named = None
    if named is not None and named != folder.name:
        damage.changed.append(f"{label}/{RELEASE} (names version {named})")
    for name, digest in _recorded(folder):
        if name in actual and actual[name] != digest and f"{label}/{name}" not in damage.changed:
            damage.changed.append(f"{label}/{name} (differs from its hash in {RELEASE}/datapackage.json)")
    return damage


def _recorded(folder: Path) -> list[tuple[str, str]]:
    """(file, sha256) pairs the version's own records state."""
    out = []
    try:
        entry = json.loads((folder / RELEASE).read_text())
        out.append(("data.csv", entry["content_sha256"]))
        package = json.loads((folder / "datapackage.json").read_text())
    except (OSError, ValueError, KeyError):
        return out  # a missing or unreadable record is already reported as missing or changed
    for item in package.get("resources", []) + package.get("terbuka:files", []):
        if isinstance(item.get("hash"), str) and item["hash"].startswith("sha256:"):
            out.append((item["path"], item["hash"].removeprefix("sha256:")))
    return out
