"""Turn rows as read into a typed Arrow table: header, aliases, exact values, and no row lost silently."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from assets.dates import parse_date_column
from assets.grid import Grid
from assets.header import (HEADER_SCAN_ROWS, alias_index, find_header, find_tiers, map_header, normalise_label,
                           tier_problem)
from assets.levels import summary_rows
from assets.numbers import INT64, ValueProblem, parse_number_array, parse_number_column
from assets.conventions import date_options, in_published_form, number_options, published_note
from assets.reading import Sheet, UnusableFile
from assets.sheet import ROW
from publish.declarations import Declaration
from publish.report import ERROR, INFO, KEEP_PER_GROUP, WARNING, Problem

__all__ = ["HEADER_SCAN_ROWS", "ROW", "Ingested", "alias_index", "find_header", "ingest_sheet", "map_header",
           "normalise_label"]


@dataclass
class Ingested:
    """A typed table plus what went wrong while reading it."""

    table: pa.Table
    problems: list[Problem]
    header_row: int
    mapping: dict[str, str]  # source label -> declared field
    published: bool = False  # read with the portal's published conventions


def _problem(type_, note, note_id, row=None, field=None, value=None, severity=ERROR) -> Problem:
    return Problem(type=type_, note=note, note_id=note_id, row=row, field=field,
                   value=None if value is None else str(value), severity=severity)


class Bounded:
    """Problems collected with at most KEEP_PER_GROUP made per kind; the last one kept counts the rest, so a
    file repeating one mistake a million times costs a few hundred objects, with the count still exact."""

    def __init__(self):
        self.items: list[Problem] = []
        self._kept: Counter = Counter()
        self._last: dict = {}

    def add(self, key, make) -> None:
        if self._kept[key] < KEEP_PER_GROUP:
            problem = make()
            self.items.append(problem)
            self._kept[key] += 1
            self._last[key] = problem
        else:
            self._last[key].also += 1


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _blank_row(number: int) -> Problem:
    return _problem("blank-row", "This row is empty; it is skipped.", "Baris ini kosong dan dilewati.",
                    row=number, severity=WARNING)


def _extra_cell(number: int, cells: int, width: int, value) -> Problem:
    return _problem("extra-cell", f"This row has {cells} cells but the header has {width}; a value may have slipped a column.",
                    f"Baris ini punya {cells} sel sedangkan judul kolom {width}; mungkin ada nilai yang bergeser kolom.",
                    row=number, value=value)


def _missing_cell(number: int, cells: int, width: int) -> Problem:
    return _problem("missing-cell", f"This row has {cells} cells but the header has {width}.",
                    f"Baris ini punya {cells} sel sedangkan judul kolom {width}.", row=number)


@dataclass
class Totals:
    """The declared total rows (dropRows: field position -> cell values) and where the primary key sits.

    A row is left out as a total only when its key is incomplete: a row whose whole key is filled in (a
    six-level account code, say) is a line of its own, whatever its name, and is kept with a warning."""

    drop: dict[int, set]
    names: dict[int, str]  # position -> field name, for messages
    key: list[int] | None  # key positions; None when the dataset has no key or a key column is absent

    def dropped(self, number: int, pos: int, value) -> Problem:
        field = self.names[pos]
        return _problem("total-row",
                        f"Row {number} ('{value}' in {field}) is a total row; it is left out, as the declaration "
                        "says (dropRows), since the portal computes totals itself.",
                        f"Baris {number} ('{value}' di {field}) adalah baris jumlah; baris ini tidak diambil, "
                        "sesuai deklarasi (dropRows), karena portal menghitung jumlahnya sendiri.",
                        row=number, field=field, value=value, severity=INFO)

    def kept(self, number: int, pos: int, value) -> Problem:
        field = self.names[pos]
        return _problem("total-name-kept",
                        f"Row {number} is named '{value}' in {field}, as total rows are, but it has its own full key "
                        "(every key column filled in), so it is kept as a line of data. If it is a total, remove "
                        "it from the file.",
                        f"Baris {number} bernama '{value}' di {field}, seperti baris jumlah, tetapi punya kunci "
                        "lengkap sendiri (semua kolom kunci terisi), sehingga tetap diambil sebagai baris data. "
                        "Bila baris ini sebenarnya jumlah, hapus dari berkas.",
                        row=number, field=field, value=value, severity=WARNING)


def _totals(declaration: Declaration, positions: dict[str, int]) -> Totals:
    drop = {positions[name]: {str(v).strip() for v in values}
            for name, values in declaration.source.get("dropRows", {}).items() if name in positions}
    key_fields = declaration.primary_key
    key = [positions[k] for k in key_fields] if key_fields and all(k in positions for k in key_fields) else None
    return Totals(drop, {pos: name for name, pos in positions.items()}, key)


def _fit_row(row: list, number: int, width: int, totals: Totals, found: Bounded) -> list | None:
    """The row cut or padded to the header's width, or None when it is blank or a total row."""
    if all(_is_blank(v) for v in row):
        found.add("blank", lambda: _blank_row(number))
        return None
    for pos, values in totals.drop.items():
        if pos < len(row) and str(row[pos]).strip() in values:
            value = str(row[pos]).strip()
            if totals.key is None or any(k >= len(row) or _is_blank(row[k]) for k in totals.key):
                found.add(("total", pos), lambda: totals.dropped(number, pos, value))
                return None
            found.add(("total-kept", pos), lambda: totals.kept(number, pos, value))
            break
    if len(row) > width:
        extra = [v for v in row[width:] if not _is_blank(v)]
        if extra:
            found.add("extra", lambda: _extra_cell(number, len(row), width, extra[0]))
        return row[:width]
    if len(row) < width:
        found.add("missing", lambda: _missing_cell(number, len(row), width))
        return list(row) + [""] * (width - len(row))
    return row


def collect_rows(sheet: Sheet, start: int, width: int, totals: Totals):
    """Data rows (those after row index `start`) with their row numbers, and the structural problems."""
    rows, numbers, found = [], [], Bounded()
    for offset, row in enumerate(sheet.rows[start + 1:]):
        number = start + offset + 2
        row = _fit_row(row, number, width, totals, found)
        if row is not None:
            rows.append(row)
            numbers.append(number)
    return rows, numbers, found.items


def _any(masks: list[pa.Array], length: int) -> pa.Array:
    out = pa.array(np.zeros(length, dtype=bool))
    for mask in masks:
        out = pc.or_(out, mask)
    return out


def _where(mask: pa.Array) -> np.ndarray:
    return mask.to_numpy(zero_copy_only=False)


def collect_columns(grid: Grid, start: int, width: int, totals: Totals):
    """collect_rows for a Grid, in bulk: string columns of the header's width, row numbers, problems."""
    first = int(np.searchsorted(grid.numbers, start + 2))
    numbers = grid.numbers[first:]
    cells = [column.slice(first) for column in grid.columns]
    count, length = len(numbers), len(cells)
    found = Bounded()
    blank = [pc.equal(pc.utf8_trim_whitespace(c), "") for c in cells]
    is_blank = pc.invert(_any([pc.invert(b) for b in blank], count))
    for n in numbers[_where(is_blank)]:
        found.add("blank", lambda n=n: _blank_row(int(n)))
    dropped = pa.array(np.zeros(count, dtype=bool))
    key_blank = (_any([blank[k] for k in totals.key if k < length], count) if totals.key is not None
                 else pa.array(np.ones(count, dtype=bool)))
    for pos, values in totals.drop.items():
        if pos >= length:
            continue
        trimmed = pc.utf8_trim_whitespace(cells[pos])
        named = pc.and_not(pc.is_in(trimmed, value_set=pa.array(sorted(values), pa.string())), dropped)
        total = pc.and_(named, key_blank)
        for n, v in zip(numbers[_where(total)], trimmed.filter(total).to_pylist()):
            found.add(("total", pos), lambda n=n, v=v, pos=pos: totals.dropped(int(n), pos, v))
        kept = pc.and_not(named, key_blank)
        for n, v in zip(numbers[_where(kept)], trimmed.filter(kept).to_pylist()):
            found.add(("total-kept", pos), lambda n=n, v=v, pos=pos: totals.kept(int(n), pos, v))
        dropped = pc.or_(dropped, total)
    keep = pc.and_not(pc.invert(is_blank), dropped)
    if length > width:
        extras = [pc.invert(b) for b in blank[width:]]
        value = pc.coalesce(*[pc.if_else(e, c, None) for e, c in zip(extras, cells[width:])])
        slipped = pc.and_(keep, _any(extras, count))
        for n, v in zip(numbers[_where(slipped)], value.filter(slipped).to_pylist()):
            found.add("extra", lambda n=n, v=v: _extra_cell(int(n), length, width, v))
        cells = cells[:width]
    elif length < width:
        for n in numbers[_where(keep)]:
            found.add("missing", lambda n=n: _missing_cell(int(n), length, width))
        cells += [pc.cast(pa.nulls(count), pa.string()).fill_null("")] * (width - length)
    if not pc.all(keep).as_py():  # nothing left out: the columns stay as read, without a copy
        cells = [c.filter(keep) for c in cells]
        numbers = numbers[_where(keep)]
    odd_rows, odd_numbers = [], []
    for number, row in sorted(grid.odd.items()):
        if number > start + 1:
            row = _fit_row(row, number, width, totals, found)
            if row is not None:
                odd_rows.append(row)
                odd_numbers.append(number)
    if odd_rows:  # put rows of other lengths back in file order
        order = pa.array(np.argsort(np.concatenate([numbers, odd_numbers]), kind="stable"))
        cells = [pa.concat_arrays([c, pa.array([r[i] for r in odd_rows], pa.string())]).take(order)
                 for i, c in enumerate(cells)]
        numbers = np.sort(np.concatenate([numbers, odd_numbers]))
    problems = sorted(found.items, key=lambda p: p.row)
    return cells, numbers, problems


def _value_map(texts: pa.Array, mapped: dict) -> pa.Array:
    """valueMaps applied in bulk: a mapped text becomes its value, any other text stays."""
    keys = pa.array(list(mapped), pa.string())
    found = pc.index_in(texts, value_set=keys)
    return pc.coalesce(pa.array(list(mapped.values()), pa.string()).take(found), texts)


_TRUTH = {"true": True, "ya": True, "1": True, "false": False, "tidak": False, "0": False}


def _booleans(strings: list) -> tuple[list, dict]:
    parsed = [None if s is None else _TRUTH.get(s.lower()) for s in strings]
    failed = {j: ValueProblem("type-error", f"'{s}' is not true/false.", f"'{s}' bukan benar/salah.")
              for j, s in enumerate(strings) if s is not None and parsed[j] is None}
    return parsed, failed


def _cell_problems(failed: dict, name: str, row_numbers, value_of) -> list[Problem]:
    found = Bounded()
    for j, problem in failed.items():
        found.add(problem.code, lambda j=j, problem=problem: _problem(
            problem.code, problem.message_en, problem.message_id, row=int(row_numbers[j]), field=name,
            value=value_of(j)))
    return found.items


def cast_strings(values: pa.Array, spec: dict, declaration: Declaration, row_numbers, published: bool = False):
    """cast_column for a column of text read from CSV, in bulk: cells are stripped, blanks become null."""
    name, kind = spec["name"], spec.get("type", "string")
    texts = pc.utf8_trim_whitespace(values)
    texts = pc.if_else(pc.equal(texts, ""), None, texts)
    failed: dict = {}
    if kind == "string":
        mapped = declaration.source.get("valueMaps", {}).get(name, {})
        if mapped and all(isinstance(k, str) and isinstance(v, str) for k, v in mapped.items()):
            texts = _value_map(texts, mapped)
        elif mapped:
            texts = pa.array([mapped.get(s, s) if s is not None else None for s in texts.to_pylist()])
        return texts, []
    if kind in ("integer", "year", "number"):
        out, failed = parse_number_array(texts, kind="number" if kind == "number" else "integer",
                                         **number_options(declaration, name, published))
    elif kind == "date":
        parsed, failed = parse_date_column(texts.to_pylist(), **date_options(declaration, published))
        out = pa.array(parsed, pa.date32())
    elif kind == "boolean":
        parsed, failed = _booleans(texts.to_pylist())
        out = pa.array(parsed, pa.bool_())
    else:
        return texts, []
    return out, _cell_problems(failed, name, row_numbers, lambda j: texts[j].as_py())


def _typed(v, kind: str, name: str, row: int, problems: Bounded):
    """A typed spreadsheet or JSON value for a numeric or date column; None (with a problem) when it cannot be."""
    if kind in ("integer", "number", "year") and isinstance(v, (int, float)) and not isinstance(v, bool):
        if isinstance(v, float) and not math.isfinite(v):
            problems.add("type-error", lambda: _problem("type-error", f"'{v}' is not a number.",
                                                        f"'{v}' bukan angka.", row=row, field=name, value=v))
            return None
        if kind != "number" and isinstance(v, float) and not v.is_integer():
            problems.add("type-error", lambda: _problem("type-error", f"'{v}' is not a whole number.",
                                                        f"'{v}' bukan bilangan bulat.", row=row, field=name, value=v))
            return None
        if kind != "number" and not INT64[0] <= v <= INT64[1]:
            problems.add("type-error", lambda: _problem(
                "type-error", f"'{v}' is too large to be a whole number in this column; check the cell.",
                f"'{v}' terlalu besar untuk bilangan bulat di kolom ini; periksa selnya.", row=row, field=name,
                value=v))
            return None
        return int(v) if kind != "number" else float(v)
    if kind == "date" and isinstance(v, dt.date):
        return v if not isinstance(v, dt.datetime) else v.date()
    return v


def cast_column(values, spec: dict, declaration: Declaration, row_numbers, published: bool = False):
    """A typed Arrow array for one declared field, with a problem for each cell that does not parse."""
    if isinstance(values, pa.Array):
        return cast_strings(values, spec, declaration, row_numbers, published)
    name, kind = spec["name"], spec.get("type", "string")
    found = Bounded()
    out: list = [None] * len(values)
    texts: dict[int, str] = {}
    for i, v in enumerate(values):
        if _is_blank(v):
            continue
        if isinstance(v, str):
            texts[i] = v.strip()
        elif kind == "string":
            if isinstance(v, float) and not v.is_integer():
                found.add("type-error", lambda i=i, v=v: _problem(
                    "type-error", f"The code '{v}' is stored as a number in the spreadsheet and may have lost digits; "
                    "format the column as text.",
                    f"Kode '{v}' tersimpan sebagai angka di lembar kerja dan bisa kehilangan digit; format kolom "
                    "sebagai teks.", row=row_numbers[i], field=name, value=v))
            else:
                texts[i] = str(int(v)) if isinstance(v, float) else (v.isoformat() if isinstance(v, dt.date) else str(v))
        elif kind in ("integer", "number", "year") and isinstance(v, (int, float)) and not isinstance(v, bool):
            out[i] = _typed(v, kind, name, row_numbers[i], found)
        elif kind == "date" and isinstance(v, dt.date):
            out[i] = _typed(v, kind, name, row_numbers[i], found)
        else:
            texts[i] = str(v).strip()
    if texts:
        positions = list(texts)
        strings = [texts[i] for i in positions]
        if kind == "string":
            mapped = declaration.source.get("valueMaps", {}).get(name, {})
            parsed, failed = [mapped.get(s, s) for s in strings], {}
        elif kind in ("integer", "year"):
            parsed, failed = parse_number_column(strings, kind="integer",
                                                 **number_options(declaration, name, published))
        elif kind == "number":
            parsed, failed = parse_number_column(strings, kind="number",
                                                 **number_options(declaration, name, published))
            parsed = [None if p is None else float(p) for p in parsed]
        elif kind == "date":
            parsed, failed = parse_date_column(strings, **date_options(declaration, published))
        elif kind == "boolean":
            parsed, failed = _booleans(strings)
        else:
            parsed, failed = strings, {}
        for j, i in enumerate(positions):
            out[i] = parsed[j]
        for problem in _cell_problems(failed, name, [row_numbers[i] for i in positions], lambda j: strings[j]):
            found.items.append(problem)
    arrow_type = {"integer": pa.int64(), "year": pa.int64(), "number": pa.float64(), "date": pa.date32(),
                  "boolean": pa.bool_()}.get(kind, pa.string())
    return pa.array(out, type=arrow_type), found.items


def ingest_sheet(sheet: Sheet, declaration: Declaration) -> Ingested:
    """Header, mapping, rows and typed columns of one sheet against one declaration."""
    if not sheet.rows:
        raise UnusableFile("The file is empty.", "Berkas ini kosong.")
    index = alias_index(declaration)
    header_row = find_header(sheet.rows, index, declaration.source.get("header", "auto"))
    header = sheet.rows[header_row]
    tiers = find_tiers(sheet.rows, header_row)
    positions, mapping, problems = map_header(header, declaration, index, header_row + 1, tiers)
    problems = list(sheet.notes) + ([tier_problem(sheet.rows, tiers, index)] if tiers else []) + problems
    start = tiers[1] if tiers else header_row  # the rows of a several-row header are not data
    totals = _totals(declaration, positions)
    if sheet.grid is not None:  # CSV and Parquet: whole columns at once
        cells, numbers, row_problems = collect_columns(sheet.grid, start, len(header), totals)
    else:
        rows, numbers, row_problems = collect_rows(sheet, start, len(header), totals)
        cells = {pos: [r[pos] for r in rows] for pos in positions.values()}
    problems += row_problems
    by_field = {name: cells[pos] for name, pos in positions.items()}
    published = sheet.canonical or in_published_form(header, header_row, by_field, declaration)
    if published:
        problems.append(published_note())
    arrays, names = [], []
    for spec in declaration.fields:
        values = by_field.get(spec["name"])
        if values is None:
            values = pa.nulls(len(numbers), pa.string()) if sheet.grid is not None else [None] * len(numbers)
        array, cell_problems = cast_column(values, spec, declaration, numbers, published)
        arrays.append(array)
        names.append(spec["name"])
        problems += cell_problems
    arrays.append(pa.array(np.asarray(numbers, dtype=np.int64)))
    names.append(ROW)
    table = pa.Table.from_arrays(arrays, names=names)
    problems += summary_rows(table, declaration)
    return Ingested(table, problems, header_row + 1, mapping, published)
