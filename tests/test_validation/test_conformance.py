"""Conformance with frictionless-py on its own fixtures (../shared/data/frictionless-fixtures/), and on
generated files with errors planted for every constraint and key (the bulk DuckDB paths of
assets/structure.py: per-distinct-value text rules, hashed key detection, distinct foreign keys).

For each fixture, frictionless-py validates the file and our validator (assets.validation.check_bytes)
checks the same bytes against a declaration built from the same Table Schema. Both reports are
flattened to sets of (row, error type) for the error types both implement, and must be equal except
for the differences listed, with their reason, in DESIGN_DIFFERENCES.

How the schemas line up:
- A fixture with a schema file is validated by both with that schema.
- A fixture without one gets the schema frictionless infers (frictionless.describe). Our ingest maps
  columns by header name, frictionless by position. The inferred field names equal the header labels
  except where frictionless invents a name for a blank or repeated label (field3, name2, id2, ...);
  the declaration keeps those names without aliases, so our side reports them as missing (optional)
  columns and leaves their cells unread. The fixtures hold no bad values in such columns, so the
  row-level comparison stays exact; the header itself is compared through duplicate-label and
  blank-label, which both report at the header row (row 1).
- Severities are not compared: we report blank-row (skipped) and blank-label (column not
  published) as warnings where frictionless reports errors; the type and the row are the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = ("data", "frictionless-fixtures")

COMPARED = {"type-error", "constraint-error", "unique-error", "primary-key", "foreign-key", "blank-row",
            "extra-cell", "missing-cell", "duplicate-label", "blank-label"}
LABEL_ERRORS = {"duplicate-label", "blank-label"}

# Schemas the fixtures come with; every other CSV is checked against the schema frictionless infers.
SCHEMAS = {"unique-field.csv": "unique-field.json", "duplicate-column.csv": "duplicate-column-schema.json"}

# (fixture, (row, type)) -> why frictionless reports it and we, deliberately, do not.
DESIGN_DIFFERENCES = {
    ("invalid-package/data.csv", (3, "primary-key")):
        "frictionless also checks the key of a blank row (all key cells empty); we skip a blank row "
        "before any cell or key check and report it once, as blank-row. A non-blank row with an "
        "empty key is a primary-key error on both sides (see test_empty_primary_key_matches).",
}

CSV_FIXTURES = ["blank-rows.csv", "capital-invalid.csv", "capital-valid.csv", "defective-rows.csv",
                "duplicate-column.csv", "duplicate-headers.csv", "duplicate-rows.csv", "invalid.csv",
                "latin1.csv", "structure-errors.csv", "unique-field.csv"]


def frictionless_pairs(report) -> set[tuple[int, str]]:
    """(row, type) for each compared error in a frictionless report (label errors at the header row)."""
    assert not report.errors, [e.message for e in report.errors]  # a package/descriptor-level failure
    out = set()
    for task in report.tasks:
        for error in task.errors:
            if error.type not in COMPARED:
                continue
            row = getattr(error, "row_number", None)
            if row is None and error.type in LABEL_ERRORS:
                row = error.row_numbers[0]
            out.add((row, error.type))
    return out


def our_pairs(report) -> set[tuple[int, str]]:
    return {(p.row, p.type) for p in report.problems if p.type in COMPARED}


def declaration_from(tmp_path: Path, name: str, schema: dict):
    """A declaration holding a frictionless Table Schema as-is: header on the first row, no aliases. Built
    directly, not loaded: fixture schemas lack the bilingual metadata a published dataset must declare."""
    from publish.declarations import Declaration

    descriptor = {"name": name, "resources": [{"name": name, "schema": schema}]}
    # frictionless numbers: "." decimal, no group separator — the en style, never a guess.
    return Declaration(id=name, folder=tmp_path / name, descriptor=descriptor,
                       source={"header": "first", "numbers": {"style": "en"}})


def ours(tmp_path, path: Path, name: str, schema: dict, references=None):
    from assets.validation import check_bytes

    declaration = declaration_from(tmp_path, name, schema)
    return check_bytes(path.read_bytes(), path.name, declaration, references or {}, business_rules=False)


def assert_same(fixture: str, theirs: set, mine: set) -> None:
    expected_gap = {pair for (f, pair), _ in DESIGN_DIFFERENCES.items() if f == fixture}
    assert expected_gap <= theirs - mine, f"{fixture}: a documented difference no longer occurs: {expected_gap - (theirs - mine)}"
    assert theirs - expected_gap == mine, (f"{fixture}: frictionless only {sorted(theirs - mine - expected_gap)}, "
                                           f"ours only {sorted(mine - theirs)}")


@pytest.mark.parametrize("fixture", CSV_FIXTURES)
def test_csv_fixture_matches_frictionless(fixture, shared, tmp_path):
    import frictionless

    folder = shared(*FIXTURES)
    path = shared(*FIXTURES, fixture)
    if fixture in SCHEMAS:
        schema = json.loads((folder / SCHEMAS[fixture]).read_text(encoding="utf-8"))
    else:
        schema = frictionless.describe(fixture, basepath=str(folder), type="resource").schema.to_dict()
    theirs = frictionless_pairs(frictionless.validate(fixture, basepath=str(folder),
                                                      schema=frictionless.Schema.from_descriptor(schema)))
    checked = ours(tmp_path, path, "fixture", schema)
    assert not checked.report.unusable, checked.report.to_dict()
    assert_same(fixture, theirs, our_pairs(checked.report))


def test_every_csv_fixture_is_compared(shared):
    folder = shared(*FIXTURES)
    assert sorted(p.name for p in folder.glob("*.csv")) == sorted(CSV_FIXTURES)


def test_invalid_package_matches_frictionless(shared, tmp_path):
    """Both resources, including data2.parent -> data.id checked against data's clean table."""
    import frictionless

    from assets.validation import clean_table

    folder = shared(*FIXTURES, "invalid-package")
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    report = frictionless.validate("datapackage.json", basepath=str(folder))
    assert not report.errors, [e.message for e in report.errors]
    theirs = {task.name: {(getattr(e, "row_number", None) or e.row_numbers[0], e.type)
                          for e in task.errors if e.type in COMPARED} for task in report.tasks}
    resources = {r["name"]: r for r in package["resources"]}
    data = ours(tmp_path, folder / "data.csv", "data", resources["data"]["schema"])
    assert_same("invalid-package/data.csv", theirs["data"], our_pairs(data.report))
    # The parent table as published: the blank row skipped, every id present.
    parent = clean_table(data)
    assert parent.column("id").to_pylist() == ["A3001", "A5032"]
    data2 = ours(tmp_path, folder / "data2.csv", "data2", resources["data2"]["schema"], references={"data": parent})
    assert_same("invalid-package/data2.csv", theirs["data2"], our_pairs(data2.report))


def test_foreign_key_error_matches_frictionless(shared, tmp_path):
    """The package's data2 has no broken reference; break one and both must flag the same row."""
    import shutil

    import frictionless

    from assets.validation import clean_table

    source = shared(*FIXTURES, "invalid-package")
    folder = tmp_path / "pkg"
    shutil.copytree(source, folder)
    (folder / "data2.csv").write_text("parent,comment\nA3001,comment1\nZ9999,comment2\n\nA5032,comment3\n",
                                      encoding="utf-8")
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    report = frictionless.validate("datapackage.json", basepath=str(folder))
    theirs = {(getattr(e, "row_number", None) or e.row_numbers[0], e.type)
              for task in report.tasks if task.name == "data2" for e in task.errors if e.type in COMPARED}
    assert (3, "foreign-key") in theirs
    resources = {r["name"]: r for r in package["resources"]}
    parent = clean_table(ours(tmp_path, folder / "data.csv", "data", resources["data"]["schema"]))
    data2 = ours(tmp_path, folder / "data2.csv", "data2", resources["data2"]["schema"], references={"data": parent})
    assert our_pairs(data2.report) == theirs


@pytest.mark.parametrize("key", [["id"], ["id", "name"]])
def test_empty_primary_key_matches(tmp_path, key):
    """A row with every key cell empty is a primary-key error on both sides; a partly empty key is not."""
    import frictionless

    path = tmp_path / "keys.csv"
    path.write_text("id,name\n1,a\n,b\n1,c\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}], "primaryKey": key}
    report = frictionless.validate("keys.csv", basepath=str(tmp_path), schema=frictionless.Schema.from_descriptor(schema))
    theirs = frictionless_pairs(report)
    checked = ours(tmp_path, path, "keys", schema)
    assert our_pairs(checked.report) == theirs
    if key == ["id"]:
        assert theirs == {(3, "primary-key"), (4, "primary-key")}


# --- generated files with planted errors of every constraint and key -------------------------------

PLANTED_SCHEMA = {
    "fields": [
        {"name": "kode", "type": "string", "constraints": {"required": True, "pattern": r"\d{2}\.\d{2}"}},
        {"name": "tahun", "type": "integer", "constraints": {"required": True, "minimum": 2000, "maximum": 2100}},
        {"name": "jenis", "type": "string", "constraints": {"enum": ["murni", "pergeseran", "perubahan"]}},
        {"name": "nama", "type": "string", "constraints": {"minLength": 3, "maxLength": 20}},
        {"name": "nilai", "type": "number", "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 1000}},
        {"name": "tanggal", "type": "date", "constraints": {"minimum": "2020-01-01", "maximum": "2030-12-31"}},
        {"name": "nomor", "type": "integer", "constraints": {"unique": True}},
        {"name": "induk", "type": "string"},
    ],
    "primaryKey": ["kode", "tahun"],
    "foreignKeys": [{"fields": ["induk"], "reference": {"resource": "", "fields": ["kode"]}}],
}

# column -> values that break it (a type error, each constraint, a key): one is planted per chosen cell
PLANTS = {
    "kode": ["", "1.2", "AB.CD"],
    "tahun": ["", "1999", "2101", "dua ribu"],
    "jenis": ["Murni", "lainnya"],
    "nama": ["ab", "nama yang terlalu panjang sekali"],
    "nilai": ["0", "1000", "-5", "12,5"],
    "tanggal": ["2019-12-31", "2031-01-01", "2024-13-01"],  # (we also read 31/12/2024, by design)
    "nomor": ["x1"],
    "induk": ["99.99"],
}


def planted_rows(rng, count: int) -> list[list[str]]:
    rows = []
    for n in range(count):
        kode = f"{10 + n // 100:02d}.{n % 100:02d}"
        rows.append([kode, str(2000 + n % 50), rng.choice(["murni", "pergeseran", "perubahan"]), f"Kegiatan {n}",
                     f"{rng.uniform(1, 999):.2f}", f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}", str(n + 1),
                     rows[rng.randrange(n)][0] if n and rng.random() < 0.7 else ""])
    columns = [f["name"] for f in PLANTED_SCHEMA["fields"]]
    planted = [(column, value) for column, values in PLANTS.items() for value in values]  # each at least once
    planted += [(column, rng.choice(PLANTS[column])) for column in rng.choices(columns, k=count // 10)]
    for column, value in planted:
        rows[rng.randrange(count)][columns.index(column)] = value
    for _ in range(count // 40):  # repeated keys and unique numbers
        source, target = rng.sample(range(count), 2)
        which = rng.choice([[0, 1], [6]])
        for i in which:
            rows[target][i] = rows[source][i]
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_file_with_planted_errors_matches_frictionless(tmp_path, seed):
    """300 rows with about 60 planted errors, every constraint of the Table Schema, a composite
    primary key, a unique column and a foreign key into the same file: the same errors at the same rows."""
    import csv
    import random

    import frictionless

    rows = planted_rows(random.Random(seed), 300)
    path = tmp_path / "planted.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([f["name"] for f in PLANTED_SCHEMA["fields"]])
        writer.writerows(rows)
    # A Data Package v2 resource: exclusiveMinimum and exclusiveMaximum do not exist in v1
    resource = frictionless.Resource({"$schema": "https://datapackage.org/profiles/2.0/dataresource.json",
                                      "name": "planted", "path": "planted.csv", "schema": PLANTED_SCHEMA},
                                     basepath=str(tmp_path))
    report = resource.validate(limit_errors=100_000)
    theirs = frictionless_pairs(report)
    checked = ours(tmp_path, path, "planted", PLANTED_SCHEMA)
    mine = our_pairs(checked.report)
    assert {kind for _, kind in theirs} >= {"type-error", "constraint-error", "unique-error", "primary-key", "foreign-key"}
    assert theirs == mine, f"frictionless only {sorted(theirs - mine)}, ours only {sorted(mine - theirs)}"
    broken = {p.note.split('"')[1] for p in checked.report.problems if p.type == "constraint-error"}
    declared = {c for f in PLANTED_SCHEMA["fields"] for c in f.get("constraints", {}) if c != "unique"}
    assert broken == declared  # every kind of constraint was planted and found
