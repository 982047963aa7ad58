"""The ledger: what happened to every file received, one JSON line per outcome, appended and never rewritten.

It is a record for people (status, audits), not a source of truth: the release store, quarantine and
held folders are. A damaged line is reported by `verify` and skipped by readers; `rebuild` writes the
ledger again from those folders."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from publish.files import append_line, read_lines, write_atomic
from publish.releases import is_version
from publish.workspace import Workspace

LEGACY = "ledger.json"  # the ledger before it became append-only: one JSON object keyed by SHA-256


@dataclass
class Ledger:
    """The latest entry per SHA-256, and the line numbers that could not be read."""

    entries: dict[str, dict] = field(default_factory=dict)
    damaged: list[int] = field(default_factory=list)
    legacy_damaged: bool = False

    def get(self, sha256: str) -> dict | None:
        return self.entries.get(sha256)


def read_ledger(workspace: Workspace) -> Ledger:
    ledger = Ledger()
    legacy = workspace.state / LEGACY
    if legacy.is_file():
        try:
            for sha, entry in json.loads(legacy.read_text()).items():
                outcome = "published" if entry.get("accepted") else "rejected"
                ledger.entries[sha] = {"sha256": sha, "outcome": outcome, **entry}
        except (ValueError, AttributeError):
            ledger.legacy_damaged = True
    docs, ledger.damaged = read_lines(workspace.ledger)
    for doc in docs:
        if isinstance(doc.get("sha256"), str):
            ledger.entries[doc["sha256"]] = doc
    return ledger


def record(workspace: Workspace, entry: dict) -> None:
    """Append one outcome (under the ledger lock: runs of several datasets finish at once)."""
    with workspace.lock("ledger"):
        append_line(workspace.ledger, entry)


def rebuild(workspace: Workspace) -> int:
    """Write the ledger again from the release store, quarantine and held folders; returns its entries.
    Used when a ledger is damaged: nothing it said is needed to publish, so nothing is lost."""
    entries = []
    root = workspace.releases / "datasets"
    for provenance in sorted(root.glob("*/*/provenance.json")) if root.is_dir() else []:
        if provenance.parent.is_symlink() or not is_version(provenance.parent.name):
            continue  # `latest` is a link to a version already listed
        try:
            doc = json.loads(provenance.read_text())
        except (OSError, ValueError):
            continue
        source = doc.get("source") or {}
        if source.get("sha256"):
            entries.append({"sha256": source["sha256"], "dataset": doc.get("dataset"), "name": source.get("name"),
                            "outcome": "published", "version": doc.get("version"), "at": doc.get("released"),
                            "run_id": doc.get("dagster_run_id")})
    for meta in sorted(workspace.quarantine.glob("*/*/meta.json")) if workspace.quarantine.is_dir() else []:
        try:
            doc = json.loads(meta.read_text())
            report = json.loads((meta.parent / "report.json").read_text())
        except (OSError, ValueError):  # a quarantine folder a kill left half-written
            continue
        entries.append({"sha256": doc.get("sha256"), "dataset": meta.parent.parent.name, "name": doc.get("source"),
                        "outcome": "unusable" if report.get("unusable") else "rejected",
                        "quarantine": workspace.rel(meta.parent), "at": doc.get("quarantined")})
    for held in sorted(workspace.held.glob("*/*/held.json")) if workspace.held.is_dir() else []:
        try:
            doc = json.loads(held.read_text())
        except (OSError, ValueError):
            continue
        entries.append({"sha256": doc.get("sha256"), "dataset": doc.get("dataset"), "name": doc.get("name"),
                        "outcome": "held", "held": workspace.rel(held.parent), "at": doc.get("at")})
    entries.sort(key=lambda e: str(e.get("at") or ""))
    text = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True, default=str) + "\n" for e in entries)
    with workspace.lock("ledger"):
        write_atomic(workspace.ledger, text)
        legacy = workspace.state / LEGACY
        if legacy.is_file():
            legacy.rename(legacy.with_name(LEGACY + ".replaced"))
    return len(entries)


def ledger_problems(workspace: Workspace) -> list[str]:
    """What verify says about the ledger."""
    ledger = read_ledger(workspace)
    out = [f"{workspace.rel(workspace.ledger)} line {n} (unreadable; run `terbuka rebuild-ledger`)"
           for n in ledger.damaged]
    if ledger.legacy_damaged:
        out.append(f"state/{LEGACY} (unreadable; run `terbuka rebuild-ledger`)")
    return out

