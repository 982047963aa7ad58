"""The workspace's own Dagster instance: its dagster.yaml (telemetry off, runs of one dataset queued one at a
time, run monitoring; SQLite in the workspace, or PostgreSQL when DAGSTER_PG_URL is set), the environment
Dagster reads, and runs left behind by killed processes."""

from __future__ import annotations

import os
import socket

import dagster as dg
import psutil

from assets.factory import DATASET_TAG
from publish.files import write_atomic
from publish.workspace import Workspace

# Written into state/dagster/ when missing; an operator's own dagster.yaml (Postgres, another launcher) is
# left alone. Everything Dagster keeps stays in the workspace: nothing goes to ~/.dagster.
DAGSTER_YAML = f"""\
# Terbuka's Dagster instance for this workspace (written by `terbuka` when missing; edit freely).
telemetry:
  enabled: false
# Runs of one dataset wait for each other: each builds on the version the previous one released.
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 4
    tag_concurrency_limits:
      - key: "{DATASET_TAG}"
        value:
          applyLimitPerUniqueValue: true
        limit: 1
# A run whose worker died is marked failed (the inbox sensor then asks for it again).
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  max_resume_run_attempts: 0
  poll_interval_seconds: 30
"""
# With DAGSTER_PG_URL set, runs, events and schedules live in PostgreSQL (a deployed instance: the webserver,
# the daemon and every worker share it). Only the variable's name is written: Dagster reads the URL, password
# included, from the environment when it starts.
PG_ENV = "DAGSTER_PG_URL"
POSTGRES_STORAGE = f"""\
# Runs, events and schedules in PostgreSQL: {PG_ENV} is set where terbuka ran.
storage:
  postgres:
    postgres_url:
      env: {PG_ENV}
"""
OURS = (DAGSTER_YAML, DAGSTER_YAML + POSTGRES_STORAGE)  # what `prepare` writes; anything else is an operator's
PID_TAG, HOST_TAG, STARTED_TAG = "terbuka/pid", "terbuka/host", "terbuka/process_started"


def instance_yaml() -> str:
    """The dagster.yaml for this environment: SQLite in state/dagster/ (the embedded default), or PostgreSQL
    when DAGSTER_PG_URL is set (the one place that variable is read)."""
    return DAGSTER_YAML + (POSTGRES_STORAGE if os.environ.get(PG_ENV, "").strip() else "")


def prepare(workspace: Workspace) -> None:
    """Write the instance's dagster.yaml when missing, or when it is one terbuka wrote for the other storage
    (DAGSTER_PG_URL set or unset since), and point Dagster at it for this process (the one place the
    environment is set): DAGSTER_HOME in the workspace, telemetry off. An operator's own file is left alone."""
    workspace.ensure()
    config = workspace.dagster_home / "dagster.yaml"
    wanted = instance_yaml()
    current = config.read_text(encoding="utf-8") if config.exists() else None
    if current != wanted and (current is None or current in OURS):
        write_atomic(config, wanted)
    os.environ["DAGSTER_HOME"] = str(workspace.dagster_home)
    os.environ["DAGSTER_DISABLE_TELEMETRY"] = "1"


def instance_for(workspace: Workspace) -> dg.DagsterInstance:
    """The workspace's own Dagster instance (SQLite under state/dagster by default), shared with `terbuka dev`;
    runs a killed command left STARTED are marked failed first."""
    prepare(workspace)
    with workspace.lock("dagster-instance"):  # two commands creating a new instance's storage at once collide
        instance = dg.DagsterInstance.from_config(str(workspace.dagster_home))
    fail_dead_runs(instance)
    return instance


def process_tags() -> dict[str, str]:
    """Tags naming the process that runs a run in-process, so a later start can tell it died."""
    me = psutil.Process()
    return {PID_TAG: str(me.pid), HOST_TAG: socket.gethostname(), STARTED_TAG: f"{me.create_time():.2f}"}


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed the in-process runs whose process on this machine is gone (killed mid-run): otherwise
    they stay STARTED forever and the sensor waits on them. Runs launched by the daemon are watched by
    Dagster's run monitoring instead."""
    ended = []
    live = (dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.NOT_STARTED)
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=list(live))):
        run = record.dagster_run
        pid, host, started = (run.tags.get(k) for k in (PID_TAG, HOST_TAG, STARTED_TAG))
        if not pid or host != socket.gethostname() or _alive(int(pid), started):
            continue
        instance.report_run_failed(run, message=f"Proses yang menjalankannya (pid {pid}) berhenti sebelum selesai / "
                                                f"the process running it (pid {pid}) ended before the run finished")
        ended.append(run.run_id)
    return ended


def _alive(pid: int, started: str | None) -> bool:
    try:
        process = psutil.Process(pid)
        return started is None or abs(process.create_time() - float(started)) < 1.0
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return False
