"""A release written from the DuckDB working table in batches has the bytes a write of the whole table gives:
every data file of every sample version (data.csv with its byte-order mark, the per-year files, data.parquet,
data.xlsx, the Fiscal Data Package) is compared with the same rows written at once, as one Arrow table, the
way releases were written before they streamed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from publish import writers
from publish.fiscal import fiscal_package, mapping
from publish.releases import list_releases
from publish.workbook import write_workbook
from publish.workspace import Workspace
from tests.support import published_sample



@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Workspace:
    return published_sample(tmp_path_factory.mktemp("streamed"))


# The whole-table writes, as one call each on one Arrow table in memory.
def whole_csv(table: pa.Table) -> bytes:
    out = io.BytesIO()
    out.write(writers.BOM)
    pacsv.write_csv(table, out, write_options=pacsv.WriteOptions(include_header=True, eol="\r\n",
                                                                 quoting_style="needed"))
    return out.getvalue()


def whole_parquet(table: pa.Table) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd", use_dictionary=True, write_statistics=True)
    return out.getvalue()


def _versions(ws: Workspace):
    for declaration in ws.declarations.values():
        for entry in list_releases(ws, declaration.id):
            yield declaration, entry["version"], ws.releases / "datasets" / declaration.id / entry["version"]


def _table(declaration, folder: Path) -> pa.Table:
    """The version's rows as one table in the declared types (read back from its Parquet)."""
    return pq.read_table(folder / "data.parquet").cast(writers.arrow_schema(declaration))


def test_every_version_has_the_derived_files(published):
    versions = list(_versions(published))
    assert {d.id for d, _, _ in versions} >= {"apbd", "wilayah", "peraturan", "kinerja"}
    assert any(mapping(d) is not None for d, _, _ in versions)  # the Fiscal Data Package is exercised
    for declaration, _, folder in versions:
        assert (folder / writers.XLSX).is_file()
        assert (folder / writers.FISCAL_DATA).is_file() == (mapping(declaration) is not None)


def test_csv_and_parquet_are_the_bytes_of_one_write(published):
    for declaration, version, folder in _versions(published):
        table = _table(declaration, folder)
        assert (folder / "data.csv").read_bytes() == whole_csv(table), (declaration.id, version)
        assert (folder / "data.csv").read_bytes().startswith(writers.BOM)
        assert (folder / "data.parquet").read_bytes() == whole_parquet(table), (declaration.id, version)
        if declaration.partition:
            years = sorted(y for y in set(table.column(declaration.partition).to_pylist()) if y is not None)
            assert years
            for year in years:
                part = table.filter(pc.equal(table.column(declaration.partition), year))
                assert (folder / f"data-{year}.csv").read_bytes() == whole_csv(part), (declaration.id, version, year)
                assert (folder / f"data-{year}.parquet").read_bytes() == whole_parquet(part), \
                    (declaration.id, version, year)


def test_workbook_and_fiscal_package_are_the_bytes_of_one_write(published, tmp_path):
    for declaration, version, folder in _versions(published):
        table = _table(declaration, folder)
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        created, base = descriptor["created"], published.config.base_url
        url = f"{base}datasets/{declaration.id}/{version}/"
        reference = tmp_path / f"{declaration.id}-{version}.xlsx"
        write_workbook(table, reference, declaration,
                       {"version": version, "created": created, "url": url,
                        "producers": writers.producers(declaration),
                        "publisher": (published.config.get("publisher") or {}).get("name")})
        assert (folder / writers.XLSX).read_bytes() == reference.read_bytes(), (declaration.id, version)
        if mapping(declaration) is None:
            continue
        package, data = fiscal_package(declaration, table, {"version": version, "id": url + writers.FISCAL_DESCRIPTOR,
                                                            "homepage": url, "created": created},
                                       data_path=writers.FISCAL_DATA)
        assert data.count(b"\r\n") > 1  # rows, not only the header
        assert (folder / writers.FISCAL_DATA).read_bytes() == data, (declaration.id, version)
        assert (folder / writers.FISCAL_DESCRIPTOR).read_text(encoding="utf-8") == writers.dumps(package)


def test_a_workbook_from_batches_across_sheets_is_the_workbook_of_the_table(published, tmp_path):
    """Batches that cut through a sheet's end give the same workbook as the table at once."""
    declaration = published.declaration("apbd")
    folder = next(f for d, _, f in _versions(published) if d.id == "apbd")
    table = _table(declaration, folder)
    about = {"version": "1.0.0", "created": "2025-01-02T03:04:05Z"}
    write_workbook(table, tmp_path / "whole.xlsx", declaration, about, rows_per_sheet=101)
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=37))
    write_workbook(reader, tmp_path / "batches.xlsx", declaration, about, rows_per_sheet=101, rows=table.num_rows)
    assert table.num_rows > 200  # three sheets at least
    assert (tmp_path / "batches.xlsx").read_bytes() == (tmp_path / "whole.xlsx").read_bytes()
    with pytest.raises(TypeError):
        write_workbook(pa.RecordBatchReader.from_batches(table.schema, []), tmp_path / "x.xlsx", declaration, about)
