"""What changed between two releases: rows added, removed and changed by primary key, moved totals, and the schema.

Three files of a release come from here:

- `changes.json`: the counts (always exact), the first KEEP_ROWS rows of each kind of change (`rows`; when a
  kind has more, `rows_truncated` is true and `rows_kept` says how many of each are listed), the budget
  totals that moved (`totals`) and what changed in the Table Schema (`schema`).
- `changes.csv`: every added, removed and changed row, complete, one line per changed cell:
  `change` (added | removed | changed), the primary-key columns, `field`, `old`, `new` (text, empty for
  added and removed rows; an empty value is written as an empty field, an empty text as "").
- `totals.csv` (datasets declaring `terbuka:totals`, e.g. apbd): the moved totals of `changes.json` as a
  tidy table, see TOTALS_COLUMNS.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb

from publish import writers
from publish.declarations import Declaration
from publish.vocabulary import load_accounts
from publish.worktable import literal, quoted

KEEP_ROWS = 500  # rows of each kind listed in changes.json; changes.csv lists all, counts are always exact

# totals.csv, one row per group whose total moved, in one of two comparisons:
#   comparison=version: the same period and stage in the previous release (from_version) and this one
#                       (to_version); from_stage = to_stage.
#   comparison=stage:   within this release (from_version = to_version), a stage against the stage before
#                       it in the declared order (murni -> pergeseran -> perubahan) of the same period.
# breakdown is the declared grouping (skpd, kelompok_rekening), account the account the group's lines are in
# (declared `account`, e.g. 4 revenue, 5 spending, 6.1 and 6.2 financing: an agency's revenue and its spending are
# two groups, never one sum), group its code, label its name when known, measure the summed column (anggaran, in
# rupiah); before/after are the two totals (empty: the group had no lines there), delta = after - before,
# percent = delta / before * 100 rounded to 2 decimals (empty when before is empty or zero). Stages are
# compared, never added together.
TOTALS_COLUMNS = ["comparison", "breakdown", "account", "group", "label", "period", "from_version", "from_stage",
                  "to_version", "to_stage", "measure", "before", "after", "delta", "percent"]

# Field attributes whose change is reported in the `schema` section of changes.json.
SCHEMA_ATTRIBUTES = ("type", "format", "title", "constraints")


def _connect(con: duckdb.DuckDBPyConnection, old: str | None, new: str,
             declaration: Declaration) -> duckdb.DuckDBPyConnection:
    """Views old_t and new_t over the declared columns of two relations in `con`; a first release (`old` None)
    is compared with an empty relation, so every row is `added`."""
    cols = ", ".join(quoted(n) for n in declaration.field_names)
    con.execute(f"CREATE OR REPLACE TEMP VIEW new_t AS SELECT {cols} FROM {quoted(new)}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW old_t AS SELECT {cols} FROM "
                + (quoted(old) if old is not None else f"{quoted(new)} WHERE FALSE"))
    return con


def _floating(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    """The columns of a relation that hold floating-point numbers."""
    return {name for name, kind, *_ in con.execute(f"DESCRIBE {relation}").fetchall()
            if str(kind).upper() in ("DOUBLE", "FLOAT", "REAL")}


def _sql_parts(declaration: Declaration) -> tuple[list[str], list[str], str, str]:
    key = declaration.primary_key
    others = [n for n in declaration.field_names if n not in key]
    on = " AND ".join(f"o.{quoted(k)} IS NOT DISTINCT FROM n.{quoted(k)}" for k in key)
    differs = " OR ".join(f"o.{quoted(c)} IS DISTINCT FROM n.{quoted(c)}" for c in others) or "FALSE"
    return key, others, on, differs


def diff_tables(con: duckdb.DuckDBPyConnection, old: str | None, new: str, declaration: Declaration) -> dict:
    """Exact counts of row changes of relation `new` against relation `old` (None for a first release), and the
    first KEEP_ROWS rows of each kind with their changed cells. The complete list is written by `changes_csv`."""
    key, others, on, differs = _sql_parts(declaration)
    con = _connect(con, old, new, declaration)
    key_new = ", ".join(f"n.{quoted(k)}" for k in key)
    key_old = ", ".join(f"o.{quoted(k)}" for k in key)
    counts = con.execute(f"""
        SELECT count(*) FILTER (WHERE o_present IS NULL),
               count(*) FILTER (WHERE n_present IS NULL),
               count(*) FILTER (WHERE o_present AND n_present AND ({differs}))
        FROM (SELECT *, TRUE AS o_present FROM old_t) o FULL OUTER JOIN (SELECT *, TRUE AS n_present FROM new_t) n ON {on}
    """).fetchall()[0]
    rows = []
    added = con.execute(f"SELECT {key_new} FROM new_t n WHERE NOT EXISTS (SELECT 1 FROM old_t o WHERE {on}) "
                        f"ORDER BY ALL LIMIT {KEEP_ROWS}").fetchall()
    rows += [{"change": "added", "key": dict(zip(key, map(_text, r)))} for r in added]
    removed = con.execute(f"SELECT {key_old} FROM old_t o WHERE NOT EXISTS (SELECT 1 FROM new_t n WHERE {on}) "
                          f"ORDER BY ALL LIMIT {KEEP_ROWS}").fetchall()
    rows += [{"change": "removed", "key": dict(zip(key, map(_text, r)))} for r in removed]
    changed = []
    if others:
        pairs = ", ".join(f"o.{quoted(c)} AS {quoted('old_' + c)}, n.{quoted(c)} AS {quoted('new_' + c)}" for c in others)
        changed = con.execute(f"SELECT {key_new}, {pairs} FROM old_t o JOIN new_t n ON {on} WHERE {differs} "
                              f"ORDER BY ALL LIMIT {KEEP_ROWS}").fetchall()
        for r in changed:
            values = r[len(key):]
            cells = [{"field": c, "old": _text(values[2 * i]), "new": _text(values[2 * i + 1])}
                     for i, c in enumerate(others) if values[2 * i] != values[2 * i + 1]]
            rows.append({"change": "changed", "key": dict(zip(key, map(_text, r[:len(key)]))), "cells": cells})
    kept = {"added": len(added), "removed": len(removed), "changed": len(changed)}
    total = {"added": counts[0], "removed": counts[1], "changed": counts[2]}
    return {**total, "key": key, "rows": rows, "rows_truncated": kept != total, "rows_kept": kept,
            "rows_limit": KEEP_ROWS, "rows_complete": "changes.csv"}


def _text(value):
    return None if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)


def _as_varchar(expr: str, floating: bool) -> str:
    """A value as text the way data.csv writes it (a whole float as 92, not 92.0)."""
    if floating:
        return (f"CASE WHEN isfinite({expr}) AND {expr} = trunc({expr}) AND abs({expr}) < 1e15 "
                f"THEN CAST(CAST({expr} AS BIGINT) AS VARCHAR) ELSE CAST({expr} AS VARCHAR) END")
    return f"CAST({expr} AS VARCHAR)"


def changes_csv(con: duckdb.DuckDBPyConnection, old: str | None, new: str, declaration: Declaration,
                path: Path) -> None:
    """Write changes.csv: every added, removed and changed row (one line per changed cell), in full.

    DuckDB writes it straight to `path` (sorted: added, removed, changed; then by key and field order),
    so a change of a million rows never passes through Python lists."""
    key, others, on, differs = _sql_parts(declaration)
    con = _connect(con, old, new, declaration)
    keys_n = ", ".join(f"n.{quoted(k)} AS {quoted(k)}" for k in key)
    keys_o = ", ".join(f"o.{quoted(k)} AS {quoted(k)}" for k in key)
    keys = ", ".join(quoted(k) for k in key)
    empty = "NULL::VARCHAR AS field, NULL::VARCHAR AS old, NULL::VARCHAR AS new, 0 AS _pos"
    parts = [f"SELECT 1 AS _kind, 'added' AS change, {keys_n}, {empty} "
             f"FROM new_t n WHERE NOT EXISTS (SELECT 1 FROM old_t o WHERE {on})",
             f"SELECT 2, 'removed', {keys_o}, {empty} FROM old_t o WHERE NOT EXISTS (SELECT 1 FROM new_t n WHERE {on})"]
    if others:
        floating = _floating(con, "new_t")
        cells = ", ".join(
            f"{{'pos': {i}, 'field': {literal(c)}, 'old': {_as_varchar('o.' + quoted(c), c in floating)}, "
            f"'new': {_as_varchar('n.' + quoted(c), c in floating)}, "
            f"'differs': o.{quoted(c)} IS DISTINCT FROM n.{quoted(c)}}}" for i, c in enumerate(others))
        parts.append(f"SELECT 3, 'changed', {keys}, cell['field'], cell['old'], cell['new'], cell['pos'] FROM "
                     f"(SELECT {keys_n}, unnest([{cells}]) AS cell FROM old_t o JOIN new_t n ON {on} WHERE {differs}) "
                     f"WHERE cell['differs']")
    union = "\nUNION ALL\n".join(parts)
    query = (f"SELECT change, {keys}, field, old, new FROM ({union}) ORDER BY _kind, {keys}, _pos")
    con.execute(f"COPY ({query}) TO {literal(str(path))} (FORMAT csv, HEADER, NEW_LINE '\r\n')")


def totals(con: duckdb.DuckDBPyConnection, old: str | None, new: str, declaration: Declaration) -> dict | None:
    """Budget totals per group before and after, per period and stage, plus stage-to-stage movement, of relation
    `new` against relation `old` (None: no previous release).

    Declared in datapackage.json under `terbuka:totals`; stages are compared, never summed."""
    spec = declaration.descriptor.get("terbuka:totals")
    if not spec:
        return None
    con = _connect(con, old, new, declaration)
    measure, period, stage = spec["measure"], spec["period"], spec.get("stage")
    leaf = spec.get("where", "TRUE")
    account = spec.get("account", "NULL")
    out = {"measure": measure, "period": period, "stage": stage, "account": spec.get("account"), "groups": {}}
    slice_cols = [c for c in (period, stage) if c]
    slice_sql = ", ".join(quoted(c) for c in slice_cols)
    for name, expr in spec["groups"].items():
        label = spec.get("labels", {}).get(name)
        label_sql = f", any_value({label}) AS label" if label else ", NULL AS label"

        def grouped(table: str) -> dict:
            rows = con.execute(f"SELECT {slice_sql}, ({account}) AS acct, ({expr}) AS grp{label_sql}, "
                               f"sum({quoted(measure)}) FROM {table} WHERE {leaf} GROUP BY ALL").fetchall()
            return {tuple(r[:len(slice_cols) + 2]): (r[-2], r[-1]) for r in rows}

        after = grouped("new_t")
        before = grouped("old_t") if old is not None else {}
        moved = []
        for k in sorted(set(after) | set(before), key=lambda t: tuple(str(x) for x in t)):
            a = after.get(k, (None, None))[1]
            b = before.get(k, (None, None))[1]
            if a != b:
                moved.append({**dict(zip(slice_cols, k[:-2])), "account": k[-2], "group": k[-1],
                              "label": (after.get(k) or before.get(k))[0], "before": b, "after": a,
                              "delta": (a or 0) - (b or 0), "percent": _pct(a, b)})
        out["groups"][name] = moved
    if stage and spec.get("stageOrder"):
        out["stages"] = stage_movement(con, spec)
    return out


def stage_movement(con, spec: dict) -> list[dict]:
    """For each period, each stage against the stage before it (murni -> pergeseran -> perubahan)."""
    measure, period, stage, order = spec["measure"], spec["period"], spec["stage"], spec["stageOrder"]
    leaf = spec.get("where", "TRUE")
    account = spec.get("account", "NULL")
    present = con.execute(f"SELECT DISTINCT {quoted(period)}, {quoted(stage)} FROM new_t ORDER BY 1").fetchall()
    by_period: dict = {}
    for p, s in present:
        by_period.setdefault(p, set()).add(s)
    result = []
    for p, stages in sorted(by_period.items()):
        ranked = [s for s in order if s in stages]
        for prev, cur in zip(ranked, ranked[1:]):
            for name, expr in spec["groups"].items():
                label = spec.get("labels", {}).get(name)
                rows = con.execute(
                    f"SELECT ({account}) AS acct, ({expr}) AS grp, "
                    f"sum({quoted(measure)}) FILTER (WHERE {quoted(stage)} = ?) AS a, "
                    f"sum({quoted(measure)}) FILTER (WHERE {quoted(stage)} = ?) AS b, "
                    f"{f'any_value({label})' if label else 'NULL'} AS label FROM new_t "
                    f"WHERE {quoted(stage)} IN (?, ?) AND {quoted(period)} = ? AND {leaf} GROUP BY 1, 2 ORDER BY 1, 2",
                    [prev, cur, prev, cur, p]).fetchall()
                result.append({"period": p, "from": prev, "to": cur, "group": name,
                               "rows": [{"account": acct, "group": g, "label": lab, "before": a, "after": b,
                                         "delta": (b or 0) - (a or 0), "percent": _pct(b, a)}
                                        for acct, g, a, b, lab in rows if a != b]})
    return result


def _pct(after, before):
    if before in (None, 0) or after is None:
        return None
    return round((after - before) / before * 100, 2)


def totals_csv(changes: dict, path: Path, declaration: Declaration) -> None:
    """Write totals.csv (layout: TOTALS_COLUMNS) from the `totals`, `from` and `to` of changes.json; a group
    without a label of its own is named from the dataset's declared account names (accounts.json)."""
    moved = changes.get("totals") or {}
    period, stage, measure = moved.get("period"), moved.get("stage"), moved.get("measure")
    order = list((moved.get("groups") or {}).keys())
    accounts = {code: names["id"] for code, names in load_accounts(declaration.folder).items()}
    lines = []
    for breakdown, rows in (moved.get("groups") or {}).items():
        for m in rows:
            lines.append({"comparison": "version", "breakdown": breakdown, "account": m.get("account"),
                          "group": m["group"],
                          "label": m.get("label") or accounts.get(str(m["group"])), "period": m.get(period),
                          "from_version": changes.get("from"), "from_stage": m.get(stage),
                          "to_version": changes.get("to"), "to_stage": m.get(stage), "measure": measure,
                          **{k: m[k] for k in ("before", "after", "delta", "percent")}})
    for s in moved.get("stages") or []:
        for m in s["rows"]:
            lines.append({"comparison": "stage", "breakdown": s["group"], "account": m.get("account"),
                          "group": m["group"],
                          "label": m.get("label") or accounts.get(str(m["group"])), "period": s["period"],
                          "from_version": changes.get("to"), "from_stage": s["from"],
                          "to_version": changes.get("to"), "to_stage": s["to"], "measure": measure,
                          **{k: m[k] for k in ("before", "after", "delta", "percent")}})
    stages = {s: i for i, s in enumerate(_stage_order(moved))}

    def sort_key(line):
        return (line["comparison"] != "version", order.index(line["breakdown"]) if line["breakdown"] in order else 99,
                str(line["period"]), stages.get(line["from_stage"], 99), str(line["from_stage"]),
                str(line["account"]), str(line["group"]))

    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, TOTALS_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(sorted(lines, key=sort_key))


def _stage_order(moved: dict) -> list:
    """Stages in the order the stage comparisons name them (murni, pergeseran, perubahan)."""
    order: list = []
    for s in moved.get("stages") or []:
        for name in (s["from"], s["to"]):
            if name not in order:
                order.append(name)
    return order


def read_descriptor(path: Path | None) -> dict | None:
    """A release's datapackage.json, or None when there is none or it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        return None


def schema_changes(previous_descriptor: dict | None, declaration: Declaration) -> dict | None:
    """Fields added, removed and changed (SCHEMA_ATTRIBUTES), and a changed primary key or field order,
    between the previous release's published datapackage.json (see read_descriptor) and the declaration
    now. None when nothing changed, for a first release, or without a previous descriptor."""
    if not previous_descriptor:
        return None
    try:
        old_schema = previous_descriptor["resources"][0]["schema"]
    except (KeyError, IndexError, TypeError):
        return None
    new_schema = writers.published_schema(declaration)  # compare like with like: both as published
    old = {f["name"]: f for f in old_schema.get("fields") or []}
    new = {f["name"]: f for f in new_schema["fields"]}

    def brief(f: dict) -> dict:
        return {k: f.get(k) for k in ("name", "type", "title", "description")}

    changed = []
    for name, f in new.items():
        if name in old:
            diffs = [{"attribute": a, "before": old[name].get(a), "after": f.get(a)}
                     for a in SCHEMA_ATTRIBUTES if old[name].get(a) != f.get(a)]
            if diffs:
                changed.append({"name": name, "title": f.get("title"), "changes": diffs})

    def key(schema: dict) -> list:
        k = schema.get("primaryKey") or []
        return [k] if isinstance(k, str) else list(k)

    common_old = [n for n in old if n in new]
    common_new = [n for n in new if n in old]
    out = {"added": [brief(f) for n, f in new.items() if n not in old],
           "removed": [brief(f) for n, f in old.items() if n not in new],
           "changed": changed,
           "primary_key": ({"before": key(old_schema), "after": key(new_schema)}
                           if key(old_schema) != key(new_schema) else None),
           "order": {"before": list(old), "after": list(new)} if common_old != common_new else None}
    return out if any(out.values()) else None


VOLATILE = {"version", "created", "homepage", "id", "resources", "terbuka:files", "$schema"}
FIELD_METADATA = ("title", "description", "terbuka:description_en")


def metadata_changes(old: dict | None, descriptor: dict) -> list[dict] | None:
    """What a reader sees described differently: package-level metadata (title, description, licence,
    sources, keywords...) and each field's title and descriptions, between the previous release's
    datapackage.json and this one's. Version, dates, URLs and files always differ and are left out.
    None when nothing changed or there is no previous descriptor."""
    if not old:
        return None
    out = [{"where": k, "before": old.get(k), "after": descriptor.get(k)}
           for k in sorted((set(old) | set(descriptor)) - VOLATILE) if old.get(k) != descriptor.get(k)]
    try:
        before = {f["name"]: f for f in old["resources"][0]["schema"]["fields"]}
        after = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    except (KeyError, IndexError, TypeError):
        return out or None
    for name in (n for n in after if n in before):
        out += [{"where": f"{name}.{attr}", "before": before[name].get(attr), "after": after[name].get(attr)}
                for attr in FIELD_METADATA if before[name].get(attr) != after[name].get(attr)]
    return out or None
