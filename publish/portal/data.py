"""Reading published Parquet for pages: bounded previews and DuckDB aggregates (memory stays flat)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq


def preview(path: Path, limit: int) -> list[dict]:
    """The first `limit` rows, read one batch at a time rather than the whole file."""
    reader = pq.ParquetFile(path)
    for batch in reader.iter_batches(batch_size=limit):
        return batch.to_pylist()[:limit]
    return []


def query(path: Path, sql: str, params: list | None = None, select="*") -> list[dict]:
    """Run `sql` against the Parquet file registered as table `t` (its columns as `select` presents them, e.g.
    under the role names a portal view reads; a callable is given the file's column names); rows as dicts."""
    if callable(select):
        select = select(set(pq.read_schema(path).names))
    con = duckdb.connect()
    try:
        con.execute(f"CREATE VIEW t AS SELECT {select} FROM read_parquet('{_quote(path)}')")
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        con.close()


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
