"""Plain helpers the tests share: drop files as officers do, and take them through the one path."""

from __future__ import annotations

import os
import time
from pathlib import Path

from assets.flow import Intake, Outcome, process_file
from publish.files import write_atomic
from publish.workspace import Workspace

WILAYAH = "kode,nama,tingkat,kode induk\n32,JAWA BARAT,Provinsi,\n32.60,KABUPATEN SUKAMAJU,Kabupaten,32\n"


def settle(path: Path, age: float = 600) -> Path:
    """As if the copy finished `age` seconds ago."""
    old = time.time() - age
    os.utime(path, (old, old))
    return path


def drop(ws: Workspace, name: str, data: str | bytes, folder: str = "wilayah") -> Path:
    """A file an officer copied into inbox/<folder>/ (or the top of inbox/ with folder="")."""
    path = ws.inbox / folder / name if folder else ws.inbox / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return settle(path)


def take(ws: Workspace, dataset: str, data: str | bytes, name: str, year: str | None = None, **more) -> Outcome:
    """Hand bytes to the one path as `terbuka publish` does, without Dagster: the file is placed under
    state/incoming/ and process_file reads, checks, releases or quarantines it, and records the outcome."""
    path = ws.incoming / f"{os.getpid()}-test" / name
    write_atomic(path, data.encode() if isinstance(data, str) else data)
    try:
        return process_file(Workspace(ws.root), Intake(dataset, path, year=year, **more))
    finally:
        path.unlink(missing_ok=True)
