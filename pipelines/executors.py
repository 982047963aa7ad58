"""The executor a deployment runs a run's steps with: Dagster's default (each step in its own process for runs
the daemon launches; in-process for terbuka's own commands), the same with a forkserver that imports the slow
libraries once, or Dagster's Celery executor, on workers."""

from __future__ import annotations

import os

import dagster as dg

EXECUTOR_ENV = "TERBUKA_EXECUTOR"  # unset: Dagster's default (file runs in one process); "multiprocess"; "forkserver"; "celery"
BROKER_ENV = "DAGSTER_CELERY_BROKER_URL"
# The same block the workers are started with (deploy/celery.yaml): runs and workers must name one broker.
CELERY_CONFIG = {"broker": {"env": BROKER_ENV}}
# Every step's process imports these before it works (Great Expectations alone takes seconds): a forkserver
# imports them once and forks each step from it (BENCHMARKS.md has the difference).
PRELOAD = ["pipelines.definitions"]  # what every step imports (the checks no longer load Great Expectations)
FORKSERVER_CONFIG = {"start_method": {"forkserver": {"preload_modules": PRELOAD}}}


class ExecutorError(Exception):
    """TERBUKA_EXECUTOR names an executor this installation cannot use."""


def chosen_executor() -> dg.ExecutorDefinition | None:
    """The executor named by TERBUKA_EXECUTOR (read here only); None keeps Dagster's default,
    multi_or_in_process_executor, whose multiprocess mode takes `max_concurrent` per run."""
    name = os.environ.get(EXECUTOR_ENV, "").strip().lower()
    if name in ("", "default"):
        return None
    if name == "multiprocess":
        return dg.multiprocess_executor
    if name == "forkserver":
        return dg.multiprocess_executor.configured(FORKSERVER_CONFIG, name="multiprocess_forkserver")
    if name != "celery":
        raise ExecutorError(f"{EXECUTOR_ENV}={name!r} tidak dikenal / is not known: use \"multiprocess\" "
                            "(or leave it unset), \"forkserver\" or \"celery\"")
    try:
        from dagster_celery import celery_executor  # noqa: PLC0415 - lazy: an optional extra, slow to import
    except ImportError:
        raise ExecutorError(f"{EXECUTOR_ENV}=celery needs dagster-celery: install terbuka with its `celery` extra "
                            "(uv sync --extra celery)") from None
    if not os.environ.get(BROKER_ENV):
        raise ExecutorError(f"{EXECUTOR_ENV}=celery needs {BROKER_ENV}, the broker the workers listen to "
                            "(e.g. pyamqp://terbuka:secret@rabbitmq:5672//)")
    return celery_executor.configured(CELERY_CONFIG, name="celery")
