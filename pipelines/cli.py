"""The `terbuka` command line: one Click group; user errors become sentences, never tracebacks."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from assets.flow import refusal
from assets.limits import check_size
from assets.unusable import UnusableFile
from assets.validation import Checked, check_bytes, reference_tables
from pipelines.push import push
from pipelines.service import WORKSPACE_YAML, instance
from publish.config import ConfigError
from publish.declarations import DeclarationError, UnknownDataset, read_declarations
from publish.files import sha256_file
from publish.ledger import rebuild
from publish.portal.server import make_server
from publish.promote import build_preview, promote as promote_preview
from publish.releases import latest_release, withdraw as withdraw_version
from publish.verify import verify_all
from publish.workspace import resolve_workspace
from sample import generate_sample


class UserError(click.ClickException):
    """A usage error (a name or an option that does not fit): exit 2."""

    exit_code = 2


class SystemError_(click.ClickException):
    """The system cannot do what was asked (a broken declaration or configuration): exit 3."""

    exit_code = 3


def workspace_option(fn):
    @click.option("--workspace", "workspace_dir", type=click.Path(file_okay=False), default=None,
                  help="Workspace folder (default: $TERBUKA_WORKSPACE or the repository root).")
    @functools.wraps(fn)
    def wrapper(*args, workspace_dir=None, **kwargs):
        try:
            return fn(*args, workspace=resolve_workspace(workspace_dir), **kwargs)
        except UnknownDataset as exc:
            raise UserError(str(exc)) from None
        except (DeclarationError, ConfigError) as exc:
            raise SystemError_(str(exc)) from None
    return wrapper


def _dagster():
    """The modules that run the Dagster graph. Imported on use: Dagster takes over a second to import, and
    `validate`, `verify` or `datasets` do not need it."""
    from pipelines import headless, instance  # noqa: PLC0415 - lazy: a slow library behind it

    return headless, instance


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
    for d in workspace.declarations.values():
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
    declaration = workspace.declaration(dataset)
    path = Path(file)
    try:
        check_size(path.stat().st_size, declaration.source)  # never read a file past its limit into memory
        data = path.read_bytes()
    except UnusableFile as exc:
        checked = Checked(None, refusal(dataset, path.name, sha256_file(path), exc), [])
    except OSError as exc:
        raise UserError(f"cannot read {file}: {exc.strerror or exc}") from None
    else:
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
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON (stable English keys).")
@workspace_option
def publish(workspace, dataset, file, no_site, as_json):
    """Ingest, validate and release FILE as the next version of DATASET, then rebuild the portal.

    One Dagster run, listed in the UI. Prints the new version, says the content is unchanged, or says why
    nothing was published. A release that removes more than the declared share of the rows it replaces,
    or codes other datasets use, is held until `terbuka confirm`.

    \b
    Exit codes: 0 published or unchanged, 1 rejected, 2 unusable file, 3 a problem of the system
    (disk full, permissions, damaged store, internal error), 4 held for confirmation.

    \b
    Example:
        terbuka publish peraturan exports/jdih.json
    """
    path = Path(file)
    workspace.declaration(dataset)
    if not path.is_file():
        raise UserError(f"tidak dapat membaca / cannot read {file}: bukan berkas / not a file")
    result = _dagster()[0].publish_file(workspace, dataset, path, with_portal=not no_site)
    _report_result(workspace, result, as_json, no_site)


def _report_result(workspace, result, as_json: bool, no_site: bool) -> None:
    """Print a run's outcome (words, or JSON) and exit with its code."""
    if as_json:
        click.echo(json.dumps({"outcomes": result.outcomes, "failures": result.failures, "verify": result.verify,
                               "exit_code": result.exit_code, "run_id": result.run.run_id},
                              ensure_ascii=False, indent=2))
        sys.exit(result.exit_code)
    for line in result.lines():
        click.echo(line)
    if result.exit_code == 0 and not no_site and any(o["status"] == "published" for o in result.outcomes):
        if workspace.config.promotes_automatically:
            click.echo(f"portal: live in {workspace.rel(workspace.site)}/")
        else:
            click.echo(f"portal: preview in {workspace.rel(workspace.preview)}/; not live yet — "
                       "run `terbuka promote` after a look")
    click.echo(f"(Dagster run {result.run.run_id[:8]})")
    sys.exit(result.exit_code)


@cli.command()
@click.argument("dataset")
@click.argument("sha256")
@click.option("--no-site", is_flag=True, help="Do not rebuild the portal afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON (stable English keys).")
@workspace_option
def confirm(workspace, dataset, sha256, no_site, as_json):
    """Publish a file the change guard held, after checking it again: SHA256 is its hash (or its first 16
    characters), as the held message and `state/held/<dataset>/` show.

    \b
    Exit codes: as for publish.

    \b
    Example:
        terbuka confirm wilayah 3f2a9c0d41b7e655
    """
    workspace.declaration(dataset)
    result = _dagster()[0].confirm_held(workspace, dataset, sha256, with_portal=not no_site)
    if result is None:
        raise UserError(f"tidak ada berkas {dataset} yang ditahan dengan SHA-256 {sha256} / no held {dataset} "
                        f"file has SHA-256 {sha256} (see state/held/{dataset}/)")
    _report_result(workspace, result, as_json, no_site)


def _build_site(workspace):
    """Rebuild the preview; put it live only when the workspace promotes automatically."""
    written = build_preview(workspace)
    click.echo(f"preview: {len(written)} files written in {workspace.preview}")
    if workspace.config.promotes_automatically:
        changed = promote_preview(workspace)
        click.echo(f"portal: {len(changed)} files updated in {workspace.site}")
    else:
        click.echo("portal: not live yet; look at the preview, then run `terbuka promote`")


@cli.command()
@workspace_option
def run(workspace):
    """Run the Dagster graph headless for every file waiting in inbox/, then rebuild the portal.

    Each file is its own run, in dependency order then drop order; one file's failure never stops the
    others. Files still open for writing, or named as partial downloads, are skipped.

    \b
    Exit codes: the worst outcome of any file (as for publish).

    \b
    Example:
        terbuka run --workspace ./my-region
    """
    sys.exit(_dagster()[0].run_pending(workspace, echo=click.echo))


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
    if not workspace.declaration(dataset).partition:
        raise UserError(f"{dataset} is not split by fiscal year; publish a new file instead")
    if last < first:
        raise UserError("--to must not be before --from")
    headless = _dagster()[0]
    years, outside = headless.valid_years(first, last)
    if outside:
        raise UserError(f"fiscal years {', '.join(outside)} cannot be processed (the first is 2015, the last next year)")
    sys.exit(headless.backfill(workspace, dataset, years, echo=click.echo))


@cli.command()
@workspace_option
def promote(workspace):
    """Put the previewed portal (state/preview/) live in site/, then verify checksums and links.

    \b
    Example:
        terbuka promote
    """
    if not (workspace.preview / "index.html").is_file():
        raise UserError(f"nothing to promote: {workspace.preview} has no portal yet; "
                        "run `terbuka build-site` (or materialize `preview` in the UI) first")
    headless = _dagster()[0]
    result = headless.read_result(headless.Runner(workspace).run_promote())
    ok = result.run.success and result.verify == []
    click.echo(f"portal promoted to {workspace.site}: {'verified' if ok else 'VERIFY FOUND PROBLEMS'}")
    for line in result.lines():
        click.echo(f"  {line}")
    sys.exit(0 if ok else 3)


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

    Checks each version against its manifest and the record of issued versions, releases.json field by
    field, `latest`, the record of promoted versions, leftovers of killed runs and the ledger.

    \b
    Exit codes: 0 everything matches (things waiting to be promoted are listed as stale), 1 problems found.

    \b
    Example:
        terbuka verify
    """
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
    try:
        entry = withdraw_version(workspace, dataset, version, reason)
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
    workspace.ensure()
    written = generate_sample(workspace.inbox)
    click.echo(f"sample: {len(written)} files in {workspace.inbox}")
    code = _dagster()[0].run_pending(workspace, echo=click.echo)
    if (workspace.site / "index.html").is_file():
        click.echo(f"\nPortal ready: {workspace.site / 'index.html'}\nServe it with: make serve  "
                   f"(or: terbuka serve --workspace {workspace.root})")
    sys.exit(code)


@cli.command()
@click.option("--port", default=3000, show_default=True, help="Port on 127.0.0.1.")
@workspace_option
def dev(workspace, port):
    """Open the Dagster UI on http://127.0.0.1:PORT/ for this workspace.

    \b
    Example:
        terbuka dev --port 3000
    """
    _dagster()[1].prepare(workspace)  # the workspace's dagster.yaml (telemetry off, queued runs) and DAGSTER_HOME
    env = dict(os.environ, TERBUKA_WORKSPACE=str(workspace.root))
    args = ["dagster", "dev", "-h", "127.0.0.1", "-p", str(port), "-w", str(WORKSPACE_YAML)]  # location `terbuka`
    os.execvpe(args[0], args, env)


@cli.command("rebuild-ledger")
@workspace_option
def rebuild_ledger(workspace):
    """Write state/ledger.jsonl again from the release store, quarantine and held files.

    For a ledger `verify` reports as damaged: the ledger is a record for people; publishing never
    depends on it, so nothing is lost.

    \b
    Example:
        terbuka rebuild-ledger
    """
    click.echo(f"ledger: {rebuild(workspace)} entries written to {workspace.rel(workspace.ledger)}")


@cli.command("check-declarations")
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


cli.add_command(instance)
cli.add_command(push)


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
