"""Re-hash every published file against its release manifest; report missing, changed and extra files."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from publish.declarations import dataset_ids
from publish.files import sha256_file
from publish.releases import LATEST, MANIFEST, RENDERED, dataset_dir, is_version, latest_release, withdrawals
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


def verify_site(workspace: Workspace) -> Verification:
    """Every version folder matches its SHA256SUMS, and each `latest` resolves to the newest live release."""
    result = Verification()
    root = workspace.site / "datasets"
    names = sorted(set(dataset_ids(workspace)) | ({p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()))
    for dataset in names:
        folder = dataset_dir(workspace, dataset)
        if not folder.is_dir():
            continue
        for version in sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and is_version(p.name)):
            rel = f"datasets/{dataset}/{version.name}"
            manifest = version / MANIFEST
            if not manifest.is_file():
                result.missing.append(f"{rel}/{MANIFEST}")
                continue
            listed = {}
            for line in manifest.read_text().splitlines():
                digest, _, name = line.partition("  ")
                listed[name] = digest
            for name, digest in listed.items():
                path = version / name
                result.checked += 1
                if not path.is_file():
                    result.missing.append(f"{rel}/{name}")
                elif sha256_file(path) != digest:
                    result.changed.append(f"{rel}/{name}")
            for path in version.iterdir():
                if path.name not in listed and path.name != MANIFEST and path.name not in RENDERED:
                    result.extra.append(f"{rel}/{path.name}")
        live = latest_release(workspace, dataset)
        link = folder / LATEST
        if live:
            target = os.readlink(link) if link.is_symlink() else None
            gone = withdrawals(workspace, dataset)
            if target is None or not is_version(target) or not (folder / target / MANIFEST).is_file() or target in gone:
                result.broken.append(f"datasets/{dataset}/{LATEST}")
            elif target != live["version"]:
                # A publish killed between moving its version into place and swapping the link.
                result.stale.append(f"datasets/{dataset}/{LATEST} -> {target} (newest is {live['version']})")
    return result
