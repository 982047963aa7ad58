"""The officer's path for a small file: dropped into inbox/, picked up by the sensor, live in site/.

The Dagster daemon runs the workspace's sensor and launches each run as in `terbuka dev` (without the
web server, which only shows what the daemon does). Both measurements start when the file lands in
inbox/ (renamed into place, as a finished copy would) and end when the outcome is visible: the new
version's folder in site/, or the repeated file filed away.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def _land(workspace, data: bytes, name: str) -> Path:
    """Place a whole file in inbox/apbd/ in one step (written beside the workspace, then renamed)."""
    staging = workspace.root / "bench-staging"
    staging.mkdir(exist_ok=True)
    temporary = staging / name
    temporary.write_bytes(data)
    target = workspace.inbox / "apbd" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temporary, target)
    return target


def _wait(condition, timeout: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if condition():
            return time.perf_counter() - start
        time.sleep(0.25)
    return None


def versions(workspace) -> set[str]:
    folder = workspace.site / "datasets" / "apbd"
    return {p.name for p in folder.iterdir() if p.is_dir() and p.name[0].isdigit()} if folder.is_dir() else set()


def drop_to_live(workspace, changed: bytes, timeout: float = 600) -> dict:
    """Seconds from landing a changed file to its version live in site/, then from landing the same
    bytes again to the repeat being filed away (no run); None where the timeout passed first."""
    env = dict(os.environ, DAGSTER_HOME=str(workspace.dagster_home), TERBUKA_WORKSPACE=str(workspace.root))
    log = (workspace.root / "bench-daemon.log").open("w")
    daemon = subprocess.Popen([str(Path(sys.executable).with_name("dagster-daemon")), "run",
                               "-m", "pipelines.definitions"], env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        log_path = Path(log.name)
        # the first sensor tick shows the daemon has loaded the code and looked at the inbox once
        if _wait(lambda: "inbox_sensor" in log_path.read_text(errors="replace"), timeout) is None:
            return {"live": None, "repeat": None, "note": "the daemon never ran the sensor"}
        before = versions(workspace)
        first = _land(workspace, changed, "APBD_2024_KOREKSI.csv")
        live = _wait(lambda: versions(workspace) - before and not first.exists(), timeout)
        again = _land(workspace, changed, "APBD_2024_KOREKSI_LAGI.csv")
        repeat = _wait(lambda: not again.exists(), timeout)
        return {"live": live, "repeat": repeat, "note": ""}
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()
        log.close()
