"""Plain helpers the tests share: drop files as officers do, and take them through the one path."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from assets.flow import Intake, Outcome, process_file
from publish.files import write_atomic
from publish.workspace import Workspace
from sample import generate_sample

ROOT = Path(__file__).resolve().parents[1]

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


def tick(ws: Workspace, cursor: str | None = None, instance=None, later: float = 3600):
    """One evaluation of the inbox sensor, `later` seconds after the previous one (so a file looked at then has
    settled): the run requests it made (or its SkipReason) and the cursor it left."""
    import dagster as dg  # noqa: PLC0415 - lazy: this module also serves tests that run without Dagster

    from pipelines.definitions import build_definitions  # noqa: PLC0415 - lazy: Dagster behind it

    if cursor:
        state = json.loads(cursor)
        for look in state.get("looks", {}).values():
            look["since"] -= later
        cursor = json.dumps(state)
    sensor = build_definitions(ws).resolve_sensor_def("inbox_sensor")
    with dg.build_sensor_context(resources={"terbuka": ws}, cursor=cursor, instance=instance) as context:
        answer = sensor(context)
        return (answer.run_requests if isinstance(answer, dg.SensorResult) else answer), context.cursor


def published_sample(root: Path) -> Workspace:
    """A workspace at `root` with the project's declarations and every sample file taken through the one path
    (no Dagster, no portal): each dataset's releases as `make demo` leaves them."""
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copy(ROOT / "terbuka.json", root / "terbuka.json")
    workspace = Workspace(root).ensure()
    for path in generate_sample(root / "sent"):
        outcome = take(workspace, path.parent.name, path.read_bytes(), path.name)
        assert outcome.accepted, (path.name, outcome.message(workspace))
    return Workspace(root)
