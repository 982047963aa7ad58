"""The dataset after a file arrives, built in DuckDB: the previous release in the declaration's schema, the file's
rows replacing the slices they cover, sorted by the primary key, never whole in Python.

In the working table's connection this makes `inc` (the file's rows), `prev` (the previous release, when it can
be carried over) and `merged` (the new version's rows, in order); `text_tables` makes `old_text`/`new_text`
for the diff when the previous release's values cannot take the new types.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from publish import writers
from publish.declarations import Declaration
from publish.worktable import BATCH_ROWS, ROW, WorkTable, literal, quoted

ORDER = "__ord"  # a row's place before sorting: its row in the file, or its row in the previous release
RELATIONS = ("old_t", "new_t", "inc", "prev", "merged", "old_text", "new_text")  # dependent views first
DUCK_TYPES = {pa.int64(): "BIGINT", pa.float64(): "DOUBLE", pa.date32(): "DATE", pa.bool_(): "BOOLEAN",
              pa.string(): "VARCHAR"}


def columns(declaration: Declaration, alias: str = "") -> str:
    """The declared columns, in order, for a SELECT."""
    return ", ".join(f"{alias}{quoted(n)}" for n in declaration.field_names)


def drop(work: WorkTable) -> None:
    """Remove what this module made in the connection (the rows' own table `data` stays)."""
    for name in RELATIONS:
        kind = work.con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ?",
                                [name]).fetchall()
        if kind:
            work.con.execute(f"DROP {'VIEW' if kind[0][0] == 'VIEW' else 'TABLE'} {quoted(name)}")
    for name in ("inc_arrow",):
        try:
            work.unregister(name)
        except Exception:  # noqa: BLE001 - not registered: nothing to remove
            pass


def stage_incoming(incoming: WorkTable | pa.Table, declaration: Declaration, state: Path | None) -> WorkTable:
    """The file's rows as `inc`: the declared columns in order and type, and ORDER (their row in the file). A
    working table is used in place; an Arrow table (tests, callers holding a table) is registered in a new one."""
    schema = writers.arrow_schema(declaration)
    if isinstance(incoming, WorkTable):
        work = incoming
        have = dict(zip(work.schema().names, work.schema().types))
        cells = [quoted(f.name) if have.get(f.name) == f.type else f"CAST({quoted(f.name)} AS {DUCK_TYPES[f.type]}) "
                 f"AS {quoted(f.name)}" for f in schema]
        order = quoted(ROW) if ROW in have else "row_number() OVER ()"
        work.con.execute(f"CREATE VIEW inc AS SELECT {', '.join(cells)}, {order} AS {ORDER} FROM data")
        return work
    table = writers.conform(incoming, declaration)
    table = table.append_column(ORDER, pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64)))
    work = WorkTable(state)
    work.register("inc_arrow", table)
    work.con.execute("CREATE VIEW inc AS SELECT * FROM inc_arrow")
    return work


def carry_over(work: WorkTable, old: Path | None, declaration: Declaration) -> tuple[bool, str | None]:
    """`prev`: the previous release's rows in the declaration's current schema, so a schema change (a major
    version) keeps the years and stages the new file does not cover; new columns start empty. Read in place
    when the types are the same; else cast by Arrow batch by batch (the casts a whole-table cast makes).
    When old values cannot take the new types, nothing is carried and the reason is returned: the diff then
    lists every old row as removed, so the loss is visible, never silent. (False, None): no previous release."""
    if old is None:
        return False, None
    schema = writers.arrow_schema(declaration)
    parquet = pq.ParquetFile(old)
    have = parquet.schema_arrow
    if all(f.name in have.names and have.field(f.name).type == f.type for f in schema):
        work.con.execute(f"CREATE VIEW prev AS SELECT {columns(declaration)}, file_row_number + 1 AS {ORDER} "
                         f"FROM read_parquet({literal(old)}, file_row_number = true)")
        return True, None
    target = pa.schema(list(schema) + [pa.field(ORDER, pa.int64())])
    work.create(target, "prev")
    done = 0
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
        cells = []
        for field in schema:
            if field.name not in batch.schema.names:
                cells.append(pa.nulls(batch.num_rows, field.type))
                continue
            try:
                cells.append(batch.column(field.name).cast(field.type))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                work.con.execute("DROP TABLE prev")
                return False, f"{field.name}: the published values do not fit the new type {field.type} ({exc})"
        cells.append(pa.array(np.arange(done + 1, done + batch.num_rows + 1, dtype=np.int64)))
        done += batch.num_rows
        work.append(pa.Table.from_arrays(cells, schema=target), "prev")
    return True, None


def merge_slice(work: WorkTable, carried: bool, declaration: Declaration) -> int:
    """`merged`: the dataset after the file arrives; the file replaces the slices it covers (the declared
    `replaces` columns, e.g. one year and stage), sorted by the primary key. The sort is stable: rows of equal
    keys keep the previous release's rows first, in their order, then the file's, in file order. Returns
    the number of rows."""
    replaces = declaration.source.get("replaces", [])
    cols = columns(declaration)
    parts = []
    if carried and replaces:
        same = " AND ".join(f"p.{quoted(c)} IS NOT DISTINCT FROM i.{quoted(c)}" for c in replaces)
        slices = ", ".join(quoted(c) for c in replaces)
        parts.append(f"SELECT {columns(declaration, 'p.')}, 0 AS __src, p.{ORDER} FROM prev p WHERE NOT EXISTS "
                     f"(SELECT 1 FROM (SELECT DISTINCT {slices} FROM inc) i WHERE {same})")
    parts.append(f"SELECT {cols}, 1 AS __src, {ORDER} FROM inc")
    key = [k for k in declaration.primary_key if k in declaration.field_names]
    order = ", ".join([f"{quoted(k)} ASC NULLS LAST" for k in key] + ["__src", ORDER])
    work.con.execute(f"CREATE TABLE merged AS SELECT {cols} FROM ({' UNION ALL '.join(parts)}) ORDER BY {order}")
    return work.count("merged")


def text_tables(work: WorkTable, old: Path, declaration: Declaration) -> None:
    """`old_text` and `new_text`: both releases' declared columns as text (Arrow's casts), for diffing two
    releases whose types cannot be reconciled."""
    names = declaration.field_names
    schema = pa.schema([(n, pa.string()) for n in names])

    def as_text(batch: pa.RecordBatch) -> pa.Table:
        return pa.Table.from_arrays([batch.column(n).cast(pa.string()) if n in batch.schema.names
                                     else pa.nulls(batch.num_rows, pa.string()) for n in names], schema=schema)

    work.create(schema, "old_text")
    for batch in pq.ParquetFile(old).iter_batches(batch_size=BATCH_ROWS):
        work.append(as_text(batch), "old_text")
    work.create(schema, "new_text")
    for batch in work.reader(f"SELECT {columns(declaration)} FROM merged"):
        work.append(as_text(batch), "new_text")


def slice_keys(work: WorkTable, relation: str, replaces: list[str]) -> list[tuple]:
    """The distinct values of the `replaces` columns in a relation, sorted as text (the slices it holds)."""
    rows = work.con.execute(f"SELECT DISTINCT {', '.join(quoted(c) for c in replaces)} FROM {relation}").fetchall()
    return sorted((tuple(r) for r in rows), key=str)
