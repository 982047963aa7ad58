"""Turn rows as read into a typed Arrow table: find the header, map aliases, parse values exactly."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from assets.dates import parse_date_column
from assets.numbers import ValueProblem, parse_number_column
from assets.grid import Grid
from assets.reading import Sheet, UnusableFile
from publish.declarations import Declaration
from publish.report import ERROR, WARNING, Problem

ROW = "__row"  # the source row number (header = row 1 for a header-first file), kept for reports
HEADER_SCAN_ROWS = 30


@dataclass
class Ingested:
    """A typed table plus what went wrong while reading it."""

    table: pa.Table
    problems: list[Problem]
    header_row: int
    mapping: dict[str, str]  # source label -> declared field


def normalise_label(label) -> str:
    return re.sub(r"[\s_]+", " ", str(label).replace("\ufeff", "")).strip().lower()


def alias_index(declaration: Declaration) -> dict[str, str]:
    """Every accepted spelling of a header, normalised, pointing at its declared field."""
    index = {}
    aliases = declaration.source.get("headerAliases", {})
    for name in declaration.field_names:
        for label in [name, declaration.field(name).get("title", "")] + list(aliases.get(name, [])):
            if label:
                index.setdefault(normalise_label(label), name)
    return index


def find_header(rows: list[list], index: dict[str, str], mode) -> int:
    """The row that looks most like the declared header (title blocks above it are skipped)."""
    if isinstance(mode, int):
        return mode
    if mode == "first":
        return 0
    best, best_score = None, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = len({index[n] for n in (normalise_label(c) for c in row if c != "") if n in index})
        if score > best_score:
            best, best_score = i, score
    if best is None or best_score < min(2, len(set(index.values()))):
        raise UnusableFile(
            "No header row matching this dataset's columns was found in the first 30 rows; check that the file is for this dataset and that its column names are among the declared ones.",
            "Baris judul kolom yang cocok dengan dataset ini tidak ditemukan di 30 baris pertama; periksa apakah berkas ini untuk dataset ini dan nama kolomnya sesuai deklarasi.")
    return best


def _problem(type_, note, note_id, row=None, field=None, value=None, severity=ERROR) -> Problem:
    return Problem(type=type_, note=note, note_id=note_id, row=row, field=field,
                   value=None if value is None else str(value), severity=severity)


def map_header(header: list, declaration: Declaration, index: dict[str, str], header_row: int):
    """Column positions of declared fields, and problems with the header itself."""
    positions: dict[str, int] = {}
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for pos, label in enumerate(header):
        norm = normalise_label(label)
        if norm == "":
            problems.append(_problem("blank-label", f"Column {pos + 1} has no name; its values are not published.",
                                     f"Kolom ke-{pos + 1} tidak bernama; nilainya tidak diterbitkan.",
                                     row=header_row, severity=WARNING))
            continue
        name = index.get(norm)
        if name is None:
            problems.append(_problem("extra-label", f"Column '{label}' is not declared for this dataset and is not published.",
                                     f"Kolom '{label}' tidak dideklarasikan untuk dataset ini dan tidak diterbitkan.",
                                     row=header_row, value=label, severity=WARNING))
        elif name in positions:
            problems.append(_problem("duplicate-label", f"Columns '{header[positions[name]]}' and '{label}' both mean '{name}'; keep one.",
                                     f"Kolom '{header[positions[name]]}' dan '{label}' sama-sama berarti '{name}'; pertahankan satu saja.",
                                     row=header_row, field=name, value=label))
        else:
            positions[name] = pos
            mapping[str(label)] = name
    required = set(declaration.primary_key)
    required |= {f["name"] for f in declaration.fields if f.get("constraints", {}).get("required")}
    for name in declaration.field_names:
        if name in positions:
            continue
        if name in required:
            problems.append(_problem("missing-label", f"Required column '{name}' is missing; add a column with one of the accepted names.",
                                     f"Kolom wajib '{name}' tidak ada; tambahkan kolom dengan salah satu nama yang diterima.",
                                     row=header_row, field=name))
        else:
            problems.append(_problem("missing-label", f"Optional column '{name}' is missing; it is published empty.",
                                     f"Kolom opsional '{name}' tidak ada; kolom ini diterbitkan kosong.",
                                     row=header_row, field=name, severity=WARNING))
    return positions, mapping, problems


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


def _fit_row(row: list, number: int, width: int, drop: dict[int, set], problems: list[Problem]) -> list | None:
    """The row cut or padded to the header's width, or None when it is blank or dropped."""
    if all(_is_blank(v) for v in row):
        problems.append(_blank_row(number))
        return None
    if any(str(row[pos]).strip() in values for pos, values in drop.items() if pos < len(row)):
        return None  # a total or subtotal row the declaration says to leave out
    if len(row) > width:
        extra = [v for v in row[width:] if not _is_blank(v)]
        if extra:
            problems.append(_extra_cell(number, len(row), width, extra[0]))
        return row[:width]
    if len(row) < width:
        problems.append(_missing_cell(number, len(row), width))
        return list(row) + [""] * (width - len(row))
    return row


def collect_rows(sheet: Sheet, header_row: int, width: int, drop: dict[int, set]):
    """Data rows with their row numbers, and the structural problems frictionless would name."""
    rows, numbers, problems = [], [], []
    for offset, row in enumerate(sheet.rows[header_row + 1:]):
        number = header_row + offset + 2
        row = _fit_row(row, number, width, drop, problems)
        if row is not None:
            rows.append(row)
            numbers.append(number)
    return rows, numbers, problems


def _any(masks: list[pa.Array], length: int) -> pa.Array:
    out = pa.array(np.zeros(length, dtype=bool))
    for mask in masks:
        out = pc.or_(out, mask)
    return out


def collect_columns(grid: Grid, header_row: int, width: int, drop: dict[int, set]):
    """collect_rows for a Grid, in bulk: string columns of the header's width, row numbers, problems."""
    start = int(np.searchsorted(grid.numbers, header_row + 2))
    numbers = grid.numbers[start:]
    cells = [column.slice(start) for column in grid.columns]
    count, length = len(numbers), len(cells)
    blank = [pc.equal(pc.utf8_trim_whitespace(c), "") for c in cells]
    is_blank = pc.invert(_any([pc.invert(b) for b in blank], count))
    dropped = _any([pc.is_in(pc.utf8_trim_whitespace(cells[pos]),
                             value_set=pa.array([v for v in values if isinstance(v, str)], pa.string()))
                    for pos, values in drop.items() if pos < length], count)
    keep = pc.and_not(pc.invert(is_blank), dropped)
    problems = [_blank_row(int(n)) for n in numbers[is_blank.to_numpy(zero_copy_only=False)]]
    if length > width:
        extras = [pc.invert(b) for b in blank[width:]]
        value = pc.coalesce(*[pc.if_else(e, c, None) for e, c in zip(extras, cells[width:])])
        slipped = pc.and_(keep, _any(extras, count))
        problems += [_extra_cell(int(n), length, width, v) for n, v in
                     zip(numbers[slipped.to_numpy(zero_copy_only=False)], value.filter(slipped).to_pylist())]
        cells = cells[:width]
    elif length < width:
        problems += [_missing_cell(int(n), length, width) for n in numbers[keep.to_numpy(zero_copy_only=False)]]
        cells += [pc.cast(pa.nulls(count), pa.string()).fill_null("")] * (width - length)
    cells = [c.filter(keep) for c in cells]
    numbers = numbers[keep.to_numpy(zero_copy_only=False)]
    odd_rows, odd_numbers = [], []
    for number, row in grid.odd.items():
        if number > header_row + 1:
            row = _fit_row(row, number, width, drop, problems)
            if row is not None:
                odd_rows.append(row)
                odd_numbers.append(number)
    if odd_rows:  # put rows of other lengths back in file order
        order = pa.array(np.argsort(np.concatenate([numbers, odd_numbers]), kind="stable"))
        cells = [pa.concat_arrays([c, pa.array([r[i] for r in odd_rows], pa.string())]).take(order)
                 for i, c in enumerate(cells)]
        numbers = np.sort(np.concatenate([numbers, odd_numbers]))
    problems.sort(key=lambda p: p.row)
    return cells, numbers, problems


def _number_options(declaration: Declaration, name: str) -> dict:
    conf = dict(declaration.source.get("numbers", {}))
    conf.update(conf.pop("fields", {}).get(name, {}))
    return {"style": conf.get("style", "auto"), "units": bool(conf.get("units")),
            "currency": bool(conf.get("currency")), "percent": bool(conf.get("percent"))}


def _value_map(texts: pa.Array, mapped: dict) -> pa.Array:
    """valueMaps applied in bulk: a mapped text becomes its value, any other text stays."""
    keys = pa.array(list(mapped), pa.string())
    found = pc.index_in(texts, value_set=keys)
    return pc.coalesce(pa.array(list(mapped.values()), pa.string()).take(found), texts)


def cast_strings(values: pa.Array, spec: dict, declaration: Declaration, row_numbers):
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
    if kind in ("integer", "year"):
        parsed, failed = parse_number_column(texts, kind="integer", **_number_options(declaration, name))
        out = pa.array(parsed, pa.int64())
    elif kind == "number":
        parsed, failed = parse_number_column(texts, kind="number", **_number_options(declaration, name))
        out = pa.array([None if p is None else float(p) for p in parsed], pa.float64())
    elif kind == "date":
        conf = declaration.source.get("dates", {})
        parsed, failed = parse_date_column(texts.to_pylist(), formats=tuple(conf.get("formats", ("iso", "id-long", "dd/mm/yyyy"))),
                                           zero_date=conf.get("zeroDate", "error"))
        out = pa.array(parsed, pa.date32())
    elif kind == "boolean":
        truth = {"true": True, "ya": True, "1": True, "false": False, "tidak": False, "0": False}
        strings = texts.to_pylist()
        parsed = [None if s is None else truth.get(s.lower()) for s in strings]
        failed = {j: ValueProblem("type-error", f"'{s}' is not true/false.", f"'{s}' bukan benar/salah.")
                  for j, s in enumerate(strings) if s is not None and parsed[j] is None}
        out = pa.array(parsed, pa.bool_())
    else:
        return texts, []
    problems = [_problem(problem.code, problem.message_en, problem.message_id, row=int(row_numbers[j]),
                         field=name, value=texts[j].as_py()) for j, problem in failed.items()]
    return out, problems


def cast_column(values: list, spec: dict, declaration: Declaration, row_numbers: list[int]):
    """A typed Arrow array for one declared field, with a problem for each cell that does not parse."""
    if isinstance(values, pa.Array):
        return cast_strings(values, spec, declaration, row_numbers)
    name, kind = spec["name"], spec.get("type", "string")
    problems: list[Problem] = []
    out: list = [None] * len(values)
    texts: dict[int, str] = {}
    for i, v in enumerate(values):
        if _is_blank(v):
            continue
        if isinstance(v, str):
            texts[i] = v.strip()
        elif kind == "string":
            if isinstance(v, float) and not v.is_integer():
                problems.append(_problem("type-error", f"The code '{v}' is stored as a number in the spreadsheet and may have lost digits; format the column as text.",
                                         f"Kode '{v}' tersimpan sebagai angka di lembar kerja dan bisa kehilangan digit; format kolom sebagai teks.",
                                         row=row_numbers[i], field=name, value=v))
            else:
                texts[i] = str(int(v)) if isinstance(v, float) else (v.isoformat() if isinstance(v, dt.date) else str(v))
        elif kind in ("integer", "number", "year") and isinstance(v, (int, float)) and not isinstance(v, bool):
            if kind != "number" and isinstance(v, float) and not v.is_integer():
                problems.append(_problem("type-error", f"'{v}' is not a whole number.", f"'{v}' bukan bilangan bulat.",
                                         row=row_numbers[i], field=name, value=v))
            else:
                out[i] = int(v) if kind != "number" else float(v)
        elif kind == "date" and isinstance(v, dt.date):
            out[i] = v if not isinstance(v, dt.datetime) else v.date()
        else:
            texts[i] = str(v).strip()
    if texts:
        positions = list(texts)
        strings = [texts[i] for i in positions]
        if kind == "string":
            mapped = declaration.source.get("valueMaps", {}).get(name, {})
            parsed, failed = [mapped.get(s, s) for s in strings], {}
        elif kind in ("integer", "year"):
            parsed, failed = parse_number_column(strings, kind="integer", **_number_options(declaration, name))
        elif kind == "number":
            parsed, failed = parse_number_column(strings, kind="number", **_number_options(declaration, name))
            parsed = [None if p is None else float(p) for p in parsed]
        elif kind == "date":
            conf = declaration.source.get("dates", {})
            parsed, failed = parse_date_column(strings, formats=tuple(conf.get("formats", ("iso", "id-long", "dd/mm/yyyy"))),
                                               zero_date=conf.get("zeroDate", "error"))
        elif kind == "boolean":
            truth = {"true": True, "ya": True, "1": True, "false": False, "tidak": False, "0": False}
            parsed = [truth.get(s.lower()) for s in strings]
            failed = {j: ValueProblem("type-error", f"'{s}' is not true/false.", f"'{s}' bukan benar/salah.")
                      for j, s in enumerate(strings) if parsed[j] is None}
        else:
            parsed, failed = strings, {}
        for j, i in enumerate(positions):
            out[i] = parsed[j]
        for j, problem in failed.items():
            problems.append(_problem(problem.code if problem.code != "type-error" else "type-error",
                                     f"{problem.message_en}", f"{problem.message_id}",
                                     row=row_numbers[positions[j]], field=name, value=strings[j]))
    arrow_type = {"integer": pa.int64(), "year": pa.int64(), "number": pa.float64(), "date": pa.date32(),
                  "boolean": pa.bool_()}.get(kind, pa.string())
    return pa.array(out, type=arrow_type), problems


def ingest_sheet(sheet: Sheet, declaration: Declaration) -> Ingested:
    """Header, mapping, rows and typed columns of one sheet against one declaration."""
    if not sheet.rows:
        raise UnusableFile("The file is empty.", "Berkas ini kosong.")
    index = alias_index(declaration)
    header_row = find_header(sheet.rows, index, declaration.source.get("header", "auto"))
    header = sheet.rows[header_row]
    positions, mapping, problems = map_header(header, declaration, index, header_row + 1)
    drop = {positions[name]: set(values) for name, values in declaration.source.get("dropRows", {}).items()
            if name in positions}
    if sheet.grid is not None:  # CSV: whole columns at once
        cells, numbers, row_problems = collect_columns(sheet.grid, header_row, len(header), drop)
    else:
        rows, numbers, row_problems = collect_rows(sheet, header_row, len(header), drop)
        cells = {pos: [r[pos] for r in rows] for pos in positions.values()}
    problems += row_problems
    arrays, names = [], []
    for spec in declaration.fields:
        pos = positions.get(spec["name"])
        if pos is not None:
            values = cells[pos]
        else:
            values = pa.nulls(len(numbers), pa.string()) if sheet.grid is not None else [None] * len(numbers)
        array, cell_problems = cast_column(values, spec, declaration, numbers)
        arrays.append(array)
        names.append(spec["name"])
        problems += cell_problems
    arrays.append(pa.array(np.asarray(numbers, dtype=np.int64)))
    names.append(ROW)
    return Ingested(pa.Table.from_arrays(arrays, names=names), problems, header_row + 1, mapping)
