"""File-system primitives for publishing: hashing, atomic writes, and a lock that survives crashes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from contextlib import contextmanager
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


class LockTimeout(Exception):
    """Another publish held the lock for longer than we were willing to wait."""


@contextmanager
def publish_lock(path: Path, timeout: float = 600.0):
    """Serialise publishes with flock: the kernel drops the lock when its holder dies, even by SIGKILL,
    so a killed publish never leaves a stale lock behind (the pid inside is for people reading it)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(f"another publish has held {path} for over {timeout:.0f} s") from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing releases the flock


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
