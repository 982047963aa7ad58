"""One path for a file: read it once, snapshot it, check it, then quarantine, hold or release it, and record.

The Dagster assets, the command line and the tests all call `process_file`; it imports no Dagster."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from assets.failures import SYSTEM_ERRORS, describe_failure
from assets.inbox import Dropped, file_away, file_state
from assets.limits import check_size
from assets.unusable import UnusableFile
from assets.validation import Checked, check_file, reference_tables
from publish.files import CHUNK, fsync_dir, sha256_file
from publish.held import release_held, write_held
from publish.ledger import record
from publish.quarantine import quarantine_file
from publish.releases import (ReleaseHeld, ReleaseResult, dataset_dir, latest_release,
                              write_release)
from publish.report import Problem, Report
from publish.workspace import Workspace

# What each outcome means to a script: 0 published or unchanged, 1 rejected (the file's fault), 2 unusable
# file, 3 a problem of the system (disk, permissions, damaged store, internal error), 4 held for confirmation.
EXIT_CODES = {"published": 0, "unchanged": 0, "rejected": 1, "unusable": 2, "system": 3, "changed": 3, "held": 4}
ACCEPTED = ("published", "unchanged")


class FileChanged(Exception):
    """The file is not the one the run was started for, or it changed while it was being checked."""


@dataclass
class Intake:
    """A file handed to the pipeline: where its bytes are, and what the run was started for."""

    dataset: str
    path: Path
    name: str = ""
    sha256: str | None = None  # the bytes the run was started for (None: whatever the file holds now)
    year: str | None = None  # the fiscal-year partition being processed
    region: str | None = None  # the region being processed, in a workspace split by region
    dropped: Dropped | None = None  # the inbox file to file away afterwards
    confirm: str | None = None  # an officer confirmed this SHA-256 past the change guard

    def __post_init__(self):
        self.name = self.name or self.path.name


@dataclass
class Outcome:
    """What happened to one file, with its cause in words."""

    dataset: str
    name: str
    status: str = "system"
    source: dict = field(default_factory=dict)
    checked: Checked | None = None
    release: ReleaseResult | None = None
    quarantine: Path | None = None
    held: Path | None = None
    cause: tuple[str, str] | None = None  # (Indonesian, English) for held, system and changed outcomes

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    @property
    def accepted(self) -> bool:
        return self.status in ACCEPTED

    def message(self, workspace: Workspace, lang: str = "both") -> str:
        """The outcome in words: "id", "en", or "both" (the Dagster run log, where readers differ)."""
        ds, name = self.dataset, self.name
        if self.status == "published":
            r = self.release
            said = pick(lang, f"versi {r.version} diterbitkan", f"published version {r.version}")
            return f"{ds}: {name} → {said} ({r.change})"
        if self.status == "unchanged":
            v = self.release.version
            return f"{ds}: {name} " + pick(lang, f"tidak berubah (isinya sama dengan versi {v})",
                                           f"unchanged (content equals version {v})")
        if self.status in ("rejected", "unusable"):
            return f"{ds}: {name} " + rejection(self.checked, workspace.rel(self.quarantine / "report.html"), lang)
        said_id, said_en = self.cause or ("kesalahan tak dikenal", "unknown error")
        return f"{ds}: {name}: " + (pick(lang, said_id, said_en) if lang != "both" else f"{said_id}\n    {said_en}")

    def summary(self, workspace: Workspace) -> dict:
        """Stable keys for scripts (`--json`) and run metadata."""
        report = self.checked.report if self.checked else None
        return {"status": self.status, "exit_code": self.exit_code, "dataset": self.dataset, "file": self.name,
                "sha256": self.source.get("sha256"), "version": self.release.version if self.release else None,
                "change": self.release.change if self.release else None,
                "errors": report.errors if report else None, "warnings": report.warnings if report else None,
                "quarantine": workspace.rel(self.quarantine) if self.quarantine else None,
                "held": workspace.rel(self.held) if self.held else None,
                "cause_id": self.cause[0] if self.cause else None, "cause_en": self.cause[1] if self.cause else None,
                "message": self.message(workspace), "message_id": self.message(workspace, "id"),
                "message_en": self.message(workspace, "en")}


def pick(lang: str, said_id: str, said_en: str) -> str:
    """A sentence in the reader's language, or both ("id / en")."""
    return said_id if lang == "id" else said_en if lang == "en" else f"{said_id} / {said_en}"


def rejection(checked: Checked, report_path: str, lang: str = "both") -> str:
    """A rejection in words: the error count, the first problem, where the report is."""
    report = checked.report
    kind = pick(lang, "tidak dapat dibaca", "unusable") if report.unusable else pick(lang, "ditolak", "rejected")
    first = next((g for g in report.groups() if g["severity"] == "error"), None)
    said = f" — {pick(lang, first['note_id'] or first['note'], first['note'])}" if first else ""
    example = first["examples"][0] if first and first["examples"] else None
    if example and example.get("row"):
        said += f" ({pick(lang, 'baris', 'row')} {example['row']}" + (f", {example['field']}" if example.get("field") else "")
        said += f" = {example['value']!r})" if example.get("value") is not None else ")"
    errors = pick(lang, "kesalahan", "errors")
    return f"{kind}: {report.errors} {errors}{said}\n    {pick(lang, 'laporan', 'report')}: {report_path}"


def snapshot(workspace: Workspace, dataset: str, taken: Path, name: str, sha256: str) -> dict:
    """Keep the original bytes (`taken`, the copy _take made) under state/raw/<dataset>/<sha256>/ and describe
    them."""
    target = workspace.raw / dataset / sha256 / Path(name).name
    size = taken.stat().st_size
    if target.exists():
        taken.unlink()
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(taken, target)
        fsync_dir(target.parent)
    received = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return {"name": Path(name).name, "sha256": sha256, "bytes": size, "received": received,
            "path": workspace.rel(target)}


def _take(workspace: Workspace, dataset: str, intake: Intake) -> tuple[Path, str]:
    """The file copied under state/raw/<dataset>/ and hashed in the same read, never whole in memory: the bytes
    checked are the bytes hashed, whatever happens to the original meanwhile."""
    folder = workspace.raw / dataset
    folder.mkdir(parents=True, exist_ok=True)
    taken = folder / f".{Path(intake.name).name}.{os.getpid()}.tmp"
    digest = hashlib.sha256()
    try:
        with open(intake.path, "rb") as source, open(taken, "wb") as copy:
            for block in iter(lambda: source.read(CHUNK), b""):
                digest.update(block)
                copy.write(block)
            copy.flush()
            os.fsync(copy.fileno())
    except FileNotFoundError:
        taken.unlink(missing_ok=True)
        raise FileChanged("it is gone from where it was dropped (moved or deleted)") from None
    sha = digest.hexdigest()
    if intake.sha256 and sha != intake.sha256:
        taken.unlink()
        raise FileChanged(f"it holds other bytes (SHA-256 {sha[:12]}) than the run was started for "
                          f"({intake.sha256[:12]})")
    return taken, sha


def process_file(workspace: Workspace, intake: Intake, run_id: str | None = None) -> Outcome:
    """Take one file through the whole path; every outcome, including a failure of the system, comes back
    as an Outcome with its cause in words. Only a bug raises."""
    outcome = Outcome(intake.dataset, intake.name)
    done = False  # whether the release store holds the outcome already (a failure after it must say so)
    where = workspace.raw  # the folder the current step writes to, for errors that do not name their file
    try:
        declaration = workspace.declaration(intake.dataset)
        too_big = _too_big(intake, declaration)
        if too_big is not None:  # refused unread: a file past its byte limit is never taken into memory
            return _refuse_unread(workspace, intake, too_big, outcome, run_id)
        taken, sha = _take(workspace, declaration.id, intake)
        outcome.source = snapshot(workspace, declaration.id, taken, intake.name, sha)
        data = workspace.root / outcome.source["path"]  # the snapshot: read from disk, in chunks
        if intake.dropped is not None:
            outcome.source["inbox_path"] = workspace.rel(intake.dropped.path)
        outcome.checked = _check(workspace, declaration, data, intake, sha)
        report = outcome.checked.report
        if not report.valid:
            where = workspace.quarantine
            outcome.quarantine = quarantine_file(workspace, report, data, intake.name)
            outcome.status = "unusable" if report.unusable else "rejected"
        else:
            _unchanged_since_read(intake)
            doc = report.to_dict()
            doc["rules"] = outcome.checked.rules
            where = workspace.releases
            try:
                outcome.release = write_release(workspace, declaration, outcome.checked.rows, doc,
                                                outcome.source, run_id=run_id, confirmed=confirms(intake.confirm, sha))
                outcome.status = "unchanged" if outcome.release.unchanged else "published"
            except ReleaseHeld as held:
                outcome.held = write_held(workspace, outcome.source, intake.year, held.removal)
                outcome.status = "held"
                outcome.cause = held.removal.explain(f"terbuka confirm {declaration.id} {sha[:16]}")
        done, where = True, workspace.state
        record(workspace, ledger_entry(workspace, outcome, run_id))
        if outcome.status == "published" and confirms(intake.confirm, sha):
            release_held(workspace, declaration.id, sha)
        if intake.dropped is not None and outcome.status != "changed":
            file_away(workspace, intake.dropped, accepted=outcome.accepted)
    except FileChanged as exc:
        outcome.status = "changed"
        outcome.cause = (f"berkas berubah: {exc}; berkas tetap di inbox dan diambil lagi setelah tidak berubah",
                         f"the file changed: {exc}; it stays in the inbox and is taken again once it stops changing")
    except SYSTEM_ERRORS as exc:
        outcome.status = "system"
        outcome.cause = describe_failure(workspace, exc, published=outcome.release if done else None, where=where)
    finally:
        if outcome.checked is not None:
            outcome.checked.close()  # the working table's memory and spill files; the head and report stay
    return outcome


def confirms(confirm: str | None, sha: str) -> bool:
    """An officer's confirmation names these bytes: their SHA-256, or at least its first 8 characters."""
    return bool(confirm) and len(confirm) >= 8 and sha.startswith(confirm.lower())


def reprocess(workspace: Workspace, declaration, year: str) -> list[Intake]:
    """The snapshots behind one fiscal year of the latest release, to take through the path again (a
    backfill: after a declaration or a referenced dataset changed)."""
    latest = latest_release(workspace, declaration.id)
    if latest is None or not declaration.partition:
        return []
    provenance = json.loads((dataset_dir(workspace, declaration.id) / latest["version"] / "provenance.json").read_text())
    out: list[Intake] = []
    for item in provenance.get("slices", []):
        origin = item["source"]
        if str(item["slice"].get(declaration.partition)) != year or not origin.get("sha256"):
            continue
        path = workspace.raw / declaration.id / origin["sha256"] / origin["name"]
        if path.is_file() and all(i.sha256 != origin["sha256"] for i in out):
            out.append(Intake(declaration.id, path, sha256=origin["sha256"], year=year))
    return out


def _too_big(intake: Intake, declaration) -> UnusableFile | None:
    try:
        check_size(intake.path.stat().st_size, declaration.source)
    except UnusableFile as exc:
        return exc
    except FileNotFoundError:
        raise FileChanged("it is gone from where it was dropped (moved or deleted)") from None
    return None


def _refuse_unread(workspace: Workspace, intake: Intake, exc: UnusableFile, outcome: Outcome,
                   run_id: str | None) -> Outcome:
    """A file past its dataset's byte limit: hashed and kept (streamed), reported unusable, never parsed."""
    sha = sha256_file(intake.path)
    if intake.sha256 and sha != intake.sha256:
        raise FileChanged(f"it holds other bytes (SHA-256 {sha[:12]}) than the run was started for")
    report = refusal(intake.dataset, intake.name, sha, exc)
    outcome.source = {"name": intake.name, "sha256": sha, "bytes": intake.path.stat().st_size,
                      "received": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                      "path": None}
    outcome.checked = Checked(None, report, [])
    outcome.quarantine = quarantine_file(workspace, report, intake.path, intake.name)
    outcome.status = "unusable"
    record(workspace, ledger_entry(workspace, outcome, run_id))
    if intake.dropped is not None:
        file_away(workspace, intake.dropped, accepted=False)
    return outcome


def refusal(dataset: str, name: str, sha: str, exc: UnusableFile) -> Report:
    """The report of a file refused before it is read (past its byte limit)."""
    report = Report(dataset=dataset, source=name, sha256=sha, unusable=True)
    report.add(Problem(type="source-error", note=exc.message_en, note_id=exc.message_id))
    return report


def _check(workspace: Workspace, declaration, data: Path, intake: Intake, sha: str) -> Checked:
    """Every check; a file that makes a reader fail unexpectedly is that file's problem, never a crash that
    stops other files: it is kept in quarantine as unusable, with the error named."""
    references = reference_tables(workspace, declaration)  # a damaged store is the system's problem, not the file's
    try:
        return check_file(data, intake.name, declaration, references, partition=intake.year, sha256=sha,
                          state=workspace.state, region=intake.region)
    except SYSTEM_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes this file's outcome
        return Checked(None, _unreadable_report(declaration.id, intake.name, sha, exc), [])


def _unreadable_report(dataset: str, name: str, sha: str, exc: Exception):
    report = Report(dataset=dataset, source=name, sha256=sha, unusable=True)
    what = f"{type(exc).__name__}: {str(exc)[:300]}"
    report.add(Problem(type="source-error",
                       note=f"Terbuka could not read this file ({what}). It is kept; send it as UTF-8 CSV or XLSX, "
                            "or report the problem with this file attached.",
                       note_id=f"Terbuka tidak dapat membaca berkas ini ({what}). Berkas disimpan; kirim sebagai "
                               "CSV UTF-8 atau XLSX, atau laporkan masalah ini dengan melampirkan berkasnya."))
    return report


def _unchanged_since_read(intake: Intake) -> None:
    """A copy that resumed while the file was being checked must not be published half."""
    if intake.dropped is None or intake.dropped.state is None:
        return
    try:
        now = file_state(intake.dropped.path.stat())
    except FileNotFoundError:
        return  # gone from the inbox, but the bytes checked are the snapshot's: still whole as read
    if now != intake.dropped.state:
        raise FileChanged("its size or modification time changed while it was being checked")


def ledger_entry(workspace: Workspace, outcome: Outcome, run_id: str | None) -> dict:
    return {"sha256": outcome.source.get("sha256"), "dataset": outcome.dataset, "name": outcome.name,
            "outcome": outcome.status, "version": outcome.release.version if outcome.release else None,
            "quarantine": workspace.rel(outcome.quarantine) if outcome.quarantine else None,
            "held": workspace.rel(outcome.held) if outcome.held else None,
            "at": outcome.source.get("received"), "run_id": run_id}
