"""The Fiscal Data Package of every apbd version: the descriptor follows the FDP 1.0rc1 rules, frictionless finds
no error in the package, and the totals per year, phase and direction equal the published Parquet's."""

from __future__ import annotations

import json
from collections import defaultdict

import duckdb
import jsonschema
import pyarrow.parquet as pq
import pytest

# FDP 1.0rc1, Appendix A "Predefined ColumnTypes": the types this package may use and their dataType.
PREDEFINED = {"value": "number", "value-currency:code": "string", "date:fiscal-year": "integer",
              "budget-line-id": "string", "direction": "string", "phase:id": "string", "phase:label": "string",
              "geo:generic:code": "string", "functional-classification:generic:code": "string",
              "economic-classification:generic:code": "string", "economic-classification:generic:label": "string",
              "administrative-classification:generic:code": "string"}
PREDEFINED.update({f"{family}:generic:level{n}:{part}": "string"
                   for family, top in (("administrative-classification", 8), ("functional-classification", 8),
                                       ("economic-classification", 4))
                   for n in range(1, top + 1) for part in ("code", "label", "description")})
PREDEFINED.update({f"activity:generic:{kind}:{part}": "string"
                   for kind in ("program", "subprogram", "project", "subproject", "contract")
                   for part in ("code", "label")})
PHASES = {"proposed", "approved", "adjusted", "executed"}  # the budget phases FDP names
DIRECTION = {"4": "revenue", "5": "expenditure", "6.1": "financing-receipts", "6.2": "financing-expenditure"}


def _versions(ws):
    from publish.releases import list_releases

    return [e["version"] for e in list_releases(ws, "apbd")]


def _declared_types(descriptor: dict) -> dict:
    """Inline columnType definitions (objects or arrays of objects in `columnTypes`)."""
    out = {}
    for item in descriptor.get("columnTypes", []):
        for definition in (item if isinstance(item, list) else [item] if isinstance(item, dict) else []):
            out[definition["name"]] = definition.get("dataType")
    return out


def check_descriptor(descriptor: dict, rows: list[dict]) -> list[str]:
    """The FDP rules a package must follow, as a list of problems."""
    problems = []
    if not descriptor.get("name") or not descriptor.get("title"):
        problems.append("name and title are required (Data Package)")
    types = {**PREDEFINED, **_declared_types(descriptor)}
    for res in descriptor["resources"]:
        if res.get("format") != "csv" or not res["path"].endswith(".csv"):
            problems.append(f"{res['name']}: fiscal data must be CSV")
        fields = res["schema"]["fields"]
        used = {f.get("columnType"): f for f in fields if f.get("columnType")}
        if [f for f in fields if f.get("columnType") == "value"] != [used.get("value")]:
            problems.append("exactly one measure (columnType value) in a denormalised package")
        for f in fields:
            kind = f.get("columnType")
            if kind not in types:
                problems.append(f"{f['name']}: columnType {kind!r} is neither predefined nor declared")
            elif types[kind] and f["type"] != types[kind]:
                problems.append(f"{f['name']}: {kind} must be {types[kind]}, is {f['type']}")
            if kind and kind.endswith(":label"):
                code = kind[: -len(":label")] + (":id" if kind == "phase:label" else ":code")
                if code not in used:
                    problems.append(f"{f['name']}: label {kind} without its code {code}")
        for extra in res["schema"].get("extraFields", []):
            if "constant" not in extra and not extra.get("normalizationTarget"):
                problems.append(f"extra field {extra['name']} has neither a constant nor is a normalisation target")
            if extra.get("columnType") == "value-currency:code" and extra.get("constant") != "IDR":
                problems.append("currency must be the ISO 4217 code IDR")
    phase = next(f["name"] for f in descriptor["resources"][0]["schema"]["fields"] if f.get("columnType") == "phase:id")
    direction = next(f["name"] for f in descriptor["resources"][0]["schema"]["fields"]
                     if f.get("columnType") == "direction")
    if {r[phase] for r in rows} - PHASES:
        problems.append(f"unknown phases {sorted({r[phase] for r in rows} - PHASES)}")
    if {r[direction] for r in rows} - set(DIRECTION.values()):
        problems.append("unknown directions")
    return problems


DESCRIPTOR, DATA = "fiscal-datapackage.json", "fiscal-data.csv"  # written at release time, beside data.csv


def test_every_version_has_a_valid_fiscal_data_package(regions):
    frictionless = pytest.importorskip("frictionless")
    ws = regions["A"]
    for version in _versions(ws):
        folder = ws.site / "datasets/apbd" / version
        descriptor = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
        rows = duckdb.sql(f"SELECT * FROM read_csv('{folder / DATA}', all_varchar=true)").fetchall()
        names = [c for c in duckdb.sql(f"SELECT * FROM read_csv('{folder / DATA}') LIMIT 0").columns]
        assert check_descriptor(descriptor, [dict(zip(names, r)) for r in rows]) == [], version
        report = frictionless.validate(str(folder / DESCRIPTOR))  # types, primary key, bytes and hash
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
        assert descriptor["version"] == version and descriptor["id"].endswith(f"/apbd/{version}/{DESCRIPTOR}")
        assert descriptor["resources"][0]["path"] == DATA


def test_the_package_is_part_of_the_release_and_never_rendered_again(regions):
    """The package is written with the release, listed in its SHA256SUMS, and the portal renders no copy: a later
    change of schemas/apbd/fiscal.json cannot change a published version."""
    from publish.manifest import read_manifest

    ws = regions["A"]
    for version in _versions(ws):
        store, site = ws.releases / "datasets/apbd" / version, ws.site / "datasets/apbd" / version
        listed = read_manifest(store)
        for name in (DESCRIPTOR, DATA):
            assert name in listed and (store / name).read_bytes() == (site / name).read_bytes(), (version, name)
        assert not (site / "fiscal").exists()
        package = json.loads((store / "datapackage.json").read_text(encoding="utf-8"))
        assert {DESCRIPTOR, DATA, "data.xlsx"} <= {f["path"] for f in package["terbuka:files"]}


def _expected_totals(parquet) -> dict:
    """Totals per (year, phase, direction) computed from the published rows in plain Python, following the
    declared rule: only six-level codes; approved = murni; adjusted and executed = the last stage with values."""
    rows = [r for r in pq.read_table(parquet).to_pylist() if r["kode_rekening"].count(".") == 5]
    order = ["murni", "pergeseran", "perubahan"]

    def direction(code):
        for prefix in sorted(DIRECTION, key=len, reverse=True):
            if code == prefix or code.startswith(prefix + "."):
                return DIRECTION[prefix]
        return None

    totals = defaultdict(int)
    for phase, measure, stages in (("approved", "anggaran", ["murni"]),
                                   ("adjusted", "anggaran", ["pergeseran", "perubahan"]),
                                   ("executed", "realisasi", order)):
        for year in {r["tahun"] for r in rows}:
            present = [s for s in stages if any(r["tahun"] == year and r["tahap"] == s and r[measure] is not None
                                                and direction(r["kode_rekening"]) for r in rows)]
            if not present:
                continue
            chosen = max(present, key=stages.index)
            for r in rows:
                counted = r[measure] is not None and direction(r["kode_rekening"])
                if r["tahun"] == year and r["tahap"] == chosen and counted:
                    totals[(year, phase, direction(r["kode_rekening"]))] += r[measure]
    return dict(totals)


def test_totals_per_phase_and_direction_round_trip_to_the_published_parquet(regions):
    for ws in regions.values():
        for version in _versions(ws):
            folder = ws.site / "datasets/apbd" / version
            got = {(y, p, d): int(t) for y, p, d, t in duckdb.sql(
                f"SELECT tahun, phase, direction, sum(amount) FROM read_csv('{folder / DATA}') "
                "GROUP BY ALL").fetchall()}
            assert got == _expected_totals(folder / "data.parquet"), version


def test_the_phase_rule_on_known_numbers(regions):
    from publish.releases import list_releases

    ws = regions["A"]
    entries = list_releases(ws, "apbd")
    final = ws.site / "datasets/apbd" / entries[-1]["version"] / DATA
    totals = {(y, p, d): int(t) for y, p, d, t in duckdb.sql(
        f"SELECT tahun, phase, direction, sum(amount) FROM read_csv('{final}') GROUP BY ALL").fetchall()}
    spending = 900_000_000 + 300_000_000 + 150_000_000  # the six-level 5.x lines; the 5.1 subtotal is left out
    assert totals[(2024, "approved", "expenditure")] == round(spending * 1.1)
    assert totals[(2024, "adjusted", "expenditure")] == round(spending * 1.2)  # perubahan, not pergeseran
    executed = sum(int(int(a * 1.2) * 0.95) for a in (900_000_000, 300_000_000, 150_000_000))
    assert totals[(2024, "executed", "expenditure")] == executed  # year-end LRA, not the semester figures
    assert totals[(2024, "adjusted", "financing-receipts")] == round(500_000_000 * 1.2)
    assert (2023, "adjusted", "revenue") in totals and (2023, "proposed", "revenue") not in totals
    # Before the year-end LRA was published, executed 2024 was the semester figure on the murni lines.
    before = [e for e in entries if e["released"] < "2025-01-01" and not e.get("withdrawn")][-1]
    earlier = ws.site / "datasets/apbd" / before["version"] / DATA
    value = duckdb.sql(f"SELECT sum(amount) FROM read_csv('{earlier}') WHERE tahun = 2024 AND phase = 'executed' "
                       "AND direction = 'expenditure'").fetchall()[0][0]
    assert value == sum(int(int(a * 1.1) * 0.45) for a in (900_000_000, 300_000_000, 150_000_000))


def test_mapping_is_data_checked_by_its_schema():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "schemas"
    schema = json.loads((root / "fiscal.schema.json").read_text())
    for mapping in root.glob("*/fiscal.json"):
        jsonschema.validate(json.loads(mapping.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "phases": [{"phase": "spent"}]}, schema)


def test_a_mapping_naming_an_undeclared_column_is_refused(tmp_path):
    import shutil
    from pathlib import Path

    import pyarrow as pa

    from publish.declarations import load_declaration
    from publish.fiscal import FiscalMappingError, fiscal_package

    folder = tmp_path / "apbd"
    shutil.copytree(Path(__file__).resolve().parents[2] / "schemas" / "apbd", folder)
    spec = json.loads((folder / "fiscal.json").read_text())
    spec["columns"].append({"name": "kode_fungsi", "columnType": "functional-classification:cofog:code"})
    (folder / "fiscal.json").write_text(json.dumps(spec))
    with pytest.raises(FiscalMappingError, match="kode_fungsi"):
        fiscal_package(load_declaration(folder), pa.table({"tahun": [2024]}))
