"""The `terbuka` command line: one Click group; user errors become sentences, never tracebacks."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from publish.workspace import resolve_workspace


class UserError(click.ClickException):
    exit_code = 2


def workspace_option(fn):
    @click.option("--workspace", "workspace_dir", type=click.Path(file_okay=False), default=None,
                  help="Workspace folder (default: $TERBUKA_WORKSPACE or the repository root).")
    @functools.wraps(fn)
    def wrapper(*args, workspace_dir=None, **kwargs):
        from publish.declarations import DeclarationError

        try:
            return fn(*args, workspace=resolve_workspace(workspace_dir), **kwargs)
        except DeclarationError as exc:
            raise UserError(str(exc)) from None
    return wrapper


@click.group()
@click.version_option(package_name="terbuka")
def cli():
    """Terbuka: publish regional government data as validated, versioned open data.

    \b
    Example:
        terbuka demo            # run the whole pipeline on the bundled sample
    """


@cli.command()
@workspace_option
def datasets(workspace):
    """List the declared datasets and their latest published version.

    \b
    Example:
        terbuka datasets --workspace ./my-region
    """
    from publish.declarations import load_all
    from publish.releases import latest_release

    for d in load_all(workspace):
        latest = latest_release(workspace, d.id)
        click.echo(f"{d.id:<12} {latest['version'] if latest else '-':<8} {d.title['id']}")


def _print_report(report, limit: int = 20) -> None:
    status = "VALID" if report.valid else ("UNUSABLE" if report.unusable else "INVALID")
    click.echo(f"{report.dataset}: {report.source} — {status}: {report.rows} rows, "
               f"{report.errors} errors, {report.warnings} warnings")
    for group in report.groups()[:limit]:
        first = group["examples"][0] if group["examples"] else {}
        where = f" row {first.get('row')}" if first.get("row") else ""
        field = f" column {group['field']}" if group["field"] else ""
        value = f" value {first.get('value')!r}" if first.get("value") is not None else ""
        click.echo(f"  [{group['severity']}] {group['type']} x{group['count']}:{where}{field}{value} — {group['note']}")


@cli.command()
@click.argument("dataset")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the machine-readable report.")
@workspace_option
def validate(workspace, dataset, file, as_json):
    """Check FILE against DATASET's declaration without publishing anything.

    Exit codes: 0 valid (warnings allowed), 1 invalid, 2 unusable input or usage error.

    \b
    Example:
        terbuka validate apbd inbox/apbd/APBD_2024_MURNI.xlsx --json
    """
    from assets.validation import check_bytes, reference_tables
    from publish.declarations import get_declaration

    declaration = get_declaration(workspace, dataset)
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {file}: {exc.strerror or exc}") from None
    checked = check_bytes(data, path.name, declaration, reference_tables(workspace, declaration))
    report = checked.report
    if as_json:
        doc = report.to_dict()
        doc["rules"] = checked.rules
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    else:
        _print_report(report)
    sys.exit(0 if report.valid else (2 if report.unusable else 1))


@cli.command()
@click.argument("dataset")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--no-site", is_flag=True, help="Do not rebuild the portal afterwards.")
@workspace_option
def publish(workspace, dataset, file, no_site):
    """Ingest, validate and release FILE as the next version of DATASET, then rebuild the portal.

    Prints the new version, or says the content is unchanged; exit 1 when the file is rejected.

    \b
    Example:
        terbuka publish peraturan exports/jdih.json
    """
    from pipelines.headless import publish_file, why_rejected

    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {file}: {exc.strerror or exc}") from None
    done = publish_file(workspace, dataset, data, path.name, with_portal=not no_site)
    if not done.accepted:
        click.echo(f"{dataset}: {path.name} rejected{why_rejected(workspace, done.entry, done.run)}")
        report = _quarantine_report(workspace, done.entry)
        sys.exit(2 if report.get("unusable") else 1)
    release = done.release
    if release.get("unchanged"):
        click.echo(f"{dataset}: unchanged (content equals version {release['version']})")
    else:
        click.echo(f"{dataset}: published version {release['version']} ({release['change']}; "
                   f"Dagster run {done.run.run_id[:8]})")
    if not no_site:
        from publish.config import promotes_automatically

        if promotes_automatically(workspace):
            click.echo(f"portal: live in {workspace.site}")
        else:
            click.echo(f"portal: preview in {workspace.preview}; not live yet — run `terbuka promote` after a look")


def _quarantine_report(workspace, entry) -> dict:
    if entry and entry.get("quarantine"):
        return json.loads((workspace.root / entry["quarantine"] / "report.json").read_text())
    return {}


def _build_site(workspace):
    """Rebuild the preview; put it live only when the workspace promotes automatically."""
    from publish.config import promotes_automatically
    from publish.promote import build_preview, promote

    written = build_preview(workspace)
    click.echo(f"preview: {len(written)} files written in {workspace.preview}")
    if promotes_automatically(workspace):
        changed = promote(workspace)
        click.echo(f"portal: {len(changed)} files updated in {workspace.site}")
    else:
        click.echo("portal: not live yet; look at the preview, then run `terbuka promote`")


@cli.command()
@workspace_option
def run(workspace):
    """Run the Dagster graph headless for every file waiting in inbox/, then rebuild the portal.

    \b
    Example:
        terbuka run --workspace ./my-region
    """
    from pipelines.headless import run_pending

    failures = run_pending(workspace, echo=click.echo)
    sys.exit(1 if failures else 0)


@cli.command()
@click.argument("dataset")
@click.option("--from", "first", required=True, type=int, help="First fiscal year.")
@click.option("--to", "last", required=True, type=int, help="Last fiscal year (inclusive).")
@workspace_option
def backfill(workspace, dataset, first, last):
    """Re-process DATASET for a range of fiscal years, one Dagster run per year.

    Each year's run takes a waiting file for that year, or re-checks the files behind that year of
    the latest release (after a declaration or a referenced dataset changed). Other years are untouched.

    \b
    Example:
        terbuka backfill apbd --from 2024 --to 2025
    """
    from pipelines.headless import backfill as run_backfill
    from publish.declarations import get_declaration

    if not get_declaration(workspace, dataset).partition:
        raise UserError(f"{dataset} is not split by fiscal year; publish a new file instead")
    if last < first:
        raise UserError("--to must not be before --from")
    from assets.factory import fiscal_years

    keys = fiscal_years().get_partition_keys()
    outside = [str(y) for y in range(first, last + 1) if str(y) not in keys]
    if outside:
        raise UserError(f"fiscal years {keys[0]}–{keys[-1]} can be processed; not {', '.join(outside)}")
    failed = run_backfill(workspace, dataset, [str(y) for y in range(first, last + 1)], echo=click.echo)
    from pipelines.headless import run_portal

    portal = run_portal(workspace)
    click.echo(f"portal: {'rebuilt' if portal.success else 'FAILED'} (run {portal.run_id[:8]})")
    sys.exit(1 if failed or not portal.success else 0)


@cli.command()
@workspace_option
def promote(workspace):
    """Put the previewed portal (state/preview/) live in site/, then verify checksums and links.

    \b
    Example:
        terbuka promote
    """
    from pipelines.headless import run_promote

    if not (workspace.preview / "index.html").is_file():
        raise UserError(f"nothing to promote: {workspace.preview} has no portal yet; "
                        "run `terbuka build-site` (or materialize `preview` in the UI) first")
    result = run_promote(workspace)
    checks = [e.asset_check_evaluation_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    ok = result.success and bool(checks) and all(c.passed for c in checks)
    click.echo(f"portal promoted to {workspace.site}: {'verified' if ok else 'VERIFY FOUND PROBLEMS'}")
    sys.exit(0 if ok else 1)


@cli.command("build-site")
@workspace_option
def build_site_cmd(workspace):
    """Render the portal from the published releases into the preview, and into site/ when promotion is automatic.

    \b
    Example:
        terbuka build-site
    """
    _build_site(workspace)


@cli.command()
@workspace_option
def verify(workspace):
    """Re-hash every published file (release store and site/) against its records; exit 1 on any problem.

    \b
    Example:
        terbuka verify
    """
    from publish.verify import verify_all

    result = verify_all(workspace)
    for kind in ("missing", "changed", "extra", "broken", "stale"):
        for item in getattr(result, kind):
            click.echo(f"{kind}: {item}")
    click.echo(f"{result.checked} files checked: {'OK' if result.ok else 'PROBLEMS FOUND'}")
    sys.exit(0 if result.ok else 1)


@cli.command()
@click.argument("dataset")
@click.argument("version")
@click.option("--reason", required=True, help="Why the version is withdrawn (shown on its page).")
@workspace_option
def withdraw(workspace, dataset, version, reason):
    """Withdraw VERSION of DATASET: its page becomes a tombstone with the reason; files and URL stay.

    \b
    Example:
        terbuka withdraw apbd 1.1.0 --reason "Realisasi Dinas Kesehatan salah ketik"
    """
    from publish.releases import withdraw as do_withdraw

    try:
        entry = do_withdraw(workspace, dataset, version, reason)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    except ValueError as exc:
        hint = "; if its page does not say so yet, run `terbuka build-site`" if "already withdrawn" in str(exc) else ""
        raise UserError(f"{exc}{hint}") from None
    click.echo(f"{dataset} {version} withdrawn on {entry['date']}")
    _build_site(workspace)


@cli.command()
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@workspace_option
def serve(workspace, port):
    """Serve site/ on http://127.0.0.1:PORT/ for a look before deploying.

    \b
    Example:
        terbuka serve --port 8000
    """
    from publish.portal.server import make_server

    if not (workspace.site / "index.html").is_file():
        raise UserError(f"{workspace.site} has no portal yet; run `terbuka demo` or `terbuka build-site` first")
    with make_server(workspace.site, port) as server:  # also answers the CKAN API's ?id= and ?start= queries
        click.echo(f"Serving {workspace.site} on http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


@cli.command()
@workspace_option
def demo(workspace):
    """Generate the bundled sample into inbox/, run the whole pipeline, and leave a portal in site/.

    \b
    Example:
        terbuka demo
    """
    from pipelines.headless import run_pending
    from pipelines.sample import generate_sample

    workspace.ensure()
    written = generate_sample(workspace.inbox)
    click.echo(f"sample: {len(written)} files in {workspace.inbox}")
    failures = run_pending(workspace, echo=click.echo)
    if (workspace.site / "index.html").is_file():
        click.echo(f"\nPortal ready: {workspace.site / 'index.html'}\nServe it with: make serve  "
                   f"(or: terbuka serve --workspace {workspace.root})")
    sys.exit(1 if failures else 0)


@cli.command()
@click.option("--port", default=3000, show_default=True, help="Port on 127.0.0.1.")
@workspace_option
def dev(workspace, port):
    """Open the Dagster UI on http://127.0.0.1:PORT/ for this workspace.

    \b
    Example:
        terbuka dev --port 3000
    """
    workspace.ensure()
    env = dict(os.environ, DAGSTER_HOME=str(workspace.dagster_home), TERBUKA_WORKSPACE=str(workspace.root))
    args = ["dagster", "dev", "-h", "127.0.0.1", "-p", str(port), "-m", "pipelines.definitions"]
    os.execvpe(args[0], args, env)


def main():
    try:
        cli(prog_name="terbuka")
    except Exception as exc:  # a bug, not a user error: one sentence, the traceback only on request
        if os.environ.get("TERBUKA_DEBUG"):
            raise
        click.echo(f"terbuka: internal error: {exc.__class__.__name__}: {exc} "
                   "(run again with TERBUKA_DEBUG=1 for the traceback)", err=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
