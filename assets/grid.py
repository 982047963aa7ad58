"""A CSV file's rows column by column in Arrow, read in chunks of bounded size, split exactly as Python's csv module
splits them."""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from assets.encoding import decoded, detect_encoding, legacy_line, legacy_note
from assets.feed import SENTINEL, Feed
from assets.limits import Limits
from assets.sheet import column_letter
from assets.source import Source
from assets.unusable import UnusableFile
from publish.report import Problem, id_number

HEAD_ROWS = 50  # rows parsed by Python's csv too: header detection reads them, and they check Arrow's split
BLOCK = 1 << 19  # Arrow's read size: its streaming reader holds some 30 times a block; 512 KiB costs ~10% over 1 MiB
MAX_BLOCK = 1 << 28  # a record longer than a block is read again with larger blocks, up to this
CHUNK_ROWS = 1 << 15  # rows handed on at a time: what the ingest and the checks hold of a file at once


@dataclass
class Grid:
    """Rows of the most common length as string columns; rows of any other length kept as lists. A whole file,
    or one chunk of it: then `count` is the number of the last record the chunk covers."""

    columns: list[pa.Array]  # one string array per column, over the rows of exactly len(columns) cells
    numbers: np.ndarray  # the 1-based record number of each of those rows
    odd: dict[int, list[str]]  # record number -> cells, for rows of another length
    count: int  # records in the file (in a chunk: up to and including this one)


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




_ENDING = re.compile(r"\r\n|\r|\n")


def text_lines(pieces: Iterable[str]) -> Iterator[str]:
    """_lines over text that comes in pieces: a line cut between two pieces (or between \\r and \\n) is joined."""
    parts: list[str] = []  # the start of a line cut at the end of a piece (joined once, however long)
    held = ""  # a final \r, which may be half of a \r\n
    for piece in pieces:
        text = held + piece if held else piece
        held = ""
        if text.endswith("\r"):
            text, held = text[:-1], "\r"
        at = 0
        for ending in _ENDING.finditer(text):
            line = text[at:ending.end()]
            if parts:
                parts.append(line)
                line, parts = "".join(parts), []
            yield line
            at = ending.end()
        if at < len(text):
            parts.append(text[at:])
    if held:
        parts.append(held)
    if parts:
        yield "".join(parts)


def nul_refusal(pieces: Iterable[str]) -> UnusableFile:
    """The refusal of a file that holds NUL characters, naming the lines of the first five."""
    lines: list[int] = []
    before = 0  # line ends before the current piece
    for piece in pieces:
        at = piece.find("\x00")
        while at >= 0 and len(lines) < 5:
            lines.append(before + piece.count("\n", 0, at) + 1)
            at = piece.find("\x00", at + 1)
        if len(lines) >= 5:
            break
        before += piece.count("\n")
    shown = ", ".join(map(str, sorted(set(lines))))
    return UnusableFile(
        f"This file holds NUL bytes (\\x00, on lines {shown}), which no text table contains: it is probably a "
        "binary file or a damaged export. Open it in a spreadsheet program and save it as CSV UTF-8 or XLSX.",
        f"Berkas ini memuat byte NUL (\\x00, pada baris {shown}), yang tidak ada dalam tabel teks: mungkin berkas "
        "biner atau ekspor yang rusak. Buka di program lembar kerja lalu simpan sebagai CSV UTF-8 atau XLSX.")


def unclosed_quote(last: list[str], count: int) -> Problem:
    """The file ends inside a quoted cell: the last row's quote swallowed the rest of the file (`last` is that
    row, `count` the number of rows)."""
    pos = max(range(len(last)), key=lambda i: (("\n" in last[i]) or ("\r" in last[i]), len(last[i]))) if last else 0
    where = f"{column_letter(pos + 1)}{count}"
    return Problem(type="unclosed-quote", row=count, value=(last[pos][:60] if last else None),
                   note=f"Cell {where} opens a quotation mark (\") that is never closed, so everything after it, to "
                        "the end of the file, was read into that one cell. Close the quote (or remove it) and drop "
                        "the file again.",
                   note_id=f"Sel {where} membuka tanda kutip (\") yang tidak pernah ditutup, sehingga semua isi "
                           "sesudahnya sampai akhir berkas terbaca sebagai satu sel. Tutup tanda kutipnya (atau "
                           "hapus) lalu kirim ulang berkasnya.")


def check_rows(rows, limits: Limits, numbers=None) -> None:
    """Row widths and cell lengths of rows held as lists (the head, rows of odd widths, workbook rows)."""
    for i, row in enumerate(rows):
        number = numbers[i] if numbers is not None else i + 1
        if len(row) > limits.columns:
            raise limits.exceeded("columns", len(row), where=f"row {number}", where_id=f"baris {number}")
        for pos, cell in enumerate(row):
            if isinstance(cell, str) and len(cell) > limits.cellCharacters:
                where = f"{column_letter(pos + 1)}{number}"
                raise limits.exceeded("cellCharacters", len(cell), where=f"cell {where}", where_id=f"sel {where}")


def check_grid(grid: Grid, limits: Limits) -> None:
    """The limits over a chunk's columns in bulk: rows, and the longest cell of each column. A count past the
    limit is said as 'more than', since the rest of the file is not read."""
    if grid.count > limits.rows:
        raise limits.exceeded("rows", None)
    for pos, column in enumerate(grid.columns):
        lengths = pc.utf8_length(column)
        longest = pc.max(lengths).as_py() if len(column) else None
        if longest is not None and longest > limits.cellCharacters:
            at = pc.index(pc.greater(lengths, limits.cellCharacters), True).as_py()
            where = f"{column_letter(pos + 1)}{int(grid.numbers[at])}"
            raise limits.exceeded("cellCharacters", longest, where=f"cell {where}", where_id=f"sel {where}")
    odd = sorted(grid.odd)
    check_rows([grid.odd[n] for n in odd], limits, odd)


class Restart(Exception):
    """The chunks given so far are void: the file is read again from its start, another way (in another
    encoding, with larger blocks, or by Python's csv module)."""


def reread(stream) -> Iterator[Grid]:
    """A stream's chunks for a reader that keeps them all (small files, tests): restarts start over."""
    while True:
        try:
            return iter(list(stream))
        except Restart:
            continue


class _Numbering:
    """Record numbers for the rows Arrow returns: consecutive, past the rows set aside (of another width)."""

    def __init__(self):
        self.last = 0  # the number of the last row numbered
        self.odd: list[int] = []  # numbers of rows set aside, in file order, as the reader meets them
        self.next = 0  # self.odd[:self.next] are behind us

    def take(self, n: int) -> tuple[np.ndarray, list[int]]:
        """Numbers for the next n rows, and those of the set-aside rows among or before them."""
        runs, passed, start = [], [], self.last + 1
        while True:
            while self.next < len(self.odd) and self.odd[self.next] < start:
                passed.append(self.odd[self.next])
                self.next += 1
            if not n:
                break
            ahead = self.odd[self.next] if self.next < len(self.odd) else None
            run = n if ahead is None else min(n, ahead - start)
            runs.append(np.arange(start, start + run, dtype=np.int64))
            start, n = start + run, n - run
            if n:  # the next record is a set-aside one
                passed.append(ahead)
                self.next += 1
                start += 1
        self.last = start - 1
        return (np.concatenate(runs) if runs else np.zeros(0, dtype=np.int64)), passed

    def rest(self) -> list[int]:
        """Numbers of set-aside rows past the last numbered row (the file's end)."""
        out, self.next = self.odd[self.next:], len(self.odd)
        return out


class CsvStream:
    """The records of a CSV file after reading its head, in chunks (Grids) of about CHUNK_ROWS rows, split as
    Python's csv module splits them: by Arrow's reader where it agrees (on the head, and on how the file
    ends), else by Python's csv module itself. Limits are checked chunk by chunk as the file is read.

    Iterating may raise Restart: the chunks given so far are void and the caller iterates again."""

    def __init__(self, source: Source, codec: str, delimiter: str, head: list[list[str]], limits: Limits):
        self.source, self.codec, self.delimiter, self.head, self.limits = source, codec, delimiter, head, limits
        self.width = _usual_width(head)
        self.block = BLOCK
        self.python = False  # Arrow cannot be trusted with this file: Python's csv module reads it
        self.encoding_notes: list[Problem] = []  # a switch to Windows-1252 mid-way says so
        self.ending_notes: list[Problem] = []  # a quote never closed (Python's reading)
        self.position = 0  # bytes of the file read so far in this pass (progress)

    @property
    def notes(self) -> list[Problem]:
        return self.encoding_notes + self.ending_notes

    def __iter__(self) -> Iterator[Grid]:
        self.ending_notes, self.position = [], 0
        if self.python:
            yield from self._python_chunks()
            return
        for grid in self._arrow_chunks():
            check_grid(grid, self.limits)
            yield grid

    # --- Arrow ---------------------------------------------------------------------------------------

    def _arrow_chunks(self) -> Iterator[Grid]:
        feed = Feed(self.source, self.codec)
        names = [f"c{i}" for i in range(self.width)]
        numbering, odd_text = _Numbering(), {}

        def keep_aside(row) -> str:
            odd_text[row.number] = row.text
            numbering.odd.append(row.number)
            return "skip"

        parts: list[tuple[pa.RecordBatch, np.ndarray, list[int]]] = []
        held: pa.RecordBatch | None = None  # the latest batch: the sentinel, if Arrow kept it, is its last row
        rows = 0  # rows Arrow returned (the sentinel's included)
        size = 0  # records in `parts`, of either width
        first = True
        try:
            with feed:
                reader = _open(feed, names, self.delimiter, self.block, keep_aside)
                for batch in _batches(reader):
                    self._check(feed)
                    if len(odd_text) > 4 * CHUNK_ROWS:  # most rows have another width: they wait, held as lists
                        self.python = True  # Python's csv module reads such a file in chunks of any width
                        raise Restart()
                    rows += batch.num_rows
                    if held is not None:
                        parts.append((held, *numbering.take(held.num_rows)))
                        size += held.num_rows + len(parts[-1][2])
                    held = batch
                    if size >= CHUNK_ROWS and (not first or numbering.last >= len(self.head)):
                        yield self._chunk(parts, odd_text, numbering.last, check_head=first, end=False)
                        parts, size, first = [], 0, False
                    self.position = feed.position
                self._check(feed)
        except pa.ArrowInvalid:
            self._check(feed)  # a NUL or non-UTF-8 byte stopped the feed: that is the reason
            if self.block < min(MAX_BLOCK, self.source.size + 64):
                self.block = min(MAX_BLOCK, self.block * 16)  # a record longer than a block
            else:
                self.python = True
            raise Restart() from None
        count = rows + len(numbering.odd)  # every record Arrow met, the sentinel's included
        if odd_text.get(count) == SENTINEL:
            del odd_text[count]
            numbering.odd.remove(count)
        elif self.width == 1 and held is not None and held.num_rows and held.column(0)[-1].as_py() == SENTINEL:
            held = held.slice(0, held.num_rows - 1)
        else:
            self.python = True  # the sentinel was swallowed: the file ends inside a quoted cell
            raise Restart()
        if held is not None:
            parts.append((held, *numbering.take(held.num_rows)))
        tail = numbering.rest()
        if parts or tail or first:
            grid = self._chunk(parts, odd_text, count - 1, check_head=first, end=True, extra=tail)
            self.position = feed.position
            yield grid

    def _check(self, feed: Feed) -> None:
        if feed.problem == "nul":
            raise nul_refusal(decoded(self.source, self.codec, "replace"))
        if feed.problem == "utf8":
            codec = detect_encoding(self.source)  # the file is not UTF-8: which encoding it is, or why none
            if codec == self.codec:  # cannot be: the same decoder found it wrong
                raise UnusableFile("This file's text could not be read consistently.",
                                   "Teks berkas ini tidak dapat dibaca secara konsisten.")
            self.codec = codec
            if codec == "cp1252":
                self.encoding_notes = [legacy_note(legacy_line(self.source))]
            raise Restart()

    def _chunk(self, parts, odd_text: dict[int, str], count: int, check_head: bool, end: bool,
               extra: list[int] = ()) -> Grid:
        columns = [pa.concat_arrays([batch.column(i) for batch, _, _ in parts]) if parts else pa.array([], pa.string())
                   for i in range(self.width)]
        numbers = np.concatenate([n for _, n, _ in parts]) if parts else np.zeros(0, dtype=np.int64)
        odd = {number: _split(odd_text.pop(number), self.delimiter)
               for number in [n for _, _, passed in parts for n in passed] + list(extra)}
        grid = Grid(columns, numbers, odd, count)
        if check_head and not self._head_agrees(grid, end):
            self.python = True
            raise Restart()
        return grid

    def _head_agrees(self, grid: Grid, end: bool) -> bool:
        head = self.head
        if end and (grid.count < len(head) or (len(head) < HEAD_ROWS and grid.count != len(head))):
            return False
        if not end and len(head) < HEAD_ROWS:
            return False  # Python's csv module found the whole file in the head: Arrow finds more
        rows = GridRows(grid, head)
        return not any(_unlike(rows.grid_row(i), row) for i, row in enumerate(head))

    # --- Python's csv module -------------------------------------------------------------------------

    def python_rows(self) -> Iterator[list[str]]:
        """Every record as Python's csv module splits it, checked against the limits as it is read; a quote that
        is never closed is noted at the end."""
        reader = csv.reader(text_lines(self._text()), delimiter=self.delimiter)
        number = cells = 0
        start = 1  # the line the record being read starts on
        last: list[str] = []
        try:
            for row in reader:
                number += 1
                cells += len(row)
                _within(row, number, cells, self.limits)
                last = row
                yield row
                start = reader.line_num + 1
        except csv.Error as exc:
            raise unsplittable(exc, start, reader.line_num) from None
        if number:
            self.ending_notes = [unclosed_quote(last, number)]

    def _text(self) -> Iterator[str]:
        for piece in decoded(self.source, self.codec):
            if "\x00" in piece:
                raise nul_refusal(decoded(self.source, self.codec, "replace"))
            yield piece

    def _python_chunks(self) -> Iterator[Grid]:
        rows: list[list[str]] = []
        number = 0
        for row in self.python_rows():
            rows.append(row)
            number += 1
            if len(rows) >= CHUNK_ROWS:
                yield self._rows_grid(rows, number)
                rows = []
        if rows or not number:
            yield self._rows_grid(rows, number)

    def _rows_grid(self, rows: list[list[str]], count: int) -> Grid:
        first = count - len(rows) + 1
        same = [i for i, row in enumerate(rows) if len(row) == self.width]
        columns = [pa.array([rows[i][c] for i in same], pa.string()) for c in range(self.width)]
        odd = {first + i: row for i, row in enumerate(rows) if len(row) != self.width}
        return Grid(columns, np.array(same, dtype=np.int64) + first, odd, count)


def _open(feed: Feed, names: list[str], delimiter: str, block: int, handler) -> pcsv.CSVStreamingReader:
    # Row numbers reach the invalid-row handler only when Arrow reads on one thread.
    return pcsv.open_csv(
        feed,
        read_options=pcsv.ReadOptions(column_names=names, use_threads=False, block_size=block),
        parse_options=pcsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False, newlines_in_values=True,
                                        invalid_row_handler=handler),
        convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[],
                                            strings_can_be_null=False, quoted_strings_can_be_null=False))


def _batches(reader) -> Iterator[pa.RecordBatch]:
    while True:
        try:
            yield reader.read_next_batch()
        except StopIteration:
            return


def _split(line: str, delimiter: str) -> list[str]:
    rows = split_rows(line, delimiter, 1)
    return rows[0] if rows else []


def _unlike(arrow_row: list[str], python_row: list[str]) -> bool:
    """Rows differ, counting an empty line ([] to Python, all-empty cells to Arrow) as equal."""
    if not python_row:
        return any(arrow_row)
    return arrow_row != python_row
