"""Failures of the system, not of a file (a full disk, no permission, a damaged store, a broken declaration),
in the words an officer reads: what failed, where, how much room is left, and what was and was not published."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from publish.config import ConfigError
from publish.declarations import DeclarationError
from publish.releases import ReleaseResult, StoreDamaged
from publish.workspace import LockTimeout, Workspace

# Failures of the system, not of the file: each becomes an outcome with its cause in plain words.
SYSTEM_ERRORS = (OSError, StoreDamaged, LockTimeout, DeclarationError, ConfigError)
_PLAIN = {
    errno.ENOSPC: ("tidak ada ruang tersisa di disk", "no space left on the disk"),
    errno.EDQUOT: ("kuota disk habis", "the disk quota is used up"),
    errno.EACCES: ("tidak ada izin menulis", "no permission to write"),
    errno.EPERM: ("tidak ada izin menulis", "no permission to write"),
    errno.EROFS: ("disk hanya-baca", "the disk is read-only"),
    errno.EIO: ("kesalahan baca/tulis disk", "a disk read/write error"),
}


def describe_failure(workspace: Workspace, exc: BaseException, published: ReleaseResult | None = None,
                     done_id: str = "", done_en: str = "", where: Path | None = None) -> tuple[str, str]:
    """A failure of the system in words, with what was and was not published (Indonesian, English).
    `where`: the folder the failing step wrote to, for errors that do not name their file."""
    if published is not None and not published.unchanged:
        done_id = done_id or f"versi {published.version} sudah ada di penyimpanan rilis"
        done_en = done_en or f"version {published.version} is in the release store"
    else:
        done_id = done_id or "tidak ada yang diterbitkan"
        done_en = done_en or "nothing was published"
    code = _errno(exc)
    if code in _PLAIN:
        path = Path(exc.filename) if getattr(exc, "filename", None) else (where or workspace.root)
        folder = _folder_of(workspace, path)
        said_id, said_en = _PLAIN[code]
        if code in (errno.ENOSPC, errno.EDQUOT):
            free = _free(path)
            return (f"{said_id} yang memuat {folder} ({free} bebas); {done_id}",
                    f"{said_en} holding {folder}: {free} free; {done_en}")
        return (f"{said_id}: {workspace.rel(path)}; {done_id}", f"{said_en}: {workspace.rel(path)}; {done_en}")
    if isinstance(exc, OSError):
        at = workspace.rel(Path(exc.filename)) if exc.filename else workspace.rel(where) if where else "?"
        return (f"kesalahan sistem berkas ({exc.strerror or exc}) pada {at}; {done_id}",
                f"file-system error ({exc.strerror or exc}) at {at}; {done_en}")
    return (f"{exc}; {done_id}", f"{exc}; {done_en}")


_MESSAGES = {"no space left": errno.ENOSPC, "disk quota": errno.EDQUOT, "read-only file system": errno.EROFS,
             "permission denied": errno.EACCES}


def _errno(exc: BaseException) -> int | None:
    """The error number, also for libraries that raise OSError with only a message (Arrow's writers)."""
    if not isinstance(exc, OSError):
        return None
    if exc.errno:
        return exc.errno
    text = str(exc).lower()
    return next((code for words, code in _MESSAGES.items() if words in text), None)


def _folder_of(workspace: Workspace, path: Path) -> str:
    """The workspace folder a path is in, as officers know them: site/, state/releases/, inbox/ ..."""
    parts = workspace.rel(path).split("/")
    if parts[0] == "state" and len(parts) > 1:
        return f"state/{parts[1]}/"
    return f"{parts[0]}/"


def _free(path: Path) -> str:
    for folder in [path, *path.parents]:
        if folder.exists():
            free = shutil.disk_usage(folder).free
            break
    else:
        return "?"
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if free >= size:
            return f"{free / size:.0f} {unit}"
    return f"{free} B"
