"""The record of every version number ever issued, per dataset, with the hash of its manifest.

Append-only (state/issued.jsonl), apart from the release store: a number is never issued twice whatever
was deleted since, and a version's SHA256SUMS is anchored outside its own folder, so a rewritten file
with a re-hashed manifest is still caught."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from publish.files import append_line, read_lines
from publish.workspace import Workspace


@dataclass
class Issued:
    """(dataset, version) -> {"manifest_sha256", "content_sha256", "at"}, and unreadable line numbers."""

    versions: dict[tuple[str, str], dict] = field(default_factory=dict)
    damaged: list[int] = field(default_factory=list)

    def of(self, dataset: str) -> dict[str, dict]:
        return {v: doc for (d, v), doc in self.versions.items() if d == dataset}


def read_issued(workspace: Workspace) -> Issued:
    docs, damaged = read_lines(workspace.issued)
    issued = Issued(damaged=damaged)
    for doc in docs:
        if isinstance(doc.get("dataset"), str) and isinstance(doc.get("version"), str):
            issued.versions.setdefault((doc["dataset"], doc["version"]), doc)  # the first record stands
    return issued


def record_issued(workspace: Workspace, dataset: str, version: str, manifest_sha256: str, content_sha256: str,
                  recovered: bool = False) -> None:
    """Add one version (after its folder is in place; `recovered`: found after an interrupted publish)."""
    at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    doc = {"dataset": dataset, "version": version, "manifest_sha256": manifest_sha256,
           "content_sha256": content_sha256, "at": at}
    if recovered:
        doc["recovered"] = True
    with workspace.lock("issued"):
        append_line(workspace.issued, doc)
