"""Every declaration is valid: our JSON Schemas, frictionless's own descriptor check, and coherent keys."""

import json
from pathlib import Path

import frictionless
import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATASETS = sorted(p.name for p in (ROOT / "schemas").iterdir() if (p / "datapackage.json").is_file())


def _schema(name):
    return json.loads((ROOT / "schemas" / name).read_text())


def test_the_four_datasets_are_declared():
    assert {"apbd", "peraturan", "kinerja", "wilayah"} <= set(DATASETS)


@pytest.mark.parametrize("dataset", DATASETS)
def test_declaration_matches_our_json_schemas(dataset):
    folder = ROOT / "schemas" / dataset
    for doc, schema in (("datapackage.json", "datapackage.schema.json"), ("source.json", "source.schema.json"),
                        ("expectations.json", "expectations.schema.json")):
        jsonschema.validate(json.loads((folder / doc).read_text()), _schema(schema))


@pytest.mark.parametrize("dataset", DATASETS)
def test_table_schema_is_valid_for_frictionless(dataset):
    descriptor = json.loads((ROOT / "schemas" / dataset / "datapackage.json").read_text())
    schema = dict(descriptor["resources"][0]["schema"])
    # cross-dataset references are resolved by Terbuka, not inside one package
    schema["foreignKeys"] = [fk for fk in schema.get("foreignKeys", []) if fk["reference"]["resource"] == ""]
    report = frictionless.Schema.validate_descriptor(schema)
    assert report.valid, report.flatten(["type", "note"])


@pytest.mark.parametrize("dataset", DATASETS)
def test_aliases_keys_and_references_name_declared_fields(dataset):
    from publish.declarations import load_declaration

    d = load_declaration(ROOT / "schemas" / dataset)
    names = set(d.field_names)
    assert set(d.source.get("headerAliases", {})) <= names
    assert set(d.primary_key) <= names
    assert set(d.source.get("replaces", [])) <= names
    for fk in d.foreign_keys:
        assert set(fk["fields"]) <= names
        target = fk["reference"]["resource"] or dataset
        assert target in DATASETS, f"{dataset} refers to undeclared dataset {target}"
        ref = load_declaration(ROOT / "schemas" / target)
        assert set(fk["reference"]["fields"]) <= set(ref.field_names)


def test_a_broken_declaration_fails_our_schema():
    bad = {"formats": ["pdf"], "numbers": {"style": "french"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, _schema("source.schema.json"))


def test_vocabulary_and_account_names_match_their_schema_and_the_declarations():
    from publish.vocabulary import ACCOUNTS, VOCABULARY, load_vocabulary

    schema = _schema("vocabulary.schema.json")
    jsonschema.validate(json.loads((ROOT / "schemas" / VOCABULARY).read_text()), schema)
    vocabulary = load_vocabulary(ROOT / "schemas")
    for dataset in DATASETS:
        descriptor = json.loads((ROOT / "schemas" / dataset / "datapackage.json").read_text())
        assert descriptor["terbuka:topic"] in vocabulary.topics, f"{dataset}: topic missing from {VOCABULARY}"
        for stage in (descriptor.get("terbuka:totals") or {}).get("stageOrder") or []:
            assert stage in vocabulary.stages, f"{dataset}: stage {stage} has no name in {VOCABULARY}"
        accounts = ROOT / "schemas" / dataset / ACCOUNTS
        if accounts.is_file():
            jsonschema.validate(json.loads(accounts.read_text()), {**schema["$defs"]["names"], "$defs": schema["$defs"]})
    assert {t for topic in vocabulary.topics.values() for t in topic["themes"]} <= set(vocabulary.themes)

