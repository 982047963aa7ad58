"""`python -m bench.timed ARGS...`: the `terbuka` command itself, with a stopwatch around its main stages.

The command runs unchanged (pipelines.cli.main); before it starts, each stage function below is
wrapped wherever a module holds it, so the same run gives the whole-command figures and the split.
A stage that a future version renames or removes is simply not reported. The seconds spent in
each stage are written as JSON to $BENCH_PHASES when the command exits.
"""

from __future__ import annotations

import atexit
import functools
import importlib
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
PACKAGES = ("assets", "publish", "pipelines")


def _wrap(fn, label: str, seconds: dict):
    @functools.wraps(fn)
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - start
    return timed


def instrument(seconds: dict) -> None:
    """Wrap each stage function in its own module and in every project module that imported it by name."""
    for module_name in ("assets.validation", "assets.stages", "assets.factory", "publish.releases",
                        "publish.promote", "pipelines.headless", "pipelines.cli"):
        try:
            importlib.import_module(module_name)
        except ImportError:
            continue
    for module_name, name, label in STAGES:
        module = sys.modules.get(module_name)
        original = getattr(module, name, None)
        if original is None:
            continue
        timed = _wrap(original, label, seconds)
        for loaded in list(sys.modules.values()):
            if getattr(loaded, "__name__", "").split(".")[0] in PACKAGES and getattr(loaded, name, None) is original:
                setattr(loaded, name, timed)


def main() -> None:
    seconds: dict = {}
    target = os.environ.get("BENCH_PHASES")
    if target:
        atexit.register(lambda: open(target, "w").write(json.dumps(seconds)))
    instrument(seconds)
    from pipelines.cli import main as terbuka

    sys.argv = ["terbuka", *sys.argv[1:]]
    terbuka()


if __name__ == "__main__":
    main()
