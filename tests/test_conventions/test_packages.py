"""The generic package names (pipelines, assets, publish, sample) resolve to this repository, and imports go one way."""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


PACKAGES = ["pipelines", "assets", "publish", "sample"]


@pytest.mark.parametrize("name", PACKAGES)
def test_package_is_imported_from_this_repository(name):
    module = importlib.import_module(name)
    assert Path(module.__file__).resolve().parent == ROOT / name


def _imports(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_publish_imports_neither_dagster_nor_great_expectations_nor_upper_layers():
    assert not _imports("publish") & {"dagster", "great_expectations", "assets", "pipelines"}


def test_assets_do_not_import_pipelines():
    assert "pipelines" not in _imports("assets")


def test_the_sample_stands_apart():
    """The fictional sample imports no project package, and neither assets nor publish import it."""
    assert not _imports("sample") & {"pipelines", "assets", "publish"}
    assert "sample" not in _imports("assets") | _imports("publish")


def test_great_expectations_is_imported_in_one_module_only():
    users = [p for p in (ROOT / "assets").rglob("*.py") if "great_expectations" in p.read_text()]
    assert [p.name for p in users] == ["expectations.py"]


def test_every_module_has_a_docstring():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            assert ast.get_docstring(ast.parse(path.read_text())), f"{path.relative_to(ROOT)} has no docstring"
