"""Run one command as a child process: wall time, exact peak resident memory, and a guard for the shared machine."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

import psutil


@dataclass
class Measured:
    """One command's cost: wall seconds, CPU seconds, peak RSS of the process (MB), and how it ended."""

    label: str
    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    stdout: str = ""
    stderr: str = ""
    stopped: str | None = None  # why the guard stopped it (time or memory), None when it ended by itself
    phases: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.stopped is None


def run(label: str, args: list[str], env: dict | None = None, cwd=None, timeout: float = 1200,
        max_rss_mb: float = 16_000) -> Measured:
    """Run `args`; os.wait4 gives the child's own rusage, so the peak RSS is the kernel's, not a sample.

    A watcher stops the child (its whole process group) past `timeout` seconds or `max_rss_mb` of
    resident memory, so a run that would exhaust a shared machine is recorded as such instead."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, text=True)
    stopped: list[str] = []
    done = threading.Event()

    def watch() -> None:
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.wait(0.5):
            try:
                rss = sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)]) / 2**20
            except psutil.Error:
                continue
            if rss > max_rss_mb or time.perf_counter() - start > timeout:
                stopped.append(f"stopped at {rss:,.0f} MB" if rss > max_rss_mb else f"stopped after {timeout:.0f} s")
                os.killpg(proc.pid, signal.SIGKILL)
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out: list[str] = []
    err: list[str] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out), (proc.stderr, err))]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    for reader in readers:
        reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(label=label, wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_mb=usage.ru_maxrss / 1024,
                    returncode=proc.returncode, stdout="".join(out), stderr="".join(err),
                    stopped=stopped[0] if stopped else None)
