"""Dagster as a service: the code location is `terbuka`, telemetry is off, and a workspace's runs write nothing
outside the workspace (HOME and TMPDIR point at empty folders while they run, and stay empty)."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import yaml
from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.instance import DAGSTER_YAML, POSTGRES_STORAGE, instance_for
from pipelines.service import WORKSPACE_YAML
from tests.support import WILAYAH

BIN = Path(sys.executable).parent


def clean_env(home: Path, tmp: Path, **more) -> dict[str, str]:
    """The environment a service account has: no Dagster variables of ours, HOME and TMPDIR of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "TERBUKA_"))}
    return {**env, "HOME": str(home), "TMPDIR": str(tmp), "XDG_CACHE_HOME": str(home / ".cache"), **more}


def empty_dirs(tmp_path: Path) -> tuple[Path, Path]:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    return home, tmp


def test_workspace_yaml_names_the_code_location_terbuka():
    doc = yaml.safe_load(WORKSPACE_YAML.read_text())
    assert doc == {"load_from": [{"python_module": {"module_name": "pipelines.definitions",
                                                    "location_name": "terbuka"}}]}


def test_a_publish_writes_nothing_outside_the_workspace_and_no_telemetry(workspace, tmp_path):
    home, tmp = empty_dirs(tmp_path)
    source = tmp_path / "wilayah.csv"
    source.write_text(WILAYAH)
    result = subprocess.run([str(BIN / "terbuka"), "publish", "wilayah", str(source), "--workspace", str(workspace.root)],
                            env=clean_env(home, tmp), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1.0.0" in result.stdout
    assert list(home.rglob("*")) == [] and list(tmp.rglob("*")) == []
    assert (workspace.dagster_home / "dagster.yaml").read_text() == DAGSTER_YAML
    instance = instance_for(workspace)
    assert instance.telemetry_enabled is False
    assert [r.dagster_run.job_name for r in instance.get_run_records()] == ["wilayah_job"]
    # Dagster writes usage events to $DAGSTER_HOME/logs/ (or ~/.dagster/logs/) only with telemetry on
    assert not any((workspace.dagster_home / name).exists() for name in ("logs", ".logs_queue", ".telemetry"))


def test_dagster_definitions_validate_on_workspace_yaml_stays_in_the_workspace(workspace, tmp_path):
    """What the systemd units do before they start: `terbuka instance`, then Dagster on workspace.yaml."""
    home, tmp = empty_dirs(tmp_path)
    env = clean_env(home, tmp)
    prepared = subprocess.run([str(BIN / "terbuka"), "instance", "--workspace", str(workspace.root)], env=env,
                              capture_output=True, text=True, timeout=300)
    assert prepared.returncode == 0, prepared.stderr
    lines = dict(line.split("=", 1) for line in prepared.stdout.splitlines() if not line.startswith("#"))
    assert lines == {"TERBUKA_WORKSPACE": str(workspace.root), "DAGSTER_HOME": str(workspace.dagster_home),
                     "DAGSTER_DISABLE_TELEMETRY": "1"}
    result = subprocess.run([str(BIN / "dagster"), "definitions", "validate", "-w", str(WORKSPACE_YAML)],
                            env={**env, **lines}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "terbuka" in result.stdout + result.stderr
    assert list(home.rglob("*")) == [] and list(tmp.rglob("*")) == []
    assert not (workspace.dagster_home / "logs").exists()


def test_instance_rewrites_only_its_own_dagster_yaml_for_postgres(workspace, monkeypatch):
    runner = CliRunner()
    config = workspace.dagster_home / "dagster.yaml"
    assert runner.invoke(cli, ["instance", "--workspace", str(workspace.root)]).exit_code == 0
    assert config.read_text() == DAGSTER_YAML
    monkeypatch.setenv("DAGSTER_PG_URL", "postgresql://terbuka@127.0.0.1:1/dagster")
    result = runner.invoke(cli, ["instance", "--workspace", str(workspace.root)])
    assert result.exit_code == 0 and "PostgreSQL" in result.output
    assert config.read_text() == DAGSTER_YAML + POSTGRES_STORAGE
    assert "127.0.0.1:1" not in config.read_text()  # only the variable's name: no password in the file
    loaded = yaml.safe_load(config.read_text())
    assert loaded["storage"] == {"postgres": {"postgres_url": {"env": "DAGSTER_PG_URL"}}}
    own = "telemetry:\n  enabled: false\n"  # an operator's own file is left alone
    config.write_text(own)
    assert runner.invoke(cli, ["instance", "--workspace", str(workspace.root)]).exit_code == 0
    assert config.read_text() == own
    monkeypatch.delenv("DAGSTER_PG_URL")
    config.write_text(DAGSTER_YAML + POSTGRES_STORAGE)
    assert runner.invoke(cli, ["instance", "--workspace", str(workspace.root)]).exit_code == 0
    assert config.read_text() == DAGSTER_YAML  # back to SQLite when the variable is gone
    assert dg.DagsterInstance.from_config(str(workspace.dagster_home)).telemetry_enabled is False
