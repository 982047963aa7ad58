"""Object storage as a publishing target: the portal and a copy of the release store pushed to S3-compatible
storage through fsspec, in an order that never shows half a version, and verified object by object.

The local workspace stays the source of truth; the target is a copy made by `terbuka push`. Layout:
  <site>/                   site/ file for file (default <target>/site): what a static host serves
  <target>/store/datasets/  state/releases/datasets/ file for file; <target>/store/ also gets issued.jsonl and
                            promoted.json, so the records can be restored from the bucket
Object storage has no symbolic links: `datasets/<dataset>/latest/` holds copies (server-side, no upload) of
the newest live version's files, so every host serves the same `latest/` URLs as site/ does.
Order of a push, as promotion does it on disk: the files of each new version, its SHA256SUMS last; then pages;
then each dataset's `latest/` copies and releases.json; then pages that left site/ are deleted. A reader never
finds a page, index or `latest/` naming a version whose files are not all there."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import fsspec

from publish.files import pid_alive, sha256_file
from publish.manifest import MANIFEST, RELEASE, RENDERED
from publish.releases import INDEX, LATEST, WITHDRAWN, is_version
from publish.verify import Verification, verify_all
from publish.workspace import Workspace

POINTERS = (INDEX, WITHDRAWN)  # per dataset, written after `latest/`
CHECK_PREFIX = ".remote-check-"  # the scratch copy verify downloads into, under state/


class TargetError(Exception):
    """terbuka.json names no usable publishing target."""


@dataclass(frozen=True)
class Target:
    site: str  # URLs without a trailing slash
    store: str
    options: dict = field(default_factory=dict)  # fsspec storage options (endpoint, region); keys from the env

    def filesystem(self) -> fsspec.AbstractFileSystem:
        fs, _ = fsspec.core.url_to_fs(self.store, **self.options)
        fs.invalidate_cache()  # a listing cached by an earlier call in this process would hide new objects
        return fs


def read_target(workspace: Workspace) -> Target:
    """The "publish" section of terbuka.json: {"target": "s3://bucket/prefix", "site": (optional) where the
    portal goes, "endpoint": (optional) an S3-compatible service's URL, "region": (optional)}."""
    section = workspace.config.get("publish")
    example = '"publish": {"target": "s3://bucket/prefix", "endpoint": "https://s3.example.go.id"}'
    if not isinstance(section, dict) or not isinstance(section.get("target"), str) or "://" not in section["target"]:
        raise TargetError(f"terbuka.json tidak menyebut tujuan / names no publishing target: add {example}")
    base = section["target"].rstrip("/")
    site = str(section.get("site") or f"{base}/site").rstrip("/")
    if site.split("://")[0] != base.split("://")[0]:
        raise TargetError("terbuka.json: \"publish\" site dan target harus satu jenis penyimpanan / site and target "
                          f"must be on one kind of storage ({site} vs {base})")
    options: dict = {}
    if section.get("endpoint"):
        options["endpoint_url"] = section["endpoint"]
    if section.get("region"):
        options["client_kwargs"] = {"region_name": section["region"]}
    return Target(site=site, store=f"{base}/store", options=options)


@dataclass
class Pushed:
    uploaded: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def push(workspace: Workspace, target: Target) -> Pushed:
    """Copy the release store, then the portal, to the target (under the portal lock, so a promotion never
    changes site/ half-way through); only what differs is sent; versions already there are left alone."""
    fs = target.filesystem()
    done = Pushed()
    with workspace.lock("portal"):
        _push_tree(fs, workspace.releases, target.store, done, prune=False)
        store = _path(fs, target.store)
        there = {rel: info for rel, info in _listing(fs, store).items() if "/" not in rel}
        for record in (workspace.issued, workspace.promoted):  # after the store they describe
            if record.is_file():
                _sync(fs, record, store, record.name, there, done)
        _push_tree(fs, workspace.site, target.site, done, prune=True)
    return done


def _push_tree(fs, local: Path, url: str, done: Pushed, prune: bool) -> None:
    root = _path(fs, url)
    files, links = _local(local)
    # Pointers are read before anything is sent: a version published meanwhile is uploaded but not named yet,
    # never the other way round.
    pointers = {rel: files[rel].read_bytes() for rel in files if _is_pointer(rel)}
    remote = _listing(fs, root)
    versions = sorted({rel.rsplit("/", 1)[0] for rel in files if _is_release_file(rel)})
    for version in versions:
        manifest = files.get(f"{version}/{MANIFEST}")
        there = remote.get(f"{version}/{MANIFEST}")
        if manifest and there and _same(fs, manifest, f"{root}/{version}/{MANIFEST}", there):
            continue  # complete and immutable
        for rel in sorted(r for r in files if r.startswith(f"{version}/") and _is_release_file(r)):
            if not rel.endswith(f"/{MANIFEST}"):
                _sync(fs, files[rel], root, rel, remote, done)
        if manifest:
            _put(fs, manifest, f"{root}/{version}/{MANIFEST}", done)  # last: the version is now whole
    for rel in sorted(files):
        if not _is_release_file(rel) and rel not in pointers:
            _sync(fs, files[rel], root, rel, remote, done)
    for dataset in sorted({rel.split("/")[1] for rel in pointers} | {rel.split("/")[1] for rel in links}):
        _point_latest(fs, root, dataset, links.get(f"datasets/{dataset}/{LATEST}"), remote, done)
        for name in POINTERS:
            rel = f"datasets/{dataset}/{name}"
            if rel in pointers and not _same_bytes(fs, f"{root}/{rel}", remote.get(rel), pointers[rel]):
                fs.pipe_file(f"{root}/{rel}", pointers[rel], **_headers(fs, rel))
                done.uploaded.append(rel)
    if prune:
        for rel in sorted(remote):
            if rel not in files and not _is_release_file(rel) and f"/{LATEST}/" not in rel:
                fs.rm_file(f"{root}/{rel}")
                done.deleted.append(rel)


def _point_latest(fs, root: str, dataset: str, version: str | None, remote: dict, done: Pushed) -> None:
    """Make datasets/<dataset>/latest/ a copy of <version>/ (server-side), then drop what <version> lacks."""
    base = f"datasets/{dataset}"
    source = {name: info for name, info in _listing(fs, f"{root}/{base}/{version}").items()} if version else {}
    current = _listing(fs, f"{root}/{base}/{LATEST}")
    for name, info in sorted(source.items()):
        if not _etag(info) or _etag(current.get(name)) != _etag(info):
            fs.copy(f"{root}/{base}/{version}/{name}", f"{root}/{base}/{LATEST}/{name}")
            done.copied.append(f"{base}/{LATEST}/{name}")
    for name in sorted(set(current) - set(source)):
        fs.rm_file(f"{root}/{base}/{LATEST}/{name}")
        done.deleted.append(f"{base}/{LATEST}/{name}")


def verify_remote(workspace: Workspace, target: Target) -> Verification:
    """`verify` on the target: its objects are downloaded into a scratch copy under state/ (removed after),
    `latest/` copies are checked against the version they copy, and the very checks of `terbuka verify` run
    on it, anchored to this workspace's own records (issued.jsonl, promoted.json), never the target's."""
    fs = target.filesystem()
    for old in workspace.state.glob(f"{CHECK_PREFIX}*"):  # left by a killed check (another may be running)
        pid = old.name[len(CHECK_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    scratch = workspace.state / f"{CHECK_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        shutil.copytree(workspace.schemas, scratch / "schemas")
        mirror = Workspace(scratch)
        if workspace.config_file.is_file():
            shutil.copy(workspace.config_file, mirror.config_file)
        for record, copy in ((workspace.issued, mirror.issued), (workspace.promoted, mirror.promoted)):
            if record.is_file():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(record, copy)
        latest = _download(fs, f"{_path(fs, target.store)}/datasets", mirror.releases / "datasets",
                           f"{target.store}/datasets")
        latest += _download(fs, _path(fs, target.site), mirror.site, target.site)
        result = verify_all(mirror)
        relabel = {"state/releases/": f"{target.store}/", "datasets/": f"{target.site}/datasets/"}
        for kind in ("missing", "changed", "extra", "broken", "stale"):
            setattr(result, kind, [_relabel(item, relabel) for item in getattr(result, kind)])
        result.changed += latest
        return result
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _download(fs, root: str, into: Path, url: str) -> list[str]:
    """Every object under root into `into`; each `latest/` copy is compared with the version its release.json
    names and replaced by a link to it, as on disk. Returns the `latest/` objects that differ."""
    for rel in _listing(fs, root):
        (into / rel).parent.mkdir(parents=True, exist_ok=True)
        fs.get_file(f"{root}/{rel}", str(into / rel))
    problems = []
    folders = [p for p in into.rglob(LATEST) if p.is_dir() and p.parent.parent.name == "datasets"] \
        if into.is_dir() else []
    for folder in sorted(folders):
        try:
            version = json.loads((folder / RELEASE).read_text())["version"]
        except (OSError, ValueError, KeyError, TypeError):
            version = None
        label = f"{url}/{folder.relative_to(into).as_posix()}"
        if not version or not is_version(version) or not (folder.parent / version).is_dir():
            problems.append(f"{label}/ (names no version that is there)")
        else:
            ours, theirs = _tree(folder), _tree(folder.parent / version)
            problems += [f"{label}/{name} (differs from {version}/{name})"
                         for name in sorted(set(ours) | set(theirs)) if ours.get(name) != theirs.get(name)]
        shutil.rmtree(folder)
        if version and is_version(version):
            os.symlink(version, folder)
    return problems


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in folder.rglob("*") if p.is_file()}


def _relabel(item: str, prefixes: dict[str, str]) -> str:
    for local, remote in prefixes.items():
        if item.startswith(local):
            return remote + item[len(local):]
    return item


def _local(root: Path) -> tuple[dict[str, Path], dict[str, str]]:
    """Files (relative POSIX path -> path) and `latest` links (-> version) under root; work files of a build
    or promotion in progress are not part of it."""
    files, links = {}, {}
    for folder, dirs, names in os.walk(root) if root.is_dir() else []:
        here = Path(folder)
        for name in list(dirs):
            if name.startswith((".staging-", ".pagefind-")):
                dirs.remove(name)
            elif (here / name).is_symlink():
                dirs.remove(name)
                if name == LATEST:
                    links[(here / name).relative_to(root).as_posix()] = os.readlink(here / name)
        for name in names:
            if (here / name).is_symlink():
                if name == LATEST:
                    links[(here / name).relative_to(root).as_posix()] = os.readlink(here / name)
            elif not (name.startswith(".") and name.endswith(".tmp")):
                files[(here / name).relative_to(root).as_posix()] = here / name
    return files, links


def _is_release_file(rel: str) -> bool:
    """datasets/<dataset>/<version>/<file>: immutable, pushed with its version (rendered pages are not)."""
    parts = rel.split("/")
    return len(parts) == 4 and parts[0] == "datasets" and is_version(parts[2]) and parts[3] not in RENDERED


def _is_pointer(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) == 3 and parts[0] == "datasets" and parts[2] in POINTERS


def _path(fs, url: str) -> str:
    return fs._strip_protocol(url).rstrip("/")


def _listing(fs, root: str) -> dict[str, dict]:
    """Objects under root: relative path -> info (size, ETag)."""
    try:
        found = fs.find(root, detail=True)
    except FileNotFoundError:
        return {}
    return {path[len(root) + 1:]: info for path, info in found.items() if info.get("type") != "directory"}


def _etag(info: dict | None) -> str | None:
    """The object's MD5 when its ETag is one (a single-part upload or copy); None otherwise."""
    tag = str((info or {}).get("ETag") or "").strip('"')
    return tag if len(tag) == 32 and "-" not in tag else None


def _same(fs, local: Path, path: str, info: dict | None) -> bool:
    if info is None or info.get("size") != local.stat().st_size:
        return False
    tag = _etag(info)
    if tag:
        return tag == hashlib.md5(local.read_bytes(), usedforsecurity=False).hexdigest()
    return fs.cat_file(path) == local.read_bytes()  # a host whose ETags are no MD5: compare the bytes


def _same_bytes(fs, path: str, info: dict | None, data: bytes) -> bool:
    if info is None or info.get("size") != len(data):
        return False
    tag = _etag(info)
    return tag == hashlib.md5(data, usedforsecurity=False).hexdigest() if tag else fs.cat_file(path) == data


def _sync(fs, local: Path, root: str, rel: str, remote: dict, done: Pushed) -> None:
    if not _same(fs, local, f"{root}/{rel}", remote.get(rel)):
        _put(fs, local, f"{root}/{rel}", done, rel)


def _put(fs, local: Path, path: str, done: Pushed, rel: str | None = None) -> None:
    fs.put_file(str(local), path, **_headers(fs, rel or local.name))
    done.uploaded.append(rel or path)


def _headers(fs, rel: str) -> dict:
    """Content-Type for S3 (a static host serves it as given); the CKAN API's files have no extension."""
    if "s3" not in fs.protocol:
        return {}
    kind = mimetypes.guess_type(rel)[0] or ("application/json" if rel.startswith("api/") else None)
    return {"ContentType": kind} if kind else {}
