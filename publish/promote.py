"""Put the previewed portal live: make site/ a copy of state/preview/, file by file, never half a version.

The officer looked at the preview; promotion copies exactly that, it does not render again (a release
that landed after the preview was built waits for the next preview). Order matters for a reader of
site/ during the copy: new version folders appear first (each renamed in whole), then pages and
catalogues, then each dataset's `latest` and releases.json, and only at the end are pages that left the
preview removed. Release files in site/ are never removed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from publish.files import place_folder, point_symlink, write_atomic, write_if_changed
from publish.portal import build_site
from publish.releases import INDEX, LATEST, RENDERED, is_version, parse_version, recover_all
from publish.workspace import Workspace


class NothingToPromote(Exception):
    """There is no preview yet."""


def promote(workspace: Workspace) -> list[Path]:
    """Copy the preview into site/; returns what was written or removed there."""
    source, target = workspace.preview, workspace.site
    if not (source / "index.html").is_file():
        raise NothingToPromote(f"{source} has no portal yet; build the preview first")
    with workspace.lock("portal"):
        target.mkdir(parents=True, exist_ok=True)
        clear_leftovers(target)
        written = _copy_versions(source, target)
        late, files = [], _walk(source)
        for rel in files:
            if _is_release_file(rel):
                continue
            if rel.name in (LATEST, INDEX) and rel.parent.parent == Path("datasets"):
                late.append(rel)  # after every page that the new `latest` may link to
                continue
            if _sync_one(source / rel, target / rel):
                written.append(target / rel)
        for rel in late:
            if _sync_one(source / rel, target / rel):
                written.append(target / rel)
        _record(workspace, target)
        keep = set(files)
        for rel in _walk(target):
            if rel not in keep and not _is_release_file(rel):
                (target / rel).unlink()
                written.append(target / rel)
                _prune(target / rel, target)
        return written


def promoted(workspace: Workspace) -> dict[str, list[str]]:
    """Every version ever promoted to site/, per dataset: what the public may have cited and must keep."""
    path = workspace.promoted
    return json.loads(path.read_text()) if path.is_file() else {}


def _record(workspace: Workspace, target: Path) -> None:
    """Add the versions now in site/ to the record (it only grows: nothing public is ever taken back)."""
    record = promoted(workspace)
    root = target / "datasets"
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        versions = {v.name for v in folder.iterdir() if v.is_dir() and not v.is_symlink() and is_version(v.name)}
        record[folder.name] = sorted(set(record.get(folder.name, [])) | versions, key=parse_version)
    write_if_changed(workspace.promoted, json.dumps(record, indent=1, sort_keys=True) + "\n")


def build_preview(workspace: Workspace) -> list[Path]:
    """Render the portal from the release store into state/preview/ (under the portal lock, so a promotion
    never copies half a build)."""
    recover_all(workspace)
    with workspace.lock("portal"):
        clear_leftovers(workspace.preview)
        return build_site(workspace, workspace.preview)


def _walk(root: Path) -> list[Path]:
    """Every file and symlink under root, relative, without following links; hidden work files
    (a build's temporary folders, a staging version) are not part of the portal."""
    out = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith((".staging-", ".pagefind-"))]
        for name in files + [d for d in dirs if (here / d).is_symlink()]:
            if not name.endswith(".tmp"):
                out.append((here / name).relative_to(root))
    return sorted(out)


def _is_release_file(rel: Path) -> bool:
    """datasets/<dataset>/<version>/<file>: immutable, copied with its whole version folder."""
    parts = rel.parts
    return len(parts) == 4 and parts[0] == "datasets" and is_version(parts[2]) and parts[3] not in RENDERED


def _copy_versions(source: Path, target: Path) -> list[Path]:
    """Version folders the preview has and site/ lacks, each copied in whole (never linked to the store)."""
    written = []
    for version in sorted((source / "datasets").glob("*/*")):
        dest = target / version.relative_to(source)
        if version.is_dir() and not version.is_symlink() and is_version(version.name) and not dest.is_dir():
            written += place_folder(version, dest, link=False, skip=RENDERED)
    return written


def _sync_one(src: Path, dest: Path) -> bool:
    """Make dest equal src (a symlink stays a symlink); False when it already was."""
    if src.is_symlink():
        pointer = os.readlink(src)
        if dest.is_symlink() and os.readlink(dest) == pointer:
            return False
        dest.parent.mkdir(parents=True, exist_ok=True)
        point_symlink(dest, pointer)
        return True
    data = src.read_bytes()
    if dest.is_file() and not dest.is_symlink() and dest.stat().st_size == len(data) and dest.read_bytes() == data:
        return False
    write_atomic(dest, data)
    return True


def leftovers(tree: Path) -> list[Path]:
    """What a build or promotion killed mid-way leaves in a portal tree: hidden staging folders and
    temporary files (never part of the portal; only the holder of the portal lock writes them)."""
    if not tree.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(tree):
        here = Path(folder)
        for name in list(dirs):
            if name.startswith((".staging-", ".pagefind-")):
                found.append(here / name)
                dirs.remove(name)
        found += [here / name for name in files if name.startswith(".") and name.endswith(".tmp")]
    return sorted(found)


def clear_leftovers(tree: Path) -> None:
    """Remove leftovers of a killed build or promotion (the caller holds the portal lock)."""
    for path in leftovers(tree):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _prune(path: Path, root: Path) -> None:
    for folder in path.parents:
        if folder == root or not folder.is_dir() or any(folder.iterdir()):
            break
        folder.rmdir()
