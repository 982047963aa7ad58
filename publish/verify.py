"""Re-hash every published file against its release manifest; check every record against the others.

A tree is any folder laid out as `datasets/<dataset>/<version>/`: the release store, the preview, site/.
What is checked, beyond each file against SHA256SUMS:
- a version's own records: release.json's content hash names data.csv, datapackage.json's hashes name the
  data files it lists, and release.json names its own folder;
- in the store, each version's SHA256SUMS against the record of issued versions (state/issued.jsonl), so a
  rewritten file with a re-hashed manifest is caught, and every issued number still has its folder;
- each dataset's releases.json against the version folders (every field) and withdrawn.json, so a
  deleted, forged or edited version, or a lost withdrawal, is caught; `latest` is the newest live version;
- in site/, every version must be byte-identical to the store's, and every version ever promoted
  (state/promoted.json) must still be there;
- leftovers of killed runs in site/ and the preview, and the ledger's readability.
Consistent states a killed publish leaves (a version not yet in releases.json) are reported as stale, not
as errors: the next publish or build repairs them."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from publish.declarations import dataset_ids
from publish.files import sha256_file, write_json_atomic
from publish.issued import read_issued
from publish.ledger import ledger_problems
from publish.manifest import MANIFEST, check_version
from publish.promote import leftovers, promoted
from publish.releases import (INDEX, LATEST, dataset_dir, is_version, latest_release, list_releases,
                              parse_version, withdrawals)
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

    @property
    def problems(self) -> list[str]:
        return ([f"missing: {m}" for m in self.missing] + [f"changed: {c}" for c in self.changed]
                + [f"extra: {e}" for e in self.extra] + [f"broken: {b}" for b in self.broken])

    def merge(self, other: "Verification") -> "Verification":
        for name in ("missing", "changed", "extra", "broken", "stale"):
            getattr(self, name).extend(getattr(other, name))
        self.checked += other.checked
        return self


def verify_site(workspace: Workspace, tree: Path | None = None) -> Verification:
    """Every version folder in `tree` (default site/) matches its records, each dataset's releases.json
    matches its folders, and each `latest` is the newest live release."""
    tree = tree or workspace.site
    result = Verification()
    root = tree / "datasets"
    store = tree == workspace.releases
    label = "" if tree == workspace.site else f"{tree.relative_to(workspace.root)}/"
    anchors = read_issued(workspace).versions if store else {}
    names = sorted(set(dataset_ids(workspace)) | ({p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()))
    for dataset in names:
        folder = dataset_dir(workspace, dataset, tree)
        if not folder.is_dir():
            continue
        for version in sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and is_version(p.name)):
            anchor = anchors.get((dataset, version.name), {}).get("manifest_sha256")
            damage = check_version(version, f"{label}datasets/{dataset}/{version.name}", anchor)
            result.checked += damage.checked
            result.missing += damage.missing
            result.changed += damage.changed
            result.extra += damage.extra
        _verify_index(workspace, dataset, tree, f"{label}datasets/{dataset}", result)
        _verify_latest(workspace, dataset, tree, f"{label}datasets/{dataset}/{LATEST}", result)
    if not store:
        result.extra += [f"{label}{path.relative_to(tree).as_posix()} (left by a killed build or promotion; "
                         "the next build or promotion removes it)" for path in leftovers(tree)]
    return result


VERDICT = "verify.json"  # under state/: when verify last ran and what it found, for `terbuka status`


def record_verdict(workspace: Workspace, result: "Verification") -> None:
    at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    write_json_atomic(workspace.state / VERDICT, {"at": at, "ok": result.ok, "problems": len(result.problems),
                                                  "checked": result.checked, "first": result.problems[:5]})


def last_verdict(workspace: Workspace) -> dict | None:
    try:
        return json.loads((workspace.state / VERDICT).read_text())
    except (OSError, ValueError):
        return None


def verify_all(workspace: Workspace) -> Verification:
    """The release store (the source), site/ (what the public downloads), site/ against the store, the
    records of issued and promoted versions, and the ledger."""
    result = verify_site(workspace, workspace.releases).merge(verify_site(workspace))
    _verify_issued(workspace, result)
    _verify_promoted(workspace, result)
    result.changed += ledger_problems(workspace)
    legacy = workspace.inbox / ".publishing"
    if legacy.is_dir() and any(legacy.rglob("*")):
        result.extra.append("inbox/.publishing/ (left by an older `terbuka publish`; the next publish removes it)")
    return result


def _verify_issued(workspace: Workspace, result: Verification) -> None:
    """Every number issued still has its folder in the store; every stored version has its record."""
    issued = read_issued(workspace)
    result.changed += [f"state/issued.jsonl line {n} (unreadable)" for n in issued.damaged]
    for dataset in sorted({d for d, _ in issued.versions} | set(dataset_ids(workspace))):
        folder = dataset_dir(workspace, dataset)
        recorded = issued.of(dataset)
        for version in sorted(recorded, key=parse_version):
            if not (folder / version).is_dir():
                result.missing.append(f"state/releases/datasets/{dataset}/{version}/ (issued, now gone)")
        for entry in list_releases(workspace, dataset):
            if entry["version"] not in recorded:
                result.stale.append(f"state/releases/datasets/{dataset}/{entry['version']}/ not yet in "
                                    "state/issued.jsonl (an interrupted publish; the next one records it)")


def _verify_index(workspace: Workspace, dataset: str, tree: Path, rel: str, result: Verification) -> None:
    """releases.json, the version folders and withdrawn.json tell the same story, field by field."""
    path = dataset_dir(workspace, dataset, tree) / INDEX
    if not path.is_file():
        return  # a dataset whose first publish was killed before its index: recover writes it
    try:
        index = json.loads(path.read_text())
        indexed = {e["version"]: e for e in index["releases"]}
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
        differs = sorted(k for k in set(indexed[version]) | set(found[version])
                         if k != "withdrawn" and indexed[version].get(k) != found[version].get(k))
        if differs:
            result.changed.append(f"{rel}/{INDEX} ({version}: {', '.join(differs)} differ from its release.json)")
    live = [v for v, e in sorted(indexed.items(), key=lambda i: parse_version(i[0])) if not e.get("withdrawn")]
    if index.get("latest") != (live[-1] if live else None):
        result.changed.append(f"{rel}/{INDEX} (latest says {index.get('latest')}, its newest live version is "
                              f"{live[-1] if live else 'none'})")


def _verify_promoted(workspace: Workspace, result: Verification) -> None:
    """site/ holds byte-for-byte the store's versions, and every version ever promoted is still there."""
    try:
        record = promoted(workspace)
    except ValueError:
        result.changed.append("state/promoted.json (unreadable)")
        record = {}
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
                elif theirs.is_file() and sha256_file(theirs) != sha256_file(ours):
                    result.changed.append(f"datasets/{dataset}/{folder.name}/{MANIFEST} (differs from the release store)")
        public = withdrawals(workspace, dataset, workspace.site)
        for entry in list_releases(workspace, dataset):
            if not (site / entry["version"]).is_dir() and entry["version"] not in record.get(dataset, []):
                result.stale.append(f"datasets/{dataset}/{entry['version']}/ published, not yet promoted to site/")
            elif entry.get("withdrawn") and entry["version"] not in public and (site / entry["version"]).is_dir():
                result.stale.append(f"datasets/{dataset}/{entry['version']}/ withdrawn, not yet promoted: "
                                    "site/ still offers it")


def _verify_latest(workspace: Workspace, dataset: str, tree: Path, rel: str, result: Verification) -> None:
    """`latest` points at the newest live version. Right after a killed publish it may still point at the
    version releases.json names as latest while a newer folder waits to be listed: stale, not wrong."""
    folder = dataset_dir(workspace, dataset, tree)
    live = latest_release(workspace, dataset, tree)
    link = folder / LATEST
    if not live:
        if link.is_symlink():
            result.broken.append(f"{rel} (points at {os.readlink(link)}, but no version is live)")
        return
    target = os.readlink(link) if link.is_symlink() else None
    if target == live["version"]:
        return
    try:
        listed = json.loads((folder / INDEX).read_text()).get("latest")
        indexed = {e["version"] for e in json.loads((folder / INDEX).read_text())["releases"]}
    except (OSError, ValueError, KeyError, TypeError):
        listed, indexed = None, set()
    if target == listed and live["version"] not in indexed:  # a publish stopped before its index and link
        result.stale.append(f"{rel} -> {target} (newest is {live['version']}, not yet listed)")
        return
    gone = withdrawals(workspace, dataset, tree)
    if target is None or not is_version(target) or not (folder / target / MANIFEST).is_file() or target in gone:
        result.broken.append(rel)
    else:
        result.broken.append(f"{rel} -> {target} (the newest live version is {live['version']}; "
                             "`terbuka build-site` repairs it)")
