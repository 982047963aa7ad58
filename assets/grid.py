"""A CSV file's rows held column by column in Arrow, split exactly as Python's csv module splits them."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from assets.limits import Limits
from assets.sheet import column_letter
from assets.unusable import UnusableFile
from publish.report import id_number

HEAD_ROWS = 50  # rows parsed by Python's csv too: header detection reads them, and they check Arrow's split
_SENTINEL = "\x00"
BLOCK = 1 << 20  # Arrow's read size: one thread over 1 MiB blocks beats one block the size of the file


@dataclass
class Grid:
    """Rows of the most common length as string columns; rows of any other length kept as lists."""

    columns: list[pa.Array]  # one string array per column, over the rows of exactly len(columns) cells
    numbers: np.ndarray  # the 1-based record number of each of those rows
    odd: dict[int, list[str]]  # record number -> cells, for rows of another length
    count: int  # records in the file


class GridRows(Sequence):
    """sheet.rows for a CSV read into a Grid: the head as Python's csv read it, later rows built on demand."""

    def __init__(self, grid: Grid, head: list[list[str]]):
        self.grid, self.head = grid, head

    def __len__(self) -> int:
        return self.grid.count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("row index out of range")
        return self.head[index] if index < len(self.head) else self.grid_row(index)

    def grid_row(self, index: int) -> list[str]:
        """Row `index` (0-based) as Arrow split it."""
        number = index + 1
        if number in self.grid.odd:
            return self.grid.odd[number]
        at = int(np.searchsorted(self.grid.numbers, number))
        return [column[at].as_py() for column in self.grid.columns]


def split_rows(text: str, delimiter: str, limit: int | None = None, limits: Limits | None = None) -> list[list[str]]:
    """Rows as Python's csv module splits them (the reference every CSV path here agrees with), the first
    `limit` only when given. A row the module cannot split raises UnusableFile naming its line; with
    `limits`, so does a row past them, as it is read."""
    reader = csv.reader(_lines(text), delimiter=delimiter)
    rows: list[list[str]] = []
    start = 1  # the line the record being read starts on
    cells = 0
    try:
        for row in itertools.islice(reader, limit):
            if limits is not None:
                cells += len(row)
                _within(row, len(rows) + 1, cells, limits)
            rows.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise unsplittable(exc, start, reader.line_num) from None
    return rows


def _within(row: list[str], number: int, cells: int, limits: Limits) -> None:
    if number > limits.rows:
        raise limits.exceeded("rows")
    if len(row) > limits.columns:
        raise limits.exceeded("columns", len(row), where=f"row {number}", where_id=f"baris {number}")
    if cells > limits.cells:
        raise limits.exceeded("cells", where=f"by row {number}", where_id=f"pada baris {number}")
    for pos, cell in enumerate(row):
        if len(cell) > limits.cellCharacters:
            where = f"{column_letter(pos + 1)}{number}"
            raise limits.exceeded("cellCharacters", len(cell), where=f"cell {where}", where_id=f"sel {where}")


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _lines(text: str):
    """The lines of `text` with their endings, as io.StringIO(text, newline="") gives them, one at a time:
    a StringIO would hold the whole file again, at four bytes a character."""
    return (m.group() for m in _LINE.finditer(text))


def unsplittable(exc: csv.Error, start: int, end: int) -> UnusableFile:
    """The csv module's refusal in an officer's words: in practice a cell past its 131,072-character ceiling,
    which a quotation mark that is never closed produces by running the rest of the file into one cell."""
    span_en = f"line {start}" if end <= start else f"lines {start} to {end}"
    span_id = f"baris {start}" if end <= start else f"baris {start} sampai {end}"
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        limit_id = id_number(limit)
        return UnusableFile(
            f"A cell starting on {span_en} is longer than {limit:,} characters (past the 'cellCharacters' limit), "
            "more than any table cell holds. Usually a quotation mark (\") opens a cell and is never closed, so "
            "the rest of the file runs into that cell: check the quotes on that line.",
            f"Sebuah sel yang dimulai pada {span_id} lebih panjang dari {limit_id} karakter (melewati batas "
            "'cellCharacters'), melebihi isi sel tabel mana pun. Biasanya tanda kutip (\") membuka sel dan tidak "
            "pernah ditutup, sehingga sisa berkas masuk ke sel itu: periksa tanda kutip pada baris tersebut.")
    return UnusableFile(f"The rows on {span_en} cannot be split into cells: {exc}.",
                        f"Baris pada {span_id} tidak dapat dipecah menjadi sel: {exc}.")


def _usual_width(head: list[list[str]]) -> int:
    widths = [len(row) for row in head if row]
    return max(set(widths), key=widths.count) if widths else 1


def read_grid(utf8: bytes, delimiter: str, head: list[list[str]]) -> tuple[Grid, list[list[str]]] | None:
    """The file's rows as a Grid plus its head rows, or None when Arrow could split a row differently.

    `utf8` is the file as UTF-8 without BOM, `head` its first HEAD_ROWS rows as split_rows splits them
    (the caller holds the text only that long). Arrow's parser and Python's csv module agree on
    every well-formed file; they differ where a quoted cell runs to the end of the file (Arrow drops
    a final line break inside it). A sentinel record appended to the bytes shows that case: it is
    swallowed into the open quote. Callers then read the file with Python's csv module.
    """
    if not utf8:
        return None
    width = _usual_width(head)
    names = [f"c{i}" for i in range(width)]
    odd_text: dict[int, str] = {}

    def keep_aside(row) -> str:
        odd_text[row.number] = row.text
        return "skip"

    ending = b"" if utf8.endswith((b"\n", b"\r")) else b"\n"
    tail = ending + _SENTINEL.encode()
    whole = min(len(utf8) + len(tail) + 64, 2**31 - 1)
    # Arrow can lose the \n of a quoted \r\n that falls on a block boundary: such files are one block.
    block = whole if b"\r" in utf8 and b'"' in utf8 else min(BLOCK, whole)
    while True:
        odd_text.clear()
        try:
            table = _read(_Joined(utf8, tail), names, delimiter, block, keep_aside)
            break
        except pa.ArrowException:  # a record longer than a block, or bytes Arrow refuses
            if block == whole:
                return None
            block = whole
    count = table.num_rows + len(odd_text)
    if odd_text.get(count) == _SENTINEL:
        del odd_text[count]
    elif width == 1 and table.num_rows and table.column(0)[-1].as_py() == _SENTINEL:
        table = table.slice(0, table.num_rows - 1)
    else:
        return None  # the sentinel was swallowed: the file ends inside a quoted cell
    count -= 1
    odd = {number: _split(line, delimiter) for number, line in odd_text.items()}
    numbers = np.setdiff1d(np.arange(1, count + 1, dtype=np.int64), np.fromiter(odd, np.int64, len(odd)),
                           assume_unique=True)
    columns = []
    for _ in range(width):  # one column at a time, each freed from the table as it is copied out
        columns.append(table.column(0).combine_chunks())
        table = table.remove_column(0)
    grid = Grid(columns, numbers, odd, count)
    rows = GridRows(grid, head)
    if count < len(head) or (len(head) < HEAD_ROWS and count != len(head)) or any(_unlike(rows.grid_row(i), row) for i, row in enumerate(head)):
        return None
    return grid, head


class _Joined(io.RawIOBase):
    """The file's bytes followed by the sentinel, read without copying the file into a new bytes object."""

    def __init__(self, *parts: bytes):
        self.parts = [memoryview(p) for p in parts]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self.parts and not len(self.parts[0]):
            self.parts.pop(0)
        if not self.parts:
            return 0
        n = min(len(buffer), len(self.parts[0]))
        buffer[:n] = self.parts[0][:n]
        self.parts[0] = self.parts[0][n:]
        return n


def _read(data, names: list[str], delimiter: str, block: int, handler) -> pa.Table:
    # Row numbers reach the invalid-row handler only when Arrow reads on one thread.
    return pcsv.read_csv(
        io.BufferedReader(data, 1 << 20),
        read_options=pcsv.ReadOptions(column_names=names, use_threads=False, block_size=block),
        parse_options=pcsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False, newlines_in_values=True,
                                        invalid_row_handler=handler),
        convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[],
                                            strings_can_be_null=False, quoted_strings_can_be_null=False))


def _split(line: str, delimiter: str) -> list[str]:
    rows = split_rows(line, delimiter, 1)
    return rows[0] if rows else []


def _unlike(arrow_row: list[str], python_row: list[str]) -> bool:
    """Rows differ, counting an empty line ([] to Python, all-empty cells to Arrow) as equal."""
    if not python_row:
        return any(arrow_row)
    return arrow_row != python_row
