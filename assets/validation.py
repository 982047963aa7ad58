"""Validate one file against its declaration: readable, structurally sound, private, business-rule clean.

The rows are read chunk by chunk into a working table in DuckDB (publish/worktable.py), within a fixed memory
budget whatever the file's length; every check runs there, as SQL, and the release reads them from there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from assets.calendar import fiscal_years
from assets.expectations import run_suite
from assets.grid import Restart
from assets.ingest import ROW, Ingest
from assets.levels import summary_rows
from assets.privacy import check_privacy
from assets.reading import UnusableFile, open_sheet
from assets.source import Source
from assets.structure import check_structure
from publish.declarations import Declaration
from publish.progress import step
from publish.regions import REGION_FIELD
from publish.releases import release_table
from publish.report import ERROR, Problem, Report
from publish.workspace import Workspace
from publish.worktable import WorkTable, literal, quoted, working

HEAD = 20  # rows kept in memory after the working table is closed (previews)


@dataclass
class Checked:
    """The checked rows (None when the file could not be read) and their report.

    `rows` is the working table in DuckDB (the declared columns and ROW); `head` its first rows, kept in memory
    for previews after `close()`; `table` the whole of it as one Arrow table, for small files and tests."""

    rows: WorkTable | None
    report: Report
    rules: list[dict]
    head: pa.Table | None = None

    @property
    def table(self) -> pa.Table | None:
        """The checked rows in memory, whole (small files and tests; the release reads `rows` in batches)."""
        return None if self.rows is None or self.rows.closed else self.rows.arrow()

    def close(self) -> None:
        """Free the working table (its memory and spill files); `head` and the report stay."""
        if self.rows is not None:
            self.rows.close()


def reference_tables(workspace: Workspace, declaration: Declaration) -> dict[str, pa.Table]:
    """Latest releases of the datasets this one's foreign keys point into."""
    out = {}
    for name in declaration.depends_on:
        table = release_table(workspace, name)
        if table is not None:
            out[name] = table
    return out


def check_file(path: Path, filename: str, declaration: Declaration, references: dict[str, pa.Table],
               business_rules: bool = True, partition: str | None = None, sha256: str | None = None,
               state: Path | None = None, region: str | None = None) -> Checked:
    """Every check on one file on disk, read in chunks (a CSV file is never whole in memory). `sha256`: the
    file's hash when the caller has it already (a file is hashed once); `state`: the workspace's state folder,
    where the working table spills what does not fit in memory; `region`: the region a run of a dataset split
    by region processes (every row must be for it)."""
    return _check(Source(path=path), filename, declaration, references, business_rules, partition, sha256, state,
                  region)


def check_bytes(data: bytes, filename: str, declaration: Declaration,
                references: dict[str, pa.Table], business_rules: bool = True,
                partition: str | None = None, sha256: str | None = None, state: Path | None = None) -> Checked:
    """check_file for bytes already in memory; problems are data in the report, never exceptions."""
    return _check(Source(data=data), filename, declaration, references, business_rules, partition, sha256, state)


def _check(source: Source, filename: str, declaration: Declaration, references: dict[str, pa.Table],
           business_rules: bool, partition: str | None, sha256: str | None, state: Path | None,
           region: str | None = None) -> Checked:
    report = Report(dataset=declaration.id, source=Path(filename).name, sha256=sha256 or source.sha256())
    work = None
    with step((f"membaca {report.source}", f"reading {report.source}"), total=source.size, unit="bytes") as reading:
        try:
            sheet = open_sheet(source, filename, declaration.source)
            report.reading = sheet.describe()
            ingest = Ingest(sheet, declaration)
            work = WorkTable(state)
            work.create(ingest.schema)
            _load(ingest, work, reading)
        except UnusableFile as exc:
            if work is not None:
                work.close()
            report.unusable = True
            report.add(Problem(type="source-error", note=exc.message_en, note_id=exc.message_id))
            return Checked(None, report, [])
        report.reading = sheet.describe()  # the encoding may have been found out as the rows streamed
        reading.advance(max(0, source.size - reading.done))
    rows = work.count()
    report.rows = rows
    problems = ingest.problems() + summary_rows(work, declaration)
    report.extend(problems)
    checked = Checked(work, report, [], work.head(HEAD))
    if not rows:
        report.add(no_rows(ingest.header_row + 1))
        return checked  # an empty release would replace the data citizens see with nothing
    failed = {(p.row, p.field) for p in problems if p.field and p.row is not None}
    missing = {p.field for p in problems if p.type == "missing-label"}
    if any(p.type == "missing-label" and p.severity == ERROR for p in problems):
        return checked  # without its required columns nothing else means much
    by_region = region is not None and REGION_FIELD in declaration.field_names
    parts = 2 + bool(partition is not None and declaration.partition) + by_region + bool(business_rules)
    with step((f"memeriksa {report.source}", f"checking {report.source}"), total=rows * parts, unit="rows") as checking:
        _add(report, *check_structure(work, declaration, references, failed, missing))
        checking.advance(rows)
        _add(report, *check_privacy(work, declaration))
        checking.advance(rows)
        if partition is not None and declaration.partition:
            _add(report, *check_partition(work, declaration.partition, partition))
            checking.advance(rows)
        if by_region:
            _add(report, *check_region(work, region))
            checking.advance(rows)
        if business_rules:
            found, overflow, checked.rules = run_suite(work, declaration)
            _add(report, found, overflow)
            checking.advance(rows)
    return checked


def _load(ingest: Ingest, work: WorkTable, reading) -> None:
    """The sheet's rows into the working table, chunk by chunk; read again from the start if the stream says
    its chunks so far are void (another encoding, or Python's csv module, reads the file)."""
    stream = ingest.sheet.stream

    def tables():
        for table in ingest.tables():
            yield table
            if stream is not None and stream.position > reading.done:
                reading.advance(stream.position - reading.done)
    while True:
        try:
            work.append_all(ingest.schema, tables())  # one statement: nothing stays of a pass that restarts
            return
        except Restart:
            continue


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


EXAMPLES = 200  # rows of another partition named one by one; the rest are counted


def _outside(table: WorkTable | pa.Table, column: str, value: str) -> tuple[list[tuple], int]:
    """The first EXAMPLES (row, value) of the rows whose `column` is not `value` (an SQL expression), and how
    many there are in all."""
    outside = f"{quoted(column)} IS DISTINCT FROM {value}"
    with working(table) as work:
        total = work.con.execute(f"SELECT count(*) FROM data WHERE {outside}").fetchall()[0][0]
        rows = work.con.execute(f"SELECT {ROW}, {quoted(column)} FROM data WHERE {outside} ORDER BY {ROW} "
                                f"LIMIT {EXAMPLES}").fetchall()
    return rows, total


def _counted(problems: list[Problem], total: int) -> tuple[list[Problem], list[tuple[Problem, int]]]:
    return problems, [(problems[-1], total - len(problems))] if total > len(problems) and problems else []


def check_partition(table: WorkTable | pa.Table, column: str, partition: str) -> tuple[list[Problem], list[tuple[Problem, int]]]:
    """Rows outside the fiscal year being processed: a file for one year must not touch another.
    A year the portal has no partition for (before the first, after next year) is named as such."""
    keys = fiscal_years()
    rows, total = _outside(table, column, str(int(partition)))
    problems = []
    for row, year in rows:
        note = f"This run processes fiscal year {partition}, but this row is for {year}; send one file per year."
        note_id = f"Proses ini untuk tahun anggaran {partition}, tetapi baris ini untuk {year}; kirim satu berkas per tahun."
        if year is not None and str(year) not in keys:
            note += f" Fiscal years {keys[0]}–{keys[-1]} can be published; check the year."
            note_id += f" Tahun anggaran yang dapat diterbitkan: {keys[0]}–{keys[-1]}; periksa tahunnya."
        problems.append(Problem(type="partition-mismatch", row=row, field=column,
                                value=None if year is None else str(year), note=note, note_id=note_id))
    return _counted(problems, total)


def check_region(table: WorkTable | pa.Table, region: str) -> tuple[list[Problem], list[tuple[Problem, int]]]:
    """Rows for another region than the one being processed: a run for one region replaces that region's rows
    only, so a file holding another region's rows is refused, row by row, never published under one label."""
    rows, total = _outside(table, REGION_FIELD, literal(region))
    return _counted([Problem(type="partition-mismatch", row=row, field=REGION_FIELD, value=code,
                             note=f"This run processes region {region}, but this row is for {code or 'no region'}; "
                                  "send one file per region.",
                             note_id=f"Proses ini untuk wilayah {region}, tetapi baris ini untuk "
                                     f"{code or 'wilayah kosong'}; kirim satu berkas per wilayah.")
                     for row, code in rows], total)


def clean_table(checked: Checked) -> pa.Table:
    """The checked rows without the bookkeeping row-number column, in memory (small files and tests; the release
    reads `checked.rows`)."""
    return checked.table.drop_columns([ROW])
