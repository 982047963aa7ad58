"""The release store: immutable versions under state/releases/datasets/<dataset>/<version>/, each staged
and moved into place in one rename, built only on a previous version that still matches its manifest."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from publish import merge, writers
from publish.declarations import Declaration
from publish.diff import (changes_csv, diff_tables, metadata_changes, read_descriptor, schema_changes, totals,
                          totals_csv)
from publish.files import fsync_dir, point_symlink, sha256_bytes, sha256_file, write_if_changed, write_json_atomic
from publish.guard import Removal, find_removals
from publish.issued import read_issued, record_issued
from publish.manifest import MANIFEST, RELEASE, RENDERED, check_version, write_manifest
from publish.progress import step
from publish.workspace import REPO_ROOT, Workspace
from publish.worktable import WorkTable, literal, quoted

WRITE_STEPS = 4  # data.csv; the other data files; the diff; the manifest (progress is told in these steps)
INDEX = "releases.json"
WITHDRAWN = "withdrawn.json"
LATEST = "latest"


class StoreDamaged(Exception):
    """A version the next one would be built on no longer matches its manifest: nothing is published."""


class ReleaseHeld(Exception):
    """The change guard holds the release until an officer confirms it."""

    def __init__(self, removal: Removal):
        super().__init__(f"{removal.dataset}: held by the change guard")
        self.removal = removal


@dataclass
class ReleaseResult:
    dataset: str
    version: str
    unchanged: bool
    change: str
    path: Path
    entry: dict  # the version's release.json


def dataset_dir(workspace: Workspace, dataset: str, tree: Path | None = None) -> Path:
    """A dataset's folder in the release store, or in another tree laid out like it (the preview, site/)."""
    return (tree or workspace.releases) / "datasets" / dataset


def parse_version(text: str) -> tuple[int, int, int]:
    major, minor, patch = (int(p) for p in text.split("."))
    return major, minor, patch


def is_version(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 3 and all(p.isdigit() for p in parts)


def next_version(highest: str | None, change: str) -> str:
    """The version after the highest one ever written, withdrawn ones included: a number is never reused."""
    if highest is None:
        return "1.0.0"
    major, minor, patch = parse_version(highest)
    if change == "major":
        return f"{major + 1}.0.0"
    if change == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def withdrawals(workspace: Workspace, dataset: str, tree: Path | None = None) -> dict:
    path = dataset_dir(workspace, dataset, tree) / WITHDRAWN
    return json.loads(path.read_text()) if path.exists() else {}


def list_releases(workspace: Workspace, dataset: str, tree: Path | None = None) -> list[dict]:
    """Every release, oldest first, read from the immutable release.json files (the source of truth)."""
    root = dataset_dir(workspace, dataset, tree)
    if not root.is_dir():
        return []
    gone = withdrawals(workspace, dataset, tree)
    out = []
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink() and is_version(child.name) and (child / RELEASE).is_file():
            entry = json.loads((child / RELEASE).read_text())
            entry["withdrawn"] = gone.get(child.name)
            out.append(entry)
    return sorted(out, key=lambda e: parse_version(e["version"]))


def latest_release(workspace: Workspace, dataset: str, tree: Path | None = None) -> dict | None:
    live = [r for r in list_releases(workspace, dataset, tree) if not r.get("withdrawn")]
    return live[-1] if live else None


def release_table(workspace: Workspace, dataset: str, version: str | None = None,
                  columns: list[str] | None = None) -> pa.Table | None:
    """The data of a release (the latest live one by default), after checking its Parquet file against the
    version's manifest: nothing is ever built on damaged data."""
    if version is None:
        entry = latest_release(workspace, dataset)
        if entry is None:
            return None
        version = entry["version"]
    folder = dataset_dir(workspace, dataset) / version
    ensure_intact(workspace, dataset, version, only={"data.parquet"})
    return pq.read_table(folder / "data.parquet", columns=columns)


def ensure_intact(workspace: Workspace, dataset: str, version: str, only: set[str] | None = None) -> None:
    """Raise StoreDamaged when a stored version differs from its manifest or from the record of issued
    versions (`only`: re-hash just those files; the manifest and records are always checked)."""
    anchor = read_issued(workspace).versions.get((dataset, version), {}).get("manifest_sha256")
    label = f"state/releases/datasets/{dataset}/{version}"
    damage = check_version(dataset_dir(workspace, dataset) / version, label, anchor, only)
    if not damage.ok:
        raise StoreDamaged(
            f"penyimpanan rilis rusak / the release store is damaged: {damage.first()}. Tidak ada yang "
            f"diterbitkan / nothing was published. Pulihkan berkas itu dari site/datasets/{dataset}/{version}/ "
            "atau cadangan, lalu jalankan / restore that file from site/ or a backup, then run `terbuka verify`.")


def highest_version(workspace: Workspace, dataset: str) -> str | None:
    """The highest number ever issued for a dataset: in the store, the record of issued versions, site/
    and the record of promotions. A number is never issued twice, whatever was deleted since."""
    seen = {r["version"] for r in list_releases(workspace, dataset)}
    seen |= set(read_issued(workspace).of(dataset))
    site = dataset_dir(workspace, dataset, workspace.site)
    if site.is_dir():
        seen |= {p.name for p in site.iterdir() if p.is_dir() and is_version(p.name)}
    if workspace.promoted.is_file():
        try:
            seen |= set(json.loads(workspace.promoted.read_text()).get(dataset, []))
        except ValueError:
            pass  # verify reports an unreadable record; the other sources still count
    return max(seen, key=parse_version) if seen else None


def refresh_index(workspace: Workspace, dataset: str) -> None:
    """Rebuild releases.json and the `latest` link from the version folders (also repairs after a crash)."""
    root = dataset_dir(workspace, dataset)
    releases = list_releases(workspace, dataset)
    live = [r for r in releases if not r.get("withdrawn")]
    index = {"dataset": dataset, "latest": live[-1]["version"] if live else None, "releases": releases}
    link = root / LATEST  # the link first: a kill in between leaves releases.json behind, never ahead of it
    if live:
        if not (link.is_symlink() and os.readlink(link) == live[-1]["version"]):
            point_symlink(link, live[-1]["version"])
    elif link.is_symlink():
        link.unlink()
    write_if_changed(root / INDEX, writers.dumps(index))  # an unchanged rebuild must write nothing


def recover(workspace: Workspace, dataset: str) -> None:
    """Clear what a killed publish left behind (run under the dataset's lock): half-built staging folders
    never became a version; a version moved into place before its number was recorded is recorded now."""
    root = dataset_dir(workspace, dataset)
    if root.is_dir():
        for child in root.iterdir():
            if child.name.startswith(".staging-"):
                shutil.rmtree(child, ignore_errors=True)
            elif child.name.startswith(".") and child.name.endswith(".tmp"):
                child.unlink(missing_ok=True)
        issued = read_issued(workspace).of(dataset)
        for entry in list_releases(workspace, dataset):
            if entry["version"] not in issued and (root / entry["version"] / MANIFEST).is_file():
                record_issued(workspace, dataset, entry["version"], sha256_file(root / entry["version"] / MANIFEST),
                              entry["content_sha256"], recovered=True)
        refresh_index(workspace, dataset)


def code_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        text = version("terbuka")
    except PackageNotFoundError:
        text = "0+unknown"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{text}+g{commit}" if commit else text


def _metadata_hash(declaration: Declaration) -> str:
    descriptor = {k: v for k, v in declaration.descriptor.items() if k != "resources"}
    resource = {k: v for k, v in declaration.resource.items() if k != "schema"}
    fields = [{k: v for k, v in f.items() if k not in ("name", "type")} for f in declaration.fields]
    return sha256_bytes(json.dumps([descriptor, resource, fields], sort_keys=True, ensure_ascii=False).encode())


def classify(previous: dict | None, content: str, schema: str, metadata: str) -> str | None:
    """major: schema changed; minor: data changed; patch: only metadata; None: nothing changed."""
    if previous is None:
        return "initial"
    if previous["schema_fingerprint"] != schema:
        return "major"
    if previous["content_sha256"] != content:
        return "minor"
    if previous["metadata_sha256"] != metadata:
        return "patch"
    return None


def _write_data(stage: Path, work: WorkTable, rows: int, content: str, declaration: Declaration,
                about: dict) -> tuple[list[dict], list[dict]]:
    """data.parquet, the per-year files, data.xlsx and the Fiscal Data Package, from `merged` in batches
    (data.csv is already written, its SHA-256 `content`: it is hashed first). The files of a year that holds
    every row are the whole table's files again, copied rather than written twice."""
    schema = writers.arrow_schema(declaration)
    every = f"SELECT {merge.columns(declaration)} FROM merged"
    hashed = {"data.parquet": writers.write_parquet(work.reader(every), stage / "data.parquet", schema),
              "data.csv": content}
    title = declaration.resource.get("title", declaration.id)
    resources = [writers.resource_entry(declaration, declaration.id, stage / "data.csv", rows, title, content)]
    files = [writers.file_entry(stage / "data.parquet", "parquet", "application/vnd.apache.parquet",
                                sha256=hashed["data.parquet"])]
    if declaration.partition:
        column = quoted(declaration.partition)
        years = work.con.execute(f"SELECT {column}, count(*) FROM merged WHERE {column} IS NOT NULL "
                                 f"GROUP BY 1 ORDER BY 1").fetchall()
        for year, part in years:
            csv_path, pq_path = stage / f"data-{year}.csv", stage / f"data-{year}.parquet"
            if part == rows:  # every row is of this year: the same bytes as the whole table's files
                _same_file(stage / "data.csv", csv_path)
                _same_file(stage / "data.parquet", pq_path)
                hashed[csv_path.name], hashed[pq_path.name] = content, hashed["data.parquet"]
            else:
                lit = literal(year)
                hashed[csv_path.name] = writers.write_csv(work.reader(f"{every} WHERE {column} = {lit}"), csv_path,
                                                          schema)
                hashed[pq_path.name] = writers.write_parquet(work.reader(f"{every} WHERE {column} = {lit}"),
                                                             pq_path, schema)
            resources.append(writers.resource_entry(declaration, f"{declaration.id}-{year}", csv_path,
                                                    part, f"{title} {year}", hashed[csv_path.name]))
            files.append(writers.file_entry(pq_path, "parquet", "application/vnd.apache.parquet",
                                            sha256=hashed[pq_path.name]))
    files += writers.write_derived(stage, work, every, rows, declaration, about)  # XLSX, FDP: in the manifest
    return resources, files


def _same_file(source: Path, target: Path) -> None:
    """`target` with the bytes of `source`, copied by the kernel (not a link: each published file stands alone,
    and damage to one must not show in the other)."""
    shutil.copyfile(source, target)


def write_release(workspace: Workspace, declaration: Declaration, incoming: WorkTable | pa.Table, report: dict,
                  source: dict, base_url: str | None = None, run_id: str | None = None,
                  now: dt.datetime | None = None, confirmed: bool = False) -> ReleaseResult:
    """Publish `incoming` (one file's clean rows: the checks' working table, or an Arrow table) as the next
    version, or report it unchanged. The dataset is merged, sorted and written by DuckDB and Arrow in batches,
    never whole in memory. Raises StoreDamaged when the version it would build on no longer matches its
    manifest, and ReleaseHeld when the change guard trips (unless `confirmed`)."""
    base_url = base_url or workspace.config.base_url
    root = dataset_dir(workspace, declaration.id)
    root.mkdir(parents=True, exist_ok=True)
    with workspace.lock(declaration.id), ExitStack() as stack:
        adopt_site_release(workspace, declaration.id)
        recover(workspace, declaration.id)
        every = list_releases(workspace, declaration.id)
        previous = latest_release(workspace, declaration.id)
        if previous:  # the base of the merge and the diff: never build on damage
            ensure_intact(workspace, declaration.id, previous["version"])
        old = root / previous["version"] / "data.parquet" if previous else None
        replaces = declaration.source.get("replaces", [])
        work = merge.stage_incoming(incoming, declaration, workspace.state)
        stack.callback(work.close if work is not incoming else lambda: merge.drop(work))
        carried, dropped = merge.carry_over(work, old, declaration)
        rows = merge.merge_slice(work, carried, declaration)
        stage = root / f".staging-{uuid.uuid4().hex}"
        stage.mkdir()
        writing = stack.enter_context(step((f"menulis versi {declaration.id}", f"writing the {declaration.id} version"),
                                           total=WRITE_STEPS * rows, unit="rows"))
        try:
            content = writers.write_csv(work.reader(f"SELECT {merge.columns(declaration)} FROM merged"),
                                        stage / "data.csv", writers.arrow_schema(declaration))
            writing.advance(rows)
            metadata = _metadata_hash(declaration)
            change = classify(previous, content, declaration.schema_fingerprint, metadata)
            if previous is None and every:  # every earlier version was withdrawn: new data, not a first release
                change = "major" if every[-1]["schema_fingerprint"] != declaration.schema_fingerprint else "minor"
            if change is None:
                return ReleaseResult(declaration.id, previous["version"], True, "unchanged",
                                     root / previous["version"], previous)
            if carried and change in ("minor", "major") and not confirmed:
                removal = find_removals(work, declaration, dependents(workspace, declaration))
                if removal.trips:
                    raise ReleaseHeld(removal)
            version = next_version(highest_version(workspace, declaration.id), change)
            if (root / version).exists():  # never rename onto a version that exists (it would be lost)
                raise StoreDamaged(f"{declaration.id} {version} already exists; the release store is inconsistent")
            when = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
            created = when.isoformat().replace("+00:00", "Z")
            resources, files = _write_data(stage, work, rows, content, declaration, {
                "version": version, "created": created, "base_url": base_url,
                "publisher": (workspace.config.get("publisher") or {}).get("name")})
            writing.advance(rows)
            if old is not None and not carried:  # the old values do not fit the new types: compared as text
                merge.text_tables(work, old, declaration)
            before = "prev" if carried else "old_text" if old is not None else None
            after = "merged" if carried or old is None else "new_text"
            changes = diff_tables(work.con, before, after, declaration)
            published = read_descriptor(root / previous["version"] / "datapackage.json" if previous else None)
            descriptor = writers.datapackage(declaration, version, created, resources, files, base_url)
            changes.update({"from": previous and previous["version"], "to": version,
                            "totals": totals(work.con, "prev" if carried else None, "merged", declaration),
                            "dropped": dropped,
                            "schema": schema_changes(published, declaration),
                            "metadata": metadata_changes(published, descriptor)})
            (stage / "changes.json").write_text(writers.dumps(changes))
            changes_csv(work.con, before, after, declaration, stage / "changes.csv")  # complete, written by DuckDB
            writing.advance(rows)
            if changes["totals"] is not None:
                totals_csv(changes, stage / "totals.csv", declaration)
            (stage / "validation.json").write_text(writers.dumps(report))
            slices = _slices(previous, work, replaces, source, root)
            provenance = {"dataset": declaration.id, "version": version, "released": created,
                          "source": source, "slices": slices, "code_version": code_version(),
                          "dagster_run_id": run_id, "previous": previous and previous["version"],
                          # the chain: the version this one was built on, by the hash of its manifest
                          "previous_manifest_sha256": previous and sha256_file(root / previous["version"] / MANIFEST),
                          "confirmed": confirmed or None}
            (stage / "provenance.json").write_text(writers.dumps(provenance))
            (stage / "datapackage.json").write_text(writers.dumps(descriptor))
            entry = {"dataset": declaration.id, "version": version, "released": created, "change": change,
                     "previous": previous and previous["version"], "rows": rows,
                     "content_sha256": content, "metadata_sha256": metadata,
                     "schema_fingerprint": declaration.schema_fingerprint,
                     "source": {k: source.get(k) for k in ("name", "sha256")},
                     "validation": {k: report.get(k) for k in ("errors", "warnings")},
                     "diff": {k: changes[k] for k in ("added", "removed", "changed")}}
            (stage / RELEASE).write_text(writers.dumps(entry))
            anchor = write_manifest(stage)
            writing.advance(rows)
            for path in stage.iterdir():
                with open(path, "rb") as fh:
                    os.fsync(fh.fileno())
            fsync_dir(stage)
            os.rename(stage, root / version)  # the one step that makes the version exist
            fsync_dir(root)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
        record_issued(workspace, declaration.id, version, anchor, content)
        refresh_index(workspace, declaration.id)
        return ReleaseResult(declaration.id, version, False, change, root / version, entry)


def dependents(workspace: Workspace, declaration: Declaration) -> list[tuple[Declaration, pa.Table]]:
    """Other datasets whose foreign keys point into this one, with the key columns of their latest release."""
    out = []
    for other in workspace.declarations.values():
        fields = [f for fk in other.foreign_keys if fk["reference"].get("resource") == declaration.id
                  for f in fk["fields"]]
        if other.id != declaration.id and fields:
            table = release_table(workspace, other.id, columns=sorted(set(fields)))
            if table is not None:
                out.append((other, table))
    return out


def _slices(previous, work: WorkTable, replaces, source, root) -> list[dict]:
    """Which source file each slice of the dataset came from: the provenance chain to the input hash."""
    mine = {"name": source.get("name"), "sha256": source.get("sha256")}
    if not replaces:
        return [{"slice": {}, "source": mine}]

    def keys(relation):
        return merge.slice_keys(work, relation, replaces)
    new_keys = set(keys("inc"))
    earlier = {}
    if previous:
        prov = json.loads((root / previous["version"] / "provenance.json").read_text())
        earlier = {tuple(s["slice"].get(c) for c in replaces): s["source"] for s in prov.get("slices", [])}
    out = []
    for k in keys("merged"):
        origin = mine if k in new_keys else earlier.get(k, {"name": None, "sha256": None})
        out.append({"slice": dict(zip(replaces, k)), "source": origin})
    return out


def withdraw(workspace: Workspace, dataset: str, version: str, reason: str,
             now: dt.datetime | None = None) -> dict:
    """Mark a version withdrawn: its files stay, its page becomes a tombstone, `latest` moves back."""
    root = dataset_dir(workspace, dataset)
    if not is_version(version) or not (root / version / RELEASE).is_file():
        known = ", ".join(r["version"] for r in list_releases(workspace, dataset)) or "none"
        raise FileNotFoundError(f"{dataset} has no version {version!r} (versions: {known}); "
                                "name the version itself, e.g. 1.2.0, not an alias such as latest")
    if not reason.strip():
        raise ValueError("give the reason readers will see on the version's page (--reason)")
    with workspace.lock(dataset):
        gone = withdrawals(workspace, dataset)
        if version in gone:  # the first reason and date stay: a tombstone is not rewritten
            raise ValueError(f"{dataset} {version} was already withdrawn on {gone[version]['date']}: "
                             f"{gone[version]['reason']}")
        when = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
        gone[version] = {"reason": reason, "date": when.isoformat().replace("+00:00", "Z")}
        write_json_atomic(root / WITHDRAWN, gone)
        refresh_index(workspace, dataset)
        return gone[version]


def adopt_site_release(workspace: Workspace, dataset: str) -> bool:
    """A workspace from before the release store kept its versions only in site/datasets/: copy a dataset
    the store does not have yet into it (files, not pages), so its history carries on and is never
    shadowed by a new 1.0.0. Run under the dataset's lock; True when something was adopted."""
    folder, target = workspace.site / "datasets" / dataset, dataset_dir(workspace, dataset)
    versions = [v for v in folder.iterdir() if v.is_dir() and not v.is_symlink() and is_version(v.name)
                and (v / RELEASE).is_file()] if folder.is_dir() and not folder.is_symlink() else []
    if not versions or (target.exists() and any(target.iterdir())):
        return False
    if target.exists():
        target.rmdir()  # made empty by a publish that is about to need these versions
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in target.parent.glob(f".adopt-{dataset}-*"):  # an adoption killed half-way
        shutil.rmtree(leftover, ignore_errors=True)
    stage = target.with_name(f".adopt-{dataset}-{uuid.uuid4().hex}")
    for version in versions:
        shutil.copytree(version, stage / version.name, ignore=shutil.ignore_patterns(*RENDERED))
    if (folder / WITHDRAWN).is_file():
        shutil.copy2(folder / WITHDRAWN, stage / WITHDRAWN)
    os.rename(stage, target)
    refresh_index(workspace, dataset)
    return True


def recover_all(workspace: Workspace) -> None:
    """Repair every dataset's index and `latest` after an interrupted publish (run before each build)."""
    root = workspace.releases / "datasets"
    root.mkdir(parents=True, exist_ok=True)
    legacy = workspace.site / "datasets"
    names = {p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")}
    names |= {p.name for p in legacy.iterdir() if p.is_dir() and not p.is_symlink()} if legacy.is_dir() else set()
    for name in sorted(names):
        with workspace.lock(name):
            adopt_site_release(workspace, name)
            if dataset_dir(workspace, name).is_dir():
                recover(workspace, name)
