"""File-system primitives for publishing: hashing, atomic writes, append-only JSON lines."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write to a temporary sibling, fsync, then rename over the target: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def copy_atomic(source: Path, path: Path) -> None:
    """write_atomic for a file copied from disk, streamed (never held in memory whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def write_json_atomic(path: Path, doc) -> None:
    write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Write only when the content differs, so an unchanged rebuild touches nothing; True if written."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.read_bytes() == raw:
            return False
    except FileNotFoundError:
        pass
    write_atomic(path, raw)
    return True


def point_symlink(link: Path, target: str) -> None:
    """Swap a symlink in one rename, so it never dangles or goes missing."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    os.symlink(target, tmp)
    os.replace(tmp, link)
    fsync_dir(link.parent)


def append_line(path: Path, doc: dict) -> None:
    """Append one JSON line durably. A line cut short by a kill is closed first, so it damages only itself
    (readers report it; they never fail on it). Callers serialise appends with a workspace lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = "\n" + line
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_lines(path: Path) -> tuple[list[dict], list[int]]:
    """The JSON objects of an append-only file, and the numbers of lines that do not parse."""
    docs, damaged = [], []
    if not path.is_file():
        return docs, damaged
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            damaged.append(number)
            continue
        if isinstance(doc, dict):
            docs.append(doc)
        else:
            damaged.append(number)
    return docs, damaged


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (leftovers of dead ones may be removed)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def place_folder(source: Path, target: Path, link: bool, skip: frozenset | set = frozenset()) -> list[Path]:
    """Make `target` hold `source`'s files (except the names in `skip`) without anyone seeing half of them:
    a new folder is filled beside its place and renamed in; an existing one only gets the files it lacks
    (files placed this way never change). `link` hard-links where the filesystem allows, else copies."""
    if target.is_dir():
        return _fill(source, target, link, skip)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = target.parent / f".staging-{uuid.uuid4().hex}"
    _fill(source, stage, link, skip)
    fsync_dir(stage)
    os.rename(stage, target)
    fsync_dir(target.parent)
    return [target]


def _fill(source: Path, target: Path, link: bool, skip) -> list[Path]:
    written = []
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        dest = target / path.name
        if not path.is_file() or path.name in skip or (dest.exists() and dest.stat().st_size == path.stat().st_size):
            continue
        dest.unlink(missing_ok=True)
        try:
            if not link:
                raise OSError("copy requested")
            os.link(path, dest)
        except OSError:
            tmp = target / f".{path.name}.tmp"
            shutil.copy2(path, tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, dest)
        written.append(dest)
    return written
