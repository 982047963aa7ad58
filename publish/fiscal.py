"""Fiscal Data Package (FDP 1.0rc1) of a budget table: one CSV row per budget line and phase, and its descriptor.

The mapping is data, declared beside the dataset (schemas/<dataset>/fiscal.json): which stage and measure
give each phase (approved, adjusted, executed), which account-code prefix gives the direction (revenue,
expenditure, financing), and which column carries which FDP columnType. The package is a pure function of the
declaration and the release rows: `fiscal_package` of an Arrow table, `write_fiscal_package` of a DuckDB relation
written in batches (the same bytes for the same rows); each release writes its package at release time
(publish.writers.write_derived), so the package is in the version's manifest and never changes afterwards."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from publish.declarations import Declaration
from publish.tally import Tally
from publish.worktable import literal

MAPPING = "fiscal.json"
SPEC = "https://specs.frictionlessdata.io/fiscal-data-package/"
SPEC_VERSION = "1.0rc1"
BUDGET_TYPES = "https://frictionlessdata.io/taxonomies/fiscal/budgets.json"  # the spec's default columnTypes
STAGE_TYPE = "phase:budget-stage"  # declared inline below: the source stage a phase was taken from
# FDP Appendix A: the `value` columnType is a number, `date:fiscal-year` an integer; the rest are codes.
VALUE, YEAR = "value", "date:fiscal-year"
BATCH = 16_384  # rows of the package handed to the CSV writer at a time


class FiscalMappingError(ValueError):
    """fiscal.json names something the declaration does not have; the message says which file and what."""


def mapping(declaration: Declaration) -> dict | None:
    """The declared fiscal mapping of a dataset, or None when it has none."""
    path = Path(declaration.folder) / MAPPING
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _check(declaration: Declaration, spec: dict) -> None:
    names = set(declaration.field_names)
    used = [spec["year"], spec["stage"], spec["lines"]["column"], spec["direction"]["column"], *spec["lineKey"]]
    used += [p["measure"] for p in spec["phases"]] + [c.get("from", c["name"]) for c in spec["columns"]]
    missing = sorted({n for n in used if n not in names})
    if missing:
        where = f"schemas/{declaration.id}/{MAPPING}"
        raise FiscalMappingError(
            f"{where} menyebut kolom yang tidak dideklarasikan / names columns the declaration does not have: "
            f"{', '.join(missing)}")


def _segments(column: str, n: int) -> str:
    return f"array_to_string(string_split({_ident(column)}, '.')[1:{int(n)}], '.')"


def _direction(spec: dict) -> str:
    col = _ident(spec["direction"]["column"])
    cases = []
    for prefix, direction in sorted(spec["direction"]["prefixes"].items(), key=lambda kv: -len(kv[0])):
        cases.append(f"WHEN {col} = {literal(prefix)} OR starts_with({col}, {literal(prefix + '.')}) "
                     f"THEN {literal(direction)}")
    return "CASE " + " ".join(cases) + " END"


def _query(spec: dict, source: str = "t") -> tuple[str, list[str]]:
    """SQL over the relation `source` giving the package's rows, and the output column names in order."""
    year, stage = _ident(spec["year"]), _ident(spec["stage"])
    line_col = _ident(spec["lines"]["column"])
    columns = spec["columns"]
    out_cols = [c["name"] for c in columns]
    picks = [f"{_segments(c['from'], c['segments'])} AS {_ident(c['name'])}" if "from" in c
             else f"{_ident(c['name'])} AS {_ident(c['name'])}" for c in columns]
    key = " || '/' || ".join(f"coalesce({_ident(k)}::VARCHAR, '')" for k in spec["lineKey"])
    base = (f"SELECT *, {_direction(spec)} AS _direction FROM {_ident(source)} "
            f"WHERE len(string_split({line_col}, '.')) = {int(spec['lines']['segments'])}")
    parts = []
    for order, p in enumerate(spec["phases"]):
        measure = _ident(p["measure"])
        ranks = " ".join(f"WHEN {literal(s)} THEN {i}" for i, s in enumerate(p["stages"]))
        stages = ", ".join(literal(s) for s in p["stages"])
        parts.append(
            f"SELECT {order} AS _order, {literal(p['phase'])} AS phase, {literal(p['label']['id'])} AS phase_label, "
            f"* EXCLUDE (_rank, _top) FROM ("
            f" SELECT *, max(_rank) OVER (PARTITION BY {year}) AS _top FROM ("
            f"  SELECT *, CASE {stage} {ranks} END AS _rank, {measure} AS _amount FROM lines"
            f"  WHERE {stage} IN ({stages}) AND {measure} IS NOT NULL)) WHERE _rank = _top")
    select = ", ".join([f"{key} AS budget_line_id", f"{year} AS {_ident(spec['year'])}", "phase", "phase_label",
                        f"{stage} AS {_ident(spec['stage'])}", "_direction AS direction", *picks,
                        "_amount AS amount"])
    sql = (f"WITH leaves AS ({base}), lines AS (SELECT * FROM leaves WHERE _direction IS NOT NULL) "
           f"SELECT {select} FROM ({' UNION ALL '.join(parts)}) "
           f"ORDER BY {year}, _order, budget_line_id")
    names = ["budget_line_id", spec["year"], "phase", "phase_label", spec["stage"], "direction", *out_cols, "amount"]
    return sql, names


def _excluded(con, spec: dict, source: str = "t") -> dict:
    line_col = _ident(spec["lines"]["column"])
    n = int(spec["lines"]["segments"])
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE {line_col} IS NULL OR len(string_split({line_col}, '.')) <> {n}), "
        f"count(*) FILTER (WHERE len(string_split({line_col}, '.')) = {n} AND ({_direction(spec)}) IS NULL) "
        f"FROM {_ident(source)}").fetchall()[0]  # all: DuckDB wants every result finished
    return {"notBudgetLine": row[0], "noDirection": row[1]}


def _fields(declaration: Declaration, spec: dict) -> list[dict]:
    declared = {f["name"]: f for f in declaration.fields}

    def field(name, type_, column_type, title, description=""):
        out = {"name": name, "type": type_, "title": title}
        if description:
            out["description"] = description
        if column_type:
            out["columnType"] = column_type
        return out

    year = declared[spec["year"]]
    stage = declared[spec["stage"]]
    fields = [
        field("budget_line_id", "string", "budget-line-id", "ID baris anggaran",
              "/".join(spec["lineKey"]) + ": the same line in every phase."),
        field(spec["year"], "integer", YEAR, year.get("title", spec["year"]), year.get("description", "")),
        field("phase", "string", "phase:id", "Fase anggaran",
              "approved (APBD murni), adjusted (pergeseran/perubahan) or executed (realisasi)."),
        field("phase_label", "string", "phase:label", "Nama fase"),
        field(spec["stage"], "string", STAGE_TYPE, stage.get("title", spec["stage"]),
              "The budget stage (tahap) the figures of this phase were taken from."),
        field("direction", "string", "direction", "Arah",
              ", ".join(f"{k} = {v}" for k, v in spec["direction"]["prefixes"].items())),
    ]
    for c in spec["columns"]:
        source = declared.get(c.get("from", c["name"]), {})
        title = c.get("title") or source.get("title", c["name"])
        description = c.get("description") or source.get("description", "")
        fields.append(field(c["name"], "string", c["columnType"], title, description))
    fields.append(field("amount", "number", VALUE, "Nilai (rupiah)",
                        "The amount of the phase, in whole rupiah (currency in extraFields)."))
    return fields


def fiscal_package(declaration: Declaration, table: pa.Table, about: dict | None = None,
                   data_path: str = "data.csv") -> tuple[dict, bytes]:
    """The Fiscal Data Package of `table` (a release of `declaration`): (its descriptor, the CSV's bytes).

    `about` adds package properties the table cannot know (version, id, homepage, created); `data_path` is the
    CSV's name beside the descriptor."""
    buffer = io.BytesIO()
    con = duckdb.connect()
    try:
        con.register("t", table)
        descriptor = _write(declaration, con, "t", Tally(buffer), about, data_path)
    finally:
        con.close()
    return descriptor, buffer.getvalue()


def write_fiscal_package(declaration: Declaration, con: duckdb.DuckDBPyConnection, select: str, schema: pa.Schema,
                         sink: Tally, about: dict | None = None, data_path: str = "data.csv") -> dict:
    """The Fiscal Data Package of the release rows `select` gives in `con` (in the types of `schema`, as an Arrow
    table of them reads in DuckDB): its CSV written to `sink` in batches, its descriptor returned. The same
    rows give the same bytes as fiscal_package."""
    con.register("__fiscal_types", schema.empty_table())  # DuckDB's names for the Arrow types
    try:
        types = con.execute("SELECT column_name, column_type FROM (DESCRIBE __fiscal_types)").fetchall()
    finally:
        con.unregister("__fiscal_types")
    casts = ", ".join(f"CAST({_ident(name)} AS {kind}) AS {_ident(name)}" for name, kind in types)
    con.execute(f"CREATE OR REPLACE TEMP VIEW __fiscal_source AS SELECT {casts} FROM ({select})").fetchall()
    # The package's rows (about twice the release's lines, wide text) are sorted once: with a thread per core
    # DuckDB's sort of 5M release rows ran out of the working table's memory limit; one thread spills within it.
    threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
    con.execute("SET threads = 1").fetchall()
    try:
        return _write(declaration, con, "__fiscal_source", sink, about, data_path)
    finally:
        con.execute(f"SET threads = {int(threads)}").fetchall()
        con.execute("DROP VIEW IF EXISTS __fiscal_source").fetchall()


def _write(declaration: Declaration, con, source: str, sink: Tally, about: dict | None, data_path: str) -> dict:
    """The package's CSV from the relation `source` into `sink`, batch by batch; returns the descriptor."""
    spec = mapping(declaration)
    if spec is None:
        raise FiscalMappingError(f"schemas/{declaration.id} has no {MAPPING}")
    _check(declaration, spec)
    sql, names = _query(spec, source)
    excluded = _excluded(con, spec, source)
    reader = con.sql(sql).to_arrow_reader(BATCH)  # on `con` itself: the relation may be its temp view
    schema = pa.schema([f.with_name(n) for f, n in zip(reader.schema, names)])
    options = pacsv.WriteOptions(include_header=True, eol="\r\n", quoting_style="needed")
    count, years = 0, set()
    with reader, pacsv.CSVWriter(sink, schema, write_options=options) as writer:  # the result finished, even on error
        for batch in reader:
            batch = pa.RecordBatch.from_arrays(batch.columns, schema=schema)
            writer.write_batch(batch)
            count += batch.num_rows
            years.update(pc.unique(batch.column(spec["year"])).to_pylist())
    years.discard(None)
    return _descriptor(declaration, spec, count, sorted(years), excluded, sink, about or {}, data_path)


def _descriptor(declaration: Declaration, spec: dict, rows: int, years: list, excluded: dict, data: Tally,
                about: dict, data_path: str) -> dict:
    decl = declaration.descriptor
    title = spec["title"]
    return {
        "profile": "tabular-data-package",
        "name": spec["name"],
        "title": title["id"],
        "description": f"{title['en']}. Fiscal Data Package {SPEC_VERSION} ({SPEC}) of the dataset "
                       f"'{declaration.id}': {spec['phaseRule']}",
        **{k: v for k, v in about.items() if v is not None},
        "keywords": list(decl.get("keywords") or []) + ["fiscal data package"],
        "licenses": [{k: v for k, v in lic.items() if k in ("name", "path", "title")}
                     for lic in decl.get("licenses") or []],
        "sources": [{k: v for k, v in s.items() if k in ("title", "path")} for s in decl.get("sources") or []],
        "countryCode": "ID",
        "columnTypes": [BUDGET_TYPES, [{"name": STAGE_TYPE, "dataType": "string"}]],
        "resources": [{
            "profile": "tabular-data-resource",
            "name": spec["name"],
            "path": data_path,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": data.size,
            "hash": "sha256:" + data.hexdigest(),
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
            "schema": {
                "fields": _fields(declaration, spec),
                "primaryKey": ["budget_line_id", "phase"],
                "extraFields": [{"name": "currency", "type": "string", "columnType": "value-currency:code",
                                 "constant": spec["currency"]}],
            },
        }],
        "terbuka:source": {"dataset": declaration.id, "rows": rows, "years": years,
                           "excludedRows": excluded, "lines": spec["lines"].get("note", ""),
                           "direction": spec["direction"].get("note", "")},
    }
