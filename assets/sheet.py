"""A file's rows as read, before any header is chosen, and what the reading noticed about them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from publish.report import Problem
from publish.workbook import column_letter
from publish.worktable import ROW

if TYPE_CHECKING:  # grid.py names columns with column_letter from here
    from assets.grid import CsvStream, Grid


__all__ = ["ROW", "Sheet", "column_letter"]  # ROW: the source row number, kept beside the data for reports


@dataclass
class Sheet:
    """Rows as read; cells are str, or int/float/date from typed files (XLSX, JSON). For a CSV file opened for
    streaming, `rows` is its head and `stream` gives the rest, chunk by chunk."""

    format: str
    rows: Sequence[list]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: list[Problem] = field(default_factory=list)  # what the reading noticed (info for the report)
    grid: Grid | None = None  # the same rows column by column, for CSV and Parquet files (the bulk path)
    # True when the cells are in the portal's published conventions (dot decimals, ISO dates): a Parquet file's
    # typed values written as text. Such cells are never read with the declared local conventions.
    canonical: bool = False
    stream: CsvStream | None = None  # a CSV file's records in chunks, read from disk as they are used

    def describe(self) -> dict:
        """How the file was read, for the report: format, encoding, delimiter, sheet."""
        encoding = self.stream.codec if self.stream is not None else self.encoding  # a stream may find it out late
        return {k: v for k, v in (("format", self.format), ("encoding", encoding),
                                  ("delimiter", self.delimiter), ("sheet", self.sheet)) if v is not None}

    def noticed(self) -> list[Problem]:
        """What the reading noticed, for the report: the notes, and those the stream added as it read."""
        return self.notes + (self.stream.notes if self.stream is not None else [])
