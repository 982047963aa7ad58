"""Personal-data and spreadsheet-formula guards on free-text columns (NIK, NPWP, phone, e-mail)."""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa

from assets.ingest import ROW
from publish.declarations import Declaration
from publish.report import Problem

LIMIT = 200
# Kemendagri province codes: a 16-digit run only counts as a NIK when it starts with one.
PROVINCES = {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
             71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97}

PATTERNS = {
    "npwp": (r"\b\d{2}\.\d{3}\.\d{3}\.\d[-.]\d{3}\.\d{3}\b", "an NPWP (tax number)", "NPWP (nomor pokok wajib pajak)"),
    "phone": (r"(\+62|\b62|\b0)[\s-]?8\d{1,2}[\s-]?\d{3,4}[\s-]?\d{3,5}\b|\(0\d{2,3}\)\s?\d{5,8}\b",
              "a phone number", "nomor telepon"),
    "email": (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", "an e-mail address", "alamat surel"),
}
NIK_CANDIDATE = r"(^|[^0-9])([0-9]{16})([^0-9]|$)"


def is_nik(digits: str) -> bool:
    """16 digits shaped like a NIK: province, regency, district, birth date (day+40 for women), serial."""
    if len(digits) != 16 or not digits.isdigit():
        return False
    day, month = int(digits[6:8]), int(digits[8:10])
    return int(digits[:2]) in PROVINCES and (1 <= day <= 31 or 41 <= day <= 71) and 1 <= month <= 12 \
        and int(digits[2:4]) > 0


def text_fields(declaration: Declaration) -> list[str]:
    """Free-text columns: strings without a pattern or enum (codes are already constrained)."""
    allowed = set(declaration.source.get("personalDataAllowed", []))
    out = []
    for spec in declaration.fields:
        constraints = spec.get("constraints") or {}
        if spec.get("type", "string") == "string" and spec["name"] not in allowed \
                and "pattern" not in constraints and "enum" not in constraints and spec.get("format") != "uri":
            out.append(spec["name"])
    return out


def _problem(kind, kind_en, kind_id, row, field, value) -> Problem:
    """One personal-data cell; `check` names the kind so that each kind is its own report group
    (Report groups by severity, type, field and check: NIK and phone numbers in one column must
    not share one count and the first example's note)."""
    shown = value if len(value) <= 40 else value[:37] + "..."
    return Problem(type="personal-data", check=kind, row=row, field=field, value=shown,
                   note=f"This cell appears to hold {kind_en}; personal data is never published. Remove it, or declare the column in personalDataAllowed if it is public by law.",
                   note_id=f"Sel ini tampaknya memuat {kind_id}; data pribadi tidak boleh diterbitkan. Hapus, atau nyatakan kolom ini di personalDataAllowed bila terbuka menurut undang-undang.")


def check_privacy(table: pa.Table, declaration: Declaration) -> tuple[list[Problem], list[tuple[Problem, int]]]:
    """Problems for personal data and formula-leading cells in free-text columns: up to LIMIT examples per
    column and kind, and for each, how many more cells there are (counts are always exact)."""
    con = duckdb.connect()
    con.register("data", table)
    problems: list[Problem] = []
    overflow: list[tuple[Problem, int]] = []

    def keep(found: list[Problem], total: int) -> None:
        problems.extend(found[:LIMIT])
        if total > LIMIT and found:
            overflow.append((found[LIMIT - 1], total - LIMIT))

    for spec in declaration.fields:
        if spec.get("type", "string") != "string" or spec["name"] not in table.column_names:
            continue
        col = '"' + spec["name"] + '"'
        where = f"regexp_matches({col}, '^[=+@\\t\\r]')"
        total = con.execute(f"SELECT count(*) FROM data WHERE {where}").fetchone()[0]
        rows = con.execute(f"SELECT {ROW}, {col} FROM data WHERE {where} ORDER BY 1 LIMIT {LIMIT}").fetchall() if total else []
        keep([Problem(
            type="formula-injection", check="formula", row=row, field=spec["name"], value=value[:40],
            note="This cell starts with =, +, @, a tab or a carriage return; a spreadsheet would run it as a formula. Remove that first character or put the text in quotes differently.",
            note_id="Sel ini diawali =, +, @, tab atau carriage return; program lembar kerja akan menjalankannya sebagai rumus. Hapus karakter pertama itu.")
            for row, value in rows], total)
    for name in text_fields(declaration):
        if name not in table.column_names:
            continue
        col = '"' + name + '"'
        found = [_problem("nik", "an Indonesian NIK (identity number)", "NIK (nomor induk kependudukan)", row, name, value)
                 for row, value in con.execute(f"SELECT {ROW}, {col} FROM data WHERE regexp_matches({col}, '[0-9]{{16}}') "
                                               f"ORDER BY 1").fetchall()
                 if any(is_nik(m.group(2)) for m in re.finditer(NIK_CANDIDATE, value))]
        keep(found, len(found))
        for kind, (pattern, en, id_) in PATTERNS.items():
            where = f"regexp_matches({col}, {_lit(pattern)})"
            total = con.execute(f"SELECT count(*) FROM data WHERE {where}").fetchone()[0]
            if total:
                sql = f"SELECT {ROW}, {col} FROM data WHERE {where} ORDER BY 1 LIMIT {LIMIT}"
                keep([_problem(kind, en, id_, row, name, value) for row, value in con.execute(sql).fetchall()], total)
    return problems, overflow


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
