"""Shared fixtures: temporary workspaces built from the repository's declarations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or a skip with the reason when this clone has none."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is not present beside this clone")
    return path


def _home_dagster() -> dict[str, tuple[int, int]]:
    """Every file under ~/.dagster (Dagster's default home, where it logs usage when a run's instance has
    telemetry on and no DAGSTER_HOME is set), with its size and modification time."""
    home = Path.home() / ".dagster"
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in home.rglob("*") if p.is_file()} \
        if home.is_dir() else {}


@pytest.fixture(scope="session", autouse=True)
def nothing_written_to_the_home_folder():
    """Nothing of a workspace's runs is written outside it: after the whole session, ~/.dagster is as it was
    (no usage log, no telemetry id). Fails the session's last test with the files that appeared or changed."""
    before = _home_dagster()
    yield
    after = _home_dagster()
    written = sorted(path for path, state in after.items() if before.get(path) != state)
    assert not written, f"the tests wrote outside their workspaces: {written}"


@pytest.fixture
def workspace(tmp_path):
    """A fresh workspace with the repository's declarations and portal config."""
    from publish.workspace import Workspace

    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copy(ROOT / "terbuka.json", tmp_path / "terbuka.json")
    return Workspace(tmp_path).ensure()


def redeclare(workspace, dataset: str, edit) -> None:
    """Edit a dataset's datapackage.json as an officer would: `edit(doc)` changes it in place. Runs read
    declarations once, so what comes after sees it through a new Workspace (`Workspace(ws.root)`)."""
    path = workspace.schemas / dataset / "datapackage.json"
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2))


def field(name: str, type_: str = "string", **more) -> dict:
    """A declared field with the metadata every published field carries."""
    return {"name": name, "type": type_, "title": name.title(), "description": f"{name}.",
            "terbuka:description_en": f"{name}.", **more}
