"""The two references Terbuka is measured against: frictionless-py and the DuckDB floor.

`python -m bench.reference frictionless FILE SCHEMA.json` validates FILE with frictionless-py;
`python -m bench.reference floor FILE OUT.parquet` is the least any tool must do: DuckDB reads the
CSV and writes Parquet. Each prints one JSON line; the bench runs them as child processes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.generate import HEADER


def frictionless_schema(declaration) -> dict:
    """The declared Table Schema as frictionless needs it to read the same source file.

    Fields are named by the file's own labels (frictionless maps columns by position); the amounts,
    declared integers, become numbers with Indonesian separators ("1.234.567", "Rp 1.234.567");
    an enum also accepts the source spellings the declaration's value maps turn into its values
    ("APBD Perubahan"). Foreign keys into other datasets are left out: frictionless can check them
    only inside a data package holding those datasets, and Terbuka checks them against the releases."""
    labels = dict(zip(declaration.field_names, HEADER))
    value_maps = declaration.source.get("valueMaps", {})
    fields = []
    for spec in declaration.fields:
        field = {"name": labels[spec["name"]], "type": spec.get("type", "string")}
        constraints = dict(spec.get("constraints") or {})
        if field["type"] == "integer" and declaration.source.get("numbers", {}).get("style") == "id":
            field.update(type="number", groupChar=".", decimalChar=",", bareNumber=False)
        if "enum" in constraints:
            constraints["enum"] = list(constraints["enum"]) + sorted(value_maps.get(spec["name"], {}))
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields, "primaryKey": [labels[k] for k in declaration.primary_key]}


def run_frictionless(path: Path, schema_path: Path) -> dict:
    import frictionless

    schema = frictionless.Schema.from_descriptor(json.loads(schema_path.read_text(encoding="utf-8")))
    resource = frictionless.Resource(path.name, basepath=str(path.parent), schema=schema,
                                     dialect=frictionless.Dialect(controls=[frictionless.formats.CsvControl(delimiter=";")]))
    report = resource.validate(limit_errors=1000)
    task = report.tasks[0]
    return {"valid": report.valid, "rows": task.stats.get("rows"), "errors": task.stats.get("errors"),
            "first": [e.message for e in task.errors[:3]] + [e.message for e in report.errors[:3]]}


def run_floor(path: Path, out: Path) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute("COPY (SELECT * FROM read_csv(?, delim=';', header=true)) TO '" + str(out).replace("'", "''")
                + "' (FORMAT parquet)", [str(path)])
    rows = con.execute("SELECT count(*) FROM read_parquet(?)", [str(out)]).fetchall()[0][0]
    return {"rows": rows, "parquet_mb": round(out.stat().st_size / 2**20, 1)}


def main() -> None:
    kind, path, other = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    result = run_frictionless(path, other) if kind == "frictionless" else run_floor(path, other)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
