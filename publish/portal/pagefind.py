"""The full-text search index, built by Pagefind when it is installed; the portal works without it."""

from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

from publish.files import write_if_changed

log = logging.getLogger(__name__)
FOLDER = "pagefind"
# Left out of the index: figures and charts (a number says nothing on its own in a result), data previews and
# file listings (their cells read "tahuntahapkode_wilayah..." as a snippet), and sections marked no-index.
EXCLUDE = "td.num, .chart, table.preview, .no-index"


def run(site_dir: Path) -> list[Path]:
    """Index site_dir's HTML into site_dir/pagefind/, writing only files whose bytes changed; [] when skipped."""
    if importlib.util.find_spec("pagefind") is None:
        log.info("search index skipped: the pagefind package is not installed (catalogue filters still work)")
        return []
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site_dir) as tmp:
        cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-path", tmp,
               "--exclude-selectors", EXCLUDE]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("search index skipped: pagefind could not run (%s)", exc)
            return []
        if proc.returncode != 0:
            reason = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            log.warning("search index skipped: pagefind exited with %s (%s)", proc.returncode, reason[0])
            return []
        return _sync(Path(tmp), site_dir / FOLDER)


def _sync(source: Path, target: Path) -> list[Path]:
    """Mirror a fresh index into place: unchanged fragments are not rewritten, stale ones are removed."""
    written = []
    fresh = {p.relative_to(source) for p in source.rglob("*") if p.is_file()}
    for rel in sorted(fresh):
        if write_if_changed(target / rel, (source / rel).read_bytes()):
            written.append(target / rel)
    if target.is_dir():
        for old in sorted(target.rglob("*"), reverse=True):
            if old.is_file() and old.relative_to(target) not in fresh:
                old.unlink()
            elif old.is_dir() and not any(old.iterdir()):
                old.rmdir()
    return written
