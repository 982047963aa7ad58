"""The pipeline's stages as plain Python: snapshot a dropped file, check it, release it or quarantine it."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assets.grid import split_rows
from assets.ingest import HEADER_SCAN_ROWS, alias_index, find_header, ingest_sheet, normalise_label
from assets.reading import (Sheet, UnusableFile, decode_text, detect_format, read_sheet, read_xlsx,
                            sniff_delimiter)
from assets.validation import Checked, check_bytes, clean_table, reference_tables
from publish.config import load_config
from publish.declarations import Declaration, get_declaration, load_all
from publish.files import publish_lock, sha256_bytes, sha256_file, write_atomic, write_json_atomic
from publish.quarantine import quarantine_file
from publish.releases import ReleaseResult, write_release
from publish.workspace import Workspace

PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".download", "~")
# The minimum age of a file the sensor takes: one changed this recently may still be copying. The sensor also
# wants its size and times unchanged since its previous look (see is_settled), as a slow share can stall longer.
SETTLE_SECONDS = 5.0
GUESS_ROWS = HEADER_SCAN_ROWS + 50  # the header is within the first 30 rows; 50 rows after it show the year


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


def read_head(data: bytes, name: str, source: dict) -> Sheet:
    """The first GUESS_ROWS rows of a file, without parsing (or, for a workbook, unpacking) the rest: enough
    to tell its dataset and year before a run, which then reads and checks every row."""
    fmt = detect_format(data, name)
    if fmt in (source.get("formats") or [fmt]):
        if fmt == "csv":
            return _csv_head(data)
        if fmt == "xlsx":
            return read_xlsx(data, source.get("sheet"), limit=GUESS_ROWS)
    sheet = read_sheet(data, name, source)  # JSON has no cheaper way in; other formats raise with the reason
    return Sheet(sheet.format, sheet.rows[:GUESS_ROWS], encoding=sheet.encoding)


def _csv_head(data: bytes) -> Sheet:
    """The first rows as Python's csv module splits them, which is how read_sheet splits them too."""
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    return Sheet("csv", split_rows(text, delimiter, GUESS_ROWS), encoding=encoding, delimiter=delimiter)


def file_years(declaration: Declaration, data: bytes, name: str) -> Counter:
    """How many of a file's first rows fall in each fiscal year (empty when unreadable or not partitioned).
    A file is sent per year, so its first rows name it; rows of other years are the run's partition check's."""
    if not declaration.partition:
        return Counter()
    try:
        table = ingest_sheet(read_head(data, name, declaration.source), declaration).table
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


def times_checked(entry: dict | None) -> int:
    """How often some bytes went through the checks (an entry from before this was counted: once)."""
    return 0 if entry is None else entry.get("checked", 1)


def entry_after(workspace: Workspace, sha256: str, checked_before: int) -> dict | None:
    """The ledger entry a run wrote for these bytes; None when the run stopped before its checks (an older
    entry, from an earlier drop, says nothing about this one)."""
    entry = read_ledger(workspace).get(sha256)
    return entry if times_checked(entry) != checked_before else None


def record(workspace: Workspace, outcome: Outcome) -> None:
    """Remember every file by content hash, so the same bytes dropped again are recognised. Runs of several
    datasets can finish at once, so the read-modify-write holds a lock: no run's entry is lost."""
    sha = outcome.source["sha256"]
    with publish_lock(workspace.state / "locks" / "ledger.lock"):
        ledger = read_ledger(workspace)
        ledger[sha] = {
            "dataset": outcome.dataset, "name": outcome.source["name"], "accepted": outcome.accepted,
            "version": outcome.release.version if outcome.release else None,
            "quarantine": str(outcome.quarantine.relative_to(workspace.root)) if outcome.quarantine else None,
            "at": outcome.source["received"], "checked": times_checked(ledger.get(sha)) + 1}
        write_json_atomic(ledger_path(workspace), ledger)


@dataclass
class Dropped:
    """A file waiting in inbox/; `year` is its fiscal-year partition key (None for datasets not split by year)."""

    dataset: str | None
    path: Path
    sha256: str
    year: str | None = None
    checked: int = 0  # how often these bytes were checked (and rejected) before this drop
    inode: int | None = None  # the file's inode and status-change time when the inbox was walked (see `drop`)
    ctime_ns: int | None = None

    @property
    def drop(self) -> str:
        """Names this drop of these bytes: the hash, the file's inode and its status-change time. Creating,
        copying, renaming or touching a file sets its ctime (Windows and SMB copies keep the mtime, so that
        names nothing), so dropping the same bytes again is always a new drop, while a file left alone keeps
        its name for as long as it waits."""
        if self.inode is None or self.ctime_ns is None:
            st = self.path.stat()
            self.inode, self.ctime_ns = st.st_ino, st.st_ctime_ns
        return f"{self.sha256[:16]}-{self.inode}-{self.ctime_ns}"

    @property
    def run_key(self) -> str:
        """The run_key of this drop's first run. Dagster never repeats a run_key: a drop whose run ended before
        its checks is asked again by the sensor as `<drop>.retry<N>`, and a new drop has a new key."""
        return self.drop


@dataclass
class Inbox:
    """One walk of inbox/: the files to run, the repeats of accepted files, the files no dataset matches, and
    `seen`, every candidate file's file_state by path relative to inbox/ (settled or not), for the sensor."""

    pending: list[Dropped]
    repeats: list[Dropped]
    unmatched: list[Dropped]
    seen: dict[str, list[int]] = field(default_factory=dict)


def file_state(st: os.stat_result) -> list[int]:
    """What a copy in progress changes: the size, the mtime and the ctime (which every write sets, even when
    the copying tool has already set the mtime it keeps)."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def is_settled(path: Path, now: float | None = None, before: list[int] | None = None,
               st: os.stat_result | None = None) -> bool:
    """Not still being copied: not a partial-download name, untouched for SETTLE_SECONDS and, when `before`
    is its file_state at an earlier look (the sensor's previous evaluation), unchanged since then."""
    if path.name.startswith(".") or path.name.endswith(PARTIAL_SUFFIXES):
        return False
    st = st or path.stat()
    if before is not None and list(before) != file_state(st):
        return False
    return (now or time.time()) - st.st_mtime >= SETTLE_SECONDS


def guess_dataset(workspace: Workspace, data: bytes, name: str) -> str | None:
    """For a file dropped at the top of inbox/: the one declaration whose header it matches. The header is
    within the first rows (find_header looks no further), so only those are read."""
    matches = []
    for declaration in load_all(workspace):
        try:
            sheet = read_head(data, name, declaration.source)
            index = alias_index(declaration)
            row = find_header(sheet.rows, index, declaration.source.get("header", "auto"))
        except UnusableFile:
            continue
        hits = {index[n] for n in (normalise_label(c) for c in sheet.rows[row]) if n in index}
        matches.append((len(hits) / len(declaration.field_names), declaration.id))
    matches.sort(reverse=True)
    if matches and matches[0][0] >= 0.5 and (len(matches) == 1 or matches[0][0] > matches[1][0]):
        return matches[0][1]
    return None


def scan_inbox(workspace: Workspace, settle: bool = True, previous: dict | None = None,
               seen: dict | None = None) -> list[Dropped]:
    """Files waiting in inbox/ or inbox/<dataset>/, in path order, that are completely written. `previous`:
    each file's file_state at the sensor's last look (a file seen then must be unchanged since); `seen` is
    filled with every candidate file's file_state now."""
    found = []
    if not workspace.inbox.is_dir():
        return []
    for path in sorted(workspace.inbox.rglob("*")):
        if not path.is_file() or path.name.lower() == "readme.md":
            continue
        rel = path.relative_to(workspace.inbox)
        if any(part.startswith(".") for part in rel.parts) or path.name.endswith(PARTIAL_SUFFIXES):
            continue  # hidden names: partial downloads, and files `terbuka publish` is running itself
        try:
            st = path.stat()
            if seen is not None:
                seen[rel.as_posix()] = file_state(st)
            if settle and not is_settled(path, before=(previous or {}).get(rel.as_posix()), st=st):
                continue
            digest = sha256_file(path)  # streamed: a large file is not held in memory to be hashed
        except FileNotFoundError:  # filed away by a run while we looked
            continue
        dataset = rel.parts[0] if len(rel.parts) > 1 else None  # a folder no dataset has: unmatched, never guessed
        found.append(Dropped(dataset, path, digest, inode=st.st_ino, ctime_ns=st.st_ctime_ns))
    return found


def unmatched_note(workspace: Workspace, dropped: Dropped) -> str:
    """Why a waiting file is not taken, and where it should go (Indonesian / English)."""
    names = ", ".join(d.id for d in load_all(workspace))
    if dropped.dataset:
        return (f"{dropped.path.name}: folder inbox/{dropped.dataset}/ bukan dataset yang dideklarasikan / is not a "
                f"declared dataset ({names}); pindahkan ke / move it to inbox/<dataset>/")
    return (f"{dropped.path.name}: judul kolomnya tidak cocok dengan dataset mana pun / its header matches no "
            f"declared dataset ({names}); letakkan di / put it in inbox/<dataset>/")


def live_sources(workspace: Workspace, dataset: str) -> set[str]:
    """SHA-256 of the files whose rows make up the latest live release of a dataset (its provenance)."""
    from publish.releases import dataset_dir, latest_release

    latest = latest_release(workspace, dataset)
    if latest is None:
        return set()
    path = dataset_dir(workspace, dataset) / latest["version"] / "provenance.json"
    slices = json.loads(path.read_text()).get("slices", []) if path.is_file() else []
    return {s["source"]["sha256"] for s in slices if s.get("source", {}).get("sha256")}


def pending_files(workspace: Workspace, settle: bool = True, previous: dict | None = None) -> Inbox:
    """The one walk of inbox/ behind the sensor, the raw asset and `terbuka run`, so all three agree on what
    waits. Only bytes in the latest live release count as done: a rejected file dropped again is checked again (its declaration
    or reference data may have been fixed since) and gets a fresh report. Files to run come in dependency
    order, so a dataset's references are published before it. With `settle` only files untouched for
    SETTLE_SECONDS count and, for the sensor, a file whose file_state differs from `previous` (its last look:
    Inbox.seen then) waits one look more."""
    from assets.factory import partition_for

    ledger = read_ledger(workspace)
    declarations = {d.id: d for d in load_all(workspace)}
    inbox = Inbox([], [], [])
    live: dict[str, set[str]] = {}
    for dropped in scan_inbox(workspace, settle, previous, inbox.seen):
        if dropped.dataset is not None and dropped.dataset not in declarations:
            inbox.unmatched.append(dropped)
            continue
        entry = ledger.get(dropped.sha256)
        if entry and entry["accepted"]:
            dataset = dropped.dataset or entry["dataset"]
            if dataset not in live:
                live[dataset] = live_sources(workspace, dataset)
            if dropped.sha256 in live[dataset]:
                dropped.dataset = dataset
                inbox.repeats.append(dropped)
                continue
            # accepted once, but its data is no longer in the latest live version (replaced by a later file,
            # or withdrawn): dropping it again is how an officer brings it back, so it runs again
        try:
            data = dropped.path.read_bytes()
        except FileNotFoundError:  # taken by a run meanwhile
            continue
        dropped.dataset = dropped.dataset or guess_dataset(workspace, data, dropped.path.name)
        if dropped.dataset is None:
            inbox.unmatched.append(dropped)
            continue
        dropped.year = partition_for(declarations[dropped.dataset], data, dropped.path.name)
        dropped.checked = times_checked(entry)
        inbox.pending.append(dropped)
    order = list(declarations)
    inbox.pending.sort(key=lambda d: order.index(d.dataset))  # stable: path order within a dataset
    return inbox


def file_away(workspace: Workspace, dropped: Dropped, accepted: bool) -> Path | None:
    """Take a processed file out of the inbox. Accepted files (and repeats) move to the archive under their
    own name. A rejected file's bytes are already kept twice, in state/raw/ and beside its report in
    quarantine (under the same name), so the inbox copy is removed rather than kept a third time."""
    if not accepted:
        dropped.path.unlink(missing_ok=True)
        return None
    folder = workspace.archive / (dropped.dataset or "_unknown")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{dropped.sha256[:12]}-{dropped.path.name}"
    shutil.move(str(dropped.path), target)
    return target
