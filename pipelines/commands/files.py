"""Commands that take files through the pipeline: validate, publish, confirm, run, backfill, withdraw."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from assets.flow import pick, refusal
from assets.limits import check_size
from assets.unusable import UnusableFile
from assets.validation import Checked, check_file, reference_tables
from pipelines.commands.portal import build_site_and_say
from pipelines.options import UserError, lang_option, output_options, workspace_option
from publish.files import sha256_file
from publish.releases import withdraw as withdraw_version


def dagster():
    """The module that runs the Dagster graph. Imported on use (lazy): Dagster takes over a second to import,
    and `validate` does not need it."""
    from pipelines import headless  # noqa: PLC0415 - lazy: a slow library behind it

    return headless


def print_report(report, lang: str, limit: int = 20) -> None:
    status = ("VALID" if report.valid else ("UNUSABLE" if report.unusable else "INVALID")) if lang == "en" else \
        ("SAH" if report.valid else ("TIDAK DAPAT DIBACA" if report.unusable else "TIDAK SAH"))
    counts = pick(lang, f"{report.rows} baris, {report.errors} kesalahan, {report.warnings} peringatan",
                  f"{report.rows} rows, {report.errors} errors, {report.warnings} warnings")
    click.echo(f"{report.dataset}: {report.source} — {status}: {counts}")
    for group in report.groups()[:limit]:
        first = group["examples"][0] if group["examples"] else {}
        where = f" {pick(lang, 'baris', 'row')} {first.get('row')}" if first.get("row") else ""
        field = f" {pick(lang, 'kolom', 'column')} {group['field']}" if group["field"] else ""
        value = f" {pick(lang, 'nilai', 'value')} {first.get('value')!r}" if first.get("value") is not None else ""
        note = pick(lang, group.get("note_id") or group["note"], group["note"])
        click.echo(f"  [{group['severity']}] {group['type']} x{group['count']}:{where}{field}{value} — {note}")


@click.command()
@click.argument("dataset")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the machine-readable report.")
@output_options
@workspace_option
def validate(workspace, dataset, file, as_json, lang):
    """Check FILE against DATASET's declaration without publishing anything.

    \b
    Exit codes: 0 valid (warnings allowed), 1 invalid, 2 unusable file or usage error,
    3 a broken declaration.

    \b
    Example:
        terbuka validate apbd inbox/apbd/APBD_2024_MURNI.xlsx --json
    """
    declaration = workspace.declaration(dataset)
    path = Path(file)
    try:
        check_size(path.stat().st_size, declaration.source)  # never read a file past its limit into memory
        open(path, "rb").close()  # readable: the checks read it in chunks
    except UnusableFile as exc:
        checked = Checked(None, refusal(dataset, path.name, sha256_file(path), exc), [])
    except OSError as exc:
        raise UserError(f"tidak dapat membaca / cannot read {file}: {exc.strerror or exc}") from None
    else:
        checked = check_file(path, path.name, declaration, reference_tables(workspace, declaration),
                             state=workspace.state)
    report = checked.report
    if as_json:
        doc = report.to_dict()
        doc["rules"] = checked.rules
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    else:
        print_report(report, lang)
    sys.exit(0 if report.valid else (2 if report.unusable else 1))


EXIT_CODES = """Exit codes: 0 published or unchanged, 1 rejected (the file's fault), 2 unusable file
    or usage error, 3 a problem of the system (disk full, permissions, damaged store, verify
    found problems, internal error), 4 held by the change guard until `terbuka confirm`."""


def report_result(workspace, result, as_json: bool, no_site: bool, lang: str) -> None:
    """Print a run's outcome (words, or JSON with stable English keys) and exit with its code."""
    if as_json:
        click.echo(json.dumps({"outcomes": result.outcomes, "failures": result.failures, "verify": result.verify,
                               "exit_code": result.exit_code, "run_id": result.run.run_id},
                              ensure_ascii=False, indent=2))
        sys.exit(result.exit_code)
    for line in result.lines(lang):
        click.echo(line)
    if result.exit_code == 0 and not no_site and any(o["status"] == "published" for o in result.outcomes):
        if workspace.config.promotes_automatically:
            click.echo(pick(lang, "portal: tayang di ", "portal: live in ") + f"{workspace.rel(workspace.site)}/")
        else:
            click.echo(f"portal: {pick(lang, 'pratinjau di', 'preview in')} {workspace.rel(workspace.preview)}/; "
                       + pick(lang, "belum tayang — jalankan `terbuka promote` setelah diperiksa",
                              "not live yet — run `terbuka promote` after a look"))
    click.echo(f"(Dagster run {result.run.run_id[:8]})")
    sys.exit(result.exit_code)


@click.command()
@click.argument("dataset")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--no-site", is_flag=True, help="Do not rebuild the portal afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON (stable English keys).")
@output_options
@workspace_option
def publish(workspace, dataset, file, no_site, as_json, lang):
    """Ingest, validate and release FILE as the next version of DATASET, then rebuild the portal.

    One Dagster run, listed in the UI. Prints the new version, says the content is unchanged, or says why
    nothing was published. A release that removes more than the declared share of the rows it replaces,
    or codes other datasets use, is held until `terbuka confirm`.

    \b
    {exit_codes}

    \b
    Example:
        terbuka publish peraturan exports/jdih.json
    """
    path = Path(file)
    workspace.declaration(dataset)
    if not path.is_file():
        raise UserError(f"tidak dapat membaca / cannot read {file}: bukan berkas / not a file")
    result = dagster().publish_file(workspace, dataset, path, with_portal=not no_site)
    report_result(workspace, result, as_json, no_site, lang)


@click.command()
@click.argument("dataset")
@click.argument("sha256")
@click.option("--no-site", is_flag=True, help="Do not rebuild the portal afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON (stable English keys).")
@output_options
@workspace_option
def confirm(workspace, dataset, sha256, no_site, as_json, lang):
    """Publish a file the change guard held, after checking it again: SHA256 is its hash (or its first 16
    characters), as the held message, `terbuka status` and state/held/<dataset>/ show.

    \b
    {exit_codes}

    \b
    Example:
        terbuka confirm wilayah 3f2a9c0d41b7e655
    """
    workspace.declaration(dataset)
    result = dagster().confirm_held(workspace, dataset, sha256, with_portal=not no_site)
    if result is None:
        raise UserError(f"tidak ada berkas {dataset} yang ditahan dengan SHA-256 {sha256} / no held {dataset} "
                        f"file has SHA-256 {sha256} (see state/held/{dataset}/)")
    report_result(workspace, result, as_json, no_site, lang)


@click.command()
@output_options
@workspace_option
def run(workspace, lang):
    """Run the Dagster graph headless for every file waiting in inbox/, then rebuild the portal.

    Each file is its own run, in dependency order then drop order; one file's failure never stops the
    others. Files still open for writing, or named as partial downloads, are skipped.

    \b
    {exit_codes} The worst outcome of any file counts.

    \b
    Example:
        terbuka run --workspace ./my-region
    """
    sys.exit(dagster().run_pending(workspace, echo=click.echo, lang=lang))


@click.command()
@click.argument("dataset")
@click.option("--from", "first", required=True, type=int, help="First fiscal year.")
@click.option("--to", "last", required=True, type=int, help="Last fiscal year (inclusive).")
@click.option("--here", is_flag=True, help="Run the years in this process even when a Dagster daemon is running.")
@output_options
@workspace_option
def backfill(workspace, dataset, first, last, here, lang):
    """Re-process DATASET for a range of fiscal years, one Dagster run per year, then rebuild the portal.

    Each year's run takes a waiting file for that year, or re-checks the files behind that year of
    the latest release (after a declaration or a referenced dataset changed). Other years are untouched.
    When the workspace's Dagster daemon runs (`terbuka dev` or the service), this submits a Dagster
    backfill, listed under Backfills in the UI and run by the daemon; otherwise (or with --here) the
    years run here, one after the other, and the outcome of each is printed.

    \b
    {exit_codes}

    \b
    Example:
        terbuka backfill apbd --from 2024 --to 2025
    """
    if not workspace.declaration(dataset).partition:
        raise UserError(f"{dataset} tidak dipartisi per tahun / is not split by fiscal year; publish a new file instead")
    if last < first:
        raise UserError("--to must not be before --from")
    headless = dagster()
    years, outside = headless.valid_years(first, last)
    if outside:
        raise UserError(f"fiscal years {', '.join(outside)} cannot be processed (the first is 2015, the last next year)")
    runner = headless.Runner(workspace)
    if not here and headless.daemon_running(runner.instance):
        backfill_id = headless.submit_backfill(runner, dataset, years)
        click.echo(pick(lang, f"backfill {backfill_id} dikirim ke daemon Dagster; ikuti di antarmuka (Backfills)",
                        f"backfill {backfill_id} submitted to the Dagster daemon; follow it in the UI (Backfills)"))
        sys.exit(0)
    sys.exit(headless.backfill(workspace, dataset, years, echo=click.echo, lang=lang, runner=runner))


@click.command()
@click.argument("dataset")
@click.argument("version")
@click.option("--reason", required=True, help="Why the version is withdrawn (shown on its page).")
@lang_option
@workspace_option
def withdraw(workspace, dataset, version, reason, lang):
    """Withdraw VERSION of DATASET: its page becomes a tombstone with the reason; files and URL stay.

    \b
    Exit codes: 0 withdrawn (and the portal rebuilt), 2 no such version, an alias, an empty reason
    or a version already withdrawn, 3 a problem of the system.

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
    click.echo(f"{dataset} {version} " + pick(lang, f"ditarik pada {entry['date']}", f"withdrawn on {entry['date']}"))
    build_site_and_say(workspace, lang)


COMMANDS = [validate, publish, confirm, run, backfill, withdraw]
for command in COMMANDS:
    if command.help and "{exit_codes}" in command.help:
        command.help = command.help.replace("{exit_codes}", EXIT_CODES)
