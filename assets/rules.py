"""Business rules compiled to DuckDB SQL: the expectation types of the suites, evaluated where the data is.

Great Expectations stays the declaration and the reference (tests/test_validation/test_rule_agreement.py
runs both on the same tables and asserts the same failing rows); here each expectation type is one
SQL condition over the rule's rows, so a million-row file costs a scan per rule, not a pandas frame.

The semantics follow GX on pandas: a missing value is NULL, or NaN in a floating column; column rules
skip missing cells, pair rules skip rows where both cells are missing (`ignore_row_if`), compound
uniqueness skips rows where all are missing and flags every row of a duplicated group, and `mostly`
is the share of considered rows that must pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from assets.ingest import ROW
from publish.worktable import quoted

EMPTY = "(kosong / empty)"
FLOATING = ("DOUBLE", "FLOAT", "REAL")


@dataclass
class Outcome:
    """What one rule found: pass or fail, over how many rows, and the failing rows in row order."""

    success: bool
    rows_checked: int
    unexpected: int = 0
    examples: list[tuple[int | None, str | None]] = field(default_factory=list)  # (row, value)
    observed: str | None = None  # an aggregate rule's finding, e.g. the distinct stages "murni, perubahan"
    error: str | None = None  # the rule could not be evaluated (counted as one failure)


class MissingColumn(KeyError):
    """A rule names a column its rows do not have (GX fails such a rule as well)."""


class NotCompiled(Exception):
    """This expectation (type or argument) has no SQL form here; Great Expectations evaluates it instead."""


def _lit(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise NotCompiled(f"literal {value!r}")


def relation(spec: dict) -> str:
    """The rows a rule looks at: its SQL `query` over `data` (default all rows) plus `derive`d columns."""
    sql = spec.get("query") or "SELECT * FROM data"
    derive = spec.get("derive") or {}
    if derive:
        extra = ", ".join(f"({expr}) AS {quoted(name)}" for name, expr in derive.items())
        sql = f"SELECT *, {extra} FROM ({sql})"
    return sql


class _Rule:
    """One expectation over a relation whose column types are known."""

    def __init__(self, kwargs: dict, types: dict[str, str]):
        self.kw = kwargs
        self.types = types
        for name in self.columns():
            if name not in types:
                raise MissingColumn(name)

    def columns(self) -> list[str]:
        raise NotImplementedError

    def missing(self, name: str) -> str:
        col = quoted(name)
        if self.types[name].upper() in FLOATING:
            return f"({col} IS NULL OR isnan({col}))"
        return f"({col} IS NULL)"

    def shown(self) -> str:
        """SQL for the value a report shows for a failing row: its cells, in the rule's column order."""
        cells = [f"coalesce(CAST({quoted(c)} AS VARCHAR), {_lit(EMPTY)})" for c in self.columns()]
        return cells[0] if len(cells) == 1 else "concat_ws(', ', " + ", ".join(cells) + ")"


class _MapRule(_Rule):
    """A row-by-row rule: `considered` rows count towards `mostly`, `unexpected` ones fail."""

    def considered(self) -> str:
        raise NotImplementedError

    def unexpected(self) -> str:
        raise NotImplementedError


class _ColumnRule(_MapRule):
    def columns(self):
        return [self.kw["column"]]

    def considered(self):
        return f"NOT {self.missing(self.kw['column'])}"


class InSet(_ColumnRule):
    def unexpected(self):
        values = list(self.kw["value_set"])
        if not values:
            return self.considered()
        return f"({self.considered()} AND {quoted(self.kw['column'])} NOT IN ({', '.join(_lit(v) for v in values)}))"


class NotInSet(_ColumnRule):
    def unexpected(self):
        values = list(self.kw["value_set"])
        if not values:
            return "FALSE"
        return f"({self.considered()} AND {quoted(self.kw['column'])} IN ({', '.join(_lit(v) for v in values)}))"


class Between(_ColumnRule):
    def unexpected(self):
        low, high = self.kw.get("min_value"), self.kw.get("max_value")
        if low is None and high is None:
            raise NotCompiled("between needs min_value or max_value")
        col, out = quoted(self.kw["column"]), []
        if low is not None:
            out.append(f"{col} {'<=' if self.kw.get('strict_min') else '<'} {_lit(low)}")
        if high is not None:
            out.append(f"{col} {'>=' if self.kw.get('strict_max') else '>'} {_lit(high)}")
        return f"({self.considered()} AND ({' OR '.join(out)}))"


class NotNull(_ColumnRule):
    def considered(self):
        return "TRUE"

    def unexpected(self):
        return self.missing(self.kw["column"])

    def shown(self):
        return "NULL"  # the finding is the emptiness itself


class Unique(_ColumnRule):
    def unexpected(self):
        col = self.kw["column"]
        return f"({self.considered()} AND count(*) OVER (PARTITION BY ({self.considered()}), {self._key(col)}) > 1)"

    def _key(self, name):
        col = quoted(name)
        return f"(CASE WHEN isnan({col}) THEN NULL ELSE {col} END)" if self.types[name].upper() in FLOATING else col


class _PairRule(_MapRule):
    def columns(self):
        return [self.kw["column_A"], self.kw["column_B"]]

    def considered(self):
        a, b = (self.missing(c) for c in self.columns())
        ignore = self.kw.get("ignore_row_if", "both_values_are_missing")
        if ignore == "both_values_are_missing":
            return f"NOT ({a} AND {b})"
        if ignore == "either_value_is_missing":
            return f"NOT ({a} OR {b})"
        if ignore == "neither":
            return "TRUE"
        raise NotCompiled(f"ignore_row_if {ignore!r}")

    def unexpected(self):
        a, b = (self.missing(c) for c in self.columns())
        # pandas compares a missing cell as False, so a half-missing pair fails (unless ignored above)
        return f"({self.considered()} AND ({a} OR {b} OR NOT ({self.test()})))"


class PairGreater(_PairRule):
    def test(self):
        a, b = (quoted(c) for c in self.columns())
        return f"{a} {'>=' if self.kw.get('or_equal') else '>'} {b}"


class PairEqual(_PairRule):
    def test(self):
        a, b = (quoted(c) for c in self.columns())
        return f"{a} = {b}"


class CompoundUnique(Unique):
    def columns(self):
        return list(self.kw["column_list"])

    def considered(self):
        missing = [self.missing(c) for c in self.columns()]
        ignore = self.kw.get("ignore_row_if", "all_values_are_missing")
        if ignore == "all_values_are_missing":
            return f"NOT ({' AND '.join(missing)})"
        if ignore == "any_value_is_missing":
            return f"NOT ({' OR '.join(missing)})"
        if ignore == "never":
            return "TRUE"
        raise NotCompiled(f"ignore_row_if {ignore!r}")

    def unexpected(self):
        keys = ", ".join(self._key(c) for c in self.columns())
        return f"({self.considered()} AND count(*) OVER (PARTITION BY ({self.considered()}), {keys}) > 1)"


class UniqueValueCount(_Rule):
    """An aggregate rule: the number of distinct non-missing values lies between two bounds."""

    def columns(self):
        return [self.kw["column"]]


# expectation type -> (rule class, the kwargs it understands besides its columns)
COMPILED = {
    "expect_column_values_to_be_in_set": (InSet, {"value_set", "mostly"}),
    "expect_column_values_to_not_be_in_set": (NotInSet, {"value_set", "mostly"}),
    "expect_column_values_to_be_between": (Between, {"min_value", "max_value", "strict_min", "strict_max", "mostly"}),
    "expect_column_values_to_not_be_null": (NotNull, {"mostly"}),
    "expect_column_values_to_be_unique": (Unique, {"mostly"}),
    "expect_column_pair_values_a_to_be_greater_than_b": (PairGreater, {"or_equal", "ignore_row_if", "mostly"}),
    "expect_column_pair_values_to_be_equal": (PairEqual, {"ignore_row_if", "mostly"}),
    "expect_compound_columns_to_be_unique": (CompoundUnique, {"ignore_row_if", "mostly"}),
    "expect_column_unique_value_count_to_be_between": (UniqueValueCount, {"min_value", "max_value", "strict_min",
                                                                          "strict_max"}),
}
COLUMN_ARGS = {"column", "column_A", "column_B", "column_list"}


def compiles(spec: dict) -> bool:
    """Whether this rule has an SQL form (its type, and every argument it uses, are understood)."""
    entry = COMPILED.get(spec["type"])
    if entry is None:
        return False
    kwargs = spec.get("kwargs", {})
    plain = all(not isinstance(v, dict) for v in kwargs.values())  # {"$PARAMETER": ...} is GX's own
    return plain and set(kwargs) <= entry[1] | COLUMN_ARGS


def evaluate(con, spec: dict, keep: int | None = 200) -> Outcome:
    """Evaluate one rule on DuckDB: one aggregate pass, and a second for the failing rows when it fails."""
    if not compiles(spec):
        raise NotCompiled(spec["type"])
    cls, _ = COMPILED[spec["type"]]
    sql = relation(spec)
    types = {name: str(kind) for name, kind, *_ in con.execute(f"DESCRIBE SELECT * FROM ({sql})").fetchall()}
    try:
        rule = cls(spec.get("kwargs", {}), types)
    except MissingColumn as exc:
        (rows,) = con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0]
        return Outcome(success=False, rows_checked=rows, unexpected=1,
                       error=f"kolom / column '{exc.args[0]}' tidak ada / not found")
    if isinstance(rule, UniqueValueCount):
        return _aggregate(con, sql, rule)
    marked = f"SELECT *, {rule.considered()} AS __considered, {rule.unexpected()} AS __unexpected FROM ({sql})"
    rows, considered, unexpected = con.execute(
        f"SELECT count(*), count(*) FILTER (__considered), count(*) FILTER (__unexpected) FROM ({marked})").fetchall()[0]
    mostly = float(rule.kw.get("mostly", 1.0))
    success = considered == 0 or (considered - unexpected) / considered >= mostly
    outcome = Outcome(success=bool(success), rows_checked=rows, unexpected=unexpected)
    if not success:
        row = ROW if ROW in types else "NULL"
        order = f" ORDER BY {ROW}" if ROW in types else ""
        limit = f" LIMIT {int(keep)}" if keep is not None else ""
        outcome.examples = [(None if r is None else int(r), v) for r, v in con.execute(
            f"SELECT {row}, {rule.shown()} FROM ({marked}) WHERE __unexpected{order}{limit}").fetchall()]
    return outcome


def _aggregate(con, sql: str, rule: UniqueValueCount) -> Outcome:
    column = rule.kw["column"]
    present = f"NOT {rule.missing(column)}"
    rows, observed = con.execute(
        f"SELECT count(*), count(DISTINCT {quoted(column)}) FILTER (WHERE {present}) FROM ({sql})").fetchall()[0]
    low, high = rule.kw.get("min_value"), rule.kw.get("max_value")
    if low is None and high is None:
        raise NotCompiled("unique value count needs min_value or max_value")
    success = (low is None or (observed > low if rule.kw.get("strict_min") else observed >= low)) and \
              (high is None or (observed < high if rule.kw.get("strict_max") else observed <= high))
    outcome = Outcome(success=bool(success), rows_checked=rows, observed=str(observed))
    if not success:
        outcome.unexpected = 1
        # "2" says little; the values themselves ("murni, perubahan") say what to split.
        values = [v for (v,) in con.execute(f"SELECT DISTINCT CAST({quoted(column)} AS VARCHAR) AS v FROM ({sql}) "
                                            f"WHERE {present} ORDER BY v LIMIT 11").fetchall()]
        outcome.observed = (", ".join(values[:10]) + (", ..." if len(values) > 10 else "")) if values else EMPTY
    return outcome
