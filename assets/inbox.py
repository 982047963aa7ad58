"""The inbox: which dropped files are complete and waiting, for which dataset and fiscal year, in drop order.

One walk of inbox/ serves the sensor, `terbuka run` and the CLI, so all agree on what waits. A file is
taken only when complete: not a name copy tools use while writing, not open for writing by any process
this machine can see, unchanged (size, mtime, ctime) across looks at least `settleSeconds` apart, and, for
a workbook, a whole ZIP archive."""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assets.calendar import choose_partition, fiscal_years
from assets.limits import check_size
from assets.regions import choose_region, split_by_region
from assets.grid import split_rows
from assets.ingest import HEADER_SCAN_ROWS, alias_index, find_header, ingest_sheet, normalise_label
from assets.source import Source
from assets.reading import (Sheet, UnusableFile, csv_head, decode_text, detect_format, read_sheet, read_xlsx,
                            sniff_delimiter)
from publish.declarations import Declaration
from publish.files import sha256_file
from publish.regions import REGION_FIELD, served_regions
from publish.releases import dataset_dir, latest_release
from publish.workspace import Workspace

# Names copy tools, browsers and office programs use for a file still being written, and system files.
PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".download", ".filepart", "~")
IGNORED_NAMES = {"readme.md", "thumbs.db", "desktop.ini", ".ds_store"}
GUESS_ROWS = HEADER_SCAN_ROWS + 50  # the header is within the first 30 rows; 50 rows after it show the year
# A file that never looks complete (a workbook whose archive stays broken) is taken after this long
# unchanged, so it gets a rejection with its reason instead of waiting in silence.
GIVE_UP_WAITING = 600.0


def is_candidate(rel: Path) -> bool:
    """Not a hidden name, a partial-download name, an Office lock file (~$Book.xlsx) or a system file."""
    name = rel.name
    return not (any(part.startswith(".") for part in rel.parts) or name.endswith(PARTIAL_SUFFIXES)
                or name.startswith("~$") or name.lower() in IGNORED_NAMES)


def file_state(st: os.stat_result) -> list[int]:
    """What a copy in progress changes: the size, the mtime and the ctime (which every write sets, even when
    the copying tool has already set the mtime it keeps)."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def open_for_writing(files: dict[tuple[int, int], Path]) -> set[tuple[int, int]]:
    """Which of these files (by device and inode) a process on this machine holds open for writing: a copy
    that pauses (a slow share, a USB stick) still holds its file open. Linux only (/proc); processes of
    other users are invisible without privileges, so this is one safeguard among several, not the only one."""
    busy: set[tuple[int, int]] = set()
    proc = Path("/proc")
    if not files or not (proc / "self" / "fdinfo").is_dir():
        return busy
    for pid in os.listdir(proc):
        if not pid.isdigit():
            continue
        try:
            fds = os.listdir(proc / pid / "fd")
        except OSError:
            continue
        for fd in fds:
            try:
                st = os.stat(proc / pid / "fd" / fd)
            except OSError:
                continue
            key = (st.st_dev, st.st_ino)
            if key in files and key not in busy and _writable(proc / pid / "fdinfo" / fd):
                busy.add(key)
    return busy


def _writable(fdinfo: Path) -> bool:
    try:
        for line in fdinfo.read_text().splitlines():
            if line.startswith("flags:"):
                return bool(int(line.split()[1], 8) & (os.O_WRONLY | os.O_RDWR))
    except (OSError, ValueError, IndexError):
        pass
    return False


def looks_complete(path: Path) -> bool:
    """A workbook must open as a whole ZIP archive (its directory is written last); JSON must end its
    outermost value. A CSV has no such mark: the looks and the change guard cover it."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            with zipfile.ZipFile(path) as archive:
                return bool(archive.namelist())
        if suffix == ".json":
            with open(path, "rb") as fh:
                fh.seek(max(0, path.stat().st_size - 64))
                return fh.read().rstrip()[-1:] in (b"]", b"}")
    except (OSError, zipfile.BadZipFile, IndexError):
        return False
    return True


@dataclass
class Dropped:
    """A file waiting in inbox/; `year` is its fiscal-year partition key (None for datasets not split by year),
    `region` the region it is for (None unless the workspace serves several regions and the dataset is split by
    them)."""

    dataset: str | None
    path: Path
    sha256: str
    year: str | None = None
    inode: int | None = None  # the file's inode and status-change time when the inbox was walked (see `drop`)
    ctime_ns: int | None = None
    state: list[int] | None = None  # file_state when taken: a run refuses the file if it changed since
    region: str | None = None

    @property
    def drop(self) -> str:
        """Names this drop of these bytes: the hash, the file's inode and its status-change time. Creating,
        copying, renaming or touching a file sets its ctime, so dropping the same bytes again is always a new
        drop, while a file left alone keeps its name for as long as it waits."""
        if self.inode is None or self.ctime_ns is None:
            st = self.path.stat()
            self.inode, self.ctime_ns = st.st_ino, st.st_ctime_ns
        return f"{self.sha256[:16]}-{self.inode}-{self.ctime_ns}"


@dataclass
class Inbox:
    """One walk of inbox/: the files to run (dependency order, then drop order), the repeats of files whose
    bytes are already live, the files no dataset matches, the files still arriving (with why), and `looks`,
    what was seen of every candidate file, for the sensor's next look."""

    pending: list[Dropped] = field(default_factory=list)
    repeats: list[Dropped] = field(default_factory=list)
    unmatched: list[Dropped] = field(default_factory=list)
    arriving: dict[str, str] = field(default_factory=dict)
    looks: dict[str, dict] = field(default_factory=dict)


def read_head(data: bytes | Path, name: str, source: dict) -> Sheet:
    """The first GUESS_ROWS rows of a file, without parsing (or, for a workbook, unpacking) the rest: enough
    to tell its dataset and year before a run, which then reads and checks every row. A CSV file on disk
    (`data` a Path) is read from its start only."""
    fmt = detect_format(data, name)
    if fmt in (source.get("formats") or [fmt]):
        if fmt == "csv" and isinstance(data, Path):
            return csv_head(data, GUESS_ROWS)
        if fmt == "csv":
            text, encoding = decode_text(data)
            delimiter = sniff_delimiter(text)
            return Sheet("csv", split_rows(text, delimiter, GUESS_ROWS), encoding=encoding, delimiter=delimiter)
        if fmt == "xlsx":
            return read_xlsx(Source.of(data).whole(), source.get("sheet"), limit=GUESS_ROWS)
    sheet = read_sheet(data, name, source)  # JSON has no cheaper way in; other formats raise with the reason
    return Sheet(sheet.format, sheet.rows[:GUESS_ROWS], encoding=sheet.encoding)


def partitions_for(declaration: Declaration, data: bytes | Path, name: str,
                   regions: list[str] | None = None) -> tuple[str | None, str | None]:
    """(year, region) of a file from one read of its first rows: the commonest year, and, when `regions` are
    given (a dataset split by region), the commonest of those region codes (None when the file names none)."""
    if not declaration.partition:
        return None, None
    years, codes = Counter(), Counter()
    try:
        table = ingest_sheet(read_head(data, name, declaration.source), declaration).table
        years.update(y for y in table.column(declaration.partition).to_pylist() if y is not None)
        if regions and REGION_FIELD in table.column_names:
            codes.update(c for c in table.column(REGION_FIELD).to_pylist() if c is not None)
    except UnusableFile:
        pass
    return choose_partition(years, fiscal_years()), (choose_region(codes, regions) if regions else None)


def guess_dataset(declarations: list[Declaration], data: bytes | Path, name: str) -> str | None:
    """For a file dropped at the top of inbox/: the one declaration whose header it matches best."""
    matches = []
    for declaration in declarations:
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


def live_sources(workspace: Workspace, dataset: str) -> set[str]:
    """SHA-256 of the files whose rows make up the latest live release of a dataset (its provenance)."""
    latest = latest_release(workspace, dataset)
    if latest is None:
        return set()
    path = dataset_dir(workspace, dataset) / latest["version"] / "provenance.json"
    slices = json.loads(path.read_text()).get("slices", []) if path.is_file() else []
    return {s["source"]["sha256"] for s in slices if s.get("source", {}).get("sha256")}


def pending_files(workspace: Workspace, settle: bool = True, looks: dict | None = None,
                  now: float | None = None) -> Inbox:
    """Walk inbox/ once. With `settle` (the sensor), a file counts only when it was seen unchanged for
    settleSeconds across looks (`looks`: Inbox.looks of the previous walk); without (an officer's explicit
    `terbuka run`), every complete file counts. Files open for writing never count. Only bytes in the latest
    live release are repeats: a rejected file dropped again is checked again, and an accepted file whose
    data was replaced since brings it back."""
    now = time.time() if now is None else now
    looks = looks or {}
    declarations = workspace.declarations
    inbox = Inbox()
    if not workspace.inbox.is_dir():
        return inbox
    candidates: list[tuple[str, Path, os.stat_result]] = []
    for path in sorted(workspace.inbox.rglob("*")):
        rel = path.relative_to(workspace.inbox)
        if not is_candidate(rel) or path.is_symlink() or not path.is_file():
            continue
        try:
            candidates.append((rel.as_posix(), path, path.stat()))
        except FileNotFoundError:  # filed away by a run while we looked
            continue
    writing = open_for_writing({(st.st_dev, st.st_ino): path for _, path, st in candidates})
    live: dict[str, set[str]] = {}
    wait = workspace.config.settle_seconds
    for rel, path, st in candidates:
        state = file_state(st)
        before = looks.get(rel) or {}
        look = dict(before) if before.get("state") == state else {"state": state, "since": now}
        inbox.looks[rel] = look
        if (st.st_dev, st.st_ino) in writing:
            look["since"] = now
            inbox.arriving[rel] = "still open for writing"
            continue
        unchanged = now - look["since"]
        if settle and unchanged < wait:
            inbox.arriving[rel] = f"unchanged for {unchanged:.0f} of {wait:.0f} s"
            continue
        if not looks_complete(path) and unchanged < max(GIVE_UP_WAITING, wait):
            inbox.arriving[rel] = "incomplete (the copy may not be finished)"
            continue
        try:
            dropped = _identify(workspace, declarations, rel, path, st, look)
        except FileNotFoundError:
            inbox.looks.pop(rel, None)
            continue
        if dropped.dataset is None or dropped.dataset not in declarations:
            inbox.unmatched.append(dropped)
            continue
        if dropped.dataset not in live:
            live[dropped.dataset] = live_sources(workspace, dropped.dataset)
        if dropped.sha256 in live[dropped.dataset]:
            inbox.repeats.append(dropped)
        else:
            inbox.pending.append(dropped)
    order = list(declarations)
    inbox.pending.sort(key=lambda d: (order.index(d.dataset), d.ctime_ns, d.path.name))
    return inbox


def _identify(workspace: Workspace, declarations: dict[str, Declaration], rel: str, path: Path,
              st: os.stat_result, look: dict) -> Dropped:
    """Hash, dataset and year of a file, remembered in its look so a file waiting through many looks is read
    once (a look is only reused while the file's size and times stay the same)."""
    if "sha256" not in look or "region" not in look:  # a look from before regions were read is read again
        folder = rel.split("/")[0] if "/" in rel else None  # a folder no dataset has: unmatched, never guessed
        if folder in declarations and past_limit(declarations[folder], st.st_size):
            # never read whole into memory: its run refuses it, unread, naming the limit
            look.update(sha256=sha256_file(path), dataset=folder, year=None, region=None)
        else:
            look["sha256"] = sha256_file(path)  # read in pieces
            # a CSV file's guesses read its start only; a workbook or JSON is read once for all of them
            data = path if detect_format(path, path.name) == "csv" else path.read_bytes()
            dataset = folder or guess_dataset(list(declarations.values()), data, path.name)
            look["dataset"] = dataset
            look["year"], look["region"] = None, None
            if dataset in declarations:
                declaration = declarations[dataset]
                regions = ([r.kode for r in served_regions(workspace.config)]
                           if split_by_region(workspace, declaration) else None)
                look["year"], look["region"] = partitions_for(declaration, data, path.name, regions)
    return Dropped(look["dataset"], path, look["sha256"], look["year"], inode=st.st_ino, ctime_ns=st.st_ctime_ns,
                   state=file_state(st), region=look.get("region"))


def past_limit(declaration: Declaration, size: int) -> bool:
    try:
        check_size(size, declaration.source)
    except UnusableFile:
        return True
    return False


def unmatched_note(workspace: Workspace, dropped: Dropped) -> str:
    """Why a waiting file is not taken, and where it should go (Indonesian / English)."""
    names = ", ".join(workspace.declarations)
    if dropped.dataset:
        return (f"{dropped.path.name}: folder inbox/{dropped.dataset}/ bukan dataset yang dideklarasikan / is not a "
                f"declared dataset ({names}); pindahkan ke / move it to inbox/<dataset>/")
    return (f"{dropped.path.name}: judul kolomnya tidak cocok dengan dataset mana pun / its header matches no "
            f"declared dataset ({names}); letakkan di / put it in inbox/<dataset>/")


def file_away(workspace: Workspace, dropped: Dropped, accepted: bool) -> Path | None:
    """Take a processed file out of the inbox, unless it changed since it was taken (then it is a new drop
    and stays). Accepted files (and repeats) move to the archive under their own name. A rejected file's
    bytes are already kept twice, in state/raw/ and beside its report, so the inbox copy is removed."""
    try:
        if dropped.state is not None and file_state(dropped.path.stat()) != dropped.state:
            return None
    except FileNotFoundError:
        return None
    if not accepted:
        dropped.path.unlink(missing_ok=True)
        return None
    folder = workspace.archive / (dropped.dataset or "_unknown")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{dropped.sha256[:12]}-{dropped.path.name}"
    shutil.move(str(dropped.path), target)
    return target
