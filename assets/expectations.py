"""Business rules: a declaration's Great Expectations suite run over the clean table (GX imported lazily)."""

from __future__ import annotations

import os
import threading

import duckdb
import pyarrow as pa

from assets.ingest import ROW
from publish.declarations import Declaration
from publish.report import ERROR, Problem

KEEP = 200
# A rule whose query selects no row has checked nothing: it is reported as not applied (this
# severity counts as neither an error nor a warning), never as a silent pass.
INFO = "info"
# Rules that are meaningful on an empty selection (zero distinct values is itself a finding).
RUN_WHEN_EMPTY = ("expect_column_unique_value_count_to_be_between",)
_lock = threading.Lock()
_batch_definition = None


def _batch_def():
    """One ephemeral GX context per process: importing and building it costs seconds, so do it once."""
    global _batch_definition
    with _lock:
        if _batch_definition is None:
            os.environ.setdefault("TQDM_DISABLE", "1")  # GX renders progress bars through tqdm
            os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
            import great_expectations as gx

            context = gx.get_context(mode="ephemeral")
            try:
                from great_expectations.data_context.types.base import ProgressBarsConfig

                context.variables.progress_bars = ProgressBarsConfig(globally=False)
            except Exception:  # older or newer GX without this knob: TQDM_DISABLE still applies
                pass
            source = context.data_sources.add_pandas("terbuka")
            asset = source.add_dataframe_asset("table")
            _batch_definition = asset.add_batch_definition_whole_dataframe("whole")
    return _batch_definition


def expectation_class(type_name: str):
    """`expect_column_values_to_not_be_null` -> gx.expectations.ExpectColumnValuesToNotBeNull."""
    import great_expectations as gx

    camel = "".join(part.capitalize() for part in type_name.split("_"))
    cls = getattr(gx.expectations, camel, None)
    if cls is None:
        raise ValueError(f"unknown expectation type '{type_name}'")
    return cls


def rule_frame(con, spec: dict):
    """The rows a rule looks at: its SQL `query` over `data` (default all rows) plus `derive`d columns."""
    sql = spec.get("query") or "SELECT * FROM data"
    derive = spec.get("derive") or {}
    if derive:
        extra = ", ".join(f"({expr}) AS \"{name}\"" for name, expr in derive.items())
        sql = f"SELECT *, {extra} FROM ({sql})"
    return con.execute(sql).df()


def _problems_from(result: dict, spec: dict, df) -> tuple[list[Problem], int]:
    kwargs = spec.get("kwargs", {})
    field = kwargs.get("column") or (f"{kwargs['column_A']}, {kwargs['column_B']}" if "column_A" in kwargs
                                     else ", ".join(kwargs.get("column_list", [])) or None)
    severity = spec.get("severity", ERROR)
    description = spec.get("description", {})
    note_en = description.get("en", spec["type"])
    note_id = description.get("id", note_en)
    count = result.get("unexpected_count")
    indexes = result.get("unexpected_index_list") or []
    problems = []
    for item in indexes[:KEEP]:
        if isinstance(item, dict):
            row = item.get(ROW)
            value = ", ".join(str(v) for k, v in item.items() if k != ROW)
        else:
            row = int(df.iloc[item][ROW]) if ROW in df.columns else None
            value = None
        problems.append(Problem(type="business-rule", severity=severity, row=None if row is None else int(row),
                                field=field, value=value, check=spec["id"], note=note_en, note_id=note_id))
    if not problems:
        observed = result.get("observed_value")
        value = None if observed is None else str(observed)
        column = kwargs.get("column")
        if spec["type"] == "expect_column_unique_value_count_to_be_between" and column in df.columns:
            # "2" says little; the values themselves ("murni, perubahan") say what to split.
            distinct = sorted({str(v) for v in df[column].dropna().unique()})
            value = ", ".join(distinct[:10]) + (", ..." if len(distinct) > 10 else "") if distinct else "(kosong / empty)"
        if count is None:
            count = 1
        if not problems and count:
            problems.append(Problem(type="business-rule", severity=severity, field=field, value=value,
                                    check=spec["id"], note=note_en, note_id=note_id))
    return problems, max(int(count or 0), len(problems))


def _not_applied(spec: dict) -> Problem:
    """An info note for a rule that selected no row of this file (e.g. no realisation in a murni
    budget, no parent account rows): it checked nothing, so it neither passes nor fails."""
    description = spec.get("description", {})
    rule_en = description.get("en", spec["type"])
    rule_id = description.get("id", rule_en)
    return Problem(type="business-rule", severity=INFO, check=spec["id"],
                   note=f"Not checked: no row of this file is one this rule applies to. Rule: {rule_en}",
                   note_id=f"Tidak diperiksa: tidak ada baris dalam berkas ini yang menjadi sasaran aturan ini. "
                           f"Aturan: {rule_id}")


def run_suite(table: pa.Table, declaration: Declaration) -> tuple[list[Problem], list[tuple[Problem, int]], list[dict]]:
    """Problems found by each rule, counts past the kept examples, and a per-rule outcome list."""
    if not declaration.expectations:
        return [], [], []
    batch_definition = _batch_def()
    con = duckdb.connect()
    con.register("data", table)
    problems, overflow, outcomes = [], [], []
    for spec in declaration.expectations:
        df = rule_frame(con, spec)
        kwargs = dict(spec.get("kwargs", {}))
        result_format = {"result_format": "COMPLETE"}
        if ROW in df.columns:
            result_format["unexpected_index_column_names"] = [ROW]
        expectation = expectation_class(spec["type"])(**kwargs)
        if df.empty and spec["type"] not in RUN_WHEN_EMPTY:
            skipped = _not_applied(spec)
            problems.append(skipped)
            outcomes.append({"id": spec["id"], "severity": spec.get("severity", ERROR), "success": True,
                             "unexpected": 0, "rows_checked": 0, "skipped": True,
                             "reason": {"en": skipped.note, "id": skipped.note_id}})
            continue
        batch = batch_definition.get_batch(batch_parameters={"dataframe": df})
        validation = batch.validate(expectation, result_format=result_format)
        found, total = ([], 0) if validation.success else _problems_from(validation.result, spec, df)
        problems += found
        if total > len(found) and found:
            overflow.append((found[-1], total - len(found)))
        outcomes.append({"id": spec["id"], "severity": spec.get("severity", ERROR),
                         "success": bool(validation.success), "unexpected": total,
                         "rows_checked": len(df), "skipped": False})
    return problems, overflow, outcomes
