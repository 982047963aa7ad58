"""Re-hash every published file against its release manifest; report missing, changed and extra files.

A tree is any folder laid out as `datasets/<dataset>/<version>/`: the release store, the preview, site/.
Besides SHA256SUMS, each version's own records must agree with its files: release.json's content hash
names data.csv, and datapackage.json's hashes and sizes name every file it lists, so a manifest rewritten
to match a tampered file is still caught."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from publish.declarations import dataset_ids
from publish.files import sha256_file
from publish.releases import (LATEST, MANIFEST, RELEASE, RENDERED, dataset_dir, is_version, latest_release,
                              withdrawals)
from publish.workspace import Workspace


@dataclass
class Verification:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # latest still on an older live version: consistent, repaired by the next publish

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.extra or self.broken)

    def merge(self, other: "Verification") -> "Verification":
        for name in ("missing", "changed", "extra", "broken", "stale"):
            getattr(self, name).extend(getattr(other, name))
        self.checked += other.checked
        return self


def verify_site(workspace: Workspace, tree: Path | None = None) -> Verification:
    """Every version folder in `tree` (default site/) matches its records, and each `latest` resolves to
    the newest live release."""
    tree = tree or workspace.site
    result = Verification()
    root = tree / "datasets"
    label = "" if tree == workspace.site else f"{tree.relative_to(workspace.root)}/"
    names = sorted(set(dataset_ids(workspace)) | ({p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()))
    for dataset in names:
        folder = dataset_dir(workspace, dataset, tree)
        if not folder.is_dir():
            continue
        for version in sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and is_version(p.name)):
            _verify_version(version, f"{label}datasets/{dataset}/{version.name}", result)
        _verify_latest(workspace, dataset, tree, f"{label}datasets/{dataset}/{LATEST}", result)
    return result


def verify_all(workspace: Workspace) -> Verification:
    """The release store (the source) and site/ (what the public downloads)."""
    return verify_site(workspace, workspace.releases).merge(verify_site(workspace))


def _verify_version(version: Path, rel: str, result: Verification) -> None:
    manifest = version / MANIFEST
    if not manifest.is_file():
        result.missing.append(f"{rel}/{MANIFEST}")
        return
    listed = {}
    for line in manifest.read_text().splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    actual = {}
    for name, digest in listed.items():
        path = version / name
        result.checked += 1
        if not path.is_file():
            result.missing.append(f"{rel}/{name}")
            continue
        actual[name] = sha256_file(path)
        if actual[name] != digest:
            result.changed.append(f"{rel}/{name}")
    for path in version.iterdir():
        if path.name not in listed and path.name != MANIFEST and path.name not in RENDERED:
            result.extra.append(f"{rel}/{path.name}")
    for name, digest in _recorded(version):
        if name in actual and actual[name] != digest and f"{rel}/{name}" not in result.changed:
            result.changed.append(f"{rel}/{name} (differs from its hash in {RELEASE}/datapackage.json)")


def _recorded(version: Path) -> list[tuple[str, str]]:
    """(file, sha256) pairs the version's own records state."""
    out = []
    try:
        entry = json.loads((version / RELEASE).read_text())
        out.append(("data.csv", entry["content_sha256"]))
        package = json.loads((version / "datapackage.json").read_text())
    except (OSError, ValueError, KeyError):
        return out  # a missing or unreadable record is already reported as missing or changed
    for item in package.get("resources", []) + package.get("terbuka:files", []):
        if isinstance(item.get("hash"), str) and item["hash"].startswith("sha256:"):
            out.append((item["path"], item["hash"].removeprefix("sha256:")))
    return out


def _verify_latest(workspace: Workspace, dataset: str, tree: Path, rel: str, result: Verification) -> None:
    folder = dataset_dir(workspace, dataset, tree)
    live = latest_release(workspace, dataset, tree)
    link = folder / LATEST
    if not live:
        return
    target = os.readlink(link) if link.is_symlink() else None
    gone = withdrawals(workspace, dataset, tree)
    if target is None or not is_version(target) or not (folder / target / MANIFEST).is_file() or target in gone:
        result.broken.append(rel)
    elif target != live["version"]:
        # A publish killed between moving its version into place and swapping the link.
        result.stale.append(f"{rel} -> {target} (newest is {live['version']})")
