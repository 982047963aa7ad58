"""Working tables: rows held in DuckDB within a fixed memory budget, spilling to disk, never whole in Python.

A file's checked rows, the previous release and the merged dataset live in one connection on their way from
the checks to the release files; each is read back in Arrow batches of bounded size. DuckDB keeps within
MEMORY_MB and writes what does not fit to a folder of its own (under the workspace's state/spill/ when the
caller names a workspace), removed when the table is closed or garbage-collected.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from publish.files import pid_alive

# DuckDB's share of the memory a run may take (the rest: Python, Arrow batches, Dagster). What does not fit is
# spilled to disk, so the number of rows changes the time a step takes, not the memory it holds.
MEMORY_MB = 256
BATCH_ROWS = 16_384  # rows per Arrow batch read back from DuckDB (a writer holds a few at a time)
NAME = "data"  # the table the checks and the business rules' queries read
ROW = "__row"  # a file's row numbers (the header is row 1), kept beside its data for reports and order
FOLDER = "spill"  # under a workspace's state/: where the spill folders live


def _clear_stale(parent: Path) -> None:
    """Spill folders of processes that are gone (a killed run): named <pid>-<random>."""
    if not parent.is_dir():
        return
    for folder in parent.iterdir():
        pid = folder.name.split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def spill_folder(state: Path | None) -> Path:
    """A new, empty folder for one working table's spill files: under `state`/spill/ when given (a workspace's
    state folder), else in the system's temporary folder."""
    if state is None:
        return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-terbuka-work-"))
    parent = Path(state) / FOLDER
    parent.mkdir(parents=True, exist_ok=True)
    _clear_stale(parent)
    folder = parent / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    return folder


def _release(con: duckdb.DuckDBPyConnection, folder: Path | None) -> None:
    try:
        con.close()
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def quoted(name: str) -> str:
    """An SQL identifier: a column name from a declaration, whatever characters it holds."""
    return '"' + str(name).replace('"', '""') + '"'


def literal(text) -> str:
    """An SQL string literal of a value's text (a code, a year, a label from the data)."""
    return "'" + str(text).replace("'", "''") + "'"


class WorkTable:
    """A table named `data` in a DuckDB connection of its own (other tables of the same work sit beside it).

    Made empty with a schema and filled chunk by chunk (`append`), or wrapping an Arrow table that is
    already in memory (`of`, registered, not copied). `reader` gives any query's rows back in batches."""

    def __init__(self, state: Path | None = None, memory_mb: int | None = None, spill: bool = True):
        """`state`: the workspace's state folder, where the spill folder goes (else the system's temporary
        folder). Without `spill` (an Arrow table already in memory), nothing is ever written to disk."""
        self.folder = spill_folder(state) if spill else None
        self.con = duckdb.connect(config={"memory_limit": f"{memory_mb or MEMORY_MB}MB",
                                          "temp_directory": str(self.folder) if spill else "",
                                          "preserve_insertion_order": True,
                                          "allocator_flush_threshold": "32MB"})
        self._closer = weakref.finalize(self, _release, self.con, self.folder)

    @classmethod
    def of(cls, data: WorkTable | pa.Table, state: Path | None = None) -> WorkTable:
        """`data` itself when it is a working table; an Arrow table registered as `data` (no copy) otherwise."""
        if isinstance(data, WorkTable):
            return data
        work = cls(state, spill=state is not None)
        work.register(NAME, data)
        return work

    def register(self, name: str, table: pa.Table) -> None:
        """An Arrow table readable by name in this connection, scanned in place."""
        self.con.register(name, table)

    def unregister(self, name: str) -> None:
        self.con.unregister(name)

    def create(self, schema: pa.Schema, name: str = NAME) -> None:
        """An empty table with the Arrow schema's columns and types."""
        self.con.execute(f"DROP TABLE IF EXISTS {quoted(name)}")
        empty = schema.empty_table()
        self.con.register("__empty", empty)
        try:
            self.con.execute(f"CREATE TABLE {quoted(name)} AS SELECT * FROM __empty")
        finally:
            self.con.unregister("__empty")

    def append(self, table: pa.Table | pa.RecordBatch, name: str = NAME) -> None:
        """Rows added at the end (the table's column order)."""
        self.con.register("__chunk", table)
        try:
            self.con.execute(f"INSERT INTO {quoted(name)} SELECT * FROM __chunk")
        finally:
            self.con.unregister("__chunk")

    def append_all(self, schema: pa.Schema, tables: Iterable[pa.Table | pa.RecordBatch], name: str = NAME) -> None:
        """Rows added from tables produced one after another (cast to `schema`), in one statement that DuckDB
        pulls as it goes (far cheaper than a statement per table). An exception raised while producing them
        is raised here as it was, and nothing of them is added."""
        failure: list[BaseException] = []

        def batches():
            try:
                for table in tables:
                    table = table if table.schema == schema else table.cast(schema)
                    yield from (table.to_batches() if isinstance(table, pa.Table) else [table])
            except BaseException as exc:  # DuckDB would wrap it: kept, and raised again below
                failure.append(exc)
                raise

        self.con.register("__stream", pa.RecordBatchReader.from_batches(schema, batches()))
        try:
            self.con.execute(f"INSERT INTO {quoted(name)} SELECT * FROM __stream")
        except duckdb.Error:
            if failure:
                raise failure[0] from None
            raise
        finally:
            self.con.unregister("__stream")

    def truncate(self, name: str = NAME) -> None:
        self.con.execute(f"DELETE FROM {quoted(name)}")

    def count(self, name: str = NAME) -> int:
        return self.con.execute(f"SELECT count(*) FROM {quoted(name)}").fetchall()[0][0]

    def schema(self, name: str = NAME) -> pa.Schema:
        return self.con.sql(f"SELECT * FROM {quoted(name)} LIMIT 0").to_arrow_table().schema

    @property
    def column_names(self) -> list[str]:
        return [n for n, *_ in self.con.execute(f"DESCRIBE {quoted(NAME)}").fetchall()]

    @property
    def num_rows(self) -> int:
        return self.count()

    def reader(self, sql: str, rows: int = BATCH_ROWS) -> pa.RecordBatchReader:
        """A query's rows as Arrow batches of at most `rows` rows, produced as they are read. The query runs on a
        cursor of its own, so the connection can do other work meanwhile; it sees the connection's tables, not
        the Arrow tables registered on it."""
        return self.con.cursor().sql(sql).to_arrow_reader(rows)

    def arrow(self, sql: str | None = None) -> pa.Table:
        """A query's rows (the whole table by default) as one Arrow table in memory: for small tables and tests;
        the bulk path reads `reader` batches instead."""
        return self.con.sql(sql or f"SELECT * FROM {quoted(NAME)}").to_arrow_table()

    def head(self, rows: int, name: str = NAME) -> pa.Table:
        return self.arrow(f"SELECT * FROM {quoted(name)} LIMIT {int(rows)}")

    def close(self) -> None:
        """Drop the connection and the spill folder (also done when the object is garbage-collected)."""
        self._closer()

    @property
    def closed(self) -> bool:
        return not self._closer.alive


@contextmanager
def working(data: WorkTable | pa.Table) -> Iterator[WorkTable]:
    """The working table for `data`: itself, or an Arrow table registered as `data` while the block runs."""
    if isinstance(data, WorkTable):
        yield data
        return
    work = WorkTable.of(data)
    try:
        yield work
    finally:
        work.close()
