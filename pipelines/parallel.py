"""Runs whose steps each get a process of their own (Dagster's multiprocess executor), started from Python: a
job another process can load again by name, and a run of it with at most N steps at once."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.headless import QUIET
from pipelines.instance import process_tags
from publish.workspace import Workspace


def load_job(root: str, name: str) -> dg.JobDefinition:
    """A job of the workspace at `root` with the multiprocess executor (a file's job otherwise keeps its steps
    in one process), as each step's process loads it again."""
    return build_definitions(Workspace(Path(root))).resolve_job_def(name).with_executor_def(dg.multiprocess_executor)


def run_multiprocess(workspace: Workspace, instance: dg.DagsterInstance, job: str, max_concurrent: int,
                     run_config: dict | None = None, partition: str | None = None,
                     loader: tuple[str, str] = (__name__, "load_job"), args: tuple = (),
                     preload: list[str] | None = None) -> dg.ExecutionResult:
    """One run of `job` with the multiprocess executor, `max_concurrent` steps at a time. `loader` names the
    module-level function each step's process calls, with `args` (default: this workspace's job by name).
    `preload`: modules a forkserver imports once, so each step's process starts from them already imported
    instead of importing them again (Great Expectations alone takes seconds)."""
    recon = dg.build_reconstructable_job(loader[0], loader[1], args or (str(workspace.root), job))
    executor = {"max_concurrent": max_concurrent}
    if preload:
        executor["start_method"] = {"forkserver": {"preload_modules": preload}}
    config = {**QUIET, **(run_config or {}), "execution": {"config": executor}}
    tags = {**process_tags(), **({"dagster/partition": partition} if partition else {})}
    return dg.execute_job(recon, instance, run_config=config, tags=tags, raise_on_error=False)
