"""Turn rows as read into typed Arrow tables: header, aliases, exact values, and no row lost silently.

The header is found once; the rows then become typed tables chunk by chunk (`Ingest.tables`), so a file of
any length is held a chunk at a time. What the rows break is collected with a bounded number of examples
per kind, the first ones in row order, and exact counts."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from assets.dates import parse_date_column
from assets.grid import Grid, Restart
from assets.header import (HEADER_SCAN_ROWS, alias_index, find_header, find_tiers, map_header, normalise_label,
                           tier_problem)
from assets.levels import summary_rows
from assets.numbers import INT64, ValueProblem, parse_number_array, parse_number_column
from assets.conventions import date_options, number_options, published_candidate, published_note, unread_cells
from assets.reading import Sheet, UnusableFile
from assets.sheet import ROW
from publish.declarations import Declaration
from publish.report import ERROR, INFO, KEEP_PER_GROUP, WARNING, Problem

__all__ = ["HEADER_SCAN_ROWS", "ROW", "Ingest", "Ingested", "alias_index", "find_header", "ingest_sheet", "map_header",
           "normalise_label"]

ARROW_TYPES = {"integer": pa.int64(), "year": pa.int64(), "number": pa.float64(), "date": pa.date32(),
               "boolean": pa.bool_()}
# A row's problems in the order the checks meet them (a total row kept by name can also miss a cell).
RANK = {"blank-row": 0, "total-row": 1, "total-name-kept": 2, "extra-cell": 3, "missing-cell": 4}


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

    def add_rows(self, key, count: int, make) -> None:
        """`count` problems of one kind, in order: make(i) builds the i-th, called only for those kept."""
        room = max(0, KEEP_PER_GROUP - self._kept[key])
        for i in range(min(room, count)):
            self.add(key, lambda i=i: make(i))
        if count > room:
            self._last[key].also += count - room


class _Events:
    """A chunk's row problems by kind, handed to a Bounded in row order: rows of the usual width and rows of
    another width interleaved, so the examples kept are the first in the file whatever the chunking."""

    def __init__(self):
        self.parts: dict = {}

    def add(self, key, rows, make) -> None:
        """Problems of kind `key` at `rows` (ascending); make(i) builds the one at rows[i]."""
        if len(rows):
            self.parts.setdefault(key, []).append((np.asarray(rows, dtype=np.int64), make))

    def row(self, number: int) -> "_Row":
        return _Row(self, number)

    def into(self, found: Bounded) -> None:
        for key, parts in self.parts.items():
            if len(parts) == 1:
                rows, make = parts[0]
                found.add_rows(key, len(rows), make)
                continue
            rows = np.concatenate([r for r, _ in parts])
            which = np.concatenate([np.full(len(r), k) for k, (r, _) in enumerate(parts)])
            at = np.concatenate([np.arange(len(r)) for r, _ in parts])
            order = np.argsort(rows, kind="stable")
            found.add_rows(key, len(order), lambda i: parts[which[order[i]]][1](int(at[order[i]])))


class _Row:
    """The Bounded interface for one row of another width, feeding _Events."""

    def __init__(self, events: _Events, number: int):
        self.events, self.number = events, number

    def add(self, key, make) -> None:
        self.events.add(key, [self.number], lambda i: make())


def row_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.row, RANK.get(p.type, len(RANK))))


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


def collect_rows(sheet: Sheet, start: int, width: int, totals: Totals, found: Bounded | None = None):
    """Data rows (those after row index `start`) with their row numbers, and the structural problems (added to
    `found` when given)."""
    rows, numbers, found = [], [], Bounded() if found is None else found
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


def collect_columns(grid: Grid, start: int, width: int, totals: Totals, found: Bounded | None = None):
    """collect_rows for a Grid (a whole file or one chunk), in bulk: string columns of the header's width, row
    numbers, and the problems in row order (added to `found` when given, across chunks)."""
    own = found is None
    found = Bounded() if own else found
    events = _Events()
    first = int(np.searchsorted(grid.numbers, start + 2))
    numbers = grid.numbers[first:]
    cells = [column.slice(first) for column in grid.columns]
    count, length = len(numbers), len(cells)
    blank = [pc.equal(pc.utf8_trim_whitespace(c), "") for c in cells]
    is_blank = pc.invert(_any([pc.invert(b) for b in blank], count))
    rows = numbers[_where(is_blank)]
    events.add("blank", rows, lambda i, rows=rows: _blank_row(int(rows[i])))
    dropped = pa.array(np.zeros(count, dtype=bool))
    key_blank = (_any([blank[k] for k in totals.key if k < length], count) if totals.key is not None
                 else pa.array(np.ones(count, dtype=bool)))
    for pos, values in totals.drop.items():
        if pos >= length:
            continue
        trimmed = pc.utf8_trim_whitespace(cells[pos])
        named = pc.and_not(pc.is_in(trimmed, value_set=pa.array(sorted(values), pa.string())), dropped)
        total = pc.and_(named, key_blank)
        rows, names = numbers[_where(total)], trimmed.filter(total)
        events.add(("total", pos), rows,
                   lambda i, rows=rows, names=names, pos=pos: totals.dropped(int(rows[i]), pos, names[i].as_py()))
        kept = pc.and_not(named, key_blank)
        rows, names = numbers[_where(kept)], trimmed.filter(kept)
        events.add(("total-kept", pos), rows,
                   lambda i, rows=rows, names=names, pos=pos: totals.kept(int(rows[i]), pos, names[i].as_py()))
        dropped = pc.or_(dropped, total)
    keep = pc.and_not(pc.invert(is_blank), dropped)
    if length > width:
        extras = [pc.invert(b) for b in blank[width:]]
        value = pc.coalesce(*[pc.if_else(e, c, None) for e, c in zip(extras, cells[width:])])
        slipped = pc.and_(keep, _any(extras, count))
        rows, values = numbers[_where(slipped)], value.filter(slipped)
        events.add("extra", rows,
                   lambda i, rows=rows, values=values: _extra_cell(int(rows[i]), length, width, values[i].as_py()))
        cells = cells[:width]
    elif length < width:
        rows = numbers[_where(keep)]
        events.add("missing", rows, lambda i, rows=rows: _missing_cell(int(rows[i]), length, width))
        cells += [pc.cast(pa.nulls(count), pa.string()).fill_null("")] * (width - length)
    if not pc.all(keep).as_py():  # nothing left out: the columns stay as read, without a copy
        cells = [c.filter(keep) for c in cells]
        numbers = numbers[_where(keep)]
    odd_rows, odd_numbers = [], []
    for number, row in sorted(grid.odd.items()):
        if number > start + 1:
            row = _fit_row(row, number, width, totals, events.row(number))
            if row is not None:
                odd_rows.append(row)
                odd_numbers.append(number)
    if odd_rows:  # put rows of other lengths back in file order
        order = pa.array(np.argsort(np.concatenate([numbers, odd_numbers]), kind="stable"))
        cells = [pa.concat_arrays([c, pa.array([r[i] for r in odd_rows], pa.string())]).take(order)
                 for i, c in enumerate(cells)]
        numbers = np.sort(np.concatenate([numbers, odd_numbers]))
    events.into(found)
    return cells, numbers, row_order(found.items) if own else []


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


def _cell_problems(failed: dict, name: str, row_numbers, value_of, found: Bounded | None = None) -> list[Problem]:
    """Problems for the cells that failed; with `found` (a column's collection across chunks) they are added
    there and nothing is returned."""
    own = found is None
    found = Bounded() if own else found
    for j, problem in failed.items():
        found.add(problem.code, lambda j=j, problem=problem: _problem(
            problem.code, problem.message_en, problem.message_id, row=int(row_numbers[j]), field=name,
            value=value_of(j)))
    return found.items if own else []


def cast_strings(values: pa.Array, spec: dict, declaration: Declaration, row_numbers, published: bool = False,
                 found: Bounded | None = None):
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
    return out, _cell_problems(failed, name, row_numbers, lambda j: texts[j].as_py(), found)


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


def cast_column(values, spec: dict, declaration: Declaration, row_numbers, published: bool = False,
                found: Bounded | None = None):
    """A typed Arrow array for one declared field, with a problem for each cell that does not parse (added to
    `found`, a column's collection across chunks, when given; returned otherwise)."""
    if isinstance(values, pa.Array):
        return cast_strings(values, spec, declaration, row_numbers, published, found)
    name, kind = spec["name"], spec.get("type", "string")
    own = found is None
    found = Bounded() if own else found
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
    return pa.array(out, type=ARROW_TYPES.get(kind, pa.string())), found.items if own else []


class Ingest:
    """One sheet against one declaration: the header found once, then typed tables (the declared columns and
    ROW) chunk by chunk, as the sheet's rows come. `problems()` afterwards lists what was found, in the order
    a report shows it."""

    def __init__(self, sheet: Sheet, declaration: Declaration):
        if not sheet.rows:
            raise UnusableFile("The file is empty.", "Berkas ini kosong.")
        self.sheet, self.declaration = sheet, declaration
        index = alias_index(declaration)
        self.header_row = find_header(sheet.rows, index, declaration.source.get("header", "auto"))
        self.header = sheet.rows[self.header_row]
        tiers = find_tiers(sheet.rows, self.header_row)
        self.positions, self.mapping, problems = map_header(self.header, declaration, index, self.header_row + 1,
                                                            tiers)
        self.leading = ([tier_problem(sheet.rows, tiers, index)] if tiers else []) + problems
        self.start = tiers[1] if tiers else self.header_row  # the rows of a several-row header are not data
        self.totals = _totals(declaration, self.positions)
        self.schema = pa.schema([(f["name"], ARROW_TYPES.get(f.get("type", "string"), pa.string()))
                                 for f in declaration.fields] + [(ROW, pa.int64())])
        self.published: bool | None = None
        self._reset()

    def _reset(self) -> None:
        self.found = Bounded()  # rows blank, left out, too long or short
        self.cells = {f["name"]: Bounded() for f in self.declaration.fields}  # cells that do not parse

    def _chunks(self):
        """The sheet's rows: a CSV stream's chunks, a whole Grid, or (None) the rows as lists."""
        if self.sheet.stream is not None:
            yield from self.sheet.stream
        else:
            yield self.sheet.grid

    def _collect(self, chunk: Grid | None, found: Bounded):
        width = len(self.header)
        if chunk is not None:
            cells, numbers, _ = collect_columns(chunk, self.start, width, self.totals, found)
            return cells, numbers
        rows, numbers, _ = collect_rows(self.sheet, self.start, width, self.totals, found)
        return {pos: [r[pos] for r in rows] for pos in self.positions.values()}, numbers

    def _decide_published(self) -> bool:
        """Whether the file is in the portal's published form: its field names in row 1, and numbers and dates
        that the published conventions read with fewer errors than the declared ones, over the whole file."""
        if self.sheet.canonical:
            return True
        if not published_candidate(self.header, self.header_row, self.declaration):
            return False
        published = declared = 0
        for chunk in self._chunks():
            cells, _ = self._collect(chunk, Bounded())
            by_field = {name: cells[pos] for name, pos in self.positions.items()}
            published += unread_cells(by_field, self.declaration, True)
            declared += unread_cells(by_field, self.declaration, False)
        return published < declared

    def tables(self):
        """Typed tables, one per chunk of the sheet, each with ROW. May raise Restart (see CsvStream): the
        tables given so far are void, and the caller asks again."""
        self._reset()
        self.published = self._decide_published()
        for chunk in self._chunks():
            cells, numbers = self._collect(chunk, self.found)
            by_field = {name: cells[pos] for name, pos in self.positions.items()}
            arrays = []
            for spec in self.declaration.fields:
                values = by_field.get(spec["name"])
                if values is None:
                    values = pa.nulls(len(numbers), pa.string()) if chunk is not None else [None] * len(numbers)
                array, _ = cast_column(values, spec, self.declaration, numbers, self.published,
                                       self.cells[spec["name"]])
                arrays.append(array)
            arrays.append(pa.array(np.asarray(numbers, dtype=np.int64)))
            yield pa.Table.from_arrays(arrays, names=self.schema.names)

    def problems(self) -> list[Problem]:
        """What reading and typing the rows found, in report order (after `tables` is exhausted)."""
        out = list(self.sheet.noticed()) + self.leading + row_order(self.found.items)
        if self.published:
            out.append(published_note())
        for spec in self.declaration.fields:
            out += self.cells[spec["name"]].items
        return out


def all_tables(ingest: Ingest) -> list[pa.Table]:
    """Every chunk's table, reading the sheet again whenever its stream restarts."""
    while True:
        try:
            return list(ingest.tables())
        except Restart:
            continue


def ingest_sheet(sheet: Sheet, declaration: Declaration) -> Ingested:
    """Header, mapping, rows and typed columns of one sheet against one declaration, as one table in memory
    (for sheets read whole: workbooks, JSON, small files and tests)."""
    ingest = Ingest(sheet, declaration)
    tables = all_tables(ingest)
    table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
    problems = ingest.problems() + summary_rows(table, declaration)
    return Ingested(table, problems, ingest.header_row + 1, ingest.mapping, bool(ingest.published))
