"""Held files: checked and valid, but the change guard wants an officer to confirm them before release."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from publish.files import write_json_atomic
from publish.guard import Removal
from publish.workspace import Workspace

HELD = "held.json"


def confirm_command(dataset: str, sha256: str) -> str:
    return f"terbuka confirm {dataset} {sha256[:16]}"


def write_held(workspace: Workspace, source: dict, year: str | None, removal: Removal) -> Path:
    """Record why a file is held, beside nothing else: its bytes are in the raw snapshot (source["path"])."""
    folder = workspace.held / removal.dataset / source["sha256"][:16]
    message_id, message_en = removal.explain(confirm_command(removal.dataset, source["sha256"]))
    at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    write_json_atomic(folder / HELD, {
        "dataset": removal.dataset, "name": source["name"], "sha256": source["sha256"], "raw": source["path"],
        "year": year, "at": at, "removal": removal.to_dict(), "message_id": message_id, "message_en": message_en,
        "confirm": confirm_command(removal.dataset, source["sha256"])})
    return folder


def find_held(workspace: Workspace, dataset: str, sha256: str) -> dict | None:
    """The held record of a dataset's file by its SHA-256 (or a prefix of at least 8 characters)."""
    if len(sha256) < 8:
        return None
    for path in sorted((workspace.held / dataset).glob("*/" + HELD)):
        doc = json.loads(path.read_text())
        if doc.get("sha256", "").startswith(sha256.lower()):
            doc["folder"] = path.parent
            return doc
    return None


def list_held(workspace: Workspace) -> list[dict]:
    out = []
    for path in sorted(workspace.held.glob("*/*/" + HELD)) if workspace.held.is_dir() else []:
        try:
            doc = json.loads(path.read_text())
        except ValueError:
            continue
        doc["folder"] = path.parent
        out.append(doc)
    return out


def release_held(workspace: Workspace, dataset: str, sha256: str) -> None:
    """A confirmed file was published: it no longer waits (the ledger and provenance keep the record)."""
    shutil.rmtree(workspace.held / dataset / sha256[:16], ignore_errors=True)
