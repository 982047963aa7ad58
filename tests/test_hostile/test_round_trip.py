"""Download, edit, drop: the portal's own data.csv, data.xlsx and data.parquet of every sample dataset are accepted back.

The sample is generated and published into a temporary workspace with the public stage functions; each
release's files are then checked for the same dataset exactly as `terbuka validate` checks a file. Where a
dataset holds one fiscal year and stage per file (apbd, kinerja), one slice of the published file is sent,
cut from the published bytes (CSV) or written by the release writer (Parquet).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from assets.validation import check_bytes, reference_tables
from publish.declarations import get_declaration
from publish.releases import dataset_dir, latest_release
from publish.workspace import Workspace
from publish.workbook import write_workbook
from publish.writers import write_parquet
from tests.support import published_sample

DATASETS = ("wilayah", "peraturan", "apbd", "kinerja")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Workspace:
    return published_sample(tmp_path_factory.mktemp("roundtrip"))


def _slice_keys(declaration) -> list[str]:
    """The columns one file may hold a single value of (one year, one stage), from the business rules."""
    keys = []
    for rule in declaration.expectations:
        kwargs = rule.get("kwargs", {})
        if rule.get("type") == "expect_column_unique_value_count_to_be_between" and kwargs.get("max_value") == 1 \
                and kwargs.get("min_value") == 1:  # exactly one value; "at most one" (a reporting date) is no slice
            keys.append(kwargs["column"])
    return keys


def _one_slice_csv(data: bytes, table: pa.Table, keys: list[str]) -> bytes:
    """The published CSV's own lines (header and the rows of the first slice), byte for byte."""
    if not keys:
        return data
    first = table.slice(0, 1).to_pylist()[0]
    mask = pc.and_(*[pc.equal(table.column(k), first[k]) for k in keys]) if len(keys) > 1 else \
        pc.equal(table.column(keys[0]), first[keys[0]])
    lines = data.split(b"\r\n")
    keep = mask.to_numpy(zero_copy_only=False)
    assert len(lines) == table.num_rows + 2 and lines[-1] == b""  # no line breaks inside cells in the sample
    return b"\r\n".join([lines[0]] + [line for line, k in zip(lines[1:-1], keep) if k]) + b"\r\n"


def _first_slice(table: pa.Table, keys: list[str]) -> pa.Table:
    if keys:
        first = table.slice(0, 1).to_pylist()[0]
        for k in keys:
            table = table.filter(pc.equal(table.column(k), first[k]))
    return table


def _one_slice_parquet(table: pa.Table, keys: list[str], tmp: Path) -> bytes:
    write_parquet(_first_slice(table, keys), tmp / "slice.parquet")
    return (tmp / "slice.parquet").read_bytes()


def _one_slice_xlsx(published: Path, table: pa.Table, keys: list[str], declaration, tmp: Path) -> bytes:
    """The published data.xlsx; for a dataset sent one slice at a time, the same writer's workbook of the first
    slice (what an officer keeps after deleting the other rows in a spreadsheet)."""
    if not keys:
        return published.read_bytes()
    write_workbook(_first_slice(table, keys), tmp / "slice.xlsx", declaration,
                   {"version": "1.0.0", "created": "2025-01-01T00:00:00Z", "url": "https://example.test/"})
    return (tmp / "slice.xlsx").read_bytes()


@pytest.mark.parametrize("dataset", DATASETS)
def test_published_files_are_accepted_back(published, dataset, tmp_path):
    declaration = get_declaration(published, dataset)
    version = latest_release(published, dataset)["version"]
    folder = dataset_dir(published, dataset) / version
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    assert descriptor["resources"][0]["path"] == "data.csv"
    assert any(f["path"] == "data.parquet" for f in descriptor["terbuka:files"])
    table = pq.read_table(folder / "data.parquet")
    keys = _slice_keys(declaration)
    references = reference_tables(published, declaration)
    sent = {"data.csv": _one_slice_csv((folder / "data.csv").read_bytes(), table, keys),
            "data.parquet": _one_slice_parquet(table, keys, tmp_path),
            "data.xlsx": _one_slice_xlsx(folder / "data.xlsx", table, keys, declaration, tmp_path)}
    for name, data in sent.items():
        checked = check_bytes(data, name, declaration, references)
        report = checked.report
        assert report.valid, (dataset, name, [(g["type"], g["field"], g["count"], g["note"][:200])
                                               for g in report.groups() if g["severity"] == "error"])
        # No warning of a kind the release itself did not carry (the sample has deliberate business-rule ones).
        before = {(g["type"], g["check"]) for g in json.loads((folder / "validation.json").read_text())["groups"]}
        new = [g for g in report.groups() if g["severity"] == "warning" and (g["type"], g["check"]) not in before]
        assert not new, (dataset, name, new)
        # The values come back as published: the clean table equals the published rows.
        expected = table
        for k in keys:
            expected = expected.filter(pc.equal(expected.column(k), expected.slice(0, 1).column(k)[0]))
        back = checked.table.drop_columns(["__row"])
        assert back.num_rows == expected.num_rows
        for column in expected.column_names:
            assert back.column(column).to_pylist() == expected.column(column).to_pylist(), (dataset, name, column)


def test_kinerja_csv_is_read_by_its_published_conventions(published):
    """The issue's case: '99.59' in the published kinerja CSV is a dot decimal, not an Indonesian group."""
    declaration = get_declaration(published, "kinerja")
    folder = dataset_dir(published, "kinerja") / latest_release(published, "kinerja")["version"]
    data = (folder / "data.csv").read_bytes()
    assert declaration.source["numbers"]["style"] == "id"
    checked = check_bytes(data, "data.csv", declaration, reference_tables(published, declaration),
                          business_rules=False)
    assert any(p.type == "published-form" for p in checked.report.problems)
    decimals = [v for v in checked.table.column("capaian").to_pylist() if v is not None and v != int(v)]
    assert decimals, "the sample's capaian has decimals: the case this test is about"


def test_an_edited_published_csv_names_the_published_convention(published):
    """A value typed the Indonesian way into the published CSV is refused with the convention to use."""
    declaration = get_declaration(published, "kinerja")
    folder = dataset_dir(published, "kinerja") / latest_release(published, "kinerja")["version"]
    rows = list(csv.reader(io.StringIO((folder / "data.csv").read_text("utf-8-sig"), newline="")))
    header = rows[0]
    row = next(r for r in rows[1:] if "." in r[header.index("capaian")])  # a published dot decimal stays
    row[header.index("target")] = "1.234,5"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, row])
    edited = out.getvalue().encode("utf-8")
    report = check_bytes(edited, "data.csv", declaration, reference_tables(published, declaration),
                         business_rules=False).report
    errors = [p for p in report.problems if p.severity == "error"]
    assert [(p.row, p.field, p.value) for p in errors] == [(2, "target", "1.234,5")]
    assert "published form" in errors[0].note and "1234567.89" in errors[0].note


def test_an_officers_file_with_field_names_keeps_the_declared_convention(published):
    """Field names in row 1 alone do not switch conventions: Indonesian numbers stay Indonesian."""
    declaration = get_declaration(published, "kinerja")
    folder = dataset_dir(published, "kinerja") / latest_release(published, "kinerja")["version"]
    table = pq.read_table(folder / "data.parquet").slice(0, 1)
    row = table.to_pylist()[0]
    row["target"] = "1.500"  # one thousand five hundred, the Indonesian way
    row["realisasi"] = "1.200"
    row["capaian"] = "80"
    text = ",".join(table.column_names) + "\n" + ",".join("" if v is None else str(v) for v in row.values()) + "\n"
    checked = check_bytes(text.encode(), "kinerja.csv", declaration, reference_tables(published, declaration),
                          business_rules=False)
    assert not any(p.type == "published-form" for p in checked.report.problems)
    assert checked.table.column("target").to_pylist() == [1500.0]
