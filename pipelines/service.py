"""Dagster as a service: the code location file (workspace.yaml) and `terbuka instance`, which writes the
workspace's dagster.yaml and prints the environment the webserver, the daemon and workers start with."""

from __future__ import annotations

import os

import click

from pipelines.options import workspace_option
from publish.workspace import ENV_VAR, REPO_ROOT

WORKSPACE_YAML = REPO_ROOT / "workspace.yaml"  # names the code location `terbuka` (module pipelines.definitions)


@click.command("instance")
@workspace_option
def instance(workspace):
    """Write the workspace's Dagster instance file, state/dagster/dagster.yaml, and print the environment
    the webserver and the daemon need (the systemd units and the compose file run this before they start).

    The file turns telemetry off, queues runs of one dataset one at a time and watches runs; with
    DAGSTER_PG_URL set it keeps runs, events and schedules in PostgreSQL, else in SQLite under state/dagster/.
    A dagster.yaml an operator wrote by hand is left as it is.

    \b
    Exit codes: 0 written (or left as it was), 3 a broken terbuka.json or declaration.

    \b
    Example:
        DAGSTER_PG_URL=postgresql://terbuka:secret@db/dagster terbuka instance --workspace /srv/terbuka
    """
    from pipelines import instance as dagster_instance  # noqa: PLC0415 - lazy: Dagster (slow) behind it

    workspace.config  # a broken terbuka.json is said now (exit 3), not by the code location at start
    dagster_instance.prepare(workspace)
    config = workspace.dagster_home / "dagster.yaml"
    text = config.read_text(encoding="utf-8")
    if text not in dagster_instance.OURS:
        storage = "written by hand: left as it is"
    elif "postgres" in text:
        storage = f"runs in PostgreSQL ({dagster_instance.PG_ENV})"
    else:
        storage = f"runs in SQLite under {workspace.rel(workspace.dagster_home)}/"
    click.echo(f"# {workspace.rel(config)}: {storage}; code location file: {WORKSPACE_YAML}")
    click.echo(f"{ENV_VAR}={workspace.root}")
    click.echo(f"DAGSTER_HOME={os.environ['DAGSTER_HOME']}")
    click.echo(f"DAGSTER_DISABLE_TELEMETRY={os.environ['DAGSTER_DISABLE_TELEMETRY']}")
