"""Commands about the workspace as a whole: datasets, status, demo, dev, rebuild-ledger, check-declarations."""

from __future__ import annotations

import json
import os
import sys

import click

from assets.flow import pick
from assets.status import gather, lines
from pipelines.options import lang_option, output_options, workspace_option
from pipelines.service import WORKSPACE_YAML
from publish.declarations import read_declarations
from publish.ledger import rebuild
from publish.releases import latest_release
from sample import generate_sample


def dagster():
    """The modules that run the Dagster graph, imported on use (lazy): Dagster is slow to import."""
    from pipelines import headless, instance  # noqa: PLC0415 - lazy: a slow library behind it

    return headless, instance


@click.command()
@workspace_option
def datasets(workspace):
    """List the declared datasets and their latest published version.

    \b
    Exit codes: 0 listed, 3 a broken declaration.

    \b
    Example:
        terbuka datasets --workspace ./my-region
    """
    for d in workspace.declarations.values():
        latest = latest_release(workspace, d.id)
        click.echo(f"{d.id:<12} {latest['version'] if latest else '-':<8} {d.title['id']}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON (stable English keys).")
@lang_option
@workspace_option
def status(workspace, as_json, lang):
    """Per dataset: the live version (number, date, rows), what waits in the inbox and since when, what sits in
    quarantine and why (with its report), what is held for confirmation, and when verify last ran.

    \b
    Exit codes: 0 nothing needs an officer, 1 something does (a rejection, a held file, a failed verify),
    3 a broken declaration.

    \b
    Example:
        terbuka status --lang en
        terbuka status --json | jq '.datasets[].live'
    """
    found = gather(workspace)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        for line in lines(found, lang):
            click.echo(line)
    waiting = any(d["quarantine"] or d["held"] for d in found["datasets"])
    sys.exit(1 if waiting or (found["verify"] and not found["verify"]["ok"]) else 0)


@click.command()
@output_options
@workspace_option
def demo(workspace, lang):
    """Generate the bundled sample into inbox/, run the whole pipeline, and leave a portal in site/.

    \b
    Exit codes: as `terbuka run`: 0 when every sample file is published.

    \b
    Example:
        terbuka demo
    """
    workspace.ensure()
    written = generate_sample(workspace.inbox)
    click.echo(pick(lang, f"contoh: {len(written)} berkas di {workspace.inbox}",
                    f"sample: {len(written)} files in {workspace.inbox}"))
    code = dagster()[0].run_pending(workspace, echo=click.echo, lang=lang)
    if (workspace.site / "index.html").is_file():
        click.echo(pick(lang, "\nPortal siap: ", "\nPortal ready: ") + f"{workspace.site / 'index.html'}\n"
                   + pick(lang, "Sajikan dengan: ", "Serve it with: ")
                   + f"make serve  (or: terbuka serve --workspace {workspace.root})")
    sys.exit(code)


@click.command()
@click.option("--port", default=3000, show_default=True, help="Port on 127.0.0.1.")
@workspace_option
def dev(workspace, port):
    """Open the Dagster UI on http://127.0.0.1:PORT/ for this workspace (webserver and daemon).

    \b
    Exit codes: those of `dagster dev`.

    \b
    Example:
        terbuka dev --port 3000
    """
    dagster()[1].prepare(workspace)  # the workspace's dagster.yaml (telemetry off, queued runs) and DAGSTER_HOME
    env = dict(os.environ, TERBUKA_WORKSPACE=str(workspace.root))
    args = ["dagster", "dev", "-h", "127.0.0.1", "-p", str(port), "-w", str(WORKSPACE_YAML)]  # location `terbuka`
    os.execvpe(args[0], args, env)


@click.command("rebuild-ledger")
@workspace_option
def rebuild_ledger(workspace):
    """Write state/ledger.jsonl again from the release store, quarantine and held files.

    For a ledger `verify` reports as damaged: the ledger is a record for people; publishing never
    depends on it, so nothing is lost.

    \b
    Exit codes: 0 written, 3 a problem of the system.

    \b
    Example:
        terbuka rebuild-ledger
    """
    click.echo(f"ledger: {rebuild(workspace)} entries written to {workspace.rel(workspace.ledger)}")


@click.command("check-declarations")
@workspace_option
def check_declarations(workspace):
    """Check every declaration in schemas/ against Terbuka's JSON Schemas and frictionless, and that keys,
    aliases and references name declared fields; says which file and field is wrong, in both languages.

    \b
    Exit codes: 0 all valid, 3 a declaration is wrong.

    \b
    Example:
        terbuka check-declarations --workspace ./my-region
    """
    found = read_declarations(workspace.schemas)
    click.echo(f"{len(found)} deklarasi sah / declarations valid: {', '.join(d.id for d in found)}")


COMMANDS = [datasets, status, demo, dev, rebuild_ledger, check_declarations]
