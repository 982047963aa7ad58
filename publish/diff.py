"""What changed between two releases: rows added, removed and changed by primary key, and moved totals."""

from __future__ import annotations

import csv
import io

import duckdb
import pyarrow as pa

from publish.declarations import Declaration

KEEP_ROWS = 500  # changed rows listed in full; counts are always exact


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def diff_tables(old: pa.Table | None, new: pa.Table, declaration: Declaration) -> dict:
    """Row and cell changes of `new` against `old` (None for a first release)."""
    key = declaration.primary_key
    others = [n for n in declaration.field_names if n not in key]
    if old is None:
        return {"added": new.num_rows, "removed": 0, "changed": 0, "rows": [], "key": key}
    con = duckdb.connect()
    con.register("old_t", old)
    con.register("new_t", new)
    on = " AND ".join(f"o.{_q(k)} IS NOT DISTINCT FROM n.{_q(k)}" for k in key)
    differs = " OR ".join(f"o.{_q(c)} IS DISTINCT FROM n.{_q(c)}" for c in others) or "FALSE"
    key_new = ", ".join(f"n.{_q(k)}" for k in key)
    key_old = ", ".join(f"o.{_q(k)}" for k in key)
    counts = con.execute(f"""
        SELECT count(*) FILTER (WHERE o_present IS NULL),
               count(*) FILTER (WHERE n_present IS NULL),
               count(*) FILTER (WHERE o_present AND n_present AND ({differs}))
        FROM (SELECT *, TRUE AS o_present FROM old_t) o FULL OUTER JOIN (SELECT *, TRUE AS n_present FROM new_t) n ON {on}
    """).fetchone()
    rows = []
    added = con.execute(f"SELECT {key_new} FROM new_t n WHERE NOT EXISTS (SELECT 1 FROM old_t o WHERE {on}) "
                        f"ORDER BY ALL LIMIT {KEEP_ROWS}").fetchall()
    rows += [{"change": "added", "key": dict(zip(key, map(_text, r)))} for r in added]
    removed = con.execute(f"SELECT {key_old} FROM old_t o WHERE NOT EXISTS (SELECT 1 FROM new_t n WHERE {on}) "
                          f"ORDER BY ALL LIMIT {KEEP_ROWS}").fetchall()
    rows += [{"change": "removed", "key": dict(zip(key, map(_text, r)))} for r in removed]
    if others:
        pairs = ", ".join(f"o.{_q(c)} AS {_q('old_' + c)}, n.{_q(c)} AS {_q('new_' + c)}" for c in others)
        changed = con.execute(f"SELECT {key_new}, {pairs} FROM old_t o JOIN new_t n ON {on} WHERE {differs} "
                              f"ORDER BY ALL LIMIT {KEEP_ROWS}").fetchall()
        for r in changed:
            values = r[len(key):]
            cells = [{"field": c, "old": _text(values[2 * i]), "new": _text(values[2 * i + 1])}
                     for i, c in enumerate(others) if values[2 * i] != values[2 * i + 1]]
            rows.append({"change": "changed", "key": dict(zip(key, map(_text, r[:len(key)]))), "cells": cells})
    return {"added": counts[0], "removed": counts[1], "changed": counts[2], "rows": rows, "key": key}


def _text(value):
    return None if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)


def totals(old: pa.Table | None, new: pa.Table, declaration: Declaration) -> dict | None:
    """Budget totals per group before and after, per period and stage, plus stage-to-stage movement.

    Declared in datapackage.json under `terbuka:totals`; stages are compared, never summed."""
    spec = declaration.descriptor.get("terbuka:totals")
    if not spec:
        return None
    con = duckdb.connect()
    con.register("new_t", new)
    if old is not None:
        con.register("old_t", old)
    measure, period, stage = spec["measure"], spec["period"], spec.get("stage")
    leaf = spec.get("where", "TRUE")
    out = {"measure": measure, "groups": {}}
    slice_cols = [c for c in (period, stage) if c]
    slice_sql = ", ".join(_q(c) for c in slice_cols)
    for name, expr in spec["groups"].items():
        label = spec.get("labels", {}).get(name)
        label_sql = f", any_value({label}) AS label" if label else ", NULL AS label"

        def grouped(table: str) -> dict:
            rows = con.execute(f"SELECT {slice_sql}, ({expr}) AS grp{label_sql}, sum({_q(measure)}) "
                               f"FROM {table} WHERE {leaf} GROUP BY ALL").fetchall()
            return {(*r[:len(slice_cols)], r[len(slice_cols)]): (r[-2], r[-1]) for r in rows}

        after = grouped("new_t")
        before = grouped("old_t") if old is not None else {}
        moved = []
        for k in sorted(set(after) | set(before), key=lambda t: tuple(str(x) for x in t)):
            a = after.get(k, (None, None))[1]
            b = before.get(k, (None, None))[1]
            if a != b:
                moved.append({**dict(zip(slice_cols, k[:-1])), "group": k[-1],
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
    present = con.execute(f"SELECT DISTINCT {_q(period)}, {_q(stage)} FROM new_t ORDER BY 1").fetchall()
    by_period: dict = {}
    for p, s in present:
        by_period.setdefault(p, set()).add(s)
    result = []
    for p, stages in sorted(by_period.items()):
        ranked = [s for s in order if s in stages]
        for prev, cur in zip(ranked, ranked[1:]):
            for name, expr in spec["groups"].items():
                rows = con.execute(
                    f"SELECT ({expr}) AS grp, sum({_q(measure)}) FILTER (WHERE {_q(stage)} = ?) AS a, "
                    f"sum({_q(measure)}) FILTER (WHERE {_q(stage)} = ?) AS b FROM new_t "
                    f"WHERE {_q(period)} = ? AND {leaf} GROUP BY 1 ORDER BY 1", [prev, cur, p]).fetchall()
                result.append({"period": p, "from": prev, "to": cur, "group": name,
                               "rows": [{"group": g, "before": a, "after": b, "delta": (b or 0) - (a or 0),
                                         "percent": _pct(b, a)} for g, a, b in rows if a != b]})
    return result


def _pct(after, before):
    if before in (None, 0) or after is None:
        return None
    return round((after - before) / before * 100, 2)


def changes_csv(changes: dict) -> str:
    """One line per changed cell (or per added/removed row), for spreadsheets."""
    key = changes["key"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["change", *key, "field", "old", "new"])
    for row in changes["rows"]:
        keys = [row["key"].get(k) for k in key]
        for cell in row.get("cells") or [{"field": "", "old": "", "new": ""}]:
            writer.writerow([row["change"], *keys, cell["field"], cell["old"], cell["new"]])
    return buf.getvalue()
