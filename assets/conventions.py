"""Which conventions a file's numbers and dates are read by: the declared local ones, or the portal's published ones."""

from __future__ import annotations

import pyarrow as pa

from assets.dates import parse_date_column
from assets.numbers import PUBLISHED, parse_number_column
from publish.declarations import Declaration
from publish.report import INFO, Problem

NUMERIC = ("number", "integer", "year")


def number_options(declaration: Declaration, name: str, published: bool = False) -> dict:
    """parse_number_column's options for one field: declared (source.json "numbers"), or the published form's."""
    if published:  # the portal's own form: no units, currency signs or percent signs to read
        return {"style": PUBLISHED, "units": False, "currency": False, "percent": False}
    conf = dict(declaration.source.get("numbers", {}))
    conf.update(conf.pop("fields", {}).get(name, {}))
    return {"style": conf.get("style", "auto"), "units": bool(conf.get("units")),
            "currency": bool(conf.get("currency")), "percent": bool(conf.get("percent"))}


def date_options(declaration: Declaration, published: bool = False) -> dict:
    conf = declaration.source.get("dates", {})
    formats = ("iso",) if published else tuple(conf.get("formats", ("iso", "id-long", "dd/mm/yyyy")))
    return {"formats": formats, "zero_date": conf.get("zeroDate", "error")}


def _texts(values) -> pa.Array:
    """A column's text cells (typed spreadsheet cells carry no convention), blanks as None."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    return pa.array([v if isinstance(v, str) and v.strip() else None for v in values], pa.string())


def unread_cells(columns: dict, declaration: Declaration, published: bool) -> int:
    """How many number and date cells the given conventions cannot read (columns: field name -> cells)."""
    count = 0
    for spec in declaration.fields:
        kind, name = spec.get("type", "string"), spec["name"]
        if name not in columns or kind not in NUMERIC + ("date",):
            continue
        texts = _texts(columns[name])
        if kind == "date":
            strings = [s.strip() if s and s.strip() else None for s in texts.to_pylist()]
            count += len(parse_date_column(strings, **date_options(declaration, published))[1])
        else:
            count += len(parse_number_column(texts, kind="number" if kind == "number" else "integer",
                                             **number_options(declaration, name, published))[1])
    return count


def published_candidate(header: list, header_row: int, declaration: Declaration) -> bool:
    """Whether a file could be in the published form at all (the rest is decided by its cells, unread_cells):
    row 1 holds exactly the declared field names in order, and some field is a number or a date."""
    if header_row != 0 or [str(c).strip() for c in header] != declaration.field_names:
        return False
    return any(spec.get("type", "string") in NUMERIC + ("date",) for spec in declaration.fields)


def published_note() -> Problem:
    return Problem(type="published-form", severity=INFO,
                   note="This file is in the portal's published form (the dataset's field names in row 1, numbers "
                        "with a dot for decimals), so it was read with the published conventions: a dot for "
                        "decimals, no thousands separators, dates as year-month-day.",
                   note_id="Berkas ini berbentuk seperti yang diterbitkan portal (nama field dataset di baris 1, "
                           "angka dengan titik desimal), sehingga dibaca dengan konvensi terbitan: titik untuk "
                           "desimal, tanpa pemisah ribuan, tanggal sebagai tahun-bulan-tanggal.")
