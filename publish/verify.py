"""Re-hash every published file against its release manifest; report missing, changed and extra files.

A tree is any folder laid out as `datasets/<dataset>/<version>/`: the release store, the preview, site/.
What is checked, beyond each file against SHA256SUMS:
- a version's own records: release.json's content hash names data.csv, datapackage.json's hashes name the
  data files it lists, and release.json names its own folder;
- each dataset's releases.json against the version folders and withdrawn.json, so a deleted or forged
  version folder, or a lost withdrawal, is caught;
- in site/, every version must be byte-identical to the store's (their manifests are compared), and every
  version ever promoted (state/promoted.json) must still be there.
Consistent states a killed publish can leave (a version not yet in releases.json, `latest` one behind) are
reported as stale, not as errors: the next publish or build repairs them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from publish.declarations import dataset_ids
from publish.files import sha256_file
from publish.releases import (INDEX, LATEST, MANIFEST, RELEASE, RENDERED, dataset_dir, is_version,
                              latest_release, list_releases, parse_version, withdrawals)
from publish.workspace import Workspace


@dataclass
class Verification:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # consistent but behind: repaired by the next publish or build

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
        _verify_index(workspace, dataset, tree, f"{label}datasets/{dataset}", result)
        _verify_latest(workspace, dataset, tree, f"{label}datasets/{dataset}/{LATEST}", result)
    return result


def verify_all(workspace: Workspace) -> Verification:
    """The release store (the source) and site/ (what the public downloads), and site/ against the store."""
    result = verify_site(workspace, workspace.releases).merge(verify_site(workspace))
    _verify_promoted(workspace, result)
    return result


def _verify_index(workspace: Workspace, dataset: str, tree: Path, rel: str, result: Verification) -> None:
    """releases.json, the version folders and withdrawn.json tell the same story."""
    path = dataset_dir(workspace, dataset, tree) / INDEX
    if not path.is_file():
        return  # a dataset whose first publish was killed before its index: recover writes it
    try:
        indexed = {e["version"]: e for e in json.loads(path.read_text())["releases"]}
    except (ValueError, KeyError, TypeError):
        result.changed.append(f"{rel}/{INDEX} (unreadable)")
        return
    found = {e["version"]: e for e in list_releases(workspace, dataset, tree)}
    newest = max((parse_version(v) for v in indexed), default=(0, 0, 0))
    for version in sorted(set(indexed) - set(found), key=parse_version):
        result.missing.append(f"{rel}/{version}/ (listed in {INDEX})")
    for version in sorted(set(found) - set(indexed), key=parse_version):
        if parse_version(version) > newest:
            result.stale.append(f"{rel}/{version}/ not yet in {INDEX}")
        else:
            result.extra.append(f"{rel}/{version}/ (not in {INDEX})")
    for version in sorted(set(found) & set(indexed), key=parse_version):
        was, now = indexed[version].get("withdrawn"), found[version].get("withdrawn")
        if was and not now:
            result.changed.append(f"{rel}/withdrawn.json (lost the withdrawal of {version})")
        elif now and not was:
            result.stale.append(f"{rel}/{INDEX} does not show {version} withdrawn yet")


def _verify_promoted(workspace: Workspace, result: Verification) -> None:
    """site/ holds byte-for-byte the store's versions, and every version ever promoted is still there."""
    from publish.promote import promoted

    record = promoted(workspace)
    for dataset in sorted(set(record) | set(dataset_ids(workspace))):
        store, site = dataset_dir(workspace, dataset), dataset_dir(workspace, dataset, workspace.site)
        for version in record.get(dataset, []):
            if not (site / version).is_dir():
                result.missing.append(f"datasets/{dataset}/{version}/ (promoted, now gone)")
        if site.is_dir():
            for folder in sorted(p for p in site.iterdir() if p.is_dir() and not p.is_symlink() and is_version(p.name)):
                ours = store / folder.name / MANIFEST
                theirs = folder / MANIFEST
                if not ours.is_file():
                    result.extra.append(f"datasets/{dataset}/{folder.name}/ (not in the release store)")
                elif theirs.is_file() and theirs.read_bytes() != ours.read_bytes():
                    result.changed.append(f"datasets/{dataset}/{folder.name}/{MANIFEST} (differs from the release store)")
        public = withdrawals(workspace, dataset, workspace.site)
        for entry in list_releases(workspace, dataset):
            if not (site / entry["version"]).is_dir() and entry["version"] not in record.get(dataset, []):
                result.stale.append(f"datasets/{dataset}/{entry['version']}/ published, not yet promoted to site/")
            elif entry.get("withdrawn") and entry["version"] not in public and (site / entry["version"]).is_dir():
                result.stale.append(f"datasets/{dataset}/{entry['version']}/ withdrawn, not yet promoted: "
                                    "site/ still offers it")


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
    try:
        named = json.loads((version / RELEASE).read_text()).get("version")
    except (OSError, ValueError):
        named = None
    if named is not None and named != version.name:
        result.changed.append(f"{rel}/{RELEASE} (names version {named})")
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
