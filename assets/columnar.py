"""Parquet files (the portal's own download) read back as text columns in the published conventions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from assets.grid import HEAD_ROWS, Grid, GridRows
from assets.limits import Limits
from assets.sheet import Sheet
from assets.unusable import UnusableFile


def _damaged(reason: str) -> UnusableFile:
    return UnusableFile(f"This Parquet file cannot be read ({reason}); download it again or send CSV.",
                        f"Berkas Parquet ini tidak dapat dibaca ({reason}); unduh ulang atau kirim CSV.")


def _as_text(column: pa.ChunkedArray, name: str) -> pa.Array:
    """A column's values written as the portal writes them in data.csv: 1234, 99.59, 2024-03-15, true; null as ''."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column, kind = column.cast(kind.value_type), kind.value_type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_integer(kind)
            or pa.types.is_floating(kind) or pa.types.is_decimal(kind) or pa.types.is_boolean(kind)
            or pa.types.is_date(kind) or pa.types.is_timestamp(kind) or pa.types.is_null(kind)):
        raise UnusableFile(f"Column '{name}' of this Parquet file holds {kind} values, not plain cells; send a flat "
                           "table (text, numbers, dates).",
                           f"Kolom '{name}' dalam berkas Parquet ini berisi nilai {kind}, bukan sel biasa; kirim "
                           "tabel datar (teks, angka, tanggal).")
    text = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not pa.types.is_string(kind):
        text = pc.cast(text, pa.string())
    return text.fill_null("")


def read_parquet(data: bytes, limits: Limits | None = None) -> Sheet:
    """A Parquet file's columns as a Grid of text, checked against the limits from its footer before any column
    is unpacked. Its typed values are in the published conventions, so the sheet says so (canonical)."""
    limits = limits or Limits()
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        meta = parquet.metadata
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _damaged(str(exc)[:200]) from None
    if meta.num_rows + 1 > limits.rows:
        raise limits.exceeded("rows", meta.num_rows)
    if meta.num_columns > limits.columns:
        raise limits.exceeded("columns", meta.num_columns)
    # A column of one repeated value packs to almost nothing: as text, every cell takes at least two bytes (as
    # in a CSV, "x,"), so a Parquet file may hold no more cells than the largest accepted CSV could.
    if 2 * meta.num_rows * meta.num_columns > limits.bytes:
        raise limits.exceeded("bytes", 2 * meta.num_rows * meta.num_columns,
                              where="its cells written as CSV, at two bytes each at least",
                              where_id="selnya bila ditulis sebagai CSV, paling sedikit dua byte per sel")
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > limits.unpackedBytes:
        raise limits.exceeded("unpackedBytes", unpacked)
    try:
        table = parquet.read()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _damaged(str(exc)[:200]) from None
    names = [str(n) for n in table.column_names]
    columns = [_as_text(table.column(i), names[i]) for i in range(table.num_columns)]
    del table
    for pos, column in enumerate(columns):
        if len(column) and pc.max(pc.utf8_length(column)).as_py() > limits.cellCharacters:
            raise limits.exceeded("cellCharacters", pc.max(pc.utf8_length(column)).as_py(),
                                  where=f"column '{names[pos]}'", where_id=f"kolom '{names[pos]}'")
    count = meta.num_rows + 1  # the column names are row 1, as in the CSV download
    grid = Grid(columns, np.arange(2, count + 1, dtype=np.int64), {}, count)
    head = [names] + [[c[i].as_py() for c in columns] for i in range(min(HEAD_ROWS - 1, meta.num_rows))]
    return Sheet("parquet", GridRows(grid, head), grid=grid, canonical=True)
