"""Recognise a file in the portal's own published form (its data.csv, edited and dropped back), read by its conventions."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from publish.declarations import Declaration
from publish.report import INFO, Problem

NUMERIC = ("number", "integer", "year")
_PUBLISHED_NUMBER = r"^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$"
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]+)?$"
# A dot that only groups thousands the Indonesian way (1.234 or 12.500.000) says nothing about decimals.
_GROUPED = r"^-?[1-9][0-9]{0,2}(?:\.[0-9]{3})+$"


def _texts(values) -> pa.Array:
    """The non-blank text cells of a column (typed spreadsheet cells have no convention to recognise)."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        texts = pc.utf8_trim_whitespace(values)
    else:
        texts = pa.array([v.strip() for v in values if isinstance(v, str)], pa.string())
    return texts.filter(pc.not_equal(texts, ""))


def _all(texts: pa.Array, pattern: str) -> bool:
    return bool(pc.all(pc.match_substring_regex(texts, pattern)).as_py()) if len(texts) else True


def _any(texts: pa.Array, pattern: str) -> bool:
    return bool(pc.any(pc.match_substring_regex(texts, pattern)).as_py()) if len(texts) else False


def in_published_form(header: list, header_row: int, columns: dict[str, object], declaration: Declaration) -> bool:
    """True when a file is the portal's own CSV: row 1 holds exactly the declared field names in order, every
    number is written with a dot for decimals and no separators, every date is ISO, and some number shows a
    dot decimal the declared convention would read otherwise (99.59 is no Indonesian number). Without that
    evidence both readings agree wherever they can, and the declared convention decides as for any file."""
    if header_row != 0 or [str(c).strip() for c in header] != declaration.field_names:
        return False
    evidence = False
    local_decimal_dot = declaration.source.get("numbers", {}).get("style", "auto") != "en"
    iso_declared = "iso" in declaration.source.get("dates", {}).get("formats", ("iso",))
    for spec in declaration.fields:
        kind = spec.get("type", "string")
        if kind not in NUMERIC + ("date",) or spec["name"] not in columns:
            continue
        texts = _texts(columns[spec["name"]])
        if kind == "date":
            if not _all(texts, _ISO_DATE):
                return False
            evidence |= not iso_declared and len(texts) > 0
            continue
        if not _all(texts, _PUBLISHED_NUMBER):
            return False
        if local_decimal_dot and not evidence:
            dotted = texts.filter(pc.match_substring(texts, "."))
            evidence = _any(dotted, r"^") and not _all(dotted, _GROUPED)
    return evidence


def published_note() -> Problem:
    return Problem(type="published-form", severity=INFO,
                   note="This file is in the portal's published form (the dataset's field names in row 1, numbers "
                        "with a dot for decimals), so it was read with the published conventions: a dot for "
                        "decimals, no thousands separators, dates as year-month-day.",
                   note_id="Berkas ini berbentuk seperti yang diterbitkan portal (nama field dataset di baris 1, "
                           "angka dengan titik desimal), sehingga dibaca dengan konvensi terbitan: titik untuk "
                           "desimal, tanpa pemisah ribuan, tanggal sebagai tahun-bulan-tanggal.")
