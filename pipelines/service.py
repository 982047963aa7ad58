"""Dagster as a service: the code location file (workspace.yaml) and `terbuka instance`, which writes the
workspace's dagster.yaml and prints the environment the webserver, the daemon and workers start with."""

from __future__ import annotations

import os

import click

from publish.config import ConfigError
from publish.declarations import DeclarationError
from publish.workspace import ENV_VAR, REPO_ROOT, resolve_workspace

class Broken(click.ClickException):
    """A configuration the service cannot start with: exit 3, as for the other commands."""

    exit_code = 3


WORKSPACE_YAML = REPO_ROOT / "workspace.yaml"  # names the code location `terbuka` (module pipelines.definitions)


@click.command("instance")
@click.option("--workspace", "workspace_dir", type=click.Path(file_okay=False), default=None,
              help="Workspace folder (default: $TERBUKA_WORKSPACE or the repository root).")
def instance(workspace_dir):
    """Write the workspace's Dagster instance file, state/dagster/dagster.yaml, and print the environment
    the webserver and the daemon need (the systemd units and the compose file run this before they start).

    The file turns telemetry off, queues runs of one dataset one at a time and watches runs; with
    DAGSTER_PG_URL set it keeps runs, events and schedules in PostgreSQL, else in SQLite under state/dagster/.
    A dagster.yaml an operator wrote by hand is left as it is.

    \b
    Example:
        DAGSTER_PG_URL=postgresql://terbuka:secret@db/dagster terbuka instance --workspace /srv/terbuka
    """
    from pipelines import instance as dagster_instance  # noqa: PLC0415 - lazy: Dagster (slow) behind it

    workspace = resolve_workspace(workspace_dir)
    try:
        workspace.config  # a broken terbuka.json is said now, not by the code location at start
        dagster_instance.prepare(workspace)
    except (ConfigError, DeclarationError) as exc:
        raise Broken(str(exc)) from None
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
