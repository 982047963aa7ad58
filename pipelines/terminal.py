"""How long work looks on a terminal: a live bar (rich) when the output is one, plain periodic lines when it is
not (CI, logs), nothing with --quiet. rich honours NO_COLOR."""

from __future__ import annotations

import os
import sys
import time
from typing import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from publish.progress import Listener, Task, describe, label

EVERY = 5.0  # seconds between plain lines for one task


class Bar(Listener):
    """One rich progress bar per task, on stderr, kept on screen when done."""

    def __init__(self, console: Console, lang: str):
        self.lang = lang
        self.bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("{task.fields[unit]}"), TaskProgressColumn(),
                             TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=console,
                             transient=False, refresh_per_second=8)
        self.ids: dict[int, int] = {}

    def start(self, task: Task) -> None:
        if not self.ids:
            self.bars.start()
        self.ids[id(task)] = self.bars.add_task(label(task, self.lang), total=task.total, unit=task.unit, rate="")

    def update(self, task: Task) -> None:
        self.bars.update(self.ids[id(task)], completed=task.done, rate=f"{task.rate:,.0f}/s" if task.rate >= 1 else "")

    def end(self, task: Task) -> None:
        self.update(task)
        self.ids.pop(id(task))
        if not self.ids:
            self.bars.stop()


class Lines(Listener):
    """Plain lines for long tasks only: one every EVERY seconds while a task moves, and one when a task that
    took that long ends. A small file's work says nothing."""

    def __init__(self, echo: Callable[[str], None], lang: str, every: float = EVERY):
        self.echo, self.lang, self.every, self.said, self.began = echo, lang, every, {}, {}

    def start(self, task: Task) -> None:
        self.said[id(task)] = self.began[id(task)] = time.monotonic()

    def update(self, task: Task) -> None:
        now = time.monotonic()
        if now - self.said.get(id(task), now) >= self.every:
            self.said[id(task)] = now
            self.echo(describe(task, self.lang))

    def end(self, task: Task) -> None:
        self.said.pop(id(task), None)
        if time.monotonic() - self.began.pop(id(task), time.monotonic()) >= self.every:
            self.echo(describe(task, self.lang) + " ✓")


def listener_for(quiet: bool, lang: str, stream=None, every: float = EVERY) -> Listener:
    """What to show for a command's long work: nothing, a bar (a terminal) or plain lines (anything else).
    Dagster sends a step's stderr to its compute log while the step runs, so progress is written to a
    duplicate of the command's stderr taken now, which still reaches the officer's terminal."""
    if quiet:
        return Listener()
    if stream is None:
        try:
            stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding="utf-8", errors="replace")
        except (OSError, ValueError, AttributeError):  # not a file (a test's captured stderr): use it as it is
            stream = sys.stderr
    if stream.isatty():
        return Bar(Console(file=stream), lang)
    return Lines(lambda line: print(line, file=stream, flush=True), lang, every)
