"""Every CLI command has help with an example, and README documents it."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import cli

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"terbuka {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_takes_workspace_or_is_global(name):
    params = {p.name for p in cli.commands[name].params}
    assert "workspace_dir" in params


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_mentions_command(name):
    assert f"terbuka {name}" in (ROOT / "README.md").read_text()


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text()
    first_block = text.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block
