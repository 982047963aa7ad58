"""Validate one file against its declaration: readable, structurally sound, private, business-rule clean."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from assets.calendar import fiscal_years
from assets.expectations import run_suite
from assets.ingest import ROW, ingest_sheet
from assets.privacy import check_privacy
from assets.reading import UnusableFile, read_sheet
from assets.structure import check_structure
from publish.declarations import Declaration
from publish.files import sha256_bytes
from publish.progress import step
from publish.releases import release_table
from publish.report import ERROR, Problem, Report
from publish.workspace import Workspace


@dataclass
class Checked:
    """The clean table (None when the file could not be read) and its report."""

    table: pa.Table | None
    report: Report
    rules: list[dict]


def reference_tables(workspace: Workspace, declaration: Declaration) -> dict[str, pa.Table]:
    """Latest releases of the datasets this one's foreign keys point into."""
    out = {}
    for name in declaration.depends_on:
        table = release_table(workspace, name)
        if table is not None:
            out[name] = table
    return out


def check_bytes(data: bytes, filename: str, declaration: Declaration,
                references: dict[str, pa.Table], business_rules: bool = True,
                partition: str | None = None, sha256: str | None = None) -> Checked:
    """Every check on one file's bytes; problems are data in the report, never exceptions. `sha256`: the
    bytes' hash when the caller has it already (a file is hashed once)."""
    report = Report(dataset=declaration.id, source=Path(filename).name, sha256=sha256 or sha256_bytes(data))
    with step((f"membaca {report.source}", f"reading {report.source}"), total=len(data), unit="bytes") as reading:
        try:
            sheet = read_sheet(data, filename, declaration.source)
            report.reading = sheet.describe()
            ingested = ingest_sheet(sheet, declaration)
        except UnusableFile as exc:
            report.unusable = True
            report.add(Problem(type="source-error", note=exc.message_en, note_id=exc.message_id))
            return Checked(None, report, [])
        reading.advance(len(data))
    table = ingested.table
    report.rows = table.num_rows
    report.extend(ingested.problems)
    if not table.num_rows:
        report.add(no_rows(ingested.header_row))
        return Checked(table, report, [])  # an empty release would replace the data citizens see with nothing
    failed = {(p.row, p.field) for p in ingested.problems if p.field and p.row is not None}
    missing = {p.field for p in ingested.problems if p.type == "missing-label"}
    if any(p.type == "missing-label" and p.severity == ERROR for p in ingested.problems):
        return Checked(table, report, [])  # without its required columns nothing else means much
    parts = 2 + bool(partition is not None and declaration.partition) + bool(business_rules)
    rules: list[dict] = []
    with step((f"memeriksa {report.source}", f"checking {report.source}"), total=table.num_rows * parts, unit="rows") as checking:
        _add(report, *check_structure(table, declaration, references, failed, missing))
        checking.advance(table.num_rows)
        _add(report, *check_privacy(table, declaration))
        checking.advance(table.num_rows)
        if partition is not None and declaration.partition:
            _add(report, *check_partition(table, declaration.partition, partition))
            checking.advance(table.num_rows)
        if business_rules:
            found, overflow, rules = run_suite(table, declaration)
            _add(report, found, overflow)
            checking.advance(table.num_rows)
    return Checked(table, report, rules)


def _add(report: Report, problems: list[Problem], overflow: list[tuple[Problem, int]]) -> None:
    """Problems a check found, and the counts of those it did not keep (checks fetch a bounded sample)."""
    report.extend(problems)
    for example, n in overflow:
        report.add_uncounted(example, n)


def no_rows(header_row: int) -> Problem:
    """A file with a header and nothing under it (or only blank and total rows) has nothing to publish."""
    return Problem(type="no-rows",
                   note=f"This file has column names (row {header_row}) but no data rows below them, so there is "
                        "nothing to publish; fill in the rows and drop the file again.",
                   note_id=f"Berkas ini hanya berisi judul kolom (baris {header_row}) tanpa baris data di bawahnya, "
                           "sehingga tidak ada yang dapat diterbitkan; isi baris datanya lalu kirim ulang berkas.")


def check_partition(table: pa.Table, column: str, partition: str) -> tuple[list[Problem], list[tuple[Problem, int]]]:
    """Rows outside the fiscal year being processed: a file for one year must not touch another.
    A year the portal has no partition for (before the first, after next year) is named as such."""
    keys = fiscal_years()
    values = table.column(column)
    outside = pc.invert(pc.fill_null(pc.equal(values, pa.scalar(int(partition), values.type)), False))
    total = pc.sum(outside.cast(pa.int64())).as_py() or 0
    rows = table.filter(outside).select([ROW, column]).slice(0, 200).to_pylist()
    problems = []
    for r in rows:
        year = r[column]
        note = f"This run processes fiscal year {partition}, but this row is for {year}; send one file per year."
        note_id = f"Proses ini untuk tahun anggaran {partition}, tetapi baris ini untuk {year}; kirim satu berkas per tahun."
        if year is not None and str(year) not in keys:
            note += f" Fiscal years {keys[0]}–{keys[-1]} can be published; check the year."
            note_id += f" Tahun anggaran yang dapat diterbitkan: {keys[0]}–{keys[-1]}; periksa tahunnya."
        problems.append(Problem(type="partition-mismatch", row=r[ROW], field=column,
                                value=None if year is None else str(year), note=note, note_id=note_id))
    overflow = [(problems[-1], total - len(problems))] if total > len(problems) and problems else []
    return problems, overflow


def clean_table(checked: Checked) -> pa.Table:
    """The checked table without the bookkeeping row-number column."""
    return checked.table.drop_columns([ROW])
