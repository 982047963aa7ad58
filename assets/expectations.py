"""Business rules: a declaration's Great Expectations suite, run on DuckDB; GX itself only as the reference."""

from __future__ import annotations

import os
import threading

import pyarrow as pa

from assets.ingest import ROW
from assets.rules import EMPTY, NotCompiled, Outcome, evaluate, relation
from publish.declarations import Declaration
from publish.report import ERROR, Problem
from publish.worktable import WorkTable, working

KEEP = 200
# A rule whose query selects no row has checked nothing: it is reported as not applied (this
# severity counts as neither an error nor a warning), never as a silent pass.
INFO = "info"
# Rules that are meaningful on an empty selection (zero distinct values is itself a finding).
RUN_WHEN_EMPTY = ("expect_column_unique_value_count_to_be_between",)
_lock = threading.Lock()
_batch_definition = None


def run_suite(table: WorkTable | pa.Table, declaration: Declaration) -> tuple[list[Problem], list[tuple[Problem, int]], list[dict]]:
    """Problems found by each rule, counts past the kept examples, and a per-rule outcome list."""
    if not declaration.expectations:
        return [], [], []
    with working(table) as work:
        return _run(work.con, declaration)


def _run(con, declaration: Declaration) -> tuple[list[Problem], list[tuple[Problem, int]], list[dict]]:
    problems, overflow, outcomes = [], [], []
    for spec in declaration.expectations:
        outcome = evaluate_rule(con, spec)
        severity = spec.get("severity", ERROR)
        if outcome.rows_checked == 0 and spec["type"] not in RUN_WHEN_EMPTY:
            skipped = _not_applied(spec)
            problems.append(skipped)
            outcomes.append({"id": spec["id"], "severity": severity, "success": True, "unexpected": 0,
                             "rows_checked": 0, "skipped": True, "reason": {"en": skipped.note, "id": skipped.note_id}})
            continue
        found, total = ([], 0) if outcome.success else _problems(outcome, spec)
        problems += found
        if total > len(found) and found:
            overflow.append((found[-1], total - len(found)))
        outcomes.append({"id": spec["id"], "severity": severity, "success": outcome.success, "unexpected": total,
                         "rows_checked": outcome.rows_checked, "skipped": False})
    return problems, overflow, outcomes


def evaluate_rule(con, spec: dict, keep: int | None = KEEP) -> Outcome:
    """One rule over the table registered as `data`: on DuckDB when it compiles, else with GX."""
    try:
        return evaluate(con, spec, keep)
    except NotCompiled:
        return evaluate_with_gx(con, spec, keep)


def _problems(outcome: Outcome, spec: dict) -> tuple[list[Problem], int]:
    """The failing rows as problems (the first KEEP, by row) and how many rows failed in all."""
    kwargs = spec.get("kwargs", {})
    field = kwargs.get("column") or (f"{kwargs['column_A']}, {kwargs['column_B']}" if "column_A" in kwargs
                                     else ", ".join(kwargs.get("column_list", [])) or None)
    description = spec.get("description", {})
    note_en = description.get("en", spec["type"])

    def problem(row, value):
        return Problem(type="business-rule", severity=spec.get("severity", ERROR), row=row, field=field,
                       value=value, check=spec["id"], note=note_en, note_id=description.get("id", note_en))
    found = [problem(row, value) for row, value in outcome.examples[:KEEP]]
    if not found:  # an aggregate rule (or one whose rows cannot be named) fails once, with what it saw
        found = [problem(None, outcome.error or outcome.observed)]
    return found, max(outcome.unexpected, len(found))


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


# --- Great Expectations: the reference, and the engine for rules without an SQL form -------------

def _batch_def():
    """One ephemeral GX context per process: importing and building it costs seconds, so do it once."""
    global _batch_definition
    with _lock:
        if _batch_definition is None:
            os.environ.setdefault("TQDM_DISABLE", "1")  # GX renders progress bars through tqdm
            os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
            import great_expectations as gx  # slow (seconds): only when a rule needs GX itself

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
    _batch_def()
    import great_expectations as gx  # already loaded by _batch_def

    camel = "".join(part.capitalize() for part in type_name.split("_"))
    cls = getattr(gx.expectations, camel, None)
    if cls is None:
        raise ValueError(f"unknown expectation type '{type_name}'")
    return cls


def rule_frame(con, spec: dict):
    """The rule's rows as a pandas frame with NumPy types (NaN, NaT): GX's pandas engine fails on
    pandas' nullable integers where a pair holds a missing value ("boolean value of NA is ambiguous")."""
    table = con.sql(relation(spec)).to_arrow_table()
    return table.to_pandas(date_as_object=False)


def evaluate_with_gx(con, spec: dict, keep: int | None = KEEP) -> Outcome:
    """The same rule on a pandas frame through Great Expectations (the reference the agreement test uses)."""
    df = rule_frame(con, spec)
    if df.empty and spec["type"] not in RUN_WHEN_EMPTY:
        return Outcome(success=True, rows_checked=0)
    result_format = {"result_format": "COMPLETE"}
    if ROW in df.columns:
        result_format["unexpected_index_column_names"] = [ROW]
    expectation = expectation_class(spec["type"])(**spec.get("kwargs", {}))
    validation = _batch_def().get_batch(batch_parameters={"dataframe": df}).validate(
        expectation, result_format=result_format)
    outcome = Outcome(success=bool(validation.success), rows_checked=len(df))
    result = validation.result
    count = result.get("unexpected_count")
    if validation.success:
        outcome.unexpected = int(count or 0)  # under `mostly`, a passing rule may still have failing rows
        return outcome
    raised = [info.get("exception_message") for info in (validation.exception_info or {}).values()
              if isinstance(info, dict) and info.get("raised_exception")]
    if validation.exception_info.get("raised_exception"):  # the whole expectation failed to run
        raised.append(validation.exception_info.get("exception_message"))
    outcome.error = f"GX: {raised[0]}" if raised else None
    examples = []
    for item in result.get("unexpected_index_list") or []:
        if isinstance(item, dict):
            examples.append((None if item.get(ROW) is None else int(item[ROW]),
                             ", ".join(str(v) for k, v in item.items() if k != ROW)))
        else:
            examples.append((int(df.iloc[item][ROW]) if ROW in df.columns else None, None))
    if ROW in df.columns:
        examples.sort(key=lambda e: e[0])
    outcome.examples = examples if keep is None else examples[:keep]
    outcome.unexpected = max(int(count if count is not None else 1), len(outcome.examples))
    observed = result.get("observed_value")
    outcome.observed = None if observed is None else str(observed)
    column = spec.get("kwargs", {}).get("column")
    if spec["type"] == "expect_column_unique_value_count_to_be_between" and column in df.columns:
        distinct = sorted({str(v) for v in df[column].dropna().unique()})
        outcome.observed = (", ".join(distinct[:10]) + (", ..." if len(distinct) > 10 else "")) if distinct else EMPTY
    return outcome
