"""Personal-data and spreadsheet-formula guards on free-text columns (NIK, NPWP, phone, e-mail)."""

from __future__ import annotations

import re

import pyarrow as pa

from assets.ingest import ROW
from publish.declarations import Declaration
from publish.report import Problem
from publish.worktable import WorkTable, literal, quoted, working

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
# A run of exactly 16 digits (not part of a longer number); runs next to each other are all found.
NIK_CANDIDATE = r"(?<![0-9])[0-9]{16}(?![0-9])"
FORMULA = "^[=+@\\t\\r]"
FORMULA_EN = ("This cell starts with =, +, @, a tab or a carriage return; a spreadsheet would run it as a formula. "
              "Remove that first character or put the text in quotes differently.")
FORMULA_ID = ("Sel ini diawali =, +, @, tab atau carriage return; program lembar kerja akan menjalankannya sebagai "
              "rumus. Hapus karakter pertama itu.")


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


def _flagged(con, column: str, personal: bool) -> dict[str, list[str]]:
    """The distinct values of one column that each check flags ({kind: values}). Codes and names repeat
    across a budget's rows, so the regular expressions run on each distinct value once, not on every row."""
    col = quoted(column)
    kinds = {"formula": f"regexp_matches(v, {literal(FORMULA)})"}
    if personal:
        kinds["nik"] = "regexp_matches(v, '[0-9]{16}')"  # then the shape, in Python, on these few values
        kinds.update({kind: f"regexp_matches(v, {literal(pattern)})" for kind, (pattern, _, _) in PATTERNS.items()})
    names = list(kinds)
    # A table, not a subquery: the optimiser would push the filter below DISTINCT, onto every row again.
    con.execute(f"CREATE OR REPLACE TEMP TABLE distinct_values AS SELECT DISTINCT {col} AS v FROM data "
                f"WHERE {col} IS NOT NULL")
    rows = con.execute(f"SELECT v, {', '.join(kinds[k] for k in names)} FROM distinct_values "
                       f"WHERE {' OR '.join(kinds[k] for k in names)}").fetchall()
    con.execute("DROP TABLE distinct_values")
    found: dict[str, list[str]] = {k: [] for k in names}
    for value, *flags in rows:
        for kind, flag in zip(names, flags):
            if flag and (kind != "nik" or any(is_nik(m.group()) for m in re.finditer(NIK_CANDIDATE, value))):
                found[kind].append(value)
    return found


def _cells(con, column: str, values: list[str]) -> tuple[list[tuple[int, str]], int]:
    """(row, value) of the first LIMIT cells holding one of `values`, and how many cells do in all."""
    if not values:
        return [], 0
    col, where = quoted(column), f"{quoted(column)} IN (SELECT unnest($values))"
    total = con.execute(f"SELECT count(*) FROM data WHERE {where}", {"values": values}).fetchall()[0][0]
    rows = con.execute(f"SELECT {ROW}, {col} FROM data WHERE {where} ORDER BY 1 LIMIT {LIMIT}",
                       {"values": values}).fetchall()
    return rows, total


def check_privacy(table: WorkTable | pa.Table, declaration: Declaration) -> tuple[list[Problem], list[tuple[Problem, int]]]:
    """Problems for personal data and formula-leading cells in free-text columns: up to LIMIT examples per
    column and kind, and for each, how many more cells there are (counts are always exact)."""
    with working(table) as work:
        return _check(work, declaration)


def _check(work: WorkTable, declaration: Declaration) -> tuple[list[Problem], list[tuple[Problem, int]]]:
    con = work.con
    problems: list[Problem] = []
    overflow: list[tuple[Problem, int]] = []

    def keep(found: list[Problem], total: int) -> None:
        problems.extend(found)
        if total > len(found) and found:
            overflow.append((found[-1], total - len(found)))

    personal = set(text_fields(declaration))
    present = set(work.column_names)
    strings = [f["name"] for f in declaration.fields if f.get("type", "string") == "string" and f["name"] in present]
    flagged = {name: _flagged(con, name, name in personal) for name in strings}
    for name in strings:
        rows, total = _cells(con, name, flagged[name]["formula"])
        keep([Problem(type="formula-injection", check="formula", row=row, field=name, value=value[:40],
                      note=FORMULA_EN, note_id=FORMULA_ID) for row, value in rows], total)
    for name in (n for n in strings if n in personal):
        for kind, en, id_ in [("nik", "an Indonesian NIK (identity number)", "NIK (nomor induk kependudukan)")] + \
                [(kind, en, id_) for kind, (_, en, id_) in PATTERNS.items()]:
            rows, total = _cells(con, name, flagged[name][kind])
            keep([_problem(kind, en, id_, row, name, value) for row, value in rows], total)
    return problems, overflow
