"""Table Schema constraints and keys, checked in bulk with DuckDB; error types follow frictionless."""

from __future__ import annotations

import pyarrow as pa

from assets.ingest import ROW
from publish.declarations import Declaration
from publish.report import Problem
from publish.worktable import WorkTable, literal, quoted, working

LIMIT = 1000  # rows fetched per check; the count beyond that is still exact
TEXT_RULES = ("enum", "pattern", "minLength", "maxLength")  # decided by the value alone: checked per distinct value


def _fetch(con, sql: str):
    """(row, value) pairs for the first LIMIT violations and the exact count of all of them."""
    total = con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
    rows = con.execute(f"{sql} ORDER BY 1 LIMIT {LIMIT}").fetchall() if total else []
    return rows, total


class Checker:
    """Finds in bulk which declared constraints and keys some row breaks, then names those rows."""

    def __init__(self, work: WorkTable, declaration: Declaration, references: dict[str, pa.Table],
                 failed_cells: set[tuple[int, str]]):
        self.declaration = declaration
        self.failed = failed_cells
        self.present = set(work.column_names)
        self.con = work.con  # the rows are the table `data` there; the references are registered beside it
        self.references = references
        self.problems: list[Problem] = []
        self.overflow: list[tuple[Problem, int]] = []

    def _emit(self, rows, total, make, key):
        made = None
        for row, value in rows:
            if (row, key[1]) in self.failed:
                continue  # a cell that did not parse is reported once, as a type error
            made = make(row, value)
            self.problems.append(made)
        if made is not None and total > len(rows):
            self.overflow.append((made, total - len(rows)))

    def constraints(self, skip: set[str]) -> None:
        checks = [(spec, constraint, expected, cond) for spec in self.declaration.fields if spec["name"] not in skip
                  for constraint, expected in (spec.get("constraints") or {}).items()
                  if (cond := self._condition(quoted(spec["name"]), spec, constraint, expected)) is not None]
        found = self._detect(checks)
        for spec in self.declaration.fields:
            name = spec["name"]
            if name in skip:
                continue
            for (field, constraint, expected, cond), broken in zip(checks, found):
                if field is not spec or not broken:
                    continue
                rows, total = _fetch(self.con, f"SELECT {ROW}, CAST({quoted(name)} AS VARCHAR) FROM data WHERE {cond}")

                def make(row, value, constraint=constraint, expected=expected, name=name):
                    return Problem(type="constraint-error", row=row, field=name, value=value, check=constraint,
                                   note=f'constraint "{constraint}" is "{expected}"',
                                   note_id=_constraint_note_id(constraint, expected))
                self._emit(rows, total, make, ("constraint-error", name, constraint))
            if (spec.get("constraints") or {}).get("unique"):
                self._duplicates([name], "unique-error")

    def _detect(self, checks: list[tuple]) -> list[bool]:
        """Which constraints some row breaks, in bulk: comparisons in one pass over the table, text
        rules (enum, pattern, length) once per distinct value; the failing rows are fetched after."""
        found = [False] * len(checks)
        by_value: dict[str, list[int]] = {}
        for i, (spec, constraint, _, _) in enumerate(checks):
            if constraint in TEXT_RULES:
                by_value.setdefault(spec["name"], []).append(i)
        plain = [i for i, (_, constraint, _, _) in enumerate(checks) if constraint not in TEXT_RULES]
        if plain:
            counts = self.con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {checks[i][3]})" for i in plain)
                                      + " FROM data").fetchall()[0]
            for i, n in zip(plain, counts):
                found[i] = n > 0
        for name, indexes in by_value.items():
            col = quoted(name)
            # A table, not a subquery: the optimiser would push the conditions below DISTINCT, onto every row.
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE distinct_values AS SELECT DISTINCT {col} FROM data "
                             f"WHERE {col} IS NOT NULL")
            counts = self.con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {checks[i][3]})" for i in indexes)
                                      + " FROM distinct_values").fetchall()[0]
            self.con.execute("DROP TABLE distinct_values")
            for i, n in zip(indexes, counts):
                found[i] = n > 0
        return found

    def _condition(self, col, spec, constraint, expected):
        is_text = spec.get("type", "string") == "string"
        if constraint == "required" and expected:
            return f"{col} IS NULL"
        if constraint == "enum":
            return f"{col} IS NOT NULL AND {col} NOT IN ({', '.join(literal(v) for v in expected)})"
        if constraint == "pattern" and is_text:
            return f"{col} IS NOT NULL AND NOT regexp_full_match({col}, {literal(expected)})"
        if constraint in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            op = {"minimum": "<", "maximum": ">", "exclusiveMinimum": "<=", "exclusiveMaximum": ">="}[constraint]
            bound = literal(expected) if spec.get("type") == "date" else expected
            return f"{col} IS NOT NULL AND {col} {op} {bound}"
        if constraint in ("minLength", "maxLength") and is_text:
            op = "<" if constraint == "minLength" else ">"
            return f"{col} IS NOT NULL AND length({col}) {op} {int(expected)}"
        return None

    def _duplicates(self, fields: list[str], error_type: str) -> None:
        cols = ", ".join(quoted(f) for f in fields)
        not_null = " AND ".join(f"{quoted(f)} IS NOT NULL" for f in fields)
        # A hash aggregate finds whether any key repeats at a fraction of the cost of the window below,
        # which names the rows; a hash collision only costs that second query, never a false report.
        repeats = self.con.execute(f"SELECT count(*) FROM (SELECT hash({cols}) AS h FROM data WHERE {not_null} "
                                   f"GROUP BY h HAVING count(*) > 1)").fetchall()[0][0]
        if not repeats:
            return
        sql = (f"SELECT {ROW}, concat_ws(', ', {cols}) FROM (SELECT {ROW}, {cols}, "
               f"row_number() OVER (PARTITION BY {cols} ORDER BY {ROW}) AS n FROM data WHERE {not_null}) WHERE n > 1")
        rows, total = _fetch(self.con, sql)
        label = ", ".join(fields)

        def make(row, value):
            return Problem(type=error_type, row=row, field=label if len(fields) > 1 else fields[0], value=value,
                           note=f'the same as a row above in field(s) "{label}"',
                           note_id=f"Nilai ({label}) sama dengan baris sebelumnya; setiap baris harus unik.")
        self._emit(rows, total, make, (error_type, label))

    def primary_key(self) -> None:
        key = self.declaration.primary_key
        if key and all(k in self.present for k in key):
            self._empty_key(key)
            self._duplicates(key, "primary-key")

    def _empty_key(self, fields: list[str]) -> None:
        """Rows whose key cells are all empty: a primary key identifies every row (as frictionless checks)."""
        empty = " AND ".join(f"{quoted(f)} IS NULL" for f in fields)
        rows, total = _fetch(self.con, f"SELECT {ROW}, NULL FROM data WHERE {empty}")
        label = ", ".join(fields)

        def make(row, value):
            return Problem(type="primary-key", row=row, field=label if len(fields) > 1 else fields[0],
                           note=f'cells composing the primary key "{label}" are all empty',
                           note_id=f"Kunci utama ({label}) kosong; setiap baris harus punya kunci.")
        self._emit(rows, total, make, ("primary-key", label))

    def foreign_keys(self) -> None:
        for fk in self.declaration.foreign_keys:
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk["reference"]
            ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            target = ref.get("resource") or ""
            source = "data" if target in ("", self.declaration.id) else f"ref_{target}"
            label = ", ".join(fields)
            if source != "data" and target not in self.references:
                self.problems.append(Problem(
                    type="foreign-key", field=label,
                    note=f"dataset '{target}' has no published release to check {label} against; publish it first",
                    note_id=f"Dataset '{target}' belum punya rilis terbit untuk memeriksa {label}; terbitkan dulu dataset itu."))
                continue
            pairs = " AND ".join(f"r.{quoted(rf)} = d.{quoted(f)}" for f, rf in zip(fields, ref_fields))
            not_null = " AND ".join(f"d.{quoted(f)} IS NOT NULL" for f in fields)
            cols = ", ".join(f"d.{quoted(f)}" for f in fields)
            # Distinct values first: a budget names a handful of regions and laws on a million rows.
            unmatched = self.con.execute(
                f"SELECT count(*) FROM (SELECT DISTINCT {cols} FROM data d WHERE {not_null}) d "
                f"WHERE NOT EXISTS (SELECT 1 FROM {source} r WHERE {pairs})").fetchall()[0][0]
            if not unmatched:
                continue
            sql = (f"SELECT d.{ROW}, concat_ws(', ', {cols}) FROM data d WHERE {not_null} AND NOT EXISTS "
                   f"(SELECT 1 FROM {source} r WHERE {pairs})")
            rows, total = _fetch(self.con, sql)
            where = f"dataset '{target}'" if source != "data" else "this file"

            def make(row, value, label=label, where=where, target=target):
                return Problem(type="foreign-key", row=row, field=label, value=value,
                               note=f"{label} '{value}' is not found in {where}",
                               note_id=f"{label} '{value}' tidak ditemukan di "
                                       + (f"dataset '{target}'" if where != "this file" else "berkas ini"))
            self._emit(rows, total, make, ("foreign-key", label))


def _constraint_note_id(constraint: str, expected) -> str:
    texts = {
        "required": "Sel ini wajib diisi.",
        "enum": f"Nilai harus salah satu dari: {', '.join(map(str, expected)) if isinstance(expected, list) else expected}.",
        "pattern": f"Nilai tidak sesuai pola {expected}.",
        "minimum": f"Nilai tidak boleh kurang dari {expected}.",
        "maximum": f"Nilai tidak boleh lebih dari {expected}.",
        "minLength": f"Panjang teks minimal {expected}.",
        "maxLength": f"Panjang teks maksimal {expected}.",
    }
    return texts.get(constraint, f"Batasan {constraint} = {expected} tidak terpenuhi.")


def check_structure(table: WorkTable | pa.Table, declaration: Declaration, references: dict[str, pa.Table],
                    failed_cells: set[tuple[int, str]], missing_fields: set[str]) -> tuple[list[Problem], list[tuple[Problem, int]]]:
    """All constraint, unique, primary-key and foreign-key problems, plus counts beyond the fetched rows."""
    with working(table) as work:
        for name, ref in references.items():
            work.register(f"ref_{name}", ref)
        try:
            checker = Checker(work, declaration, references, failed_cells)
            checker.constraints(skip=missing_fields)
            checker.primary_key()
            checker.foreign_keys()
        finally:
            for name in references:
                work.unregister(f"ref_{name}")
    return checker.problems, checker.overflow
