"""Helpers for the validation tests: test-only declarations, `terbuka validate` via CliRunner, and the
comparison of the business-rule engines (DuckDB, with Great Expectations as the reference)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


def _shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is not present beside this clone")
    return path


@pytest.fixture
def shared():
    """shared('data', 'real', name): a file under ../shared, or a skip with the reason."""
    return _shared


def write_declaration(schemas: Path, name: str, fields: list[dict], source: dict | None = None,
                      primary_key: list[str] | None = None, expectations: list | None = None) -> Path:
    """A minimal dataset folder: datapackage.json with one resource, optional source.json."""
    folder = schemas / name
    folder.mkdir(parents=True, exist_ok=True)
    described = [{"title": f["name"], "description": f"Kolom {f['name']}.",
                  "terbuka:description_en": f"Column {f['name']}.", **f} for f in fields]
    schema: dict = {"fields": described, "primaryKey": primary_key or []}
    descriptor = {"name": name, "title": f"Uji {name}", "description": "Dataset uji.",
                  "terbuka:title_en": f"Test {name}", "terbuka:description_en": "A test dataset.",
                  "licenses": [{"name": "CC-BY-4.0"}], "sources": [{"title": "tests"}], "keywords": ["uji"],
                  "contributors": [{"title": "tests"}], "terbuka:topic": "lainnya",
                  "resources": [{"name": name, "schema": schema}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    if source is not None:
        (folder / "source.json").write_text(json.dumps(source, indent=2), encoding="utf-8")
    if expectations is not None:
        (folder / "expectations.json").write_text(json.dumps({"expectations": expectations}), encoding="utf-8")
    return folder


@pytest.fixture
def test_workspace(tmp_path):
    """A workspace folder holding a copy of the repository's schemas, plus room for test-only datasets."""
    ws = tmp_path / "ws"
    shutil.copytree(ROOT / "schemas", ws / "schemas")
    shutil.copy(ROOT / "terbuka.json", ws / "terbuka.json")
    return ws


@pytest.fixture
def declare(test_workspace):
    """declare(name, fields, source=..., primary_key=...): add a test-only dataset to the workspace."""
    def _declare(name, fields, source=None, primary_key=None, expectations=None):
        return write_declaration(test_workspace / "schemas", name, fields, source, primary_key, expectations)
    return _declare


class Outcome:
    def __init__(self, result):
        self.exit_code = result.exit_code
        self.output = result.output
        self.exception = result.exception
        self.report = None
        if self.output.strip().startswith("{"):
            self.report = json.loads(self.output)

    @property
    def problems(self) -> list[dict]:
        return self.report["problems"] if self.report else []

    def of_type(self, kind: str) -> list[dict]:
        return [p for p in self.problems if p["type"] == kind]

    def errors(self) -> list[dict]:
        return [p for p in self.problems if p["severity"] == "error"]


@pytest.fixture
def validate(test_workspace):
    """validate(dataset, path) -> Outcome of `terbuka validate DATASET FILE --workspace WS --json`."""
    from click.testing import CliRunner

    from pipelines.cli import cli

    def _validate(dataset: str, path: Path) -> Outcome:
        result = CliRunner().invoke(cli, ["validate", dataset, str(path), "--workspace", str(test_workspace), "--json"])
        out = Outcome(result)
        assert "Traceback" not in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        return out
    return _validate


def rule_summary(outcome) -> tuple:
    """What both engines must agree on: pass or fail, rows looked at, rows failing, and which rows."""
    return (outcome.success, outcome.rows_checked, outcome.unexpected,
            sorted((-1 if row is None else row) for row, _ in outcome.examples))


@pytest.fixture
def engines_agree():
    """engines_agree(table, declaration) -> {rule id: GX outcome}; fails on any rule where the DuckDB
    compilation and Great Expectations on pandas disagree (pass/fail, rows checked, failing rows)."""
    import duckdb

    from assets.expectations import evaluate_with_gx
    from assets.rules import evaluate

    def _agree(table, declaration) -> dict:
        con = duckdb.connect()
        con.register("data", table)
        outcomes = {}
        for spec in declaration.expectations:
            ours, theirs = evaluate(con, spec, keep=None), evaluate_with_gx(con, spec, keep=None)
            assert theirs.error is None, f"{declaration.id}/{spec['id']}: GX could not run: {theirs.error}"
            assert rule_summary(ours) == rule_summary(theirs), (
                f"{declaration.id}/{spec['id']}: DuckDB {rule_summary(ours)} != GX {rule_summary(theirs)}")
            outcomes[spec["id"]] = theirs
        return outcomes
    return _agree
