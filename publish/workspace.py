"""A workspace: the folder holding declarations, the inbox, the portal and pipeline state.

One `Workspace` object is made per command, run or code-server process and handed down: it knows every
path, and reads `terbuka.json` and the declarations once (`config`, `declarations`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from filelock import FileLock, Timeout

from publish.config import Config, read_config
from publish.declarations import Declaration, UnknownDataset, read_declarations

ENV_VAR = "TERBUKA_WORKSPACE"
REPO_ROOT = Path(__file__).resolve().parent.parent
LOCK_WAIT = 600.0  # seconds a publish waits for another one of the same dataset before giving up


class LockTimeout(Exception):
    """Another publish held a lock for longer than we were willing to wait."""


@dataclass(frozen=True)
class Workspace:
    """Paths of one workspace; every stage reads and writes only below `root`."""

    root: Path

    # --- what officers and the public see ---------------------------------------------------------
    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def config_file(self) -> Path:
        return self.root / "terbuka.json"

    # --- the record under state/ ------------------------------------------------------------------
    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def raw(self) -> Path:
        """Every file received, byte for byte, under its SHA-256."""
        return self.state / "raw"

    @property
    def incoming(self) -> Path:
        """Files handed over on the command line, each in a folder named by the process handing it over,
        until its run has read them (the raw snapshot then keeps the bytes)."""
        return self.state / "incoming"

    @property
    def quarantine(self) -> Path:
        return self.state / "quarantine"

    @property
    def held(self) -> Path:
        """Files that passed their checks but wait for an officer's confirmation (the change guard)."""
        return self.state / "held"

    @property
    def archive(self) -> Path:
        return self.state / "archive"

    @property
    def releases(self) -> Path:
        """The release store: every version ever published, the source the portal is rendered from.
        It is only appended to; site/ and the preview mirror it."""
        return self.state / "releases"

    @property
    def issued(self) -> Path:
        """Append-only record of every version number ever issued, with its manifest's hash."""
        return self.state / "issued.jsonl"

    @property
    def promoted(self) -> Path:
        """Every version ever put live in site/: what the public may have cited."""
        return self.state / "promoted.json"

    @property
    def ledger(self) -> Path:
        """Append-only record of what happened to each file (one JSON object per line)."""
        return self.state / "ledger.jsonl"

    @property
    def preview(self) -> Path:
        """The portal as it will look, built before it is promoted to site/."""
        return self.state / "preview"

    @property
    def dagster_home(self) -> Path:
        return self.state / "dagster"

    @property
    def locks(self) -> Path:
        return self.state / "locks"

    def lock(self, name: str, timeout: float = LOCK_WAIT) -> "_Lock":
        """An exclusive lock across processes, released by the kernel when its holder dies (even by SIGKILL),
        so a killed run never leaves a stale lock. Names: a dataset id, `portal`, `ledger`."""
        return _Lock(self.locks / f"{name}.lock", timeout)

    # --- what is declared, read once --------------------------------------------------------------
    @cached_property
    def config(self) -> Config:
        return read_config(self.config_file)

    @cached_property
    def declarations(self) -> dict[str, Declaration]:
        """Every declaration, referenced datasets first (checked as it is read)."""
        return {d.id: d for d in read_declarations(self.schemas)}

    def declaration(self, dataset: str) -> Declaration:
        try:
            return self.declarations[dataset]
        except KeyError:
            known = ", ".join(self.declarations) or "none"
            raise UnknownDataset(f"dataset '{dataset}' tidak dideklarasikan / no dataset called '{dataset}' "
                                   f"is declared (known: {known})") from None

    def ensure(self) -> "Workspace":
        for path in (self.inbox, self.site, self.releases, self.raw, self.quarantine, self.held, self.archive,
                     self.dagster_home, self.locks):
            path.mkdir(parents=True, exist_ok=True)
        return self

    def rel(self, path: Path) -> str:
        """A path as officers read it: relative to the workspace."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


class _Lock:
    """filelock's FileLock with our timeout message."""

    def __init__(self, path: Path, timeout: float):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.timeout = path, timeout
        self._lock = FileLock(str(path), timeout=timeout)

    def __enter__(self):
        try:
            self._lock.acquire()
        except Timeout:
            raise LockTimeout(f"another run has held {self.path.name} for over {self.timeout:.0f} s") from None
        return self

    def __exit__(self, *exc):
        self._lock.release()


def resolve_workspace(path: str | os.PathLike | None = None) -> Workspace:
    """The workspace named by `path`, else $TERBUKA_WORKSPACE, else the repository root."""
    chosen = path or os.environ.get(ENV_VAR) or REPO_ROOT
    return Workspace(Path(chosen).expanduser().resolve())
