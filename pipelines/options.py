"""What every `terbuka` command shares: the workspace option, output options, errors as sentences."""

from __future__ import annotations

import functools
import os
from contextlib import nullcontext

import click

from pipelines.terminal import EVERY, listener_for
from publish.config import ConfigError
from publish.declarations import DeclarationError, UnknownDataset
from publish.progress import reporting
from publish.workspace import resolve_workspace


class UserError(click.ClickException):
    """A usage error (a name or an option that does not fit): exit 2."""

    exit_code = 2


class SystemError_(click.ClickException):
    """The system cannot do what was asked (a broken declaration or configuration): exit 3."""

    exit_code = 3


def workspace_option(fn):
    """--workspace DIR, resolved once into the Workspace the command hands down; declaration and configuration
    errors become sentences (exit 2 for an unknown dataset, 3 for a broken declaration)."""
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


def default_language(environ) -> str:
    """Indonesian unless the locale says English."""
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(key)
        if value:
            return "en" if value.lower().startswith("en") else "id"
    return "id"


def lang_option(fn):
    """--lang id|en for human output (JSON keeps its stable English keys); default Indonesian, or English when
    the locale says so."""
    @click.option("--lang", type=click.Choice(["id", "en"]), default=None,
                  help="Language of the output: id (Indonesian) or en (default: the locale, else id).")
    @functools.wraps(fn)
    def wrapper(*args, lang=None, **kwargs):
        return fn(*args, lang=lang or default_language(os.environ), **kwargs)
    return wrapper


def progress_option(fn):
    """--quiet, and progress for long work on stderr: a live bar on a terminal, plain lines otherwise. Output
    for scripts (--json) comes without progress."""
    @click.option("--quiet", "-q", is_flag=True, help="Show no progress while working (implied by --json).")
    @functools.wraps(fn)
    def wrapper(*args, quiet=False, **kwargs):
        quiet = quiet or bool(kwargs.get("as_json"))
        every = float(os.environ.get("TERBUKA_PROGRESS_EVERY") or EVERY)  # seconds between plain lines
        with reporting(listener_for(quiet, kwargs.get("lang", "id"), every=every)) if not quiet else nullcontext():
            return fn(*args, **kwargs)
    return wrapper


def output_options(fn):
    """--lang and --quiet together, for commands that do long work and report in words."""
    return lang_option(progress_option(fn))
