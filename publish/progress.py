"""Progress of long work (reading, checks, release writing, the portal build), reported to whoever listens.

The work says what it does (`step(...)` and `advance`); the command line, the Dagster run log or nobody
listens, chosen once by whoever started the work (`reporting(...)`). Nothing here prints."""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Task:
    """One piece of long work: `done` of `total` units (rows, files, checks), since `started`. `label`: what is
    done, in Indonesian and English."""

    label: tuple[str, str]
    total: int | None
    unit: str
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    listener: "Listener | None" = None

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.listener is not None:
            self.listener.update(self)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def left(self) -> float | None:
        """Seconds still to go at the rate so far (None when unknown)."""
        if not self.total or not self.done or self.done >= self.total:
            return None
        return (self.total - self.done) / self.rate if self.rate else None


class Listener:
    """Told when a task starts, moves and ends; the default listens to nothing."""

    def start(self, task: Task) -> None:
        pass

    def update(self, task: Task) -> None:
        pass

    def end(self, task: Task) -> None:
        pass


_listener: ContextVar[Listener] = ContextVar("terbuka_progress", default=Listener())


def listening() -> bool:
    return type(_listener.get()) is not Listener


@contextmanager
def reporting(listener: Listener):
    """Send the progress of the work done inside this block to `listener`."""
    token = _listener.set(listener)
    try:
        yield listener
    finally:
        _listener.reset(token)


@contextmanager
def step(label: tuple[str, str], total: int | None = None, unit: str = ""):
    """A piece of long work, named in Indonesian and English; advance the task it yields as units are done."""
    listener = _listener.get()
    task = Task(label, total, unit, listener=listener)
    listener.start(task)
    try:
        yield task
    finally:
        listener.end(task)


def label(task: Task, lang: str = "both") -> str:
    said_id, said_en = task.label
    return said_id if lang == "id" else said_en if lang == "en" else f"{said_id} / {said_en}"


def describe(task: Task, lang: str = "both") -> str:
    """One plain line: 'reading APBD.csv: 120,000/200,000 rows (60%), 45,000/s, ~2 s left'."""
    done = f"{task.done:,}" + (f"/{task.total:,}" if task.total else "")
    share = f" ({task.done / task.total:.0%})" if task.total else ""
    rate = f", {task.rate:,.0f}/s" if task.rate >= 1 else ""
    left = f", ~{task.left:.0f} s" if task.left is not None else ""
    return f"{label(task, lang)}: {done} {task.unit}{share}{rate}{left}".replace("  ", " ")
