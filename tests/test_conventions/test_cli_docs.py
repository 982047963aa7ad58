"""Every CLI command has help with an example and its exit codes, and README documents every command and
every option."""

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipelines.cli import cli

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_an_example_and_its_exit_codes(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"terbuka {name}" in result.output
    assert "Exit codes:" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_takes_workspace_or_is_global(name):
    params = {p.name for p in cli.commands[name].params}
    assert "workspace_dir" in params


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_mentions_command(name):
    assert f"terbuka {name}" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_documents_every_option_of_the_command(name):
    """Each option appears in the command's row of README's table, or among the options every command shares."""
    text = (ROOT / "README.md").read_text()
    row = next(line for line in text.splitlines() if line.startswith(f"| `terbuka {name}"))
    shared = text[text.index("Options every command"):].split("\n\n")[0]
    for param in cli.commands[name].params:
        if isinstance(param, click.Option):
            flag = max(param.opts, key=len)
            assert flag in row or flag in shared, f"{name} {flag} is not in README"


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text()
    first_block = text.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block
