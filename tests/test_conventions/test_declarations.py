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


def _broken(tmp_path, dataset, file, edit):
    """A copy of the repository's declarations with one file of one dataset edited."""
    import shutil

    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    path = tmp_path / "schemas" / dataset / file
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))
    return tmp_path


@pytest.mark.parametrize("dataset, file, edit, said", [
    ("apbd", "source.json", lambda d: d["numbers"].update(style="french"),
     "schemas/apbd/source.json: numbers.style: tidak sesuai source.schema.json / does not match it: 'french'"),
    ("wilayah", "datapackage.json", lambda d: d["resources"][0]["schema"]["fields"][1].update(type="teks"),
     "schemas/wilayah/datapackage.json: resources[0].schema: frictionless menolak / rejects it: field type \"teks\""),
    ("kinerja", "datapackage.json", lambda d: d["resources"][0]["schema"]["fields"][2].pop("title"),
     "resources[0].schema.fields[2] (field kode_skpd): tidak sesuai datapackage.schema.json"),
    ("apbd", "source.json", lambda d: d.update(replaces=["tahun", "tahapan"]),
     "schemas/apbd/source.json: replaces: kolom tidak dideklarasikan / names undeclared field(s) tahapan"),
    ("peraturan", "datapackage.json",
     lambda d: d["resources"][0]["schema"]["foreignKeys"][0]["reference"].update(resource="daerah"),
     "refers to undeclared dataset 'daerah'"),
])
def test_a_broken_declaration_is_refused_at_load_naming_file_and_field(tmp_path, dataset, file, edit, said):
    from click.testing import CliRunner

    from pipelines.cli import cli
    from publish.declarations import DeclarationError, read_declarations

    root = _broken(tmp_path, dataset, file, edit)
    with pytest.raises(DeclarationError) as caught:
        read_declarations(root / "schemas")
    assert said in str(caught.value)
    result = CliRunner().invoke(cli, ["check-declarations", "--workspace", str(root)])
    assert result.exit_code == 3 and said in result.output and "Traceback" not in result.output
    published = CliRunner().invoke(cli, ["datasets", "--workspace", str(root)])
    assert published.exit_code == 3 and said in published.output  # every command refuses, in words


def test_check_declarations_lists_the_valid_ones(tmp_path):
    from click.testing import CliRunner

    from pipelines.cli import cli

    result = CliRunner().invoke(cli, ["check-declarations", "--workspace", str(ROOT)])
    assert result.exit_code == 0 and "4 deklarasi sah / declarations valid" in result.output


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

