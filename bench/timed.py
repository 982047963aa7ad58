"""`python -m bench.timed ARGS...`: the `terbuka` command itself, with a stopwatch around its main stages.

The command runs unchanged (pipelines.cli.main); each stage function below is wrapped in its module
when the command first imports that module, so the same run gives the whole-command figures and the split.
A stage that a future version renames or removes is simply not reported. The seconds spent in
each stage are written as JSON to $BENCH_PHASES when the command exits.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import importlib.abc
import importlib.util
import json
import os
import sys
import time

# (module, function, stage label): the functions the validate and publish paths call once per stage
STAGES = [
    ("assets.validation", "read_sheet", "read"),
    ("assets.validation", "ingest_sheet", "ingest"),
    ("assets.validation", "reference_tables", "references"),
    ("assets.validation", "check_structure", "structure"),
    ("assets.validation", "check_privacy", "personal data"),
    ("assets.validation", "run_suite", "business rules"),
    ("publish.releases", "write_release", "release"),
    ("publish.promote", "build_preview", "preview"),
    ("publish.promote", "promote", "promote"),
]


def _wrap(fn, label: str, seconds: dict):
    @functools.wraps(fn)
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - start
    return timed


class _Patcher(importlib.abc.MetaPathFinder):
    """Wraps the stage functions of a module as the command itself first imports it: nothing is imported
    that the command would not import (a validate never loads Dagster), and every later
    `from module import function` already receives the wrapped function."""

    def __init__(self, seconds: dict):
        self.seconds = seconds
        self.targets = {module for module, _, _ in STAGES}

    def find_spec(self, name, path=None, target=None):
        if name not in self.targets:
            return None
        self.targets.discard(name)  # find the real spec without this finder, then wrap its loader
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return None
        execute, seconds = spec.loader.exec_module, self.seconds

        def exec_module(module):
            execute(module)
            for module_name, function, label in STAGES:
                if module_name == name and callable(getattr(module, function, None)):
                    setattr(module, function, _wrap(getattr(module, function), label, seconds))
        spec.loader.exec_module = exec_module
        return spec


def main() -> None:
    seconds: dict = {}
    target = os.environ.get("BENCH_PHASES")
    if target:
        atexit.register(lambda: open(target, "w").write(json.dumps(seconds)))
    sys.meta_path.insert(0, _Patcher(seconds))
    from pipelines.cli import main as terbuka

    sys.argv = ["terbuka", *sys.argv[1:]]
    terbuka()


if __name__ == "__main__":
    main()
