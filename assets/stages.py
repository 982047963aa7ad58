"""The pipeline's stages as plain Python: snapshot a dropped file, check it, release it or quarantine it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assets.validation import Checked, check_bytes, clean_table, reference_tables
from publish.config import load_config
from publish.declarations import Declaration, get_declaration, load_all
from publish.files import sha256_bytes, write_atomic, write_json_atomic
from publish.quarantine import quarantine_file
from publish.releases import ReleaseResult, write_release
from publish.workspace import Workspace

PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".download", "~")
SETTLE_SECONDS = 2.0  # a file whose size or time changed this recently may still be copying


@dataclass
class Outcome:
    """What happened to one file."""

    dataset: str
    source: dict
    accepted: bool
    report: dict
    release: ReleaseResult | None = None
    quarantine: Path | None = None
    rules: list = field(default_factory=list)

    @property
    def message(self) -> str:
        if not self.accepted:
            r = self.report
            return (f"{self.dataset}: {self.source['name']} rejected ({r['errors']} errors, "
                    f"{r['warnings']} warnings); report: {self.quarantine / 'report.html' if self.quarantine else '-'}")
        if self.release.unchanged:
            return f"{self.dataset}: unchanged (content equals version {self.release.version})"
        return f"{self.dataset}: published version {self.release.version} ({self.release.change})"


def snapshot(workspace: Workspace, dataset: str, data: bytes, name: str) -> dict:
    """Keep the original bytes under state/raw/<dataset>/<sha256>/ and describe them."""
    digest = sha256_bytes(data)
    folder = workspace.raw / dataset / digest
    target = folder / Path(name).name
    if not target.exists():
        write_atomic(target, data)
    received = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return {"name": Path(name).name, "sha256": digest, "bytes": len(data), "received": received,
            "path": str(target.relative_to(workspace.root))}


def check(workspace: Workspace, declaration: Declaration, data: bytes, name: str,
          partition: str | None = None) -> Checked:
    return check_bytes(data, name, declaration, reference_tables(workspace, declaration), partition=partition)


def file_years(declaration: Declaration, data: bytes, name: str) -> Counter:
    """How many rows of a file fall in each fiscal year (empty when unreadable or not partitioned)."""
    from assets.ingest import ingest_sheet
    from assets.reading import UnusableFile, read_sheet

    if not declaration.partition:
        return Counter()
    try:
        table = ingest_sheet(read_sheet(data, name, declaration.source), declaration).table
    except UnusableFile:
        return Counter()
    return Counter(y for y in table.column(declaration.partition).to_pylist() if y is not None)


def choose_partition(years: Counter, keys: list[str]) -> str:
    """The fiscal-year partition a file belongs to: its commonest year, else the newest key.
    Rows of other years are then reported by the partition check, so nothing is silently split."""
    for year, _ in years.most_common():
        if str(year) in keys:
            return str(year)
    return keys[-1]


def year_sources(workspace: Workspace, declaration: Declaration, year: str) -> list[dict]:
    """The snapshots behind one fiscal year of the latest release, for re-processing (a backfill)."""
    from publish.releases import dataset_dir, latest_release

    latest = latest_release(workspace, declaration.id)
    if latest is None or not declaration.partition:
        return []
    provenance = json.loads((dataset_dir(workspace, declaration.id) / latest["version"] / "provenance.json").read_text())
    out = []
    for item in provenance.get("slices", []):
        origin = item["source"]
        if str(item["slice"].get(declaration.partition)) != year or not origin.get("sha256"):
            continue
        path = workspace.raw / declaration.id / origin["sha256"] / origin["name"]
        if path.is_file() and all(o["sha256"] != origin["sha256"] for o in out):
            out.append({"name": origin["name"], "sha256": origin["sha256"], "bytes": path.stat().st_size,
                        "received": None, "path": str(path.relative_to(workspace.root)), "reprocess": True})
    return out


def release(workspace: Workspace, declaration: Declaration, checked: Checked, source: dict,
            run_id: str | None = None) -> ReleaseResult:
    config = load_config(workspace)
    report = checked.report.to_dict()
    report["rules"] = checked.rules
    return write_release(workspace, declaration, clean_table(checked), report, source,
                         config["baseUrl"], run_id=run_id)


def process_bytes(workspace: Workspace, dataset: str, data: bytes, name: str,
                  run_id: str | None = None) -> Outcome:
    """Snapshot, check, then release or quarantine: the whole path for one file."""
    workspace.ensure()
    declaration = get_declaration(workspace, dataset)
    source = snapshot(workspace, dataset, data, name)
    checked = check(workspace, declaration, data, name)
    report = checked.report.to_dict()
    if not checked.report.valid:
        folder = quarantine_file(workspace, checked.report, data, name)
        outcome = Outcome(dataset, source, False, report, quarantine=folder, rules=checked.rules)
    else:
        result = release(workspace, declaration, checked, source, run_id)
        outcome = Outcome(dataset, source, True, report, release=result, rules=checked.rules)
    record(workspace, outcome)
    return outcome


# --- the inbox -------------------------------------------------------------------------------------

def ledger_path(workspace: Workspace) -> Path:
    return workspace.state / "ledger.json"


def read_ledger(workspace: Workspace) -> dict:
    path = ledger_path(workspace)
    return json.loads(path.read_text()) if path.exists() else {}


def record(workspace: Workspace, outcome: Outcome) -> None:
    """Remember every file by content hash, so the same bytes dropped again are recognised."""
    ledger = read_ledger(workspace)
    ledger[outcome.source["sha256"]] = {
        "dataset": outcome.dataset, "name": outcome.source["name"], "accepted": outcome.accepted,
        "version": outcome.release.version if outcome.release else None,
        "quarantine": str(outcome.quarantine.relative_to(workspace.root)) if outcome.quarantine else None,
        "at": outcome.source["received"]}
    write_json_atomic(ledger_path(workspace), ledger)


@dataclass
class Dropped:
    dataset: str | None
    path: Path
    sha256: str


def is_settled(path: Path, now: float | None = None) -> bool:
    """Not still being copied: not a partial-download name, and untouched for a moment."""
    if path.name.startswith(".") or path.name.endswith(PARTIAL_SUFFIXES):
        return False
    return (now or time.time()) - path.stat().st_mtime >= SETTLE_SECONDS


def guess_dataset(workspace: Workspace, data: bytes, name: str) -> str | None:
    """For a file dropped at the top of inbox/: the one declaration whose header it matches."""
    from assets.ingest import alias_index, find_header
    from assets.reading import UnusableFile, read_sheet

    matches = []
    for declaration in load_all(workspace):
        try:
            sheet = read_sheet(data, name, declaration.source)
            index = alias_index(declaration)
            row = find_header(sheet.rows, index, declaration.source.get("header", "auto"))
        except UnusableFile:
            continue
        from assets.ingest import normalise_label

        hits = {index[n] for n in (normalise_label(c) for c in sheet.rows[row]) if n in index}
        matches.append((len(hits) / len(declaration.field_names), declaration.id))
    matches.sort(reverse=True)
    if matches and matches[0][0] >= 0.5 and (len(matches) == 1 or matches[0][0] > matches[1][0]):
        return matches[0][1]
    return None


def scan_inbox(workspace: Workspace, settle: bool = True) -> list[Dropped]:
    """Files waiting in inbox/ or inbox/<dataset>/, oldest first, that are completely written."""
    known = {d.id for d in load_all(workspace)}
    found = []
    if not workspace.inbox.is_dir():
        return []
    for path in sorted(workspace.inbox.rglob("*")):
        if not path.is_file() or path.name.lower() == "readme.md":
            continue
        if settle and not is_settled(path):
            continue
        if path.name.startswith(".") or path.name.endswith(PARTIAL_SUFFIXES):
            continue
        rel = path.relative_to(workspace.inbox)
        dataset = rel.parts[0] if len(rel.parts) > 1 and rel.parts[0] in known else None
        found.append(Dropped(dataset, path, sha256_bytes(path.read_bytes())))
    return found


def file_away(workspace: Workspace, dropped: Dropped, accepted: bool | None) -> Path:
    """Move a processed file out of the inbox. Accepted files (and repeats) go to the archive; a rejected
    file's bytes are already in its quarantine folder, so the inbox copy goes to quarantine's inbox log."""
    dataset = dropped.dataset or "_unknown"
    folder = workspace.archive / dataset if accepted is not False else workspace.quarantine / dataset / "_inbox"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{dropped.sha256[:12]}-{dropped.path.name}"
    shutil.move(str(dropped.path), target)
    return target


def dataset_order(workspace: Workspace) -> list[str]:
    return [d.id for d in load_all(workspace)]
