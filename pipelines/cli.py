"""The `terbuka` command line: one Click group; user errors become sentences, never tracebacks."""

from __future__ import annotations

import os
import sys

import click

from pipelines.commands import files, portal, workspace
from pipelines.push import push
from pipelines.service import instance


@click.group()
@click.version_option(package_name="terbuka")
def cli():
    """Terbuka: publish regional government data as validated, versioned open data.

    Output is in Indonesian by default (English with --lang en, or an English locale); every command
    takes --workspace DIR and its own --help, with an example and its exit codes.

    \b
    Example:
        terbuka demo            # run the whole pipeline on the bundled sample
    """


for command in files.COMMANDS + portal.COMMANDS + workspace.COMMANDS + [push, instance]:
    cli.add_command(command)


def main():
    try:
        cli(prog_name="terbuka")
    except Exception as exc:  # a bug, not a user error: one sentence, the traceback only on request
        if os.environ.get("TERBUKA_DEBUG"):
            raise
        click.echo(f"terbuka: kesalahan internal / internal error: {exc.__class__.__name__}: {exc} "
                   "(run again with TERBUKA_DEBUG=1 for the traceback)", err=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
