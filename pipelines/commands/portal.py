"""Commands for the portal: build-site, promote, verify, serve."""

from __future__ import annotations

import json
import sys

import click

from assets.flow import pick
from pipelines.options import UserError, lang_option, output_options, workspace_option
from publish.portal.server import make_server
from publish.promote import build_preview, promote as promote_preview
from publish.verify import record_verdict, verify_all


def build_site_and_say(workspace, lang: str) -> None:
    """Rebuild the preview; put it live only when the workspace promotes automatically."""
    written = build_preview(workspace)
    click.echo(pick(lang, f"pratinjau: {len(written)} berkas ditulis di {workspace.rel(workspace.preview)}/",
                    f"preview: {len(written)} files written in {workspace.rel(workspace.preview)}/"))
    if workspace.config.promotes_automatically:
        changed = promote_preview(workspace)
        click.echo(pick(lang, f"portal: {len(changed)} berkas diperbarui di site/",
                        f"portal: {len(changed)} files updated in site/"))
    else:
        click.echo(pick(lang, "portal: belum tayang; periksa pratinjaunya, lalu jalankan `terbuka promote`",
                        "portal: not live yet; look at the preview, then run `terbuka promote`"))


@click.command("build-site")
@output_options
@workspace_option
def build_site(workspace, lang):
    """Render the portal from the published releases into the preview, and into site/ when promotion is automatic.

    \b
    Exit codes: 0 built, 3 a problem of the system (disk full, permissions, a broken declaration).

    \b
    Example:
        terbuka build-site
    """
    build_site_and_say(workspace, lang)


@click.command()
@output_options
@workspace_option
def promote(workspace, lang):
    """Put the previewed portal (state/preview/) live in site/, then verify checksums and links.

    \b
    Exit codes: 0 promoted and verified, 2 nothing to promote yet, 3 verify found problems or the
    promotion failed.

    \b
    Example:
        terbuka promote
    """
    from pipelines import headless  # noqa: PLC0415 - lazy: Dagster, a slow library, behind it

    if not (workspace.preview / "index.html").is_file():
        raise UserError(pick(lang, f"tidak ada yang ditayangkan: {workspace.rel(workspace.preview)}/ belum berisi "
                                   "portal; jalankan `terbuka build-site` dahulu",
                             f"nothing to promote: {workspace.rel(workspace.preview)}/ has no portal yet; "
                             "run `terbuka build-site` (or materialize `preview` in the UI) first"))
    result = headless.read_result(headless.Runner(workspace).run_promote())
    ok = result.run.success and result.verify == []
    click.echo("portal → site/: " + (pick(lang, "terverifikasi", "verified") if ok
                                        else pick(lang, "VERIFY MENEMUKAN MASALAH", "VERIFY FOUND PROBLEMS")))
    for line in result.lines(lang):
        click.echo(f"  {line}")
    sys.exit(0 if ok else 3)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print what was found as JSON.")
@output_options
@workspace_option
def verify(workspace, as_json, lang):
    """Re-hash every published file (release store and site/) and check every record against the others.

    Checks each version against its manifest and the record of issued versions, releases.json field by
    field, `latest`, the record of promoted versions, leftovers of killed runs and the ledger.

    \b
    Exit codes: 0 everything matches (things waiting to be promoted are listed as stale), 1 problems found.

    \b
    Example:
        terbuka verify
    """
    result = verify_all(workspace)
    record_verdict(workspace, result)
    if as_json:
        click.echo(json.dumps({"ok": result.ok, "checked": result.checked, "problems": result.problems,
                               "stale": result.stale}, ensure_ascii=False, indent=2))
        sys.exit(0 if result.ok else 1)
    for kind in ("missing", "changed", "extra", "broken", "stale"):
        for item in getattr(result, kind):
            click.echo(f"{kind}: {item}")
    verdict = "OK" if result.ok else pick(lang, "ADA MASALAH", "PROBLEMS FOUND")
    click.echo(pick(lang, f"{result.checked} berkas diperiksa: {verdict}", f"{result.checked} files checked: {verdict}"))
    sys.exit(0 if result.ok else 1)


@click.command()
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@lang_option
@workspace_option
def serve(workspace, port, lang):
    """Serve site/ on http://127.0.0.1:PORT/ for a look before deploying (with the CKAN API's query rule).

    \b
    Exit codes: 0 stopped with Ctrl+C, 2 no portal yet.

    \b
    Example:
        terbuka serve --port 8000
    """
    if not (workspace.site / "index.html").is_file():
        raise UserError(pick(lang, f"{workspace.rel(workspace.site)}/ belum berisi portal; jalankan `terbuka demo` "
                                   "atau `terbuka build-site` dahulu",
                             f"{workspace.rel(workspace.site)}/ has no portal yet; run `terbuka demo` or "
                             "`terbuka build-site` first"))
    with make_server(workspace.site, port) as server:  # also answers the CKAN API's ?id= and ?start= queries
        click.echo(f"http://127.0.0.1:{port}/ ({workspace.site}; Ctrl+C)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


COMMANDS = [build_site, promote, verify, serve]
