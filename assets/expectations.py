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
        if count is None:
            count = 1
        if not problems and count:
            problems.append(Problem(type="business-rule", severity=severity, field=field, value=value,
                                    check=spec["id"], note=note_en, note_id=note_id))
    return problems, max(int(count or 0), len(problems))


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
        if df.empty and spec["type"] not in ("expect_column_unique_value_count_to_be_between",):
            outcomes.append({"id": spec["id"], "severity": spec.get("severity", ERROR), "success": True, "unexpected": 0})
            continue
        batch = batch_definition.get_batch(batch_parameters={"dataframe": df})
        validation = batch.validate(expectation, result_format=result_format)
        found, total = ([], 0) if validation.success else _problems_from(validation.result, spec, df)
        problems += found
        if total > len(found) and found:
            overflow.append((found[-1], total - len(found)))
        outcomes.append({"id": spec["id"], "severity": spec.get("severity", ERROR),
                         "success": bool(validation.success), "unexpected": total})
    return problems, overflow, outcomes
